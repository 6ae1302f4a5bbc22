// RecordIO framing as used by the Mesos v1 streaming APIs (mesos-api.md section 1.1).
//
// A stream is a concatenation of records, each written as `<decimal byte length>\n<bytes>`, with
// nothing after the data. The length counts UTF-8 bytes, not characters. HTTP chunk boundaries carry
// no meaning, so the decoder accepts bytes in arbitrary pieces and keeps its own state between them.

import { constants as bufferConstants } from 'node:buffer';

import { MesosError, type ErrorCode } from '../common/errors.ts';

// The codes are registered (and documented) in lib/common/errors.ts.
export const RECORDIO_MALFORMED = 'RECORDIO_MALFORMED';
export const RECORDIO_EMPTY_RECORD = 'RECORDIO_EMPTY_RECORD';
export const RECORDIO_TOO_LARGE = 'RECORDIO_TOO_LARGE';
export const RECORDIO_TRUNCATED = 'RECORDIO_TRUNCATED';
export const RECORDIO_BAD_JSON = 'RECORDIO_BAD_JSON';

export type RecordIOErrorCode = Extract<ErrorCode, `RECORDIO_${string}`>;

export class RecordIOError extends MesosError {
  declare readonly code: RecordIOErrorCode;

  constructor(code: RecordIOErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecordIOError';
  }
}

/**
 * The default limit is 64 MiB. The largest record Mesos itself sends is the operator API's
 * SUBSCRIBED event, which carries the full cluster state; 64 MiB leaves room for large clusters
 * while keeping one hostile length prefix from making us buffer without bound.
 */
export const DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024;

/**
 * A record size is an unsigned 64-bit count, and 2^64 - 1 has 20 decimal digits. A longer prefix
 * can never be valid, so the decoder rejects the 21st digit instead of waiting for a newline.
 */
const MAX_PREFIX_DIGITS = 20;

/**
 * The smallest buffer allocated for a record's data. Pieces of a record are copied into one buffer
 * that doubles as they arrive, so a record sent one byte at a time costs a few dozen allocations
 * (256 B, 512 B, ...) rather than one object per byte.
 */
const MIN_RECORD_BUFFER = 256;

const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export interface RecordIODecoderOptions {
  /** Largest accepted record, in bytes. Defaults to DEFAULT_MAX_RECORD_SIZE (64 MiB). */
  maxRecordSize?: number;
}

/** Frames one record. Strings are encoded as UTF-8 and the prefix counts their bytes. */
export function encodeRecord(data: string | Uint8Array): Buffer {
  const length = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  // The decoder rejects a zero length (see RecordIODecoder), so the encoder refuses to produce one.
  if (length === 0) {
    throw new RecordIOError(RECORDIO_EMPTY_RECORD, 'RecordIO records must not be empty');
  }
  const prefix = `${length}\n`;
  const out = Buffer.allocUnsafe(prefix.length + length);
  out.write(prefix, 0, 'latin1');
  if (typeof data === 'string') out.write(data, prefix.length, 'utf8');
  else out.set(data, prefix.length);
  return out;
}

/**
 * Frames many records into one buffer. Servers should still write each record with its own
 * `encodeRecord` call and `write()`, because some clients assume one record per HTTP chunk
 * (mesos-api.md section 12).
 */
export function encodeRecords(records: Iterable<string | Uint8Array>): Buffer {
  const framed: Buffer[] = [];
  for (const record of records) framed.push(encodeRecord(record));
  return Buffer.concat(framed);
}

/**
 * Incremental RecordIO decoder. Feed it chunks with `push()`, which returns the records each chunk
 * completes, and call `end()` when the stream ends.
 *
 * Memory is bounded by maxRecordSize: a length prefix is held as at most 20 digits, and the data of
 * a record in progress are copied into one buffer that at least doubles when it grows, capped at the
 * declared length and at twice the bytes received so far. So a hostile peer that declares 64 MiB and
 * sends 3 bytes costs 256 bytes, and one that sends a record one byte per chunk costs about the
 * record's size, not an object per byte. A record that arrives within one chunk is copied once; the
 * growth of one spread over many chunks copies less than twice its size more. In exchange the
 * decoder keeps no reference to pushed chunks: callers may reuse them, and returned records never
 * alias them.
 *
 * After any error the decoder is poisoned: every later `push()` or `end()` throws the same error,
 * because the position of the next record boundary is no longer known.
 */
export class RecordIODecoder {
  readonly maxRecordSize: number;

  // Bytes consumed before the current chunk; only used to locate errors in messages.
  #streamOffset = 0;
  // Digits of the length prefix read so far; non-empty only while a prefix is incomplete.
  #prefixDigits = '';
  // Declared length of the record being read, or -1 while reading a prefix.
  #recordLength = -1;
  // Data received so far for the current record: the first #pendingBytes bytes of #pendingBuffer.
  // Invariants: #pendingBytes < #recordLength while a record is in progress, and
  // #pendingBuffer.length <= min(#recordLength, max(2 * #pendingBytes, MIN_RECORD_BUFFER)).
  #pendingBuffer: Buffer | undefined;
  #pendingBytes = 0;
  #error: RecordIOError | undefined;
  #ended = false;

  constructor(options: RecordIODecoderOptions = {}) {
    const max = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
    if (!Number.isSafeInteger(max) || max < 1 || max > bufferConstants.MAX_LENGTH) {
      throw new RangeError(
        `maxRecordSize must be an integer between 1 and ${bufferConstants.MAX_LENGTH}, got ${max}`,
      );
    }
    this.maxRecordSize = max;
  }

  /**
   * Bytes allocated for the record in progress (0 between records): never more than its declared
   * length, nor more than twice the bytes received for it (or 256). For tests and metrics.
   */
  get pendingCapacity(): number {
    return this.#pendingBuffer?.length ?? 0;
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.#error) throw this.#error;
    if (this.#ended) throw new Error('RecordIODecoder.push() called after end()');
    try {
      return this.#consume(chunk);
    } catch (err) {
      if (err instanceof RecordIOError) this.#error = err;
      throw err;
    }
  }

  /** Declares the stream finished. Throws if it stopped inside a length prefix or a record. */
  end(): void {
    if (this.#error) throw this.#error;
    this.#ended = true;
    if (this.#recordLength >= 0) {
      this.#error = new RecordIOError(
        RECORDIO_TRUNCATED,
        `RecordIO stream ended inside a record: received ${this.#pendingBytes} of ` +
          `${this.#recordLength} bytes`,
      );
    } else if (this.#prefixDigits !== '') {
      this.#error = new RecordIOError(
        RECORDIO_TRUNCATED,
        `RecordIO stream ended inside a length prefix ("${this.#prefixDigits}" without a newline)`,
      );
    }
    if (this.#error) throw this.#error;
  }

  #consume(chunk: Uint8Array): Buffer[] {
    const records: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#recordLength < 0) {
        i = this.#readPrefix(chunk, i);
        continue;
      }
      const take = Math.min(this.#recordLength - this.#pendingBytes, chunk.length - i);
      this.#append(chunk.subarray(i, i + take));
      i += take;
      if (this.#pendingBytes === this.#recordLength) {
        // The buffer is exactly the record: it grew to hold #recordLength bytes and never beyond.
        records.push(this.#pendingBuffer!);
        this.#pendingBuffer = undefined;
        this.#pendingBytes = 0;
        this.#recordLength = -1;
      }
    }
    this.#streamOffset += chunk.length;
    return records;
  }

  // Copies a piece of the current record into #pendingBuffer, growing it first if it is full.
  #append(piece: Uint8Array): void {
    const needed = this.#pendingBytes + piece.length;
    if (this.#pendingBuffer === undefined || needed > this.#pendingBuffer.length) {
      // Doubling keeps the total copying linear in the record's size; the cap at the declared
      // length means the last growth lands exactly on it.
      const capacity = Math.min(this.#recordLength, Math.max(needed, 2 * this.#pendingBytes, MIN_RECORD_BUFFER));
      const grown = Buffer.allocUnsafe(capacity);
      if (this.#pendingBuffer !== undefined) grown.set(this.#pendingBuffer.subarray(0, this.#pendingBytes));
      this.#pendingBuffer = grown;
    }
    this.#pendingBuffer.set(piece, this.#pendingBytes);
    this.#pendingBytes = needed;
  }

  // Reads prefix bytes from chunk[start...]; returns the index after the last byte consumed. Sets
  // #recordLength once the newline arrives.
  #readPrefix(chunk: Uint8Array, start: number): number {
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte >= DIGIT_0 && byte <= DIGIT_9) {
        if (this.#prefixDigits.length === MAX_PREFIX_DIGITS) {
          throw new RecordIOError(
            RECORDIO_MALFORMED,
            `RecordIO length prefix at stream offset ${this.#prefixStart(i)} is longer than ` +
              `${MAX_PREFIX_DIGITS} digits, which cannot be an unsigned 64-bit length`,
          );
        }
        this.#prefixDigits += String.fromCharCode(byte);
        continue;
      }
      if (byte !== NEWLINE) {
        throw new RecordIOError(
          RECORDIO_MALFORMED,
          `RecordIO length prefix at stream offset ${this.#prefixStart(i)} contains ` +
            `${describeByte(byte)}; expected decimal digits followed by a newline`,
        );
      }
      if (this.#prefixDigits === '') {
        throw new RecordIOError(
          RECORDIO_MALFORMED,
          `RecordIO length prefix at stream offset ${this.#streamOffset + i} is empty`,
        );
      }
      this.#startRecord(this.#prefixStart(i));
      return i + 1;
    }
    return chunk.length;
  }

  #startRecord(prefixOffset: number): void {
    // A 20-digit prefix may exceed 2^53, so compare exactly with BigInt; this runs once per record.
    const length = BigInt(this.#prefixDigits);
    this.#prefixDigits = '';
    // Mesos documents that a record size is never 0, and an empty record would be meaningless to
    // every consumer (each record is one event), so a zero length means the stream is broken.
    if (length === 0n) {
      throw new RecordIOError(
        RECORDIO_EMPTY_RECORD,
        `RecordIO record at stream offset ${prefixOffset} has length 0; ` +
          'Mesos never sends empty records',
      );
    }
    if (length > BigInt(this.maxRecordSize)) {
      throw new RecordIOError(
        RECORDIO_TOO_LARGE,
        `RecordIO record length ${length} exceeds the maximum record size of ` +
          `${this.maxRecordSize} bytes`,
      );
    }
    this.#recordLength = Number(length);
  }

  // Stream offset of the first digit of the current prefix, given the index of a byte after it.
  #prefixStart(indexInChunk: number): number {
    return this.#streamOffset + indexInChunk - this.#prefixDigits.length;
  }
}

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x21 && byte <= 0x7e ? `'${String.fromCharCode(byte)}' (${hex})` : `byte ${hex}`;
}

/** Yields each record of a RecordIO byte stream; throws RecordIOError if the stream is malformed. */
export async function* decodeRecords(
  source: AsyncIterable<Uint8Array>,
  options: RecordIODecoderOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const decoder = new RecordIODecoder(options);
  for await (const chunk of source) {
    yield* decoder.push(chunk);
  }
  decoder.end();
}

/**
 * Yields each record parsed as JSON. Records must be valid UTF-8: a lenient decode would silently
 * turn bad bytes into U+FFFD and hide a corrupt stream. The error names the zero-based record index.
 */
export async function* decodeJsonRecords<T = unknown>(
  source: AsyncIterable<Uint8Array>,
  options: RecordIODecoderOptions = {},
): AsyncGenerator<T, void, undefined> {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let index = 0;
  for await (const record of decodeRecords(source, options)) {
    let value: T;
    try {
      value = JSON.parse(utf8.decode(record)) as T;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new RecordIOError(
        RECORDIO_BAD_JSON,
        `RecordIO record ${index} is not valid UTF-8 JSON: ${reason}`,
        { cause: err },
      );
    }
    index++;
    yield value;
  }
}

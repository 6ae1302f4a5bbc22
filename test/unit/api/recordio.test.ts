import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  DEFAULT_MAX_RECORD_SIZE,
  RECORDIO_BAD_JSON,
  RECORDIO_EMPTY_RECORD,
  RECORDIO_MALFORMED,
  RECORDIO_TOO_LARGE,
  RECORDIO_TRUNCATED,
  RecordIODecoder,
  RecordIOError,
  decodeJsonRecords,
  decodeRecords,
  encodeRecord,
  encodeRecords,
} from '../../../lib/api/recordio.ts';
import type { RecordIODecoderOptions } from '../../../lib/api/recordio.ts';
import { rejects, rejectsAsync } from '../../helpers/assert-error.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function toBytes(record: string | Uint8Array): Buffer {
  return typeof record === 'string' ? bytes(record) : Buffer.from(record);
}

// Pushes every chunk, then ends the stream, and returns all records decoded.
function decodeAll(chunks: Uint8Array[], options?: RecordIODecoderOptions): Buffer[] {
  const decoder = new RecordIODecoder(options);
  const out = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return out;
}

async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? bytes(chunk) : chunk;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

// Non-empty records: unicode strings of whole code points (lone surrogates cannot round-trip
// through UTF-8) and raw bytes.
const recordArb = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
);

// Splits a buffer at arbitrary cut points; repeated or out-of-range cuts just produce fewer chunks.
function split(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Encoding

test('encodeRecord counts UTF-8 bytes, not characters', () => {
  assert.is(encodeRecord('{"type":"HEARTBEAT"}').toString(), '20\n{"type":"HEARTBEAT"}');
  // "é" is 2 bytes and "😀" is 4 bytes (one code point, two UTF-16 units).
  assert.equal(encodeRecord('é'), bytes('2\né'));
  assert.equal(encodeRecord('😀'), bytes('4\n😀'));
  assert.equal(encodeRecord('aé😀'), bytes('7\naé😀'));
  assert.equal(encodeRecord(new Uint8Array([0, 10, 255])), Buffer.from([0x33, 0x0a, 0, 10, 255]));
});

test('encodeRecords concatenates framed records with no delimiter', () => {
  assert.is(encodeRecords(['ab', 'c', new Uint8Array([0x64])]).toString(), '2\nab1\nc1\nd');
  assert.is(encodeRecords([]).length, 0);
});

test('encodeRecord refuses empty records, which the decoder would reject', () => {
  rejects(() => encodeRecord(''), RECORDIO_EMPTY_RECORD);
  rejects(() => encodeRecord(new Uint8Array(0)), RECORDIO_EMPTY_RECORD);
});

// ---------------------------------------------------------------------------------------------
// Round trips

test('property: any records survive encoding and any chunking', () => {
  fc.assert(
    fc.property(
      fc.array(recordArb, { minLength: 0, maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      (records, cuts) => {
        const stream = encodeRecords(records);
        assert.equal(decodeAll(split(stream, cuts)), records.map(toBytes));
      },
    ),
    { numRuns: 300 },
  );
});

test('property: one-byte chunks split prefixes, newlines and multibyte characters', () => {
  fc.assert(
    fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), (records) => {
      const stream = encodeRecords(records);
      const chunks = Array.from(stream, (byte) => Uint8Array.of(byte));
      assert.equal(decodeAll(chunks), records.map(toBytes));
    }),
    { numRuns: 100 },
  );
});

test('many records in one chunk all come back from a single push', () => {
  const records = Array.from({ length: 1000 }, (_, i) => `{"n":${i},"s":"é${'x'.repeat(i % 17)}"}`);
  const decoder = new RecordIODecoder();
  const out = decoder.push(encodeRecords(records));
  decoder.end();
  assert.equal(out.map((r) => r.toString('utf8')), records);
});

test('records are split exactly where the prefix says, whatever the chunking', () => {
  // "😀" is F0 9F 98 80; cut inside the prefix, on the newline and inside the character.
  const stream = bytes('12\nab😀cdefgh1\nz');
  const cuts = [1, 3, 6, 7, 16];
  assert.equal(decodeAll(split(stream, cuts)), [bytes('ab😀cdefgh'), bytes('z')]);
});

test('decoded records do not alias the pushed chunks', () => {
  const chunk = encodeRecord('abc');
  const [record] = decodeAll([chunk]);
  chunk.fill(0);
  assert.is(record?.toString(), 'abc');
});

test('leading zeros in the prefix are accepted as decimal', () => {
  assert.equal(decodeAll([bytes('003\nabc')]), [bytes('abc')]);
});

// ---------------------------------------------------------------------------------------------
// Hostile input

test('a 100 GB length prefix is rejected as soon as the newline arrives', () => {
  const decoder = new RecordIODecoder();
  const before = process.memoryUsage().arrayBuffers;
  rejects(
    () => decoder.push(bytes('107374182400\n')),
    RECORDIO_TOO_LARGE,
    /^RecordIO record length 107374182400 exceeds the maximum record size of 67108864 bytes$/,
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);
});

test('a declared length within the limit is not allocated before its data arrives', () => {
  const decoder = new RecordIODecoder({ maxRecordSize: 1024 * 1024 * 1024 });
  const before = process.memoryUsage().arrayBuffers;
  assert.equal(decoder.push(bytes('1000000000\nabc')), []);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);
  rejects(() => decoder.end(), RECORDIO_TRUNCATED, /received 3 of 1000000000 bytes/);
});

test('a record sent one byte per chunk is held in one buffer that grows with the data', () => {
  // 2 MB in 2 million pushes. Keeping a view per pushed chunk would cost ~120 bytes of objects per
  // byte of data (240 MB here); one buffer that doubles costs at most twice the bytes received.
  const data = Buffer.alloc(2 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  const stream = encodeRecord(data);
  const prefixLength = stream.length - data.length;
  const decoder = new RecordIODecoder();
  const out: Buffer[] = [];
  let worst = 0; // the largest capacity / max(2 * received, 256) seen; must stay <= 1
  for (let i = 0; i < stream.length; i++) {
    out.push(...decoder.push(stream.subarray(i, i + 1)));
    const received = i + 1 - prefixLength;
    if (received > 0 && received < data.length) {
      worst = Math.max(worst, decoder.pendingCapacity / Math.max(2 * received, 256));
      assert.ok(decoder.pendingCapacity <= data.length, 'capacity is capped at the declared length');
    }
  }
  decoder.end();
  assert.ok(worst > 0 && worst <= 1, `capacity reached ${worst} times twice the bytes received`);
  assert.is(decoder.pendingCapacity, 0);
  assert.is(out.length, 1);
  assert.ok(out[0]!.equals(data), 'the record decodes intact');
});

test('a large declared length with few bytes behind it holds a small buffer', () => {
  const decoder = new RecordIODecoder();
  assert.equal(decoder.push(bytes(`${DEFAULT_MAX_RECORD_SIZE}\nabc`)), []);
  assert.is(decoder.pendingCapacity, 256);
  assert.equal(decoder.push(Buffer.alloc(1000)), []);
  assert.is(decoder.pendingCapacity, 1003);
  // A short record gets a buffer of exactly its length, handed out as the record itself.
  const small = new RecordIODecoder();
  assert.equal(small.push(bytes('5\nab')), []);
  assert.is(small.pendingCapacity, 5);
  assert.equal(small.push(bytes('cde')), [bytes('abcde')]);
  assert.is(small.pendingCapacity, 0);
});

test('an endless digit stream is rejected at the 21st digit', () => {
  const decoder = new RecordIODecoder();
  for (let i = 0; i < 20; i++) assert.equal(decoder.push(bytes('9')), []);
  rejects(() => decoder.push(bytes('9')), RECORDIO_MALFORMED, /longer than 20 digits/);
});

test('an endless digit stream through the async helper terminates with an error', async () => {
  async function* endless(): AsyncGenerator<Uint8Array> {
    for (;;) yield bytes('0000000');
  }
  await rejectsAsync(collect(decodeRecords(endless())), RECORDIO_MALFORMED, /longer than 20/);
});

test('a 20-digit prefix above 2^64 is too large, not malformed', () => {
  rejects(
    () => decodeAll([bytes('99999999999999999999\n')]),
    RECORDIO_TOO_LARGE,
    /length 99999999999999999999 exceeds/,
  );
});

test('non-digit characters in the prefix are malformed', () => {
  const cases: [string, RegExp][] = [
    ['1a\nx', /contains 'a' \(0x61\)/],
    ['0x1\nx', /contains 'x'/],
    ['-1\nx', /contains '-'/],
    ['+1\nx', /contains '\+'/],
    [' 1\nx', /contains byte 0x20/],
    ['1 \nx', /contains byte 0x20/],
    ['1\r\nx', /contains byte 0x0d/],
    ['{"type":"HEARTBEAT"}', /offset 0 contains '\{'/],
  ];
  for (const [input, message] of cases) {
    rejects(() => decodeAll([bytes(input)]), RECORDIO_MALFORMED, message);
  }
  // The offset locates the start of the bad prefix in the whole stream.
  rejects(
    () => decodeAll([bytes('1\na1'), bytes('x\n')]),
    RECORDIO_MALFORMED,
    /offset 3 contains 'x'/,
  );
});

test('an empty prefix is malformed', () => {
  rejects(() => decodeAll([bytes('\nabc')]), RECORDIO_MALFORMED, /offset 0 is empty/);
  rejects(() => decodeAll([bytes('1\na\n')]), RECORDIO_MALFORMED, /offset 3 is empty/);
});

test('a zero length is rejected because Mesos never sends empty records', () => {
  rejects(() => decodeAll([bytes('0\n')]), RECORDIO_EMPTY_RECORD, /length 0/);
  rejects(() => decodeAll([bytes('000\n1\na')]), RECORDIO_EMPTY_RECORD);
});

test('end() rejects a stream cut inside a record or a prefix', () => {
  rejects(() => decodeAll([bytes('5\nabc')]), RECORDIO_TRUNCATED, /received 3 of 5 bytes/);
  rejects(() => decodeAll([bytes('5\n')]), RECORDIO_TRUNCATED, /received 0 of 5 bytes/);
  rejects(() => decodeAll([bytes('1\na12')]), RECORDIO_TRUNCATED, /length prefix \("12"/);
  assert.equal(decodeAll([]), []);
});

test('maxRecordSize: exactly the maximum is accepted, one byte more is rejected', () => {
  const options = { maxRecordSize: 8 };
  assert.equal(decodeAll([bytes('8\n12345678')], options), [bytes('12345678')]);
  // Rejected from the prefix alone, before any data arrives.
  rejects(
    () => new RecordIODecoder(options).push(bytes('9\n')),
    RECORDIO_TOO_LARGE,
    /^RecordIO record length 9 exceeds the maximum record size of 8 bytes$/,
  );
  assert.is(new RecordIODecoder().maxRecordSize, DEFAULT_MAX_RECORD_SIZE);
  assert.is(DEFAULT_MAX_RECORD_SIZE, 64 * 1024 * 1024);
});

test('invalid maxRecordSize options are refused', () => {
  for (const maxRecordSize of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER]) {
    assert.throws(() => new RecordIODecoder({ maxRecordSize }), RangeError);
  }
});

test('after an error the decoder is poisoned and rethrows the same error', () => {
  const decoder = new RecordIODecoder();
  assert.equal(decoder.push(bytes('1\na')), [bytes('a')]);
  const first = rejects(() => decoder.push(bytes('-')), RECORDIO_MALFORMED);
  assert.instance(first, RecordIOError);
  const attempts = [
    () => decoder.push(bytes('1\nb')),
    () => decoder.push(new Uint8Array(0)),
    () => decoder.end(),
  ];
  for (const fn of attempts) {
    try {
      fn();
      assert.unreachable('a poisoned decoder must throw');
    } catch (err) {
      assert.is(err, first);
    }
  }
});

test('a truncation error from end() also poisons the decoder', () => {
  const decoder = new RecordIODecoder();
  decoder.push(bytes('3\na'));
  const first = rejects(() => decoder.end(), RECORDIO_TRUNCATED);
  rejects(() => decoder.end(), RECORDIO_TRUNCATED);
  try {
    decoder.push(bytes('bc'));
    assert.unreachable('a poisoned decoder must throw');
  } catch (err) {
    assert.is(err, first);
  }
});

// ---------------------------------------------------------------------------------------------
// Async iterator helpers

test('decodeRecords yields records from a chunked async stream', async () => {
  const records = await collect(decodeRecords(chunksOf('3', '\nab', 'c2\n', 'de', '1\nf')));
  assert.equal(records, [bytes('abc'), bytes('de'), bytes('f')]);
});

test('decodeRecords reports a truncated stream and passes options through', async () => {
  await rejectsAsync(collect(decodeRecords(chunksOf('3\nab'))), RECORDIO_TRUNCATED);
  await rejectsAsync(
    collect(decodeRecords(chunksOf('4\nabcd'), { maxRecordSize: 3 })),
    RECORDIO_TOO_LARGE,
  );
});

test('decodeRecords stops reading the source when the consumer stops early', async () => {
  let finished = false;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) yield encodeRecord('x');
    } finally {
      finished = true;
    }
  }
  for await (const record of decodeRecords(source())) {
    assert.is(record.toString(), 'x');
    break;
  }
  assert.ok(finished);
});

test('decodeJsonRecords parses records, even with a character split across chunks', async () => {
  const stream = encodeRecords(['{"type":"SUBSCRIBED","name":"café 😀"}', '{"type":"HEARTBEAT"}']);
  const oneByteChunks = Array.from(stream, (byte) => Uint8Array.of(byte));
  const events = await collect(decodeJsonRecords(chunksOf(...oneByteChunks)));
  assert.equal(events, [{ type: 'SUBSCRIBED', name: 'café 😀' }, { type: 'HEARTBEAT' }]);
});

test('decodeJsonRecords names the index of a record that is not JSON', async () => {
  const stream = encodeRecords(['{"a":1}', '{"b":2}', '{"c":', '{"d":4}']);
  await rejectsAsync(
    collect(decodeJsonRecords(chunksOf(stream))),
    RECORDIO_BAD_JSON,
    /record 2 is not valid/,
  );
});

test('decodeJsonRecords rejects invalid UTF-8 instead of replacing it', async () => {
  const stream = encodeRecords([bytes('{"a":1}'), Uint8Array.of(0x22, 0xff, 0x22)]);
  await rejectsAsync(
    collect(decodeJsonRecords(chunksOf(stream))),
    RECORDIO_BAD_JSON,
    /record 1 /,
  );
});

test.run();

// A RecordIO event stream on an HTTP response: the body of a v1 SUBSCRIBE (scheduler, executor,
// operator API), which lasts as long as the subscription.
//
// What clients rely on (mesos-api.md sections 1.1 and 12):
//   - status 200, the negotiated Content-Type (`application/json` for the scheduler API, not
//     application/recordio), `Transfer-Encoding: chunked`, no Content-Length, headers sent at once;
//   - one record per `res.write()`, so one record per HTTP chunk: some client libraries assume it;
//   - compact JSON with non-ASCII escaped, which the codec writes.
//
// What the master relies on:
//   - `closed` settles exactly once with the reason, whoever closed the stream, so the owner
//     (a framework's subscription) can mark itself disconnected in one place;
//   - memory per stream is bounded. A client that stops reading makes the kernel's socket buffer
//     fill up and then Node buffers our writes without limit, so before each record we look at
//     what is still queued; beyond `maxBufferedBytes` the stream is closed as 'overflow' and the
//     socket destroyed. The bound is therefore maxBufferedBytes plus one record.

import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import { encode, type MessageName } from '../api/codec.ts';
import { encodeRecord } from '../api/recordio.ts';
import type { MessageTypes } from '../types/registry.ts';

// Write coalescing. Node corks a response's socket until the end of the current tick, so each
// event written from its own I/O callback (a status update relayed from an agent, say) costs one
// writev and one trip through the loopback TCP stack: a quarter of a busy master's time. Holding
// the socket corked until the loop's check phase, after every ready I/O event has been handled,
// gathers all that a loop turn wrote to one socket into one writev; the busier the master, the
// more each turn gathers. Records stay one per chunk: only the syscalls are shared.
//
// A turn is not always short: under load one poll phase can handle tens of thousands of ready
// sockets and last seconds, and holding every event that long would add it to every round trip
// (an UPDATE, its ACKNOWLEDGE, the agent's next update). So what is held longer than MAX_HOLD_MS
// goes out at the next write, whatever the phase.
const MAX_HOLD_MS = 5;
const held = new Set<Socket>();
let releaseScheduled = false;
let heldSince = 0;

function uncorkHeld(): void {
  for (const socket of held) socket.uncork();
  held.clear();
}

function releaseHeld(): void {
  releaseScheduled = false;
  uncorkHeld();
}

/** Corks `socket` until the loop's next check phase (setImmediate) or, in a long turn, the first write after MAX_HOLD_MS. */
export function holdWrites(socket: Socket): void {
  const now = performance.now();
  if (held.size > 0 && now - heldSince > MAX_HOLD_MS) uncorkHeld();
  if (held.has(socket) || socket.destroyed) return;
  if (held.size === 0) heldSince = now;
  socket.cork();
  held.add(socket);
  if (!releaseScheduled) {
    releaseScheduled = true;
    setImmediate(releaseHeld);
  }
}

/** Writes what `socket` holds now; false if it held nothing. */
function releaseNow(socket: Socket): boolean {
  if (!held.delete(socket)) return false;
  socket.uncork();
  return true;
}

/**
 * Why a stream ended:
 *   - 'server': `close()` was called (e.g. the framework failed over to a new stream);
 *   - 'client': the connection closed before we ended the stream (the client went away);
 *   - 'overflow': the client did not read and its queued bytes passed the limit;
 *   - 'shutdown': the server is closing;
 *   - 'error': the handler that opened the stream threw afterwards.
 */
export type StreamCloseReason = 'server' | 'client' | 'overflow' | 'shutdown' | 'error';

/** 4 MiB: thousands of offers' worth of events, and still small next to a master's heap. */
export const DEFAULT_MAX_STREAM_BUFFER = 4 * 1024 * 1024;

export interface RecordIOStreamOptions {
  /** Bytes that may wait for a slow client before the stream is closed as 'overflow'. */
  maxBufferedBytes?: number;
  /** Told once when the stream closes (in addition to the `closed` promise and `onClose`). */
  onClosed?: (stream: RecordIOStream<MessageName>, reason: StreamCloseReason) => void;
  /** Where an `onClose` listener that throws is reported. Defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * Writes events of message type `K` as RecordIO records on a response whose headers the caller
 * has already sent (see `RequestContext.stream` in http.ts, the usual way to open one).
 */
export class RecordIOStream<K extends MessageName = MessageName> {
  readonly type: K;
  readonly maxBufferedBytes: number;
  /** Settles once, with the reason the stream ended. Never rejects. */
  readonly closed: Promise<StreamCloseReason>;

  readonly #res: ServerResponse;
  readonly #onClosed: ((stream: RecordIOStream<MessageName>, reason: StreamCloseReason) => void) | undefined;
  readonly #log: (line: string) => void;
  #reason: StreamCloseReason | undefined;
  #resolveClosed!: (reason: StreamCloseReason) => void;
  #listeners: ((reason: StreamCloseReason) => void)[] = [];
  #recordsSent = 0;

  constructor(res: ServerResponse, type: K, options: RecordIOStreamOptions = {}) {
    this.type = type;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_STREAM_BUFFER;
    this.#res = res;
    this.#onClosed = options.onClosed;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    // 'close' fires when the response ends or the connection goes, whichever comes first; if we
    // did not end it, the client went away (or the socket failed, which is the same to us).
    res.once('close', () => this.#finish('client'));
    if (res.destroyed) this.#finish('client');
  }

  /** True once the stream has ended, for any reason. */
  get isClosed(): boolean {
    return this.#reason !== undefined;
  }

  /** The reason the stream ended, once it has. */
  get closeReason(): StreamCloseReason | undefined {
    return this.#reason;
  }

  /** Bytes written but not yet taken by the kernel (queued in Node for this response). */
  get bufferedBytes(): number {
    return this.#res.writableLength;
  }

  /** Records written so far. */
  get recordsSent(): number {
    return this.#recordsSent;
  }

  /**
   * Encodes `event` with the codec (Mesos's JSON dialect) and sends it as one record. Returns
   * false, sending nothing, if the stream has closed (or closes now because the client is too far
   * behind). An event the codec cannot encode throws, as it is a bug in the caller.
   */
  send(event: MessageTypes[K]): boolean {
    if (this.#reason !== undefined) return false;
    return this.sendJson(encode(this.type, event));
  }

  /**
   * Sends JSON text that is already encoded (compact, non-ASCII escaped) as one record: for an
   * event broadcast to many streams, encoded once.
   */
  sendJson(json: string): boolean {
    if (this.#reason !== undefined) return false;
    // What we hold for this turn counts in writableLength too: write it out before judging
    // whether the client is behind.
    if (this.#res.writableLength > this.maxBufferedBytes && !(this.#res.socket !== null && releaseNow(this.#res.socket) &&
      this.#res.writableLength <= this.maxBufferedBytes)) {
      this.#end('overflow');
      return false;
    }
    // One record, one write, hence one chunk: never batch records into one write (the writes of
    // a loop turn do share a syscall, see holdWrites).
    const socket = this.#res.socket;
    if (socket !== null) holdWrites(socket);
    this.#res.write(encodeRecord(json));
    this.#recordsSent++;
    return true;
  }

  /** Ends the stream (the terminating chunk follows whatever is queued). */
  close(): void {
    this.#end('server');
  }

  /** Calls `listener` once with the reason when the stream closes (at once if it has). */
  onClose(listener: (reason: StreamCloseReason) => void): void {
    if (this.#reason !== undefined) listener(this.#reason);
    else this.#listeners.push(listener);
  }

  /** Ends the stream with `reason`; for the server (shutdown, handler errors). */
  end(reason: Exclude<StreamCloseReason, 'client'>): void {
    this.#end(reason);
  }

  #end(reason: Exclude<StreamCloseReason, 'client'>): void {
    if (this.#reason !== undefined) return;
    this.#finish(reason);
    if (reason === 'overflow' || reason === 'error') {
      // The client is not reading (or the stream is in an unknown state): a graceful end would
      // queue behind the backlog forever, so drop the connection and the backlog with it.
      this.#res.destroy();
    } else {
      this.#res.end();
    }
  }

  #finish(reason: StreamCloseReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#resolveClosed(reason);
    const listeners = this.#listeners;
    this.#listeners = [];
    // A listener that throws must not keep the others (or the server's bookkeeping) from running,
    // nor crash the process from inside a socket event.
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (err) {
        this.#log(`A ${this.type} stream's close listener threw: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    this.#onClosed?.(this as unknown as RecordIOStream<MessageName>, reason);
  }
}

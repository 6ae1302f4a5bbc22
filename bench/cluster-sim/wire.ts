// The simulator's own HTTP/1.1, on plain sockets. One simulator process holds thousands of agent
// links and hundreds of scheduler streams, and sends tens of thousands of calls a second: node:http
// costs a ClientRequest, an IncomingMessage and a parser object per request, which is more than
// this needs. Here a connection is a net.Socket, a small response parser (status line, headers,
// Content-Length or chunked body), writes batched per event-loop turn, and for calls HTTP/1.1
// pipelining on a few shared keep-alive connections.
//
//   RecordIOConnection: one long request whose response is a RecordIO event stream: the agent
//     link (the request body stays open, chunked, for the agent's calls) and scheduler SUBSCRIBE.
//   CallPool: fire-and-answer POSTs (scheduler calls), pipelined, answered in order.

import { connect, type Socket } from 'node:net';

import { RecordIODecoder } from '../../lib/api/recordio.ts';

export interface ResponseHead {
  status: number;
  /** Header names lower-cased. */
  headers: Map<string, string>;
}

interface ResponseHandlers {
  onHead(head: ResponseHead): void;
  onBody(piece: Buffer): void;
  onComplete(): void;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'fixed' | 'until-close';

/**
 * Parses a sequence of HTTP/1.1 responses from a byte stream (pipelined responses follow each
 * other). Body bytes are handed over as slices of the pushed buffers; copy them to keep them.
 */
export class ResponseParser {
  readonly #on: ResponseHandlers;
  #state: State = 'head';
  #leftover: Buffer | undefined;
  #remaining = 0;

  constructor(handlers: ResponseHandlers) {
    this.#on = handlers;
  }

  push(input: Buffer): void {
    let data = input;
    if (this.#leftover !== undefined) {
      data = Buffer.concat([this.#leftover, input]);
      this.#leftover = undefined;
    }
    let i = 0;
    while (i < data.length) {
      switch (this.#state) {
        case 'head': {
          const end = data.indexOf(HEAD_END, i);
          if (end < 0) {
            this.#leftover = data.subarray(i);
            return;
          }
          const head = parseHead(data.toString('latin1', i, end));
          i = end + 4;
          if (head.status >= 100 && head.status < 200) break; // 100 Continue: the real head follows.
          this.#on.onHead(head);
          if (head.headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) this.#state = 'chunk-size';
          else if (head.headers.has('content-length')) {
            this.#remaining = Number(head.headers.get('content-length'));
            if (this.#remaining === 0) this.#on.onComplete();
            else this.#state = 'fixed';
          } else this.#state = 'until-close';
          break;
        }
        case 'chunk-size': {
          const eol = data.indexOf(CRLF, i);
          if (eol < 0) {
            this.#leftover = data.subarray(i);
            return;
          }
          const size = Number.parseInt(data.toString('latin1', i, eol).split(';')[0]!, 16);
          if (!Number.isFinite(size)) throw new Error(`malformed chunk size '${data.toString('latin1', i, eol)}'`);
          i = eol + 2;
          if (size === 0) this.#state = 'trailer';
          else {
            this.#remaining = size;
            this.#state = 'chunk-data';
          }
          break;
        }
        case 'chunk-data':
        case 'fixed': {
          const take = Math.min(this.#remaining, data.length - i);
          this.#on.onBody(data.subarray(i, i + take));
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) {
            if (this.#state === 'fixed') {
              this.#state = 'head';
              this.#on.onComplete();
            } else this.#state = 'chunk-crlf';
          }
          break;
        }
        case 'chunk-crlf': {
          if (data.length - i < 2) {
            this.#leftover = data.subarray(i);
            return;
          }
          i += 2;
          this.#state = 'chunk-size';
          break;
        }
        case 'trailer': {
          const eol = data.indexOf(CRLF, i);
          if (eol < 0) {
            this.#leftover = data.subarray(i);
            return;
          }
          const empty = eol === i;
          i = eol + 2;
          if (empty) {
            this.#state = 'head';
            this.#on.onComplete();
          }
          break;
        }
        case 'until-close':
          this.#on.onBody(data.subarray(i));
          return;
      }
    }
  }
}

function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers = new Map<string, string>();
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers };
}

/**
 * Writes queued within one event-loop turn leave in one socket write: a simulator answers many
 * events per turn, and one write (and one read on the master's side) for all of them is far
 * cheaper than one each.
 */
class WriteBatcher {
  readonly #socket: Socket;
  #queue: string[] = [];
  #scheduled = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  write(text: string): void {
    this.#queue.push(text);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    if (this.#socket.destroyed) return;
    this.#socket.write(queue.length === 1 ? queue[0]! : queue.join(''));
  };
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface RecordIOConnectionOptions {
  endpoint: Endpoint;
  /** Source address of the connection (127.0.0.x spreads ephemeral ports). */
  localAddress?: string;
  path: string;
  /** The first record (agent link) or the whole body (SUBSCRIBE). */
  body: string;
  /** Keep the request body open (chunked) for more records: the agent link. */
  duplex: boolean;
  onHead(head: ResponseHead): void;
  onEvent(event: unknown): void;
  /** Called once when the connection ends, with why. */
  onClose(reason: string): void;
  /** Called with the body of a response that is not a 200 stream (then the connection closes). */
  onRefused?(status: number, body: string): void;
}

/** One request whose response is a RecordIO stream of JSON events. */
export class RecordIOConnection {
  readonly socket: Socket;
  readonly #options: RecordIOConnectionOptions;
  readonly #writer: WriteBatcher;
  readonly #decoder = new RecordIODecoder();
  #status = 0;
  #refusedBody: Buffer[] = [];
  #closed = false;

  constructor(options: RecordIOConnectionOptions) {
    this.#options = options;
    const { endpoint } = options;
    this.socket = connect({ host: endpoint.host, port: endpoint.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    this.socket.setNoDelay(true);
    this.#writer = new WriteBatcher(this.socket);
    const parser = new ResponseParser({
      onHead: (head) => {
        this.#status = head.status;
        options.onHead(head);
      },
      onBody: (piece) => {
        if (this.#status !== 200) {
          this.#refusedBody.push(Buffer.from(piece));
          return;
        }
        for (const record of this.#decoder.push(piece)) options.onEvent(JSON.parse(record.toString('utf8')));
      },
      onComplete: () => {
        if (this.#status !== 200) options.onRefused?.(this.#status, Buffer.concat(this.#refusedBody).toString('utf8'));
        this.close(this.#status === 200 ? 'the master ended the stream' : `the master answered ${this.#status}`);
      },
    });
    this.socket.on('data', (data: Buffer) => {
      if (this.#closed) return;
      try {
        parser.push(data);
      } catch (err) {
        this.close(`bad response: ${(err as Error).message}`);
      }
    });
    this.socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    this.socket.on('close', () => this.close('the connection closed'));
    const host = `${endpoint.host}:${endpoint.port}`;
    if (options.duplex) {
      this.socket.write(
        `POST ${options.path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
          `Transfer-Encoding: chunked\r\n\r\n${chunkOf(options.body)}`,
      );
    } else {
      this.socket.write(
        `POST ${options.path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(options.body)}\r\n\r\n${options.body}`,
      );
    }
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Sends one more record on a duplex connection (one chunk per record). */
  send(json: string): void {
    if (this.#closed) return;
    this.#writer.write(chunkOf(json));
  }

  close(reason = 'closed by the simulator'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.destroy();
    this.#options.onClose(reason);
  }
}

/** One RecordIO record (`<length>\n<json>`) as one HTTP chunk. */
function chunkOf(json: string): string {
  const length = Buffer.byteLength(json);
  const record = `${length}\n${json}`;
  return `${(record.length - json.length + length).toString(16)}\r\n${record}\r\n`;
}

export interface CallResult {
  status: number;
  body: string;
}

interface PendingCall {
  resolve(result: CallResult): void;
  reject(err: Error): void;
}

class PipelinedConnection {
  readonly socket: Socket;
  readonly pending: PendingCall[] = [];
  readonly #writer: WriteBatcher;
  closed = false;
  #status = 0;
  #body: Buffer[] = [];

  constructor(endpoint: Endpoint, onClose: (conn: PipelinedConnection) => void) {
    this.socket = connect({ host: endpoint.host, port: endpoint.port });
    this.socket.setNoDelay(true);
    this.#writer = new WriteBatcher(this.socket);
    const parser = new ResponseParser({
      onHead: (head) => {
        this.#status = head.status;
        this.#body = [];
      },
      onBody: (piece) => this.#body.push(Buffer.from(piece)),
      onComplete: () => {
        const call = this.pending.shift();
        const body = this.#body.length === 0 ? '' : Buffer.concat(this.#body).toString('utf8');
        this.#body = [];
        call?.resolve({ status: this.#status, body });
      },
    });
    const close = (reason: string): void => {
      if (this.closed) return;
      this.closed = true;
      this.socket.destroy();
      for (const call of this.pending.splice(0)) call.reject(new Error(`call connection lost: ${reason}`));
      onClose(this);
    };
    this.socket.on('data', (data: Buffer) => {
      try {
        parser.push(data);
      } catch (err) {
        close(`bad response: ${(err as Error).message}`);
      }
    });
    this.socket.on('error', (err) => close(err.message));
    this.socket.on('close', () => close('closed'));
  }

  send(request: string, call: PendingCall): void {
    this.pending.push(call);
    this.#writer.write(request);
  }
}

/**
 * POSTs on a few keep-alive connections, pipelined: each request goes on the connection with the
 * fewest answers outstanding, and answers come back in order. Connections that close (the
 * master's keep-alive timeout) are replaced on the next call.
 */
export class CallPool {
  readonly #endpoint: Endpoint;
  readonly #size: number;
  readonly #connections: PipelinedConnection[] = [];

  constructor(endpoint: Endpoint, size: number) {
    this.#endpoint = endpoint;
    this.#size = size;
  }

  /** Answers not received yet, over all connections. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.#connections) n += c.pending.length;
    return n;
  }

  post(path: string, headers: string, body: string): Promise<CallResult> {
    const request =
      `POST ${path} HTTP/1.1\r\nHost: ${this.#endpoint.host}:${this.#endpoint.port}\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => this.#pick().send(request, { resolve, reject }));
  }

  get(path: string): Promise<CallResult> {
    const request = `GET ${path} HTTP/1.1\r\nHost: ${this.#endpoint.host}:${this.#endpoint.port}\r\n\r\n`;
    return new Promise((resolve, reject) => this.#pick().send(request, { resolve, reject }));
  }

  #pick(): PipelinedConnection {
    let best: PipelinedConnection | undefined;
    for (const c of this.#connections) if (best === undefined || c.pending.length < best.pending.length) best = c;
    if (best !== undefined && (best.pending.length === 0 || this.#connections.length >= this.#size)) return best;
    const fresh = new PipelinedConnection(this.#endpoint, (gone) => {
      const i = this.#connections.indexOf(gone);
      if (i >= 0) this.#connections.splice(i, 1);
    });
    this.#connections.push(fresh);
    return fresh;
  }

  close(): void {
    for (const c of this.#connections.splice(0)) c.socket.destroy();
  }
}

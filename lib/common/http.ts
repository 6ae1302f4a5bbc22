// The HTTP layer shared by the master and the agent, on plain node:http.
//
//   request ──► Router.resolve ──► 404 / 405 (+ Allow)
//                    │
//                    ▼
//            route.handler(ctx) ──► Reply ─────────────► status, headers, body (JSONP if asked)
//                    │         └──► ctx.stream(...) ───► 200 + RecordIO records, one per write
//                    ▼
//            throws MesosError ──► httpStatus(err), the message as a text/plain body
//            throws anything else ──► 500, logged; the process carries on
//
// Handlers are functions from a RequestContext to a Reply (plain data, built with the helpers
// below) or to the RecordIO stream they opened. They read the body through `ctx.body()` or
// `readCall()`, which enforce the body limit (413) and the body-read timeout (408) as bytes
// arrive. Mesos's v1 request rules (Content-Type, Accept, parse errors) live in http-media.ts,
// the event stream in http-stream.ts.
//
// Defences against clients, each with an option below:
//   - bodies: `maxBodyBytes`, checked against Content-Length before reading and against the bytes
//     received while reading, never buffering beyond it; `bodyTimeoutMs` for the whole body;
//   - slow headers and slow requests (slowloris): Node's `headersTimeout` and `requestTimeout`,
//     checked every `connectionsCheckingIntervalMs`; Node answers 408 and closes the socket;
//   - slow readers of event streams: `maxStreamBufferBytes` (see http-stream.ts);
//   - a reply sent before the request body was read closes the connection whenever the rest of
//     the body is unbounded (chunked) or over the limit, so Node never drains a huge body just to
//     reuse the connection.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { encode, type MessageName } from '../api/codec.ts';
import type { MessageTypes } from '../types/registry.ts';
import { MesosError, httpStatus, isMesosError } from './errors.ts';
import { APPLICATION_JSON, decodeCall, parseJsonBody, requestContentType, validateJsonpCallback } from './http-media.ts';
import { DEFAULT_MAX_STREAM_BUFFER, RecordIOStream } from './http-stream.ts';

export * from './http-media.ts';
export * from './http-stream.ts';

// ---------------------------------------------------------------------------------------------
// Replies

/** What a handler answers: plain data, written by the server. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
  /** The body is a JSON document, which `?jsonp=<callback>` wraps on routes that allow JSONP. */
  readonly json?: boolean;
}

export interface ReplyOptions {
  /** Defaults to 200. */
  readonly status?: number;
  /** Extra headers, e.g. `Mesos-Stream-Id`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** JSON text that is already encoded (compact, Mesos's dialect). */
export function jsonReply(json: string, options: ReplyOptions = {}): Reply {
  return { status: options.status ?? 200, headers: options.headers, contentType: APPLICATION_JSON, body: json, json: true };
}

/** A message of type `type`, encoded by the codec in Mesos's JSON dialect. */
export function messageReply<K extends MessageName>(type: K, value: MessageTypes[K], options: ReplyOptions = {}): Reply {
  return jsonReply(encode(type, value), options);
}

// Outside strings JSON text is ASCII, so escaping every non-ASCII character of the text escapes
// exactly those inside strings: the same output the codec's writeString gives.
const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * A hand-built JSON document (the v0 endpoints' objects, which are not proto messages), with
 * non-ASCII characters escaped as the codec escapes them.
 */
export function valueReply(value: unknown, options: ReplyOptions = {}): Reply {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new MesosError('INTERNAL', `cannot encode ${typeof value} as a JSON reply`);
  return jsonReply(json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), options);
}

/** 202 Accepted with an empty body: what v1 calls without a response answer. */
export function acceptedReply(headers?: Readonly<Record<string, string>>): Reply {
  return { status: 202, headers };
}

/** A status with an empty body (e.g. 200 for `/health`). */
export function emptyReply(status = 200, headers?: Readonly<Record<string, string>>): Reply {
  return { status, headers };
}

/** A text/plain body, as libprocess writes every response built from a string. */
export function textReply(status: number, text: string, headers?: Readonly<Record<string, string>>): Reply {
  return { status, headers, contentType: 'text/plain; charset=utf-8', body: text };
}

/** An error as Mesos answers it: the status from the registry and the message as the body. */
export function errorReply(err: unknown, headers?: Readonly<Record<string, string>>): Reply {
  const message = err instanceof Error ? err.message : String(err);
  return textReply(httpStatus(err), message, headers);
}

/**
 * Mesos's protocol-relative redirect target, `//<host>:<port><path>` (`Master::Http::redirect`):
 * the client keeps its scheme. An IPv6 literal is bracketed.
 */
export function redirectLocation(host: string, port: number, path = ''): string {
  const pathPart = path === '' || path.startsWith('/') ? path : `/${path}`;
  return `//${hostPort(host, port)}${pathPart}`;
}

/** `host:port`, with an IPv6 literal bracketed: `[::1]:5050`. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** 307 Temporary Redirect to `redirectLocation(host, port, path)`, with an empty body. */
export function redirectReply(host: string, port: number, path = ''): Reply {
  return { status: 307, headers: { Location: redirectLocation(host, port, path) } };
}

// ---------------------------------------------------------------------------------------------
// Routing

// A stream of any event type: handlers return the stream they opened.
type AnyStream = RecordIOStream<MessageName>;

export type Handler = (ctx: RequestContext) => Reply | AnyStream | Promise<Reply | AnyStream>;

export interface Route {
  /** The exact path, e.g. `/api/v1/scheduler`. */
  readonly path: string;
  /** Other exact paths that reach the same handler, besides the router's actor prefix. */
  readonly aliases?: readonly string[];
  /** Methods the route takes, e.g. `['POST']`; any other gets 405 with `Allow`. */
  readonly methods: readonly string[];
  /** Whether `?jsonp=<callback>` wraps JSON replies (the legacy GET endpoints). */
  readonly jsonp?: boolean;
  readonly handler: Handler;
}

export interface RouterOptions {
  /**
   * The libprocess actor id whose endpoints these are (`master`, `slave(1)`). libprocess serves
   * an endpoint at `/<actor>/<path>` and, for the process's delegate actor, at `/<path>` too, so
   * every route is also reachable at `/<actor><path>`: `/master/api/v1/scheduler`.
   */
  readonly actor?: string;
}

/** Exact-path routing. Paths are compared after percent-decoding, with no trailing-slash folding. */
export class Router {
  readonly actor: string | undefined;
  readonly #routes = new Map<string, Route>();

  constructor(options: RouterOptions = {}) {
    this.actor = options.actor;
  }

  add(route: Route): this {
    if (route.methods.length === 0) throw new Error(`route ${route.path} takes no method`);
    const paths = [route.path, ...(route.aliases ?? [])];
    if (this.actor !== undefined) paths.push(`/${this.actor}${route.path}`);
    for (const path of paths) {
      if (!path.startsWith('/')) throw new Error(`route path ${JSON.stringify(path)} does not start with '/'`);
      if (this.#routes.has(path)) throw new Error(`route path ${path} is declared twice`);
    }
    for (const path of paths) this.#routes.set(path, route);
    return this;
  }

  /** The route at `path`, if any. */
  resolve(path: string): Route | undefined {
    return this.#routes.get(path);
  }

  /** Every routable path, aliases included. */
  paths(): string[] {
    return [...this.#routes.keys()];
  }
}

/**
 * Mesos's 405 (libprocess `MethodNotAllowed`): the body is
 * "Expecting one of { 'POST' }, but received 'GET'" and `Allow` lists the methods.
 */
export function methodNotAllowedReply(allowed: readonly string[], method: string): Reply {
  const err = new MesosError(
    'METHOD_NOT_ALLOWED',
    `Expecting one of { '${allowed.join("', '")}' }, but received '${method}'`,
  );
  return errorReply(err, { Allow: allowed.join(', ') });
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface StreamOpenOptions {
  /** The negotiated media type; `application/json` unless the API says otherwise. */
  readonly contentType?: string;
  /** Extra headers, e.g. `Mesos-Stream-Id`. */
  readonly headers?: Readonly<Record<string, string>>;
}

// What a RequestContext needs from its server.
interface ContextHost {
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  openStream<K extends MessageName>(res: ServerResponse, type: K): RecordIOStream<K>;
}

/** One request, as handlers see it. Created by HttpServer. */
export class RequestContext {
  readonly request: IncomingMessage;
  readonly method: string;
  /** The percent-decoded path, without the query. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;

  readonly #res: ServerResponse;
  readonly #host: ContextHost;
  #query: URLSearchParams | undefined;
  // The signal and the query are made when first asked for: most requests (scheduler calls) need
  // neither, and an AbortController per request is a measurable cost at thousands a second.
  #abort: AbortController | undefined;
  #gone = false;
  #body: Promise<Buffer> | undefined;
  #bodyFailed = false;
  #stream: AnyStream | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams | undefined, host: ContextHost) {
    this.request = req;
    this.method = req.method ?? 'GET';
    this.path = path;
    this.#query = query;
    this.headers = req.headers;
    this.#res = res;
    this.#host = host;
    res.once('close', () => {
      if (res.writableFinished) return;
      this.#gone = true;
      this.#abort?.abort();
    });
  }

  /** The query string's parameters. */
  get query(): URLSearchParams {
    this.#query ??= new URL(this.request.url ?? '/', 'http://localhost').searchParams;
    return this.#query;
  }

  /** Aborted when the client goes away before the response is complete. */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#gone) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  /** A header's value; repeated headers are joined with ", " as HTTP allows. */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The stream this request opened, if any. */
  get openedStream(): AnyStream | undefined {
    return this.#stream;
  }

  /** Whether reading the body failed (too large, too slow, aborted): the connection must close. */
  get bodyFailed(): boolean {
    return this.#bodyFailed;
  }

  /**
   * The whole request body. Rejects with BODY_TOO_LARGE (413) when Content-Length or the bytes
   * received pass the limit, REQUEST_TIMEOUT (408) when the body is not complete in time, and
   * BAD_REQUEST when the client goes away mid-body. Idempotent.
   */
  body(): Promise<Buffer> {
    this.#body ??= this.#readBody();
    return this.#body;
  }

  /**
   * Sends 200 with the stream's headers at once and returns a RecordIO stream of `type` events
   * on this response. The handler returns it.
   */
  stream<K extends MessageName>(type: K, options: StreamOpenOptions = {}): RecordIOStream<K> {
    if (this.#stream !== undefined || this.#res.headersSent) {
      throw new MesosError('INTERNAL', `${this.method} ${this.path}: the response has already started`);
    }
    // No Content-Length, so Node frames the body with `Transfer-Encoding: chunked` (HTTP/1.1).
    this.#res.writeHead(200, { ...options.headers, 'Content-Type': options.contentType ?? APPLICATION_JSON });
    this.#res.flushHeaders();
    const stream = this.#host.openStream(this.#res, type);
    this.#stream = stream as unknown as AnyStream;
    return stream;
  }

  #readBody(): Promise<Buffer> {
    const req = this.request;
    const limit = this.#host.maxBodyBytes;
    const declared = declaredLength(req);
    let early: MesosError | undefined;
    if (declared !== undefined && declared > limit) early = tooLarge(limit);
    else if (req.destroyed) early = aborted();
    if (early !== undefined) {
      this.#bodyFailed = true;
      return Promise.reject(early);
    }
    // We got here through 'checkContinue': the client waits for this before sending the body.
    if (/^100-continue$/i.test(this.header('expect') ?? '') && !this.#res.headersSent) this.#res.writeContinue();
    return new Promise((resolve, reject) => {
      new BodyReader(req, limit, this.#host.bodyTimeoutMs, resolve, (err) => {
        this.#bodyFailed = true;
        reject(err);
      });
    });
  }
}

/**
 * Reads one request body into memory, within `limit` bytes and `timeoutMs`. Its listeners are
 * shared functions that find the reader on the request (listeners run with the emitter as
 * `this`), not closures made for each request: tsx names every closure it compiles, a
 * defineProperty each, and at thousands of scheduler calls a second that showed in profiles.
 */
class BodyReader {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #timeoutMs: number;
  readonly #resolve: (body: Buffer) => void;
  readonly #reject: (err: MesosError) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #chunks: Buffer[] = [];
  #size = 0;

  constructor(req: IncomingMessage, limit: number, timeoutMs: number, resolve: (body: Buffer) => void, reject: (err: MesosError) => void) {
    this.#req = req;
    this.#limit = limit;
    this.#timeoutMs = timeoutMs;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(onBodyTimeout, timeoutMs, this);
    this.#timer.unref();
    (req as ReadingRequest)[BODY_READER] = this;
    req.on('data', onBodyData);
    req.on('end', onBodyEnd);
    // 'close' before 'end': the client went away mid-body.
    req.on('close', onBodyClose);
  }

  data(chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#limit) this.fail(tooLarge(this.#limit));
    else this.#chunks.push(chunk);
  }

  end(): void {
    this.#cleanup();
    this.#resolve(Buffer.concat(this.#chunks, this.#size));
  }

  timeout(): void {
    this.fail(new MesosError('REQUEST_TIMEOUT', `Request body not received within ${this.#timeoutMs} ms`));
  }

  fail(err: MesosError): void {
    this.#cleanup();
    // Paused, Node stops reading the socket once its small buffer fills: nothing more is
    // buffered while the error reply goes out, and the connection then closes.
    this.#req.pause();
    this.#reject(err);
  }

  #cleanup(): void {
    clearTimeout(this.#timer);
    const req = this.#req;
    req.off('data', onBodyData);
    req.off('end', onBodyEnd);
    req.off('close', onBodyClose);
    (req as ReadingRequest)[BODY_READER] = undefined;
  }
}

const BODY_READER = Symbol('bodyReader');
type ReadingRequest = IncomingMessage & { [BODY_READER]?: BodyReader | undefined };

function onBodyData(this: ReadingRequest, chunk: Buffer): void {
  this[BODY_READER]?.data(chunk);
}

function onBodyEnd(this: ReadingRequest): void {
  this[BODY_READER]?.end();
}

function onBodyClose(this: ReadingRequest): void {
  this[BODY_READER]?.fail(aborted());
}

function onBodyTimeout(reader: BodyReader): void {
  reader.timeout();
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  // Node's parser has already rejected a malformed or conflicting Content-Length.
  return header === undefined ? undefined : Number(header);
}

function tooLarge(limit: number): MesosError {
  return new MesosError('BODY_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes`);
}

function aborted(): MesosError {
  return new MesosError('BAD_REQUEST', 'The client closed the connection before sending the whole body');
}

/**
 * Reads a v1 call the way Mesos does, failing with its status and message at each step:
 * Content-Type (400 missing, 415 other), the body (413, 408), "Failed to parse body into JSON: …"
 * and "Failed to convert JSON into Call protobuf: …" (400).
 */
export async function readCall<K extends MessageName>(ctx: RequestContext, type: K): Promise<MessageTypes[K]> {
  requestContentType(ctx.header('content-type'));
  const body = await ctx.body();
  return decodeCall(type, parseJsonBody(body));
}

// ---------------------------------------------------------------------------------------------
// The server

export interface HttpServerOptions {
  /** Largest request body, in bytes. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Time for a whole request body to arrive once the handler asks for it. Default 30 s. */
  readonly bodyTimeoutMs?: number;
  /** Time for a request's headers to arrive (Node's headersTimeout). Default 20 s. */
  readonly headersTimeoutMs?: number;
  /**
   * Time for a whole request to arrive (Node's requestTimeout); 0 disables it, which endpoints
   * that stream a request body (the agent's ATTACH_CONTAINER_INPUT) will need. Default 60 s.
   */
  readonly requestTimeoutMs?: number;
  /** How often Node checks the two timeouts above. Default 1 s. */
  readonly connectionsCheckingIntervalMs?: number;
  /** How long an idle keep-alive connection stays open. Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Bytes an event stream may queue for a slow client before it is closed. Default 4 MiB. */
  readonly maxStreamBufferBytes?: number;
  /** How long `close()` waits for connections to finish before destroying them. Default 5 s. */
  readonly shutdownGraceMs?: number;
  /** Where internal errors (500s, stream overflows) are reported. Defaults to stderr. */
  readonly log?: (line: string) => void;
}

export interface BoundAddress {
  readonly ip: string;
  readonly port: number;
  readonly family: string;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

function checkedMs(name: string, value: number, allowZero: boolean): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${name} must be an integer number of milliseconds${allowZero ? '' : ' above 0'}, got ${value}`);
  }
  return value;
}

export class HttpServer {
  readonly router: Router;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly maxStreamBufferBytes: number;
  readonly shutdownGraceMs: number;

  readonly #server: Server;
  readonly #log: (line: string) => void;
  readonly #host: ContextHost;
  // Open event streams and the socket each is on (kept: a response lets go of it when it ends).
  readonly #streams = new Map<AnyStream, Socket | null>();
  #closing: Promise<void> | undefined;

  constructor(router: Router, options: HttpServerOptions = {}) {
    this.router = router;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(this.maxBodyBytes) || this.maxBodyBytes < 0) {
      throw new RangeError(`maxBodyBytes must be a non-negative integer, got ${this.maxBodyBytes}`);
    }
    this.bodyTimeoutMs = checkedMs('bodyTimeoutMs', options.bodyTimeoutMs ?? 30_000, false);
    this.maxStreamBufferBytes = options.maxStreamBufferBytes ?? DEFAULT_MAX_STREAM_BUFFER;
    if (!Number.isSafeInteger(this.maxStreamBufferBytes) || this.maxStreamBufferBytes < 0) {
      throw new RangeError(`maxStreamBufferBytes must be a non-negative integer, got ${this.maxStreamBufferBytes}`);
    }
    this.shutdownGraceMs = checkedMs('shutdownGraceMs', options.shutdownGraceMs ?? 5_000, true);
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#host = {
      maxBodyBytes: this.maxBodyBytes,
      bodyTimeoutMs: this.bodyTimeoutMs,
      openStream: (res, type) => this.#openStream(res, type),
    };

    const headersTimeout = checkedMs('headersTimeoutMs', options.headersTimeoutMs ?? 20_000, false);
    const requestTimeout = checkedMs('requestTimeoutMs', options.requestTimeoutMs ?? 60_000, true);
    if (requestTimeout > 0 && headersTimeout > requestTimeout) {
      throw new RangeError(`headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`);
    }
    this.#server = createServer({
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: checkedMs('connectionsCheckingIntervalMs', options.connectionsCheckingIntervalMs ?? 1_000, false),
      // TCP keep-alive probes, so that an event stream to a peer that vanished without a FIN
      // (a crashed host, a dropped NAT entry) ends eventually even if we have nothing to send.
      keepAlive: true,
      // Nagle's algorithm on for replies. Every reply is one write (#write), so a lone request
      // is answered at once; a reply written while an earlier one on the connection is still
      // unacknowledged waits for that ACK (the peer's delayed ACK, 40 ms at most on Linux) and
      // shares its packet with the replies after it. That is what a busy scheduler's pipelined
      // calls (thousands of 202s a second) gain from: a trip through the TCP stack per packet,
      // not per reply. Event streams, whose records must not wait, turn it off (#openStream).
      noDelay: false,
    });
    this.#server.keepAliveTimeout = checkedMs('keepAliveTimeoutMs', options.keepAliveTimeoutMs ?? 30_000, false);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      this.#handle(req, res).catch((err: unknown) => this.#log(`http: ${describeError(err)}`));
    };
    this.#server.on('request', onRequest);
    // With a listener, Node leaves `Expect: 100-continue` to us: ctx.body() answers it, so a
    // body over the limit is refused before the client sends it.
    this.#server.on('checkContinue', onRequest);
    // Errors on the listening socket after listen() (EMFILE on accept) must not crash the process.
    this.#server.on('error', (err) => this.#log(`http: server error: ${describeError(err)}`));
  }

  /** Binds `ip:port` (port 0 picks a free port) and resolves with the bound address. */
  listen(port: number, ip = '0.0.0.0'): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new MesosError('LISTEN_FAILED', `Failed to listen on ${hostPort(ip, port)}: ${err.message}`, { cause: err }));
      };
      this.#server.once('error', onError);
      this.#server.listen({ port, host: ip }, () => {
        this.#server.off('error', onError);
        resolve(this.address);
      });
    });
  }

  /** The bound address; throws if the server is not listening. */
  get address(): BoundAddress {
    const address = this.#server.address() as AddressInfo | string | null;
    if (address === null || typeof address === 'string') {
      throw new MesosError('INTERNAL', 'the HTTP server is not listening on a TCP address');
    }
    return { ip: address.address, port: address.port, family: address.family };
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  /** Event streams currently open. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /**
   * Graceful shutdown: stop accepting connections, end every event stream (reason 'shutdown'),
   * close idle keep-alive connections, answer requests still in flight with `Connection: close`,
   * and after `graceMs` destroy whatever is left. Resolves when every connection has closed.
   */
  close(graceMs = this.shutdownGraceMs): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      // Node's close() stops accepting and closes idle keep-alive connections; its callback runs
      // once the last connection has gone. An error only means it was not listening.
      if (this.#server.listening) this.#server.close(() => resolve());
      else resolve();
    });
    for (const [stream, socket] of this.#streams) {
      stream.end('shutdown');
      // The terminating chunk is queued behind the stream's records; end the socket after it,
      // so that the connection does not linger as an idle keep-alive one.
      if (socket !== null) socket.end();
    }
    const timer = setTimeout(() => this.#server.closeAllConnections(), graceMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
    }
  }

  #openStream<K extends MessageName>(res: ServerResponse, type: K): RecordIOStream<K> {
    const stream = new RecordIOStream(res, type, {
      maxBufferedBytes: this.maxStreamBufferBytes,
      log: this.#log,
      onClosed: (closed, reason) => {
        this.#streams.delete(closed);
        if (reason === 'overflow') {
          this.#log(
            `http: closed a ${closed.type} stream: the client did not read and more than ` +
              `${closed.maxBufferedBytes} bytes were waiting`,
          );
        }
      },
    });
    // An event goes out as soon as it is written (see noDelay above).
    res.socket?.setNoDelay(true);
    if (!stream.isClosed) this.#streams.set(stream as unknown as AnyStream, res.socket);
    if (this.#closing !== undefined) {
      stream.end('shutdown');
      res.socket?.end();
    }
    return stream;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A failed socket write after the client vanished must not become an uncaught 'error'.
    res.on('error', () => {});
    req.on('error', () => {});

    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    let query: URLSearchParams | undefined;
    let path: string;
    try {
      if (PLAIN_PATH.test(target)) {
        // Nothing to decode or normalize (see PLAIN_PATH): what URL would give.
        path = target;
      } else {
        const url = new URL(target, 'http://localhost');
        path = decodeURIComponent(url.pathname);
        query = url.searchParams;
      }
    } catch {
      this.#write(req, res, errorReply(new MesosError('BAD_REQUEST', 'Malformed request URL')), false);
      return;
    }
    const route = this.router.resolve(path);
    if (route === undefined) {
      this.#write(req, res, errorReply(new MesosError('NOT_FOUND', `No endpoint at '${truncate(path)}'`)), false);
      return;
    }
    if (!route.methods.includes(method)) {
      this.#write(req, res, methodNotAllowedReply(route.methods, method), false);
      return;
    }

    const ctx = new RequestContext(req, res, path, query, this.#host);
    let reply: Reply;
    let jsonp: string | undefined;
    try {
      const callback = route.jsonp ? ctx.query.get('jsonp') : null;
      if (callback !== null) jsonp = validateJsonpCallback(callback);
      const result = await route.handler(ctx);
      if (result instanceof RecordIOStream) {
        if (ctx.openedStream === result) return;
        throw new MesosError('INTERNAL', `${method} ${path}: the handler returned a stream it did not open`);
      }
      reply = result;
    } catch (err) {
      const stream = ctx.openedStream;
      if (stream !== undefined) {
        // The status line has gone; all we can do is end the stream and say why in the log.
        this.#log(`http: ${method} ${path} failed after opening its stream: ${describeError(err)}`);
        stream.end('error');
        return;
      }
      if (!isMesosError(err) || httpStatus(err) >= 500) {
        this.#log(`http: ${method} ${path}: ${describeError(err)}`);
      }
      reply = errorReply(err);
    }
    this.#write(req, res, reply, ctx.bodyFailed, jsonp);
  }

  // `bodyFailed`: reading the body failed, so where the next request would start is unknown.
  #write(req: IncomingMessage, res: ServerResponse, reply: Reply, bodyFailed: boolean, jsonp?: string): void {
    if (res.headersSent || res.destroyed || res.writableEnded) return;
    let body: string | Uint8Array = reply.body ?? '';
    let contentType = reply.contentType;
    if (jsonp !== undefined && reply.json === true) {
      // As libprocess's OK(json, jsonp): `cb(<json>);` served as text/javascript.
      body = `${jsonp}(${typeof body === 'string' ? body : Buffer.from(body).toString('utf8')});`;
      contentType = 'text/javascript';
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: Record<string, string | number> = { ...reply.headers };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    headers['Content-Length'] = bytes.byteLength;
    if (bodyFailed || this.#closing !== undefined || !canReuseAfter(req, this.maxBodyBytes)) {
      headers['Connection'] = 'close';
    }
    // (Not held as events are: Node's res.end() uncorks the socket fully, and a pipelined
    // response waits for the previous one to finish, so each reply is its own write.)
    res.writeHead(reply.status, headers);
    res.end(bytes);
  }
}

/**
 * A request target that is a bare path with nothing for URL to decode or normalize (no '%', '.',
 * '?' or '\\', and not '//', which URL reads as a host).
 */
const PLAIN_PATH = /^\/(?:[\w-][\w/-]*)?$/;

/**
 * Whether the connection can carry another request after replying to `req`. To reuse it, Node
 * reads and discards whatever is left of the body, which is fine for a body no longer than the
 * limit, but not for a chunked one (unbounded) or a longer one; and a client that sent
 * `Expect: 100-continue` and got no 100 may never send its body, leaving the next request's start
 * unknown.
 */
function canReuseAfter(req: IncomingMessage, limit: number): boolean {
  if (req.complete) return true;
  if (/100-continue/i.test(req.headers.expect ?? '')) return false;
  const declared = declaredLength(req);
  return declared === undefined ? req.headers['transfer-encoding'] === undefined : declared <= limit;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

// The HTTP side of our clients (mesosctl, the dashboard, tests): one request function that turns
// every way a request can fail into a MesosError a person can act on. A master or agent that
// cannot be reached is UNREACHABLE, naming the address and what to check; an HTTP error carries
// the server's own message (Mesos answers errors as text/plain) under the code of its status.
// 307 redirects to the leading master (`//host:port/path`, protocol-relative) are followed.

import { request, type IncomingMessage } from 'node:http';

import { RecordIODecoder } from '../api/recordio.ts';
import { MesosError, type ErrorCode } from '../common/errors.ts';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, `http://host:port` or `host` (port 5050), as `--master` and MESOS_MASTER take it. */
export function parseEndpoint(text: string, defaultPort = 5050): Endpoint {
  const trimmed = text.trim().replace(/^http:\/\//, '').replace(/\/+$/, '');
  if (trimmed === '' || /\s|\//.test(trimmed)) {
    throw new MesosError('INVALID_FLAG', `Invalid address '${text}': expected host:port, e.g. 127.0.0.1:5050`);
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  if (match === null) throw new MesosError('INVALID_FLAG', `Invalid address '${text}': expected host:port, e.g. 127.0.0.1:5050`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MesosError('INVALID_FLAG', `Invalid address '${text}': the port must be between 1 and 65535`);
  }
  return { host: match[1]!, port };
}

export function endpointText(endpoint: Endpoint): string {
  return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

/** The error code an HTTP error status becomes. */
function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 406: return 'NOT_ACCEPTABLE';
    case 409: return 'CONFLICT';
    case 413: return 'BODY_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 501: return 'NOT_IMPLEMENTED';
    case 503: return 'SERVICE_UNAVAILABLE';
    default: return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Give up after this long without an answer. Default 30 s. */
  readonly timeoutMs?: number;
  /** What the server is, for messages: "master" or "agent". */
  readonly what?: string;
}

export interface Response {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const MAX_REDIRECTS = 3;

function pathWithQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

function unreachable(endpoint: Endpoint, what: string, err: NodeJS.ErrnoException): MesosError {
  const address = endpointText(endpoint);
  const hint = what === 'master'
    ? 'is it running? Set --master or MESOS_MASTER to its host:port'
    : 'is it running and reachable from here?';
  const reason = err.code === 'ECONNREFUSED' ? 'connection refused'
    : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'unknown host'
    : err.code === 'ETIMEDOUT' ? 'timed out'
    : err.message;
  return new MesosError('UNREACHABLE', `cannot reach the ${what} at ${address} (${reason}): ${hint}`, { cause: err });
}

/** Opens a request and resolves with the response once its headers are in. */
function open(endpoint: Endpoint, options: RequestOptions): Promise<IncomingMessage> {
  const what = options.what ?? 'master';
  return new Promise((resolve, reject) => {
    const req = request({
      host: endpoint.host,
      port: endpoint.port,
      method: options.method ?? 'GET',
      path: pathWithQuery(options.path, options.query),
      headers: {
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(options.body) }),
        ...options.headers,
      },
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    req.once('error', (err: NodeJS.ErrnoException) => reject(unreachable(endpoint, what, err)));
    req.once('response', (res) => {
      req.setTimeout(0);
      resolve(res);
    });
    req.end(options.body);
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

/** The endpoint a 307 points at (`//host:port/path`), keeping ours when the Location is odd. */
function redirected(endpoint: Endpoint, location: string | undefined): { endpoint: Endpoint; path?: string } {
  const match = location === undefined ? null : /^(?:https?:)?\/\/([^/]+)(\/.*)?$/.exec(location);
  if (match === null) return { endpoint };
  try {
    return { endpoint: parseEndpoint(match[1]!), ...(match[2] === undefined ? {} : { path: match[2] }) };
  } catch {
    return { endpoint };
  }
}

async function follow(endpoint: Endpoint, options: RequestOptions): Promise<{ res: IncomingMessage; endpoint: Endpoint }> {
  let at = endpoint;
  let current = options;
  for (let hop = 0; ; hop++) {
    const res = await open(at, current);
    if (res.statusCode !== 307 || hop >= MAX_REDIRECTS) return { res, endpoint: at };
    res.resume();
    const next = redirected(at, res.headers.location);
    at = next.endpoint;
    // A redirect to /master/redirect's target keeps our path: Mesos's Location names the leader only.
    if (next.path !== undefined && next.path !== '/' && next.path !== '') current = { ...current, path: next.path };
  }
}

/** Throws the MesosError an error status stands for, with the server's message. */
function checkStatus(endpoint: Endpoint, options: RequestOptions, status: number, body: string): void {
  if (status < 400) return;
  const what = options.what ?? 'master';
  const message = body.trim().replace(/\s*\n\s*/g, ' ') || `HTTP ${status}`;
  throw new MesosError(codeOfStatus(status), `the ${what} at ${endpointText(endpoint)} answered ${status}: ${message}`);
}

/** A whole request: resolves for 1xx-3xx answers, throws a MesosError for errors. */
export async function fetchText(endpoint: Endpoint, options: RequestOptions): Promise<Response> {
  const { res, endpoint: at } = await follow(endpoint, options);
  const body = await readBody(res);
  const status = res.statusCode ?? 0;
  checkStatus(at, options, status, body);
  return { status, headers: res.headers, body };
}

export async function fetchJson(endpoint: Endpoint, options: RequestOptions): Promise<unknown> {
  const response = await fetchText(endpoint, options);
  try {
    return JSON.parse(response.body);
  } catch {
    throw new MesosError('INVALID_JSON', `the ${options.what ?? 'master'} at ${endpointText(endpoint)} answered ${options.path} with something that is not JSON`);
  }
}

/** An open RecordIO stream: the response's headers, where it was served, and its records. */
export interface OpenStream {
  /** The response headers (the scheduler API's `Mesos-Stream-Id` is here). */
  readonly headers: IncomingMessage['headers'];
  /** The server that answered, after redirects: the leading master, where later calls must go. */
  readonly endpoint: Endpoint;
  /** Each record's JSON, parsed, until the server ends the stream or `signal` aborts it. */
  readonly records: AsyncGenerator<unknown>;
}

/**
 * Opens a RecordIO stream (SUBSCRIBE) and resolves once its headers are in: an error status
 * throws here, as `fetchText` does, so a caller knows the stream is open before reading it.
 */
export async function openStream(endpoint: Endpoint, options: RequestOptions & { signal?: AbortSignal }): Promise<OpenStream> {
  const { res, endpoint: at } = await follow(endpoint, { ...options, timeoutMs: options.timeoutMs ?? 30_000 });
  const status = res.statusCode ?? 0;
  if (status >= 300) {
    checkStatus(at, options, status, await readBody(res));
    throw new MesosError('BAD_REQUEST', `the ${options.what ?? 'master'} at ${endpointText(at)} answered ${status} to a stream request`);
  }
  // The abort listener is attached here, not when the records are first read: a caller that
  // gives up before reading (a bad header) still ends the response by aborting.
  const onAbort = (): void => void res.destroy();
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return { headers: res.headers, endpoint: at, records: readRecords(res, options.signal, onAbort) };
}

async function* readRecords(res: IncomingMessage, signal: AbortSignal | undefined, onAbort: () => void): AsyncGenerator<unknown> {
  const decoder = new RecordIODecoder();
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      for (const record of decoder.push(chunk)) yield JSON.parse(record.toString('utf8'));
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    res.destroy();
  }
}

/**
 * A RecordIO stream (SUBSCRIBE): yields each record's JSON, parsed, until the server ends the
 * stream or `signal` aborts it.
 */
export async function* fetchStream(endpoint: Endpoint, options: RequestOptions & { signal?: AbortSignal }): AsyncGenerator<unknown> {
  yield* (await openStream(endpoint, options)).records;
}

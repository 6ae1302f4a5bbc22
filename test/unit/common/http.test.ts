// The shared HTTP layer (lib/common/http.ts) on a real server on port 0, driven by node:http
// clients and by raw sockets where the bytes on the wire matter: chunk boundaries of RecordIO
// streams, slow clients, clients that stop reading or vanish. No test asserts a duration; the
// timeouts below are hang guards, far longer than anything should take.

import { EventEmitter, once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { MesosError } from '../../../lib/common/errors.ts';
import {
  HttpServer,
  Router,
  acceptedReply,
  emptyReply,
  messageReply,
  negotiateJsonAccept,
  readCall,
  redirectLocation,
  redirectReply,
  valueReply,
  type HttpServerOptions,
  type RecordIOStream,
  type StreamCloseReason,
} from '../../../lib/common/http.ts';
import { holdWrites } from '../../../lib/common/http-stream.ts';
import { rejectsAsync } from '../../helpers/assert-error.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

const HANG_GUARD_MS = 10_000;

async function guard<T>(promise: Promise<T>, what: string, ms = HANG_GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang guard: ${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const SUBSCRIBE = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name: 'fw' } } });
const TEARDOWN = JSON.stringify({ type: 'TEARDOWN', framework_id: { value: 'fw-1' } });
const STREAM_ID = '0f8e4a52-6c2a-4f7e-9b31-6a2d9b7c1e55';

interface App {
  server: HttpServer;
  port: number;
  /** Emits 'stream' (the RecordIOStream a handler opened) and 'bodyError' (the error code). */
  hooks: EventEmitter;
  logs: string[];
}

/** A server with the routes the tests use, Mesos-style, on 127.0.0.1 port 0. */
async function startApp(options: HttpServerOptions = {}): Promise<App> {
  const hooks = new EventEmitter();
  const logs: string[] = [];
  const router = new Router({ actor: 'master' });
  router.add({
    path: '/api/v1/scheduler',
    methods: ['POST'],
    handler: async (ctx) => {
      // In Mesos's order: Content-Type, parse, then Accept only for a streaming call.
      const call = await readCall(ctx, 'mesos.v1.scheduler.Call');
      if (call.type !== 'SUBSCRIBE') return acceptedReply({ 'Mesos-Stream-Id': STREAM_ID });
      const contentType = negotiateJsonAccept(ctx.header('accept'));
      const stream = ctx.stream('mesos.v1.scheduler.Event', { contentType, headers: { 'Mesos-Stream-Id': STREAM_ID } });
      stream.send({
        type: 'SUBSCRIBED',
        subscribed: { framework_id: { value: 'fw-\u00fc-\u4e16' }, heartbeat_interval_seconds: 15 },
      });
      stream.send({ type: 'HEARTBEAT' });
      stream.send({ type: 'HEARTBEAT' });
      hooks.emit('stream', stream);
      return stream;
    },
  });
  router.add({
    path: '/events',
    methods: ['GET'],
    handler: (ctx) => {
      const stream = ctx.stream('mesos.v1.scheduler.Event');
      hooks.emit('stream', stream);
      return stream;
    },
  });
  router.add({ path: '/state', methods: ['GET'], jsonp: true, handler: () => valueReply({ hostname: 'h\u00f4st', n: 1 }) });
  router.add({ path: '/framework-id', methods: ['GET'], handler: () => messageReply('mesos.v1.FrameworkID', { value: '\u00fc' }) });
  router.add({ path: '/health', aliases: ['/healthz'], methods: ['GET', 'HEAD'], handler: () => emptyReply() });
  router.add({
    path: '/wait-for-client',
    methods: ['GET'],
    // Reads the (lazily made) signal only after the client has gone.
    handler: async (ctx) => {
      const closed = once(ctx.request.socket, 'close');
      hooks.emit('waiting');
      await closed;
      hooks.emit('signal', ctx.signal.aborted);
      return emptyReply();
    },
  });
  router.add({ path: '/redirect', methods: ['GET'], handler: () => redirectReply('leader.example', 5050, '/master/state') });
  router.add({
    path: '/boom',
    methods: ['GET'],
    handler: () => {
      throw new TypeError('kaboom');
    },
  });
  router.add({
    path: '/not-yet',
    methods: ['GET'],
    handler: async () => {
      await nextTurn();
      throw new MesosError('NOT_IMPLEMENTED', 'Not built yet');
    },
  });
  router.add({
    path: '/body',
    methods: ['POST'],
    handler: async (ctx) => {
      try {
        const body = await ctx.body();
        return valueReply({ bytes: body.length });
      } catch (err) {
        hooks.emit('bodyError', (err as MesosError).code);
        throw err;
      }
    },
  });
  const server = new HttpServer(router, { log: (line) => logs.push(line), ...options });
  const address = await server.listen(0, '127.0.0.1');
  return { server, port: address.port, hooks, logs };
}

async function withApp(options: HttpServerOptions, body: (app: App) => Promise<void>): Promise<void> {
  const app = await startApp(options);
  try {
    await body(app);
  } finally {
    await guard(app.server.close(0), 'closing the test server');
  }
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Response> {
  return guard(
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    }),
    `${method} ${path}`,
  );
}

function postJson(port: number, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return request(port, 'POST', '/api/v1/scheduler', { headers: { 'Content-Type': 'application/json', ...headers }, body });
}

interface Head {
  status: number;
  headers: Record<string, string>;
}

/** An HTTP/1.1 client on a raw socket that sees the bytes as they come, chunk by chunk. */
class RawConn {
  readonly socket: Socket;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | undefined;

  static open(port: number): Promise<RawConn> {
    return guard(
      new Promise((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1' }, () => {
          socket.off('error', reject);
          resolve(new RawConn(socket));
        });
        socket.once('error', reject);
      }),
      'connecting',
    );
  }

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, data]);
      this.#notify();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#ended = true;
        this.#notify();
        resolve();
      }),
    );
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #more(what: string): Promise<void> {
    if (this.#ended) throw new Error(`connection ended while waiting for ${what}`);
    await guard(new Promise<void>((resolve) => (this.#wake = resolve)), what);
  }

  async #line(): Promise<string> {
    for (;;) {
      const end = this.#buf.indexOf('\r\n');
      if (end >= 0) {
        const line = this.#buf.subarray(0, end).toString('latin1');
        this.#buf = this.#buf.subarray(end + 2);
        return line;
      }
      await this.#more('a line');
    }
  }

  async #take(n: number): Promise<Buffer> {
    while (this.#buf.length < n) await this.#more(`${n} bytes`);
    const out = Buffer.from(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async readHead(): Promise<Head> {
    const statusLine = await this.#line();
    const match = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
    assert.ok(match, `status line ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (let line = await this.#line(); line !== ''; line = await this.#line()) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status: Number(match[1]), headers };
  }

  /** The next chunk's data as sent, or null for the terminating chunk. */
  async readChunk(): Promise<Buffer | null> {
    const size = Number.parseInt(await this.#line(), 16);
    assert.ok(Number.isInteger(size), 'chunk size line');
    if (size === 0) {
      assert.is(await this.#line(), '', 'end of the chunked body');
      return null;
    }
    const data = await this.#take(size);
    assert.is((await this.#take(2)).toString('latin1'), '\r\n', 'CRLF after a chunk');
    return data;
  }

  async readBody(head: Head): Promise<string> {
    if (head.headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      for (let chunk = await this.readChunk(); chunk !== null; chunk = await this.readChunk()) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    }
    return (await this.#take(Number(head.headers['content-length'] ?? 0))).toString('utf8');
  }

  async readResponse(): Promise<Head & { body: string }> {
    const head = await this.readHead();
    return { ...head, body: await this.readBody(head) };
  }

  /** Everything the server sends until it closes the connection. */
  async readToClose(): Promise<string> {
    await guard(this.closed, 'the server closing the connection');
    return this.#buf.toString('latin1');
  }
}

/** Asserts `chunk` is exactly one RecordIO record and returns its JSON text. */
function oneRecord(chunk: Buffer): string {
  const newline = chunk.indexOf(0x0a);
  assert.ok(newline > 0, 'a length prefix');
  const length = Number(chunk.subarray(0, newline).toString('latin1'));
  assert.is(chunk.length, newline + 1 + length, `chunk holds exactly one record: ${chunk.toString('latin1')}`);
  return chunk.subarray(newline + 1).toString('utf8');
}

function rawSubscribe(conn: RawConn, extraHeaders = ''): void {
  conn.write(
    `POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extraHeaders}` +
      `Content-Length: ${Buffer.byteLength(SUBSCRIBE)}\r\n\r\n${SUBSCRIBE}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Listening and routing

test('listens on port 0 and exposes the bound address; a taken port is LISTEN_FAILED', async () => {
  await withApp({}, async ({ server, port }) => {
    assert.ok(port > 0);
    assert.equal(server.address, { ip: '127.0.0.1', port, family: 'IPv4' });
    assert.ok(server.listening);
    const second = new HttpServer(new Router(), { log: () => {} });
    const err = await rejectsAsync(second.listen(port, '127.0.0.1'), 'LISTEN_FAILED', new RegExp(`^Failed to listen on 127\\.0\\.0\\.1:${port}: `));
    assert.is((err.cause as NodeJS.ErrnoException).code, 'EADDRINUSE');
    await second.close(0);
  });
});

test('unknown paths get 404; aliases and the actor prefix reach the same handler', async () => {
  await withApp({}, async ({ port }) => {
    const missing = await request(port, 'GET', '/nope');
    assert.is(missing.status, 404);
    assert.is(missing.headers['content-type'], 'text/plain; charset=utf-8');
    assert.is(missing.body, "No endpoint at '/nope'");
    for (const path of ['/api/v1/scheduler', '/master/api/v1/scheduler']) {
      const res = await request(port, 'POST', path, { headers: { 'Content-Type': 'application/json' }, body: TEARDOWN });
      assert.is(res.status, 202, path);
    }
    for (const path of ['/health', '/healthz', '/master/health', '/master/heal%74h']) {
      assert.is((await request(port, 'GET', path)).status, 200, path);
    }
    assert.is((await request(port, 'GET', '/health/')).status, 404, 'no trailing-slash folding');
    assert.is((await request(port, 'GET', '/%E0%A4%A')).status, 400, 'malformed percent-encoding');
  });
});

test('request targets that URL rewrites reach the route URL names: //host/path is /path, // is 400', async () => {
  await withApp({}, async ({ port }) => {
    const raw = async (target: string): Promise<number> => {
      const conn = await RawConn.open(port);
      conn.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const head = await conn.readHead();
      conn.destroy();
      return head.status;
    };
    assert.is(await raw('//x/health'), 200);
    assert.is(await raw('/master/./health'), 200);
    assert.is(await raw('/health?x=1'), 200);
    assert.is(await raw('//'), 400);
  });
});

test('routers refuse a path declared twice', () => {
  const router = new Router({ actor: 'master' }).add({ path: '/a', methods: ['GET'], handler: () => emptyReply() });
  assert.throws(() => router.add({ path: '/master/a', methods: ['GET'], handler: () => emptyReply() }), /declared twice/);
  assert.throws(() => router.add({ path: 'b', methods: ['GET'], handler: () => emptyReply() }), /does not start with/);
  assert.equal(router.paths().sort(), ['/a', '/master/a']);
});

test('a method the route does not take gets 405 with Allow and Mesos\'s message', async () => {
  await withApp({}, async ({ port }) => {
    const res = await request(port, 'GET', '/api/v1/scheduler');
    assert.is(res.status, 405);
    assert.is(res.headers['allow'], 'POST');
    assert.is(res.body, "Expecting one of { 'POST' }, but received 'GET'");
    const health = await request(port, 'DELETE', '/health');
    assert.is(health.status, 405);
    assert.is(health.headers['allow'], 'GET, HEAD');
    assert.is(health.body, "Expecting one of { 'GET', 'HEAD' }, but received 'DELETE'");
  });
});

// ---------------------------------------------------------------------------------------------
// Mesos's v1 request rules over the wire

test('Content-Type: missing is 400, anything but exactly application/json is 415', async () => {
  await withApp({}, async ({ port }) => {
    const missing = await request(port, 'POST', '/api/v1/scheduler', { body: TEARDOWN });
    assert.is(missing.status, 400);
    assert.is(missing.body, "Expecting 'Content-Type' to be present");
    assert.is(missing.headers['content-type'], 'text/plain; charset=utf-8');
    for (const type of ['application/json; charset=utf-8', 'application/JSON', 'text/plain']) {
      const res = await postJson(port, TEARDOWN, { 'Content-Type': type });
      assert.is(res.status, 415, type);
      assert.is(res.body, "Expecting 'Content-Type' of application/json or application/x-protobuf", type);
    }
    const protobuf = await postJson(port, TEARDOWN, { 'Content-Type': 'application/x-protobuf' });
    assert.is(protobuf.status, 415);
    assert.match(protobuf.body, /mesos-ts does not speak protobuf/);
    assert.is((await postJson(port, TEARDOWN)).status, 202);
  });
});

test('bodies that are not JSON or not a Call get Mesos\'s 400 messages', async () => {
  await withApp({}, async ({ port }) => {
    const syntax = await postJson(port, '{"type":');
    assert.is(syntax.status, 400);
    assert.match(syntax.body, /^Failed to parse body into JSON: ./);
    const utf8 = await postJson(port, Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string);
    assert.is(utf8.status, 400);
    assert.is(utf8.body, 'Failed to parse body into JSON: the body is not valid UTF-8');
    const call = await postJson(port, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u"}}}');
    assert.is(call.status, 400);
    assert.is(call.body, 'Failed to convert JSON into Call protobuf: subscribe.framework_info.name: required');
    const nulls = await postJson(port, '{"type":"TEARDOWN","framework_id":{"value":"f"},"subscribe":null}');
    assert.is(nulls.status, 202, 'null means unset');
  });
});

test('Accept: missing, */*, application/*, q-weighted JSON stream JSON; text/html and protobuf-only get 406', async () => {
  await withApp({}, async ({ port, server }) => {
    const allowed = [undefined, '*/*', 'application/*', 'application/json;q=0.5', 'application/x-protobuf, application/json;q=0.1'];
    for (const accept of allowed) {
      const conn = await RawConn.open(port);
      rawSubscribe(conn, accept === undefined ? '' : `Accept: ${accept}\r\n`);
      const head = await conn.readHead();
      assert.is(head.status, 200, String(accept));
      assert.is(head.headers['content-type'], 'application/json', String(accept));
      conn.destroy();
    }
    const refused: [string, RegExp][] = [
      ['text/html', /^Expecting 'Accept' to allow 'application\/x-protobuf' or 'application\/json'$/],
      ['application/json;q=0, text/*', /^Expecting 'Accept' to allow/],
      ['application/x-protobuf', /mesos-ts does not speak protobuf/],
    ];
    for (const [accept, message] of refused) {
      const res = await postJson(port, SUBSCRIBE, { Accept: accept });
      assert.is(res.status, 406, accept);
      assert.match(res.body, message);
    }
    // Accept matters only for streaming calls, as in Mesos.
    assert.is((await postJson(port, TEARDOWN, { Accept: 'text/html' })).status, 202);
    await guard(
      (async () => {
        while (server.openStreams > 0) await sleep(5);
      })(),
      'the destroyed clients\' streams closing',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Replies

test('JSON replies use the codec\'s dialect; 202 and empty replies have no body', async () => {
  await withApp({}, async ({ port }) => {
    const message = await request(port, 'GET', '/framework-id');
    assert.is(message.status, 200);
    assert.is(message.headers['content-type'], 'application/json');
    assert.is(message.body, '{"value":"\\u00fc"}');
    assert.is(message.headers['content-length'], String(message.body.length));

    const value = await request(port, 'GET', '/state');
    assert.is(value.body, '{"hostname":"h\\u00f4st","n":1}');

    const accepted = await postJson(port, TEARDOWN);
    assert.is(accepted.status, 202);
    assert.is(accepted.body, '');
    assert.is(accepted.headers['content-length'], '0');
    assert.is(accepted.headers['content-type'], undefined);
    assert.is(accepted.headers['mesos-stream-id'], STREAM_ID, 'extra headers');

    const health = await request(port, 'GET', '/health');
    assert.is(health.status, 200);
    assert.is(health.body, '');
  });
});

test('?jsonp= wraps JSON on routes that allow it; bad callback names are 400', async () => {
  await withApp({}, async ({ port }) => {
    const wrapped = await request(port, 'GET', '/state?jsonp=angular.callbacks._0');
    assert.is(wrapped.status, 200);
    assert.is(wrapped.headers['content-type'], 'text/javascript');
    assert.is(wrapped.body, 'angular.callbacks._0({"hostname":"h\\u00f4st","n":1});');
    const hostile = await request(port, 'GET', `/state?jsonp=${encodeURIComponent('alert(document.cookie)//')}`);
    assert.is(hostile.status, 400);
    assert.match(hostile.body, /^Invalid 'jsonp' callback/);
    const notJsonp = await request(port, 'GET', '/framework-id?jsonp=cb');
    assert.is(notJsonp.body, '{"value":"\\u00fc"}', 'routes without jsonp ignore the parameter');
  });
});

test('redirects are 307 to Mesos\'s protocol-relative //host:port/path', async () => {
  await withApp({}, async ({ port }) => {
    const res = await request(port, 'GET', '/redirect');
    assert.is(res.status, 307);
    assert.is(res.headers['location'], '//leader.example:5050/master/state');
    assert.is(res.body, '');
  });
  assert.is(redirectLocation('10.0.0.1', 5050), '//10.0.0.1:5050');
  assert.is(redirectLocation('::1', 5050, '/api/v1/scheduler'), '//[::1]:5050/api/v1/scheduler');
  assert.is(redirectLocation('h', 1, 'x'), '//h:1/x');
});

test('handler errors: MesosErrors get their status, anything else 500, and the server carries on', async () => {
  await withApp({}, async ({ port, logs }) => {
    const boom = await request(port, 'GET', '/boom');
    assert.is(boom.status, 500);
    assert.is(boom.headers['content-type'], 'text/plain; charset=utf-8');
    assert.is(boom.body, 'kaboom');
    assert.ok(logs.some((line) => line.includes('GET /boom') && line.includes('TypeError: kaboom')), 'the 500 is logged with its stack');
    const notYet = await request(port, 'GET', '/not-yet');
    assert.is(notYet.status, 501);
    assert.is(notYet.body, 'Not built yet');
    assert.is((await request(port, 'GET', '/health')).status, 200);
  });
});

test('keep-alive: one connection carries several requests', async () => {
  await withApp({ keepAliveTimeoutMs: 30_000 }, async ({ port }) => {
    const conn = await RawConn.open(port);
    for (let i = 0; i < 3; i++) {
      conn.write('GET /framework-id HTTP/1.1\r\nHost: x\r\n\r\n');
      const res = await conn.readResponse();
      assert.is(res.status, 200);
      assert.is(res.headers['connection'], 'keep-alive');
      assert.is(res.headers['keep-alive'], 'timeout=30');
      assert.is(res.body, '{"value":"\\u00fc"}');
    }
    conn.destroy();
  });
});

// ---------------------------------------------------------------------------------------------
// Bodies and slow clients

test('413 for a declared oversize body, answered before the body is sent, and the connection closes', async () => {
  await withApp({ maxBodyBytes: 1024 }, async ({ port, hooks }) => {
    const conn = await RawConn.open(port);
    const bodyError = once(hooks, 'bodyError');
    // 10 MB declared, 100 bytes sent: the answer cannot depend on the rest.
    conn.write(`POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n${'x'.repeat(100)}`);
    const res = await conn.readResponse();
    assert.is(res.status, 413);
    assert.is(res.body, 'Request body is larger than the limit of 1024 bytes');
    assert.is(res.headers['connection'], 'close');
    assert.equal(await bodyError, ['BODY_TOO_LARGE']);
    await guard(conn.closed, 'the connection closing');

    const exact = await request(port, 'POST', '/body', { body: 'y'.repeat(1024) });
    assert.is(exact.body, '{"bytes":1024}', 'a body of exactly the limit is fine');
  });
});

test('413 for a chunked body that passes the limit while streaming in', async () => {
  await withApp({ maxBodyBytes: 1024 }, async ({ port }) => {
    const conn = await RawConn.open(port);
    conn.write('POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    conn.write(`400\r\n${'a'.repeat(0x400)}\r\n`); // exactly the limit: not yet too large
    conn.write(`10\r\n${'b'.repeat(0x10)}\r\n`); // and the body never ends
    const res = await conn.readResponse();
    assert.is(res.status, 413);
    assert.is(res.headers['connection'], 'close');
    await guard(conn.closed, 'the connection closing');
  });
});

test('Expect: 100-continue with an oversize length gets 413 instead of 100 Continue', async () => {
  await withApp({ maxBodyBytes: 1024 }, async ({ port }) => {
    const conn = await RawConn.open(port);
    conn.write('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n');
    const res = await conn.readResponse();
    assert.is(res.status, 413);
    await guard(conn.closed, 'the connection closing');

    const ok = await RawConn.open(port);
    ok.write('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    assert.is((await ok.readHead()).status, 100);
    ok.write('hello');
    assert.is((await ok.readResponse()).body, '{"bytes":5}');
    ok.destroy();
  });
});

test('a reply before an unbounded body is read closes the connection rather than draining it', async () => {
  await withApp({ maxBodyBytes: 1024 }, async ({ port }) => {
    const conn = await RawConn.open(port);
    // A 404 for a path whose body nobody reads, chunked and never finished.
    conn.write(`POST /nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n${'c'.repeat(16)}\r\n`);
    const res = await conn.readResponse();
    assert.is(res.status, 404);
    assert.is(res.headers['connection'], 'close');
    await guard(conn.closed, 'the connection closing');
  });
});

const SLOW = { headersTimeoutMs: 300, requestTimeoutMs: 0, bodyTimeoutMs: 300, connectionsCheckingIntervalMs: 50 };

test('slowloris: headers sent byte by byte are cut off, and others are served meanwhile', async () => {
  await withApp(SLOW, async ({ port }) => {
    const conn = await RawConn.open(port);
    conn.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const drip = setInterval(() => {
      if (!conn.socket.destroyed) conn.write('a');
    }, 20);
    try {
      // Served while the slow client is connected.
      assert.is((await request(port, 'GET', '/health')).status, 200);
      const rest = await conn.readToClose();
      assert.match(rest, /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
    assert.is((await request(port, 'GET', '/health')).status, 200);
  });
});

test('slowloris: a body sent too slowly gets 408 and the connection closes', async () => {
  await withApp(SLOW, async ({ port, hooks }) => {
    const conn = await RawConn.open(port);
    const bodyError = once(hooks, 'bodyError');
    conn.write('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    const drip = setInterval(() => {
      if (!conn.socket.destroyed) conn.write('z');
    }, 50);
    try {
      const res = await conn.readResponse();
      assert.is(res.status, 408);
      assert.is(res.body, 'Request body not received within 300 ms');
      assert.is(res.headers['connection'], 'close');
      assert.equal(await bodyError, ['REQUEST_TIMEOUT']);
      await guard(conn.closed, 'the connection closing');
    } finally {
      clearInterval(drip);
    }
    assert.is((await request(port, 'GET', '/health')).status, 200);
  });
});

test('a client aborting mid-body does not crash the server', async () => {
  await withApp({}, async ({ port, hooks, logs }) => {
    const conn = await RawConn.open(port);
    const bodyError = once(hooks, 'bodyError');
    conn.write('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
    await sleep(20);
    conn.destroy();
    assert.equal(await guard(bodyError, 'the handler seeing the abort'), ['BAD_REQUEST']);
    assert.is((await request(port, 'GET', '/health')).status, 200);
    assert.equal(logs, [], 'a client going away is not an internal error');
  });
});

// ---------------------------------------------------------------------------------------------
// RecordIO event streams

test('a RecordIO stream: headers as Mesos sends them, and one record per chunk', async () => {
  await withApp({}, async ({ port, hooks, server }) => {
    const conn = await RawConn.open(port);
    const opened = once(hooks, 'stream');
    rawSubscribe(conn);
    const head = await conn.readHead();
    assert.is(head.status, 200);
    assert.is(head.headers['content-type'], 'application/json');
    assert.is(head.headers['transfer-encoding'], 'chunked');
    assert.is(head.headers['content-length'], undefined);
    assert.is(head.headers['mesos-stream-id'], STREAM_ID);
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream<'mesos.v1.scheduler.Event'>];
    assert.is(server.openStreams, 1);

    const first = oneRecord((await conn.readChunk())!);
    assert.is(
      first,
      '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-\\u00fc-\\u4e16"},"heartbeat_interval_seconds":15.0}}',
    );
    assert.ok(/^[\x20-\x7e]*$/.test(first), 'compact, ASCII only');
    assert.is(oneRecord((await conn.readChunk())!), '{"type":"HEARTBEAT"}');
    assert.is(oneRecord((await conn.readChunk())!), '{"type":"HEARTBEAT"}');

    // A burst in one tick still goes out as one chunk per record.
    for (let i = 0; i < 50; i++) {
      assert.ok(stream.send({ type: 'MESSAGE', message: { agent_id: { value: `a${i}` }, executor_id: { value: 'e' }, data: 'AAAA' } }));
    }
    for (let i = 0; i < 50; i++) {
      const record = JSON.parse(oneRecord((await conn.readChunk())!)) as { message: { agent_id: { value: string } } };
      assert.is(record.message.agent_id.value, `a${i}`);
    }
    assert.is(stream.recordsSent, 53);

    stream.close();
    assert.is(await conn.readChunk(), null, 'the terminating chunk');
    assert.is(await guard(stream.closed, 'closed'), 'server');
    assert.is(stream.send({ type: 'HEARTBEAT' }), false, 'nothing is sent on a closed stream');
    assert.is(server.openStreams, 0);

    // The connection is still good for another request.
    conn.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.is((await conn.readResponse()).status, 200);
    conn.destroy();
  });
});

test('a client that does not read has its stream closed once the queued bytes pass the limit', async () => {
  const limit = 64 * 1024;
  await withApp({ maxStreamBufferBytes: limit }, async ({ port, hooks, logs, server }) => {
    const conn = await RawConn.open(port);
    const opened = once(hooks, 'stream');
    conn.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.is((await conn.readHead()).status, 200);
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream];
    conn.socket.pause();

    const reasons: StreamCloseReason[] = [];
    stream.onClose((reason) => reasons.push(reason));
    const record = JSON.stringify({ type: 'HEARTBEAT', padding: 'p'.repeat(16 * 1024) });
    let sent = 0;
    let maxQueued = 0;
    // Far more than the kernel's socket buffers hold: the bound must come from the stream.
    for (; sent < 20_000 && stream.sendJson(record); sent++) {
      maxQueued = Math.max(maxQueued, stream.bufferedBytes);
      await nextTurn();
    }
    assert.ok(sent < 20_000, `the stream closed after ${sent} records`);
    assert.ok(maxQueued <= limit + record.length + 64, `at most the limit plus one record was queued (${maxQueued})`);
    assert.is(await guard(stream.closed, 'closed'), 'overflow');
    assert.equal(reasons, ['overflow']);
    assert.ok(logs.some((line) => line.includes('did not read')), 'the overflow is reported');
    assert.is(server.openStreams, 0);
    conn.socket.resume();
    await guard(conn.closed, 'the client\'s connection closing');
  });
});

test('records held for one loop turn do not count as a reading client falling behind', async () => {
  const limit = 256 * 1024;
  await withApp({ maxStreamBufferBytes: limit }, async ({ port, hooks }) => {
    const conn = await RawConn.open(port);
    const opened = once(hooks, 'stream');
    conn.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.is((await conn.readHead()).status, 200);
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream];
    const record = JSON.stringify({ type: 'HEARTBEAT', padding: 'p'.repeat(2048) });
    // 500 timers due together run in one loop turn, each sending one record: four times the
    // limit written in a turn, to a client that reads everything.
    const count = 500;
    await new Promise<void>((resolve) => {
      let done = 0;
      for (let i = 0; i < count; i++) {
        setTimeout(() => {
          stream.sendJson(record);
          if (++done === count) resolve();
        }, 0);
      }
    });
    assert.not.ok(stream.isClosed, `closed as ${stream.closeReason}`);
    for (let i = 0; i < count; i++) assert.is(oneRecord((await guard(conn.readChunk(), `record ${i}`))!), record);
    conn.destroy();
  });
});

test('writes are held for the loop turn, but not longer than a few ms when the turn is long', async () => {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const accepted: Socket[] = [];
  const clients: Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const next = once(server, 'connection');
      clients.push(connect({ port, host: '127.0.0.1' }));
      accepted.push(((await guard(next, 'a connection')) as [Socket])[0]);
    }
    const [a, b] = accepted as [Socket, Socket];
    holdWrites(a);
    a.write('first');
    holdWrites(b);
    b.write('second');
    assert.is(a.writableCorked, 1, 'held within the turn');
    assert.is(b.writableCorked, 1);
    // A turn that goes on: the next write lets out what has been held too long.
    const start = performance.now();
    while (performance.now() - start < 20) { /* busy */ }
    holdWrites(b);
    b.write('third');
    assert.is(a.writableCorked, 0, 'released by a later write');
    assert.is(a.writableLength, 0, 'and written out');
    assert.is(b.writableCorked, 1, 'the later write is held afresh');
    await nextTurn();
    await nextTurn();
    assert.is(b.writableCorked, 0, 'released at the check phase');
    assert.is(b.writableLength, 0);
  } finally {
    for (const socket of [...clients, ...accepted]) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('an event stream outlives the request timeouts, which only cover receiving the request', async () => {
  await withApp({ ...SLOW, requestTimeoutMs: 300 }, async ({ port, hooks }) => {
    const conn = await RawConn.open(port);
    const opened = once(hooks, 'stream');
    conn.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.is((await conn.readHead()).status, 200);
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream<'mesos.v1.scheduler.Event'>];
    await sleep(1_000); // several times every timeout above
    assert.not.ok(stream.isClosed);
    assert.ok(stream.send({ type: 'HEARTBEAT' }));
    assert.is(oneRecord((await conn.readChunk())!), '{"type":"HEARTBEAT"}');
    conn.destroy();
  });
});

test('a request\'s signal is aborted when its client went away, even if first read afterwards', async () => {
  await withApp({}, async ({ port, hooks }) => {
    const conn = await RawConn.open(port);
    const waiting = once(hooks, 'waiting');
    const signalled = once(hooks, 'signal');
    conn.write('GET /wait-for-client HTTP/1.1\r\nHost: x\r\n\r\n');
    await guard(waiting, 'the handler starting');
    conn.destroy();
    assert.equal(await guard(signalled, 'the handler reading its signal'), [true]);
  });
});

test('a client going away mid-stream is noticed', async () => {
  await withApp({}, async ({ port, hooks, server }) => {
    const conn = await RawConn.open(port);
    const opened = once(hooks, 'stream');
    rawSubscribe(conn);
    await conn.readHead();
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream];
    conn.destroy();
    assert.is(await guard(stream.closed, 'the server noticing'), 'client');
    assert.ok(stream.isClosed);
    assert.is(stream.closeReason, 'client');
    assert.is(server.openStreams, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// Shutdown

test('graceful close ends open streams and idle keep-alive connections promptly', async () => {
  // The grace period is far longer than the hang guard: finishing means nothing waited for it.
  const app = await startApp({ shutdownGraceMs: 60_000 });
  try {
    const streaming = await RawConn.open(app.port);
    const opened = once(app.hooks, 'stream');
    rawSubscribe(streaming);
    await streaming.readHead();
    const [stream] = (await guard(opened, 'the stream opening')) as [RecordIOStream];
    for (let i = 0; i < 3; i++) await streaming.readChunk();

    const idle = await RawConn.open(app.port);
    idle.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.is((await idle.readResponse()).status, 200);

    await guard(app.server.close(), 'graceful close');
    assert.is(await stream.closed, 'shutdown');
    assert.is(await streaming.readChunk(), null, 'the stream ended with its terminating chunk');
    await guard(streaming.closed, 'the stream connection closing');
    await guard(idle.closed, 'the idle connection closing');
    assert.not.ok(app.server.listening);
    await rejectsConnect(app.port);
  } finally {
    await app.server.close(0);
  }
});

test('close destroys connections still busy when the grace period ends', async () => {
  const app = await startApp({ shutdownGraceMs: 100 });
  try {
    const slow = await RawConn.open(app.port);
    slow.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Half: '); // headers never finish
    await sleep(20);
    await guard(app.server.close(), 'close after the grace period');
    await guard(slow.closed, 'the busy connection being destroyed');
  } finally {
    await app.server.close(0);
  }
});

async function rejectsConnect(port: number): Promise<void> {
  try {
    const conn = await RawConn.open(port);
    conn.destroy();
  } catch (err) {
    assert.is((err as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    return;
  }
  assert.unreachable('a closed server accepted a connection');
}

test.run();

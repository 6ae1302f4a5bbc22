// Bad input to a real master: each mistake gets Mesos's status and message (mesos-api.md sections
// 0 and 1.1, docs/agent-link.md "Transport"), nothing gets a 5xx, and the master keeps serving:
// slow and abandoned bodies do not hold up other clients, bodies over the limit get 413, and after
// a few hundred malformed requests a well-formed framework still subscribes, gets offers and
// launches.

import type { ClientRequest } from 'node:http';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { encodeRecord } from '../../../lib/api/recordio.ts';
import { startMaster, withCleanup, type Cleanup, type MasterProcess } from '../../helpers/master-process.ts';
import {
  eventually,
  frameworkInfo,
  openRequest,
  rawRequest,
  rawSocketRequest,
  someUuid,
  splitChunkedResponse,
  subscribe,
  taskFor,
  type HttpResult,
  type RawRequestOptions,
} from '../../helpers/scheduler-client.ts';
import { AGENT_LINK_PATH, TestAgent } from '../../helpers/test-agent.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const SUBSCRIBE = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } });

function post(master: MasterProcess, body: string | Buffer, headers: Record<string, string> = JSON_HEADERS, path?: string): Promise<HttpResult> {
  return rawRequest(master, { method: 'POST', headers, body, ...(path ? { path } : {}) });
}

function assertAnswer(result: HttpResult, status: number, message?: RegExp): void {
  assert.is(result.status, status, `expected ${status}, got ${result.status}: ${result.body.slice(0, 300)}`);
  if (message) assert.match(result.body, message);
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** The happy path, to show the master still serves: subscribe, get an offer, launch, see RUN_TASK. */
async function stillServes(t: Cleanup, master: MasterProcess, taskId: string): Promise<void> {
  assert.ok(master.running, `the master is still running\n${master.describeOutput()}`);
  assertAnswer(await rawRequest(master, { method: 'GET', path: '/health' }), 200);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ name: `after ${taskId}` }));
  const [offer] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  await fw.launch(offer!, [taskFor(offer!, taskId)]);
  await agent.nextRunTask(taskId);
}

test('transport errors on /api/v1/scheduler get Mesos\'s statuses and messages', withCleanup(async (t) => {
  const master = await startMaster(t);
  assertAnswer(await post(master, '{"type":'), 400, /^Failed to parse body into JSON/);
  assertAnswer(await post(master, SUBSCRIBE, { 'Content-Type': 'text/plain' }), 415);
  // Content-Type is matched exactly, as Mesos does (mesos-api.md section 0).
  assertAnswer(await post(master, SUBSCRIBE, { 'Content-Type': 'application/json; charset=utf-8' }), 415);
  assertAnswer(await post(master, SUBSCRIBE, {}), 400, /Expecting 'Content-Type' to be present/);
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const result = await rawRequest(master, { method, headers: JSON_HEADERS });
    assertAnswer(result, 405);
    assert.is(result.headers['allow'], 'POST', `Allow on ${method}`);
  }
  assertAnswer(await post(master, SUBSCRIBE, { ...JSON_HEADERS, Accept: 'text/html' }), 406);
  assertAnswer(await post(master, '{"type":1}'), 400, /^Failed to convert JSON into Call protobuf/);
  assertAnswer(await post(master, '[]'), 400, /^Failed to convert JSON into Call protobuf/);
  assertAnswer(await post(master, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"no user"}}}'), 400, /^Failed to convert JSON into Call protobuf/);
  assertAnswer(await post(master, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, /^Failed to parse body into JSON/);
  assertAnswer(await post(master, '['.repeat(100_000)), 400, /^Failed to parse body into JSON/);
  assertAnswer(await post(master, '{"type":"TEARDOWN"}'), 400, /Expecting 'framework_id' to be present/);
  assertAnswer(
    await post(master, JSON.stringify({ type: 'TEARDOWN', framework_id: { value: 'no-such-framework' } }), { ...JSON_HEADERS, 'Mesos-Stream-Id': someUuid() }),
    400,
    /Framework cannot be found/,
  );
  // The actor-prefixed path is routed too.
  assertAnswer(await post(master, '{"type":', JSON_HEADERS, '/master/api/v1/scheduler'), 400, /^Failed to parse body into JSON/);
  assertAnswer(await rawRequest(master, { method: 'GET', path: '/no/such/endpoint' }), 404);

  assertAnswer(await rawRequest(master, { method: 'GET', path: '/health' }), 200);
  const version = await rawRequest(master, { method: 'GET', path: '/version' });
  assertAnswer(version, 200);
  assert.type(version.json<{ version?: unknown }>().version, 'string');
  const redirect = await rawRequest(master, { method: 'GET', path: '/master/redirect' });
  assertAnswer(redirect, 307);
  assert.match(String(redirect.headers['location']), new RegExp(`^//[^/]+:${master.port}$`), 'a protocol-relative Location');
  await stillServes(t, master, 'after-transport-errors');
}));

test('SUBSCRIBE problems: invalid FrameworkInfo gets an ERROR event; mismatched framework ids get 400', withCleanup(async (t) => {
  const master = await startMaster(t);
  // A role with a space breaks the role-name rules; Mesos answers on the stream.
  const bad = await subscribe(t, master, frameworkInfo({ roles: ['bad role'], capabilities: ['MULTI_ROLE'] }), { noWait: true });
  assert.is(bad.status, 200);
  const error = await bad.next();
  assert.is(error.type, 'ERROR', `got ${error.type}`);
  assert.ok((error.error?.message ?? '').length > 0);
  await bad.waitClosed();
  // `roles` without MULTI_ROLE is a validation error too.
  const mixed = await subscribe(t, master, frameworkInfo({ roles: ['web'] }), { noWait: true });
  assert.is((await mixed.next()).type, 'ERROR');

  const good = await subscribe(t, master, frameworkInfo());
  const mismatch = JSON.stringify({
    type: 'SUBSCRIBE',
    framework_id: { value: good.frameworkId },
    subscribe: { framework_info: { user: 'u', name: 'n', id: { value: `${good.frameworkId}-other` } } },
  });
  assertAnswer(await post(master, mismatch), 400);
  assert.not.ok(good.isClosed);
}));

test('stream ids and connection state: missing or stale Mesos-Stream-Id 400, disconnected framework 403, UNKNOWN 501', withCleanup(async (t) => {
  const master = await startMaster(t);
  const fw = await subscribe(t, master, frameworkInfo({ failover_timeout: 3600 }));
  const other = await subscribe(t, master, frameworkInfo({ name: 'other' }));
  assertAnswer(await fw.call({ type: 'REVIVE' }, { streamId: null }), 400);
  assertAnswer(await fw.call({ type: 'REVIVE' }, { streamId: someUuid() }), 400);
  assertAnswer(await fw.call({ type: 'REVIVE' }, { streamId: other.streamId }), 400);
  assertAnswer(await fw.call({ type: 'REVIVE' }), 202);
  assertAnswer(await fw.call({ type: 'UNKNOWN' }), 501);
  assertAnswer(await fw.call({ framework_id: { value: fw.frameworkId } }), 400);

  fw.close();
  const refused = await eventually(async () => {
    const result = await fw.call({ type: 'REVIVE' });
    return result.status === 202 ? undefined : result;
  }, 'a refusal once the framework disconnected');
  assertAnswer(refused, 403, /not subscribed/i);
  assert.not.ok(other.isClosed);
  // `other` would hold the new agent's offers forever (it never declines): it leaves first.
  other.close();
  await stillServes(t, master, 'after-stream-errors');
}));

test('bodies over the limit get 413 (by Content-Length and by bytes received)', withCleanup(async (t) => {
  const master = await startMaster(t);
  const declared = openRequest(master, { method: 'POST', headers: { ...JSON_HEADERS, 'Content-Length': String(64 * 1024 * 1024) } });
  declared.write('{"type":"SUBSCRIBE",');
  assertAnswer(await declared.response, 413);
  declared.destroy();

  // Chunked: keep sending until the master answers.
  const chunked = openRequest(master, { method: 'POST', headers: { ...JSON_HEADERS, 'Transfer-Encoding': 'chunked' } });
  const piece = Buffer.alloc(256 * 1024, 0x20);
  let answered = false;
  void chunked.response.then(() => (answered = true), () => (answered = true));
  chunked.write('{"type":"SUBSCRIBE","x":"');
  for (let sent = 0; !answered && !chunked.req.destroyed && sent < 64 * 1024 * 1024; sent += piece.length) {
    if (!chunked.req.write(piece)) await drainedOrClosed(chunked.req);
  }
  assertAnswer(await chunked.response, 413);
  chunked.destroy();
  await stillServes(t, master, 'after-413');
}));

test('slow and abandoned requests do not block other clients', withCleanup(async (t) => {
  const master = await startMaster(t);
  // A body that never completes, on the scheduler API and on the agent link.
  const stalled = openRequest(master, { method: 'POST', headers: { ...JSON_HEADERS, 'Content-Length': '1000' } });
  stalled.write('{"type":"SUBSCRIBE","subscribe":');
  t.add('drop the stalled request', () => stalled.destroy());
  const stalledLink = openRequest(master, { method: 'POST', path: AGENT_LINK_PATH, headers: { ...JSON_HEADERS, 'Transfer-Encoding': 'chunked' } });
  stalledLink.write('120\n{"type":"REGISTER"');
  t.add('drop the stalled link', () => stalledLink.destroy());
  // Headers that never complete.
  const hangUp = new AbortController();
  const slowHeaders = rawSocketRequest(master, `POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: appl`, { timeoutMs: 60_000, signal: hangUp.signal });
  t.add('drop the slow headers', () => hangUp.abort());
  // A slow but complete body: one byte at a time.
  const trickle = openRequest(master, { method: 'POST', headers: { ...JSON_HEADERS, 'Content-Length': String(Buffer.byteLength('{"type":')) } });
  t.add('drop the trickling request', () => trickle.destroy());
  const trickling = (async () => {
    for (const ch of '{"type"') {
      trickle.write(ch);
      await new Promise((r) => setTimeout(r, 50));
    }
    trickle.end(':');
    return trickle.response;
  })();

  await stillServes(t, master, 'beside-slow-clients');
  assertAnswer(await trickling, 400, /^Failed to parse body into JSON/);
  stalled.destroy();
  stalledLink.destroy();
  hangUp.abort();
  await slowHeaders;
}));

test('the agent link refuses bad first records with Mesos\'s statuses and ends a broken link with ERROR', withCleanup(async (t) => {
  const master = await startMaster(t);
  const link = (body: string | Buffer, headers: Record<string, string> = JSON_HEADERS) => rawRequest(master, { method: 'POST', path: AGENT_LINK_PATH, headers, body });
  assertAnswer(await link(encodeRecord('{"type":')), 400, /^Failed to parse body into JSON/);
  assertAnswer(await link(encodeRecord('{"type":"PONG"}')), 400, /Expecting the first call to be REGISTER/);
  assertAnswer(await link(encodeRecord('{"type":"PONG"}'), { 'Content-Type': 'text/plain' }), 415);
  assertAnswer(await link(encodeRecord('{"type":"PONG"}'), {}), 400);
  assertAnswer(await link(encodeRecord('{"type":"PONG"}'), { ...JSON_HEADERS, Accept: 'text/html' }), 406);
  assertAnswer(await rawRequest(master, { method: 'GET', path: AGENT_LINK_PATH }), 405);

  // After REGISTERED, a record that does not decode ends the link with ERROR.
  const agent = await TestAgent.start(t, master);
  agent.sendRaw(encodeRecord('{"type":"STATUS_UPDATE","status_update":{"status":"nonsense"}}'));
  const error = await agent.next('ERROR');
  assert.ok((error.error?.message ?? '').length > 0);
  await agent.waitDisconnected();
  // Garbage framing too, and a record longer than the master takes.
  const again = await TestAgent.start(t, master);
  again.sendRaw('not recordio\n');
  await again.waitDisconnected();
  const greedy = await TestAgent.start(t, master);
  greedy.sendRaw('99999999999\n{');
  await greedy.waitDisconnected();
  await stillServes(t, master, 'after-bad-links');
  // Raw HTTP for REGISTER calls the master refuses: a refusal must be a 400, or (for invalid
  // agent info) an ERROR event on the stream, not a stream that ends with nothing said.
  const refusal = async (register: object): Promise<string> => {
    const body = encodeRecord(JSON.stringify({ type: 'REGISTER', register }));
    const head = `POST ${AGENT_LINK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    return rawSocketRequest(master, Buffer.concat([Buffer.from(head), body]), { timeoutMs: 5_000 });
  };
  const version = await refusal({ version: 99, agent_info: { hostname: 'h' } });
  assert.match(version, /^HTTP\/1\.1 400 /, `unsupported version: ${JSON.stringify(version)}`);
  const negative = await refusal({ version: 1, agent_info: { hostname: 'h', resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }] } });
  assert.ok(/^HTTP\/1\.1 400 /.test(negative) || /"type":"ERROR"/.test(negative), `invalid resources: ${JSON.stringify(negative)}`);
}));

test('link calls are handled in order: REGISTER, then a malformed record pipelined behind it, gets REGISTERED, then ERROR', withCleanup(async (t) => {
  const master = await startMaster(t);
  const chunk = (record: Buffer) => Buffer.concat([Buffer.from(`${record.length.toString(16)}\r\n`), record, Buffer.from('\r\n')]);
  const register = encodeRecord(JSON.stringify({ type: 'REGISTER', register: { version: 1, agent_info: { hostname: 'pipelined.test' } } }));
  const head = `POST ${AGENT_LINK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
  // Both records in one write, as an agent that does not wait for REGISTERED may send them.
  const raw = await rawSocketRequest(master, Buffer.concat([Buffer.from(head), chunk(register), chunk(encodeRecord('{"type":'))]), { timeoutMs: 5_000 });
  const { head: responseHead, chunks } = splitChunkedResponse(raw);
  assert.match(responseHead, /^HTTP\/1\.1 200 /);
  const types = chunks.map((c) => (JSON.parse(c.toString('utf8').replace(/^\d+\n/, '')) as { type: string }).type);
  assert.equal(types, ['REGISTERED', 'ERROR'], `the agent was admitted (the master logs it), so it must be told so before the link is failed: ${JSON.stringify(raw)}`);
}));

test('a few hundred malformed requests, then a well-formed framework subscribes, gets offers and launches', withCleanup(async (t) => {
  const master = await startMaster(t);
  const stream = { ...JSON_HEADERS, 'Mesos-Stream-Id': someUuid() };
  const unknownFramework = (type: string) => JSON.stringify({ type, framework_id: { value: someUuid() } });
  const requests: RawRequestOptions[] = [
    { body: '{' },
    { body: 'null' },
    { body: '' },
    { body: '"SUBSCRIBE"' },
    { body: '{"type":"SUBSCRIBE"}' },
    { body: '{"type":"SUBSCRIBE","subscribe":{"framework_info":{}}}' },
    { body: '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":1,"name":[]}}}' },
    { body: '{"type":"NOPE"}' },
    { body: '{"type":"ACCEPT","accept":{"offer_ids":[{"value":1e400}]}}' },
    { body: '{"type":"ACKNOWLEDGE","framework_id":{"value":"x"},"acknowledge":{"uuid":"!!!"}}' },
    { body: '{"__proto__":{"type":"SUBSCRIBE"},"constructor":{"prototype":{}}}' },
    { body: `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"${'x'.repeat(1 << 20)}"}}}` },
    { body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) },
    { body: '['.repeat(50_000) },
    { body: unknownFramework('TEARDOWN'), headers: stream },
    { body: unknownFramework('KILL'), headers: stream },
    { body: unknownFramework('RECONCILE'), headers: stream },
    { body: SUBSCRIBE, headers: { 'Content-Type': 'text/html' } },
    { body: SUBSCRIBE, headers: {} },
    { body: SUBSCRIBE, headers: { ...JSON_HEADERS, Accept: 'image/png' } },
    { body: SUBSCRIBE, headers: { ...JSON_HEADERS, 'Mesos-Stream-Id': 'stale' } },
    { body: SUBSCRIBE, method: 'GET' },
    { body: SUBSCRIBE, method: 'PATCH' },
    { body: '{"type":', path: AGENT_LINK_PATH },
    { body: encodeRecord('{"type":"PONG"}'), path: AGENT_LINK_PATH },
    { body: '99999999999999999999999\n{}', path: AGENT_LINK_PATH },
    { body: encodeRecord('{"type":"REGISTER","register":{"version":1}}'), path: AGENT_LINK_PATH },
  ];
  const raw: string[] = [
    'GARBAGE\r\n\r\n',
    'POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":',
    'POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    'POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
  ];
  const total = 300;
  const jobs = Array.from({ length: total }, (_, i) => async (): Promise<string> => {
    if (i % 10 === 9) {
      const answer = await rawSocketRequest(master, raw[Math.floor(i / 10) % raw.length]!, { halfClose: true });
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      return status ?? 'closed';
    }
    const options = requests[i % requests.length]!;
    const result = await rawRequest(master, { method: 'POST', headers: JSON_HEADERS, ...options });
    return String(result.status);
  });
  const statuses: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        statuses.push(await job().catch((err: Error) => `error ${err.message}`));
      }
    }),
  );
  assert.is(statuses.length, total);
  const unexpected = statuses.filter((s) => !(s === 'closed' || /^4\d\d$/.test(s)));
  assert.equal(unexpected, [], `every malformed request gets a 4xx (or a closed connection)`);
  await stillServes(t, master, 'after-the-flood');
}));

test.run();

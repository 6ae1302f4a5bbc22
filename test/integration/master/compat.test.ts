// What third-party v1 client libraries rely on beyond the spec (mesos-api.md section 12), checked
// on the wire against a real master: one RecordIO record per HTTP chunk, non-ASCII escaped as
// \uXXXX, explicit nulls meaning "unset", no Accept header meaning JSON, `role: null` meaning "*";
// plus the SUBSCRIBE and UPDATE_FRAMEWORK rules such clients run into (a framework id the master
// has never seen is taken as a failover; user, principal and checkpoint cannot change).

import { connect } from 'node:net';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { startMaster, withCleanup, type MasterAddress } from '../../helpers/master-process.ts';
import { SCHEDULER_PATH, frameworkInfo, rawRequest, resourcesOf, someUuid, splitChunkedResponse, subscribe, taskFor } from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

interface RawStream {
  readonly head: string;
  /** The payload of each HTTP chunk, in order. */
  readonly chunks: Buffer[];
}

/**
 * SUBSCRIBEs over a plain socket and returns the response head and the payloads of its first
 * `count` HTTP chunks (node:http would hide the chunk boundaries).
 */
function rawSubscribe(address: MasterAddress, body: string, count: number, timeoutMs = 15_000): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host);
    let data = Buffer.alloc(0);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
    };
    const timer = setTimeout(() => finish(new Error(`fewer than ${count} chunks within ${timeoutMs} ms: ${JSON.stringify(data.toString('latin1'))}`)), timeoutMs);
    socket.on('connect', () => {
      socket.write(
        `POST ${SCHEDULER_PATH} HTTP/1.1\r\nHost: ${address.host}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('error', (err) => finish(err));
    socket.on('data', (piece: Buffer) => {
      data = Buffer.concat([data, piece]);
      const { head, chunks } = splitChunkedResponse(data);
      if (chunks.length >= count) {
        finish();
        resolve({ head, chunks: chunks.slice(0, count) });
      }
    });
  });
}

test('each RecordIO record travels in its own HTTP chunk; SUBSCRIBE without Accept gets JSON', withCleanup(async (t) => {
  const master = await startMaster(t);
  const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo() } });
  const { head, chunks } = await rawSubscribe(master, body, 3);
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.match(head, /\r\ncontent-type: application\/json\r\n/i);
  assert.match(head, /\r\ntransfer-encoding: chunked/i);
  assert.match(head, /\r\nmesos-stream-id: [0-9a-f-]{36}\r\n/i);
  const types: string[] = [];
  for (const chunk of chunks) {
    const text = chunk.toString('latin1');
    const m = /^(\d+)\n/.exec(text);
    assert.ok(m, `a chunk starts with a record length: ${JSON.stringify(text)}`);
    assert.is(Number(m![1]), chunk.length - m![0].length, `the chunk holds exactly one record: ${JSON.stringify(text)}`);
    const json = text.slice(m![0].length);
    assert.not.match(json, /\n/, 'compact JSON');
    types.push((JSON.parse(json) as { type: string }).type);
  }
  assert.equal(types, ['SUBSCRIBED', 'HEARTBEAT', 'HEARTBEAT']);
}));

test('non-ASCII text in events is escaped as \\uXXXX, so bytes and characters agree', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo(), { keepRaw: true });
  const [offer] = await fw.nextOffers();
  await fw.launch(offer!, [taskFor(offer!, 't1')]);
  await agent.nextRunTask('t1');
  agent.sendStatus(fw.frameworkId, 't1', 'TASK_RUNNING', { message: 'café ☕ 😀' });
  const status = await fw.nextUpdate('t1');
  assert.is(status.message, 'café ☕ 😀', 'decoded back to the same text');
  const raw = fw.rawStream;
  assert.ok(/^[\x00-\x7f]*$/.test(raw), 'the stream is pure ASCII');
  assert.ok(raw.includes('caf\\u00e9 \\u2615 \\ud83d\\ude00'), `escaped: ${raw.slice(raw.indexOf('caf'), raw.indexOf('caf') + 60)}`);
}));

test('explicit nulls mean unset: SUBSCRIBE, ACCEPT and resources with role null (meaning "*") all work', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const info = {
    user: 'u', name: 'nulls', id: null, failover_timeout: null, checkpoint: null, role: null, roles: null,
    hostname: null, principal: null, webui_url: null, capabilities: null, labels: null, offer_filters: null,
  };
  const fw = await subscribe(t, master, info as never, { headers: { Accept: null } });
  const [offer] = await fw.nextOffers();
  const resources = resourcesOf('cpus:0.1;mem:32').map((r) => ({ ...r, role: null, allocation_info: null, reservations: null, reservation: null, disk: null }));
  const task = {
    ...taskFor(offer!, 't1'), resources, executor: null, container: null, health_check: null, labels: null, data: null,
    command: { value: 'sleep 1', shell: null, uris: null, environment: null, user: null, arguments: null },
  };
  const result = await fw.call({
    framework_id: { value: fw.frameworkId },
    type: 'ACCEPT',
    subscribe: null,
    decline: null,
    accept: { offer_ids: [offer!.id], operations: [{ type: 'LAUNCH', id: null, launch: { task_infos: [task] } }], filters: null },
  });
  assert.is(result.status, 202, result.body);
  const run = await agent.nextRunTask('t1');
  assert.is(run.task.command?.value, 'sleep 1');
  assert.is(run.task.command?.shell, true, 'the default applies to a null field');
}));

test('SUBSCRIBED carries a complete master_info: id, ip (uint32, network order), port, pid, hostname, version, address', withCleanup(async (t) => {
  const master = await startMaster(t);
  const fw = await subscribe(t, master, frameworkInfo());
  const info = fw.subscribed!.master_info!;
  // 127.0.0.1 in network byte order, read as a little-endian uint32: Mesos's well-known wart.
  assert.is(info.ip, 0x0100007f);
  assert.is(info.port, master.port);
  assert.is(info.pid, `master@127.0.0.1:${master.port}`);
  assert.type(info.hostname, 'string');
  assert.type(info.version, 'string');
  assert.equal({ ip: info.address?.ip, port: info.address?.port }, { ip: '127.0.0.1', port: master.port });
  // Not checked: `capabilities`. Mesos 1.11 advertises AGENT_UPDATE, AGENT_DRAINING and QUOTA_V2;
  // a master should list only what it implements.
}));

test('SUBSCRIBE with a framework id the master never saw is taken as a failover; UPDATE_FRAMEWORK cannot change user, principal or checkpoint', withCleanup(async (t) => {
  const master = await startMaster(t);
  const id = `${someUuid()}-0042`;
  const info = frameworkInfo({ principal: 'p', checkpoint: true, failover_timeout: 60 });
  const fw = await subscribe(t, master, info, { frameworkId: id });
  assert.is(fw.frameworkId, id);
  assert.is((await fw.updateFramework({ ...info, name: 'renamed' })).status, 200);
  for (const change of [{ user: 'someone-else' }, { principal: 'q' }, { checkpoint: false }]) {
    const result = await fw.call({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: { ...info, ...change, id: { value: id } } },
    });
    assert.is(result.status, 400, `${JSON.stringify(change)}: ${result.status} ${result.body}`);
  }
  // Answers other than 202 and 200 leave the subscription alone.
  assert.not.ok(fw.isClosed);
  assert.is((await rawRequest(master, { method: 'GET', path: '/health' })).status, 200);
}));

test.run();

// The scheduler API's subscription life cycle against a real master (mesos-api.md section 1.1):
// SUBSCRIBE's response and first events, heartbeats, framework failover to a new stream,
// reconnection within the failover timeout, TEARDOWN, and removal when the failover timeout
// expires. A test agent runs one task per framework, so that what happens to a framework's tasks
// is visible at the agent (SHUTDOWN_FRAMEWORK) and through reconciliation.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { startMaster, withCleanup, type Cleanup, type MasterProcess } from '../../helpers/master-process.ts';
import { eventually, frameworkInfo, scalarOf, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Launches `taskId` on the framework's next offer and brings it to TASK_RUNNING, acknowledged. */
async function runTask(fw: SchedulerClient, agent: TestAgent, taskId: string): Promise<v1.Offer> {
  const [offer] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  await fw.launch(offer!, [taskFor(offer!, taskId)]);
  await agent.nextRunTask(taskId);
  const sent = agent.sendStatus(fw.frameworkId, taskId, 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING'));
  await agent.waitForAck(sent);
  return offer!;
}

async function cluster(t: Cleanup): Promise<{ master: MasterProcess; agent: TestAgent }> {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  return { master, agent };
}

test('SUBSCRIBE: 200, a Mesos-Stream-Id, SUBSCRIBED, an immediate HEARTBEAT, then periodic ones', withCleanup(async (t) => {
  const master = await startMaster(t);
  const fw = await subscribe(t, master, frameworkInfo(), { noWait: true });
  assert.is(fw.status, 200);
  assert.is(fw.headers['content-type'], 'application/json');
  assert.is(fw.headers['content-length'], undefined, 'a stream has no Content-Length');
  assert.match(fw.streamId, UUID, 'Mesos-Stream-Id is a canonical UUID');
  assert.is(fw.streamId.length, 36);

  const subscribed = await fw.waitSubscribed();
  assert.is(fw.events.history[0]?.type, 'SUBSCRIBED', 'SUBSCRIBED is the first event');
  assert.ok(subscribed.framework_id.value.length > 0, 'a framework id');
  assert.is(subscribed.heartbeat_interval_seconds, 1, 'heartbeat_interval_seconds follows --heartbeat_interval');
  const info = subscribed.master_info;
  assert.ok(info, 'master_info');
  assert.is(info!.port, master.port);
  assert.ok(info!.id.length > 0);
  // Framework ids are `<master id>-<4-digit counter>`.
  assert.match(subscribed.framework_id.value, new RegExp(`^${info!.id}-\\d{4}$`));

  const second = await fw.next();
  assert.is(second.type, 'HEARTBEAT', 'a HEARTBEAT follows SUBSCRIBED at once');
  // Then more, every heartbeat interval, with nothing else happening.
  await fw.next('HEARTBEAT');
  await fw.next('HEARTBEAT');
  assert.not.ok(fw.isClosed);
}));

test('frameworks subscribing anew get distinct ids and stream ids; a SUBSCRIBE carrying a Mesos-Stream-Id gets 400', withCleanup(async (t) => {
  const master = await startMaster(t);
  const a = await subscribe(t, master, frameworkInfo({ name: 'a' }));
  const b = await subscribe(t, master, frameworkInfo({ name: 'b' }));
  assert.is.not(a.frameworkId, b.frameworkId);
  assert.is.not(a.streamId, b.streamId);
  // A SUBSCRIBE must not carry a Mesos-Stream-Id (400).
  let refused: unknown;
  try {
    await subscribe(t, master, frameworkInfo(), { frameworkId: a.frameworkId, headers: { 'Mesos-Stream-Id': a.streamId } });
  } catch (err) {
    refused = err;
  }
  assert.is((refused as { status?: number } | undefined)?.status, 400, String(refused));
  assert.not.ok(a.isClosed, 'the refused SUBSCRIBE did not touch the subscription');
}));

test('failover: a new SUBSCRIBE with the same id sends ERROR "Framework failed over" on the old stream and closes it', withCleanup(async (t) => {
  const { master, agent } = await cluster(t);
  const info = frameworkInfo({ failover_timeout: 3600 });
  const old = await subscribe(t, master, info);
  await runTask(old, agent, 't1');

  const fresh = await subscribe(t, master, info, { frameworkId: old.frameworkId });
  assert.is(fresh.frameworkId, old.frameworkId, 'the same framework');
  assert.is.not(fresh.streamId, old.streamId, 'a new stream id');

  const error = await old.next('ERROR');
  assert.is(error.error?.message, 'Framework failed over');
  await old.waitClosed();

  // The old stream id is stale now; the new one works.
  const stale = await fresh.call({ type: 'REVIVE' }, { streamId: old.streamId });
  assert.is(stale.status, 400, stale.body);
  await fresh.revive();

  // The framework's task survived the failover.
  await fresh.reconcile([{ taskId: 't1', agentId: agent.agentId }]);
  const status = await fresh.nextUpdate('t1');
  assert.is(status.state, 'TASK_RUNNING');
  assert.is(status.reason, 'REASON_RECONCILIATION');
  assert.not.ok(agent.events.history.some((e) => e.type === 'SHUTDOWN_FRAMEWORK'), 'no SHUTDOWN_FRAMEWORK on failover');
  // Offers the old stream held are not lost: the agent is offered on the new stream.
  await fresh.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
}));

test('a framework that disconnects is refused calls (403) until it resubscribes, and keeps its tasks', withCleanup(async (t) => {
  const { master, agent } = await cluster(t);
  const info = frameworkInfo({ failover_timeout: 3600 });
  const fw = await subscribe(t, master, info);
  await runTask(fw, agent, 't1');

  fw.close();
  await fw.waitClosed();
  // The master notices the closed stream asynchronously: poll until it refuses with 403.
  const refused = await eventually(async () => {
    const result = await fw.call({ type: 'REVIVE' });
    return result.status === 403 ? result : undefined;
  }, 'a 403 for a call from a disconnected framework');
  assert.match(refused.body, /not subscribed/i);

  const again = await subscribe(t, master, info, { frameworkId: fw.frameworkId });
  assert.is(again.frameworkId, fw.frameworkId);
  await again.revive();
  await again.reconcile();
  const status = await again.nextUpdate('t1');
  assert.is(status.state, 'TASK_RUNNING');
  assert.not.ok(agent.events.history.some((e) => e.type === 'SHUTDOWN_FRAMEWORK'));
  await again.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
}));

test('TEARDOWN: 202, the agent gets SHUTDOWN_FRAMEWORK, the stream closes, the framework is gone', withCleanup(async (t) => {
  const { master, agent } = await cluster(t);
  const info = frameworkInfo({ failover_timeout: 3600 });
  const fw = await subscribe(t, master, info);
  await runTask(fw, agent, 't1');

  const result = await fw.teardown();
  assert.is(result.status, 202);
  const shutdown = await agent.next('SHUTDOWN_FRAMEWORK');
  assert.is(shutdown.shutdown_framework?.framework_id.value, fw.frameworkId);
  await fw.waitClosed();

  const after = await fw.call({ type: 'REVIVE' });
  assert.is(after.status, 400, after.body);
  assert.match(after.body, /Framework cannot be found/);

  // Subscribing again as the removed framework is refused with an ERROR event.
  const ghost = await subscribe(t, master, info, { frameworkId: fw.frameworkId, noWait: true });
  const error = await ghost.next();
  assert.is(error.type, 'ERROR', `got ${error.type}`);
  assert.match(error.error?.message ?? '', /removed/i);
  await ghost.waitClosed();

  // The task's resources are free again: a new framework is offered the whole agent.
  const other = await subscribe(t, master, frameworkInfo({ name: 'other' }));
  const [offer] = await other.nextOffers();
  assert.is(offer!.agent_id.value, agent.agentId);
  assert.is(scalarOf(offer!.resources, 'cpus'), 4);
}));

test('failover_timeout expiry: a disconnected framework is removed, its agent gets SHUTDOWN_FRAMEWORK, its calls get 400', withCleanup(async (t) => {
  const { master, agent } = await cluster(t);
  const fw = await subscribe(t, master, frameworkInfo({ failover_timeout: 1 }));
  await runTask(fw, agent, 't1');

  fw.close();
  const shutdown = await agent.next('SHUTDOWN_FRAMEWORK');
  assert.is(shutdown.shutdown_framework?.framework_id.value, fw.frameworkId);

  const after = await fw.call({ type: 'REVIVE' });
  assert.is(after.status, 400, `a removed framework cannot be found (Mesos: 400): ${after.body}`);
  assert.match(after.body, /Framework cannot be found/);
}));

test.run();

// Losing agents (docs/agent-link.md "Life of an agent", mesos-api.md section 1.7): an agent that
// stops answering PINGs becomes unreachable after --max_agent_ping_timeouts misses; its tasks
// become TASK_UNREACHABLE (PARTITION_AWARE frameworks) or TASK_LOST, every framework gets FAILURE,
// and reconciliation reports the agent unreachable. The agent may come back. An agent whose link
// drops is deactivated: its offers are rescinded, and it is offered again once it reregisters.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { FAST_FLAGS, startMaster, withCleanup, type Cleanup } from '../../helpers/master-process.ts';
import { frameworkInfo, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

/** Two missed 500 ms pings make an agent unreachable. */
const LOSS_FLAGS = { ...FAST_FLAGS, agent_ping_timeout: '500ms', max_agent_ping_timeouts: 2 };

async function nextOffer(fw: SchedulerClient, agent: TestAgent): Promise<v1.Offer> {
  const offers = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  return offers.find((o) => o.agent_id.value === agent.agentId)!;
}

/** Launches `taskId` to TASK_RUNNING; what the offer had left is refused for `refuseSeconds` (Mesos's default 5). */
async function running(fw: SchedulerClient, agent: TestAgent, taskId: string, refuseSeconds?: number): Promise<void> {
  const offer = await nextOffer(fw, agent);
  await fw.launch(offer, [taskFor(offer, taskId)], refuseSeconds === undefined ? undefined : { refuse_seconds: refuseSeconds });
  await agent.nextRunTask(taskId);
  const sent = agent.sendStatus(fw.frameworkId, taskId, 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING'));
  await agent.waitForAck(sent);
}

/** A partition-aware and a plain framework, each with a running task on one agent. */
async function twoFrameworks(t: Cleanup) {
  const master = await startMaster(t, { flags: LOSS_FLAGS });
  const agent = await TestAgent.start(t, master);
  assert.ok((agent.registered?.ping_interval_seconds ?? 0) > 0, 'REGISTERED states the ping interval');
  const aware = await subscribe(t, master, frameworkInfo({ name: 'aware', checkpoint: true, capabilities: ['PARTITION_AWARE'] }));
  const plain = await subscribe(t, master, frameworkInfo({ name: 'plain', checkpoint: true }));
  await running(aware, agent, 'a1');
  await running(plain, agent, 'p1');
  return { master, agent, aware, plain };
}

test('an agent that stops answering pings: TASK_UNREACHABLE / TASK_LOST with REASON_AGENT_REMOVED, FAILURE with its agent_id', withCleanup(async (t) => {
  const { master, agent, aware, plain } = await twoFrameworks(t);
  // A framework with no task on the agent is told too.
  const bystander = await subscribe(t, master, frameworkInfo({ name: 'bystander' }));
  const pingsBefore = agent.pings;
  agent.answerPings = false;

  const unreachable = await aware.nextUpdate('a1');
  assert.is(unreachable.state, 'TASK_UNREACHABLE');
  assert.is(unreachable.reason, 'REASON_AGENT_REMOVED');
  assert.is(unreachable.source, 'SOURCE_MASTER');
  assert.is(unreachable.uuid, undefined);
  assert.ok(unreachable.unreachable_time?.nanoseconds, 'unreachable_time is set');
  const lost = await plain.nextUpdate('p1');
  assert.is(lost.state, 'TASK_LOST');
  assert.is(lost.reason, 'REASON_AGENT_REMOVED');
  assert.is(lost.uuid, undefined);

  for (const fw of [aware, plain, bystander]) {
    const failure = await fw.next('FAILURE');
    assert.is(failure.failure?.agent_id?.value, agent.agentId);
    assert.is(failure.failure?.executor_id, undefined, 'an agent failure names no executor');
  }
  assert.ok(agent.pings > pingsBefore, 'the master kept pinging');
  // The master closes the link of an agent it marked unreachable.
  await agent.waitDisconnected();

  // Reconciliation now reports the agent unreachable, for known and unknown tasks.
  await aware.reconcile([{ taskId: 'a1', agentId: agent.agentId }, { taskId: 'never', agentId: agent.agentId }]);
  assert.is((await aware.nextUpdate('a1')).state, 'TASK_UNREACHABLE');
  const never = await aware.nextUpdate('never');
  assert.is(never.state, 'TASK_UNREACHABLE');
  assert.is(never.reason, 'REASON_RECONCILIATION');
  await plain.reconcile([{ taskId: 'never', agentId: agent.agentId }]);
  assert.is((await plain.nextUpdate('never')).state, 'TASK_LOST');
}));

test('an unreachable agent that reregisters is readmitted: the partition-aware task runs on, the other is killed', withCleanup(async (t) => {
  const { agent, aware, plain } = await twoFrameworks(t);
  const agentId = agent.agentId;
  agent.answerPings = false;
  await aware.nextUpdate('a1', 'TASK_UNREACHABLE');
  await plain.nextUpdate('p1', 'TASK_LOST');
  await agent.waitDisconnected();

  agent.answerPings = true;
  const registered = await agent.reconnect();
  assert.is(registered.agent_id.value, agentId, 'readmitted under the same id');

  // Mesos kills the tasks of frameworks that were told they are lost.
  await agent.waitFor(
    (e) =>
      (e.type === 'KILL_TASK' && e.kill_task?.task_id.value === 'p1') ||
      (e.type === 'SHUTDOWN_FRAMEWORK' && e.shutdown_framework?.framework_id.value === plain.frameworkId),
    undefined,
    'KILL_TASK for p1 or SHUTDOWN_FRAMEWORK for the plain framework',
  );
  assert.not.ok(
    agent.events.history.some((e) => e.type === 'KILL_TASK' && e.kill_task?.task_id.value === 'a1'),
    'the partition-aware task is not killed',
  );
  await aware.reconcile([{ taskId: 'a1', agentId }]);
  assert.is((await aware.nextUpdate('a1', 'TASK_RUNNING')).reason, 'REASON_RECONCILIATION');
  // And the agent is offered again.
  await nextOffer(aware, agent);
}));

test('a dropped link rescinds the agent\'s offers and loses tasks of non-checkpointing frameworks; reregistering brings offers back', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  // The ephemeral framework refuses the rest of the agent for an hour, so that the durable one is
  // offered it and holds an offer when the link drops.
  const ephemeral = await subscribe(t, master, frameworkInfo({ name: 'ephemeral', checkpoint: false }));
  await running(ephemeral, agent, 'e1', 3600);
  const durable = await subscribe(t, master, frameworkInfo({ name: 'durable', checkpoint: true }));
  await running(durable, agent, 'd1', 0);
  const offer = await nextOffer(durable, agent);

  agent.disconnect();
  const rescind = await durable.next('RESCIND');
  assert.is(rescind.rescind?.offer_id.value, offer.id.value);
  const lost = await ephemeral.nextUpdate('e1');
  assert.is(lost.state, 'TASK_LOST');
  assert.is(lost.reason, 'REASON_AGENT_DISCONNECTED');
  await durable.events.expectNone((e) => e.type === 'UPDATE', 500, 'an update for a checkpointing framework\'s task');

  // The ephemeral framework leaves, so that only the durable one competes for the agent again.
  await ephemeral.teardown();
  agent.tasks.delete('e1');
  await agent.reconnect();
  assert.ok(agent.connected);
  await nextOffer(durable, agent);
  await durable.reconcile([{ taskId: 'd1', agentId: agent.agentId }]);
  assert.is((await durable.nextUpdate('d1')).state, 'TASK_RUNNING');
}));

test('an agent that reregisters with tasks of a framework torn down meanwhile is told to shut it down', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ checkpoint: true }));
  await running(fw, agent, 't1');
  agent.disconnect();
  await agent.waitDisconnected();
  await fw.teardown();
  await fw.waitClosed();
  assert.ok(agent.tasks.has('t1'), 'the agent still runs the task');
  await agent.reconnect();
  await agent.waitFor(
    (e) =>
      (e.type === 'SHUTDOWN_FRAMEWORK' && e.shutdown_framework?.framework_id.value === fw.frameworkId) ||
      (e.type === 'KILL_TASK' && e.kill_task?.task_id.value === 't1'),
    undefined,
    'SHUTDOWN_FRAMEWORK (or KILL_TASK) for the removed framework',
  );
}));

test('a second link for the same agent id replaces the first, which the master closes', withCleanup(async (t) => {
  const master = await startMaster(t);
  const first = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ checkpoint: true }));
  await running(fw, first, 't1');
  const task = first.tasks.get('t1')!;
  const second = await TestAgent.start(t, master, {
    agentId: first.agentId,
    frameworks: [...first.frameworks.values()],
    tasks: [{
      name: task.info.name, task_id: task.info.task_id, framework_id: { value: fw.frameworkId },
      agent_id: { value: first.agentId }, state: 'TASK_RUNNING', resources: task.info.resources ?? [],
    }],
  });
  assert.is(second.agentId, first.agentId);
  await first.waitDisconnected();
  assert.ok(second.connected);
  // The new link carries the agent: kills go there, and its updates reach the framework.
  await fw.kill('t1', second.agentId);
  await second.next('KILL_TASK');
  second.sendStatus(fw.frameworkId, 't1', 'TASK_KILLED');
  assert.is((await fw.nextUpdate('t1', 'TASK_KILLED')).agent_id?.value, second.agentId);
}));

test('UNREGISTER removes the agent: its tasks become TASK_GONE / TASK_LOST', withCleanup(async (t) => {
  const { agent, aware, plain } = await twoFrameworks(t);
  agent.send({ type: 'UNREGISTER' });
  const gone = await aware.nextUpdate('a1');
  const lost = await plain.nextUpdate('p1');
  assert.equal(
    [gone.state, lost.state],
    ['TASK_GONE', 'TASK_LOST'],
    `an agent that unregistered is gone, not unreachable: got ${gone.state} (${gone.reason}) and ${lost.state} (${lost.reason})`,
  );
  await agent.waitDisconnected();
}));

test.run();

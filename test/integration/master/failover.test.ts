// Master failover on one work dir (docs/agent-link.md "Master failover", mesos-api.md section 8):
// the master is killed with SIGKILL mid-run and started again on the same --work_dir and port.
// The agent reconnects and reregisters with its id and its tasks, the framework resubscribes with
// its id, and reconciliation answers as before the crash; an update that was never acknowledged
// is retried and acknowledged now, and one that was acknowledged (a finished task) stays done.
// Also: SIGTERM is a graceful exit 0, agents that do not come back are marked unreachable, and an
// in-memory registry admits a reregistering agent it no longer knows.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { FAST_FLAGS, startMaster, withCleanup } from '../../helpers/master-process.ts';
import { eventually, frameworkInfo, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';
import { TestAgent, type SentUpdate } from '../../helpers/test-agent.ts';

const INFO = frameworkInfo({ name: 'survivor', failover_timeout: 3600, checkpoint: true, capabilities: ['PARTITION_AWARE'] });

async function launch(fw: SchedulerClient, agent: TestAgent, taskIds: string[]): Promise<void> {
  const offers = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  const offer = offers.find((o) => o.agent_id.value === agent.agentId)!;
  await fw.launch(offer, taskIds.map((id) => taskFor(offer, id)), { refuse_seconds: 0 });
  for (const id of taskIds) await agent.nextRunTask(id);
}

/** Sends `state` for `taskId` and has the framework acknowledge it, up to the agent. */
async function report(fw: SchedulerClient, agent: TestAgent, taskId: string, state: v1.TaskState): Promise<SentUpdate> {
  const sent = agent.sendStatus(fw.frameworkId, taskId, state);
  await fw.acknowledge(await fw.nextUpdate(taskId, state));
  await agent.waitForAck(sent);
  return sent;
}

test('kill -9 and a restart on the same work_dir: agent and framework come back, tasks reconcile, nothing acknowledged is lost', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, registry: 'leveldb' } });
  const agent = await TestAgent.start(t, master);
  const agentId = agent.agentId;
  const fw = await subscribe(t, master, INFO);
  const frameworkId = fw.frameworkId;

  await launch(fw, agent, ['steady', 'done', 'unacked']);
  await report(fw, agent, 'steady', 'TASK_RUNNING');
  await report(fw, agent, 'done', 'TASK_RUNNING');
  await report(fw, agent, 'done', 'TASK_FINISHED');
  assert.not.ok(agent.tasks.has('done'), 'the agent forgot the acknowledged finished task');
  // Delivered to the framework but not acknowledged when the master dies.
  const pending = agent.sendStatus(frameworkId, 'unacked', 'TASK_RUNNING');
  await fw.nextUpdate('unacked', 'TASK_RUNNING');

  master.kill('SIGKILL');
  const exit = await master.exited;
  assert.is(exit.signal, 'SIGKILL');
  await fw.waitClosed();
  await agent.waitDisconnected();

  const restarted = await master.restart();
  assert.is(restarted.port, master.port);
  assert.is(restarted.workDir, master.workDir);

  const registered = await agent.reconnect({ master: restarted });
  assert.is(registered.agent_id.value, agentId, 'reregistered under the same id');
  const again = await subscribe(t, restarted, INFO, { frameworkId });
  assert.is(again.frameworkId, frameworkId, 'resubscribed under the same id');

  // Explicit reconciliation, as before the crash.
  await again.reconcile([
    { taskId: 'steady', agentId },
    { taskId: 'unacked', agentId },
    { taskId: 'done', agentId },
  ]);
  const steady = await again.nextUpdate('steady');
  assert.is(steady.state, 'TASK_RUNNING');
  assert.is(steady.reason, 'REASON_RECONCILIATION');
  assert.is((await again.nextUpdate('unacked')).state, 'TASK_RUNNING');
  // The finished task was acknowledged and is gone for good, on a registered agent.
  assert.is((await again.nextUpdate('done')).state, 'TASK_GONE');

  // Implicit reconciliation knows exactly the two live tasks.
  again.events.discard((e) => e.type === 'UPDATE');
  await again.reconcile();
  const implicit = [await again.next('UPDATE'), await again.next('UPDATE')].map((e) => e.update!.status);
  assert.equal(implicit.map((s) => `${s.task_id.value}:${s.state}`).sort(), ['steady:TASK_RUNNING', 'unacked:TASK_RUNNING']);
  await again.events.expectNone((e) => e.type === 'UPDATE', 500, 'an implicit reconciliation update for a task that ended');

  // The agent retries its unacknowledged update; this time it is acknowledged.
  assert.equal(agent.unacknowledged().map((u) => u.taskId), ['unacked']);
  agent.resendUnacknowledged();
  const retried = await again.waitFor(
    (e) => e.type === 'UPDATE' && e.update?.status.task_id.value === 'unacked' && e.update.status.uuid === pending.status.uuid,
    undefined,
    'the retried update for unacked',
  );
  await again.acknowledge(retried.update!.status);
  await agent.waitForAck(pending);

  // The cluster works as before: the task can be killed, and the agent is offered.
  await again.kill('steady', agentId);
  const kill = await agent.next('KILL_TASK');
  assert.is(kill.kill_task?.task_id.value, 'steady');
  await again.nextOffers(undefined, (o) => o.agent_id.value === agentId);
}));

test('after a restart, an agent that does not reregister within --agent_reregister_timeout is unreachable', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, agent_reregister_timeout: '1secs' } });
  const back = await TestAgent.start(t, master, { hostname: 'back.test' });
  const away = await TestAgent.start(t, master, { hostname: 'away.test' });
  const fw = await subscribe(t, master, INFO);
  await launch(fw, away, ['stranded']);
  await report(fw, away, 'stranded', 'TASK_RUNNING');

  master.kill('SIGKILL');
  await master.exited;
  const restarted = await master.restart();
  await back.reconnect({ master: restarted });
  away.close();
  const again = await subscribe(t, restarted, INFO, { frameworkId: fw.frameworkId });

  // Until the timeout the agent is recovering and reconciliation stays silent (as in Mesos);
  // then it is unreachable. Ask until there is an answer.
  const status = await eventually(async () => {
    await again.reconcile([{ taskId: 'stranded', agentId: away.agentId }]);
    return again.nextUpdate('stranded', undefined, 1_000).catch(() => undefined);
  }, 'an answer to reconciling a task on an agent that did not come back');
  assert.is(status.state, 'TASK_UNREACHABLE');
  assert.is(status.reason, 'REASON_RECONCILIATION');
  // The agent that came back is offered.
  await again.nextOffers(undefined, (o) => o.agent_id.value === back.agentId);
}));

test('with --registry=in_memory a restarted master admits a reregistering agent it no longer knows', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, registry: 'in_memory' } });
  const agent = await TestAgent.start(t, master);
  const agentId = agent.agentId;
  master.kill('SIGKILL');
  await master.exited;
  const restarted = await master.restart();
  const registered = await agent.reconnect({ master: restarted });
  assert.is(registered.agent_id.value, agentId);
  const fw = await subscribe(t, restarted, frameworkInfo());
  await fw.nextOffers(undefined, (o) => o.agent_id.value === agentId);
}));

test('SIGTERM: the master closes streams and links and exits 0', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo());
  await fw.nextOffers();
  const exit = await master.stop();
  assert.equal(exit, { code: 0, signal: null }, master.describeOutput());
  await fw.waitClosed();
  await agent.waitDisconnected();
}));

test.run();

// Master behaviours fixed in the review of the operator API (commit 84e9f9a, documented in
// docs/master.md and docs/operator-api.md), each proved where an operator sees it:
//   - the deprecated `--weights` flag only seeds the registry at the cluster's first start: a
//     weight an operator set back to 1 stays 1 across restarts with the same flag, and a weight
//     the flag seeded stays when nothing changed it;
//   - a drain completes (DRAINED) when the framework of the agent's last task is torn down, even
//     though the agent never answered the KILL_TASK;
//   - a reservation made while the agent's link was down survives the agent's reregistration
//     with its old, unreserved total: the master keeps it and sends the agent CHECKPOINT_RESOURCES.
//
// Waits have generous timeouts that only turn a missing event into a failure.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { FAST_FLAGS, startMaster, withCleanup } from '../../helpers/master-process.ts';
import { OperatorClient, amount, isReserved, reserved } from '../../helpers/operator-client.ts';
import {
  eventually, frameworkInfo, resourcesOf, subscribe, taskFor, type SchedulerClient,
} from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

/** The weight GET_WEIGHTS lists for `role`, or undefined when it is not listed. */
async function weightOf(op: OperatorClient, role: string): Promise<number | undefined> {
  return (await op.getWeights()).find((w) => w.role === role)?.weight;
}

/** Launches `taskId` on the test agent from the framework's first offer there, and reports it RUNNING, acknowledged. */
async function runOnTestAgent(fw: SchedulerClient, agent: TestAgent, taskId: string): Promise<void> {
  const offers = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  const offer = offers.find((o) => o.agent_id.value === agent.agentId)!;
  await fw.launch(offer, [taskFor(offer, taskId, 'cpus:0.5;mem:64')]);
  const others = offers.filter((o) => o !== offer);
  if (others.length > 0) await fw.decline(others, 0);
  await agent.nextRunTask(taskId);
  const sent = agent.sendStatus(fw.frameworkId, taskId, 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING'));
  await agent.waitForAck(sent);
}

// ---------------------------------------------------------------------------------------------
// The deprecated --weights flag

test('--weights seeds the registry only at the first start: UPDATE_WEIGHTS back to 1 survives restarts with the same flag', withCleanup(async (t) => {
  const flags = { ...FAST_FLAGS, weights: 'web=3' };
  const master = await startMaster(t, { flags });
  const op = new OperatorClient(master);
  assert.equal(await op.getWeights(), [{ role: 'web', weight: 3 }], 'the flag seeds a new cluster');

  await op.updateWeights({ web: 1 });
  const updated = await weightOf(op, 'web');
  assert.ok(updated === undefined || updated === 1, `after UPDATE_WEIGHTS web=1, GET_WEIGHTS lists web at ${updated}`);

  // A graceful restart with the same work dir and the same --weights flag: the registry wins.
  const restarted = await master.restart();
  const op2 = new OperatorClient(restarted);
  const afterRestart = await weightOf(op2, 'web');
  assert.ok(afterRestart === undefined || afterRestart === 1, `after a restart with --weights=web=3, GET_WEIGHTS lists web at ${afterRestart}: ${JSON.stringify(await op2.getWeights())}`);
  assert.equal((await op2.getWeights()).filter((w) => w.weight !== 1), [], 'no weight other than the default');

  // And again after a crash.
  restarted.kill('SIGKILL');
  await restarted.exited;
  const again = await restarted.restart();
  const op3 = new OperatorClient(again);
  const afterCrash = await weightOf(op3, 'web');
  assert.ok(afterCrash === undefined || afterCrash === 1, `after a crash and restart with --weights=web=3, GET_WEIGHTS lists web at ${afterCrash}`);
}));

test('--weights: a weight the flag seeded is kept across a restart when nothing changed it', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, weights: 'web=3' } });
  const op = new OperatorClient(master);
  assert.equal(await op.getWeights(), [{ role: 'web', weight: 3 }]);

  const restarted = await master.restart();
  const op2 = new OperatorClient(restarted);
  assert.equal(await op2.getWeights(), [{ role: 'web', weight: 3 }], 'the seeded weight is in the registry');
}));

// ---------------------------------------------------------------------------------------------
// DRAIN_AGENT and TEARDOWN

test('DRAIN_AGENT: an agent whose last task\'s framework is torn down is DRAINED, though it never answered the KILL_TASK', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ name: 'drained' }));
  await runOnTestAgent(fw, agent, 't1');

  await op.drainAgent(agent.agentId);
  const kill = (await agent.next('KILL_TASK')).kill_task!;
  assert.is(kill.task_id.value, 't1');
  assert.is(kill.framework_id.value, fw.frameworkId);
  assert.is(kill.reason, 'REASON_AGENT_DRAINING', JSON.stringify(kill));
  // The agent does not answer: the task stays RUNNING on the master's books, so the drain waits.
  const draining = (await op.getAgent(agent.agentId))!;
  assert.is(draining.drain_info?.state, 'DRAINING');
  assert.is(draining.deactivated, true);

  await op.teardown(fw.frameworkId);
  const shutdown = await agent.next('SHUTDOWN_FRAMEWORK');
  assert.is(shutdown.shutdown_framework?.framework_id.value, fw.frameworkId);
  const drained = await eventually(async () => {
    const view = await op.getAgent(agent.agentId);
    return view?.drain_info?.state === 'DRAINED' ? view : undefined;
  }, 'the agent DRAINED after its last task\'s framework was torn down');
  assert.is(drained.deactivated, true, 'a drained agent stays deactivated');
  // Without mark_gone the agent stays registered, and no task is left on the books.
  assert.equal((await op.getAgents()).agents?.map((a) => a.agent_info.id?.value), [agent.agentId]);
  assert.equal((await op.getTasks()).tasks ?? [], []);
  assert.is(agent.shutdownMessage, undefined, 'the agent is not shut down');
}));

// ---------------------------------------------------------------------------------------------
// RESERVE_RESOURCES while the agent's link is down

test('RESERVE_RESOURCES while the agent\'s link is down: the reservation survives its reregistration with a stale total and is checkpointed on the agent', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master); // cpus:4;mem:4096;disk:10000;ports:[31000-32000]
  const agentId = agent.agentId;

  agent.disconnect();
  await agent.waitDisconnected();
  await eventually(async () => ((await op.getAgent(agentId))?.active === false ? true : undefined), 'the master to see the agent disconnected');

  const eng = reserved(resourcesOf('cpus:1;mem:512'), 'eng');
  await op.reserve(agentId, eng); // 202, or this fails with the master's answer
  const before = (await op.getAgent(agentId))!;
  assert.is(amount(before.total_resources, 'cpus', 'eng'), 1, 'the master books the reservation while the link is down');

  // The agent comes back with its old total, which has no reservation.
  assert.is(agent.resources.some(isReserved), false);
  const historyBefore = agent.events.history.length;
  await agent.reconnect();
  const event = await agent.waitFor((e) => e.type === 'CHECKPOINT_RESOURCES', undefined, 'CHECKPOINT_RESOURCES after the reregistration');
  assert.ok(agent.events.history.indexOf(event) >= historyBefore, 'the CHECKPOINT_RESOURCES came after the reregistration');
  const checkpointed = event.checkpoint_resources?.resources;
  assert.is(amount(checkpointed, 'cpus', 'eng'), 1, JSON.stringify(checkpointed));
  assert.is(amount(checkpointed, 'mem', 'eng'), 512, JSON.stringify(checkpointed));
  assert.is(amount(checkpointed, 'cpus'), 3);
  assert.is(amount(checkpointed, 'mem'), 3584);

  const after = (await op.getAgent(agentId))!;
  assert.is(after.active, true);
  assert.is(amount(after.total_resources, 'cpus', 'eng'), 1, `total after the reregistration: ${JSON.stringify(after.total_resources)}`);
  assert.is(amount(after.total_resources, 'mem', 'eng'), 512);
  assert.is(amount(after.total_resources, 'cpus'), 3);
  assert.is(amount(after.total_resources, 'mem'), 3584);
  assert.is(amount(after.total_resources, 'disk'), 10000, 'the rest of the total is the agent\'s');
}));

test.run();

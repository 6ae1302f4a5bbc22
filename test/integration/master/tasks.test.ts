// Tasks through a real master (mesos-api.md sections 1.7 and 9, docs/agent-link.md): LAUNCH to
// RUN_TASK, the agent's status updates to UPDATE events, ACKNOWLEDGE relayed to the agent with the
// same uuid, KILL, messages both ways, implicit and explicit reconciliation, and launches the
// master must refuse (invalid resources, duplicate task ids, unknown offers).

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { startMaster, withCleanup, type Cleanup } from '../../helpers/master-process.ts';
import {
  frameworkInfo,
  resourcesOf,
  scalarOf,
  someUuid,
  subscribe,
  taskFor,
  type SchedulerClient,
} from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

async function setup(t: Cleanup, info: v1.FrameworkInfo = frameworkInfo()) {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, info);
  const offer = await nextOffer(fw, agent);
  return { master, agent, fw, offer };
}

async function nextOffer(fw: SchedulerClient, agent: TestAgent): Promise<v1.Offer> {
  const offers = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  return offers.find((o) => o.agent_id.value === agent.agentId)!;
}

/** Launches `taskId` and brings it to TASK_RUNNING, acknowledged. */
async function running(fw: SchedulerClient, agent: TestAgent, offer: v1.Offer, taskId: string): Promise<void> {
  await fw.launch(offer, [taskFor(offer, taskId)]);
  await agent.nextRunTask(taskId);
  const sent = agent.sendStatus(fw.frameworkId, taskId, 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING'));
  await agent.waitForAck(sent);
}

/** Checks the marks of an update the master made up itself: SOURCE_MASTER, the reason, no uuid. */
function assertFromMaster(status: v1.TaskStatus, state: v1.TaskState, reason: v1.TaskStatus.Reason): void {
  const label = JSON.stringify(status);
  assert.is(status.state, state, label);
  assert.is(status.reason, reason, label);
  assert.is(status.source, 'SOURCE_MASTER', label);
  assert.is(status.uuid, undefined, `a master-generated update has no uuid: ${label}`);
}

test('LAUNCH: RUN_TASK at the agent, its updates as UPDATE events, ACKNOWLEDGE relayed with the same uuid', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t, frameworkInfo({ roles: ['web'], capabilities: ['MULTI_ROLE'] }));
  const accepted = await fw.launch(offer, [taskFor(offer, 't1', 'cpus:0.5;mem:128')]);
  assert.is(accepted.status, 202);
  assert.is(accepted.body, '');

  const run = await agent.nextRunTask('t1');
  assert.is(run.framework_info.id?.value, fw.frameworkId, 'RUN_TASK carries the framework info with its id');
  assert.is(run.framework_info.name, 'integration test framework');
  assert.is(run.task.agent_id.value, agent.agentId);
  assert.is(run.task.command?.value, 'sleep 1000');
  assert.is(scalarOf(run.task.resources, 'cpus'), 0.5);
  for (const resource of run.task.resources ?? []) assert.equal(resource.allocation_info, { role: 'web' });

  const starting = agent.sendStatus(fw.frameworkId, 't1', 'TASK_STARTING');
  const running = agent.sendStatus(fw.frameworkId, 't1', 'TASK_RUNNING', { message: 'up' });
  const first = await fw.nextUpdate('t1');
  assert.is(first.state, 'TASK_STARTING');
  assert.is(first.uuid, starting.status.uuid);
  const second = await fw.nextUpdate('t1');
  assert.is(second.state, 'TASK_RUNNING');
  assert.is(second.uuid, running.status.uuid);
  assert.is(second.agent_id?.value, agent.agentId);
  assert.is(second.source, 'SOURCE_EXECUTOR');
  assert.is(second.message, 'up');

  await fw.acknowledge(second);
  const ack = await agent.next('ACKNOWLEDGE');
  assert.is(ack.acknowledge?.framework_id.value, fw.frameworkId);
  assert.is(ack.acknowledge?.task_id.value, 't1');
  assert.is(ack.acknowledge?.uuid, running.status.uuid, 'the same uuid');
  assert.ok(running.acknowledged);
  await fw.acknowledge(first);
  await agent.waitForAck(starting);

  // An update without uuid needs no acknowledgement and arrives without one.
  agent.sendStatus(fw.frameworkId, 't1', 'TASK_RUNNING', { uuid: false, message: 'health' });
  const unreliable = await fw.nextUpdate('t1');
  assert.is(unreliable.uuid, undefined);
  assert.is(unreliable.message, 'health');

  // While t1 runs, the rest of the agent is offered; once it finished, all of it again.
  const finished = agent.sendStatus(fw.frameworkId, 't1', 'TASK_FINISHED');
  await fw.acknowledge(await fw.nextUpdate('t1', 'TASK_FINISHED'));
  await agent.waitForAck(finished);
  const whole = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId && scalarOf(o.resources, 'cpus') === 4);
  assert.ok(whole.length > 0);
}));

test('ACKNOWLEDGE with a uuid that is not a 16-byte UUID gets 400', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  await fw.launch(offer, [taskFor(offer, 't1')]);
  await agent.nextRunTask('t1');
  const bad = await fw.call({
    type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: { value: agent.agentId }, task_id: { value: 't1' }, uuid: Buffer.from('short').toString('base64') },
  });
  assert.is(bad.status, 400, bad.body);
}));

test('KILL: the agent gets KILL_TASK (not when agent_id names another agent); TASK_KILLED reaches the framework', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  await running(fw, agent, offer, 't1');

  // A kill naming another agent is ignored (Mesos drops it silently).
  await fw.kill('t1', `${agent.agentId}-not`);
  await agent.events.expectNone((e) => e.type === 'KILL_TASK', 500, 'KILL_TASK for a kill naming another agent');

  await fw.kill('t1', agent.agentId);
  const kill = await agent.next('KILL_TASK');
  assert.is(kill.kill_task?.framework_id.value, fw.frameworkId);
  assert.is(kill.kill_task?.task_id.value, 't1');

  const killed = agent.sendStatus(fw.frameworkId, 't1', 'TASK_KILLED');
  const status = await fw.nextUpdate('t1', 'TASK_KILLED');
  await fw.acknowledge(status);
  await agent.waitForAck(killed);
}));

test('KILL of an unknown task: TASK_UNKNOWN (PARTITION_AWARE) or TASK_LOST, with REASON_RECONCILIATION', withCleanup(async (t) => {
  const master = await startMaster(t);
  const aware = await subscribe(t, master, frameworkInfo({ capabilities: ['PARTITION_AWARE'] }));
  const plain = await subscribe(t, master, frameworkInfo());
  await aware.kill('ghost');
  assertFromMaster(await aware.nextUpdate('ghost'), 'TASK_UNKNOWN', 'REASON_RECONCILIATION');
  await plain.kill('ghost');
  assertFromMaster(await plain.nextUpdate('ghost'), 'TASK_LOST', 'REASON_RECONCILIATION');
}));

test('explicit reconciliation answers as Mesos does for known and unknown tasks', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const aware = await subscribe(t, master, frameworkInfo({ capabilities: ['PARTITION_AWARE'] }));
  const plain = await subscribe(t, master, frameworkInfo());
  // The two frameworks share the agent: each launches a small task on whatever it is offered.
  for (const fw of [aware, plain]) await running(fw, agent, await nextOffer(fw, agent), `${fw === aware ? 'a' : 'p'}1`);

  const unknownAgent = `${agent.agentId.replace(/-S\d+$/, '')}-S999`;
  const cases: [string, string | undefined, v1.TaskState, v1.TaskState][] = [
    // [task, agent, partition-aware answer, other answer]
    ['unknown-on-registered', agent.agentId, 'TASK_GONE', 'TASK_LOST'],
    ['unknown-on-unknown-agent', unknownAgent, 'TASK_UNKNOWN', 'TASK_LOST'],
    ['unknown-without-agent', undefined, 'TASK_UNKNOWN', 'TASK_LOST'],
  ];
  for (const [fw, own, pick] of [[aware, 'a1', 2], [plain, 'p1', 3]] as const) {
    await fw.reconcile([{ taskId: own, agentId: agent.agentId }, ...cases.map(([taskId, agentId]) => ({ taskId, agentId }))]);
    const known = await fw.nextUpdate(own);
    assert.is(known.state, 'TASK_RUNNING');
    assert.is(known.reason, 'REASON_RECONCILIATION');
    assert.is(known.source, 'SOURCE_MASTER');
    assert.is(known.uuid, undefined);
    assert.is(known.agent_id?.value, agent.agentId);
    for (const c of cases) assertFromMaster(await fw.nextUpdate(c[0]), c[pick], 'REASON_RECONCILIATION');
  }
}));

test('implicit reconciliation: one update per task the master knows for the framework, and no others', withCleanup(async (t) => {
  const { master, agent, fw, offer } = await setup(t);
  await fw.launch(offer, [taskFor(offer, 'running'), taskFor(offer, 'staging')]);
  await agent.nextRunTask('running');
  await agent.nextRunTask('staging');
  const sent = agent.sendStatus(fw.frameworkId, 'running', 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate('running'));
  await agent.waitForAck(sent);

  // Another framework's task must not show up.
  const other = await subscribe(t, master, frameworkInfo({ name: 'other' }));
  await running(other, agent, await nextOffer(other, agent), 'theirs');

  fw.events.discard((e) => e.type === 'UPDATE');
  await fw.reconcile();
  const one = await fw.next('UPDATE');
  const two = await fw.next('UPDATE');
  const byTask = new Map([one, two].map((e) => [e.update!.status.task_id.value, e.update!.status]));
  assert.equal([...byTask.keys()].sort(), ['running', 'staging']);
  assertFromMaster(byTask.get('running')!, 'TASK_RUNNING', 'REASON_RECONCILIATION');
  assertFromMaster(byTask.get('staging')!, 'TASK_STAGING', 'REASON_RECONCILIATION');
  await fw.events.expectNone((e) => e.type === 'UPDATE', 500, 'a third reconciliation update');
}));

test('LAUNCH with invalid resources: TASK_ERROR with REASON_TASK_INVALID, nothing reaches the agent, resources come back', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  const mem = resourcesOf('mem:32');
  const invalid: [string, v1.Resource[]][] = [
    ['negative', [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }, ...mem]],
    ['infinite', [{ name: 'cpus', type: 'SCALAR', scalar: { value: 'Infinity' as unknown as number } }, ...mem]],
    ['more-than-offered', resourcesOf('cpus:100;mem:32')],
    ['not-offered-name', resourcesOf('cpus:0.1;mem:32;gpus:1')],
    ['ports-outside-offer', resourcesOf('cpus:0.1;mem:32;ports:[80-80]')],
    ['no-resources', []],
  ];
  const tasks = invalid.map(([id, resources]) => ({ ...taskFor(offer, id), resources }));
  await fw.launch(offer, [...tasks, taskFor(offer, 'valid')], { refuse_seconds: 0 });
  for (const [id] of invalid) {
    const status = await fw.nextUpdate(id);
    assertFromMaster(status, 'TASK_ERROR', 'REASON_TASK_INVALID');
  }
  await agent.nextRunTask('valid');
  await agent.events.expectNone(
    (e) => e.type === 'RUN_TASK' && e.run_task?.task.task_id.value !== 'valid',
    500,
    'RUN_TASK for an invalid task',
  );
  // What the valid task did not use is offered again.
  const [again] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  assert.is(scalarOf(again!.resources, 'cpus'), 3.9);
}));

test('LAUNCH with a NaN scalar is refused: a 400 for the call, or TASK_ERROR with REASON_TASK_INVALID', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  const task = { ...taskFor(offer, 'nan'), resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 'NaN' } }, ...resourcesOf('mem:32')] };
  const result = await fw.call({
    type: 'ACCEPT',
    accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] },
  });
  if (result.status === 202) {
    assertFromMaster(await fw.nextUpdate('nan'), 'TASK_ERROR', 'REASON_TASK_INVALID');
  } else {
    // Mesos parses "NaN" as a double and fails the task; our codec refuses the string outright.
    assert.is(result.status, 400, result.body);
    assert.match(result.body, /Failed to convert JSON into Call protobuf/);
  }
  await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'RUN_TASK for a NaN task');
}));

test('duplicate task ids: TASK_ERROR for the second in one LAUNCH and for reusing a running task id', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  await fw.launch(offer, [taskFor(offer, 'dup'), taskFor(offer, 'dup')], { refuse_seconds: 0 });
  await agent.nextRunTask('dup');
  assertFromMaster(await fw.nextUpdate('dup', 'TASK_ERROR'), 'TASK_ERROR', 'REASON_TASK_INVALID');
  await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'a second RUN_TASK for a duplicate id');

  const sent = agent.sendStatus(fw.frameworkId, 'dup', 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate('dup', 'TASK_RUNNING'));
  await agent.waitForAck(sent);
  const next = await nextOffer(fw, agent);
  await fw.launch(next, [taskFor(next, 'dup')]);
  assertFromMaster(await fw.nextUpdate('dup', 'TASK_ERROR'), 'TASK_ERROR', 'REASON_TASK_INVALID');

  // The running task is untouched.
  await fw.reconcile([{ taskId: 'dup', agentId: agent.agentId }]);
  assert.is((await fw.nextUpdate('dup')).state, 'TASK_RUNNING');
}));

test('ACCEPT of an unknown or already used offer: TASK_LOST with REASON_INVALID_OFFERS', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  await fw.launch(offer, [taskFor(offer, 'first')]);
  await agent.nextRunTask('first');
  await fw.launch(offer, [taskFor(offer, 'reused')]);
  assertFromMaster(await fw.nextUpdate('reused'), 'TASK_LOST', 'REASON_INVALID_OFFERS');
  await fw.launch(`${offer.id.value}-bogus`, [taskFor(offer, 'bogus')]);
  assertFromMaster(await fw.nextUpdate('bogus'), 'TASK_LOST', 'REASON_INVALID_OFFERS');
  await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'RUN_TASK for an invalid offer');
}));

test('ACCEPT of offers on two agents: every task TASK_LOST with REASON_INVALID_OFFERS', withCleanup(async (t) => {
  const master = await startMaster(t);
  const a = await TestAgent.start(t, master, { hostname: 'a.test' });
  const b = await TestAgent.start(t, master, { hostname: 'b.test' });
  const fw = await subscribe(t, master, frameworkInfo());
  const offers: v1.Offer[] = [];
  while (new Set(offers.map((o) => o.agent_id.value)).size < 2) offers.push(...(await fw.nextOffers()));
  const onA = offers.find((o) => o.agent_id.value === a.agentId)!;
  const onB = offers.find((o) => o.agent_id.value === b.agentId)!;
  await fw.launch([onA, onB], [taskFor(onA, 'spanning')]);
  assertFromMaster(await fw.nextUpdate('spanning'), 'TASK_LOST', 'REASON_INVALID_OFFERS');
  for (const agent of [a, b]) await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'RUN_TASK for offers on two agents');
}));

test('LAUNCH of malformed tasks (bad ids, wrong agent, command and executor): TASK_ERROR with REASON_TASK_INVALID', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  const executor: v1.ExecutorInfo = { executor_id: { value: 'e' }, command: { value: 'x' }, resources: resourcesOf('cpus:0.1;mem:32') };
  const bad: v1.TaskInfo[] = [
    ...['', '.', '..', 'bad/slash', 'bad\\backslash', 'control\u0001', 'x'.repeat(256)].map((id) => taskFor(offer, id)),
    { ...taskFor(offer, 'wrong-agent'), agent_id: { value: `${offer.agent_id.value}-elsewhere` } },
    { ...taskFor(offer, 'both'), executor },
    { ...taskFor(offer, 'neither'), command: undefined },
  ];
  await fw.launch(offer, bad);
  for (const task of bad) {
    assertFromMaster(await fw.nextUpdate(task.task_id.value), 'TASK_ERROR', 'REASON_TASK_INVALID');
  }
  await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'RUN_TASK for a malformed task');
}));

test('MESSAGE reaches the agent as FRAMEWORK_MESSAGE; EXECUTOR_MESSAGE reaches the framework as MESSAGE', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  const executor: v1.ExecutorInfo = {
    executor_id: { value: 'exec-1' },
    command: { value: 'exec', shell: true },
    resources: resourcesOf('cpus:0.1;mem:32'),
  };
  const { command: _command, ...task } = taskFor(offer, 't1');
  await fw.launch(offer, [{ ...task, executor }]);
  const run = await agent.nextRunTask('t1');
  assert.is(run.task.executor?.executor_id.value, 'exec-1');

  await fw.message(agent.agentId, 'exec-1', 'to the executor');
  const delivered = await agent.next('FRAMEWORK_MESSAGE');
  assert.is(delivered.framework_message?.framework_id.value, fw.frameworkId);
  assert.is(delivered.framework_message?.executor_id.value, 'exec-1');
  assert.is(Buffer.from(delivered.framework_message!.data, 'base64').toString(), 'to the executor');

  agent.send({
    type: 'EXECUTOR_MESSAGE',
    executor_message: { framework_id: { value: fw.frameworkId }, executor_id: { value: 'exec-1' }, data: Buffer.from('to the scheduler').toString('base64') },
  });
  const message = await fw.next('MESSAGE');
  assert.is(message.message?.agent_id.value, agent.agentId);
  assert.is(message.message?.executor_id.value, 'exec-1');
  assert.is(Buffer.from(message.message!.data, 'base64').toString(), 'to the scheduler');
}));

test('latest_state: a terminal latest state frees the resources while the framework still gets the updates in order', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  await fw.launch(offer, [taskFor(offer, 't1', 'cpus:1;mem:128')], { refuse_seconds: 0 });
  await agent.nextRunTask('t1');
  // The task already finished at the agent, which still owes the framework its RUNNING update.
  const running = agent.sendStatus(fw.frameworkId, 't1', 'TASK_RUNNING', { latest_state: 'TASK_FINISHED' });
  const status = await fw.nextUpdate('t1');
  assert.is(status.state, 'TASK_RUNNING', 'the framework sees the update in order');

  // Reconciliation answers with the state of the update the framework is on.
  await fw.reconcile([{ taskId: 't1', agentId: agent.agentId }]);
  assert.is((await fw.nextUpdate('t1')).state, 'TASK_RUNNING');

  // The task's resources are free already: the whole agent is offered again.
  for (;;) {
    const [next] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
    if (scalarOf(next!.resources, 'cpus') === 4) break;
    await fw.decline(next!, 0);
  }

  await fw.acknowledge(status);
  await agent.waitForAck(running);
  const finished = agent.sendStatus(fw.frameworkId, 't1', 'TASK_FINISHED');
  await fw.acknowledge(await fw.nextUpdate('t1', 'TASK_FINISHED'));
  await agent.waitForAck(finished);
}));

test('EXECUTOR_EXITED reaches the framework as FAILURE with agent_id, executor_id and status', withCleanup(async (t) => {
  const { agent, fw } = await setup(t);
  agent.send({
    type: 'EXECUTOR_EXITED',
    executor_exited: { framework_id: { value: fw.frameworkId }, executor_id: { value: 'exec-1' }, status: 256 },
  });
  const failure = await fw.next('FAILURE');
  assert.equal(failure.failure, { agent_id: { value: agent.agentId }, executor_id: { value: 'exec-1' }, status: 256 });
}));

test('status updates for frameworks and tasks the master does not know do not break the link', withCleanup(async (t) => {
  const { agent, fw, offer } = await setup(t);
  agent.sendStatus(someUuid(), 'nobody', 'TASK_RUNNING');
  agent.sendStatus(fw.frameworkId, 'never-launched', 'TASK_RUNNING');
  await fw.launch(offer, [taskFor(offer, 't1')]);
  await agent.nextRunTask('t1');
  assert.ok(agent.connected);
  const sent = agent.sendStatus(fw.frameworkId, 't1', 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate('t1'));
  await agent.waitForAck(sent);
}));

test.run();

// lib/client/scheduler.ts against a real master and agent: SUBSCRIBE and its stream id, offers,
// a launch, every update acknowledged, reconciliation, KILL, the ERROR event, and TEARDOWN. The
// client is what `mesosctl run` and the cluster simulator are built on.
//
// No timings are asserted: every wait is bounded only so that a missing event fails the test.

import { userInfo } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { OperatorClient } from '../../../lib/client/operator.ts';
import { SchedulerClient } from '../../../lib/client/scheduler.ts';
import { carveResources } from '../../../lib/cli/run.ts';
import { MesosError } from '../../../lib/common/errors.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import type * as scheduler from '../../../lib/types/scheduler.ts';
import { startAgent } from '../../helpers/agent-process.ts';
import { Cleanup, startMaster, withCleanup, type MasterProcess } from '../../helpers/master-process.ts';
import { eventually } from '../../helpers/scheduler-client.ts';

const WAIT_MS = 30_000;

const shared = new Cleanup();
let master: MasterProcess;

test.before(async () => {
  master = await startMaster(shared);
  await startAgent(shared, master);
});

test.after(() => shared.run());

function info(name: string): v1.FrameworkInfo {
  return { user: userInfo().username, name, roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] };
}

/** The stream's next event, or 'timeout' once `deadline` (epoch ms) has passed. */
function nextBefore(events: AsyncGenerator<scheduler.Event>, deadline: number): Promise<IteratorResult<scheduler.Event> | 'timeout'> {
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())).unref());
  return Promise.race([events.next(), timer]);
}

/** Reads events until `pick` returns something; fails after WAIT_MS. */
async function until<T>(events: AsyncGenerator<scheduler.Event>, pick: (e: scheduler.Event) => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const next = await nextBefore(events, deadline);
    if (next === 'timeout') throw new Error('no matching event in time');
    if (next.done) throw new Error('the event stream ended');
    const picked = pick(next.value);
    if (picked !== undefined) return picked;
  }
}

/** Reads a stream to its end (failing after WAIT_MS) and returns the ERROR events on the way. */
async function drain(events: AsyncGenerator<scheduler.Event>): Promise<scheduler.Event[]> {
  const deadline = Date.now() + WAIT_MS;
  const errors: scheduler.Event[] = [];
  for (;;) {
    const next = await nextBefore(events, deadline);
    if (next === 'timeout') throw new Error('the event stream did not end in time');
    if (next.done) return errors;
    if (next.value.type === 'ERROR') errors.push(next.value);
  }
}

function task(offer: v1.Offer, id: string, command: string): v1.TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: carveResources(offer.resources ?? [], [['cpus', 0.1], ['mem', 32]])!,
    command: { value: command, shell: true },
  };
}

test('subscribe, launch, acknowledge every update, reconcile, teardown', withCleanup(async (t) => {
  const fw = await SchedulerClient.subscribe(master, info('client test'));
  t.add('close the stream', () => fw.close());
  assert.match(fw.streamId, /^[0-9a-f-]{36}$/);
  assert.match(fw.frameworkId, /-0000$|-\d{4}$/);
  assert.is(fw.subscribed.framework_id.value, fw.frameworkId);
  assert.equal(fw.master, { host: master.host, port: master.port });

  const events = fw.events();
  const offer = await until(events, (e) => (e.type === 'OFFERS' ? e.offers?.offers?.[0] : undefined));
  await fw.launch(offer, [task(offer, 'hello', 'echo hello')]);
  const states: v1.TaskState[] = [];
  let finished: v1.TaskStatus | undefined;
  while (finished === undefined) {
    const status = await until(events, (e) => (e.type === 'UPDATE' ? e.update!.status : undefined));
    states.push(status.state);
    assert.ok(await fw.acknowledge(status), 'an agent\'s update carries a uuid and is acknowledged');
    if (status.state === 'TASK_FINISHED') finished = status;
  }
  assert.equal(states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  assert.is(finished.message, 'Command exited with status 0');

  // The master's own answers carry no uuid and need no acknowledgement. The acknowledged task
  // has left the master's books, so for a framework that is not partition-aware it is LOST.
  await fw.reconcile([{ taskId: 'hello', agentId: offer.agent_id.value }]);
  const answer = await until(events, (e) => (e.type === 'UPDATE' && e.update!.status.reason === 'REASON_RECONCILIATION' ? e.update!.status : undefined));
  assert.is(answer.state, 'TASK_LOST');
  assert.is(answer.uuid, undefined);
  assert.is(await fw.acknowledge(answer), false);

  await fw.teardown();
  assert.ok(fw.closed);
  // The stream ends quietly: the client asked for it. Events the master sent before the
  // teardown (an offer of the finished task's resources from the next timed cycle) may still be
  // queued ahead of the end; none of them is an ERROR.
  assert.equal(await drain(events), []);
  const frameworks = await new OperatorClient(master).getFrameworks();
  assert.ok((frameworks.completed_frameworks ?? []).some((f) => f.framework_info.id?.value === fw.frameworkId));
}));

test('kill: TASK_KILLING then TASK_KILLED for a framework with TASK_KILLING_STATE; decline', withCleanup(async (t) => {
  const fw = await SchedulerClient.subscribe(master, { ...info('kill test'), capabilities: [{ type: 'MULTI_ROLE' }, { type: 'TASK_KILLING_STATE' }] });
  t.add('tear down', () => fw.teardown().catch(() => fw.close()));
  const events = fw.events();
  const offer = await until(events, (e) => (e.type === 'OFFERS' ? e.offers?.offers?.[0] : undefined));
  await fw.launch(offer, [task(offer, 'sleeper', 'sleep 60')]);
  await until(events, (e) => {
    if (e.type !== 'UPDATE') return undefined;
    void fw.acknowledge(e.update!.status);
    return e.update!.status.state === 'TASK_RUNNING' ? true : undefined;
  });
  await fw.kill('sleeper', offer.agent_id.value, 500);
  const seen: v1.TaskState[] = [];
  await until(events, (e) => {
    if (e.type === 'OFFERS') void fw.decline((e.offers?.offers ?? []).map((o) => o.id), { refuse_seconds: 3600 });
    if (e.type !== 'UPDATE') return undefined;
    seen.push(e.update!.status.state);
    void fw.acknowledge(e.update!.status);
    return e.update!.status.state === 'TASK_KILLED' ? true : undefined;
  });
  assert.equal(seen, ['TASK_KILLING', 'TASK_KILLED']);
}));

test('an ERROR event ends the stream with the master\'s message; calls fail as MesosErrors', withCleanup(async (t) => {
  const first = await SchedulerClient.subscribe(master, info('failover test'), {});
  t.add('close', () => first.close());
  const events = first.events();
  // A second subscription as the same framework fails the first one over.
  const second = await SchedulerClient.subscribe(master, { ...info('failover test'), id: { value: first.frameworkId } }, { frameworkId: first.frameworkId });
  t.add('tear down', () => second.teardown().catch(() => second.close()));
  assert.is(second.frameworkId, first.frameworkId);
  assert.is.not(second.streamId, first.streamId);
  try {
    await until(events, () => undefined);
    assert.unreachable('the old stream should have failed');
  } catch (err) {
    assert.instance(err, MesosError);
    assert.is((err as MesosError).code, 'BAD_REQUEST');
    assert.match((err as MesosError).message, /sent ERROR: Framework failed over/);
  }
  // The old stream id is stale: the master answers 400, which comes back as a one-line MesosError.
  try {
    await first.reconcile();
    assert.unreachable('a call with a stale stream id should fail');
  } catch (err) {
    assert.instance(err, MesosError);
    assert.match((err as MesosError).message, /answered 400/);
  }
}));

test('an invalid FrameworkInfo is rejected at SUBSCRIBE; an unreachable master is UNREACHABLE', async () => {
  try {
    await SchedulerClient.subscribe(master, { ...info('bad role'), roles: ['a//b'] });
    assert.unreachable('SUBSCRIBE with an invalid role should fail');
  } catch (err) {
    assert.instance(err, MesosError);
    assert.match((err as MesosError).message, /a\/\/b/);
  }
  try {
    await SchedulerClient.subscribe({ host: '127.0.0.1', port: 1 }, info('nowhere'));
    assert.unreachable('should not reach port 1');
  } catch (err) {
    assert.is((err as MesosError).code, 'UNREACHABLE');
  }
});

test('closing the stream without TEARDOWN removes a framework with failover_timeout 0', withCleanup(async (t) => {
  const fw = await SchedulerClient.subscribe(master, { ...info('dropped'), failover_timeout: 0 });
  t.add('close', () => fw.close());
  fw.close();
  const operator = new OperatorClient(master);
  await eventually(async () => {
    const frameworks = await operator.getFrameworks();
    return (frameworks.completed_frameworks ?? []).some((f) => f.framework_info.id?.value === fw.frameworkId) ? true : undefined;
  }, 'the framework removed', WAIT_MS);
}));

test.run();

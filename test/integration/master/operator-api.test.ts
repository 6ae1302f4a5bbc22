// The master's operator API, write side (issue 7): what each operator call does to the cluster,
// seen where it matters, in the frameworks' offers and task updates:
//   - UPDATE_QUOTA: a limit shrinks a role's offers and removing it restores them; guarantees
//     beyond the cluster need `force`; quota survives a master restart;
//   - UPDATE_WEIGHTS: the role order changes as DRF predicts (shares worked out below) and the
//     weights survive a restart;
//   - RESERVE_RESOURCES / UNRESERVE_RESOURCES with a real mesos-agent: reserved resources reach only
//     their role, survive a master restart (the agent reregisters with its checkpointed resources)
//     and come back unreserved; reserving more than is free is a 409 that changes nothing;
//   - DRAIN_AGENT with a real mesos-agent: the task ends TASK_KILLED with REASON_AGENT_DRAINING, no
//     more offers, DRAINING then DRAINED; REACTIVATE_AGENT brings the offers back;
//   - DEACTIVATE_AGENT: no offers, tasks keep running, and it survives a restart;
//   - TEARDOWN, MARK_AGENT_GONE and the maintenance calls.
//
// Waits have generous timeouts that only turn a missing event into a failure; "no offer" is
// checked over a quiet window, as the other master suites do.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as link from '../../../lib/types/link.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import type * as scheduler from '../../../lib/types/scheduler.ts';
import { cgroupsSkipReason, startAgent } from '../../helpers/agent-process.ts';
import { startMaster, withCleanup } from '../../helpers/master-process.ts';
import { OperatorClient, amount, describeMasterEvent, isReserved, quantities, reserved } from '../../helpers/operator-client.ts';
import {
  eventually, frameworkInfo, rawRequest, resourcesOf, scalarOf, subscribe, taskFor, type SchedulerClient,
} from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

/** How long "no offer" must hold. */
const QUIET_WINDOW_MS = 1_000;

const skipRealAgent = cgroupsSkipReason();
if (skipRealAgent) console.log(`# skip: cases with a real mesos-agent: ${skipRealAgent}`);

const offersOn = (agentId: string) => (o: v1.Offer) => o.agent_id.value === agentId;

function offersOf(events: readonly scheduler.Event[]): v1.Offer[] {
  return events.flatMap((e) => (e.type === 'OFFERS' ? e.offers?.offers ?? [] : []));
}

/** Declines `offers` (refuse_seconds 0), one DECLINE per agent, as a DECLINE may not span agents. */
async function declineAll(fw: SchedulerClient, offers: readonly v1.Offer[], refuseSeconds = 0): Promise<void> {
  const byAgent = new Map<string, v1.Offer[]>();
  for (const offer of offers) byAgent.set(offer.agent_id.value, [...(byAgent.get(offer.agent_id.value) ?? []), offer]);
  for (const group of byAgent.values()) await fw.decline(group, refuseSeconds);
}

/**
 * Declines `held` and every offer that arrives (refuse_seconds 0) until one matches `wanted`,
 * which is returned and kept; other offers arriving with it are declined. `seen` gets every
 * offer considered on the way, the returned one included. With `freshAfter` (an index of
 * `fw.events.history`), offers of earlier events are only declined, never matched: they were sent
 * before something that changed what offers must hold (declining a rescinded offer is harmless).
 */
async function offerMatching(
  fw: SchedulerClient,
  wanted: (offer: v1.Offer) => boolean,
  options: { held?: readonly v1.Offer[]; seen?: (offer: v1.Offer) => void; freshAfter?: number } = {},
): Promise<v1.Offer> {
  const freshAfter = options.freshAfter ?? -1;
  let pending = [...(options.held ?? [])];
  let events = fw.events.discard((e) => e.type === 'OFFERS');
  for (;;) {
    const fresh = offersOf(events.filter((e) => fw.events.history.indexOf(e) > freshAfter));
    for (const offer of fresh) options.seen?.(offer);
    const found = fresh.find(wanted);
    const rest = [...pending, ...offersOf(events).filter((o) => o !== found)];
    if (rest.length > 0) await declineAll(fw, rest);
    if (found !== undefined) return found;
    pending = [];
    events = [await fw.waitFor((e) => e.type === 'OFFERS', undefined, 'OFFERS event'), ...fw.events.discard((e) => e.type === 'OFFERS')];
  }
}

/**
 * Puts a marker on the framework's stream: an explicit reconciliation of an unknown task, which
 * the master answers at once. Events after the marker in `fw.events.history` were sent after
 * everything the master did before this call.
 */
let markers = 0;
async function marker(fw: SchedulerClient): Promise<number> {
  const taskId = `marker-${++markers}`;
  await fw.reconcile([{ taskId }]);
  await fw.nextUpdate(taskId);
  return fw.events.history.findIndex((e) => e.type === 'UPDATE' && e.update?.status.task_id.value === taskId);
}

/** Fails if any OFFERS event after history index `from` (or arriving within the window) has an offer from `agentId`. */
async function assertNoOffersFrom(fw: SchedulerClient, agentId: string, from: number, what: string): Promise<void> {
  await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
  const offending = fw.events.history.slice(from).filter((e) => e.type === 'OFFERS' && (e.offers?.offers ?? []).some(offersOn(agentId)));
  assert.equal(offending.length, 0, `${what}: ${JSON.stringify(offending).slice(0, 500)}`);
}

/** Launches `taskId` with the test agent and reports it RUNNING, acknowledged. */
async function runOnTestAgent(fw: SchedulerClient, agent: TestAgent, taskId: string, resources = 'cpus:0.5;mem:64', refuseSeconds = 0): Promise<void> {
  const offer = await offerMatching(fw, offersOn(agent.agentId));
  await fw.launch(offer, [taskFor(offer, taskId, resources)], { refuse_seconds: refuseSeconds });
  await agent.nextRunTask(taskId);
  const sent = agent.sendStatus(fw.frameworkId, taskId, 'TASK_RUNNING');
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING'));
  await agent.waitForAck(sent);
}

/** The id of the one real agent registered with `master`, once it is. */
async function realAgentId(op: OperatorClient): Promise<string> {
  return eventually(async () => (await op.getAgents()).agents?.[0]?.agent_info.id?.value, 'the real agent registered');
}

// ---------------------------------------------------------------------------------------------
// Quota

test('UPDATE_QUOTA: a limit shrinks the role\'s offers, removing it restores them; guarantees beyond capacity need force; quota survives a restart', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master); // cpus:4;mem:4096
  const info = frameworkInfo({ name: 'quota', roles: ['q'], capabilities: ['MULTI_ROLE'] });
  const fw = await subscribe(t, master, info);
  const [whole] = await fw.nextOffers(undefined, offersOn(agent.agentId));
  assert.is(scalarOf(whole!.resources, 'cpus'), 4, 'without quota the whole agent is offered');

  // limit cpus:1: the role's offers (which count against the limit) hold at most 1 cpu.
  await op.updateQuota([{ role: 'q', limits: quantities({ cpus: 1 }) }]);
  assert.equal(await op.getQuota(), [{ role: 'q', limits: quantities({ cpus: 1 }) }]);
  const limitedCpus: number[] = [];
  let limited = await offerMatching(fw, () => true, { held: [whole!], seen: (o) => limitedCpus.push(scalarOf(o.resources, 'cpus')) });
  for (let round = 0; round < 3; round++) {
    limited = await offerMatching(fw, () => true, { held: [limited], seen: (o) => limitedCpus.push(scalarOf(o.resources, 'cpus')) });
  }
  assert.ok(limitedCpus.every((cpus) => cpus === 1), `every offer under the limit has 1 cpu: ${limitedCpus}`);
  assert.is(scalarOf(limited.resources, 'mem'), 4096, 'the limit is on cpus only');
  const explained = await op.explain(fw.frameworkId, 'q');
  assert.equal(explained.quota_limit, { cpus: 1 });
  assert.is(explained.quota_role, 'q');

  // A config with neither guarantees nor limits removes the quota: the whole agent again.
  await op.updateQuota([{ role: 'q' }]);
  assert.equal(await op.getQuota(), []);
  const restored = await offerMatching(fw, (o) => scalarOf(o.resources, 'cpus') === 4, { held: [limited] });
  assert.is(scalarOf(restored.resources, 'mem'), 4096);

  // A guarantee beyond the cluster (2 gpus of 0) is refused without force and changes nothing.
  const beyond = { role: 'gpu', guarantees: quantities({ gpus: 2 }) };
  const refused = await op.call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [beyond] } });
  assert.is(refused.status, 400, refused.body);
  assert.match(refused.body, /exceed cluster capacity/);
  assert.equal(await op.getQuota(), []);
  // (The limit first: once forced guarantees exceed the cluster, every update needs force, as in Mesos.)
  await op.updateQuota([{ role: 'q', limits: quantities({ cpus: 1 }) }]);
  await op.updateQuota([beyond], true);
  const stillRefused = await op.call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'other', limits: quantities({ cpus: 1 }) }] } });
  assert.is(stillRefused.status, 400, 'the sum of all guarantees is checked, not only the new ones');
  const byRole = (configs: { role: string }[]) => [...configs].sort((a, b) => (a.role < b.role ? -1 : 1));
  const before = byRole(await op.getQuota());
  assert.equal(before, [beyond, { role: 'q', limits: quantities({ cpus: 1 }) }]);

  // The registry keeps quota across a crash, and the allocator applies it again.
  master.kill('SIGKILL');
  await master.exited;
  fw.close();
  const restarted = await master.restart();
  const op2 = new OperatorClient(restarted);
  assert.equal(byRole(await op2.getQuota()), before);
  assert.equal(await op2.getJson('/quota'), { configs: (await op2.get('GET_QUOTA')).get_quota!.status.configs });
  await agent.reconnect({ master: restarted });
  const again = await subscribe(t, restarted, info);
  const cpusAfter: number[] = [];
  await offerMatching(again, () => cpusAfter.length >= 3, { seen: (o) => cpusAfter.push(scalarOf(o.resources, 'cpus')) });
  assert.ok(cpusAfter.every((cpus) => cpus === 1), `the limit holds after the restart: ${cpusAfter}`);
}));

// ---------------------------------------------------------------------------------------------
// Weights

test('UPDATE_WEIGHTS: the role order changes as DRF predicts, EXPLAIN_ALLOCATION reports the weight, and weights survive a restart', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master); // cpus:4;mem:4096;disk:10000
  const infoA = frameworkInfo({ name: 'a', roles: ['a'], capabilities: ['MULTI_ROLE'], failover_timeout: 3600, checkpoint: true });
  const infoB = frameworkInfo({ name: 'b', roles: ['b'], capabilities: ['MULTI_ROLE'], failover_timeout: 3600, checkpoint: true });
  // Each framework runs one task and filters the rest of the agent for an hour, so no offer is
  // outstanding and the allocations are exactly the tasks':
  //   role a: cpus 1, mem 128 -> dominant share max(1/4, 128/4096) = 0.25
  //   role b: cpus 2, mem 128 -> dominant share max(2/4, 128/4096) = 0.5
  const a = await subscribe(t, master, infoA);
  await runOnTestAgent(a, agent, 'ta', 'cpus:1;mem:128', 3600);
  const b = await subscribe(t, master, infoB);
  await runOnTestAgent(b, agent, 'tb', 'cpus:2;mem:128', 3600);
  await eventually(async () => ((await op.getFrameworks()).frameworks ?? []).every((f) => (f.offers ?? []).length === 0) ? true : undefined, 'no outstanding offers');

  // Weights 1 and 1: a (0.25) sorts before b (0.5).
  const a1 = await op.explain(a.frameworkId, 'a');
  const b1 = await op.explain(b.frameworkId, 'b');
  assert.is(a1.weight, 1);
  assert.is(b1.weight, 1);
  assert.ok(Math.abs(a1.role_share - 0.25) < 1e-9, `share of a ${a1.role_share}`);
  assert.ok(Math.abs(b1.role_share - 0.5) < 1e-9, `share of b ${b1.role_share}`);
  assert.equal([a1.role_rank, b1.role_rank], [0, 1]);

  // Weight 3 for b: its share is divided by its weight, 0.5 / 3 = 0.1667 < 0.25, so b sorts first.
  await op.updateWeights({ b: 3 });
  assert.equal(await op.getWeights(), [{ role: 'b', weight: 3 }]);
  const a3 = await op.explain(a.frameworkId, 'a');
  const b3 = await op.explain(b.frameworkId, 'b');
  assert.is(b3.weight, 3);
  assert.ok(Math.abs(b3.role_share - 0.5 / 3) < 1e-9, `share of b ${b3.role_share}`);
  assert.ok(Math.abs(a3.role_share - 0.25) < 1e-9, `share of a ${a3.role_share}`);
  assert.equal([b3.role_rank, a3.role_rank], [0, 1]);
  assert.is((await op.getRoles()).roles?.find((r) => r.name === 'b')?.weight, 3);

  // The legacy PUT /weights takes the same update: weight 8 for a makes it 0.25 / 8 = 0.03125, first again.
  const put = await rawRequest(master, { method: 'PUT', path: '/weights', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ role: 'a', weight: 8 }]) });
  assert.is(put.status, 200, put.body);
  assert.equal(await op.getJson('/master/weights'), [{ role: 'a', weight: 8 }, { role: 'b', weight: 3 }]);
  assert.equal([(await op.explain(a.frameworkId, 'a')).role_rank, (await op.explain(b.frameworkId, 'b')).role_rank], [0, 1]);

  // A crash and a restart keep the weights; the allocator uses them for the returning frameworks.
  master.kill('SIGKILL');
  await master.exited;
  const restarted = await master.restart();
  const op2 = new OperatorClient(restarted);
  assert.equal(await op2.getWeights(), [{ role: 'a', weight: 8 }, { role: 'b', weight: 3 }]);
  await agent.reconnect({ master: restarted });
  const b2 = await subscribe(t, restarted, infoB, { frameworkId: b.frameworkId });
  assert.is((await op2.explain(b2.frameworkId, 'b')).weight, 3);
  assert.is((await op2.getRoles()).roles?.find((r) => r.name === 'a')?.weight, 8);
}));

// ---------------------------------------------------------------------------------------------
// Reservations (a real agent: it checkpoints the reservation and reregisters with it)

test('RESERVE_RESOURCES: reserved resources reach only the role\'s offers, survive a master restart, and come back with UNRESERVE; 409 when not free', withCleanup(async (t) => {
  if (skipRealAgent) return;
  const master = await startMaster(t);
  let op = new OperatorClient(master);
  await startAgent(t, master); // cpus:4;mem:2048;disk:4096;ports:[31000-31100]
  const agentId = await realAgentId(op);
  const capabilities: v1.FrameworkInfo.Capability.Type[] = ['MULTI_ROLE', 'RESERVATION_REFINEMENT'];
  const engInfo = frameworkInfo({ name: 'eng', roles: ['eng'], capabilities });
  const otherInfo = frameworkInfo({ name: 'other', roles: ['other'], capabilities });
  const eng = await subscribe(t, master, engInfo);
  const other = await subscribe(t, master, otherInfo);
  const toReserve = reserved(resourcesOf('cpus:2;mem:512'), 'eng', 'ops');
  await op.reserve(agentId, toReserve);

  const agentView = (await op.getAgent(agentId))!;
  assert.is(amount(agentView.total_resources, 'cpus', 'eng'), 2);
  assert.is(amount(agentView.total_resources, 'mem', 'eng'), 512);
  assert.is(amount(agentView.total_resources, 'cpus'), 2, 'the rest stays unreserved');
  const reservation = agentView.total_resources!.find((r) => r.name === 'cpus' && isReserved(r))!.reservations;
  assert.equal(reservation, [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }]);
  const slaves = await op.getJson<{ slaves: { reserved_resources: Record<string, Record<string, number>> }[] }>('/master/slaves');
  assert.is(slaves.slaves[0]!.reserved_resources['eng']?.['cpus'], 2);

  // eng is offered the reservation; then it filters the agent, and other gets the unreserved rest only.
  const engOffer = await offerMatching(eng, (o) => amount(o.resources, 'cpus', 'eng') === 2);
  assert.equal(engOffer.resources!.find((r) => r.name === 'cpus' && isReserved(r))!.reservations, [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }]);
  await eng.decline(engOffer, 3600);
  const otherOffer = await offerMatching(other, (o) => amount(o.resources, 'cpus') === 2);
  assert.is(amount(otherOffer.resources, 'mem'), 1536);

  // The master restarts; the agent reregisters with its checkpointed (reserved) resources.
  master.kill('SIGKILL');
  await master.exited;
  eng.close();
  other.close();
  const restarted = await master.restart();
  op = new OperatorClient(restarted);
  const back = await eventually(async () => {
    const view = await op.getAgent(agentId);
    return view !== undefined && amount(view.total_resources, 'cpus', 'eng') === 2 ? view : undefined;
  }, 'the agent back with its reservation', 30_000);
  assert.is(amount(back.total_resources, 'mem', 'eng'), 512);
  assert.is(amount(back.total_resources, 'cpus'), 2);

  const eng2 = await subscribe(t, restarted, engInfo);
  const other2 = await subscribe(t, restarted, otherInfo);
  const eng2Offer = await offerMatching(eng2, (o) => amount(o.resources, 'cpus', 'eng') === 2);
  await eng2.decline(eng2Offer, 3600);
  const other2Offer = await offerMatching(other2, (o) => amount(o.resources, 'cpus') === 2);

  // Reserving more than is free: 409, and the agent's resources do not change.
  const tooMuch = await op.call({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources: reserved(resourcesOf('cpus:100'), 'eng') } });
  assert.is(tooMuch.status, 409, tooMuch.body);
  const notReserved = await op.call({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: agentId }, resources: reserved(resourcesOf('cpus:1'), 'other') } });
  assert.is(notReserved.status, 409, notReserved.body);
  assert.equal((await op.getAgent(agentId))!.total_resources, back.total_resources);

  // UNRESERVE gives the resources back to everyone: with eng gone, other gets the whole agent.
  await op.teardown(eng2.frameworkId);
  await op.unreserve(agentId, toReserve);
  const after = (await op.getAgent(agentId))!;
  assert.not.ok((after.total_resources ?? []).some(isReserved), 'no reservation left');
  const wholeAgain = await offerMatching(other2, (o) => amount(o.resources, 'cpus') === 4, { held: [other2Offer] });
  assert.is(amount(wholeAgain.resources, 'mem'), 2048);

  // Over the whole test, no offer to the framework of another role held a reserved resource.
  const otherOffers = [other, other2].flatMap((fw) => fw.events.history.flatMap((e) => (e.type === 'OFFERS' ? e.offers?.offers ?? [] : [])));
  assert.ok(otherOffers.length >= 2);
  const leaked = otherOffers.filter((o) => (o.resources ?? []).some(isReserved));
  assert.equal(leaked, [], 'a framework of another role was offered reserved resources');
}));

// ---------------------------------------------------------------------------------------------
// Draining and deactivation

/** Acknowledges TASK_STARTING and TASK_RUNNING of a real agent's task. */
async function runningOnRealAgent(fw: SchedulerClient, taskId: string): Promise<void> {
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_STARTING', 30_000));
  await fw.acknowledge(await fw.nextUpdate(taskId, 'TASK_RUNNING', 30_000));
}

test('DRAIN_AGENT (real agent): TASK_KILLED with REASON_AGENT_DRAINING, no more offers, DRAINING then DRAINED; REACTIVATE_AGENT restores offers', withCleanup(async (t) => {
  if (skipRealAgent) return;
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  await startAgent(t, master);
  const agentId = await realAgentId(op);
  const fw = await subscribe(t, master, frameworkInfo({ user: 'root', name: 'drained' }));
  const [offer] = await fw.nextOffers(undefined, offersOn(agentId));
  await fw.launch(offer!, [taskFor(offer!, 'victim', 'cpus:0.1;mem:64', { command: { value: 'sleep 1000', shell: true } })], { refuse_seconds: 0 });
  await runningOnRealAgent(fw, 'victim');

  await op.drainAgent(agentId, { maxGracePeriodSeconds: 2 });
  const killed = await fw.nextUpdate('victim', 'TASK_KILLED', 30_000);
  assert.is(killed.reason, 'REASON_AGENT_DRAINING', JSON.stringify(killed));
  const killedAt = fw.events.history.findIndex((e) => e.type === 'UPDATE' && e.update?.status.state === 'TASK_KILLED');

  // Until the framework acknowledges the kill, the task is on the books: DRAINING.
  const draining = (await op.getAgent(agentId))!;
  assert.equal(draining.drain_info, { state: 'DRAINING', config: { mark_gone: false, max_grace_period: { nanoseconds: 2_000_000_000 } } });
  assert.is(draining.deactivated, true);
  assert.is(draining.active, false);
  await fw.acknowledge(killed);
  const drained = await eventually(async () => {
    const view = await op.getAgent(agentId);
    return view?.drain_info?.state === 'DRAINED' ? view : undefined;
  }, 'drain_info DRAINED');
  assert.is(drained.deactivated, true);
  const legacy = await op.getJson<{ slaves: { id: string; deactivated: boolean; drain_info?: { state: string } }[] }>('/master/slaves');
  assert.is(legacy.slaves[0]!.drain_info?.state, 'DRAINED');
  assert.is(legacy.slaves[0]!.deactivated, true);

  // No offer from the drained agent after the kill was sent.
  await assertNoOffersFrom(fw, agentId, killedAt, 'an offer from a draining agent');
  assert.equal(scalarOf((await op.getAgent(agentId))!.offered_resources, 'cpus'), 0);

  await op.reactivateAgent(agentId);
  const reactivated = (await op.getAgent(agentId))!;
  assert.is(reactivated.drain_info, undefined);
  assert.is(reactivated.deactivated, false);
  assert.is(reactivated.active, true);
  // Offers from before the drain may still be queued (rescinded since): the next fresh one has all 4 cpus.
  const again = await offerMatching(fw, (o) => o.agent_id.value === agentId && scalarOf(o.resources, 'cpus') === 4);
  assert.is(scalarOf(again.resources, 'mem'), 2048, 'the whole agent is offered again');
}));

test('DRAIN_AGENT with mark_gone: KILL_TASK carries REASON_AGENT_DRAINING and the capped grace period; once drained the agent is marked gone', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ capabilities: ['PARTITION_AWARE'] }));
  const offer = await offerMatching(fw, offersOn(agent.agentId));
  await fw.launch(offer, [
    taskFor(offer, 'patient', 'cpus:0.5;mem:64', { kill_policy: { grace_period: { nanoseconds: 30e9 } } }),
    taskFor(offer, 'quick', 'cpus:0.5;mem:64', { kill_policy: { grace_period: { nanoseconds: 1e9 } } }),
    taskFor(offer, 'plain', 'cpus:0.5;mem:64'),
  ]);
  for (const id of ['patient', 'quick', 'plain']) {
    await agent.nextRunTask(id);
    const sent = agent.sendStatus(fw.frameworkId, id, 'TASK_RUNNING');
    await fw.acknowledge(await fw.nextUpdate(id, 'TASK_RUNNING'));
    await agent.waitForAck(sent);
  }

  await op.drainAgent(agent.agentId, { maxGracePeriodSeconds: 5, markGone: true });
  const kills = new Map<string, link.Event.KillTask>();
  while (kills.size < 3) {
    const kill = (await agent.next('KILL_TASK')).kill_task!;
    kills.set(kill.task_id.value, kill);
  }
  for (const kill of kills.values()) {
    assert.is(kill.reason, 'REASON_AGENT_DRAINING', JSON.stringify(kill));
    assert.is(kill.framework_id.value, fw.frameworkId);
  }
  // The grace period is the task's own, capped by max_grace_period (5 s).
  assert.equal(kills.get('patient')!.kill_policy?.grace_period, { nanoseconds: 5e9 });
  assert.equal(kills.get('quick')!.kill_policy?.grace_period, { nanoseconds: 1e9 });
  assert.equal(kills.get('plain')!.kill_policy?.grace_period, { nanoseconds: 5e9 });
  const draining = (await op.getAgent(agent.agentId))!;
  assert.equal(draining.drain_info, { state: 'DRAINING', config: { mark_gone: true, max_grace_period: { nanoseconds: 5e9 } } });

  // The agent reports the kills; until the last is acknowledged the agent is still draining.
  const statuses: v1.TaskStatus[] = [];
  for (const id of ['patient', 'quick', 'plain']) {
    agent.sendStatus(fw.frameworkId, id, 'TASK_KILLED', { reason: 'REASON_AGENT_DRAINING', source: 'SOURCE_AGENT' });
    const status = await fw.nextUpdate(id, 'TASK_KILLED');
    assert.is(status.reason, 'REASON_AGENT_DRAINING');
    statuses.push(status);
  }
  assert.is((await op.getAgent(agent.agentId))?.drain_info?.state, 'DRAINING');
  for (const status of statuses) await fw.acknowledge(status);

  // Drained and marked gone: the agent is shut down, removed, and refused when it comes back.
  const shutdown = await agent.next('SHUTDOWN');
  assert.match(shutdown.shutdown?.message ?? '', /marked gone/);
  await agent.waitDisconnected();
  assert.equal((await op.getAgents()).agents ?? [], []);
  await fw.reconcile([{ taskId: 'patient', agentId: agent.agentId }]);
  assert.is((await fw.nextUpdate('patient')).state, 'TASK_GONE_BY_OPERATOR');
  let refusal: unknown;
  try {
    await agent.reconnect();
  } catch (err) {
    refusal = err;
  }
  assert.match(String((refusal as Error | undefined)?.message), /marked gone/);
}));

test('DEACTIVATE_AGENT: no offers and tasks keep running; it survives a master restart; REACTIVATE_AGENT restores offers', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const spare = await TestAgent.start(t, master, { hostname: 'spare.test' });
  const fw = await subscribe(t, master, frameworkInfo({ failover_timeout: 3600, checkpoint: true }));
  await runOnTestAgent(fw, agent, 't1');

  await op.deactivateAgent(agent.agentId);
  const from = await marker(fw);
  const view = (await op.getAgent(agent.agentId))!;
  assert.is(view.deactivated, true);
  assert.is(view.active, false);
  assert.is(view.drain_info, undefined, 'deactivation is not draining');
  await assertNoOffersFrom(fw, agent.agentId, from, 'an offer from a deactivated agent');
  assert.not.ok(agent.events.history.some((e) => e.type === 'KILL_TASK'), 'no task is killed');
  await fw.reconcile([{ taskId: 't1', agentId: agent.agentId }]);
  assert.is((await fw.nextUpdate('t1')).state, 'TASK_RUNNING');
  // The other agent is still offered.
  await fw.nextOffers(undefined, offersOn(spare.agentId));

  // The registry keeps the deactivation: after a restart the agent comes back deactivated.
  master.kill('SIGKILL');
  await master.exited;
  const restarted = await master.restart();
  const op2 = new OperatorClient(restarted);
  await agent.reconnect({ master: restarted });
  await spare.reconnect({ master: restarted });
  const back = (await op2.getAgent(agent.agentId))!;
  assert.is(back.deactivated, true);
  assert.is(back.active, false);
  const fw2 = await subscribe(t, restarted, frameworkInfo({ failover_timeout: 3600, checkpoint: true }), { frameworkId: fw.frameworkId });
  await fw2.nextOffers(undefined, offersOn(spare.agentId));
  await assertNoOffersFrom(fw2, agent.agentId, 0, 'an offer from an agent deactivated before the restart');

  await op2.reactivateAgent(agent.agentId);
  assert.is((await op2.getAgent(agent.agentId))!.active, true);
  const offer = (await fw2.nextOffers(undefined, offersOn(agent.agentId))).find(offersOn(agent.agentId))!;
  assert.is(scalarOf(offer.resources, 'cpus'), 3.5, 'the agent less the running task');
}));

// ---------------------------------------------------------------------------------------------
// TEARDOWN and MARK_AGENT_GONE

test('TEARDOWN by an operator: the framework is removed and its tasks killed; it is listed as completed', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const info = frameworkInfo({ name: 'doomed', failover_timeout: 3600 });
  const fw = await subscribe(t, master, info);
  await runOnTestAgent(fw, agent, 't1');
  const events = await op.subscribe(t);
  await events.next('SUBSCRIBED');

  await op.teardown(fw.frameworkId);
  const shutdown = await agent.next('SHUTDOWN_FRAMEWORK');
  assert.is(shutdown.shutdown_framework?.framework_id.value, fw.frameworkId);
  await fw.waitClosed();

  const frameworks = await op.getFrameworks();
  assert.equal(frameworks.frameworks ?? [], []);
  assert.equal((frameworks.completed_frameworks ?? []).map((f) => f.framework_info.id?.value), [fw.frameworkId]);
  const completed = frameworks.completed_frameworks![0]!;
  assert.is(completed.active, false);
  assert.is(completed.connected, false);
  assert.ok((completed.unregistered_time?.nanoseconds ?? 0) > 0, 'unregistered_time is set');
  const tasks = await op.getTasks();
  assert.equal(tasks.tasks ?? [], []);
  assert.equal((tasks.completed_tasks ?? []).map((task) => `${task.task_id.value}:${task.state}`), ['t1:TASK_KILLED']);
  const killedStatus = tasks.completed_tasks![0]!.statuses?.at(-1);
  assert.is(killedStatus?.state, 'TASK_KILLED');
  assert.is(killedStatus?.reason, 'REASON_FRAMEWORK_REMOVED');
  assert.is(killedStatus?.source, 'SOURCE_MASTER');
  assert.is((await op.getJson<Record<string, number>>('/metrics/snapshot'))['master/tasks_killed'], 1);
  // Operator subscribers see the kill, then the removal.
  const seen: string[] = [];
  for (;;) {
    const event = await events.waitFor((e) => e.type !== 'HEARTBEAT');
    seen.push(describeMasterEvent(event));
    if (event.type === 'FRAMEWORK_REMOVED') break;
  }
  assert.equal(seen, ['TASK_UPDATED(t1 TASK_KILLED)', `FRAMEWORK_REMOVED(${fw.frameworkId})`]);
  const legacy = await op.getJson<{ frameworks: unknown[]; completed_frameworks: { id: string; completed_tasks: { id: string; state: string }[] }[] }>('/master/frameworks');
  assert.equal(legacy.frameworks, []);
  assert.equal(legacy.completed_frameworks.map((f) => f.id), [fw.frameworkId]);
  assert.equal(legacy.completed_frameworks[0]!.completed_tasks.map((task) => `${task.id}:${task.state}`), ['t1:TASK_KILLED']);

  // Its id is refused from now on, and its resources are free for others.
  const comeback = await subscribe(t, master, info, { frameworkId: fw.frameworkId, noWait: true });
  const error = await comeback.next();
  assert.is(error.type, 'ERROR');
  assert.match(error.error?.message ?? '', /removed/);
  const next = await subscribe(t, master, frameworkInfo({ name: 'next' }));
  const [offer] = await next.nextOffers(undefined, offersOn(agent.agentId));
  assert.is(scalarOf(offer!.resources, 'cpus'), 4);
  // A second TEARDOWN of the same id: it is no longer a registered framework.
  assert.is((await op.call({ type: 'TEARDOWN', teardown: { framework_id: { value: fw.frameworkId } } })).status, 400);
}));

test('MARK_AGENT_GONE: TASK_GONE_BY_OPERATOR for partition-aware frameworks, TASK_LOST for others; the agent is refused when it comes back', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const aware = await subscribe(t, master, frameworkInfo({ name: 'aware', capabilities: ['PARTITION_AWARE'] }));
  await runOnTestAgent(aware, agent, 'a1', undefined, 3600);
  const plain = await subscribe(t, master, frameworkInfo({ name: 'plain' }));
  await runOnTestAgent(plain, agent, 'p1');

  await op.markAgentGone(agent.agentId);
  const gone = await aware.nextUpdate('a1');
  assert.is(gone.state, 'TASK_GONE_BY_OPERATOR');
  assert.is(gone.reason, 'REASON_AGENT_REMOVED_BY_OPERATOR');
  assert.is(gone.source, 'SOURCE_MASTER');
  const lost = await plain.nextUpdate('p1');
  assert.is(lost.state, 'TASK_LOST');
  assert.is(lost.source, 'SOURCE_MASTER');
  assert.is((await agent.next('SHUTDOWN')).shutdown?.message !== undefined, true);
  await agent.waitDisconnected();
  assert.equal((await op.getAgents()).agents ?? [], []);
  const metrics = await op.getJson<Record<string, number>>('/metrics/snapshot');
  assert.is(metrics['master/tasks_gone_by_operator'], 1);
  assert.is(metrics['master/tasks_lost'], 1);
  // The books hold what each framework was told.
  const completed = new Map(((await op.getTasks()).completed_tasks ?? []).map((task) => [task.task_id.value, task.state]));
  assert.equal([completed.get('a1'), completed.get('p1')], ['TASK_GONE_BY_OPERATOR', 'TASK_LOST']);

  // Reconciliation knows the agent is gone; the agent is told to shut down when it comes back.
  await aware.reconcile([{ taskId: 'a1', agentId: agent.agentId }]);
  assert.is((await aware.nextUpdate('a1')).state, 'TASK_GONE_BY_OPERATOR');
  let refusal: unknown;
  try {
    await agent.reconnect();
  } catch (err) {
    refusal = err;
  }
  assert.match(String((refusal as Error | undefined)?.message), /SHUTDOWN[\s\S]*marked gone/);
  assert.equal((await op.getAgents()).agents ?? [], []);
  // Marking it gone again is harmless.
  await op.markAgentGone(agent.agentId);
}));

// ---------------------------------------------------------------------------------------------
// Maintenance

test('maintenance: a schedule puts unavailability on the machine\'s offers; START_MAINTENANCE takes it DOWN and removes its agent; STOP_MAINTENANCE brings it UP', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master, { hostname: 'maint.test' });
  const spare = await TestAgent.start(t, master, { hostname: 'spare.test' });
  const fw = await subscribe(t, master, frameworkInfo({ capabilities: ['PARTITION_AWARE'] }));
  await runOnTestAgent(fw, agent, 't1');

  const machine: v1.MachineID = { hostname: 'maint.test', ip: '127.0.0.1' };
  // Whole seconds in nanoseconds stay exact as JSON numbers (multiples of 512 below 2^62).
  const start = (Math.floor(Date.now() / 1000) + 3600) * 1e9;
  const unavailability: v1.Unavailability = { start: { nanoseconds: start }, duration: { nanoseconds: 3600 * 1e9 } };
  const schedule = { windows: [{ machine_ids: [machine], unavailability }] };
  await op.updateMaintenanceSchedule(schedule);
  // The update rescinded the offers out; those queued before it carry no unavailability.
  const scheduled = await marker(fw);
  assert.equal(await op.getMaintenanceSchedule(), schedule);
  assert.equal(await op.getMaintenanceStatus(), { draining_machines: [{ id: machine }] });
  assert.equal(await op.getJson('/master/maintenance/schedule'), schedule);

  // Offers from the scheduled machine carry its unavailability; the others' do not.
  const fromMachine = await offerMatching(fw, offersOn(agent.agentId), { freshAfter: scheduled });
  assert.equal(fromMachine.unavailability, unavailability);
  const fromSpare = await offerMatching(fw, offersOn(spare.agentId), { freshAfter: scheduled });
  assert.is(fromSpare.unavailability, undefined);

  // DOWN: the agent is removed, its task gone by operator, and it may not register.
  await op.startMaintenance([machine]);
  const gone = await fw.nextUpdate('t1');
  assert.is(gone.state, 'TASK_GONE_BY_OPERATOR');
  assert.is((await agent.next('SHUTDOWN')).type, 'SHUTDOWN');
  await agent.waitDisconnected();
  assert.equal(await op.getMaintenanceStatus(), { down_machines: [machine] });
  assert.equal((await op.getAgents()).agents?.map((a) => a.agent_info.id?.value), [spare.agentId]);
  let refusal: unknown;
  try {
    await agent.reconnect({ fresh: true });
  } catch (err) {
    refusal = err;
  }
  assert.match(String((refusal as Error | undefined)?.message), /down for maintenance/);

  // UP: out of the schedule, and the machine's agent registers again, its offers without unavailability.
  await op.stopMaintenance([machine]);
  assert.equal(await op.getMaintenanceStatus(), {});
  assert.equal(await op.getMaintenanceSchedule(), {});
  const registered = await agent.reconnect({ fresh: true });
  const offer = await offerMatching(fw, offersOn(registered.agent_id.value));
  assert.is(offer.unavailability, undefined);
}));

test.run();

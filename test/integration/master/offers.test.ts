// Offers from a real master (mesos-api.md sections 1.4, 1.5 and 1.7): their fields, one OFFERS
// event per framework per allocation run (several, of at most 50 offers, for more agents),
// DECLINE filters, SUPPRESS and REVIVE (also through SUBSCRIBE's suppressed_roles), and
// --offer_timeout rescinding offers nobody used.
//
// "Not offered" can only be checked over a window. The windows here are many allocation runs
// long (--allocation_interval=50ms), and whether an offer comes back is checked with the clock
// only as a lower bound: a filter must hold at least as long as it was asked to.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { FAST_FLAGS, startMaster, withCleanup } from '../../helpers/master-process.ts';
import { frameworkInfo, resourcesOf, scalarOf, subscribe, taskFor } from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

/** Allocation runs in a "no offer" window: 40 runs at 50 ms. */
const QUIET_WINDOW_MS = 2_000;

const offersFor = (agent: TestAgent) => (offer: v1.Offer) => offer.agent_id.value === agent.agentId;

test('offer fields: id, framework_id, agent_id, hostname, url, resources with allocation_info; one OFFERS event per cycle', withCleanup(async (t) => {
  const master = await startMaster(t);
  const a = await TestAgent.start(t, master, { hostname: 'agent-a.test', port: 5051 });
  const b = await TestAgent.start(t, master, { hostname: 'agent-b.test', port: 5052, resources: 'cpus:2;mem:1024' });
  assert.is.not(a.agentId, b.agentId);
  const fw = await subscribe(t, master, frameworkInfo({ roles: ['web'], capabilities: ['MULTI_ROLE'] }));
  const masterId = fw.subscribed!.master_info!.id;

  // Both agents were registered before the framework: the first run offers both, in one event.
  const offers = await fw.nextOffers();
  assert.is(offers.length, 2, `one event with an offer per agent, got ${JSON.stringify(offers.map((o) => o.agent_id))}`);
  const byAgent = new Map(offers.map((o) => [o.agent_id.value, o]));
  for (const [agent, port] of [[a, 5051], [b, 5052]] as const) {
    const offer = byAgent.get(agent.agentId);
    assert.ok(offer, `an offer for ${agent.hostname}`);
    assert.match(offer!.id.value, new RegExp(`^${masterId}-O\\d+$`), 'offer id <master id>-O<n>');
    assert.is(offer!.framework_id.value, fw.frameworkId);
    assert.is(offer!.hostname, agent.hostname);
    assert.ok(offer!.url, 'url is always filled');
    assert.is(offer!.url!.scheme, 'http');
    assert.is(offer!.url!.address.hostname, agent.hostname);
    assert.is(offer!.url!.address.ip, '127.0.0.1', 'the agent address defaults to the link peer');
    assert.is(offer!.url!.address.port, port);
    assert.type(offer!.url!.path, 'string');
    assert.equal(offer!.allocation_info, { role: 'web' });
    for (const resource of offer!.resources ?? []) {
      assert.equal(resource.allocation_info, { role: 'web' }, `allocation_info on ${resource.name}`);
    }
  }
  const offerA = byAgent.get(a.agentId)!;
  assert.is(scalarOf(offerA.resources, 'cpus'), 4);
  assert.is(scalarOf(offerA.resources, 'mem'), 4096);
  assert.is(scalarOf(offerA.resources, 'disk'), 10000);
  assert.equal(offerA.resources?.find((r) => r.name === 'ports')?.ranges?.range, [{ begin: 31000, end: 32000 }]);
  assert.is(scalarOf(byAgent.get(b.agentId)!.resources, 'cpus'), 2);

  // Declined together with no filter, both come back in the same later run: again one event.
  await fw.decline(offers, 0);
  const again = await fw.nextOffers();
  assert.is(again.length, 2, 'one OFFERS event holds the whole run');
  // No event ever carries two offers for the same agent and role.
  for (const event of fw.events.history.filter((e) => e.type === 'OFFERS')) {
    const keys = (event.offers?.offers ?? []).map((o) => `${o.agent_id.value}/${o.allocation_info?.role}`);
    assert.is(new Set(keys).size, keys.length, `duplicate agent and role in one OFFERS event: ${keys}`);
  }
}));

/**
 * How Mesos formats an offer for a framework's capabilities (mesos-api.md section 1.5): without
 * MULTI_ROLE, no allocation_info on the offer or its resources; without RESERVATION_REFINEMENT,
 * the pre-refinement format, where every resource has `role` ("*" when unreserved); with it, no
 * `role`. Returns what differs, so that one failure lists every problem.
 */
function formatProblems(offer: v1.Offer, multiRole: boolean, refinement: boolean): string[] {
  const problems: string[] = [];
  const label = (what: string, value: unknown) => `${what} ${JSON.stringify(value)}`;
  if (multiRole !== (offer.allocation_info !== undefined)) problems.push(label('offer.allocation_info', offer.allocation_info));
  for (const resource of offer.resources ?? []) {
    if (multiRole !== (resource.allocation_info !== undefined)) problems.push(label(`${resource.name}.allocation_info`, resource.allocation_info));
    const wantRole = refinement ? undefined : '*';
    if (resource.role !== wantRole) problems.push(label(`${resource.name}.role`, resource.role));
  }
  return problems;
}

test('the offer format follows the framework\'s MULTI_ROLE and RESERVATION_REFINEMENT capabilities', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const kinds: [string, v1.FrameworkInfo.Capability.Type[], boolean, boolean][] = [
    ['plain', [], false, false],
    ['multi-role', ['MULTI_ROLE'], true, false],
    ['refinement', ['MULTI_ROLE', 'RESERVATION_REFINEMENT'], true, true],
  ];
  const problems: string[] = [];
  for (const [name, capabilities, multiRole, refinement] of kinds) {
    const fw = await subscribe(t, master, frameworkInfo({ name, ...(multiRole ? { roles: ['*'] } : {}), capabilities }));
    const [offer] = await fw.nextOffers(undefined, offersFor(agent));
    problems.push(...formatProblems(offer!, multiRole, refinement).map((p) => `${name}: ${p}`));
    if (name === 'plain') {
      // A non-MULTI_ROLE framework launches with resources as it was offered them.
      await fw.launch(offer!, [{ ...taskFor(offer!, 't1'), resources: resourcesOf('cpus:0.1;mem:32').map((r) => ({ ...r, role: '*' })) }]);
      await agent.nextRunTask('t1');
    } else {
      await fw.decline(offer!, 3600);
    }
    await fw.suppress();
  }
  assert.equal(problems, [], problems.join('; '));
}));

test('DECLINE with refuse_seconds: no re-offer of that agent before the filter expires, a re-offer after', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo());
  const [offer] = await fw.nextOffers(undefined, offersFor(agent));
  const refuseSeconds = 3;
  await fw.decline(offer!, refuseSeconds);
  const declinedAt = Date.now();

  const [reoffer] = await fw.nextOffers(undefined, offersFor(agent));
  const waited = Date.now() - declinedAt;
  // The filter started before the 202 reached us, so allow for the reply's latency.
  assert.ok(waited >= refuseSeconds * 1000 - 250, `re-offered after ${waited} ms, before refuse_seconds=${refuseSeconds}`);
  assert.is.not(reoffer!.id.value, offer!.id.value, 'a new offer id');
  assert.is(scalarOf(reoffer!.resources, 'cpus'), 4);
}));

test('a declined agent goes to another framework while the decliner filters it', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const first = await subscribe(t, master, frameworkInfo({ name: 'first' }));
  const [offer] = await first.nextOffers(undefined, offersFor(agent));
  const second = await subscribe(t, master, frameworkInfo({ name: 'second' }));
  await first.decline(offer!, 3600);
  const [handedOn] = await second.nextOffers(undefined, offersFor(agent));
  assert.is(handedOn!.framework_id.value, second.frameworkId);
  await second.decline(handedOn!, 3600);
  await first.events.expectNone((e) => e.type === 'OFFERS', QUIET_WINDOW_MS, 'offer to a framework that refused the agent for an hour');
}));

test('SUPPRESS stops offers; REVIVE resumes them and clears DECLINE filters', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ roles: ['web'], capabilities: ['MULTI_ROLE'] }));
  const [offer] = await fw.nextOffers(undefined, offersFor(agent));

  await fw.suppress();
  // With no filter the resources would come straight back, but the framework is suppressed.
  await fw.decline(offer!, 0);
  await fw.events.expectNone((e) => e.type === 'OFFERS', QUIET_WINDOW_MS, 'OFFERS while suppressed');

  await fw.revive();
  const [revived] = await fw.nextOffers(undefined, offersFor(agent));
  // A long filter, then REVIVE: revive removes the framework's filters.
  await fw.decline(revived!, 3600);
  await fw.events.expectNone((e) => e.type === 'OFFERS', 500, 'OFFERS right after a one-hour decline');
  await fw.revive(['web']);
  const [afterRevive] = await fw.nextOffers(undefined, offersFor(agent));
  assert.is(afterRevive!.agent_id.value, agent.agentId);
}));

test('SUBSCRIBE with suppressed_roles gets no offers for them until REVIVE; UPDATE_FRAMEWORK can suppress again', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await TestAgent.start(t, master);
  const info = frameworkInfo({ roles: ['web'], capabilities: ['MULTI_ROLE'] });
  const fw = await subscribe(t, master, info, { suppressedRoles: ['web'] });
  await fw.events.expectNone((e) => e.type === 'OFFERS', QUIET_WINDOW_MS, 'OFFERS for a suppressed role');
  await fw.revive(['web']);
  const [offer] = await fw.nextOffers(undefined, offersFor(agent));

  const updated = await fw.updateFramework(info, ['web']);
  assert.is(updated.status, 200);
  await fw.decline(offer!, 0);
  await fw.events.expectNone((e) => e.type === 'OFFERS', QUIET_WINDOW_MS, 'OFFERS after UPDATE_FRAMEWORK suppressed the role');
}));

test('--offer_timeout rescinds an unused offer (RESCIND); launching on it then gives TASK_DROPPED with REASON_INVALID_OFFERS', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, offer_timeout: '500ms' } });
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ capabilities: ['PARTITION_AWARE'] }));
  const [offer] = await fw.nextOffers(undefined, offersFor(agent));

  const rescind = await fw.next('RESCIND');
  assert.is(rescind.rescind?.offer_id.value, offer!.id.value);
  // The resources are offered again, under a new id.
  const [next] = await fw.nextOffers(undefined, offersFor(agent));
  assert.is.not(next!.id.value, offer!.id.value);

  // The rescinded offer is no longer valid.
  await fw.launch(offer!, [taskFor(offer!, 'late')]);
  const status = await fw.nextUpdate('late');
  assert.is(status.state, 'TASK_DROPPED');
  assert.is(status.reason, 'REASON_INVALID_OFFERS');
  assert.is(status.uuid, undefined, 'a master-generated update carries no uuid');
  await agent.events.expectNone((e) => e.type === 'RUN_TASK', 300, 'RUN_TASK for a task on a rescinded offer');
}));

test('a cycle offering more than 50 agents to a framework sends them in OFFERS events of at most 50, each agent once', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agents = await Promise.all(
    Array.from({ length: 60 }, (_, i) => TestAgent.start(t, master, { hostname: `agent-${i}.test`, port: 6000 + i })),
  );
  const fw = await subscribe(t, master, frameworkInfo());
  // The first cycle after SUBSCRIBE offers all 60 agents; its events come out 50 then 10.
  const first = await fw.nextOffers();
  const second = await fw.nextOffers();
  assert.is(first.length, 50);
  assert.is(second.length, 10);
  const offered = new Set([...first, ...second].map((offer) => offer.agent_id.value));
  assert.is(offered.size, 60, 'each agent offered once');
  for (const agent of agents) assert.ok(offered.has(agent.agentId), `${agent.hostname} offered`);
}));

test.run();

// The facade in Mesos's vocabulary: ids, role names and Resource messages in, offers out. Each
// test runs on both cores.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Allocator, type CoreKind } from '../../../lib/allocator/index.ts';
import { MesosError } from '../../../lib/common/errors.ts';
import { parseResourcesOrThrow } from '../../../lib/api/resources-text.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

const CORES: CoreKind[] = ['reference', 'native'];

function res(text: string): v1.Resource[] {
  return parseResourcesOrThrow(text).toArray();
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function scalar(resources: readonly v1.Resource[], name: string): number {
  return resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
}

for (const core of CORES) {
  test(`${core}: one framework is offered a whole agent, with allocation_info and ports`, () => {
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus:4;mem:1024;ports:[31000-32000]'));
    a.addFramework('F1', { roles: ['web'] });
    const offers = a.allocate();
    assert.is(offers.length, 1);
    const [offer] = offers;
    assert.equal([offer!.frameworkId, offer!.role, offer!.agentId], ['F1', 'web', 'S1']);
    assert.is(scalar(offer!.resources, 'cpus'), 4);
    assert.is(scalar(offer!.resources, 'mem'), 1024);
    const ports = offer!.resources.find((r) => r.name === 'ports');
    assert.equal(ports?.ranges?.range, [{ begin: 31000, end: 32000 }]);
    for (const r of offer!.resources) assert.equal(r.allocation_info, { role: 'web' });
    // Everything is allocated now: the next cycle offers nothing.
    assert.equal(a.allocate(), []);
  });

  test(`${core}: reserved resources go only to their role and subroles, with their reservation`, () => {
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus(eng):2;mem(eng):256'));
    a.addFramework('OTHER', { roles: ['ops'] });
    a.addFramework('SUB', { roles: ['eng/ci'] });
    const offers = a.allocate();
    assert.equal(offers.map((o) => [o.frameworkId, o.role]), [['SUB', 'eng/ci']]);
    assert.equal(offers[0]!.resources[0]!.reservations, [{ type: 'STATIC', role: 'eng' }]);
  });

  test(`${core}: a declined offer is filtered for refuse_seconds, then offered again`, () => {
    const c = clock();
    const a = new Allocator({ core, now: c.now });
    a.addAgent('S1', res('cpus:2;mem:512'));
    a.addFramework('F1', { roles: ['r'] });
    const [offer] = a.allocate();
    a.recover('F1', 'S1', 'r', offer!.resources, 10);
    c.advance(5000);
    assert.equal(a.allocate(), [], 'filtered for 10 s');
    const explained = a.explain('F1', 'r');
    assert.is(explained.reason, 'FILTERED');
    assert.is(explained.filters, 1);
    assert.is(explained.filteredAgents, 1);
    c.advance(5001);
    assert.is(a.allocate().length, 1, 'offered again after the filter expired');
  });

  test(`${core}: refuse_seconds follows Mesos: 0 means no filter, negative means 5 s, minimum one interval`, () => {
    const c = clock();
    const a = new Allocator({ core, now: c.now, allocationIntervalMs: 2000 });
    assert.is(a.filterExpiry(0), 0);
    assert.is(a.filterExpiry(-1), c.now() + 5000);
    assert.is(a.filterExpiry(0.5), c.now() + 2000);
    assert.is(a.filterExpiry(1e12), c.now() + 365 * 24 * 3600 * 1000);
  });

  test(`${core}: suppress stops offers and explain says so; revive brings them back`, () => {
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus:2;mem:512'));
    a.addFramework('F1', { roles: ['r'] });
    a.suppress('F1');
    assert.equal(a.allocate(), []);
    assert.is(a.explain('F1').reason, 'SUPPRESSED');
    a.revive('F1');
    assert.is(a.allocate().length, 1);
    assert.is(a.explain('F1').reason, 'OFFERED');
  });

  test(`${core}: a quota limit shrinks offers and explain names it`, () => {
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus:8;mem:8192'));
    a.setQuota('q', {}, { cpus: 2, mem: 1024 });
    a.addFramework('F1', { roles: ['q'] });
    const [offer] = a.allocate();
    assert.is(scalar(offer!.resources, 'cpus'), 2);
    assert.is(scalar(offer!.resources, 'mem'), 1024);
    assert.equal(a.allocate(), []);
    const explained = a.explain('F1', 'q');
    assert.is(explained.reason, 'LIMIT');
    assert.equal(explained.quota.limit, { cpus: 2, mem: 1024 });
    assert.equal(explained.quota.consumed, { cpus: 2, mem: 1024 });
  });

  test(`${core}: a starved framework learns that lower-share frameworks took everything`, () => {
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus:1;mem:128'));
    a.addFramework('A', { roles: ['r'] });
    a.addFramework('B', { roles: ['r'] });
    const offers = a.allocate();
    assert.is(offers.length, 1);
    const starved = offers[0]!.frameworkId === 'A' ? 'B' : 'A';
    const explained = a.explain(starved, 'r');
    assert.is(explained.reason, 'NOTHING_LEFT');
    assert.match(explained.message, /lower shares took everything/);
  });

  test(`${core}: weights divide shares`, () => {
    // Two agents of cpus:1. After one cycle each role holds one agent: share 0.5 each. With
    // role heavy at weight 2, its weighted share is 0.25, so it ranks first.
    const a = new Allocator({ core });
    a.addAgent('S1', res('cpus:1;mem:128'));
    a.addAgent('S2', res('cpus:1;mem:128'));
    a.addFramework('H', { roles: ['heavy'] });
    a.addFramework('L', { roles: ['light'] });
    a.updateWeights({ heavy: 2 });
    a.allocate();
    const heavy = a.explain('H', 'heavy');
    const light = a.explain('L', 'light');
    assert.is(heavy.weight, 2);
    assert.is(heavy.roleShare, 0.25);
    assert.is(light.roleShare, 0.5);
    assert.is(heavy.roleRank, 0);
    assert.is(light.roleRank, 1);
  });
}

test('bad input is rejected with a clear error', () => {
  const a = new Allocator({ core: 'reference' });
  assert.throws(() => a.setQuota('a/b', { cpus: 1 }, {}), (e: unknown) => e instanceof MesosError && /top-level/.test(e.message));
  assert.throws(() => a.addFramework('F', { roles: ['bad role'] }), (e: unknown) => e instanceof MesosError && e.code === 'INVALID_ROLE');
  assert.throws(() => a.updateWeights({ r: 0 }), (e: unknown) => e instanceof MesosError && /positive/.test(e.message));
  assert.throws(() => new Allocator({ core: 'reference', minAllocatableResources: 'cpus:x' }), (e: unknown) => e instanceof MesosError && e.code === 'INVALID_FLAG');
  assert.throws(() => a.recover('NOPE', 'S1', 'r', []), (e: unknown) => e instanceof MesosError && /not known/.test(e.message));
});

test('native and reference cores agree through the facade', () => {
  const build = (core: CoreKind) => {
    const a = new Allocator({ core, seed: 7 });
    for (let i = 0; i < 20; i++) a.addAgent(`S${i}`, res(`cpus:${1 + (i % 4)};mem:${256 * (1 + (i % 3))};ports:[${31000 + i}-${31010 + i}]`));
    for (let i = 0; i < 6; i++) a.addFramework(`F${i}`, { roles: [i % 2 === 0 ? 'x' : 'y/z'] });
    return a;
  };
  const native = build('native');
  const reference = build('reference');
  for (let cycle = 0; cycle < 3; cycle++) {
    const n = native.allocate();
    const r = reference.allocate();
    assert.equal(n, r);
    for (const o of n.slice(0, 3)) {
      native.recover(o.frameworkId, o.agentId, o.role, o.resources, 5);
      reference.recover(o.frameworkId, o.agentId, o.role, o.resources, 5);
    }
  }
});

test.run();

// The reference allocator core (lib/allocator/reference) against docs/allocator.md. Each scenario
// is built with EventWriter, as the facade would send it, and reads the decisions back through
// the protocol. Shares are worked out in the comments, as Mesos's sorter tests do: a share is the
// largest allocation/total ratio over the scalars, divided by the weight.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MesosError } from '../../../lib/common/errors.ts';
import {
  EventWriter, Op, SORTER_DRF, SORTER_RANDOM, Skip, StreamReader, UNRESERVED, emptyBundle,
  type Bundle, type CoreExplain, type Decisions, type Pooled,
} from '../../../lib/allocator/protocol.ts';
import { ReferenceAllocatorCore } from '../../../lib/allocator/reference/index.ts';
import { Xorshift32, weightedShuffle } from '../../../lib/allocator/reference/random.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

const INDEX = { cpus: 0, mem: 1, disk: 2, gpus: 3 } as const;
const NAMES = ['cpus', 'mem', 'disk', 'gpus'];
const PORTS = 0;
type Q = Partial<Record<keyof typeof INDEX, number>>;

/** Whole units to milli-units: {cpus: 0.5} is scalar 0 at 500. */
function scalars(q: Q): Map<number, number> {
  const out = new Map<number, number>();
  for (const [name, v] of Object.entries(q)) out.set(INDEX[name as keyof typeof INDEX], Math.round(v * 1000));
  return out;
}

function bundle(q: Q, extra: { ports?: [number, number][]; sets?: [number, number[]][] } = {}): Bundle {
  const b = emptyBundle();
  b.scalars = scalars(q);
  if (extra.ports) b.ranges.set(PORTS, extra.ports);
  for (const [name, items] of extra.sets ?? []) b.sets.set(name, items);
  return b;
}

function free(q: Q, extra?: { ports?: [number, number][]; sets?: [number, number[]][] }): Pooled {
  return new Map([[UNRESERVED, bundle(q, extra)]]);
}

function reserved(role: number, q: Q): Pooled {
  return new Map([[role, bundle(q)]]);
}

interface Offer {
  f: number;
  r: number;
  a: number;
  resources: Pooled;
}

function decode(d: Decisions): Offer[] {
  const out: Offer[] = [];
  for (let i = 0; i < d.count; i++) {
    const reader = new StreamReader(d.payload);
    reader.pos = d.offers[i * 4 + 3]!;
    out.push({ f: d.offers[i * 4]!, r: d.offers[i * 4 + 1]!, a: d.offers[i * 4 + 2]!, resources: reader.pooled('offer') });
  }
  return out;
}

/** "cpus:2;mem:100;cpus(r0):1;ports:[1-5]", in payload order. */
function format(p: Pooled): string {
  const parts: string[] = [];
  for (const [pool, b] of p) {
    const at = pool === UNRESERVED ? '' : `(r${pool})`;
    for (const [k, v] of b.scalars) parts.push(`${NAMES[k]}${at}:${v / 1000}`);
    for (const [name, list] of b.ranges) parts.push(`${name === PORTS ? 'ports' : `range${name}`}${at}:[${list.map(([lo, hi]) => `${lo}-${hi}`).join(',')}]`);
    for (const [name, items] of b.sets) parts.push(`set${name}${at}:{${items.join(',')}}`);
  }
  return parts.join(';');
}

function show(offers: Offer[]): string[] {
  return offers.map((o) => `f${o.f} r${o.r} a${o.a} ${format(o.resources)}`);
}

interface Config {
  seed?: number;
  gpuScalar?: number;
  excluded?: number[];
  defaultMinAllocatable?: Map<number, number>[];
  roleSorter?: number;
  frameworkSorter?: number;
}

/** A core plus a writer; every read flushes the events written so far as one batch. */
class Harness {
  readonly core = new ReferenceAllocatorCore();
  readonly w = new EventWriter();

  constructor(config: Config = {}) {
    this.w.configure({
      seed: 1,
      gpuScalar: INDEX.gpus,
      excluded: [],
      defaultMinAllocatable: [scalars({ cpus: 0.01 }), scalars({ mem: 32 })],
      roleSorter: SORTER_DRF,
      frameworkSorter: SORTER_DRF,
      ...config,
    });
  }

  flush(): void {
    if (this.w.length > 0) this.core.apply(this.w.take());
  }

  cycle(now = 0): Offer[] {
    this.flush();
    return decode(this.core.allocate(now));
  }

  allocate(now = 0): string[] {
    return show(this.cycle(now));
  }

  explain(f: number, r: number): CoreExplain {
    this.flush();
    return this.core.explain(f, r);
  }

  /** Gives every offer back, with a filter until `expiry` when it is > 0. */
  recoverAll(offers: Offer[], expiry = 0): void {
    for (const o of offers) this.w.recover(o.f, o.a, o.r, o.resources, expiry);
  }
}

function rejects(fn: () => void, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, MesosError);
    assert.is((error as MesosError).code, 'INVALID_ALLOCATOR_EVENT');
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected INVALID_ALLOCATOR_EVENT matching ${pattern}`);
}

function ranks(h: Harness, pairs: [number, number][]): number[] {
  return pairs.map(([f, r]) => h.explain(f, r).rank);
}

// ---------------------------------------------------------------------------------------------
// DRF order

test('frameworks are visited by ascending share: the lowest takes the agent', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 10, mem: 100 }), true);
  h.w.addFramework(0, 'fw-0', [0], false, true, []).addFramework(1, 'fw-1', [0], false, true, []).addFramework(2, 'fw-2', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 2, mem: 10 })); // f0: max(2/10, 10/100) = 0.2
  h.w.addAllocation(1, 0, 0, free({ cpus: 1, mem: 30 })); // f1: max(1/10, 30/100) = 0.3
  // f2 holds nothing: 0.
  assert.equal([h.explain(2, 0).share, h.explain(0, 0).share, h.explain(1, 0).share], [0, 0.2, 0.3]);
  assert.equal(ranks(h, [[2, 0], [0, 0], [1, 0]]), [0, 1, 2]);

  // f2 comes first and takes all that is left; the agent is then empty and nobody else is visited.
  assert.equal(h.allocate(), ['f2 r0 a0 cpus:7;mem:60']);
  const f0 = h.explain(0, 0);
  assert.equal(f0.skips, [0, 0, 0, 0, 0]);
  assert.equal(f0.offered, new Map());
  // f2 now holds max(7/10, 60/100) = 0.7 and sorts last.
  assert.is(h.explain(2, 0).share, 0.7);
  assert.equal(ranks(h, [[0, 0], [1, 0], [2, 0]]), [0, 1, 2]);
});

test('equal shares sort by allocation count, then by path', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 400 }), true);
  h.w.addFramework(0, 'b', [0], false, true, []).addFramework(1, 'a', [0], false, true, []).addFramework(2, 'c', [0], false, true, []);
  // All shares 0 and counts 0: by path, a (f1), b (f0), c (f2).
  assert.equal(ranks(h, [[1, 0], [0, 0], [2, 0]]), [0, 1, 2]);
  // Allocating and recovering leaves f1 at share 0 with count 1: it now comes after the count-0
  // frameworks although its path is the smallest. Recovering never lowers a count.
  h.w.addAllocation(1, 0, 0, free({ cpus: 1 })).recover(1, 0, 0, free({ cpus: 1 }), 0);
  assert.equal(ranks(h, [[0, 0], [2, 0], [1, 0]]), [0, 1, 2]);
  assert.is(h.explain(1, 0).share, 0);
});

test('two agents and two frameworks: DRF gives one agent to each', () => {
  const h = new Harness({ seed: 12345 });
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 2, mem: 200 }), true).addAgent(1, free({ cpus: 2, mem: 200 }), true);
  h.w.addFramework(0, 'a', [0], false, true, []).addFramework(1, 'b', [0], false, true, []);
  // The first agent visited goes to f0 (share 0, path a), whose share becomes 0.5; the second
  // goes to f1, at share 0.
  const offers = h.cycle();
  assert.equal(offers.map((o) => o.f), [0, 1]);
  assert.equal(new Set(offers.map((o) => o.a)), new Set([0, 1]));
  assert.is(h.explain(0, 0).candidates, 2);
});

test('weights divide role shares', () => {
  const h = new Harness();
  h.w.addRole(0, 'x', -1).addRole(1, 'y', -1).setWeight(0, 2);
  h.w.addAgent(0, free({ cpus: 10, mem: 100 }), true);
  h.w.addFramework(0, 'fx', [0], false, true, []).addFramework(1, 'fy', [1], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 4 })); // x: (4/10) / 2 = 0.2
  h.w.addAllocation(1, 0, 1, free({ cpus: 3 })); // y: (3/10) / 1 = 0.3
  const x = h.explain(0, 0);
  const y = h.explain(1, 1);
  assert.equal([x.roleShare, x.roleRank, x.weight], [0.2, 0, 2]);
  assert.equal([y.roleShare, y.roleRank, y.weight], [0.3, 1, 1]);
  // The framework share inside a role is not weighted.
  assert.is(x.share, 0.4);
  // Without the weight x (0.4) would follow y (0.3); with it, x takes what is left.
  assert.equal(h.allocate(), ['f0 r0 a0 cpus:3;mem:100']);
});

test('hierarchical roles: a role with frameworks and subroles gets a virtual leaf', () => {
  const h = new Harness();
  h.w.addRole(0, 'a', -1).addRole(1, 'a/b', 0).addRole(2, 'c', -1);
  h.w.addAgent(0, free({ cpus: 100, mem: 1000 }), true);
  h.w.addFramework(0, 'fa', [0], false, true, []).addFramework(1, 'fab', [1], false, true, []).addFramework(2, 'fc', [2], false, true, []);
  // Everything at 0: a before c by path, and inside a, "a/." before "a/b". Pre-order: a, a/b, c.
  assert.equal([h.explain(0, 0).roleRank, h.explain(1, 1).roleRank, h.explain(2, 2).roleRank], [0, 1, 2]);

  h.w.addAllocation(0, 0, 0, free({ cpus: 10 })); // a/. = 10/100 = 0.1
  h.w.addAllocation(1, 0, 1, free({ cpus: 5 })); //  a/b = 5/100 = 0.05, so node a = 15/100 = 0.15
  h.w.addAllocation(2, 0, 2, free({ cpus: 20 })); // c = 0.2
  // Top level: a (0.15) < c (0.2); inside a: a/b (0.05) < a/. (0.1). Pre-order: a/b, a, c.
  const a = h.explain(0, 0);
  assert.equal([a.roleShare, a.roleRank], [0.1, 1]);
  assert.equal([h.explain(1, 1).roleRank, h.explain(2, 2).roleRank], [0, 2]);
  assert.is(h.explain(1, 1).roleShare, 0.05);

  // When a/b loses its framework, a is a plain leaf again.
  h.w.removeFramework(1);
  assert.equal([h.explain(0, 0).roleShare, h.explain(0, 0).roleRank, h.explain(2, 2).roleRank], [0.1, 0, 1]);
});

test('allocation counts also count on ancestor roles', () => {
  const h = new Harness();
  h.w.addRole(0, 'a', -1).addRole(1, 'a/x', 0).addRole(2, 'b', -1);
  h.w.addAgent(0, free({ cpus: 10, mem: 100 }), true);
  h.w.addFramework(0, 'f-ax', [1], false, true, []).addFramework(1, 'f-b', [2], false, true, []);
  assert.equal([h.explain(0, 1).roleRank, h.explain(1, 2).roleRank], [0, 1]);
  // One allocated() on a/x bumps a/x and a to count 1; shares go back to 0. Node a now sorts
  // after b (count 0) although "a" < "b".
  h.w.addAllocation(0, 0, 1, free({ cpus: 1 })).recover(0, 0, 1, free({ cpus: 1 }), 0);
  assert.equal([h.explain(1, 2).roleRank, h.explain(0, 1).roleRank], [0, 1]);
});

test("counts follow Mesos's tree: a new virtual leaf inherits its leaf's count, a collapsed node keeps its own", () => {
  const h = new Harness();
  h.w.addRole(0, 'a', -1).addRole(1, 'a/b', 0).addRole(2, 'c', -1);
  h.w.addAgent(0, free({ cpus: 10, mem: 100 }), true);
  h.w.addFramework(0, 'fa', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 1 })).recover(0, 0, 0, free({ cpus: 1 }), 0); // leaf a: count 1
  // a/b arrives: a becomes internal, and its client moves to a/. with count 1. Shares are all 0,
  // so a/b (count 0) sorts before a/. although "." < "b".
  h.w.addFramework(1, 'fab', [1], false, true, []);
  assert.equal([h.explain(1, 1).roleRank, h.explain(0, 0).roleRank], [0, 1]);
  // Two allocations on a/b bring node a to count 3 (a/. stays at 1). When a/b leaves, a is a
  // leaf again with node a's count, 3, so c (count 2) sorts before it; with a/.'s count, 1, it
  // would not.
  h.w.addFramework(2, 'fc', [2], false, true, []);
  for (let i = 0; i < 2; i++) {
    h.w.addAllocation(1, 0, 1, free({ cpus: 1 })).recover(1, 0, 1, free({ cpus: 1 }), 0);
    h.w.addAllocation(2, 0, 2, free({ cpus: 1 })).recover(2, 0, 2, free({ cpus: 1 }), 0);
  }
  h.w.removeFramework(1);
  assert.equal([h.explain(2, 2).roleRank, h.explain(0, 0).roleRank], [0, 1]);
});

// ---------------------------------------------------------------------------------------------
// Quota

test('stage 1 serves an unsatisfied guarantee before fair sharing', () => {
  const h = new Harness();
  h.w.addRole(0, 'q', -1).addRole(1, 'o', -1).setQuota(0, scalars({ cpus: 6 }), new Map());
  for (let a = 0; a < 4; a++) h.w.addAgent(a, free({ cpus: 2, mem: 100 }), true);
  h.w.addFramework(0, 'fq', [0], false, true, []).addFramework(1, 'fo', [1], false, true, []);
  // Stage 1: q is owed cpus:6. free = 8, required = 6, surplus = 2; q may take surplus +
  // unsatisfied = 8, so it takes each agent whole: owed 6 → 4 → 2 → 0 after three agents.
  // Stage 2: o (share 0) comes before q (6/8 = 0.75) and takes the last agent (surplus 2).
  // Plain DRF would have split the agents 2 and 2.
  const offers = h.cycle();
  assert.is(offers.filter((o) => o.f === 0).length, 3);
  assert.is(offers.filter((o) => o.f === 1).length, 1);
  for (const line of show(offers)) assert.match(line, / cpus:2;mem:100$/);
  const q = h.explain(0, 0);
  assert.equal(q.guarantee, scalars({ cpus: 6 }));
  assert.equal(q.consumed, scalars({ cpus: 6, mem: 300 }));
  assert.equal(q.offered, scalars({ cpus: 6, mem: 300 }));
});

test('a quota limit shrinks the offer, then the visit ends in LIMIT', () => {
  const h = new Harness();
  h.w.addRole(0, 'q', -1).setQuota(0, new Map(), scalars({ cpus: 3 }));
  h.w.addAgent(0, free({ cpus: 8, mem: 4096 }), true);
  h.w.addFramework(0, 'fq', [0], false, true, []);
  // limitRoom(q) = 3 cpus and unbounded mem.
  assert.equal(h.allocate(), ['f0 r0 a0 cpus:3;mem:4096']);
  // Left: cpus:5, all of it held back by limitRoom = 3 - 3 = 0.
  assert.equal(h.allocate(1), []);
  const e = h.explain(0, 0);
  assert.is(e.skips[Skip.LIMIT], 1);
  assert.equal(e.limit, scalars({ cpus: 3 }));
  assert.equal(e.consumed, scalars({ cpus: 3, mem: 4096 }));
  assert.equal(e.offered, new Map());
});

test('headroom keeps an unsatisfied guarantee away from a role without quota', () => {
  const h = new Harness();
  h.w.addRole(0, 'q', -1).addRole(1, 'o', -1).setQuota(0, scalars({ cpus: 4 }), new Map());
  h.w.addAgent(0, free({ cpus: 10, mem: 100 }), true);
  // fq is suppressed, so q stays owed; o may only take the surplus: 10 - 4 = 6 cpus.
  h.w.addFramework(0, 'fq', [0], false, true, [0]).addFramework(1, 'fo', [1], false, true, []);
  assert.equal(h.allocate(), ['f1 r1 a0 cpus:6;mem:100']);
  const q = h.explain(0, 0);
  assert.equal([q.suppressed, q.rank, q.active], [true, -1, true]);
  // Revived, fq gets exactly its guarantee: surplus 4 - 4 = 0, plus unsatisfied 4.
  h.w.revive(0, []);
  assert.equal(h.allocate(1), ['f0 r0 a0 cpus:4']);
});

test('an offer emptied by headroom is NOTHING_LEFT; LIMIT is only for offers emptied by a limit', () => {
  const h = new Harness();
  h.w.addRole(0, 'q', -1).addRole(1, 'o', -1).setQuota(0, scalars({ cpus: 4 }), new Map());
  h.w.addAgent(0, free({ cpus: 4 }), true);
  // fq is suppressed; o may take surplus = 4 - 4 = 0 cpus, though nothing limits o.
  h.w.addFramework(0, 'fq', [0], false, true, [0]).addFramework(1, 'fo', [1], false, true, []);
  assert.equal(h.allocate(), []);
  assert.equal(h.explain(1, 1).skips, [0, 1, 0, 0, 0]);
});

// ---------------------------------------------------------------------------------------------
// Reservations and offer shape

test('reservations are offered to their role and its subroles only', () => {
  const h = new Harness();
  h.w.addRole(0, 'dev', -1).addRole(1, 'dev/x', 0).addRole(2, 'ops', -1);
  h.w.addAgent(0, reserved(0, { cpus: 2, mem: 100 }), true); // reserved to dev
  h.w.addAgent(1, reserved(1, { cpus: 1, mem: 50 }), true); //  reserved to dev/x
  h.w.addFramework(0, 'f-devx', [1], false, true, []).addFramework(1, 'f-ops', [2], false, true, []).addFramework(2, 'f-dev', [0], false, true, []);
  // Whatever the agent order: dev/. sorts before dev/x (path, or share), so f-dev takes agent 0;
  // agent 1's dev/x reservation is not allocatable to dev and goes to f-devx; ops gets nothing.
  assert.equal(h.allocate(), ['f0 r1 a1 cpus(r1):1;mem(r1):50', 'f2 r0 a0 cpus(r0):2;mem(r0):100']);
  assert.equal(h.explain(1, 2).offered, new Map());
  // Reservations count as consumption of the top-level role, allocated or not.
  assert.equal(h.explain(0, 1).consumed, scalars({ cpus: 3, mem: 150 }));

  const sub = new Harness();
  sub.w.addRole(0, 'dev', -1).addRole(1, 'dev/x', 0).addAgent(0, reserved(0, { cpus: 2, mem: 100 }), true);
  sub.w.addFramework(0, 'f-devx', [1], false, true, []);
  assert.equal(sub.allocate(), ['f0 r1 a0 cpus(r0):2;mem(r0):100']);
});

test('offers are encoded canonically: pools, scalars and names ascending, ranges coalesced', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1);
  const unreservedPart = emptyBundle();
  unreservedPart.scalars = new Map([[1, 7000], [0, 2000], [2, 0]]);
  unreservedPart.ranges = new Map([[0, [[10, 12], [1, 3], [4, 5]]], [3, []]]);
  unreservedPart.sets = new Map([[5, [3, 1, 3]], [2, [9]]]);
  const reservedPart = emptyBundle();
  reservedPart.scalars = new Map([[1, 5000], [0, 1000]]);
  h.w.addAgent(0, new Map([[0, reservedPart], [UNRESERVED, unreservedPart]]), true);
  h.w.addFramework(0, 'f', [0], false, true, []);
  h.flush();
  const d = h.core.allocate(0);
  assert.is(d.count, 1);
  assert.equal([...d.offers], [0, 0, 0, 0]);
  assert.equal([...d.payload], [
    2, // pools
    -1, 2, 0, 2000, 1, 7000, 1, 0, 2, 1, 5, 10, 12, 2, 2, 1, 9, 5, 2, 1, 3,
    0, 2, 0, 1000, 1, 5000, 0, 0,
  ]);
});

test('min_allocatable: an offer below every group is skipped; a framework override applies', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ disk: 100 }), true).addFramework(0, 'f', [0], false, true, []);
  // disk:100 meets neither cpus:0.01 nor mem:32.
  assert.equal(h.allocate(), []);
  assert.is(h.explain(0, 0).skips[Skip.MIN_ALLOCATABLE], 1);
  h.w.setMinAllocatable(0, 0, [scalars({ disk: 50 })]);
  assert.equal(h.allocate(1), ['f0 r0 a0 disk:100']);
  // No groups removes the override: the default applies again.
  h.w.recover(0, 0, 0, free({ disk: 100 }), 0).setMinAllocatable(0, 0, []);
  assert.equal(h.allocate(2), []);
  // An empty default accepts anything.
  const any = new Harness({ defaultMinAllocatable: [] });
  any.w.addRole(0, 'r', -1).addAgent(0, free({ disk: 0.001 }), true).addFramework(0, 'f', [0], false, true, []);
  assert.equal(any.allocate(), ['f0 r0 a0 disk:0.001']);
});

test('a GPU agent is skipped for frameworks without GPU_RESOURCES', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 100, gpus: 1 }), true);
  h.w.addFramework(0, 'a-no-gpu', [0], false, true, []).addFramework(1, 'b-gpu', [0], true, true, []);
  assert.equal(h.allocate(), ['f1 r0 a0 cpus:4;mem:100;gpus:1']);
  assert.equal(h.explain(0, 0).skips, [1, 0, 0, 0, 0]);
});

// ---------------------------------------------------------------------------------------------
// Filters, suppression, activation

test('filters block offers they contain; a bigger offer gets through; they expire', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 1024 }), true).addFramework(0, 'f', [0], false, true, []);
  const first = h.cycle(0);
  assert.equal(show(first), ['f0 r0 a0 cpus:4;mem:1024']);
  h.recoverAll(first, 5000);
  assert.equal(h.allocate(100), []);
  let e = h.explain(0, 0);
  assert.equal([e.skips[Skip.FILTERED], e.filters, e.filteredAgents], [1, 1, 1]);
  // The agent grows: cpus:6 is not contained in the filter's cpus:4.
  h.w.updateAgent(0, free({ cpus: 6, mem: 1024 }));
  const bigger = h.cycle(200);
  assert.equal(show(bigger), ['f0 r0 a0 cpus:6;mem:1024']);
  // Filter this one too: blocked until its expiry, offered at it.
  h.recoverAll(bigger, 5000);
  assert.equal(h.allocate(4999), []);
  assert.equal(h.allocate(5000), ['f0 r0 a0 cpus:6;mem:1024']);
  e = h.explain(0, 0);
  assert.equal([e.filters, e.filteredAgents], [0, 0]);
});

test('suppress keeps filters; revive reactivates and clears them', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 1024 }), true).addFramework(0, 'f', [0], false, true, []);
  h.recoverAll(h.cycle(0), 1e9);
  h.w.suppress(0, []);
  assert.equal(h.allocate(1), []);
  let e = h.explain(0, 0);
  assert.equal([e.suppressed, e.rank, e.filters], [true, -1, 1]);
  // Suppressed, f is not in its sorter's order, so it is not even visited.
  assert.equal(e.skips, [0, 0, 0, 0, 0]);
  h.w.revive(0, [0]);
  e = h.explain(0, 0);
  assert.equal([e.suppressed, e.rank, e.filters], [false, 0, 0]);
  assert.equal(h.allocate(2), ['f0 r0 a0 cpus:4;mem:1024']);
});

test('deactivating a framework clears its filters; it gets offers again once activated', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 1024 }), true).addFramework(0, 'f', [0], false, true, []);
  h.recoverAll(h.cycle(0), 1e9);
  h.w.deactivateFramework(0);
  assert.equal(h.allocate(1), []);
  const e = h.explain(0, 0);
  assert.equal([e.active, e.rank, e.filters, e.filteredAgents], [false, -1, 0, 0]);
  h.w.activateFramework(0);
  assert.equal(h.allocate(2), ['f0 r0 a0 cpus:4;mem:1024']);
});

test('a deactivated agent is not a candidate', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 1, mem: 64 }), false).addAgent(1, free({ cpus: 2, mem: 64 }), true);
  h.w.addFramework(0, 'f', [0], false, true, []);
  assert.equal(h.allocate(), ['f0 r0 a1 cpus:2;mem:64']);
  assert.is(h.explain(0, 0).candidates, 1);
  h.w.activateAgent(0).deactivateAgent(1);
  assert.equal(h.allocate(1), ['f0 r0 a0 cpus:1;mem:64']);
});

// ---------------------------------------------------------------------------------------------
// Framework and agent lifecycle

test('removing a framework gives back everything it holds', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 100 }), true);
  h.w.addFramework(0, 'a', [0], false, true, []).addFramework(1, 'b', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 4, mem: 100 }));
  assert.equal(h.allocate(), []);
  h.w.removeFramework(0);
  assert.equal(h.allocate(1), ['f1 r0 a0 cpus:4;mem:100']);
  rejects(() => h.explain(0, 0), /unknown framework 0/);
  // The index may come back as a new framework.
  h.w.addFramework(0, 'a-again', [0], false, true, []);
  assert.equal(h.explain(0, 0).share, 0);
});

test('dropping a role in UPDATE_FRAMEWORK gives back its allocations and its filters', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addRole(1, 's', -1).addAgent(0, free({ cpus: 4, mem: 100 }), true).addAgent(1, free({ cpus: 2, mem: 50 }), true);
  h.w.addFramework(0, 'f', [0, 1], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 4, mem: 100 }));
  // Cycle 0: agent 0 is full; on agent 1, s (share 0) comes before r (4/6), so f takes it in s,
  // and declines it with a filter.
  h.recoverAll(h.cycle(0), 1e9);
  h.w.updateFramework(0, [1], []);
  // Agent 0 is free again and goes to f in s; agent 1 stays filtered there.
  assert.equal(h.allocate(1), ['f0 r1 a0 cpus:4;mem:100']);
  assert.is(h.explain(0, 1).skips[Skip.FILTERED], 1);
  assert.is(h.explain(0, 1).share, 4 / 6);
  assert.equal([h.explain(0, 0).share, h.explain(0, 0).rank], [0, -1]);
});

test('removing an agent drops its allocations and filters and shrinks the cluster total', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 2, mem: 100 }), true).addAgent(1, free({ cpus: 2, mem: 100 }), true);
  h.w.addFramework(0, 'f', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 2, mem: 100 }));
  h.recoverAll(h.cycle(0), 1e9); // f gets agent 1 and declines it with a filter
  let e = h.explain(0, 0);
  // f holds agent 0: max(2/4, 100/200) = 0.5.
  assert.equal([e.share, e.filteredAgents], [0.5, 1]);
  h.w.removeAgent(0);
  e = h.explain(0, 0);
  assert.equal([e.share, e.filteredAgents], [0, 1]);
  h.w.removeAgent(1);
  e = h.explain(0, 0);
  assert.equal([e.filters, e.filteredAgents], [0, 0]);
  assert.equal(h.allocate(1), []);
  assert.is(h.explain(0, 0).candidates, 0);
});

test('CONVERT moves allocated resources between pools; UPDATE_AGENT changes the total', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 4, mem: 100 }), true).addFramework(0, 'f', [0], false, true, []);
  assert.equal(h.allocate(), ['f0 r0 a0 cpus:4;mem:100']);
  // The framework reserves 2 of its offered cpus to r.
  h.w.convert(0, 0, 0, free({ cpus: 2 }), reserved(0, { cpus: 2 }));
  // consumed(r): the reservation (2) plus the unreserved allocation (2).
  assert.equal(h.explain(0, 0).consumed, scalars({ cpus: 4, mem: 100 }));
  h.w.recover(0, 0, 0, new Map([[UNRESERVED, bundle({ cpus: 2, mem: 100 })], [0, bundle({ cpus: 2 })]]), 0);
  const held = h.cycle(1);
  assert.equal(show(held), ['f0 r0 a0 cpus:2;mem:100;cpus(r0):2']);
  // The operator cannot unreserve what is allocated...
  rejects(
    () => h.core.apply(new EventWriter().updateAgent(0, free({ cpus: 4, mem: 100 })).take()),
    /^event 0 \(UPDATE_AGENT at offset 0\): the new total of agent 0 does not cover what is allocated on it$/,
  );
  // ...but can once it is back.
  h.recoverAll(held);
  h.w.updateAgent(0, free({ cpus: 4, mem: 100 }));
  assert.equal(h.allocate(2), ['f0 r0 a0 cpus:4;mem:100']);
  assert.equal(h.explain(0, 0).consumed, scalars({ cpus: 4, mem: 100 }));
});

test('ADD_ALLOCATION counts as an allocation and must fit what is available', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addRole(1, 's', -1).addAgent(0, free({ cpus: 4, mem: 100 }, { ports: [[1000, 1999]] }), true);
  h.w.addFramework(0, 'f', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 1, mem: 25 }, { ports: [[1000, 1009]] }));
  // max(1/4, 25/100) = 0.25.
  assert.is(h.explain(0, 0).share, 0.25);
  assert.equal(h.allocate(), ['f0 r0 a0 cpus:3;mem:75;ports:[1010-1999]']);
  rejects(() => h.core.apply(new EventWriter().addAllocation(0, 0, 0, free({ cpus: 1 })).take()), /event 0 \(ADD_ALLOCATION at offset 0\): the allocation does not fit/);
  rejects(() => h.core.apply(new EventWriter().addAllocation(0, 0, 1, free({})).take()), /not subscribed to role 1/);
});

// ---------------------------------------------------------------------------------------------
// Random sorters and the generator

test('xorshift32 matches a BigInt model; 0 seeds with 0x9E3779B9', () => {
  const model = (seed: number, n: number): number[] => {
    let x = BigInt(seed === 0 ? 0x9e3779b9 : seed);
    const mask = 0xffffffffn;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      x ^= (x << 13n) & mask;
      x ^= x >> 17n;
      x ^= (x << 5n) & mask;
      out.push(Number(x));
    }
    return out;
  };
  for (const seed of [1, 0, 0xffffffff, 123456789, 0x80000000]) {
    const rng = new Xorshift32(seed);
    assert.equal(Array.from({ length: 50 }, () => rng.next()), model(seed, 50), `seed ${seed}`);
  }
  assert.is(new Xorshift32(1).next(), 270369);
  // Fisher-Yates from the end: j = next() % (i + 1).
  const draws = model(7, 4);
  const expected = [0, 1, 2, 3, 4];
  for (let i = 4, d = 0; i >= 1; i--, d++) {
    const j = draws[d]! % (i + 1);
    [expected[i], expected[j]] = [expected[j]!, expected[i]!];
  }
  const items = [0, 1, 2, 3, 4];
  new Xorshift32(7).shuffle(items);
  assert.equal(items, expected);
});

test('the weighted shuffle: integer weights take the fast path and agree with the literal scan', () => {
  const literal = (clients: number[], weights: number[], rng: Xorshift32): number[] => {
    const left = clients.slice();
    const w = weights.slice();
    const out: number[] = [];
    while (left.length > 0) {
      const sum = w.reduce((s, x) => s + x, 0);
      const u = (rng.next() / 2 ** 32) * sum;
      let cumulative = 0;
      let pick = 0;
      while ((cumulative += w[pick]!) <= u) pick++;
      out.push(...left.splice(pick, 1));
      w.splice(pick, 1);
    }
    return out;
  };
  for (let seed = 1; seed <= 40; seed++) {
    const n = seed % 9;
    const clients = Array.from({ length: n }, (_, i) => i * 10);
    const integral = clients.map((_, i) => 1 + ((seed * 7 + i * 13) % 5));
    assert.equal(weightedShuffle(clients, integral, new Xorshift32(seed)), literal(clients, integral, new Xorshift32(seed)));
    const fractional = integral.map((w) => w / 3);
    assert.equal(weightedShuffle(clients, fractional, new Xorshift32(seed)), literal(clients, fractional, new Xorshift32(seed)));
  }
  // Weights [1, 3], first draw 2^31: u = 0.5 * 4 = 2 lands in the second client's span (1, 4].
  const rng = { next: () => 2 ** 31 } as unknown as Xorshift32;
  assert.equal(weightedShuffle([5, 6], [1, 3], rng), [6, 5]);
});

test('the agent order: shuffled once, then reshuffled for stage 2', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const h = new Harness({ seed });
    h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 1, mem: 64 }), true).addAgent(1, free({ cpus: 2, mem: 64 }), true);
    h.w.addFramework(0, 'a', [0], false, true, []).addFramework(1, 'b', [0], false, true, []);
    // Two shuffles of [a0, a1] (stage 1 walks nobody: no quota); the first agent of the final
    // order goes to f0, the lowest share and path.
    const rng = new Xorshift32(seed);
    const order = [0, 1];
    rng.shuffle(order);
    rng.shuffle(order);
    const f0 = h.cycle().find((o) => o.f === 0)!;
    assert.is(f0.a, order[0], `seed ${seed}`);
  }
});

test('random sorters draw from the one generator: agents with nothing available take no draw', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const h = new Harness({ seed, roleSorter: SORTER_RANDOM, frameworkSorter: SORTER_RANDOM });
    h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 1, mem: 64 }), true).addAgent(1, free({ cpus: 1, mem: 64 }), true);
    h.w.addFramework(0, 'a', [0], false, true, []).addFramework(1, 'b', [0], false, true, []).addFramework(2, 'c', [0], false, true, []);
    h.w.addAllocation(0, 0, 0, free({ cpus: 1, mem: 64 })); // agent 0 is full
    // Draws: 1 the candidate shuffle; 2 stage 1's role order on agent 1 (r owes nothing, so its
    // frameworks are not sorted); 3 the reshuffle; 4 stage 2's role order on agent 1; 5 the first
    // pick of the framework order, whose winner takes agent 1. Agent 0 takes no draw.
    const rng = new Xorshift32(seed);
    for (let i = 0; i < 4; i++) rng.next();
    const winner = Math.floor((rng.next() / 2 ** 32) * 3);
    assert.equal(h.allocate(), [`f${winner} r0 a1 cpus:1;mem:64`], `seed ${seed}`);
  }
});

test('random sorters: the same seed and events give the same decisions', () => {
  const run = (seed: number): string[][] => {
    const h = new Harness({ seed, roleSorter: SORTER_RANDOM, frameworkSorter: SORTER_RANDOM });
    h.w.addRole(0, 'a', -1).addRole(1, 'b', -1).addRole(2, 'b/c', 1).setWeight(1, 2.5);
    for (let f = 0; f < 6; f++) h.w.addFramework(f, `fw-${f}`, [f % 3], false, true, []);
    for (let a = 0; a < 6; a++) h.w.addAgent(a, free({ cpus: 1, mem: 64 }), true);
    const cycles: string[][] = [];
    for (let c = 0; c < 4; c++) {
      const offers = h.cycle(c);
      cycles.push(show(offers));
      h.recoverAll(offers);
    }
    const e = h.explain(0, 0);
    assert.equal([e.rank, e.roleRank], [-1, -1]);
    return cycles;
  };
  const first = run(99);
  assert.equal(run(99), first);
  // Every agent is offered whole to someone in every cycle.
  for (const cycle of first) assert.is(cycle.length, 6);
  assert.ok(new Set(first.flat().map((line) => line.split(' ')[0])).size > 1, 'offers spread over frameworks');
});

// ---------------------------------------------------------------------------------------------
// Explain

test('explain reports the last cycle: candidates, offered, skips by reason', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1);
  h.w.addAgent(0, free({ cpus: 1, mem: 64 }), true).addAgent(1, free({ cpus: 1, mem: 64 }), true);
  h.w.addAgent(2, free({ cpus: 1, mem: 64, gpus: 1 }), true).addAgent(3, free({ cpus: 1, mem: 64 }), false);
  h.w.addFramework(0, 'f', [0], false, true, []);
  const offers = h.cycle(0);
  assert.equal(offers.map((o) => o.a).sort(), [0, 1]);
  let e = h.explain(0, 0);
  assert.is(e.candidates, 3);
  assert.equal(e.offered, scalars({ cpus: 2, mem: 128 }));
  // Agent 2 has gpus and f lacks the capability; stage 2 visits it once (stage 1 is skipped:
  // no quota).
  assert.equal(e.skips, [1, 0, 0, 0, 0]);
  assert.equal([e.share, e.rank, e.roleShare, e.roleRank, e.weight], [2 / 4, 0, 2 / 4, 0, 1]);
  // The next cycle starts the counters over: agents 0 and 1 are full and not visited, agent 2
  // is skipped again.
  h.cycle(1);
  e = h.explain(0, 0);
  assert.equal([e.skips, e.offered, e.candidates], [[1, 0, 0, 0, 0], new Map(), 3]);
  rejects(() => h.explain(0, 9), /unknown role 9/);
});

// ---------------------------------------------------------------------------------------------
// Bad events

test('a malformed batch is rejected whole: nothing applies', () => {
  const setup = (): Harness => {
    const h = new Harness();
    h.w.addRole(0, 'r', -1).addAgent(0, free({ cpus: 1, mem: 64 }), true).addFramework(0, 'f', [0], false, true, []);
    h.flush();
    return h;
  };
  const withPrefix = (tail: number[]): Float64Array => {
    const good = new EventWriter().addAgent(1, free({ cpus: 2, mem: 64 }), true).take().data;
    return Float64Array.from([...good, ...tail]);
  };
  const bad: [string, () => Float64Array, RegExp][] = [
    ['truncated', () => withPrefix([Op.SET_WEIGHT, 0]), /event 1 \(SET_WEIGHT at offset \d+\): stream ends early/],
    ['non-integral index', () => withPrefix([Op.ACTIVATE_AGENT, 1.5]), /event 1 \(ACTIVATE_AGENT.*1\.5 is not a valid index/],
    ['negative amount', () => new EventWriter().addAgent(1, free({ cpus: 2 }), true).addAgent(2, free({ cpus: -1 }), true).take().data, /negative|not a non-negative amount/],
    ['reversed range', () => new EventWriter().addAgent(1, free({ cpus: 2 }), true).addAgent(2, free({ cpus: 1 }, { ports: [[10, 5]] }), true).take().data, /ends before it begins/],
    ['non-finite weight', () => withPrefix([Op.SET_WEIGHT, 0, NaN]), /NaN is not a finite number/],
    ['zero weight', () => withPrefix([Op.SET_WEIGHT, 0, 0]), /not positive/],
    ['non-finite expiry', () => withPrefix([Op.RECOVER, 0, 0, 0, 0, Infinity]), /Infinity is not a finite number/],
    ['unknown opcode', () => withPrefix([99]), /event 1 \(opcode 99 at offset \d+\): 99 is not an opcode/],
    ['bad flag', () => withPrefix([Op.ADD_AGENT, 2, 7, 0]), /7 is not 0 or 1/],
    ['name out of range', () => withPrefix([Op.ADD_ROLE, 5, 3, -1]), /role name/],
  ];
  for (const [what, data, pattern] of bad) {
    const h = setup();
    rejects(() => h.core.apply({ data: data(), strings: [] }), pattern);
    rejects(() => h.core.apply({ data: data(), strings: [] }), /^malformed allocator batch/);
    // Agent 1 of the batch's good prefix was not added.
    assert.equal(show(decode(h.core.allocate(0))), ['f0 r0 a0 cpus:1;mem:64'], what);
  }
});

test('a semantic error stops the batch at that event, names it, and keeps what came before', () => {
  const h = new Harness();
  h.w.addRole(0, 'r', -1).addRole(1, 's', -1).addAgent(0, free({ cpus: 1, mem: 64 }), true).addFramework(0, 'f', [0], false, true, []);
  h.w.addAllocation(0, 0, 0, free({ cpus: 1 }));
  h.flush();

  const batch = new EventWriter().addAgent(1, free({ cpus: 2, mem: 64 }), true);
  const offset = batch.length;
  batch.addAgent(2, reserved(9, { cpus: 1 }), true).addAgent(3, free({ cpus: 8, mem: 64 }), true);
  rejects(() => h.core.apply(batch.take()), new RegExp(`^event 1 \\(ADD_AGENT at offset ${offset}\\): reservation to unknown role 9$`));
  // Agent 1 stays; agents 2 and 3 never came.
  assert.equal(h.explain(0, 0).share, 1 / 3); // cpus 1 of 3 (mem 0 of 128)

  const cases: [string, EventWriter, RegExp][] = [
    ['recover too much', new EventWriter().recover(0, 0, 0, free({ cpus: 2 }), 0), /event 0 \(RECOVER at offset 0\): recovers more than framework 0 holds on agent 0 in role 0/],
    ['recover in another role', new EventWriter().recover(0, 0, 1, free({ cpus: 1 }), 0), /recovers more than/],
    ['convert too much', new EventWriter().convert(0, 0, 0, free({ mem: 1 }), reserved(0, { mem: 1 })), /converts more than/],
    ['unknown agent', new EventWriter().activateAgent(7), /unknown agent 7/],
    ['unknown framework', new EventWriter().suppress(7, []), /unknown framework 7/],
    ['unknown role', new EventWriter().setWeight(7, 2), /unknown role 7/],
    ['duplicate agent', new EventWriter().addAgent(0, free({ cpus: 1 }), true), /agent 0 already exists/],
    ['nested quota', new EventWriter().addRole(2, 'r/x', 0).setQuota(2, scalars({ cpus: 1 }), new Map()), /event 1 \(SET_QUOTA.*nested/],
    ['second configure', new EventWriter().configure({ seed: 1, gpuScalar: -1, excluded: [], defaultMinAllocatable: [], roleSorter: 0, frameworkSorter: 0 }), /only once/],
    ['update to an unknown role', new EventWriter().updateFramework(0, [1, 42], []), /unknown role 42/],
  ];
  for (const [what, writer, pattern] of cases) {
    rejects(() => h.core.apply(writer.take()), pattern);
    // f still holds cpus:1 in r; nothing moved.
    assert.equal(h.explain(0, 0).share, 1 / 3, what);
  }

  const fresh = new ReferenceAllocatorCore();
  rejects(() => fresh.apply(new EventWriter().addRole(0, 'r', -1).take()), /CONFIGURE must come before/);
});

test.run();

// The native allocator core through its one wrapper (NativeAllocatorCore in lib/native): batches
// in, typed-array decisions out, explain's Maps rebuilt; bad arguments throw TypeError or
// RangeError; a refused batch throws INVALID_ALLOCATOR_EVENT, and a malformed one leaves the state
// exactly as it was. The C++ behind it has its own tests (make -C native test), and
// test/unit/allocator/equivalence.test.ts holds it to the reference core's decisions.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventWriter, StreamReader, UNRESERVED, type Decisions, type Pooled } from '../../../lib/allocator/protocol.ts';
import { isMesosError } from '../../../lib/common/errors.ts';
import { NativeAllocatorCore } from '../../../lib/native/index.ts';

const CPUS = 0;
const MEM = 1;
const PORTS = 0;

function unreserved(cpus: number, mem: number, ports?: [number, number]): Pooled {
  const ranges = new Map<number, [number, number][]>();
  if (ports !== undefined) ranges.set(PORTS, [ports]);
  return new Map([[UNRESERVED, { scalars: new Map([[CPUS, cpus * 1000], [MEM, mem * 1000]]), ranges, sets: new Map() }]]);
}

/** Decisions as plain rows, resources decoded with the protocol's reader. */
function rows(d: Decisions): { f: number; r: number; a: number; resources: Pooled }[] {
  const reader = new StreamReader(d.payload);
  const out = [];
  for (let i = 0; i < d.count; i++) {
    reader.pos = d.offers[i * 4 + 3]!;
    out.push({ f: d.offers[i * 4]!, r: d.offers[i * 4 + 1]!, a: d.offers[i * 4 + 2]!, resources: reader.pooled('offer') });
  }
  return out;
}

/** Two frameworks A and B in role "*", three agents of cpus:1;mem:100 (agent 0 with ports). */
function cluster(): NativeAllocatorCore {
  const core = new NativeAllocatorCore();
  const w = new EventWriter()
    .configure({ seed: 7, gpuScalar: -1, excluded: [], defaultMinAllocatable: [new Map([[CPUS, 10]]), new Map([[MEM, 32000]])], roleSorter: 0, frameworkSorter: 0 })
    .addRole(0, '*', -1)
    .addFramework(0, 'A', [0], false, true, [])
    .addFramework(1, 'B', [0], false, true, [])
    .addAgent(0, unreserved(1, 100, [31000, 31009]), true)
    .addAgent(1, unreserved(1, 100), true)
    .addAgent(2, unreserved(1, 100), true);
  core.apply(w.take());
  return core;
}

/** Asserts that `fn` throws an instance of `type` whose message matches `pattern`. */
function throwsWith(fn: () => unknown, type: ErrorConstructor, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, type, `expected a ${type.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name} matching ${pattern}`);
}

function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    assert.ok(isMesosError(error), `expected a MesosError, got ${String(error)}`);
    assert.is((error as { code: string }).code, 'INVALID_ALLOCATOR_EVENT');
    return error as Error;
  }
  return assert.unreachable('expected INVALID_ALLOCATOR_EVENT') as never;
}

test('a cycle offers whole agents by DRF share, sorted by (framework, role, agent)', () => {
  const core = cluster();
  const offers = rows(core.allocate(1000));
  // Agent after agent, the lowest (share, count, path) takes it: A, then B (share 0), then A
  // again (shares and counts tie, "A" < "B"). A gets 2 agents, B 1, whatever the agent order.
  assert.is(offers.length, 3);
  assert.equal(offers.map((o) => o.f), [0, 0, 1]);
  assert.ok(offers[0]!.a < offers[1]!.a);
  for (const o of offers) {
    assert.is(o.r, 0);
    assert.is(o.resources.get(UNRESERVED)!.scalars.get(CPUS), 1000);
  }
  const withPorts = offers.find((o) => o.a === 0)!;
  assert.equal(withPorts.resources.get(UNRESERVED)!.ranges.get(PORTS), [[31000, 31009]]);
  // Nothing is left for a second cycle.
  assert.is(core.allocate(2000).count, 0);
});

test('explain reports shares, ranks, quota and the last cycle as Maps', () => {
  const core = cluster();
  core.apply(new EventWriter().setQuota(0, new Map([[CPUS, 1000]]), new Map([[MEM, 500000]])).take());
  core.allocate(1000);
  const a = core.explain(0, 0);
  const b = core.explain(1, 0);
  assert.ok(a.share > b.share);
  assert.is(b.rank, 0);
  assert.is(a.rank, 1);
  assert.is(a.roleRank, 0);
  assert.is(a.weight, 1);
  assert.is(a.active, true);
  assert.is(a.suppressed, false);
  assert.is(a.candidates, 3);
  assert.instance(a.guarantee, Map);
  assert.equal([...a.guarantee], [[CPUS, 1000]]);
  assert.equal([...a.limit], [[MEM, 500000]]);
  assert.equal(a.consumed.get(CPUS), 3000);
  // Stage 1 serves the guarantee (cpus:1) with A's first agent; stage 2 gives B one and A another.
  assert.equal(a.offered.get(CPUS), 2000);
  assert.equal(b.offered.get(CPUS), 1000);
  assert.equal(a.skips.length, 5);
});

test('bad arguments throw TypeError or RangeError naming them', () => {
  const core = new NativeAllocatorCore();
  throwsWith(() => core.apply({ data: [1, 2] as unknown as Float64Array, strings: [] }), TypeError, /data must be a Float64Array, got an Array/);
  throwsWith(() => core.apply({ data: new Float32Array(2) as unknown as Float64Array, strings: [] }), TypeError, /data must be a Float64Array, got a Float32Array/);
  throwsWith(() => core.apply({ data: new Float64Array(0), strings: 'x' as unknown as string[] }), TypeError, /strings must be an Array/);
  throwsWith(() => core.apply({ data: new Float64Array(0), strings: ['ok', 5 as unknown as string] }), TypeError, /strings\[1\] must be a string, got a number/);
  throwsWith(() => core.allocate('soon' as unknown as number), TypeError, /now must be a number, got a string/);
  throwsWith(() => core.allocate(Number.NaN), RangeError, /now must be a finite number of ms, got NaN/);
  throwsWith(() => core.explain(-1, 0), RangeError, /framework must be an integer index/);
  throwsWith(() => core.explain(0, 1.5), RangeError, /role must be an integer index in \[0, 2\^31\), got 1.5/);
  throwsWith(() => (core.explain as (...args: unknown[]) => unknown)(0), TypeError, /role must be a number, got undefined/);
});

test('a malformed batch is refused whole and changes nothing', () => {
  const core = cluster();
  const twin = cluster();
  // A valid ADD_AGENT, then a range that ends before it begins.
  const w = new EventWriter().addAgent(3, unreserved(8, 800), true).addAgent(4, unreserved(1, 1, [10, 5]), true);
  const error = refusal(() => core.apply(w.take()));
  assert.match(error.message, /malformed event batch at \d+ \(event 1, ADD_AGENT\): .*range \[10-5\] ends before it begins/);
  // Truncated, and a NaN amount: refused the same way.
  const truncated = new EventWriter().addAgent(3, unreserved(8, 800), true).take();
  refusal(() => core.apply({ data: truncated.data.subarray(0, truncated.data.length - 1), strings: truncated.strings }));
  const nan = new EventWriter().addAgent(3, unreserved(8, 800), true).take();
  nan.data[nan.data.indexOf(8000)] = Number.NaN;
  refusal(() => core.apply(nan));
  // The same decisions as a core that never saw those batches.
  assert.equal(rows(core.allocate(1000)), rows(twin.allocate(1000)));
});

test('a semantic error stops at its event and names it; the events before it stay applied', () => {
  const core = cluster();
  const w = new EventWriter()
    .addAgent(3, unreserved(2, 200), true)
    .recover(1, 0, 0, unreserved(1, 0), 0) // B holds nothing yet
    .addAgent(4, unreserved(2, 200), true);
  const error = refusal(() => core.apply(w.take()));
  assert.match(error.message, /^event 1 \(RECOVER at \d+\): framework 1 recovers more than it holds/);
  const agents = new Set(rows(core.allocate(1000)).map((o) => o.a));
  assert.ok(agents.has(3));
  assert.not.ok(agents.has(4));
  // Explaining an unknown framework is refused the same way.
  assert.match(refusal(() => core.explain(9, 0)).message, /unknown framework 9/);
});

test.run();

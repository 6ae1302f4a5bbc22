import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MesosError } from '../../../lib/common/errors.ts';
import {
  MAX_SCALAR,
  Resources,
  addScalars,
  containsResource,
  downgradeResource,
  downgradeResources,
  flattenResourcesForV0,
  formatRanges,
  formatSet,
  fromFixedPoint,
  isAllocatableTo,
  normalizeRanges,
  rangesContain,
  rangesEqual,
  rangesSize,
  reservationRole,
  resourceEquals,
  roundScalar,
  scalarsEqual,
  setContains,
  stringifyResource,
  subtractRanges,
  subtractScalars,
  subtractSets,
  toEndpointFormat,
  toFixedPoint,
  unionRanges,
  unionSets,
  upgradeResource,
  validateResource,
  validateResources,
} from '../../../lib/api/resources.ts';
import type { Range, ReservationInfo, Resource } from '../../../lib/api/resources.ts';
import {
  meetsMinAllocatable,
  parseMinAllocatableResources,
  parseResourceQuantities,
  parseResources,
  parseResourcesOrThrow,
  parseValue,
} from '../../../lib/api/resources-text.ts';

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

const STATIC_ENG: ReservationInfo = { type: 'STATIC', role: 'eng' };
const DYNAMIC_ENG_WEB: ReservationInfo = { type: 'DYNAMIC', role: 'eng/web', principal: 'alice' };

function scalar(name: string, value: number, extra: Partial<Resource> = {}): Resource {
  return { name, type: 'SCALAR', scalar: { value }, ...extra };
}

function ranges(name: string, range: Range[], extra: Partial<Resource> = {}): Resource {
  return { name, type: 'RANGES', ranges: { range }, ...extra };
}

function set(name: string, item: string[], extra: Partial<Resource> = {}): Resource {
  return { name, type: 'SET', set: { item }, ...extra };
}

function parsed(text: string, defaultRole?: string): Resources {
  const result = parseResources(text, defaultRole);
  if (!result.ok) throw new Error(`expected '${text}' to parse: ${result.error}`);
  return result.value;
}

function parseError(text: string, defaultRole?: string): string {
  const result = parseResources(text, defaultRole);
  if (result.ok) throw new Error(`expected '${text}' to fail, got ${result.value.toString()}`);
  return result.error;
}

function sharedVolume(id: string, size = 1024): Resource {
  return scalar('disk', size, { disk: { persistence: { id } }, shared: {}, reservations: [STATIC_ENG] });
}

// ---------------------------------------------------------------------------------------------
// Scalars.
// ---------------------------------------------------------------------------------------------

test('fixed point: 0.1 + 0.2 - 0.2 is exactly 0.1', () => {
  assert.is(addScalars(0.1, 0.2), 0.3);
  assert.is(subtractScalars(addScalars(0.1, 0.2), 0.2), 0.1);
  const a = Resources.from(scalar('cpus', 0.1));
  const b = Resources.from(scalar('cpus', 0.2));
  assert.is(a.plus(b).cpus(), 0.3);
  assert.is(a.plus(b).minus(b).cpus(), 0.1);
  assert.ok(a.plus(b).minus(b).equals(a));
});

test('fixed point rounds to thousandths, halves away from zero', () => {
  assert.is(toFixedPoint(1.5), 1500);
  assert.is(toFixedPoint(0.0005), 1);
  assert.is(toFixedPoint(-0.0005), -1);
  assert.is(toFixedPoint(0.0004), 0);
  assert.ok(Object.is(toFixedPoint(-0.0001), 0), 'no negative zero');
  assert.is(fromFixedPoint(1100), 1.1);
  assert.is(roundScalar(2.71828), 2.718);
  assert.ok(scalarsEqual(1.0001, 1));
  assert.not.ok(scalarsEqual(1.001, 1));
  assert.is(Resources.from(scalar('cpus', 1.23456)).cpus(), 1.235);
});

test('property: fixed-point sums and differences are exact', () => {
  const amount = fc.integer({ min: 0, max: 1e9 }).map(fromFixedPoint);
  fc.assert(
    fc.property(amount, amount, (a, b) => {
      assert.is(subtractScalars(addScalars(a, b), b), a);
      assert.is(addScalars(a, b), addScalars(b, a));
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// Ranges and sets.
// ---------------------------------------------------------------------------------------------

const r = (begin: number, end: number): Range => ({ begin, end });

test('normalizeRanges sorts, merges overlaps and coalesces adjacent ranges', () => {
  assert.equal(normalizeRanges([r(1, 2), r(3, 4)]), [r(1, 4)]);
  assert.equal(normalizeRanges([r(5, 6), r(1, 2), r(3, 4), r(8, 9), r(9, 9)]), [r(1, 6), r(8, 9)]);
  assert.equal(normalizeRanges([r(1, 10), r(2, 3)]), [r(1, 10)]);
  assert.equal(normalizeRanges([r(1, 1), r(1, 1)]), [r(1, 1)]);
  assert.equal(normalizeRanges([r(1, 2), r(4, 5)]), [r(1, 2), r(4, 5)]);
  assert.equal(normalizeRanges([]), []);
  const input = [r(3, 4), r(1, 2)];
  normalizeRanges(input);
  assert.equal(input, [r(3, 4), r(1, 2)], 'input untouched');
});

test('range subtraction, containment and size', () => {
  assert.equal(subtractRanges([r(1, 10)], [r(5, 6), r(9, 20)]), [r(1, 4), r(7, 8)]);
  assert.equal(subtractRanges([r(1, 10)], [r(1, 10)]), []);
  assert.equal(subtractRanges([r(1, 10)], [r(20, 30)]), [r(1, 10)]);
  assert.equal(subtractRanges([r(1, 3), r(5, 7)], [r(3, 5)]), [r(1, 2), r(6, 7)]);
  assert.ok(rangesContain([r(1, 10)], [r(2, 3), r(5, 10)]));
  assert.ok(rangesContain([r(1, 2), r(3, 4)], [r(2, 3)]), 'adjacent ranges act as one');
  assert.not.ok(rangesContain([r(1, 10)], [r(5, 11)]));
  assert.not.ok(rangesContain([r(1, 2), r(4, 5)], [r(2, 4)]));
  assert.ok(rangesContain([], []));
  assert.is(rangesSize([r(31000, 32000)]), 1001);
  assert.is(rangesSize([r(1, 5), r(3, 7)]), 7);
  assert.ok(rangesEqual([r(1, 2), r(3, 4)], [r(1, 4)]));
  assert.is(formatRanges([r(31000, 32000), r(33000, 34000)]), '[31000-32000, 33000-34000]');
  assert.is(formatRanges([]), '[]');
});

test('set union, subtraction and containment', () => {
  assert.equal(unionSets(['a', 'b'], ['b', 'c']), ['a', 'b', 'c']);
  assert.equal(subtractSets(['a', 'b', 'c'], ['b', 'd']), ['a', 'c']);
  assert.ok(setContains(['a', 'b'], ['b']));
  assert.not.ok(setContains(['a'], ['a', 'b']));
  assert.is(formatSet(['a', 'b']), '{a, b}');
});

// Ranges as sets of integers, for checking the algebra against brute force.
const smallRange = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 8 })).map(([begin, length]) => r(begin, begin + length));
const rangeList = fc.array(smallRange, { maxLength: 6 });

function integersOf(list: readonly Range[]): number[] {
  const values = new Set<number>();
  for (const { begin, end } of list) for (let i = begin; i <= end; i++) values.add(i);
  return [...values].sort((a, b) => a - b);
}

test('property: normalize is idempotent and yields sorted, separated ranges', () => {
  fc.assert(
    fc.property(rangeList, (list) => {
      const once = normalizeRanges(list);
      assert.equal(normalizeRanges(once), once);
      assert.equal(integersOf(once), integersOf(list));
      for (let i = 1; i < once.length; i++) assert.ok(once[i]!.begin > once[i - 1]!.end + 1, 'gap between ranges');
    }),
  );
});

test('property: union is commutative and associative, and contains both operands', () => {
  fc.assert(
    fc.property(rangeList, rangeList, rangeList, (a, b, c) => {
      assert.equal(unionRanges(a, b), unionRanges(b, a));
      assert.equal(unionRanges(unionRanges(a, b), c), unionRanges(a, unionRanges(b, c)));
      assert.ok(rangesContain(unionRanges(a, b), a));
      assert.ok(rangesContain(unionRanges(a, b), b));
    }),
  );
});

test('property: subtraction is set difference, and adding back a contained part restores', () => {
  fc.assert(
    fc.property(rangeList, rangeList, (a, b) => {
      const difference = subtractRanges(a, b);
      const removed = new Set(integersOf(b));
      assert.equal(integersOf(difference), integersOf(a).filter((i) => !removed.has(i)));
      assert.equal(normalizeRanges(difference), difference);
      if (rangesContain(a, b)) assert.equal(unionRanges(difference, b), normalizeRanges(a));
      const contained = integersOf(b).every((i) => integersOf(a).includes(i));
      assert.is(rangesContain(a, b), contained);
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// Resources: merging and arithmetic.
// ---------------------------------------------------------------------------------------------

test('addable resources merge; others stay apart', () => {
  const total = Resources.from([
    scalar('cpus', 1),
    scalar('cpus', 2),
    scalar('cpus', 1, { reservations: [STATIC_ENG] }),
    scalar('cpus', 1, { revocable: {} }),
    scalar('cpus', 1, { allocation_info: { role: 'eng' } }),
    scalar('cpus', 1, { provider_id: { value: 'rp1' } }),
    ranges('ports', [r(1, 2)]),
    ranges('ports', [r(3, 4)]),
    set('zones', ['a']),
    set('zones', ['b', 'a']),
  ]);
  assert.is(total.size, 7);
  assert.is(total.cpus(), 7);
  assert.equal(total.unreserved().nonRevocable().filter((x) => !x.allocation_info && !x.provider_id).cpus(), 3);
  assert.equal(total.ports(), [r(1, 4)]);
  assert.equal(total.getSet('zones'), ['a', 'b']);
});

test('reservations with different principals or labels do not merge', () => {
  const dynamic = (principal: string, labels?: ReservationInfo['labels']): Resource =>
    scalar('mem', 10, { reservations: [{ type: 'DYNAMIC', role: 'eng', principal, ...(labels ? { labels } : {}) }] });
  const total = Resources.from([
    dynamic('alice'),
    dynamic('alice'),
    dynamic('bob'),
    dynamic('alice', { labels: [{ key: 'k', value: 'v' }] }),
    dynamic('alice', { labels: [{ key: 'k', value: 'v' }] }),
  ]);
  assert.is(total.size, 3);
  assert.is(total.mem(), 50);
});

test('subtraction never goes negative', () => {
  const cpus = Resources.from(scalar('cpus', 1));
  assert.ok(cpus.minus(scalar('cpus', 2)).isEmpty());
  assert.ok(cpus.minus(scalar('cpus', 1)).isEmpty());
  assert.is(cpus.minus(scalar('cpus', 0.25)).cpus(), 0.75);
  // Subtracting something not there changes nothing.
  assert.ok(cpus.minus(scalar('mem', 1)).equals(cpus));
  assert.ok(cpus.minus(scalar('cpus', 1, { reservations: [STATIC_ENG] })).equals(cpus));
  // Ranges and sets subtract as sets, whether or not contained.
  const ports = Resources.from(ranges('ports', [r(1, 10)]));
  assert.equal(ports.minus(ranges('ports', [r(5, 20)])).ports(), [r(1, 4)]);
  assert.ok(ports.minus(ranges('ports', [r(1, 10)])).isEmpty());
});

test('contains compares per resource and respects metadata', () => {
  const agent = parsed('cpus:4;mem:1024;ports:[31000-32000];disk(eng):100');
  assert.ok(agent.contains(parsed('cpus:1;mem:512;ports:[31000-31005]')));
  assert.ok(agent.contains(scalar('disk', 100, { reservations: [STATIC_ENG] })));
  assert.not.ok(agent.contains(scalar('disk', 1)), 'reserved disk does not cover unreserved disk');
  assert.not.ok(agent.contains(scalar('cpus', 5)));
  assert.not.ok(agent.contains(ranges('ports', [r(30999, 31000)])));
  assert.not.ok(agent.contains(scalar('cpus', -1)), 'invalid resources are never contained');
  assert.ok(agent.contains(Resources.EMPTY));
  assert.ok(Resources.EMPTY.contains(Resources.EMPTY));
  assert.ok(containsResource(scalar('cpus', 2), scalar('cpus', 1.9999)));
});

test('equality is mutual containment and ignores order', () => {
  assert.ok(parsed('cpus:1;mem:2').equals(parsed('mem:2;cpus:1')));
  assert.ok(parsed('ports:[1-2,3-4]').equals(parsed('ports:[1-4]')));
  assert.ok(parsed('zones:{a,b}').equals(parsed('zones:{b,a}')));
  assert.not.ok(parsed('cpus:1').equals(parsed('cpus:1;mem:1')));
  assert.ok(resourceEquals(scalar('cpus', 1.0001), scalar('cpus', 1)));
});

test('zero and invalid resources are skipped by Resources.from, reported by Resources.validated', () => {
  const skipped = Resources.from([scalar('cpus', 0), scalar('cpus', -1), scalar('', 1), ranges('ports', []), set('zones', []), scalar('mem', 1)]);
  assert.is(skipped.toString(), 'mem:1');
  const validated = Resources.validated([scalar('mem', 1), scalar('cpus', -1)]);
  assert.equal(validated, { ok: false, error: "Resource 'cpus:-1' is invalid: Invalid scalar resource: value -1 is negative" });
  const good = Resources.validated([scalar('mem', 1)]);
  assert.ok(good.ok && good.value.mem() === 1);
});

test('Resources is immutable and hands out frozen resources', () => {
  const cpus = Resources.from(scalar('cpus', 1));
  const sum = cpus.plus(scalar('cpus', 1));
  assert.is(cpus.cpus(), 1);
  assert.is(sum.cpus(), 2);
  for (const resource of cpus) {
    assert.ok(Object.isFrozen(resource));
    assert.ok(Object.isFrozen(resource.scalar));
  }
  const copy = cpus.toArray();
  copy[0]!.scalar!.value = 99;
  assert.is(cpus.cpus(), 1);
  const input = scalar('cpus', 1);
  Resources.from(input);
  assert.not.ok(Object.isFrozen(input), 'input objects are copied, not frozen');
  assert.equal(JSON.parse(JSON.stringify(parsed('cpus:1;ports:[3-4,1-2]'))), [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
    { name: 'ports', type: 'RANGES', ranges: { range: [r(1, 4)] } },
  ]);
});

test('toString prints as Mesos does', () => {
  assert.is(Resources.EMPTY.toString(), '{}');
  const resources = Resources.from([
    scalar('cpus', 2, { allocation_info: { role: 'eng/web' }, reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] }),
    scalar('cpus', 0.5, { revocable: {} }),
    ranges('ports', [r(1, 5)]),
    sharedVolume('vol1'),
  ]);
  assert.is(
    resources.toString(),
    'cpus(allocated: eng/web)(reservations: [(STATIC,eng),(DYNAMIC,eng/web,alice)]):2; cpus{REV}:0.5; ports:[1-5]; ' +
      'disk(reservations: [(STATIC,eng)])[vol1]<SHARED>:1024<1>',
  );
  assert.is(
    stringifyResource(scalar('disk', 10, { disk: { source: { type: 'MOUNT', mount: { root: '/mnt/a' } } } })),
    'disk[MOUNT:/mnt/a]:10',
  );
});

// ---------------------------------------------------------------------------------------------
// Property tests over random resources.
// ---------------------------------------------------------------------------------------------

const STACKS: ReservationInfo[][] = [
  [],
  [STATIC_ENG],
  [STATIC_ENG, DYNAMIC_ENG_WEB],
  [{ type: 'DYNAMIC', role: 'ops', principal: 'bob', labels: { labels: [{ key: 'team', value: 'sre' }] } }],
];

const metadata = fc.record({
  stack: fc.constantFrom(...STACKS),
  revocable: fc.boolean(),
  allocated: fc.option(fc.constantFrom('eng', 'eng/web', 'ops'), { nil: undefined }),
});

function withMetadata(resource: Resource, meta: { stack: ReservationInfo[]; revocable: boolean; allocated: string | undefined }): Resource {
  return {
    ...resource,
    ...(meta.stack.length > 0 ? { reservations: meta.stack } : {}),
    ...(meta.revocable ? { revocable: {} } : {}),
    ...(meta.allocated !== undefined ? { allocation_info: { role: meta.allocated } } : {}),
  };
}

const scalarResource = fc
  .tuple(fc.constantFrom('cpus', 'mem', 'disk', 'gpus', 'widgets'), fc.integer({ min: 1, max: 10_000_000 }), metadata)
  .map(([name, thousandths, meta]) => withMetadata(scalar(name, fromFixedPoint(thousandths)), meta));

// `side` keeps the ports and set items of the two operands of a law disjoint where the law needs
// it: (a + b) - b == a only holds when b takes nothing away from a's ranges and sets.
function rangesResource(side: number) {
  const base = side * 1000;
  return fc
    .tuple(fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 4 }), metadata)
    .map(([pairs, meta]) =>
      withMetadata(ranges('ports', normalizeRanges(pairs.map(([begin, length]) => r(base + begin, base + begin + length)))), meta),
    );
}

function setResource(side: number) {
  return fc
    .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }), metadata)
    .map(([items, meta]) => withMetadata(set('zones', items.map((i) => `z${side}-${i}`)), meta));
}

function resourcesOn(side: number) {
  return fc
    .array(fc.oneof(scalarResource, rangesResource(side), setResource(side)), { maxLength: 8 })
    .map((list) => Resources.from(list));
}

const anyResources = fc.oneof(resourcesOn(0), resourcesOn(1));

test('property: a + b == b + a', () => {
  fc.assert(fc.property(anyResources, anyResources, (a, b) => assert.ok(a.plus(b).equals(b.plus(a)))));
});

test('property: a + b contains a and b, and a contains a', () => {
  fc.assert(
    fc.property(anyResources, anyResources, (a, b) => {
      assert.ok(a.contains(a));
      assert.ok(a.plus(b).contains(a));
      assert.ok(a.plus(b).contains(b));
    }),
  );
});

test('property: (a + b) - b == a when b shares no ports or set items with a', () => {
  fc.assert(
    fc.property(resourcesOn(0), resourcesOn(1), (a, b) => {
      assert.ok(a.plus(b).minus(b).equals(a), `${a} + ${b}`);
      assert.ok(a.minus(a).isEmpty());
    }),
  );
});

test('property: scalar totals add up exactly', () => {
  fc.assert(
    fc.property(anyResources, anyResources, (a, b) => {
      for (const name of ['cpus', 'mem', 'disk', 'gpus', 'widgets']) {
        assert.is(a.plus(b).get(name) ?? 0, addScalars(a.get(name) ?? 0, b.get(name) ?? 0));
      }
    }),
  );
});

test('property: the collection stays normalized (no two addable resources)', () => {
  fc.assert(
    fc.property(anyResources, anyResources, (a, b) => {
      const sum = a.plus(b).toArray();
      // Re-adding every resource one by one must not merge anything further.
      assert.is(Resources.from(sum).size, sum.length);
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// Shared resources, persistent volumes, exclusive disks.
// ---------------------------------------------------------------------------------------------

test('shared resources are counted, not summed', () => {
  const one = Resources.from(sharedVolume('vol1'));
  const two = one.plus(sharedVolume('vol1'));
  assert.is(two.size, 1);
  assert.is(two.count(sharedVolume('vol1')), 2);
  assert.is(two.disk(), 1024, 'two copies of one volume are still 1024 MB');
  assert.is(two.toArray().length, 1, 'a shared resource is listed once');
  assert.ok(two.contains(one));
  assert.not.ok(one.contains(two));
  assert.is(two.minus(sharedVolume('vol1')).count(sharedVolume('vol1')), 1);
  assert.ok(two.minus(sharedVolume('vol1')).minus(sharedVolume('vol1')).isEmpty());
  // A shared resource merges only with an identical one.
  assert.is(one.plus(sharedVolume('vol1', 2048)).size, 2);
  assert.is(one.plus(sharedVolume('vol2')).size, 2);
  assert.is(one.shared().size, 1);
  assert.ok(one.nonShared().isEmpty());
});

test('non-shared persistent volumes never merge, and containment counts copies', () => {
  const volume = scalar('disk', 100, { disk: { persistence: { id: 'v1', principal: 'p' } }, reservations: [STATIC_ENG] });
  const one = Resources.from(volume);
  const two = one.plus(volume);
  assert.is(two.size, 2);
  assert.not.ok(one.contains(two));
  assert.ok(two.contains(one));
  assert.ok(two.minus(volume).equals(one));
  // A different size of the same volume cannot be subtracted: volumes are taken whole.
  assert.ok(one.minus({ ...volume, scalar: { value: 50 } }).equals(one));
  // The volume field and the persistence principal do not take part in comparisons.
  const mounted = { ...volume, disk: { persistence: { id: 'v1', principal: 'q' }, volume: { container_path: 'data', mode: 'RW' as const } } };
  assert.ok(one.contains(mounted));
  assert.is(one.persistentVolumes().size, 1);
});

test('MOUNT disks are indivisible; PATH disks merge', () => {
  const mount = scalar('disk', 100, { disk: { source: { type: 'MOUNT', mount: { root: '/mnt/a' } } } });
  const twoMounts = Resources.from([mount, mount]);
  assert.is(twoMounts.size, 2);
  assert.ok(Resources.from(mount).minus(scalar('disk', 50, { disk: mount.disk! })).equals(Resources.from(mount)));
  assert.ok(Resources.from(mount).minus(mount).isEmpty());
  assert.not.ok(Resources.from(mount).contains(scalar('disk', 50, { disk: mount.disk! })));
  const path = scalar('disk', 100, { disk: { source: { type: 'PATH', path: { root: '/var' } } } });
  assert.is(Resources.from([path, path]).size, 1);
  assert.is(Resources.from([path, path]).disk(), 200);
  assert.ok(Resources.from(path).contains({ ...path, scalar: { value: 50 } }));
});

// ---------------------------------------------------------------------------------------------
// Filters and reservations.
// ---------------------------------------------------------------------------------------------

const HIERARCHY = Resources.from([
  scalar('cpus', 1),
  scalar('cpus', 2, { reservations: [STATIC_ENG] }),
  scalar('cpus', 4, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] }),
  scalar('cpus', 8, { reservations: [{ type: 'STATIC', role: 'ops' }] }),
]);

test('allocatableTo: a reservation to R serves R and its strict subroles only', () => {
  const cases: [string, number][] = [
    ['*', 1], // Only unreserved resources.
    ['eng', 1 + 2],
    ['eng/web', 1 + 2 + 4],
    ['eng/web/frontend', 1 + 2 + 4],
    ['eng/api', 1 + 2],
    ['engineering', 1],
    ['ops', 1 + 8],
    ['ops/eng', 1 + 8],
  ];
  for (const [role, cpus] of cases) assert.is(HIERARCHY.allocatableTo(role).cpus(), cpus, role);
  assert.ok(isAllocatableTo(scalar('cpus', 1, { reservations: [STATIC_ENG] }), 'eng/x'));
  assert.not.ok(isAllocatableTo(scalar('cpus', 1, { reservations: [STATIC_ENG] }), '*'));
});

test('reserved, unreserved and subtree filters', () => {
  assert.is(HIERARCHY.reserved().cpus(), 14);
  assert.is(HIERARCHY.reserved('eng').cpus(), 2, 'exactly eng, not eng/web');
  assert.is(HIERARCHY.reserved('eng/web').cpus(), 4);
  assert.is(HIERARCHY.unreserved().cpus(), 1);
  assert.is(HIERARCHY.reservedToRoleSubtree('eng').cpus(), 6);
  assert.ok(HIERARCHY.reservedToRoleSubtree('en').isEmpty());
  const reservations = HIERARCHY.reservations();
  assert.equal([...reservations.keys()].sort(), ['eng', 'eng/web', 'ops']);
  assert.is(reservations.get('ops')!.cpus(), 8);
  assert.is(reservationRole(scalar('cpus', 1, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] })), 'eng/web');
  assert.is(reservationRole(scalar('cpus', 1)), undefined);
});

test('type, name and revocability filters', () => {
  const resources = parsed('cpus:1;mem:2;ports:[1-5];zones:{a,b}').plus(scalar('cpus', 0.5, { revocable: {} }));
  assert.equal(resources.scalars().names(), ['cpus', 'mem']);
  assert.equal(resources.nonScalars().names(), ['ports', 'zones']);
  assert.equal(resources.names(), ['cpus', 'mem', 'ports', 'zones']);
  assert.is(resources.revocable().cpus(), 0.5);
  assert.is(resources.nonRevocable().cpus(), 1);
  assert.is(resources.cpus(), 1.5);
  assert.is(resources.get('ports'), undefined, 'get sums scalars only');
  assert.is(resources.gpus(), undefined);
  assert.equal(resources.ports(), [r(1, 5)]);
  assert.equal(resources.named('zones').toArray(), [set('zones', ['a', 'b'])]);
  assert.equal([...resources.types()], [['cpus', 'SCALAR'], ['mem', 'SCALAR'], ['ports', 'RANGES'], ['zones', 'SET']]);
});

test('pushReservation refines and popReservation undoes it', () => {
  const eng = parsed('cpus:4;mem:512', 'eng');
  const web = eng.pushReservation(DYNAMIC_ENG_WEB);
  for (const resource of web) assert.equal(resource.reservations, [STATIC_ENG, DYNAMIC_ENG_WEB]);
  assert.ok(web.allocatableTo('eng/web').equals(web));
  assert.ok(web.allocatableTo('eng').isEmpty());
  assert.ok(web.popReservation().equals(eng));
  assert.ok(web.popReservation().popReservation().equals(parsed('cpus:4;mem:512')));
  assert.ok(web.toUnreserved().equals(parsed('cpus:4;mem:512')));
  // Pushing onto unreserved resources makes a first reservation.
  const reserved = parsed('cpus:1').pushReservation({ type: 'DYNAMIC', role: 'ops', principal: 'bob' });
  assert.is(reserved.reserved('ops').cpus(), 1);
});

test('pushReservation rejects invalid refinements; popReservation rejects unreserved resources', () => {
  const eng = parsed('cpus:4', 'eng');
  for (const bad of [{ type: 'DYNAMIC', role: 'ops' }, { type: 'STATIC', role: 'eng/web' }, { type: 'DYNAMIC', role: 'eng' }] as ReservationInfo[]) {
    try {
      eng.pushReservation(bad);
      assert.unreachable(`pushing ${JSON.stringify(bad)}`);
    } catch (err) {
      assert.instance(err, MesosError);
      assert.is((err as MesosError).code, 'INVALID_RESOURCES');
    }
  }
  assert.throws(() => parsed('cpus:1').popReservation(), (err: unknown) => err instanceof MesosError && /unreserved/.test(err.message));
});

test('toUnreserved merges what reservations kept apart', () => {
  assert.is(HIERARCHY.toUnreserved().size, 1);
  assert.is(HIERARCHY.toUnreserved().cpus(), 15);
});

test('allocate sets allocation_info and re-merges; allocations groups by role', () => {
  const mixed = Resources.from([scalar('cpus', 1, { allocation_info: { role: 'a' } }), scalar('cpus', 2, { allocation_info: { role: 'b' } })]);
  assert.is(mixed.size, 2);
  const allocated = mixed.allocate('eng');
  assert.is(allocated.size, 1);
  assert.equal(allocated.toArray(), [scalar('cpus', 3, { allocation_info: { role: 'eng' } })]);
  assert.equal([...mixed.allocations().keys()].sort(), ['a', 'b']);
  assert.is(mixed.allocations().get('b')!.cpus(), 2);
  assert.equal(mixed.unallocate().toArray(), [scalar('cpus', 3)]);
  assert.is(mixed.allocatedToRoleSubtree('a').cpus(), 1);
  assert.throws(() => parsed('cpus:1').allocations(), (err: unknown) => err instanceof MesosError && err.code === 'INTERNAL');
});

test('toQuantities sums scalars and counts range and set members', () => {
  const resources = parsed('cpus:1;cpus(eng):2;ports:[1-10];zones:{a,b};mem:0.1').plus(scalar('mem', 0.2, { revocable: {} }));
  assert.equal([...resources.toQuantities()], [['cpus', 3], ['mem', 0.3], ['ports', 10], ['zones', 2]]);
  assert.equal([...resources.scalars().toQuantities()], [['cpus', 3], ['mem', 0.3]]);
  assert.ok(resources.containsQuantities(new Map([['cpus', 3], ['ports', 10]])));
  assert.not.ok(resources.containsQuantities(new Map([['ports', 11]])));
  assert.not.ok(resources.containsQuantities(new Map([['gpus', 0.001]])));
});

// ---------------------------------------------------------------------------------------------
// Reservation formats.
// ---------------------------------------------------------------------------------------------

test('upgradeResource converts the pre-refinement format to a stack', () => {
  assert.equal(upgradeResource(scalar('cpus', 1, { role: '*' })), scalar('cpus', 1));
  assert.equal(upgradeResource(scalar('cpus', 1)), scalar('cpus', 1));
  assert.equal(upgradeResource(scalar('cpus', 1, { role: 'eng' })), scalar('cpus', 1, { reservations: [STATIC_ENG] }));
  assert.equal(
    upgradeResource(scalar('cpus', 1, { role: 'eng', reservation: { principal: 'p', labels: { labels: [{ key: 'k' }] } } })),
    scalar('cpus', 1, { reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'p', labels: { labels: [{ key: 'k' }] } }] }),
  );
  // The endpoint format (both) upgrades by dropping the legacy fields.
  assert.equal(upgradeResource(scalar('cpus', 1, { role: 'eng', reservations: [STATIC_ENG] })), scalar('cpus', 1, { reservations: [STATIC_ENG] }));
});

test('downgradeResource converts a stack of at most one reservation', () => {
  assert.equal(downgradeResource(scalar('cpus', 1)), { ok: true, value: scalar('cpus', 1, { role: '*' }) });
  assert.equal(downgradeResource(scalar('cpus', 1, { reservations: [STATIC_ENG] })), { ok: true, value: scalar('cpus', 1, { role: 'eng' }) });
  assert.equal(downgradeResource(scalar('cpus', 1, { reservations: [{ type: 'DYNAMIC', role: 'eng' }] })), {
    ok: true,
    value: scalar('cpus', 1, { role: 'eng', reservation: {} }),
  });
  assert.equal(downgradeResource(scalar('cpus', 1, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] })), {
    ok: false,
    error: 'Cannot downgrade resources containing refined reservations',
  });
  assert.equal(downgradeResources([scalar('cpus', 1), scalar('cpus', 1, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] })]).ok, false);
});

test('toEndpointFormat adds the legacy fields beside the stack where they fit', () => {
  assert.equal(toEndpointFormat(scalar('cpus', 1)), scalar('cpus', 1, { role: '*' }));
  assert.equal(
    toEndpointFormat(scalar('cpus', 1, { reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'p' }] })),
    scalar('cpus', 1, { reservations: [{ type: 'DYNAMIC', role: 'eng', principal: 'p' }], role: 'eng', reservation: { principal: 'p' } }),
  );
  const refined = scalar('cpus', 1, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB] });
  assert.equal(toEndpointFormat(refined), refined);
  assert.is(validateResource(toEndpointFormat(scalar('cpus', 1, { reservations: [STATIC_ENG] }))), undefined);
});

const preRefinement = fc
  .record({
    role: fc.constantFrom('*', 'eng', 'eng/web'),
    dynamic: fc.boolean(),
    principal: fc.option(fc.constantFrom('alice', ''), { nil: undefined }),
    labels: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(({ role, dynamic, principal, labels }): Resource => {
    const reservation: ReservationInfo = {
      ...(principal !== undefined ? { principal } : {}),
      ...(labels !== undefined ? { labels: { labels: labels ? [{ key: 'k', value: 'v' }] : [] } } : {}),
    };
    return scalar('cpus', 1, { role, ...(dynamic && role !== '*' ? { reservation } : {}) });
  });

test('property: pre-refinement -> post -> pre round trip is the identity', () => {
  fc.assert(
    fc.property(preRefinement, (resource) => {
      assert.is(validateResource(resource), undefined);
      const upgraded = upgradeResource(resource);
      assert.is(validateResource(upgraded), undefined);
      assert.equal(upgraded.role, undefined);
      assert.equal(downgradeResource(upgraded), { ok: true, value: resource });
      // And back again.
      assert.equal(upgradeResource(resource), upgradeResource(toEndpointFormat(upgraded)));
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// v0 flattening.
// ---------------------------------------------------------------------------------------------

test('flattenResourcesForV0 combines by name and suffixes revocable resources', () => {
  const resources = Resources.from([
    scalar('cpus', 2),
    scalar('cpus', 1, { reservations: [STATIC_ENG] }),
    scalar('cpus', 0.5, { revocable: {} }),
    ranges('ports', [r(31000, 32000)]),
    ranges('ports', [r(33000, 34000)], { reservations: [STATIC_ENG] }),
    set('zones', ['a', 'b']),
    set('zones', ['c'], { reservations: [STATIC_ENG] }),
    scalar('mem', 0.1),
    scalar('mem', 0.2, { reservations: [STATIC_ENG] }),
  ]);
  const flat = flattenResourcesForV0(resources);
  assert.equal(flat, {
    cpus: 3,
    cpus_revocable: 0.5,
    disk: 0,
    gpus: 0,
    mem: 0.3,
    ports: '[31000-32000, 33000-34000]',
    zones: '{a, b, c}',
  });
  assert.equal(Object.keys(flat), ['cpus', 'cpus_revocable', 'disk', 'gpus', 'mem', 'ports', 'zones']);
  assert.equal(resources.toV0(), flat);
});

test('flattenResourcesForV0 always reports cpus, gpus, mem and disk', () => {
  assert.equal(flattenResourcesForV0(Resources.EMPTY), { cpus: 0, disk: 0, gpus: 0, mem: 0 });
  // Raw messages in the pre-refinement format flatten the same way.
  assert.equal(flattenResourcesForV0([scalar('gpus', 1, { role: 'eng' }), ranges('ports', [r(1, 2)], { revocable: {} })]), {
    cpus: 0,
    disk: 0,
    gpus: 1,
    mem: 0,
    ports_revocable: '[1-2]',
  });
});

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

test('validateResource rejects bad scalars with clear messages', () => {
  const cases: [Resource, string][] = [
    [scalar('cpus', -1), 'Invalid scalar resource: value -1 is negative'],
    [scalar('cpus', Number.NaN), 'Invalid scalar resource: value must be finite, got NaN'],
    [scalar('cpus', Number.POSITIVE_INFINITY), 'Invalid scalar resource: value must be finite, got Infinity'],
    [scalar('cpus', Number.NEGATIVE_INFINITY), 'Invalid scalar resource: value must be finite, got -Infinity'],
    [scalar('cpus', 0.0004), 'Invalid scalar resource: value 0.0004 rounds to zero at three decimal digits'],
    [scalar('mem', 1e13), `Invalid scalar resource: value 10000000000000 is larger than ${MAX_SCALAR}`],
    [{ name: 'cpus', type: 'SCALAR' }, 'Invalid scalar resource'],
    [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, set: { item: [] } }, 'Invalid scalar resource'],
    [{ name: 'cpus', type: 'SCALAR', scalar: { value: '1' as unknown as number } }, 'Invalid scalar resource: value must be a number'],
  ];
  for (const [resource, message] of cases) assert.is(validateResource(resource), message, JSON.stringify(resource));
  assert.is(validateResource(scalar('cpus', 0)), undefined, 'zero is valid (and empty)');
  assert.is(validateResource(scalar('cpus', 0.0005)), undefined);
});

test('validateResource rejects bad names, types, ranges and sets', () => {
  const cases: [Resource, string][] = [
    [scalar('', 1), 'Empty resource name'],
    [{ name: 'x', type: 'FLOAT' as 'SCALAR', scalar: { value: 1 } }, 'Invalid resource type'],
    [ranges('cpus', [r(1, 2)]), "Invalid resource type: 'cpus' must be SCALAR, not RANGES"],
    [set('mem', ['a']), "Invalid resource type: 'mem' must be SCALAR, not SET"],
    [scalar('ports', 1), "Invalid resource type: 'ports' must be RANGES, not SCALAR"],
    [{ name: 'x', type: 'TEXT' }, 'Unsupported resource type'],
    [ranges('ports', [r(5, 1)]), 'Invalid ranges resource: begin > end'],
    [ranges('ports', [r(1, 5), r(5, 6)]), 'Invalid ranges resource: overlapping ranges'],
    [ranges('ports', [r(5, 10), r(1, 6)]), 'Invalid ranges resource: overlapping ranges'],
    [ranges('ports', [r(-1, 5)]), 'Invalid ranges resource: begin and end must be non-negative integers'],
    [ranges('ports', [r(1.5, 5)]), 'Invalid ranges resource: begin and end must be non-negative integers'],
    [{ name: 'ports', type: 'RANGES' }, 'Invalid ranges resource'],
    [set('zones', ['a', 'a']), 'Invalid set resource: duplicated elements'],
    [set('zones', ['a', '']), 'Invalid set resource: empty element'],
    [{ name: 'zones', type: 'SET' }, 'Invalid set resource'],
  ];
  for (const [resource, message] of cases) assert.is(validateResource(resource), message, JSON.stringify(resource));
  assert.is(validateResource(ranges('ports', [r(1, 2), r(3, 4)])), undefined, 'adjacent ranges are fine');
  assert.is(validateResource({ name: 'ports', type: 'RANGES', ranges: {} as { range: Range[] } }), undefined);
});

test('validateResource checks reservation formats and roles', () => {
  const cases: [Resource, string][] = [
    [scalar('cpus', 1, { role: 'a b' }), "Role component 'a b' is invalid because it contains backspace or whitespace"],
    [scalar('cpus', 1, { role: '*', reservation: {} }), 'Invalid reservation: role "*" cannot be dynamically reserved'],
    [scalar('cpus', 1, { role: 'eng', reservation: { role: 'eng' } }), "'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field"],
    [scalar('cpus', 1, { role: 'eng', reservation: { type: 'DYNAMIC' } }), "'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field"],
    [scalar('cpus', 1, { reservations: [{ role: 'eng' }] }), "Invalid reservation: 'Resource.ReservationInfo.type' field must be set."],
    [scalar('cpus', 1, { reservations: [{ type: 'STATIC' }] }), "Invalid reservation: 'Resource.ReservationInfo.role' field must be set."],
    [scalar('cpus', 1, { reservations: [{ type: 'UNKNOWN', role: 'eng' }] }), "Unsupported 'Resource.ReservationInfo.Type'"],
    [scalar('cpus', 1, { reservations: [{ type: 'STATIC', role: '*' }] }), 'Invalid reservation: role "*" cannot be reserved'],
    [scalar('cpus', 1, { reservations: [{ type: 'STATIC', role: 'eng//web' }] }), "Role 'eng//web' cannot contain two adjacent slashes"],
    [scalar('cpus', 1, { reservations: [STATIC_ENG, { type: 'STATIC', role: 'eng/web' }] }), 'Invalid refined reservation: A refined reservation cannot be STATIC'],
    [scalar('cpus', 1, { reservations: [STATIC_ENG, { type: 'DYNAMIC', role: 'ops' }] }), "Invalid refined reservation: role 'ops' is not a refinement of 'eng'"],
    [scalar('cpus', 1, { reservations: [STATIC_ENG, { type: 'DYNAMIC', role: 'eng' }] }), "Invalid refined reservation: role 'eng' is not a refinement of 'eng'"],
    [scalar('cpus', 1, { reservations: [STATIC_ENG], role: 'ops' }), "Invalid resource format: 'Resource.role' field with 'ops' does not match the role 'eng' in 'Resource.reservations'"],
    [scalar('cpus', 1, { reservations: [STATIC_ENG], role: 'eng', reservation: {} }), "Invalid resource format: 'Resource.reservation' must not be set if the single reservation in 'Resource.reservations' is STATIC"],
    [scalar('cpus', 1, { reservations: [DYNAMIC_ENG_WEB], role: 'eng/web' }), "Invalid resource format: 'Resource.role' and 'Resource.reservation' must either be both set or both not set if the single reservation in 'Resource.reservations' is DYNAMIC"],
    [scalar('cpus', 1, { reservations: [DYNAMIC_ENG_WEB], role: 'eng/web', reservation: { principal: 'bob' } }), "Invalid resource format: 'Resource.reservation.principal' field with 'bob' does not match the principal 'alice' in 'Resource.reservations'"],
    [scalar('cpus', 1, { reservations: [STATIC_ENG, DYNAMIC_ENG_WEB], role: 'eng/web' }), "Invalid resource format: 'Resource.role' must not be set if there is more than one reservation in 'Resource.reservations'"],
  ];
  for (const [resource, message] of cases) assert.is(validateResource(resource), message, JSON.stringify(resource));
  assert.is(validateResource(scalar('cpus', 1, { reservations: [DYNAMIC_ENG_WEB], role: 'eng/web', reservation: { principal: 'alice' } })), undefined);
});

test('validateResource checks disks and sharing', () => {
  assert.is(validateResource(scalar('mem', 1, { disk: {} })), 'DiskInfo should not be set for mem resource');
  assert.is(validateResource(scalar('disk', 1, { disk: { source: { type: 'RAW', path: { root: '/' } } } })), 'Path should not be set for RAW disk source');
  assert.is(validateResource(scalar('disk', 1, { disk: { source: { type: 'BLOCK', mount: {} } } })), 'Mount should not be set for BLOCK disk source');
  assert.match(validateResource(scalar('disk', 1, { disk: { source: { type: 'UNKNOWN' } } }))!, /^Unsupported 'DiskInfo.Source.Type'/);
  assert.is(validateResource(scalar('cpus', 1, { shared: {} })), 'Resource cpus cannot be shared');
  assert.is(validateResource(scalar('disk', 1, { shared: {} })), 'Only persistent volumes can be shared');
  assert.is(validateResource(sharedVolume('v')), undefined);
});

test('validateResources names the offending resource', () => {
  assert.is(validateResources([scalar('cpus', 1), ranges('ports', [r(1, 5), r(2, 3)])]), "Resource 'ports:[1-5, 2-3]' is invalid: Invalid ranges resource: overlapping ranges");
  assert.is(validateResources([]), undefined);
});

// ---------------------------------------------------------------------------------------------
// The --resources text format.
// ---------------------------------------------------------------------------------------------

test('parseResources reads the semicolon form', () => {
  const resources = parsed('cpus:4;mem:1024;ports:[31000-32000];disk(role1):100;gpus(*):1;zones:{a,b,c}');
  assert.equal(resources.toArray(), [
    scalar('cpus', 4),
    scalar('mem', 1024),
    ranges('ports', [r(31000, 32000)]),
    scalar('disk', 100, { reservations: [{ type: 'STATIC', role: 'role1' }] }),
    scalar('gpus', 1),
    set('zones', ['a', 'b', 'c']),
  ]);
});

test('parseResources tolerates whitespace and empty tokens as Mesos does', () => {
  const expected = parsed('cpus:4;mem:1024;ports:[1-2,5-6];zones:{a,b}');
  for (const text of [
    ' cpus : 4 ; mem : 1024 ; ports : [ 1-2 , 5-6 ] ; zones : { a , b } ',
    ';;cpus:4;;mem:1024;ports:[1-2, 5-6];zones:{a, b};',
    'cpus:4;\n mem:1024;\tports:[1-2,5-6];zones:{a,b}',
    'cpus::4;mem:1024;ports:[1-2,5-6];zones:{a,b}',
  ]) {
    assert.ok(parsed(text).equals(expected), JSON.stringify(text));
  }
  assert.ok(parsed('').isEmpty());
  assert.ok(parsed(' cpus ( eng ) :1').equals(parsed('cpus(eng):1')));
});

test('parseResources combines duplicates and drops zeros', () => {
  assert.equal(parsed('cpus:1;cpus:2.5;mem:0;ports:[1-2];ports:[3-4]').toArray(), [scalar('cpus', 3.5), ranges('ports', [r(1, 4)])]);
  assert.is(parsed('cpus:1;cpus(eng):2').size, 2);
  // Overlapping ranges in the text form are coalesced, as in Mesos.
  assert.equal(parsed('ports:[1-5,3-10]').ports(), [r(1, 10)]);
});

test('parseResources applies the default role, and * means unreserved', () => {
  assert.ok(parsed('cpus:2.5;ports(role2):[0-100]', 'role1').equals(parsed('cpus(role1):2.5;ports(role2):[0-100]')));
  assert.ok(parsed('gpus(*):1', 'role1').equals(parsed('gpus:1')));
  assert.is(parsed('cpus:1', 'eng/web').reserved('eng/web').cpus(), 1);
});

test('parseResources reads numbers as Mesos does', () => {
  assert.is(parsed('cpus:1e1').cpus(), 10);
  assert.is(parsed('cpus:.5').cpus(), 0.5);
  assert.is(parsed('cpus:+2.').cpus(), 2);
  assert.is(parsed('mem:0x10').mem(), 16);
  assert.equal(parsed('ports:[0x10-0x20]').ports(), [r(16, 32)]);
});

test('parseResources errors name the offending token', () => {
  const cases: [string, string][] = [
    ['cpus(role1)', "Bad value for resources, missing or extra ':' in cpus(role1)"],
    ['cpus:1:2', "Bad value for resources, missing or extra ':' in cpus:1:2"],
    ['mem:1;cpus:', "Bad value for resources, missing or extra ':' in cpus:"],
    ['cpus(role1:1', 'Bad value for resources, mismatched parentheses in cpus(role1:1'],
    ['cpus)(role1:1', 'Bad value for resources, mismatched parentheses in cpus)(role1:1'],
    ['foo(role1):1;foo(role2):[0-1]', "Resources with the same name ('foo') but different types are not allowed"],
    ['cpus:abc', 'Bad type for resource cpus value abc type TEXT'],
    ['cpus:4\n', 'Bad type for resource cpus value 4\n type TEXT'],
    ['ports:[1-2', 'Failed to parse resource ports value [1-2 error Mismatched brackets'],
    ['ports:[a-b]', "Failed to parse resource ports value [a-b] error Expecting non-negative integers in 'a'"],
    ['ports:[1-2-3]', 'Failed to parse resource ports value [1-2-3] error Expecting one or more "ranges"'],
    ['ports:[5-1]', "Failed to parse resource ports value [5-1] error Expecting begin <= end in '5-1'"],
    ['x:1[2]', "Failed to parse resource x value 1[2] error Unexpected '[' found"],
    ['x:a{b}', "Failed to parse resource x value a{b} error Unexpected '{' found"],
    ['x: ', "Failed to parse resource x value   error Expecting non-empty string"],
    ['cpus:-1', "Invalid resource 'cpus:-1': Invalid scalar resource: value -1 is negative"],
    ['cpus:nan', "Invalid resource 'cpus:nan': Invalid scalar resource: value must be finite, got NaN"],
    ['cpus:Infinity', "Invalid resource 'cpus:Infinity': Invalid scalar resource: value must be finite, got Infinity"],
    ['cpus():1', "Invalid resource 'cpus():1': Role names cannot be the empty string"],
    ['cpus(-eng):1', "Invalid resource 'cpus(-eng):1': Role component '-eng' is invalid because it starts with a dash"],
    ['(eng):1', "Invalid resource '(eng):1': Empty resource name"],
    ['zones:{a,a}', "Invalid resource 'zones:{a,a}': Invalid set resource: duplicated elements"],
    ['ports:1', "Invalid resource 'ports:1': Invalid resource type: 'ports' must be RANGES, not SCALAR"],
    ['cpus:[1-2]', "Invalid resource 'cpus:[1-2]': Invalid resource type: 'cpus' must be SCALAR, not RANGES"],
  ];
  for (const [text, message] of cases) assert.is(parseError(text), message, JSON.stringify(text));
});

test('parseResources reads the JSON form when the text starts with [', () => {
  const json = JSON.stringify([
    { name: 'cpus', type: 'SCALAR', scalar: { value: 45.55 } },
    { name: 'ports', type: 'RANGES', ranges: { range: [r(10000, 20000), r(30000, 50000)] }, role: 'role1' },
    { name: 'pandas', type: 'SET', set: { item: ['lun_lun', 'yang_yang'] }, reservations: [{ type: 'STATIC', role: 'zoo' }] },
  ]);
  const resources = parsed(`  \n${json}`, 'dflt');
  assert.equal(resources.toArray(), [
    scalar('cpus', 45.55, { reservations: [{ type: 'STATIC', role: 'dflt' }] }),
    ranges('ports', [r(10000, 20000), r(30000, 50000)], { reservations: [{ type: 'STATIC', role: 'role1' }] }),
    set('pandas', ['lun_lun', 'yang_yang'], { reservations: [{ type: 'STATIC', role: 'zoo' }] }),
  ]);
  assert.ok(parsed(JSON.stringify(parsed('cpus:2;mem:3'))).equals(parsed('cpus:2;mem:3')), 'toJSON output parses back');
});

test('parseResources rejects bad JSON and what agents may not declare', () => {
  assert.match(parseError('[{"name": "cpus",}]'), /^Failed to parse resources as JSON: /);
  assert.match(parseError('[[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]]'), /element 0: expected an object for Resource, got an array/);
  assert.match(parseError('[{"name":"pandas","set":{"item":["a"]}}]'), /element 0: type: required/);
  assert.match(parseError('[{"name":"pandas","type":"FLOATINGPOINT"}]'), /element 0: type: unknown enum value "FLOATINGPOINT"/);
  assert.is(
    parseError('[{"name":"cpus","type":"SCALAR","scalar":{"value":-1}}]'),
    "Invalid resource at index 0 ('cpus:-1'): Invalid scalar resource: value -1 is negative",
  );
  assert.is(
    parseError('[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"eng","reservation":{"principal":"p"}}]'),
    'Dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON',
  );
  assert.match(parseError('[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]'), /^Revocable resources cannot be specified/);
  assert.is(
    parseError('[{"name":"disk","type":"SCALAR","scalar":{"value":1},"role":"eng","disk":{"persistence":{"id":"v"}}}]'),
    'Persistent volumes cannot be specified at the command line',
  );
  // A JSON object is not the JSON form: it is read as (bad) text.
  assert.is(parseError('{"name":"cpus"}'), 'Failed to parse resource {"name" value "cpus"} error Mismatched brackets');
});

test('parseResourcesOrThrow throws an INVALID_RESOURCES MesosError', () => {
  assert.is(parseResourcesOrThrow('cpus:2').cpus(), 2);
  assert.throws(() => parseResourcesOrThrow('cpus:-2'), (err: unknown) => err instanceof MesosError && err.code === 'INVALID_RESOURCES');
});

test('parseValue classifies values', () => {
  assert.equal(parseValue('[1-2, 3-4, 10-12]'), { ok: true, value: { type: 'RANGES', ranges: { range: [r(1, 4), r(10, 12)] } } });
  assert.equal(parseValue('[]'), { ok: true, value: { type: 'RANGES', ranges: { range: [] } } });
  assert.equal(parseValue('{a, b,a}'), { ok: true, value: { type: 'SET', set: { item: ['a', 'b', 'a'] } } });
  assert.equal(parseValue(' 4.5 '), { ok: true, value: { type: 'SCALAR', scalar: { value: 4.5 } } });
  assert.equal(parseValue('rack-1'), { ok: true, value: { type: 'TEXT', text: { value: 'rack-1' } } });
  assert.equal(parseValue('1.2.3'), { ok: true, value: { type: 'TEXT', text: { value: '1.2.3' } } });
  assert.equal(parseValue('(a'), { ok: false, error: 'Mismatched brackets' });
  assert.equal(parseValue('}{'), { ok: false, error: 'Mismatched brackets' });
});

test('property: printed resources parse back to themselves', () => {
  fc.assert(
    fc.property(resourcesOn(0), (resources) => {
      // The text form carries names, values and static roles only.
      const plain = resources.toUnreserved().nonRevocable().unallocate();
      const text = plain
        .toArray()
        .map((resource) => `${resource.name}:${stringifyResource(resource).split(':').slice(1).join(':')}`)
        .join(';');
      assert.ok(parsed(text).equals(plain), text);
    }),
  );
});

// ---------------------------------------------------------------------------------------------
// min_allocatable_resources.
// ---------------------------------------------------------------------------------------------

test('parseMinAllocatableResources: | is OR, ; is AND', () => {
  const groups = (text: string) => {
    const result = parseMinAllocatableResources(text);
    if (!result.ok) throw new Error(result.error);
    return result.value.map((group) => Object.fromEntries(group));
  };
  assert.equal(groups('cpus:0.01|mem:32'), [{ cpus: 0.01 }, { mem: 32 }]);
  assert.equal(groups('disk:1|cpus:1;mem:32;ports:10'), [{ disk: 1 }, { cpus: 1, mem: 32, ports: 10 }]);
  assert.equal(groups(' cpus : 1 ; cpus:0.5||mem:0'), [{ cpus: 1.5 }, {}]);
  assert.equal(groups(''), []);
});

test('parseResourceQuantities errors', () => {
  const cases: [string, string][] = [
    ['cpus', "Failed to parse 'cpus': missing or extra ':'"],
    ['ports:[1-2]', "Failed to parse '[1-2]' to quantity: only scalar values are allowed"],
    ['cpus:-1', "Failed to parse '-1' to quantity: negative values are not allowed"],
    ['cpus:nan', "Failed to parse 'nan' to quantity: value must be finite"],
    ['cpus:(', "Failed to parse '(' to quantity: Mismatched brackets"],
    ['cpus:x', "Failed to parse 'x' to quantity: only scalar values are allowed"],
  ];
  for (const [text, message] of cases) assert.equal(parseResourceQuantities(text), { ok: false, error: message }, text);
  assert.equal(parseMinAllocatableResources('cpus:1|mem:-1'), {
    ok: false,
    error: "Error parsing min_allocatable_resources 'cpus:1|mem:-1': Failed to parse '-1' to quantity: negative values are not allowed",
  });
});

test('meetsMinAllocatable: an offer must meet one group', () => {
  const result = parseMinAllocatableResources('cpus:1;mem:100|disk:100|cpus:1;ports:10');
  assert.ok(result.ok);
  const groups = result.value;
  const cases: [string, boolean][] = [
    ['cpus:1;mem:10;disk:10;ports:[1-5]', false],
    ['cpus:0.5;mem:100;disk:10;ports:[6-10]', false],
    ['cpus:0.5;mem:10;disk:50;ports:[16-20]', false],
    ['cpus:1;mem:100', true],
    ['disk(eng):100', true],
    ['cpus:1;ports:[1-10]', true],
  ];
  for (const [text, expected] of cases) assert.is(meetsMinAllocatable(parsed(text), groups), expected, text);
  assert.ok(meetsMinAllocatable(parsed('cpus:0.001'), []), 'no groups: anything non-empty');
  assert.not.ok(meetsMinAllocatable(Resources.EMPTY, []), 'nothing is never allocatable');
});

// ---------------------------------------------------------------------------------------------
// Hostile text: operators' flags and request bodies can be anything. No timings are asserted; the
// sizes are chosen so that a linear parser takes well under a second and a quadratic one (a
// backtracking regex on digits, or on spaces) would not finish for hours.
// ---------------------------------------------------------------------------------------------

const MB10 = 10 * 1024 * 1024;
const DIGITS = '1'.repeat(MB10);

// The error of a failed result, checked to quote the input only in part.
function shortError(result: { ok: true } | { ok: false; error: string }): string {
  if (result.ok) throw new Error('expected a parse error');
  assert.ok(result.error.length < 1000, `error message of ${result.error.length} characters`);
  return result.error;
}

test('hostile: parseValue reads 10 MB of digits, and digits then junk, in linear time', () => {
  assert.equal(parseValue(DIGITS), { ok: true, value: { type: 'SCALAR', scalar: { value: Infinity } } });
  assert.equal(parseValue(`${DIGITS}.${DIGITS}e7`), { ok: true, value: { type: 'SCALAR', scalar: { value: Infinity } } });
  assert.equal(parseValue(`0x${'f'.repeat(MB10)}`), { ok: true, value: { type: 'SCALAR', scalar: { value: Infinity } } });
  for (const junk of [`${DIGITS}x`, `${DIGITS}.${DIGITS}e`, `${DIGITS}e+`, `-${DIGITS}.x`, `0x${'f'.repeat(MB10)}g`]) {
    const result = parseValue(junk);
    assert.ok(result.ok && result.value.type === 'TEXT' && result.value.text.value === junk, 'junk after digits is text');
  }
  assert.is(shortError(parseValue(`[${DIGITS}x-1]`)), `Expecting non-negative integers in '${'1'.repeat(40)}...'`);
  assert.is(shortError(parseValue(`[1-${DIGITS}]`)), `Expecting non-negative integers in '${'1'.repeat(40)}...'`);
});

test('hostile: parseResources rejects 10 MB numbers with a short message', () => {
  assert.is(shortError(parseResources(`cpus:${DIGITS}x`)), `Bad type for resource cpus value ${'1'.repeat(40)}... type TEXT`);
  assert.is(
    shortError(parseResources(`cpus:${DIGITS}`)),
    `Invalid resource 'cpus:${'1'.repeat(35)}...': Invalid scalar resource: value must be finite, got Infinity`,
  );
  assert.match(shortError(parseResources(`ports:[${DIGITS}x-1]`)), /^Failed to parse resource ports value \[1{39}\.\.\. error Expecting non-negative integers in '1{40}\.\.\.'$/);
  assert.match(shortError(parseResources(`cpus${DIGITS}`)), /^Bad value for resources, missing or extra ':' in cpus1{36}\.\.\.$/);
});

test('hostile: names padded with megabytes of spaces are trimmed in linear time', () => {
  const spaces = ' '.repeat(MB10);
  const result = parseResources(`${spaces}cpus${spaces}:1;${spaces}mem${spaces}(${spaces}eng${spaces}):2`);
  assert.ok(result.ok, 'parses');
  assert.equal(result.value.toArray(), [scalar('cpus', 1), scalar('mem', 2, { reservations: [STATIC_ENG] })]);
  const quantities = parseResourceQuantities(`${spaces}cpus${spaces}:1`);
  assert.ok(quantities.ok && quantities.value.get('cpus') === 1, 'quantity name is trimmed');
});

test('hostile: parseResourceQuantities rejects 10 MB numbers with a short message', () => {
  const quoted = `'${'1'.repeat(40)}...'`;
  assert.is(shortError(parseResourceQuantities(`cpus:${DIGITS}`)), `Failed to parse ${quoted} to quantity: value must be finite`);
  assert.is(shortError(parseResourceQuantities(`cpus:${DIGITS}x`)), `Failed to parse ${quoted} to quantity: only scalar values are allowed`);
  assert.is(shortError(parseResourceQuantities(`cpus:${DIGITS}.${DIGITS}e`)), `Failed to parse ${quoted} to quantity: only scalar values are allowed`);
  assert.is(shortError(parseResourceQuantities(DIGITS)), `Failed to parse ${quoted}: missing or extra ':'`);
  assert.match(
    shortError(parseMinAllocatableResources(`cpus:${DIGITS}x`)),
    /^Error parsing min_allocatable_resources 'cpus:1{35}\.\.\.': Failed to parse '1{40}\.\.\.' to quantity: only scalar values are allowed$/,
  );
});

test.run();

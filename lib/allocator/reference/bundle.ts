// Bundles for the reference allocator core (docs/allocator.md section 1): milli-unit scalars,
// ranges and sets, and their pooled form. Every operation is written the obvious way; this is the
// oracle the native core is checked against.
//
// Canonical form, which every function here keeps and relies on:
// - scalars hold no zero entries;
// - a range list is sorted, disjoint and coalesced ([1-2] and [3-4] become [1-4]), never empty;
// - a set is sorted and free of duplicates, never empty;
// - a pooled bundle holds no empty bundle.
// So "empty" is a size check, and a pool that is missing is the same as an empty one.

import type { Bundle as WireBundle, Pooled as WirePooled } from '../protocol.ts';

/** Scalar index → milli-units. */
export type Scalars = Map<number, number>;
export type Interval = [number, number];

export interface Bundle {
  scalars: Scalars;
  /** Range name → intervals. */
  ranges: Map<number, Interval[]>;
  /** Set name → item ids. */
  sets: Map<number, number[]>;
}

/** Pool (UNRESERVED or a role index) → bundle. */
export type Pooled = Map<number, Bundle>;

export function emptyBundle(): Bundle {
  return { scalars: new Map(), ranges: new Map(), sets: new Map() };
}

export function isEmpty(b: Bundle): boolean {
  return b.scalars.size === 0 && b.ranges.size === 0 && b.sets.size === 0;
}

export function cloneBundle(b: Bundle): Bundle {
  return {
    scalars: new Map(b.scalars),
    ranges: new Map([...b.ranges].map(([name, list]) => [name, list.map(([lo, hi]): Interval => [lo, hi])])),
    sets: new Map([...b.sets].map(([name, items]) => [name, items.slice()])),
  };
}

export function clonePooled(p: Pooled): Pooled {
  return new Map([...p].map(([pool, b]) => [pool, cloneBundle(b)]));
}

// ---------------------------------------------------------------------------------------------
// Normalization of what the stream carries (docs/allocator.md section 7, "Input normalization").

/** Sorts and coalesces intervals: [[5,6],[1,2],[3,3]] becomes [[1,3],[5,6]]. */
export function normalizeRanges(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.map(([lo, hi]): Interval => [lo, hi]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Interval[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    // Ranges hold integers, so [1-2] and [3-4] touch and merge.
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Sorts and removes duplicates. */
export function normalizeSet(items: readonly number[]): number[] {
  const sorted = items.slice().sort((x, y) => x - y);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

/** Drops zero entries. */
export function normalizeScalars(s: ReadonlyMap<number, number>): Scalars {
  const out: Scalars = new Map();
  for (const [k, v] of s) if (v !== 0) out.set(k, v);
  return out;
}

export function bundleFromWire(w: WireBundle): Bundle {
  const b: Bundle = { scalars: normalizeScalars(w.scalars), ranges: new Map(), sets: new Map() };
  for (const [name, list] of w.ranges) if (list.length > 0) b.ranges.set(name, normalizeRanges(list));
  for (const [name, items] of w.sets) if (items.length > 0) b.sets.set(name, normalizeSet(items));
  return b;
}

export function pooledFromWire(w: WirePooled): Pooled {
  const p: Pooled = new Map();
  for (const [pool, wb] of w) {
    const b = bundleFromWire(wb);
    if (!isEmpty(b)) p.set(pool, b);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** a += b. */
export function addScalars(a: Scalars, b: ReadonlyMap<number, number>): void {
  for (const [k, v] of b) if (v !== 0) a.set(k, (a.get(k) ?? 0) + v);
}

/** a -= b, where a ≥ b component by component (callers check); zero entries are dropped. */
export function subtractScalars(a: Scalars, b: ReadonlyMap<number, number>): void {
  for (const [k, v] of b) {
    const left = (a.get(k) ?? 0) - v;
    if (left < 0) throw new Error(`scalar ${k} would go negative (${left})`);
    if (left === 0) a.delete(k);
    else a.set(k, left);
  }
}

export function containsScalars(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  for (const [k, v] of b) if ((a.get(k) ?? 0) < v) return false;
  return true;
}

/** The scalars of every pool, summed: what the sorters and quantities see. */
export function scalarSum(p: Pooled): Scalars {
  const out: Scalars = new Map();
  for (const b of p.values()) addScalars(out, b.scalars);
  return out;
}

/** The entries of `s` sorted by scalar index: the order explain and the payload use. */
export function sortedScalars(s: ReadonlyMap<number, number>): Map<number, number> {
  return new Map([...s].sort((x, y) => x[0] - y[0]));
}

// ---------------------------------------------------------------------------------------------
// Ranges and sets

function subtractRanges(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j]![1] < lo) j++;
    // Cut every interval of b that overlaps [lo, hi] out of it, left to right.
    while (lo <= hi && j < b.length && b[j]![0] <= hi) {
      const [blo, bhi] = b[j]!;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = Math.max(lo, bhi + 1);
      if (bhi > hi) break; // it also overlaps the next interval of a
      j++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

function containsRanges(a: readonly Interval[], b: readonly Interval[]): boolean {
  // a is coalesced, so each interval of b must lie inside a single interval of a.
  let i = 0;
  for (const [lo, hi] of b) {
    while (i < a.length && a[i]![1] < lo) i++;
    const covering = a[i];
    if (covering === undefined || covering[0] > lo || covering[1] < hi) return false;
  }
  return true;
}

function containsSet(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  for (const item of b) {
    while (i < a.length && a[i]! < item) i++;
    if (a[i] !== item) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Bundles

/** a += b. */
export function addInto(a: Bundle, b: Bundle): void {
  addScalars(a.scalars, b.scalars);
  for (const [name, list] of b.ranges) a.ranges.set(name, normalizeRanges([...(a.ranges.get(name) ?? []), ...list]));
  for (const [name, items] of b.sets) a.sets.set(name, normalizeSet([...(a.sets.get(name) ?? []), ...items]));
}

/** a -= b, where a ⊇ b (callers check with `contains`). */
export function subtractFrom(a: Bundle, b: Bundle): void {
  subtractScalars(a.scalars, b.scalars);
  for (const [name, list] of b.ranges) {
    const left = subtractRanges(a.ranges.get(name) ?? [], list);
    if (left.length === 0) a.ranges.delete(name);
    else a.ranges.set(name, left);
  }
  for (const [name, items] of b.sets) {
    const drop = new Set(items);
    const left = (a.sets.get(name) ?? []).filter((item) => !drop.has(item));
    if (left.length === 0) a.sets.delete(name);
    else a.sets.set(name, left);
  }
}

/** a ⊇ b: every scalar of a is ≥ b's, and a's ranges and sets contain b's. */
export function contains(a: Bundle, b: Bundle): boolean {
  if (!containsScalars(a.scalars, b.scalars)) return false;
  for (const [name, list] of b.ranges) if (!containsRanges(a.ranges.get(name) ?? [], list)) return false;
  for (const [name, items] of b.sets) if (!containsSet(a.sets.get(name) ?? [], items)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pooled bundles: the same operations, pool by pool.

export function addPooledInto(a: Pooled, b: Pooled): void {
  for (const [pool, bundle] of b) {
    const into = a.get(pool);
    if (into === undefined) a.set(pool, cloneBundle(bundle));
    else addInto(into, bundle);
  }
}

/** a -= b, where a ⊇ b pool by pool (callers check with `containsPooled`). */
export function subtractPooledFrom(a: Pooled, b: Pooled): void {
  for (const [pool, bundle] of b) {
    const from = a.get(pool);
    if (from === undefined) throw new Error(`pool ${pool} is missing`);
    subtractFrom(from, bundle);
    if (isEmpty(from)) a.delete(pool);
  }
}

export function containsPooled(a: Pooled, b: Pooled): boolean {
  for (const [pool, bundle] of b) {
    const outer = a.get(pool);
    if (outer === undefined || !contains(outer, bundle)) return false;
  }
  return true;
}

/**
 * Appends `p` to `out` in the protocol's pooled encoding, in the canonical order both cores
 * write, so their payloads compare equal number for number:
 * - pools ascending (the unreserved pool, -1, first), empty pools omitted;
 * - in a bundle, scalars by ascending index with zero entries omitted; range names ascending and
 *   set names ascending, empty lists omitted; intervals and items ascending (canonical form).
 */
export function encodePooled(out: number[], p: Pooled): void {
  const pools = [...p.keys()].filter((pool) => !isEmpty(p.get(pool)!)).sort((x, y) => x - y);
  out.push(pools.length);
  for (const pool of pools) {
    const b = p.get(pool)!;
    out.push(pool);
    const scalars = [...b.scalars].filter(([, v]) => v !== 0).sort((x, y) => x[0] - y[0]);
    out.push(scalars.length);
    for (const [k, v] of scalars) out.push(k, v);
    const ranges = [...b.ranges].filter(([, list]) => list.length > 0).sort((x, y) => x[0] - y[0]);
    out.push(ranges.length);
    for (const [name, list] of ranges) {
      out.push(name, list.length);
      for (const [lo, hi] of list) out.push(lo, hi);
    }
    const sets = [...b.sets].filter(([, items]) => items.length > 0).sort((x, y) => x[0] - y[0]);
    out.push(sets.length);
    for (const [name, items] of sets) {
      out.push(name, items.length);
      for (const item of items) out.push(item);
    }
  }
}

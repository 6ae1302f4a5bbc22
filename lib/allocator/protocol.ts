// The numeric protocol between the allocator facade and its two cores (native and reference),
// specified in docs/allocator.md. Events travel as one Float64Array per batch (integers are exact
// in a double up to 2^53) plus a side array of strings for names; decisions come back as an
// Int32Array of offer headers and a Float64Array of pooled bundles. No JS object per agent or
// per offer crosses the boundary.
//
// Encodings inside the stream:
//   sparse scalars  [n, (k, milli)*]
//   bundle          [nScalars, (k, milli)*, nRanges, (name, nIntervals, (begin, end)*)*,
//                    nSets, (name, nItems, item*)*]
//   pooled          [nPools, (pool, bundle)*]             pool -1 = unreserved
//   list            [n, value*]
//   groups          [nGroups, (sparse scalars)*]

import { MesosError } from '../common/errors.ts';
import { toFixedPoint } from '../api/resources.ts';
import type * as v1 from '../types/mesos.ts';

export const Op = {
  CONFIGURE: 1,
  ADD_ROLE: 2,
  SET_WEIGHT: 3,
  SET_QUOTA: 4,
  ADD_AGENT: 5,
  UPDATE_AGENT: 6,
  REMOVE_AGENT: 7,
  ACTIVATE_AGENT: 8,
  DEACTIVATE_AGENT: 9,
  ADD_FRAMEWORK: 10,
  UPDATE_FRAMEWORK: 11,
  REMOVE_FRAMEWORK: 12,
  ACTIVATE_FRAMEWORK: 13,
  DEACTIVATE_FRAMEWORK: 14,
  SUPPRESS: 15,
  REVIVE: 16,
  SET_MIN_ALLOCATABLE: 17,
  ADD_ALLOCATION: 18,
  RECOVER: 19,
  CONVERT: 20,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export const UNRESERVED = -1;
/** Scalar indices, range names and set names are below this, so dense per-name arrays stay small. */
export const MAX_NAMES = 4096;
export const SORTER_DRF = 0;
export const SORTER_RANDOM = 1;

/** Why a visit `(agent, role, framework)` did not allocate (docs/allocator.md section 6). */
export const Skip = {
  GPU: 0,
  NOTHING_LEFT: 1,
  LIMIT: 2,
  MIN_ALLOCATABLE: 3,
  FILTERED: 4,
} as const;
export const SKIP_NAMES = ['GPU', 'NOTHING_LEFT', 'LIMIT', 'MIN_ALLOCATABLE', 'FILTERED'] as const;
export type SkipName = (typeof SKIP_NAMES)[number];

/** A bundle in plain numbers: scalars in milli-units by scalar index, ranges and sets by name. */
export interface Bundle {
  scalars: Map<number, number>;
  ranges: Map<number, [number, number][]>;
  sets: Map<number, number[]>;
}

/** Resources on one agent, by pool (UNRESERVED or a role index). */
export type Pooled = Map<number, Bundle>;

export interface EventBatch {
  readonly data: Float64Array;
  readonly strings: readonly string[];
}

export interface Decisions {
  /** Per offer: framework, role, agent, and the start of its pooled bundle in `payload`. */
  readonly offers: Int32Array;
  readonly payload: Float64Array;
  readonly count: number;
}

export interface CoreExplain {
  share: number;
  rank: number;
  roleShare: number;
  roleRank: number;
  weight: number;
  active: boolean;
  suppressed: boolean;
  filters: number;
  filteredAgents: number;
  /** Sparse scalars of the top-level role's quota and consumption (milli-units). */
  guarantee: Map<number, number>;
  limit: Map<number, number>;
  consumed: Map<number, number>;
  /** Scalars offered to (framework, role) in the last cycle. */
  offered: Map<number, number>;
  /** Visits in the last cycle that ended in each skip reason, indexed by `Skip`. */
  skips: number[];
  /** Candidate agents in the last cycle. */
  candidates: number;
}

/** What the facade needs from a core; the native addon and the reference both provide it. */
export interface AllocatorCore {
  /**
   * Applies a batch. A malformed stream throws before any event applies; a semantic error throws
   * at its event, leaving the earlier events applied (docs/allocator.md section 7).
   */
  apply(batch: EventBatch): void;
  allocate(now: number): Decisions;
  explain(framework: number, role: number): CoreExplain;
}

export function emptyBundle(): Bundle {
  return { scalars: new Map(), ranges: new Map(), sets: new Map() };
}

/** How resource names become indices: the facade interns them, the benchmarks use fixed tables. */
export interface NameIndex {
  scalar(name: string): number;
  range(name: string): number;
  set(name: string): number;
  item(name: string, item: string): number;
}

/**
 * Adds one Mesos `Resource` (scalar, ranges or set) to a bundle. Scalars become milli-units
 * (fixed point, 3 decimals). The facade and the benchmarks both use this conversion.
 */
export function addResourceToBundle(bundle: Bundle, resource: v1.Resource, names: NameIndex): void {
  switch (resource.type) {
    case 'SCALAR': {
      const k = names.scalar(resource.name);
      bundle.scalars.set(k, (bundle.scalars.get(k) ?? 0) + toFixedPoint(resource.scalar?.value ?? 0));
      break;
    }
    case 'RANGES': {
      const k = names.range(resource.name);
      const list = bundle.ranges.get(k) ?? [];
      for (const r of resource.ranges?.range ?? []) list.push([r.begin, r.end]);
      bundle.ranges.set(k, list);
      break;
    }
    case 'SET': {
      const k = names.set(resource.name);
      const items = (resource.set?.item ?? []).map((i) => names.item(resource.name, i));
      bundle.sets.set(k, [...(bundle.sets.get(k) ?? []), ...items]);
      break;
    }
    default:
      throw new MesosError('INVALID_RESOURCES', `resource '${resource.name}' of type ${resource.type} cannot be allocated`);
  }
}

/** `a + b` without normalizing: scalars summed, range and set lists concatenated. */
export function mergeBundles(a: Bundle, b: Bundle): Bundle {
  const out = emptyBundle();
  for (const src of [a, b]) {
    for (const [k, v] of src.scalars) out.scalars.set(k, (out.scalars.get(k) ?? 0) + v);
    for (const [k, v] of src.ranges) out.ranges.set(k, [...(out.ranges.get(k) ?? []), ...v]);
    for (const [k, v] of src.sets) out.sets.set(k, [...(out.sets.get(k) ?? []), ...v]);
  }
  return out;
}

/** Builds an event batch. */
export class EventWriter {
  private buf = new Float64Array(1024);
  private len = 0;
  private readonly strings: string[] = [];

  get length(): number {
    return this.len;
  }

  private push(v: number): void {
    if (this.len === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = v;
  }

  private str(s: string): void {
    this.push(this.strings.length);
    this.strings.push(s);
  }

  private list(values: readonly number[]): void {
    this.push(values.length);
    for (const v of values) this.push(v);
  }

  private sparse(scalars: ReadonlyMap<number, number>): void {
    this.push(scalars.size);
    for (const [k, v] of scalars) {
      this.push(k);
      this.push(v);
    }
  }

  private groups(groups: readonly ReadonlyMap<number, number>[]): void {
    this.push(groups.length);
    for (const g of groups) this.sparse(g);
  }

  bundle(b: Bundle): void {
    this.sparse(b.scalars);
    this.push(b.ranges.size);
    for (const [name, intervals] of b.ranges) {
      this.push(name);
      this.push(intervals.length);
      for (const [lo, hi] of intervals) {
        this.push(lo);
        this.push(hi);
      }
    }
    this.push(b.sets.size);
    for (const [name, items] of b.sets) {
      this.push(name);
      this.list(items);
    }
  }

  pooled(p: Pooled): void {
    this.push(p.size);
    for (const [pool, b] of p) {
      this.push(pool);
      this.bundle(b);
    }
  }

  configure(o: {
    seed: number;
    gpuScalar: number;
    excluded: readonly number[];
    defaultMinAllocatable: readonly ReadonlyMap<number, number>[];
    roleSorter: number;
    frameworkSorter: number;
  }): this {
    this.push(Op.CONFIGURE);
    this.push(o.seed);
    this.push(o.gpuScalar);
    this.list(o.excluded);
    this.groups(o.defaultMinAllocatable);
    this.push(o.roleSorter);
    this.push(o.frameworkSorter);
    return this;
  }

  addRole(role: number, name: string, parent: number): this {
    this.push(Op.ADD_ROLE);
    this.push(role);
    this.str(name);
    this.push(parent);
    return this;
  }

  setWeight(role: number, weight: number): this {
    this.push(Op.SET_WEIGHT);
    this.push(role);
    this.push(weight);
    return this;
  }

  /** `limit` holds only the scalars that have a limit. */
  setQuota(role: number, guarantee: ReadonlyMap<number, number>, limit: ReadonlyMap<number, number>): this {
    this.push(Op.SET_QUOTA);
    this.push(role);
    this.sparse(guarantee);
    this.sparse(limit);
    return this;
  }

  addAgent(agent: number, total: Pooled, activated: boolean): this {
    this.push(Op.ADD_AGENT);
    this.push(agent);
    this.push(activated ? 1 : 0);
    this.pooled(total);
    return this;
  }

  updateAgent(agent: number, total: Pooled): this {
    this.push(Op.UPDATE_AGENT);
    this.push(agent);
    this.pooled(total);
    return this;
  }

  removeAgent(agent: number): this {
    return this.single(Op.REMOVE_AGENT, agent);
  }

  activateAgent(agent: number): this {
    return this.single(Op.ACTIVATE_AGENT, agent);
  }

  deactivateAgent(agent: number): this {
    return this.single(Op.DEACTIVATE_AGENT, agent);
  }

  addFramework(f: number, name: string, roles: readonly number[], gpu: boolean, active: boolean, suppressed: readonly number[]): this {
    this.push(Op.ADD_FRAMEWORK);
    this.push(f);
    this.str(name);
    this.push(gpu ? 1 : 0);
    this.push(active ? 1 : 0);
    this.list(roles);
    this.list(suppressed);
    return this;
  }

  updateFramework(f: number, roles: readonly number[], suppressed: readonly number[]): this {
    this.push(Op.UPDATE_FRAMEWORK);
    this.push(f);
    this.list(roles);
    this.list(suppressed);
    return this;
  }

  removeFramework(f: number): this {
    return this.single(Op.REMOVE_FRAMEWORK, f);
  }

  activateFramework(f: number): this {
    return this.single(Op.ACTIVATE_FRAMEWORK, f);
  }

  deactivateFramework(f: number): this {
    return this.single(Op.DEACTIVATE_FRAMEWORK, f);
  }

  suppress(f: number, roles: readonly number[]): this {
    this.push(Op.SUPPRESS);
    this.push(f);
    this.list(roles);
    return this;
  }

  revive(f: number, roles: readonly number[]): this {
    this.push(Op.REVIVE);
    this.push(f);
    this.list(roles);
    return this;
  }

  setMinAllocatable(f: number, role: number, groups: readonly ReadonlyMap<number, number>[]): this {
    this.push(Op.SET_MIN_ALLOCATABLE);
    this.push(f);
    this.push(role);
    this.groups(groups);
    return this;
  }

  addAllocation(f: number, agent: number, role: number, resources: Pooled): this {
    this.push(Op.ADD_ALLOCATION);
    this.push(f);
    this.push(agent);
    this.push(role);
    this.pooled(resources);
    return this;
  }

  recover(f: number, agent: number, role: number, resources: Pooled, expiry: number): this {
    this.push(Op.RECOVER);
    this.push(f);
    this.push(agent);
    this.push(role);
    this.pooled(resources);
    this.push(expiry);
    return this;
  }

  convert(f: number, agent: number, role: number, from: Pooled, to: Pooled): this {
    this.push(Op.CONVERT);
    this.push(f);
    this.push(agent);
    this.push(role);
    this.pooled(from);
    this.pooled(to);
    return this;
  }

  private single(op: OpCode, index: number): this {
    this.push(op);
    this.push(index);
    return this;
  }

  /** The batch so far; the writer starts over. */
  take(): EventBatch {
    const batch = { data: this.buf.slice(0, this.len), strings: this.strings.splice(0) };
    this.len = 0;
    return batch;
  }
}

/** Reads a stream in the encodings above; throws RangeError on a malformed stream. */
export class StreamReader {
  pos = 0;
  private readonly data: Float64Array;

  constructor(data: Float64Array) {
    this.data = data;
  }

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  num(): number {
    if (this.pos >= this.data.length) throw new RangeError(`stream ends early at ${this.pos}`);
    return this.data[this.pos++]!;
  }

  /** A non-negative integer below `limit`. */
  int(what: string, limit = 2 ** 31): number {
    const v = this.num();
    if (!Number.isInteger(v) || v < 0 || v >= limit) throw new RangeError(`${what}: ${v} is not a valid index or count`);
    return v;
  }

  /** An integer in [-1, limit). */
  intOrNone(what: string, limit = 2 ** 31): number {
    const v = this.num();
    if (!Number.isInteger(v) || v < -1 || v >= limit) throw new RangeError(`${what}: ${v} is not valid`);
    return v;
  }

  /** A non-negative integral amount in milli-units. */
  milli(what: string): number {
    const v = this.num();
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what}: ${v} is not a non-negative amount`);
    return v;
  }

  list(what: string): number[] {
    const n = this.int(`${what} count`);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.int(what));
    return out;
  }

  sparse(what: string): Map<number, number> {
    const n = this.int(`${what} count`);
    const out = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = this.int(`${what} scalar`, MAX_NAMES);
      out.set(k, (out.get(k) ?? 0) + this.milli(`${what} amount`));
    }
    return out;
  }

  groups(what: string): Map<number, number>[] {
    const n = this.int(`${what} count`);
    const out: Map<number, number>[] = [];
    for (let i = 0; i < n; i++) out.push(this.sparse(what));
    return out;
  }

  bundle(what: string): Bundle {
    const b = emptyBundle();
    b.scalars = this.sparse(what);
    const nr = this.int(`${what} ranges count`);
    for (let i = 0; i < nr; i++) {
      const name = this.int(`${what} range name`, MAX_NAMES);
      const n = this.int(`${what} interval count`);
      const intervals: [number, number][] = [];
      for (let j = 0; j < n; j++) {
        const lo = this.int(`${what} range begin`, 2 ** 53);
        const hi = this.int(`${what} range end`, 2 ** 53);
        if (hi < lo) throw new RangeError(`${what}: range [${lo}-${hi}] ends before it begins`);
        intervals.push([lo, hi]);
      }
      // A name that appears twice in one bundle is merged, as duplicate scalars are summed.
      b.ranges.set(name, [...(b.ranges.get(name) ?? []), ...intervals]);
    }
    const ns = this.int(`${what} sets count`);
    for (let i = 0; i < ns; i++) {
      const name = this.int(`${what} set name`, MAX_NAMES);
      b.sets.set(name, [...(b.sets.get(name) ?? []), ...this.list(`${what} set item`)]);
    }
    return b;
  }

  pooled(what: string): Pooled {
    const n = this.int(`${what} pool count`);
    const out: Pooled = new Map();
    for (let i = 0; i < n; i++) {
      const pool = this.intOrNone(`${what} pool`);
      const bundle = this.bundle(what);
      const prev = out.get(pool);
      out.set(pool, prev ? mergeBundles(prev, bundle) : bundle);
    }
    return out;
  }
}

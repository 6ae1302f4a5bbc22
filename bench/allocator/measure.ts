// Runs one benchmark point on one core and times it, and checks afterwards that two cores
// decided alike.
//
// Only `apply()` of the setup batches, `apply()` of the events between cycles and `allocate()`
// are inside timed regions; building events and decoding decisions are not. The cores run one
// after the other, never interleaved (run.ts runs every point on the native core, then on the
// reference), so that neither pollutes the other's caches and each one's memory can be told
// apart. Each core gets the events its own decisions call for; while the decisions are
// identical, so are the events. Decisions are compared through a hash of the typed arrays of every
// cycle, and the first cycles are kept whole to name the first differing offer.

import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { EventWriter, SORTER_DRF, StreamReader, type AllocatorCore, type Decisions, type EventBatch } from '../../lib/allocator/protocol.ts';
import { ReferenceAllocatorCore } from '../../lib/allocator/reference/index.ts';
import { NativeAllocatorCore } from '../../lib/native/index.ts';
import { DEFAULT_MIN_ALLOCATABLE, SCALARS, bundle, quantities, unreserved } from './cluster.ts';
import type { Progress } from './progress.ts';
import type { Point } from './scenarios.ts';

export type CoreKind = 'native' | 'reference';
export const CORE_KINDS: readonly CoreKind[] = ['native', 'reference'];

/** The shuffle seed of every run; both cores get the same one. */
const SEED = 1;
/** Simulated time between cycles, as Mesos's benchmarks advance the clock by allocation_interval. */
const INTERVAL_MS = 1000;
/**
 * Cycles kept whole (warm-up included) so that a mismatch can name the first differing offer,
 * when they are small enough not to weigh on the RSS measured for the core.
 */
const KEEP_WHOLE = 2;
const KEEP_WHOLE_MAX_PAYLOAD = 1 << 20;

export interface Stats {
  min: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export interface CoreResult {
  core: CoreKind;
  /** `ok`, or `skipped`/`error` with `reason`; only `ok` results carry figures. */
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  /** apply() of the setup batches: roles and quota, frameworks, agents (with their used resources). */
  setupMs: { roles: number; frameworks: number; agents: number };
  /** The unmeasured first cycle, when the point has one. */
  warmup: { ms: number; offers: number } | null;
  /** Measured cycles run. */
  cycles: number;
  /** Why fewer cycles ran than asked (the driver finished, or the reference was capped). */
  capped: string | null;
  cycleMs: Stats;
  /** Every measured cycle, in order. */
  cyclesMs: number[];
  offersPerCycle: Stats;
  offers: number[];
  /** All offers of the measured cycles over the time of those cycles. */
  offersPerSecond: number;
  /** apply() of the events between cycles (recoveries, suppressions), per cycle. */
  betweenMs: Stats | null;
  /** The process RSS sampled after every apply() and allocate() of this core's run. */
  rssPeakMB: number;
  /** That peak minus the RSS before this core's setup (after a GC). */
  rssGrowthMB: number;
  /**
   * The JS heap still in use after a full GC at the end of the run, with the core alive, minus
   * the same before setup: the reference core's state (the native core's lives outside the heap).
   */
  heapRetainedMB: number;
  /** Scenario-specific figures from the driver. */
  figures: Record<string, number>;
}

/** What a run decided, for the equivalence check. */
export interface Trace {
  /** One hash per cycle, warm-up first. */
  hashes: string[];
  counts: number[];
  /** Copies of the first KEEP_WHOLE cycles, where small enough (a sparse array). */
  whole: { offers: Int32Array; payload: Float64Array; count: number }[];
}

export interface Equivalence {
  status: 'ok' | 'MISMATCH' | 'not checked';
  /** Cycles compared, warm-up included. */
  cycles: number;
  mismatches: { cycle: string; nativeOffers: number; referenceOffers: number; detail: string }[];
}

export interface RunOptions {
  /** Measured cycles, overriding the point's. */
  cycles?: number;
  /**
   * Stop the reference once its measured cycles, with the events between them and the driver's
   * work, have taken this long (ms); 0 means no budget.
   */
  referenceBudgetMs: number;
  progress: Progress;
}

// A GC before each core's run makes the RSS baselines comparable. `--expose-gc` can be turned on
// at run time; `gc` then lives in fresh contexts.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

function createCore(kind: CoreKind): AllocatorCore {
  return kind === 'native' ? new NativeAllocatorCore() : new ReferenceAllocatorCore();
}

const rssMB = (): number => process.memoryUsage.rss() / 2 ** 20;
const heapMB = (): number => process.memoryUsage().heapUsed / 2 ** 20;

/**
 * Frees what earlier runs left behind before the next one starts. The native core's memory is
 * released by its finalizer, which Node runs only once the event loop turns after a GC; a
 * synchronous loop over points would keep every earlier core alive.
 */
export async function releaseMemory(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { min: 0, p50: 0, p99: 0, mean: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { min: sorted[0]!, p50: rank(50), p99: rank(99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, max: sorted[sorted.length - 1]! };
}

/** The used part of a cycle's payload: up to the end of the last offer's pooled bundle. */
function payloadEnd(d: Decisions): number {
  if (d.count === 0) return 0;
  let end = 0;
  const reader = new StreamReader(d.payload);
  for (let i = 0; i < d.count; i++) {
    reader.pos = d.offers[i * 4 + 3]!;
    reader.pooled('offer');
    end = Math.max(end, reader.pos);
  }
  return end;
}

/** Two 32-bit hashes (FNV-1a and a multiply-rotate) over the offer headers and the used payload. */
function hashDecisions(d: Decisions, end: number): string {
  const headers = new Uint32Array(d.offers.buffer, d.offers.byteOffset, d.count * 4);
  const payload = new Uint32Array(d.payload.buffer, d.payload.byteOffset, end * 2);
  let h1 = 0x811c9dc5 ^ d.count;
  let h2 = 0x9e3779b9 ^ d.count;
  for (const words of [headers, payload]) {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul((h2 ^ w) + 0x7f4a7c15, 0x85ebca6b);
      h2 = (h2 << 13) | (h2 >>> 19);
    }
  }
  return `${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}/${d.count}`;
}

function copyDecisions(d: Decisions, end: number): Trace['whole'][number] {
  return { offers: d.offers.slice(0, d.count * 4), payload: d.payload.slice(0, end), count: d.count };
}

/** The events that build a point's cluster, as three batches: roles and quota, frameworks, agents. */
function setupBatches(point: Point): EventBatch[] {
  const c = point.cluster;
  const w = new EventWriter();
  w.configure({ seed: SEED, gpuScalar: SCALARS.gpus!, excluded: [], defaultMinAllocatable: DEFAULT_MIN_ALLOCATABLE, roleSorter: SORTER_DRF, frameworkSorter: SORTER_DRF });
  const roleIndex = new Map<string, number>();
  c.roles.forEach((r, i) => {
    const slash = r.name.lastIndexOf('/');
    const parent = slash < 0 ? -1 : roleIndex.get(r.name.slice(0, slash));
    if (parent === undefined) throw new Error(`bench: role ${r.name} is listed before its parent`);
    roleIndex.set(r.name, i);
    w.addRole(i, r.name, parent);
    if (r.weight !== undefined && r.weight !== 1) w.setWeight(i, r.weight);
    if (r.guarantee !== undefined || r.limit !== undefined) w.setQuota(i, quantities(r.guarantee ?? ''), quantities(r.limit ?? ''));
  });
  const roles = w.take();
  const role = (name: string): number => {
    const i = roleIndex.get(name);
    if (i === undefined) throw new Error(`bench: unknown role ${name}`);
    return i;
  };
  c.frameworks.forEach((f, i) => w.addFramework(i, f.name, f.roles.map(role), false, true, []));
  const frameworks = w.take();
  // Every agent has the same total and runs the same resources, so one bundle of each serves all.
  const total = unreserved(bundle(c.agentResources));
  const used = c.used ? { role: role(c.used.role), resources: unreserved(bundle(c.used.resources)) } : undefined;
  for (let a = 0; a < c.agents; a++) {
    w.addAgent(a, total, true);
    if (used) w.addAllocation(a % c.frameworks.length, a, used.role, used.resources);
  }
  const agents = w.take();
  return [roles, frameworks, agents];
}

function emptyResult(kind: CoreKind, status: CoreResult['status'], reason: string): CoreResult {
  return {
    core: kind, status, reason, setupMs: { roles: 0, frameworks: 0, agents: 0 }, warmup: null, cycles: 0, capped: null,
    cycleMs: stats([]), cyclesMs: [], offersPerCycle: stats([]), offers: [], offersPerSecond: 0, betweenMs: null,
    rssPeakMB: 0, rssGrowthMB: 0, heapRetainedMB: 0, figures: {},
  };
}

export function skipped(kind: CoreKind, reason: string): CoreResult {
  return emptyResult(kind, 'skipped', reason);
}

/** Runs `point` on a fresh core of `kind`. */
export function runPoint(point: Point, kind: CoreKind, options: RunOptions): { result: CoreResult; trace: Trace } {
  const trace: Trace = { hashes: [], counts: [], whole: [] };
  const label = `${point.scenario} ${point.name} ${kind}`;
  const { progress } = options;
  progress.start();
  try {
    const batches = setupBatches(point);
    gc();
    const heapBefore = heapMB();
    const rssBefore = rssMB();
    let rssPeak = rssBefore;
    const sample = (): void => {
      rssPeak = Math.max(rssPeak, rssMB());
    };
    const timed = <T>(f: () => T): [T, number] => {
      const t0 = performance.now();
      const out = f();
      return [out, performance.now() - t0];
    };
    const c = createCore(kind);
    progress.update(`${label}: setup (${point.cluster.agents} agents, ${point.cluster.frameworks.length} frameworks)`, true);
    const [roles, frameworks, agents] = batches.map((batch) => timed(() => c.apply(batch))[1]) as [number, number, number];
    const setupMs = { roles, frameworks, agents };
    sample();
    // The setup events are applied; from here on the RSS should grow with the core's state only.
    batches.length = 0;

    const record = (d: Decisions): void => {
      const end = payloadEnd(d);
      if (trace.hashes.length < KEEP_WHOLE && end <= KEEP_WHOLE_MAX_PAYLOAD) trace.whole[trace.hashes.length] = copyDecisions(d, end);
      trace.hashes.push(hashDecisions(d, end));
      trace.counts.push(d.count);
      sample();
    };

    let now = 0;
    let previous: Decisions | undefined;
    let warmup: CoreResult['warmup'] = null;
    if (point.warmup) {
      now += INTERVAL_MS;
      const [d, ms] = timed(() => c.allocate(now));
      warmup = { ms, offers: d.count };
      record(d);
      previous = d;
    }

    let cycles = options.cycles ?? point.cycles;
    let capped: string | null = null;
    if (kind === 'reference' && point.referenceCycles && point.referenceCycles.max < cycles) {
      cycles = point.referenceCycles.max;
      capped = point.referenceCycles.reason;
    }
    const driver = point.driver();
    const writer = new EventWriter();
    const cyclesMs: number[] = [];
    const between: number[] = [];
    const offers: number[] = [];
    let cycleTime = 0;
    const loopStarted = performance.now();
    for (let round = 0; round < cycles; round++) {
      driver.beforeCycle(round, previous, writer);
      if (driver.finished?.()) {
        capped = `finished after ${round} cycles`;
        break;
      }
      const batch = writer.take();
      if (batch.data.length > 0) between.push(timed(() => c.apply(batch))[1]);
      sample();
      // The driver's garbage (decoded offers, the batch) is young; collecting it here, outside
      // the timed regions, keeps it out of the next cycle and of the RSS samples.
      gc({ type: 'minor' });
      now += INTERVAL_MS;
      const [d, ms] = timed(() => c.allocate(now));
      cyclesMs.push(ms);
      offers.push(d.count);
      cycleTime += ms;
      record(d);
      previous = d;
      progress.update(`${label}: round ${round + 1}/${cycles}, last cycle ${ms.toFixed(1)} ms, ${d.count} offers`);
      const spent = performance.now() - loopStarted;
      if (kind === 'reference' && options.referenceBudgetMs > 0 && spent > options.referenceBudgetMs && round + 1 < cycles) {
        capped = `reference stopped after ${round + 1} of ${cycles} cycles: its ${(options.referenceBudgetMs / 1000).toFixed(0)} s budget was spent`;
        break;
      }
    }
    progress.done();
    previous = undefined;
    gc();
    const heapRetained = heapMB() - heapBefore;
    const totalOffers = offers.reduce((a, b) => a + b, 0);
    return {
      result: {
        core: kind,
        status: 'ok',
        setupMs,
        warmup,
        cycles: cyclesMs.length,
        capped,
        cycleMs: stats(cyclesMs),
        cyclesMs,
        offersPerCycle: stats(offers),
        offers,
        offersPerSecond: cycleTime > 0 ? (totalOffers / cycleTime) * 1000 : 0,
        betweenMs: between.length > 0 ? stats(between) : null,
        rssPeakMB: rssPeak,
        rssGrowthMB: rssPeak - rssBefore,
        heapRetainedMB: heapRetained,
        figures: driver.figures?.() ?? {},
      },
      trace,
    };
  } catch (error) {
    progress.done();
    const message = error instanceof Error ? error.message : String(error);
    return { result: emptyResult(kind, 'error', message), trace };
  }
}

/** Names the first differing offer of two whole cycles. */
function firstDifference(a: Trace['whole'][number], b: Trace['whole'][number]): string {
  if (a.count !== b.count) return `native made ${a.count} offers, reference ${b.count}`;
  const plain = (d: Trace['whole'][number], i: number): string => {
    const reader = new StreamReader(d.payload);
    reader.pos = d.offers[i * 4 + 3]!;
    const pooled = reader.pooled('offer');
    const text = [...pooled].map(([pool, b]) => `pool ${pool}: ${JSON.stringify({ scalars: [...b.scalars], ranges: [...b.ranges], sets: [...b.sets] })}`);
    return `framework ${d.offers[i * 4]} role ${d.offers[i * 4 + 1]} agent ${d.offers[i * 4 + 2]} ${text.join('; ')}`;
  };
  for (let i = 0; i < a.count; i++) {
    const x = plain(a, i);
    const y = plain(b, i);
    if (x !== y) return `offer ${i}: native {${x}} reference {${y}}`;
  }
  return 'same offers, different payload layout';
}

/** Compares the cycles both cores ran. */
export function compareTraces(point: Point, native: Trace, reference: Trace): Equivalence {
  const n = Math.min(native.hashes.length, reference.hashes.length);
  const mismatches: Equivalence['mismatches'] = [];
  for (let i = 0; i < n; i++) {
    if (native.hashes[i] === reference.hashes[i]) continue;
    const round = point.warmup ? i - 1 : i;
    const a = native.whole[i];
    const b = reference.whole[i];
    mismatches.push({
      cycle: round < 0 ? 'warm-up' : `round ${round}`,
      nativeOffers: native.counts[i]!,
      referenceOffers: reference.counts[i]!,
      detail: a && b ? firstDifference(a, b) : 'decision hashes differ',
    });
  }
  return { status: n === 0 ? 'not checked' : mismatches.length > 0 ? 'MISMATCH' : 'ok', cycles: n, mismatches };
}

// The numeric vocabulary of the allocator benchmarks. Scenarios describe resources in Mesos's text
// form (`cpus:24;mem:4096;ports:[31000-32000]`, parsed by lib/api/resources-text.ts, the same
// parser as the agent's --resources flag), and this file turns them into the bundles of the core
// protocol (docs/allocator.md section 1) once, at scenario build time. Nothing here runs inside a
// timed region.

import { parseResourceQuantities, parseResourcesOrThrow } from '../../lib/api/resources-text.ts';
import { toFixedPoint } from '../../lib/api/resources.ts';
import {
  StreamReader, UNRESERVED, addResourceToBundle, emptyBundle, type Bundle, type Decisions, type NameIndex, type Pooled,
} from '../../lib/allocator/protocol.ts';

/** Scalar indices of every benchmark. gpus is index 0 so that CONFIGURE can name it; no agent has any. */
export const SCALARS: Readonly<Record<string, number>> = { gpus: 0, cpus: 1, mem: 2, disk: 3 };
/** Range-name indices. */
export const RANGES: Readonly<Record<string, number>> = { ports: 0 };

/** Mesos's default `--min_allocatable_resources`, `cpus:0.01|mem:32`, as quantity groups. */
export const DEFAULT_MIN_ALLOCATABLE: readonly ReadonlyMap<number, number>[] = [quantities('cpus:0.01'), quantities('mem:32')];

/** A far-future filter expiry: Mesos's DeclineOffers refuses with `refuse_seconds = INT_MAX`. */
export const FOREVER_MS = 1e15;

function scalarIndex(name: string): number {
  const k = SCALARS[name];
  if (k === undefined) throw new Error(`bench: unknown scalar '${name}' (known: ${Object.keys(SCALARS).join(', ')})`);
  return k;
}

const BENCH_NAMES: NameIndex = {
  scalar: scalarIndex,
  range: (name) => {
    const k = RANGES[name];
    if (k === undefined) throw new Error(`bench: unknown range '${name}'`);
    return k;
  },
  set: (name) => {
    throw new Error(`bench: set resource '${name}' is not used by the benchmarks`);
  },
  item: (name) => {
    throw new Error(`bench: set resource '${name}' is not used by the benchmarks`);
  },
};

/** Unreserved resources in Mesos's text form, as a bundle. */
export function bundle(text: string): Bundle {
  const out = emptyBundle();
  for (const r of parseResourcesOrThrow(text)) addResourceToBundle(out, r, BENCH_NAMES);
  return out;
}

/** Quantities in Mesos's text form (`cpus:1;mem:1024`), as sparse milli-unit scalars. */
export function quantities(text: string): Map<number, number> {
  const parsed = parseResourceQuantities(text);
  if (!parsed.ok) throw new Error(`bench: ${parsed.error}`);
  return new Map([...parsed.value].map(([name, amount]) => [scalarIndex(name), toFixedPoint(amount)]));
}

export function unreserved(b: Bundle): Pooled {
  return new Map([[UNRESERVED, b]]);
}

/**
 * `n` disjoint port fragments spread evenly over `[lo-hi]`, each half a stride long, in Mesos's
 * text form: `portFragments(31000, 32000, 4)` is `[31000-31124,31250-31374,31500-31624,31750-31874]`.
 * Mesos's benchmarks draw random fragments (`fragment()` in hierarchical_allocator_tests.cpp);
 * fixed ones keep runs reproducible and cost the same to subtract and compare.
 */
export function portFragments(lo: number, hi: number, n: number): string {
  const stride = Math.floor((hi - lo + 1) / n);
  const fragments: string[] = [];
  for (let i = 0; i < n; i++) fragments.push(`${lo + i * stride}-${lo + i * stride + Math.max(0, Math.floor(stride / 2) - 1)}`);
  return `[${fragments.join(',')}]`;
}

/** One offer of a cycle's decisions, decoded. */
export interface Offer {
  framework: number;
  role: number;
  agent: number;
  resources: Pooled;
}

/**
 * Calls `visit` with each offer of a cycle, decoded one at a time (outside the timed region).
 * Decoding one offer at a time keeps the garbage young: at 50k offers a cycle, an array of all of
 * them would reach V8's old space and show up in the RSS attributed to the core.
 */
export function forEachOffer(d: Decisions, visit: (o: Offer) => void): void {
  const reader = new StreamReader(d.payload);
  for (let i = 0; i < d.count; i++) {
    reader.pos = d.offers[i * 4 + 3]!;
    visit({ framework: d.offers[i * 4]!, role: d.offers[i * 4 + 1]!, agent: d.offers[i * 4 + 2]!, resources: reader.pooled('offer') });
  }
}

/** Milli-units of scalar `k` in the unreserved pool. */
export function unreservedScalar(p: Pooled, k: number): number {
  return p.get(UNRESERVED)?.scalars.get(k) ?? 0;
}

// What one mode measures for one variant: the types the modes fill in and the report prints.

import type { Cleanup } from '../../test/helpers/master-process.ts';
import type { Progress } from '../allocator/progress.ts';
import { checkTarget, summarize, type Stats, type TargetCheck } from './stats.ts';
import type { Variant } from './variants.ts';

export type Mode = 'containerizer' | 'cluster';
export const MODES: readonly Mode[] = ['containerizer', 'cluster'];

/** What every task asks for: the issue's `true` task. */
export const TASK = { cpus: 0.1, memMB: 32 } as const;

export type RunKind = 'sequential' | 'concurrent';

/** How many tasks each run launches (0 leaves the run out). */
export interface Counts {
  readonly sequential: number;
  readonly concurrent: number;
}

/** What a mode needs to run one variant. */
export interface ModeContext {
  readonly counts: Counts;
  readonly progress: Progress;
  /** Undoes everything the run makes, also on Ctrl-C (run.ts runs it then). */
  readonly cleanup: Cleanup;
}

export interface RunResult {
  readonly kind: RunKind;
  /** Tasks launched (and measured unless they failed). */
  readonly tasks: number;
  /** Tasks that never reached RUNNING, or did not end with exit status 0. */
  readonly failures: number;
  /** The agent-side latency (see README.md for each mode's definition). */
  readonly agentMs: Stats;
  /** Cluster mode only: ACCEPT sent -> TASK_RUNNING received by the scheduler. */
  readonly endToEndMs: Stats | null;
  /** Sequential: the whole run; concurrent: the first launch call to the last RUNNING. */
  readonly wallMs: number;
  /** The agent-side figures against the target (p50 <= 10 ms, p99 <= 30 ms). */
  readonly target: TargetCheck;
  /** Every sample, in launch order. */
  readonly samples: { readonly agentMs: readonly number[]; readonly endToEndMs: readonly number[] | null };
}

export interface VariantResult {
  readonly variant: string;
  readonly isolation: string;
  readonly controllers: readonly string[];
  readonly namespaces: readonly string[];
  readonly status: 'ok' | 'skipped' | 'error';
  readonly reason?: string;
  /** The agent-side latency of the first, unmeasured launch (cold caches), when it ran. */
  readonly warmupMs: number | null;
  readonly runs: readonly RunResult[];
}

export function runResult(
  kind: RunKind, tasks: number, failures: number, agentMs: readonly number[], endToEndMs: readonly number[] | null, wallMs: number,
): RunResult {
  const agent = summarize(agentMs);
  return {
    kind, tasks, failures, agentMs: agent, endToEndMs: endToEndMs === null ? null : summarize(endToEndMs), wallMs,
    target: checkTarget(agent), samples: { agentMs, endToEndMs },
  };
}

export function variantResult(
  v: Variant, status: VariantResult['status'], fields: { reason?: string; warmupMs?: number | null; runs?: RunResult[] } = {},
): VariantResult {
  return {
    variant: v.name,
    isolation: v.isolationFlag,
    controllers: v.isolation.controllers,
    namespaces: v.isolation.namespaces,
    status,
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    warmupMs: fields.warmupMs ?? null,
    runs: fields.runs ?? [],
  };
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}

// The two outputs of the launch benchmark: one JSON document for machines (fields documented in
// README.md) and a table per mode for people.

import { release, tmpdir } from 'node:os';

import { hostInfo, type HostInfo } from '../common.ts';

import { detectCgroups } from '../../lib/native/index.ts';
import { TASK, type Mode, type RunResult, type VariantResult } from './results.ts';
import { TARGET, type Stats } from './stats.ts';

export interface ModeReport {
  readonly mode: Mode;
  /** What the mode's figures are, in words. */
  readonly measures: { readonly agentMs: string; readonly endToEndMs?: string };
  readonly variants: VariantResult[];
}

export interface Report {
  benchmark: 'mesos-ts launch';
  schema: 1;
  startedAt: string;
  durationMs: number;
  host: HostInfo & {
    kernel: string;
    root: boolean;
    /** The cgroup layout ('v1', 'v2', 'hybrid'), or null when none could be read. */
    cgroups: string | null;
    /** Where the sandboxes, runtime and work dirs live (os.tmpdir(), i.e. $TMPDIR or /tmp). */
    tmpdir: string;
  };
  options: { sequential: number; concurrent: number; variants: string[]; mode: string };
  target: { p50Ms: number; p99Ms: number };
  percentiles: 'nearest-rank';
  modes: Partial<Record<Mode, ModeReport>>;
  /** Variants that did not run, and why (e.g. not root). */
  skipped: { variant: string; reason: string }[];
  /** True when a variant failed to run or a task failed. */
  errors: boolean;
}

export const MEASURES: Record<Mode, ModeReport['measures']> = {
  containerizer: {
    agentMs: 'Containerizer.launch() call -> resolved (the task has exec\'d; the agent sends TASK_RUNNING then)',
  },
  cluster: {
    agentMs: 'TASK_RUNNING.timestamp - TASK_STARTING.timestamp, both stamped by the agent (1 ms resolution)',
    endToEndMs: 'ACCEPT sent -> TASK_RUNNING received by the scheduler',
  },
};

function cgroupsMode(): string | null {
  try {
    return detectCgroups().mode;
  } catch {
    return null;
  }
}

export function newReport(options: Report['options']): Report {
  return {
    benchmark: 'mesos-ts launch',
    schema: 1,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    host: {
      ...hostInfo(),
      kernel: release(),
      root: process.getuid?.() === 0,
      cgroups: cgroupsMode(),
      tmpdir: tmpdir(),
    },
    options,
    target: { p50Ms: TARGET.p50Ms, p99Ms: TARGET.p99Ms },
    percentiles: 'nearest-rank',
    modes: {},
    skipped: [],
    errors: false,
  };
}

/** Rounds every float of the report to 3 decimals (ms to the microsecond) for a readable document. */
export function toJson(report: Report): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value), 2);
}

// ---------------------------------------------------------------------------------------------
// Tables

/** Milliseconds with about three significant digits. */
function ms(n: number): string {
  if (n >= 1000) return n.toFixed(0);
  if (n >= 100) return n.toFixed(1);
  return n.toFixed(2);
}

function targetCell(r: RunResult): string {
  if (r.agentMs.n === 0) return '-';
  if (r.target.met) return 'ok';
  const missed = [!r.target.p50 && `p50 > ${TARGET.p50Ms}`, !r.target.p99 && `p99 > ${TARGET.p99Ms}`].filter(Boolean);
  return `MISSED (${missed.join(', ')})`;
}

/** Pads the cells into columns: `right` holds the indices of right-aligned (numeric) columns. */
export function alignColumns(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const width = (i: number): number => Math.max(...rows.map((r) => (r[i] ?? '').length));
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => width(i));
  return rows.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

const HEADER = ['variant', 'run', 'measure', 'n', 'p50', 'p90', 'p99', 'max', 'mean', 'wall', 'failed', 'target'];
const RIGHT = new Set([3, 4, 5, 6, 7, 8, 9, 10]);

function statsCells(s: Stats): string[] {
  return [`${s.n}`, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), ms(s.mean)];
}

function modeTable(m: ModeReport): string[] {
  const out: string[] = [];
  out.push(`== ${m.mode}`);
  out.push(`   agent: ${m.measures.agentMs}`);
  if (m.measures.endToEndMs) out.push(`   end-to-end: ${m.measures.endToEndMs}`);
  out.push('');
  const rows: string[][] = [HEADER];
  const notes: string[] = [];
  for (const v of m.variants) {
    if (v.status !== 'ok') {
      rows.push([v.variant, '-', '-', '', '', '', '', '', '', '', '', v.status.toUpperCase()]);
      notes.push(`  ${v.variant}: ${v.status}: ${v.reason ?? ''}`);
      continue;
    }
    v.runs.forEach((r, i) => {
      rows.push([i === 0 ? v.variant : '', r.kind, 'agent', ...statsCells(r.agentMs), ms(r.wallMs), `${r.failures}`, targetCell(r)]);
      if (r.endToEndMs) rows.push(['', '', 'end-to-end', ...statsCells(r.endToEndMs), '', '', '']);
    });
    if (v.reason) notes.push(`  ${v.variant}: ${v.reason}`);
  }
  out.push(...alignColumns(rows, RIGHT));
  const warmups = m.variants.filter((v) => v.warmupMs !== null).map((v) => `${v.variant} ${ms(v.warmupMs!)}`);
  if (warmups.length > 0) out.push('', `  warm-up launch (agent-side, not counted): ${warmups.join(', ')}`);
  out.push(...notes);
  return out;
}

export function toTable(report: Report): string {
  const h = report.host;
  const out: string[] = [];
  out.push(
    `mesos-ts launch benchmark: node ${h.node}, ${h.platform} ${h.kernel}, ${h.cpus} CPUs (${h.cpuModel}), ${h.memoryMB} MB, ` +
      `cgroups ${h.cgroups ?? 'none'}${h.root ? ', root' : ', not root'}, dirs in ${h.tmpdir}`,
  );
  out.push(
    `Each task runs /bin/true (cpus ${TASK.cpus}, mem ${TASK.memMB} MB). Times in ms; percentiles by nearest rank. ` +
      `Target (agent-side): p50 <= ${report.target.p50Ms} ms, p99 <= ${report.target.p99Ms} ms.`,
  );
  out.push('"wall": sequential, the whole run; concurrent, the first launch to the last RUNNING.');
  for (const s of report.skipped) out.push(`# skip: ${s.variant}: ${s.reason}`);
  for (const mode of ['containerizer', 'cluster'] as const) {
    const m = report.modes[mode];
    if (m) out.push('', ...modeTable(m));
  }
  out.push('', `total ${(report.durationMs / 1000).toFixed(1)} s${report.errors ? ', *** ERRORS (see above) ***' : ''}`);
  return out.join('\n');
}

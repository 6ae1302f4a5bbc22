// The two outputs of the benchmark: one JSON document for machines (fields documented in
// README.md) and aligned tables for people, with Mesos's published figures beside ours.

import { hostInfo, type HostInfo } from '../common.ts';
import type { CoreKind, CoreResult, Equivalence } from './measure.ts';
import type { MesosFigure, Point, Scenario } from './scenarios.ts';

export interface PointReport {
  name: string;
  shape: Point['shape'];
  /** Measured cycles asked for (the point's default or --cycles). */
  cyclesAsked: number;
  warmup: boolean;
  cores: Partial<Record<CoreKind, CoreResult>>;
  /** Reference p50 cycle over native p50 cycle, when both ran. */
  ratioP50: number | null;
  equivalence: Equivalence;
  mesos: readonly MesosFigure[];
}

export interface ScenarioReport {
  name: string;
  counterpart: string;
  summary: string;
  points: PointReport[];
}

export interface Report {
  benchmark: 'mesos-ts allocator';
  schema: 1;
  startedAt: string;
  durationMs: number;
  host: HostInfo;
  options: Record<string, unknown>;
  scenarios: ScenarioReport[];
  /** The process's peak RSS over the whole run (both cores, every point). */
  maxRssMB: number;
  /** True when any compared cycle differed between the cores. */
  mismatch: boolean;
  /** True when a core failed on some point (e.g. the addon is not built). */
  errors: boolean;
}

export function newReport(options: Record<string, unknown>): Report {
  return {
    benchmark: 'mesos-ts allocator',
    schema: 1,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    host: hostInfo(),
    options,
    scenarios: [],
    maxRssMB: 0,
    mismatch: false,
    errors: false,
  };
}

export function scenarioReport(s: Scenario): ScenarioReport {
  return { name: s.name, counterpart: s.counterpart, summary: s.summary, points: [] };
}

/** Rounds every float of the report to 3 decimals (ms to the microsecond) for a readable document. */
export function toJson(report: Report): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value), 2);
}

// ---------------------------------------------------------------------------------------------
// Tables

export function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Megabytes, rounded; `+ 0` keeps a small negative from printing as -0. */
function mb(n: number): string {
  return `${Math.round(n) + 0} MB`;
}

function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return `${Math.round(n)}`;
}

const COLUMNS = ['point', 'core', 'add fws', 'add agents', 'cycles', 'min', 'p50', 'mean', 'p99', 'offers/cycle', 'offers/s', 'peak RSS', 'ref/native', 'check'] as const;
const RIGHT = new Set<string>(['add fws', 'add agents', 'cycles', 'min', 'p50', 'mean', 'p99', 'offers/cycle', 'offers/s', 'peak RSS', 'ref/native']);

function coreRow(point: PointReport, kind: CoreKind, first: boolean): string[] {
  const r = point.cores[kind]!;
  const name = first ? point.name : '';
  if (r.status !== 'ok') return [name, kind, '-', '-', '0', '-', '-', '-', '-', '-', '-', '-', '', `${r.status.toUpperCase()} (see below)`];
  const check = kind === 'reference' ? (point.equivalence.status === 'MISMATCH' ? '*** MISMATCH ***' : `${point.equivalence.status} (${point.equivalence.cycles})`) : '';
  return [
    name,
    kind,
    duration(r.setupMs.frameworks),
    duration(r.setupMs.agents),
    `${r.cycles}`,
    duration(r.cycleMs.min),
    duration(r.cycleMs.p50),
    duration(r.cycleMs.mean),
    duration(r.cycleMs.p99),
    // Two-cycle points (quota: the allocating cycle, then the empty one) show both counts.
    r.cycles <= 2 ? r.offers.map(count).join(' / ') : count(r.offersPerCycle.p50),
    count(r.offersPerSecond),
    mb(r.rssPeakMB),
    kind === 'reference' && point.ratioP50 !== null ? `${point.ratioP50.toFixed(1)}x` : '',
    check,
  ];
}

/** Lines under a point: per-cycle times of short runs, caps, driver figures, Mesos's numbers. */
function details(point: PointReport): string[] {
  const out: string[] = [];
  for (const [kind, r] of Object.entries(point.cores) as [CoreKind, CoreResult][]) {
    if (r.status !== 'ok') {
      out.push(`    ${kind} ${r.status}: ${r.reason ?? ''}`);
      continue;
    }
    const parts: string[] = [];
    if (r.warmup) parts.push(`warm-up cycle ${duration(r.warmup.ms)} (${r.warmup.offers} offers)`);
    if (r.cycles <= 5 && r.cycles > 0) parts.push(`cycles ${r.cyclesMs.map(duration).join(', ')} (offers ${r.offers.join(', ')})`);
    if (r.betweenMs) parts.push(`between cycles p50 ${duration(r.betweenMs.p50)}`);
    parts.push(`RSS growth ${mb(r.rssGrowthMB)}, JS heap retained ${mb(r.heapRetainedMB)}`);
    const figures = Object.entries(r.figures);
    if (figures.length > 0) parts.push(figures.map(([k, v]) => `${k}=${v}`).join(' '));
    if (r.capped) parts.push(r.capped);
    out.push(`    ${kind}: ${parts.join('; ')}`);
  }
  for (const m of point.equivalence.mismatches.slice(0, 3)) {
    out.push(`    *** MISMATCH at ${m.cycle}: native ${m.nativeOffers} offers, reference ${m.referenceOffers}: ${m.detail}`);
  }
  const native = point.cores.native;
  for (const f of point.mesos) {
    // How our native cycle compares with a published cycle time.
    let vs = '';
    if (f.what === 'cycle' && f.ms !== undefined && native?.status === 'ok' && native.cycles > 0) {
      const ours = f.cycle !== undefined ? native.cyclesMs[f.cycle] : native.cycleMs.p50;
      const which = f.cycle !== undefined ? `cycle ${f.cycle + 1}` : 'p50';
      if (ours !== undefined && ours > 0) vs = ` -> native ${which} ${duration(ours)}, ${(f.ms / ours).toFixed(0)}x less`;
    }
    out.push(`    Mesos ${f.what}: ${f.text} [${f.source}]${vs}`);
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function align(rows: string[][]): string[] {
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (RIGHT.has(COLUMNS[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function toTable(report: Report): string {
  const out: string[] = [];
  out.push(`mesos-ts allocator benchmarks: node ${report.host.node}, ${report.host.cpus} CPUs (${report.host.cpuModel})`);
  out.push('Cycle times are allocate() only; "add fws"/"add agents" are apply() of those setup batches.');
  for (const s of report.scenarios) {
    out.push('');
    out.push(`== ${s.name}  (Mesos: ${s.counterpart})`);
    out.push(...wrap(s.summary, 100).map((line) => `   ${line}`));
    const rows: string[][] = [[...COLUMNS]];
    for (const p of s.points) {
      const kinds = (['native', 'reference'] as const).filter((k) => p.cores[k]);
      kinds.forEach((k, i) => rows.push(coreRow(p, k, i === 0)));
    }
    out.push('');
    out.push(...align(rows));
    for (const p of s.points) {
      const lines = details(p);
      if (lines.length > 0) out.push(`  ${p.name}:`, ...lines);
    }
  }
  out.push('');
  out.push(`total ${duration(report.durationMs)}, peak RSS ${mb(report.maxRssMB)}${report.mismatch ? ', *** MISMATCH between native and reference ***' : ''}`);
  return out.join('\n');
}

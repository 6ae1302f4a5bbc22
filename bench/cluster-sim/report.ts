// The simulator's outputs: one JSON document (fields in README.md), a table for people with the
// issue's targets checked, and an SVG chart of the figures against the number of agents, drawn by
// hand (small multiples on a log axis; no chart library).

import { hostInfo, type HostInfo } from '../common.ts';
import type { PointResult } from './point.ts';

export interface Report {
  benchmark: 'mesos-ts cluster simulator';
  schema: 1;
  startedAt: string;
  durationS: number;
  host: HostInfo;
  options: Record<string, unknown>;
  points: PointResult[];
  targets: TargetCheck[];
}

export function newReport(options: Record<string, unknown>): Report {
  return { benchmark: 'mesos-ts cluster simulator', schema: 1, startedAt: new Date().toISOString(), durationS: 0, host: hostInfo(), options, points: [], targets: [] };
}

export function toJson(report: Report): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v), 2);
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 9). The 50k targets are checked at every point, so the curve shows where each
// one would break; the throughput target applies at 10k agents.

export interface TargetCheck {
  agents: number;
  target: string;
  value: string;
  met: boolean;
}

interface Target {
  name: string;
  applies: (p: PointResult) => boolean;
  value: (p: PointResult) => number | undefined;
  limit: number;
  atMost: boolean;
  unit: string;
}

const TARGETS: Target[] = [
  { name: 'all registered within 60 s', applies: () => true, value: (p) => p.registration?.seconds, limit: 60, atMost: true, unit: 's' },
  { name: 'offer latency p99 <= 1 s', applies: () => true, value: (p) => p.offerLatencyMs?.p99, limit: 1000, atMost: true, unit: 'ms' },
  { name: 'accept-to-RUNNING p99 <= 1 s', applies: () => true, value: (p) => p.acceptToRunningMs?.p99, limit: 1000, atMost: true, unit: 'ms' },
  { name: 'master RSS <= 4 GB', applies: () => true, value: (p) => p.master?.rssPeakMB, limit: 4096, atMost: true, unit: 'MB' },
  { name: 'event-loop lag p99 <= 100 ms', applies: () => true, value: (p) => p.master?.healthLagMs.p99, limit: 100, atMost: true, unit: 'ms' },
  // Only where the frameworks asked for at least that much: a lower demand cannot show it.
  {
    name: '>= 5,000 tasks/s sustained (at 10k agents)', applies: (p) => p.agents >= 10_000 && p.derived.demandPerS >= 5000,
    value: (p) => p.tasksLaunchedPerS, limit: 5000, atMost: false, unit: '/s',
  },
];

export function checkTargets(points: readonly PointResult[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const p of points) {
    if (p.status !== 'ok') continue;
    for (const t of TARGETS) {
      if (!t.applies(p)) continue;
      const v = t.value(p);
      if (v === undefined) continue;
      out.push({ agents: p.agents, target: t.name, value: `${num(v)} ${t.unit}`, met: t.atMost ? v <= t.limit : v >= t.limit });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Table

function num(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 100 || digits === 0) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

/** A duration with its unit, for prose. */
function dur(n: number | undefined): string {
  const text = ms(n);
  return text.endsWith(' s') || text === '-' ? text : `${text} ms`;
}

function ms(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n >= 10_000) return `${(n / 1000).toFixed(1)} s`;
  if (n >= 100) return `${Math.round(n)}`;
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const COLUMNS = [
  'agents', 'fws', 'register s', 'alloc p50/p99 ms', 'offer lat p50/p99 ms', 'accept->RUNNING p50/p99 ms', 'demand/s', 'tasks/s', 'updates/s',
  'master cpu', 'rss peak MB', 'KB/agent', '/health p50/p99 ms', 'loop busy / delay p99', 'sim cpu', 'checks',
];

function row(p: PointResult): string[] {
  if (p.status !== 'ok') return [num(p.agents), num(p.frameworks), `${p.status.toUpperCase()}: ${p.reason ?? ''}`];
  const checks = p.checks === undefined ? 'not run' : p.checks.verdict === 'passed' ? 'ok' : p.checks.verdict === 'failed' ? 'FAILED' : 'not drained';
  return [
    num(p.agents),
    num(p.frameworks),
    p.registration ? p.registration.seconds.toFixed(1) : '-',
    `${ms(p.allocation?.runMs.p50)} / ${ms(p.allocation?.runMs.p99)}`,
    `${ms(p.offerLatencyMs?.p50)} / ${ms(p.offerLatencyMs?.p99)}`,
    `${ms(p.acceptToRunningMs?.p50)} / ${ms(p.acceptToRunningMs?.p99)}`,
    num(p.derived.demandPerS),
    num(p.tasksLaunchedPerS),
    num(p.statusUpdatesPerS),
    `${num(p.master?.cpuPercent)}%`,
    num(p.master?.rssPeakMB),
    num(p.master?.memoryPerAgentKB, 1),
    `${ms(p.master?.healthLagMs.p50)} / ${ms(p.master?.healthLagMs.p99)}`,
    `${num((p.master?.loop.utilizationMean ?? 0) * 100)}% / ${ms(p.master?.loop.delayP99Ms)}`,
    `${num((p.simulator?.agentCpuPercent ?? 0) + (p.simulator?.frameworkCpuPercent ?? 0))}%`,
    checks,
  ];
}

function align(rows: string[][]): string[] {
  // Rows of points that did not run (agents, frameworks, reason) do not set the widths.
  const full = rows.filter((r) => r.length === COLUMNS.length);
  const widths = COLUMNS.map((_, i) => Math.max(...full.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padStart(widths[i]!))).join('  ').trimEnd());
}

export function toTable(report: Report): string {
  const out: string[] = [];
  const h = report.host;
  out.push(`mesos-ts cluster simulator: node ${h.node}, ${h.cpus} CPUs (${h.cpuModel}), ${Math.round(h.memoryMB / 1024)} GiB`);
  out.push('The master, the simulated agents and the simulated frameworks share these CPUs ("sim cpu" is the simulator\'s share).');
  out.push('');
  out.push(...align([COLUMNS, ...report.points.map(row)]));
  for (const p of report.points) {
    if (p.status !== 'ok') continue;
    const s = p.scenario;
    out.push('');
    out.push(`${num(p.agents)} agents x ${num(p.frameworks)} frameworks: tasks N(${s.taskDurationS.mean} s, ${s.taskDurationS.stddev} s) / ${s.timeScale} ` +
      `(mean ${(p.derived.meanTaskMs / 1000).toFixed(1)} s), load ${s.load} of ${num(p.derived.slots)} slots = demand ${num(p.derived.demandPerS)} tasks/s; ` +
      `allocation interval ${s.allocationInterval}; window ${p.window?.seconds.toFixed(1)} s after ${p.window?.startS.toFixed(1)} s of warm-up`);
    if (p.machine) {
      const sim = (p.simulator?.agentCpuPercent ?? 0) + (p.simulator?.frameworkCpuPercent ?? 0);
      out.push(`  machine: ${num(p.machine.cpuBusyPercent)}% of all CPUs busy (master ${num(p.master?.cpuPercent)}% + simulator ${num(sim)}% of one CPU; ` +
        `the rest is the coordinator, the kernel and other work), load average ${p.machine.loadAverage.toFixed(1)}`);
    }
    if (p.master) {
      out.push(`  master event loop (loop-probe.mjs): busy ${num(p.master.loop.utilizationMean * 100)}% on average, ${num(p.master.loop.utilizationMax * 100)}% in the busiest second; ` +
        `delay p99 ${dur(p.master.loop.delayP99Ms)} in the worst second, max ${dur(p.master.loop.delayMaxMs)}`);
    }
    if (p.allocation) {
      out.push(`  allocation cycles: ${p.allocation.cyclesPerS.toFixed(1)}/s; master's timer over its last ${p.allocation.runMs.count}: ` +
        `p50 ${dur(p.allocation.runMs.p50)}, p99 ${dur(p.allocation.runMs.p99)}, max ${dur(p.allocation.runMs.max)}`);
    }
    if (p.master) {
      out.push(`  master RSS: ${num(p.master.rssIdleMB)} MB idle, ${num(p.master.rssRegisteredMB)} MB with the agents, ${num(p.master.rssPeakMB)} MB peak; ` +
        `/health lag max ${dur(p.master.healthLagMs.max)}`);
    }
    if (p.counts) {
      const c = p.counts;
      if (p.registration && p.registration.retries > 0) out.push(`  registration: ${num(p.registration.retries)} links closed before REGISTERED and were retried`);
      out.push(`  tasks: ${num(c.tasksLaunched)} launched${c.tasksLostInCalls > 0 ? ` (${num(c.tasksLostInCalls)} in ACCEPTs that got no answer)` : ''}, ${num(c.tasksRunning)} reached RUNNING, terminal ${Object.entries(c.terminal).map(([k, v]) => `${k} ${num(v)}`).join(', ') || 'none'}; ` +
        `${num(c.pendingAtEnd)} still waiting at the end of the window`);
      out.push(`  offers: ${num(c.offersReceived)} received, ${num(c.declines)} declined, ${num(c.rescinds)} rescinded; ${num(c.suppresses)} SUPPRESS, ${num(c.revives)} REVIVE; ${num(c.updatesResent)} updates resent; ` +
        `errors: ${c.callErrors} calls, ${c.streamsLost} scheduler streams lost, ${c.linksLost} agent links lost`);
    }
    if (p.checks) {
      const k = p.checks;
      out.push(`  checks ${k.verdict === 'failed' ? 'FAILED' : k.verdict}: drained ${k.drained}, ${k.tasksNotTerminal} tasks not terminal, ${k.unacknowledgedUpdates} updates unacknowledged, ` +
        `agents' used cpus ${k.agentUsedCpus} mem ${k.agentUsedMem}, master/cpus_used ${k.masterCpusUsed}, ${k.overcommits} over-committed RUN_TASKs, ${k.offerOverlaps} offer overlaps`);
    }
    for (const e of p.errors.slice(0, 5)) out.push(`  ! ${e}`);
    if (p.profile) {
      const pr = p.profile;
      out.push(`  master profile (${pr.file}): busy ${(pr.busyMs / 1000).toFixed(1)} s of ${(pr.wallMs / 1000).toFixed(1)} s, GC ${((pr.gcMs / Math.max(1, pr.busyMs)) * 100).toFixed(1)}%`);
      out.push('    top self time:');
      for (const e of pr.topSelf.slice(0, 15)) out.push(`      ${e.selfPercent.toFixed(1).padStart(5)}%  ${e.name}  ${e.location}`);
      out.push('    top total time (this repository):');
      for (const e of pr.topTotal.slice(0, 15)) out.push(`      ${e.totalPercent.toFixed(1).padStart(5)}%  ${e.name}  ${e.location}`);
    }
  }
  if (report.targets.length > 0) {
    out.push('');
    out.push('targets (issue 9; the 50k targets checked at every point):');
    for (const t of report.targets) out.push(`  ${t.met ? 'met    ' : 'MISSED '} ${num(t.agents).padStart(6)} agents: ${t.target}: ${t.value}`);
  }
  out.push('');
  out.push(`total ${report.durationS.toFixed(0)} s`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG

interface Series {
  title: string;
  unit: string;
  value: (p: PointResult) => number | undefined;
  second?: { label: string; value: (p: PointResult) => number | undefined };
  target?: number;
}

const CHARTS: Series[] = [
  { title: 'Time for all agents to register', unit: 's', value: (p) => p.registration?.seconds, target: 60 },
  { title: 'Allocation cycle (master timer)', unit: 'ms', value: (p) => p.allocation?.runMs.p99, second: { label: 'p50', value: (p) => p.allocation?.runMs.p50 } },
  { title: 'Offer latency', unit: 'ms', value: (p) => p.offerLatencyMs?.p99, second: { label: 'p50', value: (p) => p.offerLatencyMs?.p50 }, target: 1000 },
  { title: 'ACCEPT to TASK_RUNNING', unit: 'ms', value: (p) => p.acceptToRunningMs?.p99, second: { label: 'p50', value: (p) => p.acceptToRunningMs?.p50 }, target: 1000 },
  { title: 'Tasks launched per second', unit: '/s', value: (p) => p.tasksLaunchedPerS, second: { label: 'demand', value: (p) => p.derived.demandPerS }, target: 5000 },
  { title: 'Status updates per second', unit: '/s', value: (p) => p.statusUpdatesPerS },
  { title: 'Master RSS (peak)', unit: 'MB', value: (p) => p.master?.rssPeakMB, target: 4096 },
  { title: 'Master CPU (one core = 100)', unit: '%', value: (p) => p.master?.cpuPercent },
  { title: 'Event-loop lag (/health round trip)', unit: 'ms', value: (p) => p.master?.healthLagMs.p99, second: { label: 'p50', value: (p) => p.master?.healthLagMs.p50 }, target: 100 },
];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tick(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  if (n >= 10) return `${Math.round(n)}`;
  return `${+n.toFixed(2)}`;
}

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function toSvg(report: Report): string {
  const points = report.points.filter((p) => p.status === 'ok').sort((a, b) => a.agents - b.agents);
  const W = 330;
  const H = 220;
  const cols = 3;
  const rows = Math.ceil(CHARTS.length / cols);
  const margin = { left: 56, right: 14, top: 30, bottom: 38 };
  const width = cols * W;
  const height = rows * H + 50;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  const h = report.host;
  out.push(`<text x="10" y="20" font-size="14" font-weight="bold">mesos-ts cluster simulator: the real master against N simulated agents</text>`);
  out.push(`<text x="10" y="38" fill="#555">${esc(`${points[0]?.frameworks ?? '?'} frameworks; node ${h.node}, ${h.cpus} CPUs shared by master and simulator; ${report.startedAt.slice(0, 10)}. Dashed red: issue 9 target.`)}</text>`);
  const ns = points.map((p) => p.agents);
  const minN = Math.min(...ns, 1000);
  const maxN = Math.max(...ns, 50_000);
  const lx = (n: number): number => (Math.log10(n) - Math.log10(minN)) / (Math.log10(maxN) - Math.log10(minN));
  CHARTS.forEach((chart, i) => {
    const ox = (i % cols) * W;
    const oy = 50 + Math.floor(i / cols) * H;
    const pw = W - margin.left - margin.right;
    const ph = H - margin.top - margin.bottom;
    const values = points.flatMap((p) => [chart.value(p), chart.second?.value(p)]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const top = niceMax(Math.max(...values, chart.target !== undefined && values.length > 0 && Math.max(...values) > chart.target / 4 ? chart.target : 0, 0));
    const x = (n: number): number => ox + margin.left + lx(n) * pw;
    const y = (v: number): number => oy + margin.top + ph - (Math.min(v, top) / top) * ph;
    out.push(`<g>`);
    out.push(`<text x="${ox + margin.left}" y="${oy + 18}" font-weight="bold">${esc(chart.title)} (${esc(chart.unit)})</text>`);
    out.push(`<rect x="${ox + margin.left}" y="${oy + margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    // 1, 2 or 5 times a power of ten, in steps of 0.2, 0.5 and 1 of that power.
    const lead = Math.round(top / 10 ** Math.floor(Math.log10(top)));
    const steps = lead === 2 ? 4 : 5;
    for (let k = 0; k <= steps; k++) {
      const v = (top * k) / steps;
      out.push(`<line x1="${ox + margin.left}" x2="${ox + margin.left + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
      out.push(`<text x="${ox + margin.left - 4}" y="${y(v) + 4}" text-anchor="end" fill="#555">${tick(v)}</text>`);
    }
    for (const n of [1000, 2000, 5000, 10_000, 20_000, 50_000].filter((n) => n >= minN && n <= maxN)) {
      out.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${oy + margin.top}" y2="${oy + margin.top + ph}" stroke="#eee"/>`);
      out.push(`<text x="${x(n)}" y="${oy + margin.top + ph + 14}" text-anchor="middle" fill="#555">${tick(n)}</text>`);
    }
    out.push(`<text x="${ox + margin.left + pw / 2}" y="${oy + margin.top + ph + 30}" text-anchor="middle" fill="#555">agents (log scale)</text>`);
    if (chart.target !== undefined && chart.target <= top) {
      out.push(`<line x1="${ox + margin.left}" x2="${ox + margin.left + pw}" y1="${y(chart.target)}" y2="${y(chart.target)}" stroke="#d33" stroke-dasharray="5,4"/>`);
    }
    const line = (value: (p: PointResult) => number | undefined, color: string, label: string): void => {
      const pts = points.map((p) => [p.agents, value(p)] as const).filter((pt): pt is readonly [number, number] => pt[1] !== undefined && Number.isFinite(pt[1]));
      if (pts.length === 0) return;
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [n, v] of pts) {
        out.push(`<circle cx="${x(n).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${tick(n)} agents: ${label} ${v.toFixed(1)} ${chart.unit}`)}</title></circle>`);
      }
      const [ln, lv] = pts.at(-1)!;
      out.push(`<text x="${Math.min(x(ln) + 5, ox + W - 40)}" y="${y(lv) - 5}" fill="${color}" font-size="10">${esc(label)}</text>`);
    };
    if (chart.second) line(chart.second.value, '#8ab', chart.second.label);
    line(chart.value, '#1f5fa8', chart.second ? (chart.title.includes('Tasks') ? 'launched' : 'p99') : '');
    out.push(`</g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

// `npm run bench:allocator -- [options]`: runs the allocator scenarios of scenarios.ts on the
// native core and the TypeScript reference, checks that they decide alike, and prints a table
// (default) or one JSON document (--json). See README.md.

import { parseArgs } from 'node:util';
import { CORE_KINDS, compareTraces, releaseMemory, runPoint, skipped, type CoreKind, type CoreResult, type Trace } from './measure.ts';
import { Progress } from './progress.ts';
import { newReport, scenarioReport, toJson, toTable, type PointReport } from './report.ts';
import { SCENARIOS, type Point, type Scenario } from './scenarios.ts';
import { parseCommandLine } from '../common.ts';

const USAGE = `usage: npm run bench:allocator -- [options]

  --scenario NAME      one of: ${SCENARIOS.map((s) => s.name).join(', ')}; or all (default)
  --agents N           one grid point: this many agents (scenario-specific defaults otherwise)
  --frameworks F       one grid point: this many frameworks (clients for sorter-full-sort)
  --cycles K           measured cycles per point (a cap for multi-framework)
  --core C             native, reference or both (default both)
  --reference-budget S stop the reference after S seconds of cycles on a point (default 60, 0: none)
  --json               print one JSON document instead of tables
  --quick              CI smoke run: tiny shapes, 2 cycles each
  --help               this text

Without --agents/--frameworks each scenario runs its default grid (see README.md).`;

class UsageError extends Error {}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, not '${text}'`);
  return n;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: 'all' },
      agents: { type: 'string' },
      frameworks: { type: 'string' },
      cycles: { type: 'string' },
      core: { type: 'string', default: 'both' },
      'reference-budget': { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const scenarios: Scenario[] = values.scenario === 'all' ? [...SCENARIOS] : SCENARIOS.filter((s) => s.name === values.scenario);
  if (scenarios.length === 0) throw new UsageError(`unknown scenario '${values.scenario}'`);
  if (!['native', 'reference', 'both'].includes(values.core)) throw new UsageError(`--core must be native, reference or both, not '${values.core}'`);
  const budget = Number(values['reference-budget']);
  if (!Number.isFinite(budget) || budget < 0) throw new UsageError(`--reference-budget must be a number of seconds >= 0`);
  const agents = positiveInt('agents', values.agents);
  const frameworks = positiveInt('frameworks', values.frameworks);
  const cycles = positiveInt('cycles', values.cycles);
  if (values.quick && (agents !== undefined || frameworks !== undefined)) throw new UsageError('--quick runs fixed tiny shapes; drop --agents/--frameworks');
  return {
    help: values.help,
    scenarios,
    agents,
    frameworks,
    cycles: cycles ?? (values.quick ? 2 : undefined),
    cores: (values.core === 'both' ? CORE_KINDS : [values.core as CoreKind]) as readonly CoreKind[],
    referenceBudgetMs: values.quick ? 0 : budget * 1000,
    json: values.json,
    quick: values.quick,
    options: { scenario: values.scenario, agents, frameworks, cycles, core: values.core, referenceBudgetS: budget, json: values.json, quick: values.quick },
  };
}

function pointsOf(s: Scenario, o: ReturnType<typeof parse>): Point[] {
  if (o.quick) return s.quick();
  if (o.agents !== undefined || o.frameworks !== undefined) {
    return s.select({ ...(o.agents !== undefined ? { agents: o.agents } : {}), ...(o.frameworks !== undefined ? { frameworks: o.frameworks } : {}) });
  }
  return s.grid();
}

/** One grid point as it runs: its cores' results and the decisions they made. */
interface PointRun {
  point: Point;
  cores: Partial<Record<CoreKind, CoreResult>>;
  traces: Partial<Record<CoreKind, Trace>>;
}

/**
 * Runs one core on a point, then frees what it left behind. All points run on the native core
 * first, then on the reference: the reference leaves gigabytes of JS heap that V8 returns to the
 * system only lazily, and that memory would otherwise sit in the RSS measured for the next
 * native run.
 */
async function runCore(run: PointRun, kind: CoreKind, o: ReturnType<typeof parse>, progress: Progress): Promise<void> {
  const { point } = run;
  if (kind === 'reference' && point.referenceSkip !== undefined) {
    run.cores.reference = skipped('reference', point.referenceSkip);
    progress.note(`${point.scenario} ${point.name}: reference skipped: ${point.referenceSkip}`);
    return;
  }
  const { result, trace } = runPoint(point, kind, { ...(o.cycles !== undefined ? { cycles: o.cycles } : {}), referenceBudgetMs: o.referenceBudgetMs, progress });
  run.cores[kind] = result;
  run.traces[kind] = trace;
  if (result.status === 'error') progress.note(`${point.scenario} ${point.name}: ${kind} core failed: ${result.reason}`);
  await releaseMemory();
}

function pointReport(run: PointRun, o: ReturnType<typeof parse>): PointReport {
  const { point, cores, traces } = run;
  const native = cores.native;
  const reference = cores.reference;
  const equivalence =
    traces.native && traces.reference && native?.status === 'ok' && reference?.status === 'ok'
      ? compareTraces(point, traces.native, traces.reference)
      : { status: 'not checked' as const, cycles: 0, mismatches: [] };
  if (equivalence.status === 'MISMATCH') {
    const first = equivalence.mismatches[0]!;
    process.stderr.write(
      `\n*** MISMATCH *** ${point.scenario} ${point.name}: native and reference decided differently in ${equivalence.mismatches.length} ` +
        `of ${equivalence.cycles} cycles; first at ${first.cycle}: ${first.detail}\n\n`,
    );
  }
  return {
    name: point.name,
    shape: point.shape,
    cyclesAsked: o.cycles ?? point.cycles,
    warmup: point.warmup,
    cores,
    ratioP50: native?.status === 'ok' && reference?.status === 'ok' && native.cycles > 0 && reference.cycles > 0 && native.cycleMs.p50 > 0
      ? reference.cycleMs.p50 / native.cycleMs.p50
      : null,
    equivalence,
    mesos: point.mesos,
  };
}

async function main(): Promise<number> {
  const o = parseCommandLine(parse, USAGE);
  if (typeof o === 'number') return o;
  const started = performance.now();
  const report = newReport(o.options);
  const progress = new Progress(!o.quick);
  const plan = o.scenarios.map((s) => ({ scenario: s, runs: pointsOf(s, o).map((point): PointRun => ({ point, cores: {}, traces: {} })) }));
  for (const kind of o.cores) {
    for (const { runs } of plan) for (const run of runs) await runCore(run, kind, o, progress);
  }
  for (const { scenario, runs } of plan) {
    const sr = scenarioReport(scenario);
    report.scenarios.push(sr);
    for (const run of runs) {
      const pr = pointReport(run, o);
      sr.points.push(pr);
      if (pr.equivalence.status === 'MISMATCH') report.mismatch = true;
      if (Object.values(pr.cores).some((r) => r.status === 'error')) report.errors = true;
    }
  }
  report.durationMs = performance.now() - started;
  report.maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${o.json ? toJson(report) : toTable(report)}\n`);
  return report.mismatch || report.errors ? 1 : 0;
}

process.exitCode = await main();

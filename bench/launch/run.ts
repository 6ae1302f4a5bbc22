// `npm run bench:launch -- [options]`: how long a container takes from launch to TASK_RUNNING, for
// sequential and concurrent `/bin/true` tasks on one agent, under each isolation variant of
// variants.ts, in-process (containerizer mode) and through a real master and agent (cluster
// mode). Prints a table per mode (default) or one JSON document (--json). See README.md.

import { parseArgs } from 'node:util';

import { IS_ROOT, cgroupsSkipReason } from '../../test/helpers/agent-process.ts';
import { Cleanup } from '../../test/helpers/master-process.ts';
import { Progress } from '../allocator/progress.ts';
import { runClusterVariant } from './cluster-mode.ts';
import { runContainerizerVariant } from './containerizer-mode.ts';
import { MEASURES, newReport, toJson, toTable } from './report.ts';
import { MODES, variantResult, type Counts, type Mode, type ModeContext, type VariantResult } from './results.ts';
import { VARIANTS, needsRoot, selectVariants, type Variant } from './variants.ts';
import { parseCommandLine } from '../common.ts';

const USAGE = `usage: npm run bench:launch -- [options]

  --sequential N   tasks launched one after another, per variant and mode (default 200; 0: none)
  --concurrent N   tasks launched at once, per variant and mode (default 50; 0: none)
  --variants LIST  comma-separated, from: ${VARIANTS.map((v) => v.name).join(', ')} (default: all of them)
  --mode M         containerizer, cluster or both (default both)
  --json           print one JSON document instead of the tables
  --help           this text

Every variant but 'none' needs root (cgroups, namespaces); without it they are skipped.`;

class UsageError extends Error {}

function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0, not '${text}'`);
  return n;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      sequential: { type: 'string', default: '200' },
      concurrent: { type: 'string', default: '50' },
      variants: { type: 'string' },
      mode: { type: 'string', default: 'both' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const counts: Counts = { sequential: count('sequential', values.sequential), concurrent: count('concurrent', values.concurrent) };
  if (values.mode !== 'both' && !(MODES as readonly string[]).includes(values.mode)) {
    throw new UsageError(`--mode must be containerizer, cluster or both, not '${values.mode}'`);
  }
  let variants: Variant[];
  try {
    variants = selectVariants(values.variants);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const modes: readonly Mode[] = values.mode === 'both' ? MODES : [values.mode as Mode];
  return { help: values.help, counts, variants, modes, json: values.json, mode: values.mode };
}

/** Why a variant cannot run on this host, or undefined. */
function skipReason(v: Variant): string | undefined {
  if (!needsRoot(v)) return undefined;
  if (!IS_ROOT) return 'needs root';
  return cgroupsSkipReason();
}

const RUNNERS: Record<Mode, (v: Variant, ctx: ModeContext) => Promise<VariantResult>> = {
  containerizer: runContainerizerVariant,
  cluster: runClusterVariant,
};

/** The Cleanups of the variants running now; a Ctrl-C runs them before the process exits. */
const active = new Set<Cleanup>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n# ${signal}: removing the benchmark's processes, cgroups and files\n`);
    void Promise.allSettled([...active].map((c) => c.run())).then((results) => {
      for (const r of results) if (r.status === 'rejected') process.stderr.write(`# cleanup: ${(r.reason as Error).message}\n`);
      process.exit(130);
    });
  });
}

async function main(): Promise<number> {
  const o = parseCommandLine(parse, USAGE);
  if (typeof o === 'number') return o;
  const started = performance.now();
  const report = newReport({ ...o.counts, variants: o.variants.map((v) => v.name), mode: o.mode });
  const skips = new Map(o.variants.map((v) => [v.name, skipReason(v)] as const));
  for (const [variant, reason] of skips) {
    if (reason === undefined) continue;
    report.skipped.push({ variant, reason });
    // The table lists them too; with --json stdout holds the document alone.
    if (o.json) process.stderr.write(`# skip: ${variant}: ${reason}\n`);
  }
  const progress = new Progress(true);
  for (const mode of o.modes) {
    const modeReport = { mode, measures: MEASURES[mode], variants: [] as VariantResult[] };
    report.modes[mode] = modeReport;
    for (const v of o.variants) {
      const reason = skips.get(v.name);
      if (reason !== undefined) {
        modeReport.variants.push(variantResult(v, 'skipped', { reason }));
        continue;
      }
      const cleanup = new Cleanup();
      active.add(cleanup);
      let result: VariantResult;
      try {
        result = await RUNNERS[mode](v, { counts: o.counts, progress, cleanup });
      } catch (err) {
        progress.done();
        // After a Ctrl-C the cleanup closes what the run waits on: that error is no news.
        if (!interrupted) progress.note(`${mode} ${v.name}: ${(err as Error).stack ?? String(err)}`);
        result = variantResult(v, 'error', { reason: (err as Error).message });
      } finally {
        try {
          await cleanup.run();
        } catch (err) {
          progress.note(`${mode} ${v.name}: ${(err as Error).message}`);
          report.errors = true;
        }
        active.delete(cleanup);
      }
      if (interrupted) return 130;
      modeReport.variants.push(result);
      if (result.status === 'error' || result.runs.some((r) => r.failures > 0)) report.errors = true;
    }
  }
  report.durationMs = performance.now() - started;
  process.stdout.write(`${o.json ? toJson(report) : toTable(report)}\n`);
  return report.errors ? 1 : 0;
}

const code = await main();
if (!interrupted) {
  process.exitCode = code;
  // The helpers' stream clients and timers are closed by the cleanups; nothing should be left,
  // but a benchmark must not hang on a forgotten handle.
  setTimeout(() => process.exit(code), 1000).unref();
}

// A smoke run of the launch benchmark (bench/launch): both modes, a few tasks, `--json`. It checks
// that the document parses and carries the documented fields with positive figures. It never
// asserts a timing: how fast a launch is belongs to the benchmark's report, not to a test.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type { Report } from '../../../bench/launch/report.ts';
import type { RunResult } from '../../../bench/launch/results.ts';
import type { Stats } from '../../../bench/launch/stats.ts';
import { cgroupsSkipReason } from '../../helpers/agent-process.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The benchmark stops after SIGTERM (it cleans up first); this only bounds a hung run. */
const RUN_TIMEOUT_MS = 120_000;

const skipAll = cgroupsSkipReason();
if (skipAll) console.log(`# skip: bench-launch variant 'all': ${skipAll}`);
const variants = skipAll ? ['none'] : ['none', 'all'];

function runBenchmark(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/launch/run.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertStats(s: Stats, n: number, where: string): void {
  assert.is(s.n, n, `${where}: n`);
  for (const key of ['min', 'p50', 'p90', 'p99', 'max', 'mean'] as const) {
    assert.ok(Number.isFinite(s[key]) && s[key] > 0, `${where}: ${key} = ${s[key]} is not a positive number`);
  }
  // Nearest-rank percentiles are samples, in order.
  assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max, `${where}: percentiles out of order: ${JSON.stringify(s)}`);
}

function assertRun(r: RunResult, tasks: number, withEndToEnd: boolean, where: string): void {
  assert.is(r.tasks, tasks, `${where}: tasks`);
  assert.ok(r.failures >= 0 && r.failures < tasks, `${where}: ${r.failures} of ${tasks} tasks failed`);
  assertStats(r.agentMs, r.samples.agentMs.length, `${where} agentMs`);
  // Every task is a sample, a failure, or both (it ran but did not exit 0).
  assert.ok(r.agentMs.n > 0 && r.agentMs.n <= tasks && r.agentMs.n + r.failures >= tasks, `${where}: ${r.agentMs.n} agent samples`);
  assert.ok(r.wallMs > 0, `${where}: wallMs`);
  assert.type(r.target.p50, 'boolean');
  assert.type(r.target.p99, 'boolean');
  assert.is(r.target.met, r.target.p50 && r.target.p99);
  if (withEndToEnd) {
    assert.ok(r.endToEndMs !== null && r.samples.endToEndMs !== null, `${where}: end-to-end figures`);
    assertStats(r.endToEndMs!, r.samples.endToEndMs!.length, `${where} endToEndMs`);
  } else {
    assert.is(r.endToEndMs, null, `${where}: no end-to-end figures in containerizer mode`);
  }
}

test('bench:launch --json: every mode and variant reports positive figures in the documented fields', async () => {
  const args = ['--sequential', '5', '--concurrent', '3', '--variants', variants.join(','), '--mode', 'both', '--json'];
  const { code, stdout, stderr } = await runBenchmark(args);
  // 1: the benchmark ran but some task failed (it says which on stderr); 2 would be a usage error.
  assert.ok(code === 0 || code === 1, `exit ${code}\n--- stderr ---\n${stderr.slice(-4000)}`);
  let report: Report;
  try {
    report = JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${stdout.slice(0, 2000)}\n--- stderr ---\n${stderr.slice(-4000)}`);
  }
  assert.is(report.benchmark, 'mesos-ts launch');
  assert.is(report.schema, 1);
  assert.is(report.percentiles, 'nearest-rank');
  assert.equal(report.target, { p50Ms: 10, p99Ms: 30 });
  assert.ok(report.host.cpus > 0 && report.host.kernel.length > 0 && report.host.node.startsWith('v'), JSON.stringify(report.host));
  assert.equal(report.options.variants, variants);
  assert.is(report.options.sequential, 5);
  assert.is(report.options.concurrent, 3);
  assert.ok(report.durationMs > 0);
  assert.is(report.errors, code === 1, 'the exit status follows `errors`');
  if (report.errors) console.log(`# note: bench-launch: some tasks failed:\n${stderr.trim().split('\n').map((l) => `#   ${l}`).join('\n')}`);

  for (const mode of ['containerizer', 'cluster'] as const) {
    const m = report.modes[mode];
    assert.ok(m, `no ${mode} mode in the report`);
    assert.equal(m!.variants.map((v) => v.variant), variants);
    for (const v of m!.variants) {
      const where = `${mode} ${v.variant}`;
      assert.is(v.status, 'ok', `${where}: ${v.reason ?? ''}`);
      assert.ok(v.isolation.length > 0, `${where}: isolation`);
      assert.ok(v.warmupMs !== null && v.warmupMs > 0, `${where}: warmupMs`);
      assert.equal(v.runs.map((r) => r.kind), ['sequential', 'concurrent'], `${where}: runs`);
      assertRun(v.runs[0]!, 5, mode === 'cluster', `${where} sequential`);
      assertRun(v.runs[1]!, 3, mode === 'cluster', `${where} concurrent`);
    }
  }
});

test.run();

// The allocator benchmark's CI smoke run: `bench/allocator/run.ts --quick --json` must run every
// scenario on both cores, with the fields README.md documents, and find no decision that differs
// between native and reference. Timings are never asserted: they depend on the machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from '../../../bench/allocator/report.ts';
import { SCENARIOS } from '../../../bench/allocator/scenarios.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function runQuick(): { report: Report; status: number | null; stderr: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/allocator/run.ts', '--quick', '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 64 * 2 ** 20,
  });
  let report: Report;
  try {
    report = JSON.parse(child.stdout) as Report;
  } catch {
    throw new Error(`bench output is not JSON (exit ${child.status}):\n${child.stdout.slice(0, 2000)}\n${child.stderr.slice(0, 2000)}`);
  }
  return { report, status: child.status, stderr: child.stderr };
}

const { report, status, stderr } = runQuick();

const NUMBER_FIELDS = ['min', 'p50', 'p99', 'mean', 'max'] as const;

test('the quick run exits 0 and reports no mismatch and no core error', () => {
  assert.is(report.mismatch, false, 'mismatch');
  assert.is(report.errors, false, `a core failed:\n${stderr}`);
  assert.is(status, 0, `exit status; stderr:\n${stderr}`);
});

test('the document describes the run', () => {
  assert.is(report.benchmark, 'mesos-ts allocator');
  assert.is(report.schema, 1);
  assert.type(report.host.node, 'string');
  assert.type(report.durationMs, 'number');
  assert.ok(report.maxRssMB > 0, 'maxRssMB');
  assert.is(report.options.quick, true);
});

test('every scenario is there, with at least one point', () => {
  assert.equal(report.scenarios.map((s) => s.name), SCENARIOS.map((s) => s.name));
  for (const s of report.scenarios) {
    assert.type(s.counterpart, 'string');
    assert.type(s.summary, 'string');
    assert.ok(s.points.length > 0, `${s.name} has points`);
  }
});

test('every point has both cores with the documented figures, and their decisions agree', () => {
  for (const s of report.scenarios) {
    for (const p of s.points) {
      const where = `${s.name} ${p.name}`;
      assert.type(p.shape, 'object', where);
      assert.ok(Array.isArray(p.mesos), `${where} mesos`);
      for (const kind of ['native', 'reference'] as const) {
        const r = p.cores[kind];
        assert.ok(r, `${where}: ${kind} ran`);
        assert.is(r!.status, 'ok', `${where}: ${kind} status (${r!.reason ?? ''})`);
        assert.ok(r!.cycles > 0, `${where}: ${kind} cycles > 0`);
        assert.is(r!.cyclesMs.length, r!.cycles, `${where}: ${kind} cyclesMs`);
        assert.is(r!.offers.length, r!.cycles, `${where}: ${kind} offers`);
        for (const field of ['roles', 'frameworks', 'agents'] as const) assert.type(r!.setupMs[field], 'number', `${where}: setupMs.${field}`);
        for (const field of NUMBER_FIELDS) {
          assert.type(r!.cycleMs[field], 'number', `${where}: cycleMs.${field}`);
          assert.type(r!.offersPerCycle[field], 'number', `${where}: offersPerCycle.${field}`);
        }
        assert.type(r!.offersPerSecond, 'number', `${where}: offersPerSecond`);
        assert.ok(r!.rssPeakMB > 0, `${where}: rssPeakMB`);
        assert.type(r!.rssGrowthMB, 'number', `${where}: rssGrowthMB`);
        assert.type(r!.figures, 'object', `${where}: figures`);
        assert.is(r!.warmup !== null, p.warmup, `${where}: warmup`);
      }
      assert.type(p.ratioP50, 'number', `${where}: ratioP50`);
      assert.is(p.equivalence.status, 'ok', `${where}: equivalence ${JSON.stringify(p.equivalence.mismatches[0] ?? {})}`);
      assert.ok(p.equivalence.cycles > 0, `${where}: compared cycles`);
      assert.equal(p.equivalence.mismatches, [], `${where}: mismatches`);
      // Both cores ran the same cycles and made the same number of offers in each.
      assert.equal(p.cores.native!.offers, p.cores.reference!.offers, `${where}: offers per cycle`);
    }
  }
});

test.run();

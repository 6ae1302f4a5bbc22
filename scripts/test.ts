// `npm test`: the type check, the generated-types check, the C++ unit tests and every uvu suite
// under test/, each in its own process. It ends with the reasons suites gave for skipping tests,
// then one line, `N passed, N failed`, counting test cases (C++ and uvu) plus the two checks.
// Arguments filter suites by substring: `npm test -- codec recordio`; a filter that selects
// nothing is an error, so a typo cannot pass for a green run.

import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Node's headers for node-gyp (the C++ tests and the addon): an explicit npm_config_nodedir wins;
// otherwise Node's own install prefix (/usr for /usr/bin/node), so that nothing is downloaded.
const nodedir = process.env.npm_config_nodedir || resolve(process.execPath, '../..');

/**
 * Lines in which a suite says why it skipped something: uvu suites print `# skip: <reason>`, the
 * native Makefile `## sanitizer build skipped: <reason>`. Matched case-insensitively; the leading
 * `#` keeps uvu's own `Skipped: 0` summary out.
 */
const SKIP_LINE = /^\s*#+\s*(?:skip|.*\bskipped\b)/i;

/** The skip reasons in a suite's output, trimmed, in order. */
export function skipReasons(output: string): string[] {
  return output.split('\n').filter((line) => SKIP_LINE.test(line)).map((line) => line.trim());
}

/** The filters that select none of `names` (a filter selects the names that contain it). */
export function unmatchedFilters(filters: readonly string[], names: readonly string[]): string[] {
  return filters.filter((filter) => !names.some((name) => name.includes(filter)));
}

interface Outcome {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
  ok: boolean;
}

function run(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string; name: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, npm_config_nodedir: nodedir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ code: 127, output: `${output}${err.message}\n`, name }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output: signal ? `${output}killed by ${signal}\n` : output, name }));
  });
}

/** A check that counts as one test: passed when the command exits 0. */
async function check(name: string, cmd: string, args: string[]): Promise<Outcome> {
  const r = await run(name, cmd, args);
  const ok = r.code === 0;
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, output: r.output, ok };
}

/** The C++ suites print `# passed N failed M` per test binary. */
async function nativeTests(): Promise<Outcome> {
  const r = await run('native (C++)', 'make', ['-s', '-C', 'native', 'test']);
  let passed = 0;
  let failed = 0;
  for (const m of r.output.matchAll(/^# passed (\d+) failed (\d+)$/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  // A build failure or a crash prints no summary for that binary: count it as a failure.
  const ok = r.code === 0 && failed === 0 && passed > 0;
  if (!ok && failed === 0) failed = 1;
  return { name: 'native (C++)', passed, failed, skipped: 0, output: r.output, ok };
}

function findSuites(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findSuites(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function uvuSuite(file: string): Promise<Outcome> {
  const rel = relative(root, file);
  const name = relative(join(root, 'test'), file);
  const r = await run(rel, process.execPath, [
    '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), dirname(rel), `^${escapeRegExp(relative(dirname(file), file))}$`,
  ]);
  const total = Number(/Total:\s+(\d+)/.exec(r.output)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(r.output)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(r.output)?.[1] ?? 0);
  let failed = Math.max(0, total - passed - skipped);
  const ok = r.code === 0 && failed === 0 && total > 0;
  // A suite that crashed before reporting counts as one failure.
  if (!ok && failed === 0) failed = 1;
  return { name, passed, failed, skipped, output: r.output, ok };
}

/** Runs tasks with at most `limit` at once, reporting each as it finishes. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number, onDone: (t: T) => void): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      const result = await task();
      onDone(result);
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function report(o: Outcome): void {
  const skipped = o.skipped > 0 ? `, ${o.skipped} skipped` : '';
  console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.name}: ${o.passed} passed, ${o.failed} failed${skipped}`);
  // Skip reasons are gathered in the summary; a failed suite shows everything it printed.
  if (!o.ok) console.log(o.output.replace(/^/gm, '     '));
}

async function main(filters: readonly string[]): Promise<number> {
  const wanted = (name: string) => filters.length === 0 || filters.some((f) => name.includes(f));
  const candidates: [name: string, task: () => Promise<Outcome>][] = [
    ['typecheck', () => check('typecheck (tsc --strict)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])],
    ['types', () => check('generated types are current', process.execPath, ['--import', 'tsx', 'scripts/gen-types.ts', '--check'])],
    ['native', nativeTests],
    ...findSuites(join(root, 'test')).map((suite): [string, () => Promise<Outcome>] => [relative(root, suite), () => uvuSuite(suite)]),
  ];
  const unmatched = unmatchedFilters(filters, candidates.map(([name]) => name));
  if (unmatched.length > 0) {
    console.error(
      `npm test: ${unmatched.map((f) => `'${f}'`).join(', ')} selects no suite. Filters match 'typecheck', 'types', ` +
        `'native' and paths of test files, e.g. 'codec' or 'test/unit/api'.`,
    );
    return 1;
  }
  const tasks = candidates.filter(([name]) => wanted(name)).map(([, task]) => task);

  const outcomes = await pool(tasks, Math.max(2, availableParallelism()), report);
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  const skipped = outcomes.reduce((n, o) => n + o.skipped, 0);
  const reasons = outcomes.flatMap((o) => skipReasons(o.output).map((reason) => `  ${o.name}: ${reason}`));
  if (reasons.length > 0) console.log(['Skipped, as the suites report:', ...reasons].join('\n'));
  if (skipped > 0) console.log(`${skipped} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || outcomes.some((o) => !o.ok) ? 1 : 0;
}

// Run only when executed (`node --import tsx scripts/test.ts`), not when a test imports the helpers.
if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

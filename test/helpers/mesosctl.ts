// Helpers for the mesosctl suites that test/helpers/bin-process.ts does not have:
//
//   - the `--json` fields docs/mesosctl.md documents for each command, for checking that every
//     document has them (so the doc and the code cannot drift apart):
//       assertDocumented(JSON.parse(stdout), 'task show');
//   - mesosctl running in the background (`run`, `task log --follow`), whose output a test
//     watches while it runs and which it can signal:
//       const ctl = spawnCtl(t, master, 'run', '--', 'sleep 60');
//       await ctl.waitForOutput(/started/);
//       ctl.kill('SIGINT');
//       const exit = await ctl.exited;
//
// A command's fields are the first column of the first `| Field |` table in the section whose
// heading starts with `## \`<command>`. Paths are dotted; `[]` stands for every element of a
// list and `*` for every value of a map; a null or empty value has no sub-fields to check.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

import type { Exit } from './bin-process.ts';
import type { Cleanup, MasterAddress } from './master-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Doc = Record<string, unknown>;

let cached: string | undefined;

function doc(): string {
  cached ??= readFileSync(join(ROOT, 'docs', 'mesosctl.md'), 'utf8');
  return cached;
}

export function documentedFields(command: string): string[] {
  const text = doc();
  const start = text.indexOf(`\n## \`${command}`);
  assert.ok(start >= 0, `docs/mesosctl.md has a section for '${command}'`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const table = section.indexOf('\n| Field |');
  assert.ok(table >= 0, `docs/mesosctl.md documents the --json fields of '${command}'`);
  const fields: string[] = [];
  for (const line of section.slice(table + 1).split('\n').slice(2)) {
    const match = /^\| `([^`]+)` \|/.exec(line);
    if (match === null) break;
    fields.push(match[1]!);
  }
  assert.ok(fields.length > 0, `fields for '${command}'`);
  return fields;
}

/** The values at `path` in `value` (several where the path has `[]` or `*`); fails where one is missing. */
function valuesAt(value: unknown, path: string, where = ''): unknown[] {
  if (path === '') return [value];
  const [head, ...rest] = path.split('.');
  const tail = rest.join('.');
  const key = head!.replace(/\[\]$/, '');
  let values: unknown[];
  if (key === '*') {
    assert.ok(typeof value === 'object' && value !== null, `${where} is an object`);
    values = Object.values(value as Doc);
  } else {
    assert.ok(typeof value === 'object' && value !== null && key in (value as Doc), `the document has '${where}${key}'`);
    values = [(value as Doc)[key]];
  }
  if (head!.endsWith('[]')) {
    assert.ok(Array.isArray(values[0]), `'${where}${key}' is a list`);
    values = values[0] as unknown[];
  }
  return values.filter((v) => tail === '' || (v !== null && v !== undefined)).flatMap((v) => valuesAt(v, tail, `${where}${head}.`));
}

/** Asserts that `value` has every field docs/mesosctl.md documents for `command`. */
export function assertDocumented(value: unknown, command: string): void {
  for (const field of documentedFields(command)) valuesAt(value, field);
}

/** How long a background mesosctl may run before the suite gives up on it (and kills it). */
const HANG_GUARD_MS = 90_000;

export interface BackgroundCtl {
  readonly pid: number;
  /** Resolves when it has exited (never rejects); output is complete by then. */
  readonly exited: Promise<Exit>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout (or stderr, with `stream`) matches; fails if it exits first, or after 60 s. */
  waitForOutput(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * `node cli/bin/mesosctl.js --master <master> <args>` in the background. `t` kills it (by its
 * pid, SIGKILL) if the test ends while it still runs.
 */
export function spawnCtl(t: Cleanup, master: MasterAddress, ...args: string[]): BackgroundCtl {
  const full = [join(ROOT, 'cli', 'bin', 'mesosctl.js'), '--master', `${master.host}:${master.port}`, ...args];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['MESOS_TS_DEBUG'];
  const child = spawn(process.execPath, full, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    changed();
  });
  const command = `mesosctl ${args.join(' ')}`;
  let done = false;
  const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code) => {
      done = true;
      clearTimeout(guard);
      changed();
      resolve({ command, code, stdout, stderr });
    });
  });
  t.add(`stop ${command}`, async () => {
    if (!done) child.kill('SIGKILL');
    await exited;
  });
  return {
    pid: child.pid!,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: (signal) => void child.kill(signal),
    waitForOutput: (pattern, stream = 'stdout') => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${command}: no output matching ${pattern} within 60 s; stdout: ${stdout}; stderr: ${stderr}`)), 60_000);
      function finish(err?: Error): void {
        clearTimeout(timer);
        listeners.delete(check);
        if (err === undefined) resolve();
        else reject(err);
      }
      function check(): void {
        if (pattern.test(stream === 'stdout' ? stdout : stderr)) finish();
        else if (done) finish(new Error(`${command} exited before printing ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
      }
      listeners.add(check);
      check();
    }),
  };
}

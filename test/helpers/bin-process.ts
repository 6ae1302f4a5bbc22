// The bins as users run them, for the CLI suites: `node cli/bin/<bin>.js ...` in a child process,
// whose exit code, stdout and stderr the tests check. Every failure of a bin must be one line
// naming the program, never a stack trace: `assertOneLineFailure` checks exactly that.
//
// No timings are asserted. Each child runs under a hang guard: killed after HANG_GUARD_MS, which
// fails the test with a message rather than stalling `npm test`.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

import type { MasterAddress } from './master-process.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HANG_GUARD_MS = 60_000;

export type Bin = 'mesos-master' | 'mesos-agent' | 'mesosctl';

export interface Exit {
  readonly command: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Extra environment variables (MESOS_TS_DEBUG is always removed: it adds stack traces). */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's standard input, which is then closed. */
  readonly input?: string;
}

/** `node <args>` in a child process; resolves with its exit code and output. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<Exit> {
  const command = `node ${args.join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env['MESOS_TS_DEBUG'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT, env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.input !== undefined) child.stdin!.end(options.input);
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_GUARD_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (hung) reject(new Error(`${command} did not exit within ${HANG_GUARD_MS / 1000} s and was killed`));
      else resolve({ command, code, stdout, stderr });
    });
  });
}

export function runBin(bin: Bin, ...args: string[]): Promise<Exit> {
  return runNode([join('cli', 'bin', `${bin}.js`), ...args]);
}

/** `mesosctl --master <master> <args>`. */
export function runCtl(master: MasterAddress, ...args: string[]): Promise<Exit> {
  return runBin('mesosctl', '--master', `${master.host}:${master.port}`, ...args);
}

/**
 * Runs `run` over `items`, at most `limit` at a time, keeping the order of the results: many bins
 * at once (each a node process compiling TypeScript) would only slow a loaded machine down.
 */
export async function runEach<T>(items: readonly T[], run: (item: T) => Promise<Exit>, limit = 4): Promise<Exit[]> {
  const exits: Exit[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      exits[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return exits;
}

/** Asserts a success: exit 0 and nothing on stderr. Returns stdout. */
export function assertSuccess(exit: Exit): string {
  assert.is(exit.code, 0, `exit code of ${exit.command}\n${exit.stderr}`);
  assert.is(exit.stderr, '', `stderr of ${exit.command}`);
  return exit.stdout;
}

/** `mesosctl --master <master> --json <args>`, which must succeed; its stdout parsed. */
export async function ctlJson<T = Record<string, unknown>>(master: MasterAddress, ...args: string[]): Promise<T> {
  const exit = await runCtl(master, '--json', ...args);
  const stdout = assertSuccess(exit);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`${exit.command} printed something that is not JSON:\n${stdout}`);
  }
}

/** Asserts a failure: the exit code, and exactly one line on stderr starting `<program>: `, no stack. */
export function assertOneLineFailure(exit: Exit, program: string, code: number, message: RegExp): void {
  const label = `${exit.command}\n${exit.stderr}`;
  assert.is(exit.code, code, `exit code of ${label}`);
  assert.not.match(exit.stderr, /^\s+at /m, `no stack trace: ${label}`);
  const lines = exit.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line: ${label}`);
  assert.ok(lines[0]!.startsWith(`${program}: `), `names the program: ${label}`);
  assert.match(lines[0]!, message, label);
}

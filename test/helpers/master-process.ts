// A real `mesos-master` in a child process, for the integration tests in test/integration/master/.
//
//   const master = await startMaster(t);   // FAST_FLAGS: --allocation_interval=50ms and so on
//   const other = await startMaster(t, { flags: { ...FAST_FLAGS, offer_timeout: '1secs' } });
//   ... talk to master.url ...
//   const again = await master.restart();   // same --work_dir (and port), after a kill -9 or not
//
// The master runs `node cli/bin/mesos-master.js --ip=127.0.0.1 --port=0 --work_dir=<temp dir>`
// and is ready once it prints its one line, `mesos-master listening on <ip>:<port>`. Starting
// fails with the master's stderr when it exits first or stays silent for `startTimeoutMs`.
//
// Cleanup: every process, client and temporary directory a test makes is registered with that
// test's Cleanup (`withCleanup` below), which undoes them in reverse order when the test ends,
// passed or failed. As a last resort, a process 'exit' hook SIGKILLs any master still running and
// removes any temporary directory still present, so a crashed suite leaves nothing behind. Only
// the pids of masters started here are ever signalled.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A bin that prints `<name> listening on <ip>:<port>` once it serves. */
export interface DaemonSpec {
  readonly name: 'mesos-master' | 'mesos-agent';
  readonly bin: string;
  readonly line: RegExp;
}

export const MASTER_SPEC: DaemonSpec = {
  name: 'mesos-master',
  bin: join(ROOT, 'cli', 'bin', 'mesos-master.js'),
  line: /^mesos-master listening on (.+):(\d+)/m,
};

/** How long a master may take to exit after SIGTERM before cleanup kills it and fails the test. */
const STOP_GRACE_MS = 10_000;

/** Output kept per stream, so that a chatty master cannot grow the test's heap without bound. */
const MAX_KEPT_OUTPUT = 256 * 1024;

/** Whether process `pid` is alive (a zombie, which has ended but not been reaped, is not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup

/**
 * What a test must undo, run last-in first-out. Each step runs even when an earlier one throws;
 * the first error is rethrown at the end, so a failing cleanup still fails the test.
 */
export class Cleanup {
  readonly #steps: { what: string; undo: () => unknown }[] = [];
  #ran = false;

  add(what: string, undo: () => unknown): void {
    if (this.#ran) throw new Error(`cleanup already ran; cannot add '${what}'`);
    this.#steps.push({ what, undo });
  }

  async run(): Promise<void> {
    this.#ran = true;
    let first: unknown;
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.undo();
      } catch (err) {
        first ??= new Error(`cleanup step '${step.what}' failed: ${(err as Error).message ?? String(err)}`, { cause: err });
      }
    }
    if (first !== undefined) throw first;
  }
}

/**
 * Wraps a uvu test body: it gets a fresh Cleanup, which runs when the body settles. A body error
 * wins over a cleanup error (the cleanup error is then only printed).
 */
export function withCleanup(body: (t: Cleanup) => Promise<void>): () => Promise<void> {
  return async () => {
    const t = new Cleanup();
    let failed = false;
    try {
      await body(t);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      try {
        await t.run();
      } catch (err) {
        if (!failed) throw err;
        process.stderr.write(`# after a failure, ${(err as Error).message}\n`);
      }
    }
  };
}

// Last-resort cleanup when the test process exits with masters or directories left over (a test
// that crashed before its Cleanup ran, an uncaught exception). Synchronous, as 'exit' requires.
const liveMasters = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const proc of liveMasters) {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed by `t` (and at exit at the latest). */
export function tempDir(t: Cleanup, prefix = 'mesos-ts-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  t.add(`remove ${dir}`, () => {
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  });
  return dir;
}

// ---------------------------------------------------------------------------------------------
// The master

/** Where a master listens; what the clients need. */
export interface MasterAddress {
  readonly host: string;
  readonly port: number;
}

/** Flag values by name, without the leading dashes: `{ allocation_interval: '50ms' }`. */
export type MasterFlags = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Short intervals for tests: offers every 50 ms and a heartbeat a second. Pings are frequent but
 * an agent needs five misses (5 s) to be lost, so a busy test machine does not lose agents;
 * suites about agent loss lower `max_agent_ping_timeouts`. Durations in Mesos's format.
 */
export const FAST_FLAGS: MasterFlags = {
  allocation_interval: '50ms',
  heartbeat_interval: '1secs',
  agent_ping_timeout: '1secs',
  max_agent_ping_timeouts: 5,
};

export interface MasterOptions {
  /**
   * Extra flags (or overrides of ip, port, work_dir, registry). Undefined values are left out.
   * Default FAST_FLAGS; pass `{ ...FAST_FLAGS, x: y }` to add to them.
   */
  readonly flags?: MasterFlags;
  /** An existing work dir (not removed by this helper). Default: a new temporary one. */
  readonly workDir?: string;
  /** How long to wait for the listening line. Default 20 s. */
  readonly startTimeoutMs?: number;
  /** Extra environment variables for the child. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface MasterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RestartOptions {
  /** Flags to change for the new process (merged over the old ones). */
  readonly flags?: MasterFlags;
  /** Listen on the same port as before (what agents and frameworks expect). Default true. */
  readonly samePort?: boolean;
  /** Signal for a master that is still running: SIGTERM (graceful, the default) or SIGKILL. */
  readonly signal?: NodeJS.Signals;
}

export class MasterProcess implements MasterAddress {
  readonly host: string;
  readonly port: number;
  readonly workDir: string;
  readonly proc: ChildProcess;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<MasterExit>;
  readonly #t: Cleanup;
  readonly #flags: Record<string, string>;
  readonly #options: MasterOptions;
  readonly #output: { stdout: string; stderr: string };
  readonly #spec: DaemonSpec;

  /** Use `startMaster` or `restart`; this only records a process that is already listening. */
  constructor(
    t: Cleanup,
    init: { host: string; port: number; workDir: string; proc: ChildProcess; exited: Promise<MasterExit> },
    flags: Record<string, string>,
    options: MasterOptions,
    output: { stdout: string; stderr: string },
    spec: DaemonSpec = MASTER_SPEC,
  ) {
    this.#spec = spec;
    this.#t = t;
    this.host = init.host;
    this.port = init.port;
    this.workDir = init.workDir;
    this.proc = init.proc;
    this.exited = init.exited;
    this.#flags = flags;
    this.#options = options;
    this.#output = output;
  }

  /** `http://<host>:<port>` */
  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** What the master wrote so far (the last 256 KiB of each stream). */
  get stdout(): string {
    return this.#output.stdout;
  }

  get stderr(): string {
    return this.#output.stderr;
  }

  /** Sends `signal` to this master's pid, if it is still running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** Waits for the process to exit, SIGKILLing it (and failing) if it takes longer than timeoutMs. */
  async waitForExit(timeoutMs = 15_000): Promise<MasterExit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const result = await Promise.race([this.exited, timedOut]);
      if (result !== 'timeout') return result;
    } finally {
      clearTimeout(timer);
    }
    this.kill('SIGKILL');
    await this.exited;
    throw new Error(`${this.#spec.name} (pid ${this.pid}) did not exit within ${timeoutMs} ms and was killed\n${this.describeOutput()}`);
  }

  /** Graceful stop: SIGTERM, then wait for the exit. Resolves with the exit code and signal. */
  async stop(timeoutMs = 15_000): Promise<MasterExit> {
    this.kill('SIGTERM');
    return this.waitForExit(timeoutMs);
  }

  /**
   * Starts a new master on the same work dir (by default on the same port), stopping this one
   * first if it still runs. The new process belongs to the same Cleanup.
   */
  async restart(options: RestartOptions = {}): Promise<MasterProcess> {
    if (this.running) {
      this.kill(options.signal ?? 'SIGTERM');
      await this.waitForExit();
    } else {
      await this.exited;
    }
    const flags: Record<string, string | number | boolean | undefined> = { ...this.#flags, ...options.flags };
    if (options.samePort ?? true) flags['port'] = String(this.port);
    return launch(this.#t, { ...this.#options, workDir: this.workDir, flags }, this.#spec);
  }

  /** The tail of stdout and stderr, for failure messages. */
  describeOutput(): string {
    const tail = (text: string) => text.slice(-4000).trimEnd() || '(nothing)';
    const name = this.#spec.name;
    return `--- ${name} stdout ---\n${tail(this.#output.stdout)}\n--- ${name} stderr ---\n${tail(this.#output.stderr)}`;
  }
}

/**
 * Starts a master on 127.0.0.1, port 0, in a new temporary work dir (unless `options.workDir`),
 * and waits for its listening line. Everything is registered with `t`.
 */
export function startMaster(t: Cleanup, options: MasterOptions = {}): Promise<MasterProcess> {
  const workDir = options.workDir ?? tempDir(t, 'mesos-ts-master-');
  return launch(t, { ...options, workDir });
}

function flagArgs(flags: Record<string, string>): string[] {
  return Object.entries(flags).map(([name, value]) => `--${name}=${value}`);
}

export async function launch(t: Cleanup, options: MasterOptions & { workDir: string }, spec: DaemonSpec = MASTER_SPEC): Promise<MasterProcess> {
  const flags: Record<string, string> = {};
  const defaults = spec === MASTER_SPEC ? FAST_FLAGS : {};
  const given: MasterFlags = { ip: '127.0.0.1', port: 0, work_dir: options.workDir, ...(options.flags ?? defaults) };
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined) flags[name] = String(value);
  }
  const args = [spec.bin, ...flagArgs(flags)];
  const name = spec.name;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  liveMasters.add(proc);
  const output = { stdout: '', stderr: '' };
  const keep = (key: 'stdout' | 'stderr') => (chunk: string) => {
    output[key] = (output[key] + chunk).slice(-MAX_KEPT_OUTPUT);
  };
  proc.stdout!.setEncoding('utf8').on('data', keep('stdout'));
  proc.stderr!.setEncoding('utf8').on('data', keep('stderr'));
  // Tests that set MESOS_TS_TEST_VERBOSE see the master's output as it comes.
  if (process.env['MESOS_TS_TEST_VERBOSE']) {
    proc.stdout!.on('data', (d: string) => process.stderr.write(`[${name} ${proc.pid}] ${d}`));
    proc.stderr!.on('data', (d: string) => process.stderr.write(`[${name} ${proc.pid} stderr] ${d}`));
  }
  const exited = new Promise<MasterExit>((resolve) => {
    proc.on('error', () => resolve({ code: null, signal: null }));
    proc.on('exit', (code, signal) => {
      liveMasters.delete(proc);
      resolve({ code, signal });
    });
  });
  // Registered before waiting, so a master that never gets ready is still killed.
  // A master must exit soon after SIGTERM (its contract), so one that does not is killed and the
  // test fails, saying so. Clients were closed first (cleanup runs in reverse order).
  t.add(`stop ${name} pid ${proc.pid}`, async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    process.kill(proc.pid!, 'SIGTERM');
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), STOP_GRACE_MS).unref())]);
    if (done === null && proc.exitCode === null && proc.signalCode === null) {
      process.kill(proc.pid!, 'SIGKILL');
      await exited;
      throw new Error(`${name} pid ${proc.pid} did not exit within ${STOP_GRACE_MS} ms of SIGTERM and was killed`);
    }
    if (done !== null && done.code !== 0) {
      throw new Error(`${name} pid ${proc.pid} exited with code ${done.code} (signal ${done.signal}) on SIGTERM: ${output.stderr.slice(-2000)}`);
    }
  });

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const describe = () =>
    `\n  command: node ${args.map((a) => a.replace(ROOT, '')).join(' ')}\n  stderr: ${output.stderr.trim().slice(-4000) || '(nothing)'}` +
    `\n  stdout: ${output.stdout.trim().slice(-2000) || '(nothing)'}`;
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanupWaiters();
      reject(new Error(`${name} did not print its listening line within ${timeoutMs} ms${describe()}`));
    }, timeoutMs);
    const onData = () => {
      const m = spec.line.exec(output.stdout);
      if (m) {
        cleanupWaiters();
        resolve({ host: m[1]!, port: Number(m[2]) });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanupWaiters();
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before listening${describe()}`));
    };
    const onError = (err: Error) => {
      cleanupWaiters();
      reject(new Error(`cannot spawn ${name}: ${err.message}`));
    };
    function cleanupWaiters(): void {
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.off('exit', onExit);
      proc.off('error', onError);
    }
    // 'data' listeners run in order: keep() above has appended the chunk before onData looks.
    proc.stdout!.on('data', onData);
    proc.on('exit', onExit);
    proc.on('error', onError);
  });
  return new MasterProcess(t, { ...address, workDir: options.workDir, proc, exited }, flags, options, output, spec);
}

// Starting the simulation's processes (the master and the simulator children) with a raised
// file-descriptor limit, and reading a process's memory and CPU from /proc.
//
// Node cannot call setrlimit, so every child starts through `sh -c 'ulimit -n <want> ... ; exec
// node ...'`: the shell raises the soft and hard limits when it may (root with
// CAP_SYS_RESOURCE), else the soft limit to the hard one, then becomes node (same pid). Node
// itself also raises its soft limit to the hard one at startup, so the parent (which holds only
// a few descriptors) needs nothing. The limit each child really got is read back from
// /proc/<pid>/limits and reported, because a container may cap the hard limit (this one: 20000
// without CAP_SYS_RESOURCE), and one master process then cannot hold more links than that.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Descriptors asked for: agents plus scheduler streams plus slack, per process. */
export const WANTED_FD_LIMIT = 120_000;

export interface SpawnOptions {
  args: string[];
  nodeOptions?: string[];
  stdio: StdioOptions;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  fdLimit?: number;
}

/** Spawns `node <nodeOptions> <args>` with the descriptor limit raised as far as allowed. */
export function spawnNode(options: SpawnOptions): ChildProcess {
  const want = options.fdLimit ?? WANTED_FD_LIMIT;
  const script = `ulimit -n ${want} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
  return spawn('sh', ['-c', script, 'sh', process.execPath, ...(options.nodeOptions ?? []), ...options.args], {
    stdio: options.stdio,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env ?? process.env,
  });
}

/** The soft open-files limit of a running process, or undefined if /proc does not say. */
export function fdLimitOf(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s+/)[3];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

export interface ProcSample {
  /** Wall-clock ms. */
  at: number;
  rssMB: number;
  /** User + system CPU seconds used so far. */
  cpuS: number;
}

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** RSS from /proc/<pid>/status and CPU from /proc/<pid>/stat; undefined once the process is gone. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { at: Date.now(), rssMB: rssKb / 1024, cpuS: ticks / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopProcess(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** The machine's CPU counters from /proc/stat: busy and total jiffies over all CPUs. */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

// A real `mesos-agent` in a child process, for the integration tests in test/integration/agent/.
//
//   const master = await startMaster(t);
//   const agent = await startAgent(t, master);          // unique cgroups root, work and runtime dirs
//   const again = await agent.restart({ signal: 'SIGKILL' });   // same dirs and port
//
// Each agent gets a cgroups root of its own (`mesos-test-<pid>-<random>`), and its cleanup kills
// the processes left in that root (tasks keep running when an agent stops, by design), removes
// its cgroups in every hierarchy, and kills launchers found in its runtime dir, by pid. Nothing
// outside the agent's own root and directories is touched.

import { existsSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, tempDir, type Cleanup, type DaemonSpec, type MasterAddress, type MasterFlags, type MasterProcess } from './master-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const AGENT_SPEC: DaemonSpec = {
  name: 'mesos-agent',
  bin: join(ROOT, 'cli', 'bin', 'mesos-agent.js'),
  line: /^mesos-agent listening on (.+):(\d+)/m,
};

export const IS_ROOT = process.getuid?.() === 0;

/** The v1 cgroup controller mount points of this host (from mountinfo), by controller. */
export function cgroupMounts(): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fsType, , superOptions] = right.split(' ');
    if (fsType !== 'cgroup') continue;
    const mountPoint = left.split(' ')[4]!;
    for (const option of superOptions!.split(',')) {
      if (['cpu', 'cpuacct', 'memory', 'pids', 'freezer'].includes(option)) mounts.set(option, mountPoint);
    }
  }
  return mounts;
}

/** Whether real cgroup tests can run here, or why not. */
export function cgroupsSkipReason(): string | undefined {
  if (!IS_ROOT) return 'not root: cgroups and namespaces need root (CI runs as root)';
  const mounts = cgroupMounts();
  for (const controller of ['cpu', 'memory', 'pids', 'freezer']) {
    if (!mounts.has(controller)) return `the cgroup v1 '${controller}' controller is not mounted`;
  }
  return undefined;
}

export interface AgentOptions {
  /** Extra flags, merged over the defaults below. Undefined values are left out. */
  readonly flags?: MasterFlags;
}

export interface AgentProcess extends MasterProcess {
  readonly cgroupsRoot: string;
  readonly runtimeDir: string;
}

/** Kills every process in the cgroups below `dir` (depth first) and removes them. */
function sweepCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const child = join(dir, entry);
    if (statSync(child).isDirectory()) sweepCgroup(child);
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    try {
      rmdirSync(dir);
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  throw new Error(`could not remove the test cgroup ${dir}`);
}

/** Kills launchers and tasks recorded in an agent's runtime dir (runs without cgroups). */
function sweepRuntimeDir(runtimeDir: string): void {
  const containers = join(runtimeDir, 'containers');
  if (!existsSync(containers)) return;
  for (const id of readdirSync(containers)) {
    try {
      const pids = JSON.parse(readFileSync(join(containers, id, 'pids'), 'utf8')) as { pid: number };
      // Only if that pid is still the container's task (pids are reused): its environment says.
      const environ = `\0${readFileSync(`/proc/${pids.pid}/environ`, 'latin1')}`;
      if (environ.includes(`\0MESOS_CONTAINER_ID=${id}\0`)) process.kill(-pids.pid, 'SIGKILL');
    } catch {
      // No pids file, or the task is gone.
    }
  }
}

/**
 * Starts an agent registered with `master`, on 127.0.0.1 port 0, with temporary work and runtime
 * dirs, a unique cgroups root, small resources and fast retries.
 */
export async function startAgent(t: Cleanup, master: MasterAddress, options: AgentOptions = {}): Promise<AgentProcess> {
  const workDir = tempDir(t, 'mesos-ts-agent-');
  const runtimeDir = tempDir(t, 'mesos-ts-agent-run-');
  const cgroupsRoot = `mesos-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  t.add(`remove cgroups ${cgroupsRoot}`, () => {
    sweepRuntimeDir(runtimeDir);
    if (!IS_ROOT) return;
    for (const mount of new Set(cgroupMounts().values())) sweepCgroup(join(mount, cgroupsRoot));
  });
  const flags: MasterFlags = {
    master: `${master.host}:${master.port}`,
    runtime_dir: runtimeDir,
    cgroups_root: cgroupsRoot,
    resources: 'cpus:4;mem:2048;disk:4096;ports:[31000-31100]',
    ...options.flags,
  };
  const proc = await launch(t, { workDir, flags }, AGENT_SPEC);
  return Object.assign(proc, { cgroupsRoot, runtimeDir });
}

/** Restarts an agent on the same dirs and port (SIGKILL by default, as a crash). */
export async function restartAgent(agent: AgentProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<AgentProcess> {
  const next = await agent.restart({ signal });
  return Object.assign(next, { cgroupsRoot: agent.cgroupsRoot, runtimeDir: agent.runtimeDir });
}

// The containerizer facade: the agent's side of running a container.
//
// Isolation is split between two processes so that the agent may die without its tasks dying:
//   - the agent (here, through the addon's cgroup manager) creates the container's cgroups and
//     writes their limits before launch, kills and removes them after, and reads statistics;
//   - one `mesos-containerizer launch` per container (native/cgroups/launch.cc), spawned in its
//     own session, clones the task into its namespaces, places it in the cgroups, execs it,
//     reaps it, and writes how it ended into the container's run directory. It never sits in the
//     container's cgroups, so killing the container cannot take the report with it.
//
// Run directory, `<runtime_dir>/containers/<container id>/`: `environment` (the task's variables,
// mode 0600, until the launcher has read them), `pids` (task and launcher pids, once the task
// runs), `termination` (JSON, once it ended), `launcher.log` (the launcher's stderr).
// The agent checkpoints the pids and the launcher's start time; after a restart it watches the
// launcher again, or reads the termination of a container that ended while it was down.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { MesosError } from '../common/errors.ts';
import { containerizerPath, openCgroups, type CgroupLimits, type CgroupStatistics, type Cgroups } from '../native/index.ts';
import type { Isolation } from './config.ts';

/** What a container runs and with what. */
export interface LaunchSpec {
  readonly containerId: string;
  /** The sandbox: the task's working directory, holding its `stdout` and `stderr`. */
  readonly sandbox: string;
  /** shell: `value` runs under `/bin/sh -c`; otherwise `value` is the program and `arguments` its argv. */
  readonly command: { readonly shell: boolean; readonly value: string; readonly arguments: readonly string[] };
  readonly environment: Readonly<Record<string, string>>;
  /** Run as this user (the launcher switches); undefined: as the agent's user. */
  readonly user?: string;
  /** CPU shares and, with CFS, the quota. */
  readonly cpus: number;
  /** The memory limit in bytes; undefined: none. */
  readonly memoryBytes?: number;
}

/** How a container ended, from the launcher's `termination` file. */
export interface Termination {
  /** The raw wait status, when the task was reaped. */
  readonly status?: number;
  readonly exitCode?: number;
  readonly signal?: number;
  /** The memory cgroup's OOM killer fired. */
  readonly oom: boolean;
  /** The container never ran its command: why. */
  readonly launchError?: string;
  /** The launcher disappeared without a termination file (killed while the agent was down). */
  readonly unknown?: boolean;
  /** Like Mesos's: "Command exited with status 1", "Command terminated with signal Killed". */
  readonly message: string;
}

/** What the agent checkpoints about a running container. */
export interface ContainerRecord {
  readonly containerId: string;
  readonly launcherPid: number;
  /** /proc/<pid>/stat's start time of the launcher, which tells a live launcher from a reused pid. */
  readonly launcherStartTime: string;
  readonly taskPid: number;
}

export interface ContainerizerOptions {
  readonly runtimeDir: string;
  readonly isolation: Isolation;
  readonly cgroupsRoot: string;
  readonly enableCfs: boolean;
  /** pids.max per container, when cgroups/pids is on; undefined: no limit. */
  readonly pidsMax?: number;
  readonly log: (line: string) => void;
}

interface Running {
  readonly containerId: string;
  record: ContainerRecord | undefined;
  readonly ended: Promise<Termination>;
  child?: ChildProcess;
  /** The pid-ns or process-group leader, for signals. */
  taskPid?: number;
}

/** Polling period for containers recovered after an agent restart (they are not our children). */
const RECOVERED_POLL_MS = 100;

export class Containerizer {
  readonly options: ContainerizerOptions;
  readonly #cgroups: Cgroups | undefined;
  readonly #launcher: string;
  readonly #running = new Map<string, Running>();
  #stopped = false;

  private constructor(options: ContainerizerOptions, cgroups: Cgroups | undefined) {
    this.options = options;
    this.#cgroups = cgroups;
    this.#launcher = containerizerPath();
  }

  /** Checks the launcher exists and prepares the agent's cgroups root in each hierarchy. */
  static create(options: ContainerizerOptions): Containerizer {
    let cgroups: Cgroups | undefined;
    if (options.isolation.controllers.length > 0) {
      cgroups = openCgroups({ cgroupsRoot: options.cgroupsRoot, controllers: [...options.isolation.controllers] });
      cgroups.prepare();
    }
    mkdirSync(join(options.runtimeDir, 'containers'), { recursive: true, mode: 0o755 });
    return new Containerizer(options, cgroups);
  }

  get usesCgroups(): boolean {
    return this.#cgroups !== undefined;
  }

  runDir(containerId: string): string {
    return join(this.options.runtimeDir, 'containers', containerId);
  }

  /**
   * Creates the container's cgroups, spawns its launcher and resolves once the task has exec'd
   * (with the record to checkpoint). A container that fails to launch rejects with the
   * launcher's reason, and leaves nothing behind.
   */
  async launch(spec: LaunchSpec): Promise<ContainerRecord> {
    if (this.#stopped) throw new MesosError('SERVICE_UNAVAILABLE', 'The agent is shutting down');
    const { containerId } = spec;
    const runDir = this.runDir(containerId);
    mkdirSync(runDir, { recursive: true, mode: 0o755 });
    // The task's environment goes to the launcher in a file, never as its own environment: the
    // launcher runs as root, and a framework's LD_PRELOAD (or anything else the loader or libc
    // reads) would run framework code as root. NUL-terminated NAME=VALUE entries, mode 0600.
    const environmentFile = join(runDir, 'environment');
    let environment = '';
    for (const [name, value] of Object.entries(spec.environment)) {
      if (name === '' || name.includes('=') || name.includes('\0') || value.includes('\0')) {
        throw new MesosError('CONTAINER_LAUNCH_FAILED', `Invalid environment variable '${name.replaceAll('\0', '\\0')}'`);
      }
      environment += `${name}=${value}\0`;
    }
    rmSync(environmentFile, { force: true });
    writeFileSync(environmentFile, environment, { mode: 0o600, flag: 'wx' });
    const args = ['launch', `--run_dir=${runDir}`, `--sandbox=${spec.sandbox}`, `--environment=${environmentFile}`];
    const namespaces = this.options.isolation.namespaces;
    if (namespaces.length > 0) args.push(`--namespaces=${namespaces.join(',')}`);
    if (spec.user !== undefined) args.push(`--user=${spec.user}`);
    try {
      if (this.#cgroups) {
        const dirs = this.#cgroups.create(containerId);
        const limits: CgroupLimits = {
          cpus: spec.cpus,
          cfsQuota: this.options.enableCfs,
          ...(spec.memoryBytes === undefined ? {} : { memoryBytes: spec.memoryBytes }),
          ...(this.options.pidsMax === undefined ? {} : { pidsMax: this.options.pidsMax }),
        };
        this.#cgroups.update(containerId, limits);
        const flag = this.#cgroups.mode === 'v2' ? '--cgroup2' : '--cgroup';
        for (const dir of dirs) args.push(`${flag}=${dir}`);
        const memory = dirs.find((dir) => existsSync(join(dir, 'memory.limit_in_bytes')) || existsSync(join(dir, 'memory.max')));
        if (memory !== undefined) args.push(`--memory_cgroup=${memory}`);
      }
    } catch (err) {
      this.#removeCgroups(containerId);
      throw err;
    }
    if (spec.command.shell) args.push('--shell', '--', spec.command.value);
    else args.push('--', spec.command.value, ...spec.command.arguments.slice(1));

    const log = openSync(join(runDir, 'launcher.log'), 'a', 0o644);
    let child: ChildProcess;
    try {
      child = spawn(this.#launcher, args, {
        detached: true,
        // Fixed and minimal: nothing of the task's, nor of the agent's, reaches the root launcher.
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        stdio: ['ignore', 'pipe', log],
      });
    } finally {
      closeSync(log);
    }
    let resolveEnded!: (t: Termination) => void;
    const ended = new Promise<Termination>((resolve) => (resolveEnded = resolve));
    const running: Running = { containerId, record: undefined, ended, child };
    this.#running.set(containerId, running);
    child.once('exit', () => {
      resolveEnded(readTermination(runDir));
    });
    child.once('error', (err) => {
      resolveEnded({ oom: false, launchError: `Failed to run ${this.#launcher}: ${err.message}`, message: err.message });
    });

    const started = await new Promise<{ pid: number; launcher_pid: number } | { error: string }>((resolve) => {
      let buffered = '';
      const stdout = child.stdout!;
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString('utf8');
        const newline = buffered.indexOf('\n');
        if (newline < 0) return;
        stdout.off('data', onData);
        // Nothing else is written there; the pipe is dropped so the launcher never blocks on it.
        stdout.destroy();
        try {
          resolve(JSON.parse(buffered.slice(0, newline)) as { pid: number; launcher_pid: number } | { error: string });
        } catch {
          resolve({ error: `the launcher wrote an unreadable line: ${buffered.slice(0, 200)}` });
        }
      };
      stdout.on('data', onData);
      // Only the end of stdout without a line means the launcher failed: its 'exit' can be seen
      // before its line is read when the event loop is busy, so 'exit' decides nothing here.
      const noLine = (): void => {
        if (buffered.includes('\n')) return;
        void ended.then((t) => resolve({ error: t.launchError ?? t.message }));
      };
      stdout.once('end', noLine);
      stdout.once('close', noLine);
      child.once('error', (err) => resolve({ error: `Failed to run ${this.#launcher}: ${err.message}` }));
    });
    // Read by the launcher before it cloned the task: no need to keep the task's variables on disk.
    rmSync(environmentFile, { force: true });
    if ('error' in started) {
      await ended;
      this.#running.delete(containerId);
      this.#removeCgroups(containerId);
      rmSync(runDir, { recursive: true, force: true });
      throw new MesosError('CONTAINER_LAUNCH_FAILED', started.error);
    }
    const record: ContainerRecord = {
      containerId,
      launcherPid: started.launcher_pid,
      launcherStartTime: processStartTime(started.launcher_pid) ?? '',
      taskPid: started.pid,
    };
    running.record = record;
    running.taskPid = started.pid;
    return record;
  }

  /** Resolves when the container's task has ended (not when its cgroups are gone). */
  wait(containerId: string): Promise<Termination> {
    const running = this.#running.get(containerId);
    if (!running) return Promise.resolve({ oom: false, unknown: true, message: `Unknown container ${containerId}` });
    return running.ended;
  }

  /**
   * Watches a container launched before an agent restart. Its launcher is not our child, so its
   * end is polled: the termination file appears, or the launcher is gone without one.
   */
  recover(record: ContainerRecord): Promise<Termination> {
    const runDir = this.runDir(record.containerId);
    let resolveEnded!: (t: Termination) => void;
    const ended = new Promise<Termination>((resolve) => (resolveEnded = resolve));
    this.#running.set(record.containerId, { containerId: record.containerId, record, ended, taskPid: record.taskPid });
    const poll = async (): Promise<void> => {
      for (;;) {
        if (existsSync(join(runDir, 'termination'))) return resolveEnded(readTermination(runDir));
        if (!this.#launcherAlive(record)) {
          // The launcher may have written the file between the two checks.
          return resolveEnded(existsSync(join(runDir, 'termination')) ? readTermination(runDir) : lostTermination());
        }
        if (this.#stopped) return;
        await sleep(RECOVERED_POLL_MS);
      }
    };
    void poll();
    return ended;
  }

  /** Sends `signal` to the task (its process group; in a pid namespace, its init). */
  signal(containerId: string, signal: NodeJS.Signals): void {
    const pid = this.#running.get(containerId)?.taskPid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  /**
   * Kills every process of the container: the whole cgroup (freezer or cgroup.kill) when there
   * are cgroups, else the task's process group. The launcher then reports the end.
   */
  killAll(containerId: string): void {
    if (this.#cgroups && this.#cgroups.containers().includes(containerId)) {
      try {
        this.#cgroups.kill(containerId);
      } catch (err) {
        this.options.log(`Failed to kill the cgroups of container ${containerId}: ${(err as Error).message}`);
      }
    }
    if (this.#running.get(containerId)?.taskPid !== undefined) this.signal(containerId, 'SIGKILL');
    else this.#killRecorded(containerId);
  }

  /** Raises or lowers a running container's limits (an executor's container as its tasks come and go). */
  update(containerId: string, limits: { cpus: number; memoryBytes?: number }): void {
    if (!this.#cgroups || !this.#cgroups.containers().includes(containerId)) return;
    this.#cgroups.update(containerId, {
      cpus: limits.cpus,
      cfsQuota: this.options.enableCfs,
      ...(limits.memoryBytes === undefined ? {} : { memoryBytes: limits.memoryBytes }),
      ...(this.options.pidsMax === undefined ? {} : { pidsMax: this.options.pidsMax }),
    });
  }

  /** After the task ended: kills stragglers (daemons), removes the cgroups and the run directory. */
  destroy(containerId: string): void {
    this.#running.delete(containerId);
    this.#removeCgroups(containerId);
    rmSync(this.runDir(containerId), { recursive: true, force: true });
  }

  statistics(containerId: string): CgroupStatistics | undefined {
    if (!this.#cgroups || !this.#running.has(containerId)) return undefined;
    try {
      return this.#cgroups.statistics(containerId);
    } catch {
      return undefined;
    }
  }

  /**
   * Containers that exist on this host (cgroups or run directories) but are not in `known`:
   * left by an agent that could not checkpoint them (a framework without checkpointing, or a
   * crash mid-launch). They are killed and removed.
   */
  cleanupOrphans(known: ReadonlySet<string>): string[] {
    const found = new Set<string>();
    for (const id of this.#cgroups?.containers() ?? []) found.add(id);
    for (const id of safeReaddir(join(this.options.runtimeDir, 'containers'))) found.add(id);
    const orphans = [...found].filter((id) => !known.has(id));
    for (const id of orphans) {
      this.#killRecorded(id);
      this.#removeCgroups(id);
      rmSync(this.runDir(id), { recursive: true, force: true });
    }
    return orphans;
  }

  /** Stops watching; containers keep running (an agent restart must not kill them). */
  stop(): void {
    this.#stopped = true;
    for (const running of this.#running.values()) running.child?.unref();
  }

  #launcherAlive(record: ContainerRecord): boolean {
    const start = processStartTime(record.launcherPid);
    if (start === undefined) return false;
    if (record.launcherStartTime !== '') return start === record.launcherStartTime;
    return launcherOf(record.launcherPid, this.runDir(record.containerId));
  }

  /**
   * Kills a container's task by the pid its launcher recorded, for containers this process did
   * not launch (recovery, orphans) and without cgroups to kill through. The pid may have been
   * reused since (the host rebooted, the task ended long ago), so it is signalled only if that
   * process is still the container's: its environment names the container.
   */
  #killRecorded(containerId: string): void {
    const pids = readPids(this.runDir(containerId));
    if (!pids || !isContainerProcess(pids.pid, containerId)) return;
    try {
      process.kill(-pids.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }

  #removeCgroups(containerId: string): void {
    if (!this.#cgroups) return;
    try {
      this.#cgroups.destroy(containerId);
    } catch (err) {
      this.options.log(`Failed to destroy the cgroups of container ${containerId}: ${(err as Error).message}`);
    }
  }
}

function lostTermination(): Termination {
  return { oom: false, unknown: true, message: 'The container ended while the agent was down, and its launcher left no report' };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readPids(runDir: string): { pid: number; launcher_pid: number } | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'pids'), 'utf8')) as { pid: number; launcher_pid: number };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a process of `containerId`: the agent puts MESOS_CONTAINER_ID in every container's environment. */
function isContainerProcess(pid: number, containerId: string): boolean {
  if (!(Number.isInteger(pid) && pid > 1)) return false;
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    return `\0${environ}`.includes(`\0MESOS_CONTAINER_ID=${containerId}\0`);
  } catch {
    return false;
  }
}

/** Whether `pid` is a mesos-containerizer launcher for `runDir` (its command line says so). */
function launcherOf(pid: number, runDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--run_dir=${runDir}`);
  } catch {
    return false;
  }
}

interface TerminationFile {
  status?: number;
  exit_code?: number;
  signal?: number;
  oom?: boolean;
  message?: string;
  launch_error?: string;
}

/** Reads the launcher's report; a missing or unreadable one counts as an unknown end. */
export function readTermination(runDir: string): Termination {
  let file: TerminationFile;
  try {
    file = JSON.parse(readFileSync(join(runDir, 'termination'), 'utf8')) as TerminationFile;
  } catch {
    return { oom: false, unknown: true, message: 'The container launcher ended without reporting how its task ended' };
  }
  return {
    ...(file.status === undefined ? {} : { status: file.status }),
    ...(file.exit_code === undefined ? {} : { exitCode: file.exit_code }),
    ...(file.signal === undefined ? {} : { signal: file.signal }),
    oom: file.oom === true,
    ...(file.launch_error === undefined ? {} : { launchError: file.launch_error }),
    message: file.launch_error ?? file.message ?? 'The container ended',
  };
}

/**
 * Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined when there is
 * no such process. The command name (field 2) may hold spaces and parentheses, so fields are
 * counted from the last ')'.
 */
export function processStartTime(pid: number): string | undefined {
  if (!(Number.isInteger(pid) && pid > 0)) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); a zombie has ended.
  if (fields[0] === 'Z') return undefined;
  return fields[19];
}

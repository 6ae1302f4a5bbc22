// The pure side of `mesosctl local`: where a local cluster keeps its state, its logs and its
// record (the pids and addresses `down` and `status` act on), and the flags its master and agent
// run with. cli/mesosctl/local.ts spawns and stops the processes.
//
// Layout of a local cluster's directory (default ~/.mesos-ts/local):
//   local.json    the record: pids, addresses, cgroups root, start time (written by `up`)
//   master/       the master's work dir (its registry)
//   agent/        the agent's work dir (sandboxes, checkpoints)
//   run/          the agent's runtime dir
//   master.log, agent.log   what each process writes

import { homedir } from 'node:os';
import { join } from 'node:path';

import { truncate } from '../api/numbers.ts';
import { MesosError } from '../common/errors.ts';

export const DEFAULT_MASTER_PORT = 5050;
export const DEFAULT_AGENT_PORT = 5051;
/**
 * The agent's cgroup under each hierarchy. Not `mesos`, the agent's default: an agent removes
 * the containers it finds under its root that it does not know, so a local cluster must not
 * share a root with another agent on the host.
 */
export const DEFAULT_CGROUPS_ROOT = 'mesos-local';

/** A port flag: 1 to 65535. */
export function parsePort(text: string, what: string): number {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port < 1 || port > 65535) {
    throw new MesosError('INVALID_FLAG', `invalid ${what} '${truncate(text)}': expected a port from 1 to 65535`);
  }
  return port;
}

export function defaultLocalDir(home = homedir()): string {
  return join(home, '.mesos-ts', 'local');
}

export interface LocalLayout {
  readonly dir: string;
  readonly record: string;
  readonly masterWorkDir: string;
  readonly agentWorkDir: string;
  readonly runtimeDir: string;
  readonly masterLog: string;
  readonly agentLog: string;
}

export function localLayout(dir: string): LocalLayout {
  return {
    dir,
    record: join(dir, 'local.json'),
    masterWorkDir: join(dir, 'master'),
    agentWorkDir: join(dir, 'agent'),
    runtimeDir: join(dir, 'run'),
    masterLog: join(dir, 'master.log'),
    agentLog: join(dir, 'agent.log'),
  };
}

export interface LocalProcess {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
}

/** What `up` records, and `down` and `status` read. */
export interface LocalRecord {
  readonly master: LocalProcess;
  /** Absent while `up` is still starting the agent. */
  readonly agent?: LocalProcess;
  readonly cgroupsRoot: string;
  /** ISO time `up` started the cluster. */
  readonly started: string;
}

function isProcess(value: unknown): value is LocalProcess {
  const p = value as LocalProcess | null;
  return typeof p === 'object' && p !== null && Number.isSafeInteger(p.pid) && p.pid > 0 && typeof p.host === 'string' && Number.isInteger(p.port);
}

/** Parses a record file; anything else than what `up` writes is an error naming the file. */
export function parseRecord(text: string, path: string): LocalRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MesosError('INVALID_JSON', `the local cluster record ${path} is not valid JSON (${(err as Error).message}): remove it if no cluster runs`);
  }
  const record = json as Partial<LocalRecord> | null;
  if (typeof record !== 'object' || record === null || !isProcess(record.master) || (record.agent !== undefined && !isProcess(record.agent))
    || typeof record.cgroupsRoot !== 'string' || typeof record.started !== 'string') {
    throw new MesosError('INVALID_JSON', `the local cluster record ${path} is not one mesosctl wrote: remove it if no cluster runs`);
  }
  return record as LocalRecord;
}

export function masterArgs(layout: LocalLayout, port: number): string[] {
  return ['--ip=127.0.0.1', `--port=${port}`, `--work_dir=${layout.masterWorkDir}`];
}

export function agentArgs(layout: LocalLayout, masterPort: number, port: number, cgroupsRoot: string): string[] {
  return [
    `--master=127.0.0.1:${masterPort}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${layout.agentWorkDir}`,
    `--runtime_dir=${layout.runtimeDir}`, `--cgroups_root=${cgroupsRoot}`,
  ];
}

/**
 * Whether a process's command line (`/proc/<pid>/cmdline`, NUL-separated) is one of this
 * cluster's: it names the cluster's directory in its work dir flag. A recorded pid that a
 * reboot or pid reuse gave to another program does not, and is never signalled.
 */
export function isClusterCommandLine(cmdline: string, layout: LocalLayout): boolean {
  const args = cmdline.split('\0');
  return args.some((arg) => arg === `--work_dir=${layout.masterWorkDir}` || arg === `--work_dir=${layout.agentWorkDir}`);
}

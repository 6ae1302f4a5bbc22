// The pure side of `mesosctl run` (like Mesos's mesos-execute): the options checked into a
// RunSpec before anything is sent, the framework and the task built from it, the offer choice,
// and the exit code a task's end becomes. cli/mesosctl/run.ts does the I/O.

import { constants as osConstants } from 'node:os';

import { truncate } from '../api/numbers.ts';
import { isPersistentVolume, isRevocable, isShared, scalarLessOrEqual, subtractScalars, toFixedPoint, fromFixedPoint } from '../api/resources.ts';
import { MesosError } from '../common/errors.ts';
import type * as v1 from '../types/mesos.ts';
import { checkRole, parseDurationFlag } from './parse.ts';
import { isTerminal } from './summaries.ts';

/** The options as commander hands them over (strings, repeatable ones as lists). */
export interface RunFlags {
  readonly name?: string;
  readonly cpus?: string;
  readonly mem?: string;
  readonly disk?: string;
  readonly role?: string;
  readonly env?: readonly string[];
  readonly uri?: readonly string[];
  readonly shell?: boolean;
  readonly user?: string;
  readonly checkpoint?: boolean;
  readonly killAfter?: string;
  readonly offerTimeout?: string;
}

export const DEFAULT_CPUS = 0.1;
export const DEFAULT_MEM = 32;

/** What to run, checked. */
export interface RunSpec {
  readonly name: string;
  /** The command words as given after `--`. */
  readonly words: readonly string[];
  /** Shell: the words joined by spaces under `sh -c` (as ssh does). Otherwise argv, no shell. */
  readonly shell: boolean;
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number | undefined;
  readonly role: string;
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly uris: readonly string[];
  readonly user: string | undefined;
  readonly checkpoint: boolean;
  readonly killAfterMs: number | undefined;
  readonly offerTimeoutMs: number | undefined;
}

function flagError(message: string): MesosError {
  return new MesosError('INVALID_FLAG', message);
}

function positive(flag: string, text: string | undefined, fallback: number | undefined, allowZero = false): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw flagError(`invalid --${flag} '${truncate(text)}': expected a number ${allowZero ? '>= 0' : '> 0'}`);
  }
  // Mesos keeps three decimals: 0.0001 cpus is no cpus at all.
  if (!allowZero && toFixedPoint(value) === 0) throw flagError(`invalid --${flag} '${truncate(text)}': too small (Mesos keeps three decimals)`);
  return fromFixedPoint(toFixedPoint(value));
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationFlag(text, `--${flag}`);
  if (ms <= 0) throw flagError(`invalid --${flag} '${truncate(text)}': must be more than 0`);
  return ms;
}

/** The program's name from the command, as a default task name: `/usr/bin/python3 x` -> `python3`. */
function programName(words: readonly string[], shell: boolean): string {
  const first = (shell ? words.join(' ').trim().split(/\s+/)[0] : words[0]) ?? '';
  const base = first.split('/').filter(Boolean).at(-1) ?? '';
  return base.replace(/[^A-Za-z0-9._-]/g, '') || 'command';
}

/** Checks every option; throws a one-line INVALID_FLAG error naming the first bad one. */
export function parseRunSpec(words: readonly string[], flags: RunFlags): RunSpec {
  const shell = flags.shell ?? true;
  if (words.length === 0 || words.every((w) => w.trim() === '')) {
    throw flagError("no command to run: give it after '--', e.g. mesosctl run -- echo hello");
  }
  const cpus = positive('cpus', flags.cpus, DEFAULT_CPUS)!;
  const mem = positive('mem', flags.mem, DEFAULT_MEM)!;
  const disk = positive('disk', flags.disk, undefined, true);
  const role = checkRole(flags.role ?? '*', '--role');
  const env = (flags.env ?? []).map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw flagError(`invalid --env '${truncate(entry)}': expected NAME=VALUE`);
    return { name: entry.slice(0, at), value: entry.slice(at + 1) };
  });
  const uris = [...(flags.uri ?? [])];
  for (const uri of uris) if (uri.trim() === '') throw flagError('invalid --uri: empty');
  if (flags.user !== undefined && flags.user.trim() === '') throw flagError('invalid --user: empty');
  const name = flags.name ?? programName(words, shell);
  if (name.trim() === '') throw flagError('invalid --name: empty');
  return {
    name,
    words: [...words],
    shell,
    cpus,
    mem,
    disk,
    role,
    env,
    uris,
    user: flags.user,
    checkpoint: flags.checkpoint ?? false,
    killAfterMs: duration('kill-after', flags.killAfter),
    offerTimeoutMs: duration('offer-timeout', flags.offerTimeout),
  };
}

/** A task id from the name: its ID-safe characters and a random suffix, `echo-1a2b3c4d`. */
export function taskIdFor(name: string, random: string): string {
  const base = name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '').slice(0, 200) || 'task';
  return `${base}-${random}`;
}

/**
 * The framework `run` subscribes as: one role, MULTI_ROLE (offers carry allocation_info) and
 * TASK_KILLING_STATE. Not PARTITION_AWARE, so an agent lost for good ends the task TASK_LOST (a
 * terminal state) rather than TASK_UNREACHABLE. `failover_timeout` 0: if mesosctl dies without
 * tearing down, the master removes the framework, and kills its task, as soon as the stream drops.
 */
export function frameworkInfoFor(spec: RunSpec, user: string, hostname?: string): v1.FrameworkInfo {
  return {
    user: spec.user ?? user,
    name: `mesosctl run ${spec.name}`,
    failover_timeout: 0,
    checkpoint: spec.checkpoint,
    roles: [spec.role],
    ...(hostname === undefined ? {} : { hostname }),
    capabilities: [{ type: 'MULTI_ROLE' }, { type: 'TASK_KILLING_STATE' }],
  };
}

export function commandInfoFor(spec: RunSpec): v1.CommandInfo {
  return {
    ...(spec.uris.length === 0 ? {} : { uris: spec.uris.map((value) => ({ value })) }),
    ...(spec.env.length === 0 ? {} : { environment: { variables: spec.env.map(({ name, value }) => ({ name, type: 'VALUE' as const, value })) } }),
    shell: spec.shell,
    // Shell: one string for `sh -c`. Otherwise `value` is the program (found on PATH) and
    // `arguments` the whole argv, argv[0] included, as Mesos's CommandInfo has it.
    value: spec.shell ? spec.words.join(' ') : spec.words[0]!,
    ...(spec.shell ? {} : { arguments: [...spec.words] }),
    ...(spec.user === undefined ? {} : { user: spec.user }),
  };
}

/** The scalar amounts the task needs, by resource name. */
export function neededResources(spec: RunSpec): [string, number][] {
  const needs: [string, number][] = [['cpus', spec.cpus], ['mem', spec.mem]];
  if (spec.disk !== undefined && spec.disk > 0) needs.push(['disk', spec.disk]);
  return needs;
}

/**
 * The task's resources cut out of `offered`: for each needed name, pieces of the offered
 * resources of that name, copied as offered (role, reservations and allocation_info as the
 * master sent them, so the master finds them in the offer) with the amount taken. Revocable,
 * shared and persistent-volume resources are left alone. Undefined if the offer is too small.
 *
 * Worked example: offered cpus 0.5 reserved to `web` and cpus 2 unreserved, needed 1: the
 * reserved 0.5 and 0.5 of the unreserved.
 */
export function carveResources(offered: readonly v1.Resource[], needs: readonly [string, number][]): v1.Resource[] | undefined {
  const out: v1.Resource[] = [];
  for (const [name, amount] of needs) {
    let missing = amount;
    for (const resource of offered) {
      if (toFixedPoint(missing) <= 0) break;
      if (resource.name !== name || resource.type !== 'SCALAR' || resource.scalar === undefined) continue;
      if (isRevocable(resource) || isShared(resource) || isPersistentVolume(resource)) continue;
      const take = scalarLessOrEqual(resource.scalar.value, missing) ? resource.scalar.value : missing;
      if (toFixedPoint(take) <= 0) continue;
      out.push({ ...resource, scalar: { value: take } });
      missing = subtractScalars(missing, take);
    }
    if (toFixedPoint(missing) > 0) return undefined;
  }
  return out;
}

export function offerFits(offer: v1.Offer, spec: RunSpec): boolean {
  return carveResources(offer.resources ?? [], neededResources(spec)) !== undefined;
}

/** The task for `offer`, which must fit. */
export function taskInfoFor(spec: RunSpec, taskId: string, offer: v1.Offer): v1.TaskInfo {
  const resources = carveResources(offer.resources ?? [], neededResources(spec));
  if (resources === undefined) throw new MesosError('INTERNAL', `offer ${offer.id.value} does not fit the task`);
  return { name: spec.name, task_id: { value: taskId }, agent_id: offer.agent_id, resources, command: commandInfoFor(spec) };
}

/** Of one OFFERS event: the offer to launch on (the first that fits), and the ones to decline. */
export function chooseOffer(offers: readonly v1.Offer[], spec: RunSpec): { launch: v1.Offer | undefined; decline: v1.OfferID[] } {
  const launch = offers.find((offer) => offerFits(offer, spec));
  return { launch, decline: offers.filter((offer) => offer !== launch).map((offer) => offer.id) };
}

/** What `run` needs for `--resources`-style messages: `cpus:0.1;mem:32`. */
export function resourcesText(spec: RunSpec): string {
  return neededResources(spec).map(([name, amount]) => `${name}:${amount}`).join(';');
}

// ---------------------------------------------------------------------------------------------
// Exit codes

/** Terminal for a framework that is not partition-aware, as `run`'s is. */
export function isTerminalState(state: v1.TaskState | undefined): boolean {
  return isTerminal(state) || state === 'TASK_UNKNOWN';
}

/** Why mesosctl itself asked for the kill, if it did. */
export type KillCause = 'kill-after' | 'SIGINT' | 'SIGTERM';

/**
 * The exit codes of `mesosctl run` besides the task's own exit status (docs/mesosctl.md). They
 * follow the shell (128 + signal) and timeout(1) (124) where a convention exists, and otherwise
 * sit just below 128, where a command's own codes rarely go.
 */
export const RUN_EXIT = {
  /** TASK_KILLED, by someone else (an operator, a drain, another client of the framework API). */
  killed: 121,
  /** TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN: the cluster lost it. */
  lost: 122,
  /** TASK_ERROR: the master refused the task as invalid. */
  error: 123,
  /** TASK_KILLED after `--kill-after` (as timeout(1)). */
  killAfter: 124,
  /** TASK_FAILED without an exit status or a signal (its executor or agent went away). */
  failed: 125,
  /** TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED: the command could not be started. */
  launchFailed: 126,
  /** 128 + the signal; the kernel's OOM kill is SIGKILL, so 137. */
  signalBase: 128,
} as const;

// glibc's strsignal() texts, which the launcher writes ("Command terminated with signal Killed").
const SIGNAL_TEXTS: Readonly<Record<string, number>> = {
  Hangup: 1, Interrupt: 2, Quit: 3, 'Illegal instruction': 4, 'Trace/breakpoint trap': 5, Aborted: 6,
  'Bus error': 7, 'Floating point exception': 8, Killed: 9, 'User defined signal 1': 10,
  'Segmentation fault': 11, 'User defined signal 2': 12, 'Broken pipe': 13, 'Alarm clock': 14,
  Terminated: 15, 'Stack fault': 16, 'Child exited': 17, Continued: 18, 'Stopped (signal)': 19,
  Stopped: 20, 'Stopped (tty input)': 21, 'Stopped (tty output)': 22, 'Urgent I/O condition': 23,
  'CPU time limit exceeded': 24, 'File size limit exceeded': 25, 'Virtual timer expired': 26,
  'Profiling timer expired': 27, 'Window changed': 28, 'I/O possible': 29, 'Power failure': 30,
  'Bad system call': 31,
};

/** A signal's number from how it is written: `Killed`, `SIGKILL`, `KILL`, `9`, `Real-time signal 2`. */
export function signalNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const known = SIGNAL_TEXTS[trimmed];
  if (known !== undefined) return known;
  const realtime = /^Real-time signal (\d+)$/.exec(trimmed);
  // glibc numbers them from SIGRTMIN, which is 34 on Linux.
  if (realtime !== null) return 34 + Number(realtime[1]);
  const unknown = /^Unknown signal (\d+)$/.exec(trimmed);
  if (unknown !== null) return Number(unknown[1]);
  const name = trimmed.toUpperCase().startsWith('SIG') ? trimmed.toUpperCase() : `SIG${trimmed.toUpperCase()}`;
  return (osConstants.signals as Record<string, number | undefined>)[name];
}

/** How a task ended, for people and for the exit code. */
export interface TaskEnd {
  readonly exitCode: number;
  /** A line for stderr when the code is not simply the command's own exit status, else undefined. */
  readonly note: string | undefined;
}

function describeStatus(status: v1.TaskStatus): string {
  const parts: string[] = [status.state];
  if (status.reason !== undefined) parts.push(status.reason);
  const head = parts.join(', ');
  return status.message === undefined || status.message === '' ? head : `${head}: ${status.message}`;
}

/** The exit code of `run` for a task's terminal status, and why, when it is not the command's own. */
export function taskEnd(status: v1.TaskStatus, killCause?: KillCause): TaskEnd {
  const task = status.task_id.value;
  const what = describeStatus(status);
  const message = status.message ?? '';
  switch (status.state) {
    case 'TASK_FINISHED':
      return { exitCode: 0, note: undefined };
    case 'TASK_FAILED': {
      const exited = /exited with status (\d+)/.exec(message);
      if (exited !== null) return { exitCode: Number(exited[1]) & 0xff, note: undefined };
      const signalled = /terminated with signal (.+)$/.exec(message);
      const signal = signalled === null ? undefined : signalNumber(signalled[1]!);
      if (signal !== undefined) return { exitCode: RUN_EXIT.signalBase + signal, note: `task ${task} ${what}` };
      if (status.reason === 'REASON_CONTAINER_LIMITATION_MEMORY') return { exitCode: RUN_EXIT.signalBase + 9, note: `task ${task} ${what}` };
      if (status.reason === 'REASON_CONTAINER_LAUNCH_FAILED') return { exitCode: RUN_EXIT.launchFailed, note: `task ${task} ${what}` };
      return { exitCode: RUN_EXIT.failed, note: `task ${task} ${what}` };
    }
    case 'TASK_KILLED': {
      if (killCause === 'kill-after') return { exitCode: RUN_EXIT.killAfter, note: `task ${task} killed after --kill-after` };
      if (killCause !== undefined) {
        return { exitCode: RUN_EXIT.signalBase + osConstants.signals[killCause], note: `task ${task} killed on ${killCause}` };
      }
      return { exitCode: RUN_EXIT.killed, note: `task ${task} ${what}` };
    }
    case 'TASK_ERROR':
      return { exitCode: RUN_EXIT.error, note: `task ${task} ${what}` };
    default:
      return { exitCode: RUN_EXIT.lost, note: `task ${task} ${what}` };
  }
}

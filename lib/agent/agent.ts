// The agent: the tasks and frameworks it runs, how each task's life becomes Mesos status updates,
// and what it checkpoints so that a restart neither kills nor forgets a task.
//
// Tasks come three ways (see ExecutorKind): command tasks, each in a container of its own whose
// executor id is the task id; task groups, each member in a container of its own under the
// group's default executor; and tasks of a framework's own executor, which runs in one container
// and speaks the v1 executor API (executor-api.ts). Sandboxes follow Mesos's layout,
// `<work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>/`.
// A container task's updates: TASK_STARTING when the agent starts it, TASK_RUNNING once the
// command has exec'd, then one terminal update: FINISHED (exit 0), FAILED (non-zero exit or a
// signal, said in the message; REASON_CONTAINER_LIMITATION_MEMORY on OOM;
// REASON_CONTAINER_LAUNCH_FAILED when it never ran), KILLED (a kill, after the KillPolicy grace
// period). A custom executor reports its tasks itself.
//
// Checkpoints (for frameworks with `checkpoint: true`, as Mesos): the framework's info, per task
// one record with the task, its container and its unacknowledged updates, and per custom
// executor one record with its container and queued tasks. Writes are chained in the order they
// are made and each record is built when its write runs; an update is sent only once the record
// holding it is written (synced). Keys: `agent/info`, `framework/<fw>`, `task/<fw>/<task>`,
// `executor/<fw>/<executor>`, `resources/checkpointed`.

import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';

import type { Resources } from '../api/resources.ts';
import { validateId } from '../api/ids.ts';
import { MesosError } from '../common/errors.ts';
import { Metrics, type Counter } from '../common/metrics.ts';
import { getJson, putJson, type Store } from '../store/index.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import type * as executor from '../types/executor.ts';
import type * as link from '../types/link.ts';
import type * as v1 from '../types/mesos.ts';
import type { ContainerRecord, Containerizer, Termination } from './containerizer.ts';
import { fetchUris } from './fetcher.ts';
import { MasterLink } from './master-link.ts';
import { StatusUpdateManager, type StreamState } from './status-updates.ts';
import { isTerminalState as isTerminal } from '../api/task-states.ts';

export const AGENT_VERSION = '1.11.0';

/** The KillPolicy grace period when neither the kill nor the task gives one (Mesos's command executor). */
export const DEFAULT_KILL_GRACE_MS = 3_000;
/** Completed tasks kept per framework for /state (Mesos's --max_completed_tasks_per_framework default). */
const MAX_COMPLETED_TASKS = 1000;
/** Statuses kept per task for /state (the latest ones). */
const MAX_STATUSES = 20;

export { isTerminal };

export interface AgentOptions {
  readonly master: { readonly host: string; readonly port: number };
  /** The address the agent advertises (MESOS_AGENT_ENDPOINT, REGISTER's ip); undefined: the master sees the peer address. */
  readonly advertisedIp?: string;
  readonly endpointIp: string;
  readonly port: number;
  readonly hostname: string;
  readonly workDir: string;
  readonly resources: Resources;
  readonly attributes: readonly v1.Attribute[];
  readonly executorShutdownGracePeriodMs: number;
  /** How long a custom executor has to subscribe (Mesos's --executor_registration_timeout, 1 min). */
  readonly executorRegistrationTimeoutMs: number;
  readonly recover: 'reconnect' | 'cleanup';
  readonly strict: boolean;
  /** Run tasks as their user (Mesos's --switch_user); false: as the agent's user. */
  readonly switchUser: boolean;
  readonly store: Store;
  readonly containerizer: Containerizer;
  readonly log: (line: string) => void;
  readonly statusUpdateRetryMinMs?: number;
  /** The agent was told to shut down (the master removed it): the process should exit. */
  readonly onShutdown?: (message: string) => void;
  /** Where the agent's counters go (the server's registry, which also holds its gauges); default: its own. */
  readonly metrics?: Metrics;
}

/**
 * The agent's cumulative counters, under Mesos's names (src/slave/metrics.cpp). Each is
 * incremented at the transition it counts and never recomputed; the agent's gauges (tasks by
 * state, executors, resources) are read from its books when a snapshot is taken (operator-api.ts).
 */
interface AgentCounters {
  /** Checkpoints skipped with --no-strict. */
  readonly recoveryErrors: Counter;
  /** Terminal status updates the agent made, by state. */
  readonly terminal: Partial<Record<v1.TaskState, Counter>>;
  /** Status updates accepted for the status update manager, and ones dropped (unknown task, framework shutting down). */
  readonly validStatusUpdates: Counter;
  readonly invalidStatusUpdates: Counter;
  /** Executors that ended: a command task's container, a custom executor's, a default executor once its last task left. */
  readonly executorsTerminated: Counter;
  /** Containers the containerizer failed to launch. */
  readonly containerLaunchErrors: Counter;
  /** Framework messages relayed to a subscribed executor, and ones dropped (no such executor, not subscribed). */
  readonly validFrameworkMessages: Counter;
  readonly invalidFrameworkMessages: Counter;
}

function agentCounters(metrics: Metrics): AgentCounters {
  return {
    recoveryErrors: metrics.counter('slave/recovery_errors'),
    terminal: {
      TASK_FINISHED: metrics.counter('slave/tasks_finished'),
      TASK_FAILED: metrics.counter('slave/tasks_failed'),
      TASK_KILLED: metrics.counter('slave/tasks_killed'),
      TASK_LOST: metrics.counter('slave/tasks_lost'),
      TASK_GONE: metrics.counter('slave/tasks_gone'),
    },
    validStatusUpdates: metrics.counter('slave/valid_status_updates'),
    invalidStatusUpdates: metrics.counter('slave/invalid_status_updates'),
    executorsTerminated: metrics.counter('slave/executors_terminated'),
    containerLaunchErrors: metrics.counter('slave/container_launch_errors'),
    validFrameworkMessages: metrics.counter('slave/valid_framework_messages'),
    invalidFrameworkMessages: metrics.counter('slave/invalid_framework_messages'),
  };
}

type Phase = 'launching' | 'running' | 'ended';

/**
 * Who runs a task: `command` (its own container, the task is the executor, as Mesos's command
 * executor), `default` (a task group: each task in a container of its own, as Mesos's default
 * executor with nested containers), `custom` (the framework's executor, in one container, over
 * the v1 executor API).
 */
export type ExecutorKind = 'command' | 'default' | 'custom';

export interface AgentExecutor {
  readonly frameworkId: string;
  readonly id: string;
  /** The framework's ExecutorInfo (default and custom executors). */
  readonly info: v1.ExecutorInfo | undefined;
  readonly kind: ExecutorKind;
  readonly containerId: string;
  readonly sandbox: string;
  /** The executor process's container (custom executors). */
  container: ContainerRecord | undefined;
  phase: Phase;
  readonly taskIds: Set<string>;
  /** The executor's SUBSCRIBE stream, while it is subscribed (custom executors). */
  stream: RecordIOStream<'mesos.v1.executor.Event'> | undefined;
  /** Tasks waiting for the executor to subscribe. */
  readonly queued: v1.TaskInfo[];
  /** The registration timeout, or the shutdown grace period. */
  timer: NodeJS.Timeout | undefined;
  shuttingDown: boolean;
  registrationTimedOut: boolean;
}

interface ExecutorCheckpoint {
  frameworkId: string;
  info: v1.ExecutorInfo;
  containerId: string;
  sandbox: string;
  phase: Phase;
  container?: ContainerRecord;
  queued: v1.TaskInfo[];
}

interface PreparedCommand {
  readonly command: { readonly shell: boolean; readonly value: string; readonly arguments: readonly string[] };
  readonly user?: string;
  readonly owner?: { uid: number; gid: number };
}

export interface AgentTask {
  readonly frameworkId: string;
  readonly info: v1.TaskInfo;
  readonly executorId: string;
  readonly containerId: string;
  readonly sandbox: string;
  readonly kind: ExecutorKind;
  /** The task group it was launched with (its first task's id), for default executors. */
  readonly group?: string;
  state: v1.TaskState;
  phase: Phase;
  container: ContainerRecord | undefined;
  /** A kill is under way. */
  killing: boolean;
  /** A kill asked for while the task was launching, carried out once its command runs. */
  killRequested: { graceMs: number | undefined } | undefined;
  /** Why the master asked for the kill (REASON_AGENT_DRAINING): the TASK_KILLED update carries it. */
  killReason?: v1.TaskStatus.Reason;
  killTimer: NodeJS.Timeout | undefined;
  /** Statuses sent, oldest first (for /state). */
  readonly statuses: v1.TaskStatus[];
}

export interface AgentFramework {
  info: v1.FrameworkInfo;
  readonly tasks: Map<string, AgentTask>;
  /** Default and custom executors (command tasks need no entry). */
  readonly executors: Map<string, AgentExecutor>;
  readonly completed: AgentTask[];
  /** SHUTDOWN_FRAMEWORK arrived: tasks are being killed and nothing more is reported. */
  shuttingDown: boolean;
}

/** What a task's checkpoint holds. */
interface TaskCheckpoint {
  frameworkId: string;
  info: v1.TaskInfo;
  executorId: string;
  containerId: string;
  sandbox: string;
  kind?: ExecutorKind;
  group?: string;
  state: v1.TaskState;
  phase: Phase;
  container?: ContainerRecord;
  killing: boolean;
  pending: v1.TaskStatus[];
  latestState?: v1.TaskState;
}

interface AgentInfoCheckpoint {
  agent_id: string;
  boot_id: string;
}

/** A random version-4 UUID's 16 bytes in base64, the form of TaskStatus.uuid. */
function newUuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** The passwd entry of `user` from /etc/passwd, or undefined. */
export function lookupUser(user: string): { uid: number; gid: number } | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 4) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  return undefined;
}

function scalarOf(resources: readonly v1.Resource[] | undefined, name: string): number {
  let total = 0;
  for (const r of resources ?? []) if (r.name === name && r.scalar) total += r.scalar.value;
  return total;
}

/** A container's limits from the resources it runs with. */
function limitsOf(resources: readonly v1.Resource[] | undefined): { cpus: number; memoryBytes?: number } {
  const mem = scalarOf(resources, 'mem');
  return { cpus: scalarOf(resources, 'cpus'), ...(mem > 0 ? { memoryBytes: Math.round(mem * 1024 * 1024) } : {}) };
}

/** Adds CommandInfo.environment to `env`, or says why it cannot be. */
function addCommandEnvironment(env: Record<string, string>, command: v1.CommandInfo): Record<string, string> | string {
  for (const variable of command.environment?.variables ?? []) {
    if (variable.type === 'SECRET') return `Environment variable '${variable.name}' is a secret, which this agent cannot resolve`;
    if (variable.name === '' || variable.name.includes('=') || variable.name.includes('\0')) {
      return `Invalid environment variable name '${variable.name}'`;
    }
    const value = variable.value ?? '';
    if (value.includes('\0')) return `Environment variable '${variable.name}' contains a NUL byte`;
    env[variable.name] = value;
  }
  return env;
}

function nanosToMs(duration: v1.DurationInfo | undefined): number | undefined {
  if (duration === undefined) return undefined;
  return Math.max(0, Number(duration.nanoseconds) / 1e6);
}

/**
 * Launches in flight at once. A launch is mostly synchronous work on the agent's one thread and
 * the host's CPUs (directories, cgroup writes, fork and exec), so starting more at once than the
 * host has CPUs only delays every one of them: 50 tasks arriving together would all report
 * RUNNING after the last was spawned. Waiting tasks stay STAGING until a slot frees.
 */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) setImmediate(next);
    else this.#free++;
  }
}

export class Agent {
  readonly options: AgentOptions;
  readonly frameworks = new Map<string, AgentFramework>();
  readonly completedFrameworks: AgentFramework[] = [];
  readonly updates: StatusUpdateManager;
  readonly startTime = Date.now() / 1000;
  #agentId: string | undefined;
  #masterInfo: v1.MasterInfo | undefined;
  #checkpointedResources: v1.Resource[] = [];
  #link: MasterLink | undefined;
  /** Store writes, chained so that they land in the order they were made. */
  #writes: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #launchSlots = new Slots(Math.max(2, availableParallelism()));
  readonly metrics: Metrics;
  readonly #counters: AgentCounters;

  constructor(options: AgentOptions) {
    this.options = options;
    this.metrics = options.metrics ?? new Metrics();
    this.#counters = agentCounters(this.metrics);
    this.updates = new StatusUpdateManager({
      send: (frameworkId, status, latestState) => this.#sendUpdate(frameworkId, status, latestState),
      ...(options.statusUpdateRetryMinMs === undefined ? {} : { retryMinMs: options.statusUpdateRetryMinMs }),
    });
  }

  get agentId(): string | undefined {
    return this.#agentId;
  }

  get masterInfo(): v1.MasterInfo | undefined {
    return this.#masterInfo;
  }

  get registered(): boolean {
    return this.#link?.registered ?? false;
  }

  get checkpointedResources(): readonly v1.Resource[] {
    return this.#checkpointedResources;
  }

  /** Every task the agent runs or still reports on. */
  *tasks(): Iterable<AgentTask> {
    for (const framework of this.frameworks.values()) yield* framework.tasks.values();
  }

  // -------------------------------------------------------------------------------------------
  // Startup: recovery, then the link to the master.

  /**
   * Reads the checkpoints and resumes: running containers are watched again, containers that
   * ended meanwhile are reported with their real end, and containers nobody checkpointed are
   * destroyed. With `--recover=cleanup` every container is killed and the state wiped instead.
   */
  async recover(): Promise<void> {
    const { store, containerizer, log } = this.options;
    const corrupt = (key: string, err: unknown): void => {
      const message = `Failed to recover checkpoint '${key}': ${(err as Error).message}`;
      if (this.options.strict) throw new MesosError('STORE_CORRUPT', `${message} (restart with --no-strict to skip it)`);
      this.#counters.recoveryErrors.inc();
      log(`${message}; skipping it (--no-strict)`);
    };
    const info = await getJson<AgentInfoCheckpoint>(store, 'agent/info').catch((err) => corrupt('agent/info', err));
    const checkpointed = await getJson<v1.Resource[]>(store, 'resources/checkpointed').catch((err) => corrupt('resources/checkpointed', err));
    if (Array.isArray(checkpointed)) this.#checkpointedResources = checkpointed;
    const tasks: [string, TaskCheckpoint][] = [];
    const executors: [string, ExecutorCheckpoint][] = [];
    for await (const [key, value] of store.scan('')) {
      try {
        const json = JSON.parse(Buffer.from(value).toString('utf8')) as unknown;
        if (key.startsWith('framework/')) {
          const frameworkInfo = json as v1.FrameworkInfo;
          if (!frameworkInfo.id?.value) throw new Error('no framework id');
          this.frameworks.set(frameworkInfo.id.value, { info: frameworkInfo, tasks: new Map(), executors: new Map(), completed: [], shuttingDown: false });
        } else if (key.startsWith('task/')) {
          const task = json as TaskCheckpoint;
          if (typeof task.frameworkId !== 'string' || typeof task.containerId !== 'string' || !task.info?.task_id) throw new Error('incomplete task record');
          tasks.push([key, task]);
        } else if (key.startsWith('executor/')) {
          const executor = json as ExecutorCheckpoint;
          if (typeof executor.frameworkId !== 'string' || typeof executor.containerId !== 'string' || !executor.info?.executor_id) throw new Error('incomplete executor record');
          executors.push([key, executor]);
        }
      } catch (err) {
        corrupt(key, err);
      }
    }
    if (info && typeof info.agent_id === 'string') {
      this.#agentId = info.agent_id;
      if (info.boot_id !== bootId()) log('The host rebooted since the last run: containers from before are gone');
    }

    if (this.options.recover === 'cleanup') {
      for (const [, task] of tasks) containerizer.killAll(task.containerId);
      for (const [, task] of tasks) containerizer.destroy(task.containerId);
      for (const [, executor] of executors) {
        containerizer.killAll(executor.containerId);
        containerizer.destroy(executor.containerId);
      }
      containerizer.cleanupOrphans(new Set());
      await store.batch([
        ...[...tasks, ...executors].map(([key]) => ({ type: 'del' as const, key })),
        ...[...this.frameworks.keys()].map((id) => ({ type: 'del' as const, key: `framework/${id}` })),
      ]);
      this.frameworks.clear();
      log(`--recover=cleanup: killed ${tasks.length} checkpointed task(s) and removed their state`);
      return;
    }

    const known = new Set<string>();
    for (const [key, record] of executors) {
      const framework = this.frameworks.get(record.frameworkId);
      if (!framework) {
        corrupt(key, new Error('its framework has no checkpoint'));
        continue;
      }
      known.add(record.containerId);
      const executor = this.#newExecutor(framework, record.info, 'custom', record.containerId, record.sandbox);
      executor.queued.push(...(record.queued ?? []));
      executor.container = record.container;
      if (record.phase === 'running' && record.container) {
        executor.phase = 'running';
        const container = record.container;
        void containerizer.recover(container).then((termination) => this.#executorEnded(executor, termination));
        // The executor resubscribes (it retries while the agent is away) or is destroyed.
        this.#armRegistrationTimer(executor);
      } else {
        executor.phase = 'ended';
        containerizer.killAll(record.containerId);
        containerizer.destroy(record.containerId);
      }
    }
    for (const [, record] of tasks) {
      const framework = this.frameworks.get(record.frameworkId);
      if (!framework) {
        corrupt(`task/${record.frameworkId}/${record.info.task_id.value}`, new Error('its framework has no checkpoint'));
        continue;
      }
      known.add(record.containerId);
      const task: AgentTask = {
        frameworkId: record.frameworkId,
        info: record.info,
        executorId: record.executorId,
        containerId: record.containerId,
        sandbox: record.sandbox,
        kind: record.kind ?? 'command',
        ...(record.group === undefined ? {} : { group: record.group }),
        state: record.state,
        phase: record.phase,
        container: record.container,
        killing: record.killing,
        killRequested: undefined,
        killTimer: undefined,
        statuses: [...record.pending],
      };
      framework.tasks.set(task.info.task_id.value, task);
      this.updates.recover({ frameworkId: record.frameworkId, taskId: task.info.task_id.value, pending: record.pending, latestState: record.latestState });
      if (task.kind === 'custom') {
        const executor = framework.executors.get(task.executorId);
        if (executor) executor.taskIds.add(task.info.task_id.value);
        if (task.phase !== 'ended' && (!executor || executor.phase === 'ended')) {
          task.phase = 'ended';
          void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: 'The executor ended while the agent was down' });
        }
        continue;
      }
      if (task.kind === 'default' && !framework.executors.has(task.executorId)) {
        // Default executors are not checkpointed: their books come back from their tasks.
        const executor = this.#newExecutor(framework, { executor_id: { value: task.executorId }, type: 'DEFAULT' }, 'default', '', dirname(dirname(task.sandbox)));
        executor.phase = 'running';
      }
      framework.executors.get(task.executorId)?.taskIds.add(task.info.task_id.value);
      if (task.phase === 'running' && task.container) {
        const container = task.container;
        void containerizer.recover(container).then((termination) => this.#containerEnded(task, termination)).catch((err) => log(`Recovering container ${container.containerId} failed: ${(err as Error).message}`));
        // A kill under way when the agent died still ends in SIGKILL.
        if (task.killing) this.#escalate(task, this.options.executorShutdownGracePeriodMs);
      } else if (task.phase === 'launching') {
        // The agent died between taking the task and its command starting: Mesos reports such
        // tasks failed, since nothing can say how far the launch got; whatever it started goes.
        containerizer.killAll(task.containerId);
        containerizer.destroy(task.containerId);
        task.phase = 'ended';
        void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_AGENT_RESTARTED', message: 'The agent restarted while the task was launching' });
      }
    }
    for (const framework of this.frameworks.values()) {
      for (const executor of [...framework.executors.values()]) if (executor.phase === 'ended') this.#maybeForgetExecutor(framework, executor);
    }
    for (const orphan of containerizer.cleanupOrphans(known)) log(`Destroyed orphan container ${orphan}`);
    log(`Recovered ${tasks.length} task(s) of ${this.frameworks.size} framework(s)${this.#agentId ? ` as agent ${this.#agentId}` : ''}`);
  }

  /** Connects to the master and keeps the link up. */
  start(): void {
    this.#link = new MasterLink({
      master: this.options.master,
      register: () => this.#registerCall(),
      onRegistered: (registered) => this.#onRegistered(registered),
      onEvent: (event) => this.#onEvent(event),
      log: this.options.log,
    });
    this.#link.start();
  }

  /**
   * Stops talking to the master. Tasks keep running: an agent restart must not kill them.
   * With `unregister`, the master is told the agent is gone for good, and the tasks are killed.
   */
  async stop(options: { unregister?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    if (options.unregister) {
      for (const task of this.tasks()) if (task.phase === 'running') this.options.containerizer.killAll(task.containerId);
    }
    await this.#link?.stop(options.unregister ? { type: 'UNREGISTER' } : undefined);
    this.updates.stop();
    for (const task of this.tasks()) clearTimeout(task.killTimer);
    for (const framework of this.frameworks.values()) {
      for (const executor of framework.executors.values()) {
        clearTimeout(executor.timer);
        executor.stream?.close();
      }
    }
    this.options.containerizer.stop();
    await this.#writes;
  }

  // -------------------------------------------------------------------------------------------
  // The link.

  #registerCall(): link.Call {
    const agentId = this.#agentId;
    const register: link.Call.Register = {
      version: 1,
      agent_info: {
        hostname: this.options.hostname,
        port: this.options.port,
        resources: this.options.resources.toArray(),
        ...(this.options.attributes.length > 0 ? { attributes: [...this.options.attributes] } : {}),
        ...(agentId === undefined ? {} : { id: { value: agentId } }),
      },
      ...(this.options.advertisedIp === undefined ? {} : { ip: this.options.advertisedIp }),
      ...(this.#checkpointedResources.length > 0 ? { checkpointed_resources: this.#checkpointedResources } : {}),
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'HIERARCHICAL_ROLE' }, { type: 'RESERVATION_REFINEMENT' }],
      agent_version: AGENT_VERSION,
    };
    if (agentId !== undefined) {
      register.frameworks = [...this.frameworks.values()]
        .filter((f) => !f.shuttingDown && (f.tasks.size > 0 || [...f.executors.values()].some((e) => e.phase !== 'ended')))
        .map((f) => f.info);
      register.executors = [];
      for (const framework of this.frameworks.values()) {
        if (framework.shuttingDown) continue;
        for (const executor of framework.executors.values()) {
          if (executor.info && executor.phase !== 'ended') register.executors.push({ ...executor.info, framework_id: { value: executor.frameworkId } });
        }
      }
      register.tasks = [];
      for (const framework of this.frameworks.values()) {
        if (framework.shuttingDown) continue;
        for (const task of framework.tasks.values()) register.tasks.push(this.#taskMessage(task, agentId));
      }
    }
    return { type: 'REGISTER', register };
  }

  #taskMessage(task: AgentTask, agentId: string): v1.Task {
    const last = task.statuses.at(-1);
    return {
      name: task.info.name,
      task_id: task.info.task_id,
      framework_id: { value: task.frameworkId },
      executor_id: { value: task.executorId },
      agent_id: { value: agentId },
      state: task.state,
      resources: task.info.resources ?? [],
      ...(last ? { statuses: [last] } : {}),
      ...(task.info.labels ? { labels: task.info.labels } : {}),
    };
  }

  #onRegistered(registered: link.Event.Registered): void {
    const first = this.#agentId === undefined;
    const agentId = registered.agent_id.value;
    const invalid = validateId(agentId);
    if (invalid !== undefined) {
      // It names the sandboxes' directory: refuse it rather than put them anywhere.
      this.options.log(`The master assigned an unusable agent id ${JSON.stringify(agentId)}: ${invalid}; reconnecting`);
      this.#link?.reconnect('unusable agent id');
      return;
    }
    if (this.#agentId !== undefined && this.#agentId !== agentId) {
      this.options.log(`The master assigned a new id ${agentId} (was ${this.#agentId})`);
    }
    this.#agentId = agentId;
    this.#masterInfo = registered.master_info;
    this.options.log(`${first ? 'Registered' : 'Reregistered'} with the master as agent ${agentId}`);
    this.#write(() => putJson(this.options.store, 'agent/info', { agent_id: agentId, boot_id: bootId() } satisfies AgentInfoCheckpoint));
    this.updates.resendAll();
  }

  /**
   * One event from the master. Whatever goes wrong handling it is logged: an event with a missing
   * payload (they are optional on the wire) must not take the agent and its tasks' reports down.
   */
  #onEvent(event: link.Event): void {
    try {
      this.#dispatch(event);
    } catch (err) {
      this.options.log(`Failed to handle ${event.type ?? 'an'} event from the master: ${(err as Error).stack ?? err}`);
    }
  }

  #dispatch(event: link.Event): void {
    switch (event.type) {
      case 'RUN_TASK':
        void this.#runTask(event.run_task!).catch((err) => this.options.log(`RUN_TASK failed: ${(err as Error).stack ?? err}`));
        return;
      case 'RUN_TASK_GROUP':
        void this.#runTaskGroup(event.run_task_group!).catch((err) => this.options.log(`RUN_TASK_GROUP failed: ${(err as Error).stack ?? err}`));
        return;
      case 'KILL_TASK': {
        const kill = event.kill_task!;
        const task = this.frameworks.get(kill.framework_id.value)?.tasks.get(kill.task_id.value);
        if (!task) {
          this.options.log(`Ignoring KILL_TASK for unknown task ${kill.task_id.value} of framework ${kill.framework_id.value}`);
          return;
        }
        if (kill.reason !== undefined) task.killReason = kill.reason;
        this.#kill(task, nanosToMs(kill.kill_policy?.grace_period), kill.kill_policy);
        return;
      }
      case 'ACKNOWLEDGE':
        this.#acknowledge(event.acknowledge!);
        return;
      case 'SHUTDOWN_FRAMEWORK':
        this.#shutdownFramework(event.shutdown_framework!.framework_id.value);
        return;
      case 'SHUTDOWN_EXECUTOR': {
        // A command task's executor id is its task id.
        const { framework_id, executor_id } = event.shutdown_executor!;
        const framework = this.frameworks.get(framework_id.value);
        const executor = framework?.executors.get(executor_id.value);
        if (executor?.kind === 'custom') {
          this.#shutdownExecutor(executor);
          return;
        }
        for (const task of framework?.tasks.values() ?? []) {
          if (task.executorId === executor_id.value) this.#kill(task, this.options.executorShutdownGracePeriodMs);
        }
        return;
      }
      case 'FRAMEWORK_MESSAGE': {
        const message = event.framework_message!;
        const executor = this.frameworks.get(message.framework_id.value)?.executors.get(message.executor_id.value);
        if (executor?.stream) {
          this.#counters.validFrameworkMessages.inc();
          executor.stream.send({ type: 'MESSAGE', message: { data: message.data } });
          return;
        }
        this.#counters.invalidFrameworkMessages.inc();
        this.options.log(`Dropping a message for executor ${message.executor_id.value}: it is not subscribed (command and default executors take no messages)`);
        return;
      }
      case 'UPDATE_FRAMEWORK': {
        const info = event.update_framework!.framework_info;
        const framework = info.id ? this.frameworks.get(info.id.value) : undefined;
        if (framework) {
          framework.info = info;
          if (info.checkpoint) this.#write(() => putJson(this.options.store, `framework/${info.id!.value}`, info));
        }
        return;
      }
      case 'CHECKPOINT_RESOURCES': {
        const resources = event.checkpoint_resources!.resources ?? [];
        this.#checkpointedResources = resources;
        this.#write(() => putJson(this.options.store, 'resources/checkpointed', resources));
        return;
      }
      case 'SHUTDOWN':
        void this.#shutdown(event.shutdown?.message ?? 'The master asked the agent to shut down')
          .catch((err) => this.options.log(`Shutting down failed: ${(err as Error).stack ?? err}`));
        return;
      default:
        return;
    }
  }

  #sendUpdate(frameworkId: string, status: v1.TaskStatus, latestState: v1.TaskState): boolean {
    return this.#link?.send({ type: 'STATUS_UPDATE', status_update: { framework_id: { value: frameworkId }, status, latest_state: latestState } }) ?? false;
  }

  // -------------------------------------------------------------------------------------------
  // Tasks.

  /**
   * The framework's books, created or refreshed from a RUN_TASK(_GROUP)'s info; undefined while it
   * shuts down. Synchronous, so that the launch's tasks are on the books before any other event
   * (a KILL_TASK, a SHUTDOWN_FRAMEWORK) is handled; the framework's checkpoint is queued ahead of
   * the tasks' own writes.
   */
  #frameworkFor(frameworkInfo: v1.FrameworkInfo): AgentFramework | undefined {
    const frameworkId = frameworkInfo.id!.value;
    let framework = this.frameworks.get(frameworkId);
    if (framework?.shuttingDown) {
      this.options.log(`Ignoring tasks of framework ${frameworkId}: it is shutting down`);
      return undefined;
    }
    if (!framework) {
      framework = { info: frameworkInfo, tasks: new Map(), executors: new Map(), completed: [], shuttingDown: false };
      this.frameworks.set(frameworkId, framework);
    } else {
      framework.info = frameworkInfo;
    }
    if (frameworkInfo.checkpoint) this.#write(() => putJson(this.options.store, `framework/${frameworkId}`, frameworkInfo));
    return framework;
  }

  #sandboxOf(frameworkId: string, executorId: string, containerId: string): string {
    return join(this.options.workDir, 'slaves', this.#agentId!, 'frameworks', frameworkId, 'executors', executorId, 'runs', containerId);
  }

  #newTask(framework: AgentFramework, info: v1.TaskInfo, fields: Pick<AgentTask, 'executorId' | 'containerId' | 'sandbox' | 'kind'> & { group?: string }): AgentTask {
    const task: AgentTask = {
      frameworkId: framework.info.id!.value, info, ...fields,
      state: 'TASK_STAGING', phase: 'launching', container: undefined, killing: false, killRequested: undefined, killTimer: undefined, statuses: [],
    };
    framework.tasks.set(info.task_id.value, task);
    return task;
  }

  /**
   * Whether the ids of a RUN_TASK(_GROUP) may name directories: a framework, executor or task id
   * with a slash, `..` or a control character would put a sandbox anywhere. The master refuses
   * them; the agent checks again and drops such a launch, logging why.
   */
  #idsUsable(frameworkId: string, ids: readonly string[]): boolean {
    for (const id of [frameworkId, ...ids]) {
      const error = validateId(id);
      if (error !== undefined) {
        this.options.log(`Dropping a launch for framework ${JSON.stringify(frameworkId)}: ${error}`);
        return false;
      }
    }
    return true;
  }

  async #runTask(run: link.Event.RunTask): Promise<void> {
    if (run.framework_info.id === undefined || this.#agentId === undefined) return;
    const info = run.task;
    const ids = [info.task_id.value, ...(info.executor ? [info.executor.executor_id.value] : [])];
    if (!this.#idsUsable(run.framework_info.id.value, ids)) return;
    const framework = this.#frameworkFor(run.framework_info);
    if (!framework) return;
    if (framework.tasks.has(info.task_id.value)) {
      this.options.log(`Ignoring a second RUN_TASK for task ${info.task_id.value} of framework ${framework.info.id!.value}`);
      return;
    }
    if (info.executor !== undefined) {
      await this.#runWithExecutor(framework, info.executor, info);
      return;
    }
    // A command task: its executor id is its task id, as with Mesos's command executor.
    const containerId = randomUUID();
    const executorId = info.task_id.value;
    const sandbox = this.#sandboxOf(framework.info.id!.value, executorId, containerId);
    const task = this.#newTask(framework, info, { executorId, containerId, sandbox, kind: 'command' });
    await this.#runContainerTask(task, framework, true);
  }

  /**
   * LAUNCH_GROUP, run as Mesos's default executor runs a task group: every task in a container of
   * its own (Mesos's nested containers), with its sandbox under the executor's as
   * `tasks/<task id>`, all started together; when one ends other than FINISHED the rest of its
   * group is killed.
   */
  async #runTaskGroup(run: link.Event.RunTaskGroup): Promise<void> {
    if (run.framework_info.id === undefined || this.#agentId === undefined) return;
    const ids = [run.executor.executor_id.value, ...(run.task_group.tasks ?? []).map((t) => t.task_id.value)];
    if (!this.#idsUsable(run.framework_info.id.value, ids)) return;
    const framework = this.#frameworkFor(run.framework_info);
    if (!framework) return;
    const frameworkId = framework.info.id!.value;
    const executorId = run.executor.executor_id.value;
    let executor = framework.executors.get(executorId);
    if (run.executor.type === 'CUSTOM' || (executor && executor.kind !== 'default')) {
      const why = run.executor.type === 'CUSTOM'
        ? 'Task groups for custom executors are not supported by this agent yet (use the DEFAULT executor)'
        : `Executor ${executorId} is not a default executor`;
      for (const info of run.task_group.tasks ?? []) {
        const task = this.#newTask(framework, info, { executorId, containerId: randomUUID(), sandbox: '', kind: 'default' });
        task.phase = 'ended';
        void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_TASK_GROUP_INVALID', message: why });
      }
      return;
    }
    if (!executor) {
      const containerId = randomUUID();
      executor = this.#newExecutor(framework, run.executor, 'default', containerId, this.#sandboxOf(frameworkId, executorId, containerId));
      try {
        this.#makeSandbox(executor.sandbox, undefined, true);
      } catch (err) {
        this.options.log(`Failed to create the sandbox ${executor.sandbox}: ${(err as Error).message}`);
      }
    }
    const tasks = (run.task_group.tasks ?? []).filter((info) => !framework.tasks.has(info.task_id.value));
    const group = tasks[0]?.task_id.value ?? '';
    const started = tasks.map((info) => {
      const task = this.#newTask(framework, info, {
        executorId, containerId: randomUUID(), sandbox: join(executor.sandbox, 'tasks', info.task_id.value), kind: 'default', group,
      });
      executor.taskIds.add(info.task_id.value);
      return task;
    });
    await Promise.all(started.map((task) => this.#runContainerTask(task, framework, false)));
  }

  /**
   * Runs a task in a container of its own (a command task, or a task of a group): TASK_STARTING,
   * sandbox and fetch, launch, TASK_RUNNING; failures before the command runs are TASK_FAILED
   * with REASON_CONTAINER_LAUNCH_FAILED.
   */
  async #runContainerTask(task: AgentTask, framework: AgentFramework, linkLatest: boolean): Promise<void> {
    const fail = (message: string): void => {
      this.options.containerizer.destroy(task.containerId);
      task.phase = 'ended';
      void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message });
      this.#groupMemberEnded(task, 'TASK_FAILED');
    };
    const info = task.info;
    if (info.command === undefined) {
      fail('Task has neither a command nor an executor');
      return;
    }
    const prepared = this.#prepareCommand(info.command, framework.info);
    if (typeof prepared === 'string') {
      fail(`Failed to launch container: ${prepared}`);
      return;
    }
    const environment = this.#environment(task, info.command);
    if (typeof environment === 'string') {
      fail(`Failed to launch container: ${environment}`);
      return;
    }
    await this.#launchSlots.acquire();
    try {
      await this.#startContainerTask(task, prepared, environment, linkLatest, fail);
    } finally {
      this.#launchSlots.release();
    }
  }

  /** The part of a launch that holds a launch slot: from TASK_STARTING to the command's exec. */
  async #startContainerTask(
    task: AgentTask, prepared: PreparedCommand, environment: Record<string, string>, linkLatest: boolean, fail: (message: string) => void,
  ): Promise<void> {
    const info = task.info;
    if (task.killRequested) {
      this.options.containerizer.destroy(task.containerId);
      task.phase = 'ended';
      void this.#report(task, 'TASK_KILLED', { source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'The task was killed before it started' });
      this.#groupMemberEnded(task, 'TASK_KILLED');
      return;
    }
    await this.#report(task, 'TASK_STARTING', { source: 'SOURCE_EXECUTOR' });
    try {
      await this.#materialize(task.sandbox, prepared.owner, info.command?.uris ?? [], linkLatest);
    } catch (err) {
      fail(`Failed to launch container: ${(err as Error).message}`);
      return;
    }
    if (task.killRequested) {
      this.options.containerizer.destroy(task.containerId);
      task.phase = 'ended';
      void this.#report(task, 'TASK_KILLED', { source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'The task was killed while it was launching' });
      this.#groupMemberEnded(task, 'TASK_KILLED');
      return;
    }
    let record: ContainerRecord;
    try {
      record = await this.options.containerizer.launch({
        containerId: task.containerId,
        sandbox: task.sandbox,
        command: prepared.command,
        environment,
        ...(prepared.user === undefined ? {} : { user: prepared.user }),
        ...limitsOf(info.resources),
      });
    } catch (err) {
      this.#counters.containerLaunchErrors.inc();
      task.phase = 'ended';
      void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Failed to launch container: ${(err as Error).message}` });
      this.#groupMemberEnded(task, 'TASK_FAILED');
      return;
    }
    task.container = record;
    task.phase = 'running';
    void this.options.containerizer.wait(task.containerId).then((termination) => this.#containerEnded(task, termination))
      .catch((err) => this.options.log(`Ending container ${task.containerId} failed: ${(err as Error).message}`));
    // #report queues the update before its first await, so RUNNING precedes a KILLING below.
    const running = this.#report(task, 'TASK_RUNNING', { source: 'SOURCE_EXECUTOR' });
    // The launch awaited: a kill may have arrived meanwhile (TypeScript cannot see that).
    const requested = task.killRequested as AgentTask['killRequested'];
    if (requested) {
      // Carry it out now that there is something to kill.
      task.killRequested = undefined;
      this.#kill(task, requested.graceMs);
    }
    await running;
  }

  /** Checks a CommandInfo and resolves its user; a string says why it cannot run. */
  #prepareCommand(command: v1.CommandInfo, frameworkInfo: v1.FrameworkInfo): PreparedCommand | string {
    const shell = command.shell ?? true;
    if (command.value === undefined || command.value === '') {
      return shell ? 'a shell command needs CommandInfo.value' : 'CommandInfo.value must name the program to run';
    }
    const user = command.user ?? frameworkInfo.user;
    const switchUser = this.options.switchUser && user !== undefined && user !== '';
    const owner = switchUser ? lookupUser(user) : undefined;
    if (switchUser && owner === undefined) return `Failed to get user information for '${user}': no such user`;
    return {
      command: { shell, value: command.value, arguments: command.arguments ?? [] },
      ...(switchUser ? { user } : {}),
      ...(owner ? { owner } : {}),
    };
  }

  /** Creates a sandbox (owned by the task's user), the `runs/latest` link, and fetches the URIs into it. */
  async #materialize(sandbox: string, owner: { uid: number; gid: number } | undefined, uris: readonly v1.CommandInfo.URI[], linkLatest: boolean): Promise<void> {
    try {
      this.#makeSandbox(sandbox, owner, linkLatest);
    } catch (err) {
      throw new MesosError('CONTAINER_LAUNCH_FAILED', `Failed to create the sandbox ${sandbox}: ${(err as Error).message}`);
    }
    if (uris.length > 0) await fetchUris(uris, sandbox, owner ? { user: owner } : {});
  }

  #makeSandbox(sandbox: string, owner: { uid: number; gid: number } | undefined, linkLatest: boolean): void {
    mkdirSync(sandbox, { recursive: true, mode: 0o755 });
    if (owner) chownSync(sandbox, owner.uid, owner.gid);
    if (linkLatest) {
      const latest = join(dirname(sandbox), 'latest');
      rmSync(latest, { force: true });
      symlinkSync(basename(sandbox), latest);
    }
  }

  /** A task of a group ended as `state`: anything but FINISHED kills the rest of its group. */
  #groupMemberEnded(task: AgentTask, state: v1.TaskState): void {
    if (task.group === undefined || state === 'TASK_FINISHED') return;
    const framework = this.frameworks.get(task.frameworkId);
    for (const other of framework?.tasks.values() ?? []) {
      if (other !== task && other.group === task.group && other.executorId === task.executorId && other.phase !== 'ended') {
        this.#kill(other, undefined);
      }
    }
  }

  /** The agent's environment, less its Node settings, which are no business of tasks. */
  #baseEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && !name.startsWith('NODE_') && !name.startsWith('npm_')) env[name] = value;
    }
    env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    return env;
  }

  /** A task's environment (Mesos's command executor's), or why it cannot have one. */
  #environment(task: AgentTask, command: v1.CommandInfo): Record<string, string> | string {
    const env = this.#baseEnvironment();
    Object.assign(env, {
      MESOS_SANDBOX: task.sandbox,
      MESOS_DIRECTORY: task.sandbox,
      MESOS_TASK_ID: task.info.task_id.value,
      MESOS_FRAMEWORK_ID: task.frameworkId,
      MESOS_EXECUTOR_ID: task.executorId,
      MESOS_AGENT_ENDPOINT: `${this.options.endpointIp}:${this.options.port}`,
      MESOS_SLAVE_ID: this.#agentId ?? '',
      MESOS_AGENT_ID: this.#agentId ?? '',
      MESOS_CONTAINER_ID: task.containerId,
      MESOS_CHECKPOINT: this.frameworks.get(task.frameworkId)?.info.checkpoint ? '1' : '0',
    });
    return addCommandEnvironment(env, command);
  }

  /**
   * KILL_CONTAINER from the operator API: `signal` to a top-level container, found by id among
   * running tasks' containers (command tasks, task group members) and custom executors'.
   * SIGKILL kills every process of the container, as Mesos destroys it; another signal goes to its
   * task's process group. The end is then reported as any other end of that container (a command
   * task killed by a signal ends TASK_FAILED, "Command terminated with signal ..."; a custom
   * executor's tasks end with it). A container still launching can only be stopped (SIGKILL):
   * its launch is cancelled as a kill during launch would be.
   * Returns `not-found` for an unknown or ended container, `launching` for another signal to one
   * that has not started yet.
   */
  killContainer(containerId: string, signal: NodeJS.Signals): 'killed' | 'not-found' | 'launching' {
    const { containerizer } = this.options;
    for (const task of this.tasks()) {
      if (task.containerId !== containerId || task.kind === 'custom' || task.phase === 'ended') continue;
      if (task.phase === 'launching') {
        if (signal !== 'SIGKILL') return 'launching';
        task.killRequested ??= { graceMs: 0 };
        return 'killed';
      }
      if (signal === 'SIGKILL') containerizer.killAll(containerId);
      else containerizer.signal(containerId, signal);
      return 'killed';
    }
    for (const framework of this.frameworks.values()) {
      for (const executor of framework.executors.values()) {
        if (executor.containerId !== containerId || executor.kind !== 'custom' || executor.phase === 'ended') continue;
        if (executor.phase === 'launching') {
          if (signal !== 'SIGKILL') return 'launching';
          // #launchExecutor kills an executor that was shut down while it launched.
          executor.shuttingDown = true;
          return 'killed';
        }
        if (signal === 'SIGKILL') containerizer.killAll(containerId);
        else containerizer.signal(containerId, signal);
        return 'killed';
      }
    }
    return 'not-found';
  }

  /** Starts killing a task: SIGTERM, then after the grace period SIGKILL to the whole container. */
  #kill(task: AgentTask, graceMs: number | undefined, killPolicy?: v1.KillPolicy): void {
    if (task.phase === 'ended') return;
    if (task.kind === 'custom') {
      this.#killExecutorTask(task, killPolicy);
      return;
    }
    if (task.phase === 'launching') {
      task.killRequested = { graceMs };
      return;
    }
    if (task.killing) {
      // A later kill may shorten the grace period (Mesos allows it), never lengthen it.
      if (graceMs === 0) this.options.containerizer.killAll(task.containerId);
      else if (task.killTimer === undefined) this.#escalate(task, graceMs ?? DEFAULT_KILL_GRACE_MS);
      return;
    }
    task.killing = true;
    const framework = this.frameworks.get(task.frameworkId);
    if (framework?.info.capabilities?.some((c) => c.type === 'TASK_KILLING_STATE') && !framework.shuttingDown) {
      void this.#report(task, 'TASK_KILLING', { source: 'SOURCE_EXECUTOR' });
    } else {
      void this.#checkpoint(task);
    }
    const grace = graceMs ?? nanosToMs(task.info.kill_policy?.grace_period) ?? DEFAULT_KILL_GRACE_MS;
    if (grace <= 0) {
      this.options.containerizer.killAll(task.containerId);
      return;
    }
    this.options.containerizer.signal(task.containerId, 'SIGTERM');
    this.#escalate(task, grace);
  }

  /** SIGKILL to the whole container once the grace period is over. */
  #escalate(task: AgentTask, graceMs: number): void {
    clearTimeout(task.killTimer);
    task.killTimer = setTimeout(() => this.options.containerizer.killAll(task.containerId), graceMs);
  }

  /**
   * A custom executor's task: the executor is asked (KILL) and reports the end itself; a task it
   * has not been given yet is dropped from its queue and reported killed here.
   */
  #killExecutorTask(task: AgentTask, killPolicy: v1.KillPolicy | undefined): void {
    const executor = this.frameworks.get(task.frameworkId)?.executors.get(task.executorId);
    const queued = executor?.queued.findIndex((t) => t.task_id.value === task.info.task_id.value) ?? -1;
    if (executor && queued >= 0) {
      executor.queued.splice(queued, 1);
      void this.#checkpointExecutor(executor);
      task.phase = 'ended';
      void this.#report(task, 'TASK_KILLED', { source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'The task was killed before its executor took it' });
      return;
    }
    task.killing = true;
    executor?.stream?.send({ type: 'KILL', kill: { task_id: task.info.task_id, ...(killPolicy ? { kill_policy: killPolicy } : {}) } });
  }

  /** The container of a running task ended: report how, and clean the container up. */
  async #containerEnded(task: AgentTask, termination: Termination): Promise<void> {
    if (this.#stopped || task.phase === 'ended') return;
    clearTimeout(task.killTimer);
    task.phase = 'ended';
    const framework = this.frameworks.get(task.frameworkId);
    let state: v1.TaskState;
    let report: Promise<void>;
    if (framework?.shuttingDown) {
      state = 'TASK_KILLED';
      // No update is made for it, but its executor (the command task itself) has ended.
      if (task.kind === 'command') this.#counters.executorsTerminated.inc();
      this.#forget(task);
      report = Promise.resolve();
    } else if (termination.oom) {
      state = 'TASK_FAILED';
      const mem = scalarOf(task.info.resources, 'mem');
      report = this.#report(task, state, {
        source: 'SOURCE_AGENT',
        reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
        message: `Memory limit exceeded: Requested: ${mem}MB`,
        limitation: { resources: (task.info.resources ?? []).filter((r) => r.name === 'mem') },
      });
    } else if (task.killing) {
      state = 'TASK_KILLED';
      report = this.#report(task, state, { source: 'SOURCE_EXECUTOR', message: termination.message });
    } else if (termination.unknown) {
      state = 'TASK_FAILED';
      report = this.#report(task, state, { source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: termination.message });
    } else {
      state = termination.exitCode === 0 ? 'TASK_FINISHED' : 'TASK_FAILED';
      report = this.#report(task, state, { source: 'SOURCE_EXECUTOR', message: termination.message });
    }
    this.#groupMemberEnded(task, state);
    // The launcher's report goes only once the update that carries it is checkpointed: a crash
    // in between finds the report again on recovery.
    await report;
    this.options.containerizer.destroy(task.containerId);
  }

  /**
   * Makes a status update: the task's new state, checkpointed (when its framework checkpoints)
   * before it is handed to the status update manager, which sends it when it is the head.
   */
  async #report(
    task: AgentTask,
    state: v1.TaskState,
    details: {
      source: v1.TaskStatus.Source;
      reason?: v1.TaskStatus.Reason;
      message?: string;
      limitation?: v1.TaskResourceLimitation;
      /** An executor's own uuid, data, labels and health (custom executors). */
      uuid?: string;
      data?: string;
      labels?: v1.Labels;
      healthy?: boolean;
    },
  ): Promise<void> {
    const reason = state === 'TASK_KILLED' && task.killReason !== undefined ? task.killReason : details.reason;
    const status: v1.TaskStatus = {
      task_id: task.info.task_id,
      state,
      source: details.source,
      ...(reason === undefined ? {} : { reason }),
      ...(details.message === undefined ? {} : { message: details.message }),
      ...(this.#agentId === undefined ? {} : { agent_id: { value: this.#agentId } }),
      executor_id: { value: task.executorId },
      timestamp: Date.now() / 1000,
      uuid: details.uuid ?? newUuid(),
      ...(details.data === undefined ? {} : { data: details.data }),
      ...(details.labels === undefined ? {} : { labels: details.labels }),
      ...(details.healthy === undefined ? {} : { healthy: details.healthy }),
      container_status: {
        container_id: { value: task.containerId },
        ...(task.container ? { executor_pid: task.container.taskPid } : {}),
      },
      ...(details.limitation === undefined ? {} : { limitation: details.limitation }),
    };
    const framework = this.frameworks.get(task.frameworkId);
    // A command task is its own executor: its executor ends with it.
    if (isTerminal(state) && task.kind === 'command') this.#counters.executorsTerminated.inc();
    if (!framework || framework.shuttingDown || framework.tasks.get(task.info.task_id.value) !== task) {
      // Mesos drops the updates of a framework being shut down: nobody would acknowledge them.
      this.#counters.invalidStatusUpdates.inc();
      if (isTerminal(state) && framework?.tasks.get(task.info.task_id.value) === task) this.#forget(task);
      return;
    }
    this.#counters.validStatusUpdates.inc();
    this.#counters.terminal[state]?.inc();
    this.options.log(`Status update ${state}${details.reason ? ` (${details.reason})` : ''} for task ${task.info.task_id.value} of framework ${task.frameworkId}`);
    task.state = state;
    task.statuses.push(status);
    if (task.statuses.length > MAX_STATUSES) task.statuses.splice(0, task.statuses.length - MAX_STATUSES);
    // The update joins its stream at once (so every later checkpoint has it) but is not sent
    // before the checkpoint that records it is written.
    const checkpointing = framework.info.checkpoint === true;
    this.updates.update(task.frameworkId, status, !checkpointing);
    if (checkpointing) {
      await this.#checkpoint(task);
      this.updates.durable(task.frameworkId, task.info.task_id.value, status.uuid!);
    }
  }

  #acknowledge(ack: link.Event.Acknowledge): void {
    const frameworkId = ack.framework_id.value;
    const taskId = ack.task_id.value;
    const task = this.frameworks.get(frameworkId)?.tasks.get(taskId);
    const acknowledged = this.updates.acknowledge(frameworkId, taskId, ack.uuid);
    if (!task || !acknowledged) return;
    if (task.kind === 'custom') {
      const executor = this.frameworks.get(frameworkId)?.executors.get(task.executorId);
      executor?.stream?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: task.info.task_id, uuid: ack.uuid } });
    }
    if (isTerminal(acknowledged.state) && !this.updates.hasPending(frameworkId, taskId)) {
      this.#forget(task);
    } else {
      void this.#checkpoint(task);
    }
  }

  /** The task is done for good: off the books and out of the checkpoints. */
  #forget(task: AgentTask): void {
    const framework = this.frameworks.get(task.frameworkId);
    const taskId = task.info.task_id.value;
    this.updates.remove(task.frameworkId, taskId);
    if (framework) {
      framework.tasks.delete(taskId);
      framework.completed.push(task);
      if (framework.completed.length > MAX_COMPLETED_TASKS) framework.completed.shift();
    }
    const checkpoint = framework?.info.checkpoint === true;
    if (checkpoint) this.#write(() => this.options.store.delete(`task/${task.frameworkId}/${taskId}`));
    const executor = framework?.executors.get(task.executorId);
    if (framework && executor) {
      executor.taskIds.delete(taskId);
      if (executor.kind === 'custom') this.#resizeExecutor(framework, executor);
      this.#maybeForgetExecutor(framework, executor);
    }
    if (framework && framework.tasks.size === 0 && framework.shuttingDown) this.#removeFramework(framework);
  }

  #shutdownFramework(frameworkId: string): void {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) return;
    framework.shuttingDown = true;
    for (const executor of framework.executors.values()) if (executor.kind === 'custom') this.#shutdownExecutor(executor);
    for (const task of [...framework.tasks.values()]) {
      this.updates.remove(frameworkId, task.info.task_id.value);
      if (task.phase === 'ended') this.#forget(task);
      else if (task.kind !== 'custom') this.#kill(task, this.options.executorShutdownGracePeriodMs);
    }
    if (framework.tasks.size === 0) this.#removeFramework(framework);
  }

  /** A framework leaves the books and the checkpoints (its executors' records too). */
  #removeFramework(framework: AgentFramework): void {
    const frameworkId = framework.info.id!.value;
    if (this.frameworks.get(frameworkId) !== framework) return;
    this.frameworks.delete(frameworkId);
    this.completedFrameworks.push(framework);
    if (this.completedFrameworks.length > 50) this.completedFrameworks.shift();
    if (framework.info.checkpoint) {
      const store = this.options.store;
      this.#write(async () => {
        const keys: string[] = [`framework/${frameworkId}`];
        for await (const [key] of store.scan(`executor/${frameworkId}/`)) keys.push(key);
        for await (const [key] of store.scan(`task/${frameworkId}/`)) keys.push(key);
        await store.batch(keys.map((key) => ({ type: 'del', key })));
      });
    }
  }

  async #shutdown(message: string): Promise<void> {
    this.options.log(`The master asked this agent to shut down: ${message}`);
    // Tasks still launching must not start: they see the kill before their container would.
    for (const task of this.tasks()) if (task.phase === 'launching') task.killRequested = { graceMs: 0 };
    for (const task of this.tasks()) if (task.phase === 'running') this.options.containerizer.killAll(task.containerId);
    for (const task of this.tasks()) this.options.containerizer.destroy(task.containerId);
    for (const framework of this.frameworks.values()) {
      for (const executor of framework.executors.values()) {
        executor.stream?.close();
        this.options.containerizer.killAll(executor.containerId);
        this.options.containerizer.destroy(executor.containerId);
      }
    }
    const keys: string[] = [];
    for await (const [key] of this.options.store.scan('')) keys.push(key);
    await this.#writeNow(() => this.options.store.batch(keys.map((key) => ({ type: 'del', key }))));
    this.frameworks.clear();
    this.#agentId = undefined;
    await this.stop();
    this.options.onShutdown?.(message);
  }

  // -------------------------------------------------------------------------------------------
  // Executors of their own (TaskInfo.executor): the v1 executor API.

  #newExecutor(framework: AgentFramework, info: v1.ExecutorInfo, kind: ExecutorKind, containerId: string, sandbox: string): AgentExecutor {
    const executor: AgentExecutor = {
      frameworkId: framework.info.id!.value, id: info.executor_id.value, info, kind, containerId, sandbox,
      container: undefined, phase: 'launching', taskIds: new Set(), stream: undefined, queued: [],
      timer: undefined, shuttingDown: false, registrationTimedOut: false,
    };
    framework.executors.set(executor.id, executor);
    return executor;
  }

  /**
   * A task for an executor of the framework's own: the executor is launched (in its own container,
   * with Mesos's executor environment) if it is not running, and gets the task as a LAUNCH event
   * once it has subscribed. An executor that does not subscribe within the registration timeout
   * is destroyed.
   */
  async #runWithExecutor(framework: AgentFramework, info: v1.ExecutorInfo, taskInfo: v1.TaskInfo): Promise<void> {
    const frameworkId = framework.info.id!.value;
    const executorId = info.executor_id.value;
    let executor = framework.executors.get(executorId);
    if (executor && (executor.kind !== 'custom' || executor.phase === 'ended' || executor.shuttingDown)) {
      const task = this.#newTask(framework, taskInfo, { executorId, containerId: executor.containerId, sandbox: executor.sandbox, kind: 'custom' });
      task.phase = 'ended';
      void this.#report(task, 'TASK_FAILED', {
        source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: `Executor ${executorId} is ${executor.kind !== 'custom' ? 'not a custom executor' : 'terminating'}`,
      });
      return;
    }
    const launching = executor === undefined;
    if (!executor) {
      const containerId = randomUUID();
      executor = this.#newExecutor(framework, info, 'custom', containerId, this.#sandboxOf(frameworkId, executorId, containerId));
    }
    const task = this.#newTask(framework, taskInfo, { executorId, containerId: executor.containerId, sandbox: executor.sandbox, kind: 'custom' });
    executor.taskIds.add(taskInfo.task_id.value);
    void this.#checkpoint(task);
    if (executor.stream) {
      this.#deliver(framework, executor, task);
    } else {
      executor.queued.push(taskInfo);
      void this.#checkpointExecutor(executor);
    }
    if (launching) await this.#launchExecutor(framework, executor);
  }

  /**
   * Hands a task to its subscribed executor (LAUNCH), first raising the executor container's
   * limits to cover it: the container holds the executor and all its tasks.
   */
  #deliver(framework: AgentFramework, executor: AgentExecutor, task: AgentTask): void {
    if (task.phase === 'launching') task.phase = 'running';
    this.#resizeExecutor(framework, executor);
    executor.stream?.send({ type: 'LAUNCH', launch: { task: task.info } });
  }

  /** The executor container's limits: the executor's resources plus its live tasks'. */
  #resizeExecutor(framework: AgentFramework, executor: AgentExecutor): void {
    if (executor.phase !== 'running') return;
    const resources = [
      ...(executor.info?.resources ?? []),
      ...[...executor.taskIds].flatMap((id) => {
        const task = framework.tasks.get(id);
        return task && task.phase !== 'ended' ? task.info.resources ?? [] : [];
      }),
    ];
    try {
      this.options.containerizer.update(executor.containerId, limitsOf(resources));
    } catch (err) {
      this.options.log(`Failed to update the limits of executor ${executor.id}: ${(err as Error).message}`);
    }
  }

  async #launchExecutor(framework: AgentFramework, executor: AgentExecutor): Promise<void> {
    const info = executor.info!;
    const failAll = (message: string): void => {
      executor.phase = 'ended';
      this.#counters.executorsTerminated.inc();
      this.options.containerizer.destroy(executor.containerId);
      for (const taskId of executor.taskIds) {
        const task = framework.tasks.get(taskId);
        if (!task || task.phase === 'ended') continue;
        task.phase = 'ended';
        void this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message });
      }
      executor.queued.length = 0;
    };
    if (info.command === undefined) return failAll('Failed to launch container: the executor has no command');
    const prepared = this.#prepareCommand(info.command, framework.info);
    if (typeof prepared === 'string') return failAll(`Failed to launch container: ${prepared}`);
    const environment = this.#executorEnvironment(framework, executor, info.command);
    if (typeof environment === 'string') return failAll(`Failed to launch container: ${environment}`);
    try {
      await this.#materialize(executor.sandbox, prepared.owner, info.command.uris ?? [], true);
      // The executor's container holds the executor and its tasks: it gets both's resources.
      const resources = [...(info.resources ?? []), ...executor.queued.flatMap((t) => t.resources ?? [])];
      executor.container = await this.options.containerizer.launch({
        containerId: executor.containerId,
        sandbox: executor.sandbox,
        command: prepared.command,
        environment,
        ...(prepared.user === undefined ? {} : { user: prepared.user }),
        ...limitsOf(resources),
      });
    } catch (err) {
      this.#counters.containerLaunchErrors.inc();
      return failAll(`Failed to launch container: ${(err as Error).message}`);
    }
    executor.phase = 'running';
    void this.options.containerizer.wait(executor.containerId).then((termination) => this.#executorEnded(executor, termination))
      .catch((err) => this.options.log(`Ending executor ${executor.id} failed: ${(err as Error).message}`));
    if (executor.shuttingDown) {
      // SHUTDOWN arrived while the executor was being fetched or launched: it never gets to run.
      this.options.containerizer.killAll(executor.containerId);
      return;
    }
    this.#armRegistrationTimer(executor);
    await this.#checkpointExecutor(executor);
  }

  #armRegistrationTimer(executor: AgentExecutor): void {
    clearTimeout(executor.timer);
    executor.timer = setTimeout(() => {
      if (executor.stream || executor.phase === 'ended') return;
      this.options.log(`Executor ${executor.id} of framework ${executor.frameworkId} did not subscribe within ${this.options.executorRegistrationTimeoutMs} ms; destroying it`);
      executor.registrationTimedOut = true;
      this.options.containerizer.killAll(executor.containerId);
    }, this.options.executorRegistrationTimeoutMs);
    executor.timer.unref();
  }

  /** The executor's environment (mesos-api.md section 2), or why it cannot have one. */
  #executorEnvironment(framework: AgentFramework, executor: AgentExecutor, command: v1.CommandInfo): Record<string, string> | string {
    const env = this.#baseEnvironment();
    const checkpoint = framework.info.checkpoint === true;
    Object.assign(env, {
      MESOS_FRAMEWORK_ID: executor.frameworkId,
      MESOS_EXECUTOR_ID: executor.id,
      MESOS_DIRECTORY: executor.sandbox,
      MESOS_SANDBOX: executor.sandbox,
      MESOS_AGENT_ENDPOINT: `${this.options.endpointIp}:${this.options.port}`,
      MESOS_SLAVE_ID: this.#agentId ?? '',
      MESOS_AGENT_ID: this.#agentId ?? '',
      MESOS_CONTAINER_ID: executor.containerId,
      MESOS_CHECKPOINT: checkpoint ? '1' : '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: `${this.#shutdownGraceMs(executor) / 1000}secs`,
      ...(checkpoint ? { MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs' } : {}),
    });
    return addCommandEnvironment(env, command);
  }

  #shutdownGraceMs(executor: AgentExecutor): number {
    return nanosToMs(executor.info?.shutdown_grace_period) ?? this.options.executorShutdownGracePeriodMs;
  }

  /** The executor for an executor API call, or the error Mesos answers with. */
  executorFor(frameworkId: string, executorId: string): AgentExecutor {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) throw new MesosError('BAD_REQUEST', `Framework '${frameworkId}' not found`);
    const executor = framework.executors.get(executorId);
    if (!executor || executor.kind !== 'custom') throw new MesosError('BAD_REQUEST', `Executor '${executorId}' of framework '${frameworkId}' not found`);
    if (executor.phase === 'ended') throw new MesosError('BAD_REQUEST', `Executor '${executorId}' of framework '${frameworkId}' is terminating`);
    return executor;
  }

  /**
   * SUBSCRIBE: the stream replaces any older one; SUBSCRIBED, then LAUNCH for every queued task.
   * A resubscribing executor (after an agent restart) resends the updates it has not seen
   * acknowledged; they go through the status update manager, which drops those it already has.
   */
  executorSubscribe(executor: AgentExecutor, subscribe: executor.Call.Subscribe, stream: RecordIOStream<'mesos.v1.executor.Event'>): void {
    const framework = this.frameworks.get(executor.frameworkId)!;
    executor.stream?.close();
    executor.stream = stream;
    if (!executor.shuttingDown) {
      // A shutting-down executor keeps its escalation timer: it must exit within the grace period.
      clearTimeout(executor.timer);
      executor.timer = undefined;
    }
    stream.onClose(() => {
      if (executor.stream !== stream) return;
      executor.stream = undefined;
      // An executor that never comes back is destroyed, as one that never subscribed.
      if (executor.phase === 'running' && !executor.shuttingDown) this.#armRegistrationTimer(executor);
    });
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: executor.info!,
        framework_info: framework.info,
        agent_info: this.agentInfo(),
        container_id: { value: executor.containerId },
      },
    });
    for (const update of subscribe.unacknowledged_updates ?? []) {
      try {
        this.executorUpdate(executor, update.status);
      } catch (err) {
        this.options.log(`Dropping a resent update of executor ${executor.id}: ${(err as Error).message}`);
      }
    }
    if (executor.shuttingDown) {
      stream.send({ type: 'SHUTDOWN' });
      return;
    }
    const queued = executor.queued.splice(0);
    if (queued.length > 0) void this.#checkpointExecutor(executor);
    for (const info of queued) {
      const task = framework.tasks.get(info.task_id.value);
      if (task && task.phase !== 'ended') this.#deliver(framework, executor, task);
    }
    // Kills that could not be delivered while the executor was away.
    for (const taskId of executor.taskIds) {
      const task = framework.tasks.get(taskId);
      if (task?.killing && task.phase !== 'ended') stream.send({ type: 'KILL', kill: { task_id: task.info.task_id } });
    }
  }

  /** UPDATE from an executor: checked as Mesos checks it, then made a status update. */
  executorUpdate(executor: AgentExecutor, status: v1.TaskStatus): void {
    if (status.uuid === undefined) throw new MesosError('BAD_REQUEST', 'Expecting \'uuid\' to be present');
    if (status.state === 'TASK_STAGING') throw new MesosError('BAD_REQUEST', 'Received TASK_STAGING from executor');
    const task = this.frameworks.get(executor.frameworkId)?.tasks.get(status.task_id.value);
    if (!task || task.executorId !== executor.id) {
      this.#counters.invalidStatusUpdates.inc();
      throw new MesosError('BAD_REQUEST', `Task '${status.task_id.value}' of executor '${executor.id}' is unknown`);
    }
    if (task.phase === 'ended' && isTerminal(task.state)) return;
    if (isTerminal(status.state)) {
      task.phase = 'ended';
      clearTimeout(task.killTimer);
    }
    void this.#report(task, status.state, {
      source: 'SOURCE_EXECUTOR',
      ...(status.reason === undefined ? {} : { reason: status.reason }),
      ...(status.message === undefined ? {} : { message: status.message }),
      uuid: status.uuid,
      ...(status.data === undefined ? {} : { data: status.data }),
      ...(status.labels === undefined ? {} : { labels: status.labels }),
      ...(status.healthy === undefined ? {} : { healthy: status.healthy }),
    });
  }

  /** MESSAGE from an executor, relayed to its scheduler through the master. */
  executorMessage(executor: AgentExecutor, data: string): void {
    this.#link?.send({
      type: 'EXECUTOR_MESSAGE',
      executor_message: { framework_id: { value: executor.frameworkId }, executor_id: { value: executor.id }, data },
    });
  }

  /** The custom executor's container ended: its unfinished tasks are lost with it, as in Mesos. */
  #executorEnded(executor: AgentExecutor, termination: Termination): void {
    if (this.#stopped || executor.phase === 'ended') return;
    executor.phase = 'ended';
    this.#counters.executorsTerminated.inc();
    clearTimeout(executor.timer);
    executor.stream?.close();
    executor.stream = undefined;
    this.options.containerizer.destroy(executor.containerId);
    const framework = this.frameworks.get(executor.frameworkId);
    if (!framework) {
      // The framework left the books first (its checkpoints went with it).
      return;
    }
    this.#link?.send({
      type: 'EXECUTOR_EXITED',
      executor_exited: {
        framework_id: { value: executor.frameworkId },
        executor_id: { value: executor.id },
        ...(termination.status === undefined ? {} : { status: termination.status }),
      },
    });
    const partitionAware = framework.info.capabilities?.some((c) => c.type === 'PARTITION_AWARE') === true;
    for (const taskId of executor.taskIds) {
      const task = framework.tasks.get(taskId);
      if (!task || task.phase === 'ended' || isTerminal(task.state)) continue;
      task.phase = 'ended';
      clearTimeout(task.killTimer);
      if (framework.shuttingDown) {
        this.#forget(task);
      } else if (termination.oom) {
        void this.#report(task, 'TASK_FAILED', {
          source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'Memory limit exceeded',
          limitation: { resources: (task.info.resources ?? []).filter((r) => r.name === 'mem') },
        });
      } else {
        void this.#report(task, task.killing ? 'TASK_KILLED' : partitionAware ? 'TASK_GONE' : 'TASK_LOST', {
          source: 'SOURCE_AGENT',
          reason: executor.registrationTimedOut ? 'REASON_EXECUTOR_REGISTRATION_TIMEOUT' : 'REASON_EXECUTOR_TERMINATED',
          message: `Executor terminated: ${termination.message}`,
        });
      }
    }
    void this.#checkpointExecutor(executor);
    this.#maybeForgetExecutor(framework, executor);
  }

  /** An ended executor leaves the books once none of its tasks is left. */
  #maybeForgetExecutor(framework: AgentFramework, executor: AgentExecutor): void {
    if (executor.phase !== 'ended' && executor.kind === 'custom') return;
    for (const taskId of executor.taskIds) if (framework.tasks.has(taskId)) return;
    framework.executors.delete(executor.id);
    // A default executor has no process of its own: it ends when its last task leaves.
    if (executor.kind === 'default') this.#counters.executorsTerminated.inc();
    if (framework.info.checkpoint && executor.kind === 'custom') {
      this.#write(() => this.options.store.delete(`executor/${executor.frameworkId}/${executor.id}`));
    }
  }

  /** SHUTDOWN to a custom executor; its container is destroyed after the grace period. */
  #shutdownExecutor(executor: AgentExecutor): void {
    if (executor.phase === 'ended' || executor.shuttingDown) return;
    executor.shuttingDown = true;
    executor.stream?.send({ type: 'SHUTDOWN' });
    clearTimeout(executor.timer);
    executor.timer = setTimeout(() => this.options.containerizer.killAll(executor.containerId), executor.stream ? this.#shutdownGraceMs(executor) : 0);
    executor.timer.unref();
  }

  /** Writes a custom executor's record, built when the write runs; not once its framework is gone. */
  #checkpointExecutor(executor: AgentExecutor): Promise<void> {
    const framework = this.frameworks.get(executor.frameworkId);
    if (executor.kind !== 'custom' || !framework?.info.checkpoint) return Promise.resolve();
    return this.#writeNow(async () => {
      if (this.frameworks.get(executor.frameworkId) !== framework || framework.executors.get(executor.id) !== executor) return;
      const record: ExecutorCheckpoint = {
        frameworkId: executor.frameworkId, info: executor.info!, containerId: executor.containerId, sandbox: executor.sandbox,
        phase: executor.phase, ...(executor.container ? { container: executor.container } : {}), queued: [...executor.queued],
      };
      await putJson(this.options.store, `executor/${executor.frameworkId}/${executor.id}`, record);
    });
  }

  /** The agent's AgentInfo, as it registers with it (GET_AGENT, executors' SUBSCRIBED). */
  agentInfo(): v1.AgentInfo {
    return {
      hostname: this.options.hostname,
      port: this.options.port,
      resources: this.options.resources.toArray(),
      ...(this.options.attributes.length > 0 ? { attributes: [...this.options.attributes] } : {}),
      ...(this.#agentId === undefined ? {} : { id: { value: this.#agentId } }),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Checkpoints.

  /**
   * Writes the task's record, built when the write runs (writes are chained), so that it holds
   * every update made before it. A task forgotten meanwhile is not written back.
   */
  #checkpoint(task: AgentTask): Promise<void> {
    const framework = this.frameworks.get(task.frameworkId);
    if (!framework?.info.checkpoint) return Promise.resolve();
    const taskId = task.info.task_id.value;
    return this.#writeNow(async () => {
      if (framework.tasks.get(taskId) !== task) return;
      const stream: StreamState | undefined = this.updates.state(task.frameworkId, taskId);
      const record: TaskCheckpoint = {
        frameworkId: task.frameworkId,
        info: task.info,
        executorId: task.executorId,
        containerId: task.containerId,
        sandbox: task.sandbox,
        kind: task.kind,
        ...(task.group === undefined ? {} : { group: task.group }),
        state: task.state,
        phase: task.phase,
        ...(task.container ? { container: task.container } : {}),
        killing: task.killing,
        pending: [...(stream?.pending ?? [])],
        ...(stream?.latestState === undefined ? {} : { latestState: stream.latestState }),
      };
      await putJson(this.options.store, `task/${task.frameworkId}/${taskId}`, record);
    });
  }

  /** Queues a store write; failures are logged (the state in memory stays authoritative). */
  #write(op: () => Promise<void>): void {
    void this.#writeNow(op);
  }

  #writeNow(op: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(op).catch((err) => this.options.log(`Checkpoint write failed: ${(err as Error).message}`));
    this.#writes = next;
    return next;
  }
}


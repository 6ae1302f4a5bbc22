// The agent: the tasks and frameworks it runs, how each task's life becomes Mesos status updates,
// and what it checkpoints so that a restart neither kills nor forgets a task.
//
// A task here is a command task (TaskInfo.command), run as Mesos runs it: its executor id is the
// task id, its container a fresh UUID, its sandbox
// `<work_dir>/slaves/<agent>/frameworks/<framework>/executors/<task>/runs/<container>/`.
// Its updates: TASK_STARTING when the agent takes it, TASK_RUNNING once the command has exec'd,
// then one terminal update: FINISHED (exit 0), FAILED (non-zero exit or a signal, said in the
// message; REASON_CONTAINER_LIMITATION_MEMORY on OOM; REASON_CONTAINER_LAUNCH_FAILED when it
// never ran), KILLED (a kill, after the KillPolicy grace period).
//
// Checkpoints (for frameworks with `checkpoint: true`, as Mesos): the framework's info, and per
// task one record with the task, its container and its unacknowledged updates, written (synced)
// before the update it records is sent. Keys: `agent/info`, `framework/<fw>`, `task/<fw>/<task>`,
// `resources/checkpointed`.

import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Resources } from '../api/resources.ts';
import { MesosError } from '../common/errors.ts';
import { getJson, putJson, type Store } from '../store/index.ts';
import type * as link from '../types/link.ts';
import type * as v1 from '../types/mesos.ts';
import type { ContainerRecord, Containerizer, Termination } from './containerizer.ts';
import { fetchUris } from './fetcher.ts';
import { MasterLink } from './master-link.ts';
import { StatusUpdateManager, type StreamState } from './status-updates.ts';

export const AGENT_VERSION = '1.11.0';

/** The KillPolicy grace period when neither the kill nor the task gives one (Mesos's command executor). */
export const DEFAULT_KILL_GRACE_MS = 3_000;
/** Completed tasks kept per framework for /state (Mesos's --max_completed_tasks_per_framework default). */
const MAX_COMPLETED_TASKS = 1000;

const TERMINAL: ReadonlySet<v1.TaskState> = new Set([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_LOST',
]);

export function isTerminal(state: v1.TaskState): boolean {
  return TERMINAL.has(state);
}

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
}

type Phase = 'launching' | 'running' | 'ended';

export interface AgentTask {
  readonly frameworkId: string;
  readonly info: v1.TaskInfo;
  readonly executorId: string;
  readonly containerId: string;
  readonly sandbox: string;
  state: v1.TaskState;
  phase: Phase;
  container: ContainerRecord | undefined;
  /** A kill is under way (or was asked for during the launch). */
  killing: boolean;
  killTimer: NodeJS.Timeout | undefined;
  /** Statuses sent, oldest first (for /state). */
  readonly statuses: v1.TaskStatus[];
}

export interface AgentFramework {
  info: v1.FrameworkInfo;
  readonly tasks: Map<string, AgentTask>;
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

function nanosToMs(duration: v1.DurationInfo | undefined): number | undefined {
  if (duration === undefined) return undefined;
  return Math.max(0, Number(duration.nanoseconds) / 1e6);
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

  constructor(options: AgentOptions) {
    this.options = options;
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
      log(`${message}; skipping it (--no-strict)`);
    };
    const info = await getJson<AgentInfoCheckpoint>(store, 'agent/info').catch((err) => corrupt('agent/info', err));
    const checkpointed = await getJson<v1.Resource[]>(store, 'resources/checkpointed').catch((err) => corrupt('resources/checkpointed', err));
    if (Array.isArray(checkpointed)) this.#checkpointedResources = checkpointed;
    const tasks: [string, TaskCheckpoint][] = [];
    for await (const [key, value] of store.scan('')) {
      try {
        const json = JSON.parse(Buffer.from(value).toString('utf8')) as unknown;
        if (key.startsWith('framework/')) {
          const frameworkInfo = json as v1.FrameworkInfo;
          if (!frameworkInfo.id?.value) throw new Error('no framework id');
          this.frameworks.set(frameworkInfo.id.value, { info: frameworkInfo, tasks: new Map(), completed: [], shuttingDown: false });
        } else if (key.startsWith('task/')) {
          const task = json as TaskCheckpoint;
          if (typeof task.frameworkId !== 'string' || typeof task.containerId !== 'string' || !task.info?.task_id) throw new Error('incomplete task record');
          tasks.push([key, task]);
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
      for (const [, task] of tasks) if (task.container) containerizer.killAll(task.containerId);
      for (const [, task] of tasks) containerizer.destroy(task.containerId);
      containerizer.cleanupOrphans(new Set());
      await store.batch([...tasks.map(([key]) => ({ type: 'del' as const, key })), ...[...this.frameworks.keys()].map((id) => ({ type: 'del' as const, key: `framework/${id}` }))]);
      this.frameworks.clear();
      log(`--recover=cleanup: killed ${tasks.length} checkpointed task(s) and removed their state`);
      return;
    }

    const known = new Set<string>();
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
        state: record.state,
        phase: record.phase,
        container: record.container,
        killing: record.killing,
        killTimer: undefined,
        statuses: [...record.pending],
      };
      framework.tasks.set(task.info.task_id.value, task);
      this.updates.recover({ frameworkId: record.frameworkId, taskId: task.info.task_id.value, pending: record.pending, latestState: record.latestState });
      if (task.phase === 'running' && task.container) {
        const container = task.container;
        void containerizer.recover(container).then((termination) => this.#containerEnded(task, termination));
      } else if (task.phase === 'launching') {
        // The agent died between taking the task and its command starting: Mesos reports such
        // tasks failed, since nothing can say how far the launch got.
        containerizer.destroy(task.containerId);
        task.phase = 'ended';
        this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_AGENT_RESTARTED', message: 'The agent restarted while the task was launching' });
      }
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
    };
    if (agentId !== undefined) {
      register.frameworks = [...this.frameworks.values()].filter((f) => !f.shuttingDown && f.tasks.size > 0).map((f) => f.info);
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
    if (this.#agentId !== undefined && this.#agentId !== agentId) {
      this.options.log(`The master assigned a new id ${agentId} (was ${this.#agentId})`);
    }
    this.#agentId = agentId;
    this.#masterInfo = registered.master_info;
    this.options.log(`${first ? 'Registered' : 'Reregistered'} with the master as agent ${agentId}`);
    this.#write(() => putJson(this.options.store, 'agent/info', { agent_id: agentId, boot_id: bootId() } satisfies AgentInfoCheckpoint));
    this.updates.resendAll();
  }

  #onEvent(event: link.Event): void {
    switch (event.type) {
      case 'RUN_TASK':
        void this.#runTask(event.run_task!).catch((err) => this.options.log(`RUN_TASK failed: ${(err as Error).stack ?? err}`));
        return;
      case 'RUN_TASK_GROUP':
        this.#refuseTaskGroup(event.run_task_group!);
        return;
      case 'KILL_TASK': {
        const kill = event.kill_task!;
        const task = this.frameworks.get(kill.framework_id.value)?.tasks.get(kill.task_id.value);
        if (!task) {
          this.options.log(`Ignoring KILL_TASK for unknown task ${kill.task_id.value} of framework ${kill.framework_id.value}`);
          return;
        }
        this.#kill(task, nanosToMs(kill.kill_policy?.grace_period));
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
        for (const task of framework?.tasks.values() ?? []) {
          if (task.executorId === executor_id.value) this.#kill(task, this.options.executorShutdownGracePeriodMs);
        }
        return;
      }
      case 'FRAMEWORK_MESSAGE': {
        const message = event.framework_message!;
        this.options.log(`Dropping a message for executor ${message.executor_id.value}: command executors take no messages`);
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
        void this.#shutdown(event.shutdown?.message ?? 'The master asked the agent to shut down');
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

  async #runTask(run: link.Event.RunTask): Promise<void> {
    const frameworkInfo = run.framework_info;
    const frameworkId = frameworkInfo.id?.value;
    if (frameworkId === undefined || this.#agentId === undefined) return;
    const info = run.task;
    const taskId = info.task_id.value;
    let framework = this.frameworks.get(frameworkId);
    if (framework?.shuttingDown) {
      this.options.log(`Ignoring task ${taskId}: framework ${frameworkId} is shutting down`);
      return;
    }
    if (!framework) {
      framework = { info: frameworkInfo, tasks: new Map(), completed: [], shuttingDown: false };
      this.frameworks.set(frameworkId, framework);
    } else {
      framework.info = frameworkInfo;
    }
    if (framework.tasks.has(taskId)) {
      this.options.log(`Ignoring a second RUN_TASK for task ${taskId} of framework ${frameworkId}`);
      return;
    }
    const containerId = randomUUID();
    // Command tasks: the executor id is the task id, as Mesos's command executor has it.
    const executorId = info.executor?.executor_id.value ?? taskId;
    const sandbox = join(
      this.options.workDir, 'slaves', this.#agentId, 'frameworks', frameworkId, 'executors', executorId, 'runs', containerId,
    );
    const task: AgentTask = {
      frameworkId, info, executorId, containerId, sandbox,
      state: 'TASK_STAGING', phase: 'launching', container: undefined, killing: false, killTimer: undefined, statuses: [],
    };
    framework.tasks.set(taskId, task);
    if (frameworkInfo.checkpoint) await this.#writeNow(() => putJson(this.options.store, `framework/${frameworkId}`, frameworkInfo));

    const fail = (message: string, reason: v1.TaskStatus.Reason = 'REASON_CONTAINER_LAUNCH_FAILED'): void => {
      this.options.containerizer.destroy(containerId);
      task.phase = 'ended';
      this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason, message });
    };
    if (info.executor !== undefined || info.command === undefined) {
      fail(info.command === undefined && info.executor === undefined
        ? 'Task has neither a command nor an executor'
        : 'This agent runs command tasks only; tasks with their own executor (TaskInfo.executor) are not supported yet');
      return;
    }
    const command = info.command;
    const shell = command.shell ?? true;
    if (command.value === undefined || command.value === '') {
      fail(shell ? 'Failed to launch container: a shell command needs CommandInfo.value' : 'Failed to launch container: CommandInfo.value must name the program to run');
      return;
    }
    const user = command.user ?? frameworkInfo.user;
    const switchUser = this.options.switchUser && user !== undefined && user !== '';
    const owner = switchUser ? lookupUser(user) : undefined;
    if (switchUser && owner === undefined) {
      fail(`Failed to launch container: Failed to get user information for '${user}': no such user`);
      return;
    }
    const environment = this.#environment(task, command);
    if (typeof environment === 'string') {
      fail(`Failed to launch container: ${environment}`);
      return;
    }

    await this.#report(task, 'TASK_STARTING', { source: 'SOURCE_EXECUTOR' });
    try {
      mkdirSync(sandbox, { recursive: true, mode: 0o755 });
      if (owner) chownSync(sandbox, owner.uid, owner.gid);
      const latest = join(dirname(sandbox), 'latest');
      rmSync(latest, { force: true });
      symlinkSync(containerId, latest);
    } catch (err) {
      fail(`Failed to launch container: Failed to create the sandbox ${sandbox}: ${(err as Error).message}`);
      return;
    }
    if ((command.uris ?? []).length > 0) {
      try {
        await fetchUris(command.uris ?? [], sandbox, owner ? { user: owner } : {});
      } catch (err) {
        fail(`Failed to launch container: ${(err as Error).message}`);
        return;
      }
    }
    if (task.killing) {
      this.options.containerizer.destroy(containerId);
      task.phase = 'ended';
      this.#report(task, 'TASK_KILLED', { source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'The task was killed while it was launching' });
      return;
    }
    let record: ContainerRecord;
    try {
      record = await this.options.containerizer.launch({
        containerId,
        sandbox,
        command: { shell, value: command.value, arguments: command.arguments ?? [] },
        environment,
        ...(switchUser ? { user } : {}),
        cpus: scalarOf(info.resources, 'cpus'),
        ...(scalarOf(info.resources, 'mem') > 0 ? { memoryBytes: Math.round(scalarOf(info.resources, 'mem') * 1024 * 1024) } : {}),
      });
    } catch (err) {
      task.phase = 'ended';
      this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Failed to launch container: ${(err as Error).message}` });
      return;
    }
    task.container = record;
    task.phase = 'running';
    void this.options.containerizer.wait(containerId).then((termination) => this.#containerEnded(task, termination));
    await this.#report(task, 'TASK_RUNNING', { source: 'SOURCE_EXECUTOR' });
    if (task.killing) {
      // A kill arrived during the launch: carry it out now that there is something to kill.
      task.killing = false;
      this.#kill(task, undefined);
    }
  }

  /** The task's environment, or why it cannot have one. */
  #environment(task: AgentTask, command: v1.CommandInfo): Record<string, string> | string {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      // The agent's own Node settings are no business of the task.
      if (value !== undefined && !name.startsWith('NODE_') && !name.startsWith('npm_')) env[name] = value;
    }
    env.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    const endpoint = `${this.options.endpointIp}:${this.options.port}`;
    Object.assign(env, {
      MESOS_SANDBOX: task.sandbox,
      MESOS_DIRECTORY: task.sandbox,
      MESOS_TASK_ID: task.info.task_id.value,
      MESOS_FRAMEWORK_ID: task.frameworkId,
      MESOS_EXECUTOR_ID: task.executorId,
      MESOS_AGENT_ENDPOINT: endpoint,
      MESOS_SLAVE_ID: this.#agentId ?? '',
      MESOS_AGENT_ID: this.#agentId ?? '',
      MESOS_CONTAINER_ID: task.containerId,
      MESOS_CHECKPOINT: this.frameworks.get(task.frameworkId)?.info.checkpoint ? '1' : '0',
    });
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

  /** Starts killing a task: SIGTERM, then after the grace period SIGKILL to the whole container. */
  #kill(task: AgentTask, graceMs: number | undefined): void {
    if (task.phase === 'ended') return;
    if (task.phase === 'launching') {
      task.killing = true;
      return;
    }
    if (task.killing) {
      // A later kill may shorten the grace period (Mesos allows it), never lengthen it.
      if (graceMs !== undefined && graceMs === 0) this.options.containerizer.killAll(task.containerId);
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
    task.killTimer = setTimeout(() => this.options.containerizer.killAll(task.containerId), grace);
  }

  /** The container of a running task ended: report how, and clean the container up. */
  #containerEnded(task: AgentTask, termination: Termination): void {
    if (this.#stopped || task.phase === 'ended') return;
    clearTimeout(task.killTimer);
    task.phase = 'ended';
    this.options.containerizer.destroy(task.containerId);
    const framework = this.frameworks.get(task.frameworkId);
    if (framework?.shuttingDown) {
      this.#forget(task);
      return;
    }
    if (termination.oom) {
      const mem = scalarOf(task.info.resources, 'mem');
      this.#report(task, 'TASK_FAILED', {
        source: 'SOURCE_AGENT',
        reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
        message: `Memory limit exceeded: Requested: ${mem}MB`,
        limitation: { resources: (task.info.resources ?? []).filter((r) => r.name === 'mem') },
      });
    } else if (task.killing) {
      this.#report(task, 'TASK_KILLED', { source: 'SOURCE_EXECUTOR', message: termination.message });
    } else if (termination.unknown) {
      this.#report(task, 'TASK_FAILED', { source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: termination.message });
    } else if (termination.exitCode === 0) {
      this.#report(task, 'TASK_FINISHED', { source: 'SOURCE_EXECUTOR', message: termination.message });
    } else {
      this.#report(task, 'TASK_FAILED', { source: 'SOURCE_EXECUTOR', message: termination.message });
    }
  }

  /**
   * Makes a status update: the task's new state, checkpointed (when its framework checkpoints)
   * before it is handed to the status update manager, which sends it when it is the head.
   */
  async #report(
    task: AgentTask,
    state: v1.TaskState,
    details: { source: v1.TaskStatus.Source; reason?: v1.TaskStatus.Reason; message?: string; limitation?: v1.TaskResourceLimitation },
  ): Promise<void> {
    const status: v1.TaskStatus = {
      task_id: task.info.task_id,
      state,
      source: details.source,
      ...(details.reason === undefined ? {} : { reason: details.reason }),
      ...(details.message === undefined ? {} : { message: details.message }),
      ...(this.#agentId === undefined ? {} : { agent_id: { value: this.#agentId } }),
      executor_id: { value: task.executorId },
      timestamp: Date.now() / 1000,
      uuid: newUuid(),
      container_status: {
        container_id: { value: task.containerId },
        ...(task.container ? { executor_pid: task.container.taskPid } : {}),
      },
      ...(details.limitation === undefined ? {} : { limitation: details.limitation }),
    };
    task.state = state;
    task.statuses.push(status);
    const stream = this.updates.state(task.frameworkId, task.info.task_id.value);
    await this.#checkpoint(task, [...(stream?.pending ?? []), status], state);
    this.updates.update(task.frameworkId, status);
  }

  #acknowledge(ack: link.Event.Acknowledge): void {
    const frameworkId = ack.framework_id.value;
    const taskId = ack.task_id.value;
    const task = this.frameworks.get(frameworkId)?.tasks.get(taskId);
    const acknowledged = this.updates.acknowledge(frameworkId, taskId, ack.uuid);
    if (!task || !acknowledged) return;
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
    if (framework && framework.tasks.size === 0 && framework.shuttingDown) {
      this.frameworks.delete(task.frameworkId);
      this.completedFrameworks.push(framework);
      if (this.completedFrameworks.length > 50) this.completedFrameworks.shift();
      if (checkpoint) this.#write(() => this.options.store.delete(`framework/${task.frameworkId}`));
    }
  }

  #shutdownFramework(frameworkId: string): void {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) return;
    framework.shuttingDown = true;
    for (const task of [...framework.tasks.values()]) {
      this.updates.remove(frameworkId, task.info.task_id.value);
      if (task.phase === 'ended') this.#forget(task);
      else this.#kill(task, this.options.executorShutdownGracePeriodMs);
    }
    if (framework.tasks.size === 0) {
      this.frameworks.delete(frameworkId);
      this.completedFrameworks.push(framework);
      if (framework.info.checkpoint) this.#write(() => this.options.store.delete(`framework/${frameworkId}`));
    }
  }

  #refuseTaskGroup(run: link.Event.RunTaskGroup): void {
    const frameworkId = run.framework_info.id?.value;
    if (frameworkId === undefined) return;
    let framework = this.frameworks.get(frameworkId);
    if (!framework) {
      framework = { info: run.framework_info, tasks: new Map(), completed: [], shuttingDown: false };
      this.frameworks.set(frameworkId, framework);
    }
    for (const info of run.task_group.tasks ?? []) {
      const task: AgentTask = {
        frameworkId, info, executorId: run.executor.executor_id.value, containerId: randomUUID(), sandbox: '',
        state: 'TASK_STAGING', phase: 'ended', container: undefined, killing: false, killTimer: undefined, statuses: [],
      };
      framework.tasks.set(info.task_id.value, task);
      void this.#report(task, 'TASK_FAILED', {
        source: 'SOURCE_AGENT',
        reason: 'REASON_CONTAINER_LAUNCH_FAILED',
        message: 'Task groups need the default executor, which this agent does not provide yet',
      });
    }
  }

  async #shutdown(message: string): Promise<void> {
    this.options.log(`The master asked this agent to shut down: ${message}`);
    for (const task of this.tasks()) if (task.phase === 'running') this.options.containerizer.killAll(task.containerId);
    for (const task of this.tasks()) this.options.containerizer.destroy(task.containerId);
    const keys: string[] = [];
    for await (const [key] of this.options.store.scan('')) keys.push(key);
    await this.#writeNow(() => this.options.store.batch(keys.map((key) => ({ type: 'del', key }))));
    this.frameworks.clear();
    this.#agentId = undefined;
    await this.stop();
    this.options.onShutdown?.(message);
  }

  // -------------------------------------------------------------------------------------------
  // Checkpoints.

  #checkpoint(task: AgentTask, pending?: v1.TaskStatus[], latestState?: v1.TaskState): Promise<void> {
    if (!this.frameworks.get(task.frameworkId)?.info.checkpoint) return Promise.resolve();
    const taskId = task.info.task_id.value;
    const stream: StreamState | undefined = this.updates.state(task.frameworkId, taskId);
    const record: TaskCheckpoint = {
      frameworkId: task.frameworkId,
      info: task.info,
      executorId: task.executorId,
      containerId: task.containerId,
      sandbox: task.sandbox,
      state: task.state,
      phase: task.phase,
      ...(task.container ? { container: task.container } : {}),
      killing: task.killing,
      pending: pending ?? [...(stream?.pending ?? [])],
      ...((latestState ?? stream?.latestState) === undefined ? {} : { latestState: latestState ?? stream?.latestState }),
    };
    return this.#writeNow(() => putJson(this.options.store, `task/${task.frameworkId}/${taskId}`, record));
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


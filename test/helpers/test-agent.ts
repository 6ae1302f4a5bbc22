// A scripted agent for the master's integration tests. It speaks docs/agent-link.md over one
// duplex HTTP request (a POST whose chunked body stays open for calls, with events decoded from
// the response), runs nothing, and keeps the books a real agent would: the tasks the master
// asked it to run, the state it last reported for each, and which status updates the master has
// acknowledged. Tests drive it:
//
//   const agent = await TestAgent.start(t, master, { resources: 'cpus:4;mem:4096' });
//   const run = await agent.next('RUN_TASK');
//   const update = agent.sendStatus(frameworkId, 't1', 'TASK_RUNNING');
//   await agent.waitForAck(update);
//   agent.answerPings = false;                // the master will count misses
//   agent.disconnect(); await agent.reconnect();  // reregisters with its id, frameworks, tasks
//
// PINGs are answered with PONG while `answerPings` is true, and counted but not queued. Updates
// that carry a uuid are retried, as a real agent does, when the link is reestablished.

import { randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';

import { encodeRecord } from '../../lib/api/recordio.ts';
import type * as link from '../../lib/types/link.ts';
import type * as v1 from '../../lib/types/mesos.ts';
import type { Cleanup, MasterAddress } from './master-process.ts';
import { EventQueue, WAIT_MS, readRecordIO, resourcesOf } from './scheduler-client.ts';

export const AGENT_LINK_PATH = '/api/v1/agent_link';

/** Task states after which the agent forgets a task once the update is acknowledged. */
const TERMINAL_STATES: ReadonlySet<v1.TaskState> = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

export interface TestAgentOptions {
  readonly hostname?: string;
  /** AgentInfo.port. Default 5051. */
  readonly port?: number;
  /** Mesos's text form or Resource JSON. Default `cpus:4;mem:4096;disk:10000;ports:[31000-32000]`. */
  readonly resources?: string | v1.Resource[];
  readonly attributes?: v1.Attribute[];
  /** The advertised IP (REGISTER's `ip`); default: the master uses the connection's peer address. */
  readonly ip?: string;
  readonly capabilities?: v1.AgentInfo.Capability.Type[];
  /** Register as an agent with this id (a reregistration with the books below). */
  readonly agentId?: string;
  readonly frameworks?: v1.FrameworkInfo[];
  readonly executors?: v1.ExecutorInfo[];
  readonly tasks?: v1.Task[];
  /** Answer PINGs (default true). Can be changed later through `answerPings`. */
  readonly answerPings?: boolean;
  readonly timeoutMs?: number;
}

export interface StatusOptions {
  /**
   * true (default): a random version-4 UUID as 16 bytes, base64, as real agents send (the master,
   * like stout, refuses acknowledgements of 16 bytes whose version nibble is not 1-5); false:
   * none; a string: that base64 uuid.
   */
  readonly uuid?: boolean | string;
  readonly reason?: v1.TaskStatus.Reason;
  readonly message?: string;
  readonly latest_state?: v1.TaskState;
  readonly source?: v1.TaskStatus.Source;
  readonly executorId?: string;
}

/** A status update the agent sent, and whether the master relayed an ACKNOWLEDGE for it. */
export interface SentUpdate {
  readonly frameworkId: string;
  readonly taskId: string;
  readonly status: v1.TaskStatus;
  readonly latestState: v1.TaskState | undefined;
  acknowledged: boolean;
}

/** A task in the agent's books. */
export interface AgentTask {
  readonly frameworkId: string;
  readonly info: v1.TaskInfo;
  state: v1.TaskState;
  lastStatus: v1.TaskStatus | undefined;
}

interface Link {
  readonly req: ClientRequest;
  readonly closed: Promise<string>;
  open: boolean;
}

/** A random version-4 UUID's 16 bytes in base64 (24 characters ending in `==`). */
export function randomUuidBase64(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

export class TestAgent {
  readonly options: TestAgentOptions;
  /** Every event but PING, in order, across reconnections. */
  readonly events = new EventQueue<link.Event>((e) => e.type ?? '?');
  readonly tasks = new Map<string, AgentTask>();
  readonly frameworks = new Map<string, v1.FrameworkInfo>();
  readonly updates: SentUpdate[] = [];
  /** Whether PINGs get a PONG. */
  answerPings: boolean;
  pings = 0;
  /** The master the agent talks to; `reconnect` may change it. */
  master: MasterAddress;
  /** The last REGISTERED event. */
  registered: link.Event.Registered | undefined;
  /** The message of a SHUTDOWN event, once the master sent one. */
  shutdownMessage: string | undefined;
  readonly #resources: v1.Resource[];
  readonly #ackWaiters = new Set<() => void>();
  #agentId: string | undefined;
  #link: Link | undefined;

  private constructor(master: MasterAddress, options: TestAgentOptions) {
    this.master = master;
    this.options = options;
    this.answerPings = options.answerPings ?? true;
    const resources = options.resources ?? 'cpus:4;mem:4096;disk:10000;ports:[31000-32000]';
    this.#resources = typeof resources === 'string' ? resourcesOf(resources) : resources;
    this.#agentId = options.agentId;
    for (const info of options.frameworks ?? []) if (info.id) this.frameworks.set(info.id.value, info);
    for (const task of options.tasks ?? []) {
      this.tasks.set(task.task_id.value, {
        frameworkId: task.framework_id.value,
        info: { name: task.name, task_id: task.task_id, agent_id: task.agent_id, resources: task.resources ?? [] },
        state: task.state,
        lastStatus: task.statuses?.at(-1),
      });
    }
  }

  /** Connects, registers (or reregisters, with `agentId`) and waits for REGISTERED. */
  static async start(t: Cleanup, master: MasterAddress, options: TestAgentOptions = {}): Promise<TestAgent> {
    const agent = new TestAgent(master, options);
    t.add('disconnect a test agent', () => agent.close());
    await agent.#connect(options.timeoutMs ?? WAIT_MS);
    return agent;
  }

  get agentId(): string {
    if (this.#agentId === undefined) throw new Error('the agent has not registered');
    return this.#agentId;
  }

  get connected(): boolean {
    return this.#link?.open ?? false;
  }

  /** Settles with the reason when the current link ends. */
  get linkClosed(): Promise<string> {
    if (!this.#link) return Promise.resolve('never connected');
    return this.#link.closed;
  }

  get hostname(): string {
    return this.options.hostname ?? 'localhost';
  }

  get resources(): v1.Resource[] {
    return this.#resources;
  }

  // -------------------------------------------------------------------------------------------
  // Events

  next(type?: link.Event.Type, timeoutMs = WAIT_MS): Promise<link.Event> {
    return this.events.take((e) => type === undefined || e.type === type, timeoutMs, type ? `${type} event at the agent` : 'agent event');
  }

  waitFor(matches: (event: link.Event) => boolean, timeoutMs = WAIT_MS, what = 'matching agent event'): Promise<link.Event> {
    return this.events.take(matches, timeoutMs, what);
  }

  /** The RUN_TASK for `taskId`. */
  async nextRunTask(taskId: string, timeoutMs = WAIT_MS): Promise<link.Event.RunTask> {
    const event = await this.waitFor(
      (e) => e.type === 'RUN_TASK' && e.run_task?.task.task_id.value === taskId,
      timeoutMs,
      `RUN_TASK for ${taskId}`,
    );
    return event.run_task!;
  }

  /** Waits for the link to end (the master closed it, or `disconnect`). */
  async waitDisconnected(timeoutMs = WAIT_MS): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the agent link did not close within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.linkClosed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  /** Writes one link call as a RecordIO record. Throws if the link is down. */
  send(call: link.Call): void {
    const current = this.#link;
    if (!current?.open) throw new Error(`the agent link is down; cannot send ${call.type}`);
    current.req.write(encodeRecord(JSON.stringify(call)));
  }

  /** Writes raw bytes on the link (for malformed records). Throws if the link is down. */
  sendRaw(bytes: string | Buffer): void {
    const current = this.#link;
    if (!current?.open) throw new Error('the agent link is down; cannot send raw bytes');
    current.req.write(bytes);
  }

  /**
   * Reports a task's state. The update is recorded (and retried on reconnection while it has a
   * uuid and no ACKNOWLEDGE); it is written now if the link is up.
   */
  sendStatus(frameworkId: string, taskId: string, state: v1.TaskState, options: StatusOptions = {}): SentUpdate {
    const uuid = options.uuid === undefined || options.uuid === true ? randomUuidBase64() : options.uuid || undefined;
    const task = this.tasks.get(taskId);
    const executorId = options.executorId ?? task?.info.executor?.executor_id.value;
    const status: v1.TaskStatus = {
      task_id: { value: taskId },
      state,
      source: options.source ?? 'SOURCE_EXECUTOR',
      agent_id: { value: this.agentId },
      timestamp: Date.now() / 1000,
      ...(executorId === undefined ? {} : { executor_id: { value: executorId } }),
      ...(uuid === undefined ? {} : { uuid }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.message === undefined ? {} : { message: options.message }),
    };
    const update: SentUpdate = { frameworkId, taskId, status, latestState: options.latest_state, acknowledged: false };
    this.updates.push(update);
    if (task) {
      task.state = options.latest_state ?? state;
      task.lastStatus = status;
    }
    if (this.connected) this.#writeUpdate(update);
    return update;
  }

  /** Updates with a uuid that the master has not acknowledged yet. */
  unacknowledged(): SentUpdate[] {
    return this.updates.filter((u) => u.status.uuid !== undefined && !u.acknowledged);
  }

  /** Resends every unacknowledged update, as an agent does after reregistering. */
  resendUnacknowledged(): void {
    for (const update of this.unacknowledged()) this.#writeUpdate(update);
  }

  /** Waits until the master has relayed an ACKNOWLEDGE for `update`. */
  async waitForAck(update: SentUpdate, timeoutMs = WAIT_MS): Promise<void> {
    if (update.acknowledged) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!update.acknowledged) return;
        clearTimeout(timer);
        this.#ackWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#ackWaiters.delete(check);
        reject(new Error(`no ACKNOWLEDGE for ${update.taskId} ${update.status.state} (uuid ${update.status.uuid}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#ackWaiters.add(check);
    });
  }

  // -------------------------------------------------------------------------------------------
  // The link

  /** Drops the link (the connection, without UNREGISTER). */
  disconnect(): void {
    this.#link?.req.destroy();
  }

  /**
   * Opens a new link and reregisters with the agent's id and books (or registers anew with
   * `fresh`), then resends unacknowledged updates. Resolves with REGISTERED.
   */
  async reconnect(options: { master?: MasterAddress; fresh?: boolean; resend?: boolean; timeoutMs?: number } = {}): Promise<link.Event.Registered> {
    if (this.#link?.open) {
      this.disconnect();
      await this.#link.closed;
    }
    if (options.master) this.master = options.master;
    if (options.fresh) this.#agentId = undefined;
    const registered = await this.#connect(options.timeoutMs ?? WAIT_MS);
    if (options.resend ?? true) this.resendUnacknowledged();
    return registered;
  }

  /** Ends the link for good. */
  close(): void {
    this.disconnect();
  }

  /** The REGISTER call for the current books. */
  registerCall(): link.Call {
    const agentId = this.#agentId;
    const agentInfo: v1.AgentInfo = {
      hostname: this.hostname,
      port: this.options.port ?? 5051,
      resources: this.#resources,
      ...(this.options.attributes ? { attributes: this.options.attributes } : {}),
      ...(agentId === undefined ? {} : { id: { value: agentId } }),
    };
    const register: link.Call.Register = {
      version: 1,
      agent_info: agentInfo,
      ...(this.options.ip === undefined ? {} : { ip: this.options.ip }),
      capabilities: (this.options.capabilities ?? ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']).map((type) => ({ type })),
    };
    if (agentId !== undefined) {
      register.frameworks = [...this.frameworks.values()];
      register.executors = this.options.executors ?? [];
      register.tasks = [...this.tasks.entries()].map(([taskId, task]) => ({
        name: task.info.name,
        task_id: { value: taskId },
        framework_id: { value: task.frameworkId },
        ...(task.info.executor ? { executor_id: task.info.executor.executor_id } : {}),
        agent_id: { value: agentId },
        state: task.state,
        resources: task.info.resources ?? [],
        ...(task.lastStatus ? { statuses: [task.lastStatus] } : {}),
      }));
    }
    return { type: 'REGISTER', register };
  }

  #writeUpdate(update: SentUpdate): void {
    this.send({
      type: 'STATUS_UPDATE',
      status_update: {
        framework_id: { value: update.frameworkId },
        status: update.status,
        ...(update.latestState === undefined ? {} : { latest_state: update.latestState }),
      },
    });
  }

  #connect(timeoutMs: number): Promise<link.Event.Registered> {
    const req = request({
      host: this.master.host,
      port: this.master.port,
      method: 'POST',
      path: AGENT_LINK_PATH,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      agent: false,
    });
    req.setNoDelay(true);
    this.events.reopen();
    let resolveClosed!: (reason: string) => void;
    const current: Link = { req, open: true, closed: new Promise((r) => (resolveClosed = r)) };
    this.#link = current;
    const onClosed = (reason: string) => {
      if (!current.open) return;
      current.open = false;
      // The queue stays usable across reconnections; only waiters pending now are failed.
      if (this.#link === current) this.events.close(`agent link: ${reason}`);
      resolveClosed(reason);
    };
    return new Promise<link.Event.Registered>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`agent: no REGISTERED within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => {
        onClosed(`request error: ${err.message}`);
        fail(err);
      });
      req.on('close', () => onClosed('the connection closed'));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => fail(new Error(`agent link answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`)));
          return;
        }
        readRecordIO(
          res,
          (record) => {
            const event = record as link.Event;
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              if (event.type === 'REGISTERED' && event.registered) {
                this.registered = event.registered;
                this.#agentId = event.registered.agent_id.value;
                this.events.history.push(event);
                resolve(event.registered);
                return;
              }
              req.destroy();
              reject(new Error(`agent link: expected REGISTERED first, got ${JSON.stringify(event).slice(0, 500)}`));
              return;
            }
            this.#onEvent(event);
          },
          (reason) => {
            onClosed(reason);
            fail(new Error(`agent link ended before REGISTERED: ${reason}`));
          },
        );
      });
      req.write(encodeRecord(JSON.stringify(this.registerCall())));
    });
  }

  #onEvent(event: link.Event): void {
    switch (event.type) {
      case 'PING':
        this.pings++;
        if (this.answerPings && this.connected) this.send({ type: 'PONG' });
        return;
      case 'RUN_TASK': {
        const run = event.run_task!;
        const frameworkId = run.framework_info.id!.value;
        this.frameworks.set(frameworkId, run.framework_info);
        this.tasks.set(run.task.task_id.value, { frameworkId, info: run.task, state: 'TASK_STAGING', lastStatus: undefined });
        break;
      }
      case 'ACKNOWLEDGE': {
        const ack = event.acknowledge!;
        const update = this.updates.find((u) => u.status.uuid === ack.uuid && u.taskId === ack.task_id.value);
        if (update) {
          update.acknowledged = true;
          const task = this.tasks.get(update.taskId);
          if (task && TERMINAL_STATES.has(update.status.state) && task.state === update.status.state) this.tasks.delete(update.taskId);
          for (const check of [...this.#ackWaiters]) check();
        }
        break;
      }
      case 'SHUTDOWN_FRAMEWORK': {
        // A real agent kills the framework's tasks and forgets it: the master already has.
        const frameworkId = event.shutdown_framework!.framework_id.value;
        for (const [taskId, task] of this.tasks) if (task.frameworkId === frameworkId) this.tasks.delete(taskId);
        this.frameworks.delete(frameworkId);
        break;
      }
      case 'SHUTDOWN':
        this.shutdownMessage = event.shutdown?.message ?? '';
        this.tasks.clear();
        this.frameworks.clear();
        break;
      default:
        break;
    }
    this.events.push(event);
  }
}

// Simulated agents: thousands per process, each one real agent link (docs/agent-link.md) over its
// own TCP connection, with a simulated containerizer.
//
// An agent registers, answers every PING with a PONG, and runs each RUN_TASK for the duration the
// framework put in the task's command (`sleep <seconds>`, already scaled): TASK_STARTING (unless
// turned off), TASK_RUNNING, then TASK_FINISHED when the time is up. Status updates behave as a
// real agent's status update manager: each task has its own stream of updates, only the oldest
// unacknowledged one is on the wire, it carries the task's latest state, and it is resent (with
// doubling back-off) until the master relays the framework's ACKNOWLEDGE; then the next one goes.
// KILL_TASK ends a task with TASK_KILLED; SHUTDOWN_FRAMEWORK drops a framework's tasks.
//
// Books per agent are a few numbers and a Map of tasks; timers go through one TimerWheel.

import type * as link from '../../lib/types/link.ts';
import type * as v1 from '../../lib/types/mesos.ts';
import { Histogram } from './histogram.ts';
import { TimerWheel, processFigures, scalars, uuidBase64, type AgentHostConfig, type AgentHostReport, type Host } from './ipc.ts';
import { RecordIOConnection } from './wire.ts';

const AGENT_LINK_PATH = '/api/v1/agent_link';
const MAX_RETRY_MS = 10 * 60 * 1000;
const MAX_ERRORS = 10;
const MAX_REGISTRATION_ATTEMPTS = 8;

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_LOST']);

interface PendingUpdate {
  state: string;
  uuid: string;
  retryMs: number;
  /** Set while this update is the one on the wire. */
  sent: boolean;
}

interface SimTask {
  id: string;
  frameworkId: string;
  cpus: number;
  mem: number;
  /** The latest state. */
  state: string;
  /** Updates not acknowledged yet, oldest first; the head is on the wire. */
  updates: PendingUpdate[];
}

class SimAgent {
  readonly index: number;
  id: string | undefined;
  conn: RecordIOConnection | undefined;
  usedCpus = 0;
  usedMem = 0;
  readonly tasks = new Map<string, SimTask>();
  connectedAt = 0;
  /** Registration attempts that failed. */
  attempts = 0;

  constructor(index: number) {
    this.index = index;
  }
}

/** The run time a task asked for: its command is `sleep <seconds>`. */
function durationMsOf(task: v1.TaskInfo): number {
  const match = /sleep\s+([\d.]+)/.exec(task.command?.value ?? '');
  return match ? Number(match[1]) * 1000 : 1000;
}

export class AgentHost implements Host {
  readonly #config: AgentHostConfig;
  readonly #wheel = new TimerWheel();
  readonly #agents: SimAgent[] = [];
  #nextToConnect = 0;
  #connecting = 0;
  #stopped = false;
  readonly #registration = new Histogram();
  readonly #errors: string[] = [];
  readonly #figures = {
    registered: 0, failed: 0, registrationRetries: 0, linksLost: 0, firstConnectAt: 0, lastRegisteredAt: 0, tasksRun: 0, tasksFinished: 0,
    tasksKilled: 0, updatesSent: 0, updatesResent: 0, acks: 0, pings: 0, overcommits: 0,
  };

  constructor(config: AgentHostConfig) {
    this.#config = config;
    for (let i = 0; i < config.count; i++) this.#agents.push(new SimAgent(config.firstIndex + i));
    this.#pump();
  }

  /** Opens links until `concurrency` registrations are in flight. */
  #pump(): void {
    while (!this.#stopped && this.#connecting < this.#config.concurrency && this.#nextToConnect < this.#agents.length) {
      this.#connect(this.#agents[this.#nextToConnect++]!);
    }
  }

  #error(message: string): void {
    if (this.#errors.length < MAX_ERRORS) this.#errors.push(message);
  }

  #connect(agent: SimAgent): void {
    const config = this.#config;
    this.#connecting++;
    const now = Date.now();
    // Registration latency counts from the first attempt.
    if (agent.attempts === 0) agent.connectedAt = now;
    if (this.#figures.firstConnectAt === 0) this.#figures.firstConnectAt = now;
    const register: link.Call = {
      type: 'REGISTER',
      register: {
        version: 1,
        agent_info: { hostname: `sim-agent-${agent.index}`, port: 5051, resources: config.resources },
        capabilities: [{ type: 'MULTI_ROLE' }, { type: 'HIERARCHICAL_ROLE' }, { type: 'RESERVATION_REFINEMENT' }],
      },
    };
    let registered = false;
    agent.conn = new RecordIOConnection({
      endpoint: config.endpoint,
      localAddress: config.sourceAddresses[agent.index % config.sourceAddresses.length],
      path: AGENT_LINK_PATH,
      body: JSON.stringify(register),
      duplex: true,
      onHead: () => {},
      onEvent: (event) => {
        const e = event as link.Event;
        if (!registered) {
          if (e.type !== 'REGISTERED' || e.registered === undefined) {
            this.#error(`agent ${agent.index}: first event ${e.type}: ${JSON.stringify(e).slice(0, 200)}`);
            agent.conn?.close('unexpected first event');
            return;
          }
          registered = true;
          agent.id = e.registered.agent_id.value;
          this.#connecting--;
          this.#figures.registered++;
          const now = Date.now();
          this.#figures.lastRegisteredAt = now;
          this.#registration.record(now - agent.connectedAt);
          this.#pump();
          return;
        }
        this.#onEvent(agent, e);
      },
      onRefused: (status, body) => this.#error(`agent ${agent.index}: link answered ${status}: ${body.slice(0, 200)}`),
      onClose: (reason) => {
        if (this.#stopped) return;
        if (!registered) {
          this.#connecting--;
          agent.attempts++;
          if (agent.attempts < MAX_REGISTRATION_ATTEMPTS) {
            // As a real agent: try again after a random backoff that doubles (1 s, 2 s, ...).
            this.#figures.registrationRetries++;
            const backoffMs = (0.5 + Math.random()) * 1000 * 2 ** Math.min(agent.attempts - 1, 5);
            this.#connecting++;
            setTimeout(() => {
              this.#connecting--;
              if (!this.#stopped) this.#connect(agent);
            }, backoffMs);
          } else {
            this.#figures.failed++;
            this.#error(`agent ${agent.index}: link closed before REGISTERED (${agent.attempts} attempts): ${reason}`);
          }
          this.#pump();
        } else {
          this.#figures.linksLost++;
          this.#error(`agent ${agent.index} (${agent.id}): link lost: ${reason}`);
        }
      },
    });
  }

  #onEvent(agent: SimAgent, event: link.Event): void {
    switch (event.type) {
      case 'PING':
        this.#figures.pings++;
        agent.conn?.send('{"type":"PONG"}');
        return;
      case 'RUN_TASK':
        if (event.run_task) this.#runTask(agent, event.run_task);
        return;
      case 'ACKNOWLEDGE':
        if (event.acknowledge) this.#acknowledged(agent, event.acknowledge);
        return;
      case 'KILL_TASK': {
        const task = event.kill_task ? agent.tasks.get(event.kill_task.task_id.value) : undefined;
        if (task !== undefined && !TERMINAL.has(task.state)) this.#end(agent, task, 'TASK_KILLED');
        return;
      }
      case 'SHUTDOWN_FRAMEWORK': {
        const frameworkId = event.shutdown_framework?.framework_id.value;
        for (const task of [...agent.tasks.values()]) {
          if (task.frameworkId !== frameworkId) continue;
          if (!TERMINAL.has(task.state)) this.#release(agent, task);
          agent.tasks.delete(task.id);
        }
        return;
      }
      case 'ERROR':
      case 'SHUTDOWN':
        this.#error(`agent ${agent.index} (${agent.id}): ${event.type}: ${JSON.stringify(event).slice(0, 200)}`);
        return;
      default:
        return;
    }
  }

  #runTask(agent: SimAgent, run: link.Event.RunTask): void {
    const config = this.#config;
    const frameworkId = run.framework_info.id?.value ?? '';
    const { cpus, mem } = scalars(run.task.resources);
    if (agent.usedCpus + cpus > config.totalCpus + 1e-6 || agent.usedMem + mem > config.totalMem + 1e-6) {
      this.#figures.overcommits++;
      this.#error(`agent ${agent.id}: RUN_TASK ${run.task.task_id.value} (cpus ${cpus}, mem ${mem}) does not fit: ` +
        `${agent.usedCpus} cpus and ${agent.usedMem} mem in use of ${config.totalCpus} and ${config.totalMem}`);
    }
    agent.usedCpus += cpus;
    agent.usedMem += mem;
    const task: SimTask = { id: run.task.task_id.value, frameworkId, cpus, mem, state: 'TASK_STAGING', updates: [] };
    agent.tasks.set(task.id, task);
    this.#figures.tasksRun++;
    if (config.sendStarting) this.#transition(agent, task, 'TASK_STARTING');
    this.#transition(agent, task, 'TASK_RUNNING');
    this.#wheel.at(Date.now() + durationMsOf(run.task), () => {
      if (agent.tasks.get(task.id) === task && !TERMINAL.has(task.state)) this.#end(agent, task, 'TASK_FINISHED');
    });
  }

  #end(agent: SimAgent, task: SimTask, state: 'TASK_FINISHED' | 'TASK_KILLED'): void {
    this.#release(agent, task);
    if (state === 'TASK_FINISHED') this.#figures.tasksFinished++;
    else this.#figures.tasksKilled++;
    this.#transition(agent, task, state);
  }

  #release(agent: SimAgent, task: SimTask): void {
    agent.usedCpus -= task.cpus;
    agent.usedMem -= task.mem;
    // Float sums of small tasks drift by ulps; an idle agent is exactly idle.
    if (Math.abs(agent.usedCpus) < 1e-9) agent.usedCpus = 0;
    if (Math.abs(agent.usedMem) < 1e-9) agent.usedMem = 0;
  }

  /** A new state: queued on the task's update stream, sent at once if the stream is idle. */
  #transition(agent: SimAgent, task: SimTask, state: string): void {
    task.state = state;
    task.updates.push({ state, uuid: uuidBase64(), retryMs: this.#config.statusRetryMs, sent: false });
    if (task.updates.length === 1) this.#sendHead(agent, task);
  }

  #sendHead(agent: SimAgent, task: SimTask): void {
    const update = task.updates[0];
    if (update === undefined) return;
    const resend = update.sent;
    update.sent = true;
    if (resend) this.#figures.updatesResent++;
    else this.#figures.updatesSent++;
    agent.conn?.send(
      `{"type":"STATUS_UPDATE","status_update":{"framework_id":{"value":"${task.frameworkId}"},"status":{"task_id":{"value":"${task.id}"},` +
        `"state":"${update.state}","source":"SOURCE_EXECUTOR","agent_id":{"value":"${agent.id}"},"timestamp":${Date.now() / 1000},` +
        `"uuid":"${update.uuid}"},"latest_state":"${task.state}"}}`,
    );
    const retryMs = update.retryMs;
    this.#wheel.at(Date.now() + retryMs, () => {
      if (this.#stopped || task.updates[0] !== update || agent.tasks.get(task.id) !== task) return;
      update.retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      this.#sendHead(agent, task);
    });
  }

  #acknowledged(agent: SimAgent, ack: link.Event.Acknowledge): void {
    const task = agent.tasks.get(ack.task_id.value);
    const head = task?.updates[0];
    if (task === undefined || head === undefined || head.uuid !== ack.uuid) return; // a duplicate
    this.#figures.acks++;
    task.updates.shift();
    if (task.updates.length > 0) this.#sendHead(agent, task);
    else if (TERMINAL.has(task.state)) agent.tasks.delete(task.id);
  }

  report(): AgentHostReport {
    let tasksHeld = 0;
    let tasksLive = 0;
    let unacknowledged = 0;
    let usedCpus = 0;
    let usedMem = 0;
    for (const agent of this.#agents) {
      usedCpus += agent.usedCpus;
      usedMem += agent.usedMem;
      tasksHeld += agent.tasks.size;
      for (const task of agent.tasks.values()) {
        unacknowledged += task.updates.length;
        if (!TERMINAL.has(task.state)) tasksLive++;
      }
    }
    return {
      role: 'agents',
      ...this.#figures,
      registrationMs: this.#registration.data(),
      tasksHeld,
      tasksLive,
      unacknowledged,
      usedCpus,
      usedMem,
      errors: [...this.#errors],
      ...processFigures(),
    };
  }

  go(): void {}

  window(): void {}

  drain(): void {}

  stop(): void {
    this.#stopped = true;
    this.#wheel.stop();
    for (const agent of this.#agents) agent.conn?.close();
  }
}

// The master's state machine: frameworks, agents, offers and tasks, driven by scheduler calls
// (scheduler-api.ts), agent-link calls (agent-link.ts) and its own timers (allocation cycles,
// heartbeats, pings, offer and failover timeouts). It owns the allocator and the registry.
//
//   scheduler calls --> Master <-- agent link calls
//                         |  \
//            Allocator <--+   +--> Registry (Store) for agents, weights, quota
//
// Everything here runs on the event loop: a handler sees a consistent state and its changes are
// complete before the next one runs. The only awaits are registry writes, and the master does
// not act on what a write records until it is on disk (Mesos's registrar does the same).

import { randomUUID } from 'node:crypto';

import { encode } from '../api/codec.ts';
import { Allocator, type Allocation, type CoreKind, type Explanation, type Pooled } from '../allocator/index.ts';
import {
  Resources, downgradeResources, isRevocable, isShared, stringifyResource, upgradeResources, validateResources,
} from '../api/resources.ts';
import { validateRole } from '../api/roles.ts';
import type { QuotaConfig } from '../types/quota.ts';
import type * as maintenance from '../types/maintenance.ts';
import {
  clusterStatus, machineKey, machineMode, machineUnavailability, validateSchedule, validateStartMaintenance,
  validateStopMaintenance, type MaintenanceState,
} from './maintenance.ts';
import { MesosError } from '../common/errors.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import type * as link from '../types/link.ts';
import type * as master from '../types/master.ts';
import type * as v1 from '../types/mesos.ts';
import type * as scheduler from '../types/scheduler.ts';
import { Metrics, type Counter } from '../common/metrics.ts';
import { registerMasterMetrics } from './metrics.ts';
import type { Registry, RegistrySnapshot } from './registry.ts';
import { agentView, frameworkView } from './views.ts';
import {
  isTerminalState, masterStatus, reconciledState, unknownTaskAnswer, usesResources, type AgentStanding,
} from './tasks.ts';
import {
  frameworkRoles, hasCapability, injectAllocationInfo, validateFrameworkInfo, validateFrameworkUpdate,
  validateTask, validateTaskGroup, type TaskContext,
} from './validation.ts';
import { validateId } from '../api/ids.ts';

export const MASTER_VERSION = '1.11.0';
export const LINK_VERSION = 1;

/** Mesos's `--max_completed_tasks_per_framework` default: terminal tasks kept for the operator API. */
export const MAX_COMPLETED_TASKS_PER_FRAMEWORK = 1000;
/** Unreachable tasks kept per framework (Mesos's `--max_unreachable_tasks_per_framework` default). */
export const MAX_UNREACHABLE_TASKS_PER_FRAMEWORK = 1000;

/** The largest int64, as the nanoseconds of a DurationInfo (rounded down to a double). */
const MAX_INT64_NS = 9_223_372_036_854_775_000;

/** The longest delay setTimeout takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface MasterOptions {
  /** The address frameworks and agents reach this master at. */
  ip: string;
  port: number;
  hostname: string;
  allocationIntervalMs: number;
  /** Unset: offers stay until used, declined or rescinded for another reason. */
  offerTimeoutMs?: number;
  agentPingTimeoutMs: number;
  maxAgentPingTimeouts: number;
  agentReregisterTimeoutMs: number;
  heartbeatIntervalMs: number;
  minAllocatableResources: string;
  weights: Readonly<Record<string, number>>;
  allocatorCore?: CoreKind;
  /** Completed frameworks remembered, so that their ids are refused (Mesos's max_completed_frameworks). */
  maxCompletedFrameworks?: number;
  /** The flags as given on the command line, for GET_FLAGS and `/flags`. */
  flags?: Readonly<Record<string, string>>;
  log: (line: string) => void;
}

type SchedulerStream = RecordIOStream<'mesos.v1.scheduler.Event'>;
type LinkStream = RecordIOStream<'mesos.internal.link.Event'>;

/** Where a framework stands with its scheduler. */
export type FrameworkStanding =
  | 'subscribed' // a live SUBSCRIBE stream
  | 'disconnected' // its stream closed; the failover timeout runs
  | 'recovered' // known only from agents' reregistration after a master failover
  | 'completed'; // torn down or timed out: kept only for the operator API, its id refused

// The records below are the master's books. They are exported as types only, for the read-only
// views of the operator API (views.ts); only the Master changes them.

export interface Framework {
  readonly id: string;
  info: v1.FrameworkInfo;
  roles: Set<string>;
  standing: FrameworkStanding;
  stream: SchedulerStream | undefined;
  streamId: string | undefined;
  heartbeat: NodeJS.Timeout | undefined;
  failoverTimer: NodeJS.Timeout | undefined;
  offers: Set<string>;
  /** Tasks by task id, whatever agent they are on. */
  tasks: Map<string, Task>;
  /** Executors by agent id, then executor id. */
  executors: Map<string, Map<string, Executor>>;
  /** Seconds since the epoch, as Mesos's TimeInfo-in-seconds fields of the operator API. */
  registeredTime: number;
  reregisteredTime: number | undefined;
  unregisteredTime: number | undefined;
  /** Tasks that ended and left `tasks`, newest last, at most MAX_COMPLETED_TASKS_PER_FRAMEWORK. */
  completedTasks: v1.Task[];
  /** Tasks on agents that became unreachable, by task id, until the agent returns. */
  unreachableTasks: Map<string, v1.Task>;
}

export interface Task {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  /** The Task message as Mesos keeps it; state and the status fields change over time. */
  task: v1.Task;
  /** Whether its resources are counted in the allocator. */
  holdsResources: boolean;
}

export interface Executor {
  info: v1.ExecutorInfo;
  role: string;
  holdsResources: boolean;
}

export interface Agent {
  readonly id: string;
  info: v1.AgentInfo;
  /** The address in offers' `url`. */
  ip: string;
  total: Resources;
  capabilities: v1.AgentInfo.Capability[];
  /** The mesos-ts version the agent reported. */
  version: string | undefined;
  link: AgentLink | undefined;
  /**
   * Whether the allocator offers this agent's resources: only while it is linked, not
   * deactivated by an operator and not draining (#syncActivation keeps this in step).
   */
  active: boolean;
  /** Deactivated by an operator (DEACTIVATE_AGENT or DRAIN_AGENT); kept in the registry. */
  deactivated: boolean;
  /** Set by DRAIN_AGENT: DRAINING until no task runs there, then DRAINED. */
  drain: v1.DrainInfo | undefined;
  registeredTime: number;
  reregisteredTime: number | undefined;
  pingTimer: NodeJS.Timeout | undefined;
  pingOutstanding: boolean;
  pingMisses: number;
  offers: Set<string>;
  /** Tasks on this agent, by framework id then task id. */
  tasks: Map<string, Map<string, Task>>;
}

/** One open agent link: the response stream and a way to close the request side. */
export interface AgentLink {
  readonly stream: LinkStream;
  /** Ends the whole exchange (request and response). */
  close(): void;
  /** Set once the master has bound the link to an agent. */
  agentId?: string;
}

export interface Offer {
  readonly offer: v1.Offer;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: v1.Resource[];
  /** `resources` in the allocator's form, to give the offer back whole cheaply. */
  readonly pooled: Pooled;
  timer: NodeJS.Timeout | undefined;
  /** Whether its OFFERS event has been written (a big cycle's events go out over several turns). */
  sent: boolean;
}

/** An allocation cycle's OFFERS event for one framework, waiting for its turn to be written. */
interface PendingOffers {
  readonly framework: Framework;
  readonly stream: SchedulerStream;
  readonly offers: Offer[];
}

/**
 * Offers written per event-loop turn. A cycle over tens of thousands of agents makes as many
 * offers; encoding and writing them all at once would hold the loop (and every agent's and
 * framework's messages) for most of a second. The offers are all made at once; their events go out
 * this many per turn, with I/O handled in between, and in turns: each framework waiting gets an
 * OFFERS event of at most OFFERS_PER_EVENT before any gets a second, so that one framework's
 * thousands of offers do not hold back everyone else's first.
 */
const OFFERS_PER_TURN = 250;
const OFFERS_PER_EVENT = 50;

/** Least time between allocation cycles triggered by events (a registration, a REVIVE). */
const TRIGGERED_CYCLE_GAP_MS = 50;

export interface RecoveredAgent {
  info: v1.AgentInfo;
}

/** An agent's resources the master counts as allocated (tasks, executors) and as offered. */
export interface AgentUsage {
  allocated: Resources;
  offered: Resources;
}

/** What the operator API reads: the master's books, read-only by contract. */
export interface MasterBooks {
  readonly frameworks: ReadonlyMap<string, Framework>;
  readonly completedFrameworks: ReadonlyMap<string, Framework>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly recoveredAgents: ReadonlyMap<string, RecoveredAgent>;
  readonly offers: ReadonlyMap<string, Offer>;
}

/**
 * The master's events for operator SUBSCRIBE streams (master.proto Event). Built only when
 * someone listens, so a master with no subscriber pays nothing for them.
 */
export type OperatorEvent = master.Event;
/** Gets each event with its JSON, encoded once for every subscriber. */
export type OperatorObserver = (event: OperatorEvent, json: string) => void;

/** Mesos's `MasterInfo.ip`: the IPv4 address's network-order bytes read as a host (LE) uint32. */
function ipToUint32(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[3]! << 24) >>> 0) + (parts[2]! << 16) + (parts[1]! << 8) + parts[0]!;
}

/** Terminal states Mesos counts cumulatively as `master/task_<state>` counters. */
const TERMINAL_COUNTED = [
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
] as const;

function nowSeconds(): number {
  return Date.now() / 1000;
}

function timeInfoNow(): v1.TimeInfo {
  return { nanoseconds: Date.now() * 1e6 };
}

export class Master {
  readonly id: string;
  readonly info: v1.MasterInfo;
  readonly options: MasterOptions;

  readonly #allocator: Allocator;
  readonly #registry: Registry;
  readonly #log: (line: string) => void;

  readonly #frameworks = new Map<string, Framework>();
  /** Removed frameworks, oldest first: their ids are refused and the operator API lists them. */
  readonly #completedFrameworks = new Map<string, Framework>();
  readonly #agents = new Map<string, Agent>();
  /** Admitted agents from the registry that have not reregistered since this master started. */
  readonly #recoveredAgents = new Map<string, RecoveredAgent>();
  readonly #offers = new Map<string, Offer>();
  readonly #offersToSend: PendingOffers[] = [];
  #lastAllocationAt = -Infinity;
  #sendingOffers = false;
  /** Agents whose removal or readmission is being written to the registry. */
  readonly #removing = new Set<string>();
  readonly #reregistering = new Set<string>();

  #nextFrameworkId = 0;
  #nextAgentId = 0;
  #nextOfferId = 0;
  #allocationTimer: NodeJS.Timeout | undefined;
  #reregisterTimer: NodeJS.Timeout | undefined;
  #allocationScheduled = false;
  #stopped = false;
  readonly #observers = new Set<OperatorObserver>();
  readonly #weights = new Map<string, number>();
  /** Seconds since the epoch; this master is elected when it starts (no contender yet). */
  readonly startTime = nowSeconds();
  readonly electedTime = this.startTime;
  readonly metrics = new Metrics();
  readonly #counters = {
    agentRegistrations: this.metrics.counter('master/slave_registrations'),
    agentReregistrations: this.metrics.counter('master/slave_reregistrations'),
    agentRemovals: this.metrics.counter('master/slave_removals'),
    agentsUnreachable: this.metrics.counter('master/slave_unreachable_completed'),
    validStatusUpdates: this.metrics.counter('master/valid_status_updates'),
    invalidStatusUpdates: this.metrics.counter('master/invalid_status_updates'),
    allocationRuns: this.metrics.counter('allocator/mesos/allocation_runs'),
    terminal: Object.fromEntries(TERMINAL_COUNTED.map((state) => [state, this.metrics.counter(`master/tasks_${state.slice('TASK_'.length).toLowerCase()}`)])) as Record<string, Counter>,
  };
  readonly #allocationRun = this.metrics.timer('allocator/mesos/allocation_run');
  readonly #stopMetrics: () => void;

  private constructor(options: MasterOptions, registry: Registry) {
    this.options = options;
    this.#registry = registry;
    this.#log = options.log;
    this.id = randomUUID();
    this.info = {
      id: this.id,
      ip: ipToUint32(options.ip),
      port: options.port,
      pid: `master@${options.ip}:${options.port}`,
      hostname: options.hostname,
      version: MASTER_VERSION,
      address: { hostname: options.hostname, ip: options.ip, port: options.port },
    };
    this.#allocator = new Allocator({
      core: options.allocatorCore ?? 'native',
      allocationIntervalMs: options.allocationIntervalMs,
      minAllocatableResources: options.minAllocatableResources,
    });
    this.#stopMetrics = registerMasterMetrics(this.metrics, this);
  }

  /** The master's books, for the operator API's read-only views. */
  get books(): MasterBooks {
    return {
      frameworks: this.#frameworks,
      completedFrameworks: this.#completedFrameworks,
      agents: this.#agents,
      recoveredAgents: this.#recoveredAgents,
      offers: this.#offers,
    };
  }

  get registrySnapshot(): RegistrySnapshot {
    return this.#registry.snapshot;
  }

  get allocator(): Allocator {
    return this.#allocator;
  }

  /** Listens to the operator event stream; returns the function that stops listening. */
  observe(observer: OperatorObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  get observerCount(): number {
    return this.#observers.size;
  }

  /** Sends an event to every operator subscriber; `build` runs only if there is one. */
  #publish(build: () => OperatorEvent): void {
    if (this.#observers.size === 0) return;
    const event = build();
    const json = encode('mesos.v1.master.Event', event);
    for (const observer of [...this.#observers]) observer(event, json);
  }

  /**
   * Builds a master from its recovered registry: weights and quota go to the allocator, and the
   * admitted agents wait `agentReregisterTimeoutMs` to reregister before they are marked
   * unreachable (Mesos's recovered-agents timeout).
   */
  static create(options: MasterOptions, registry: Registry): Master {
    const master = new Master(options, registry);
    master.#recover();
    return master;
  }

  #recover(): void {
    const snapshot = this.#registry.snapshot;
    // The registry holds the weights: the --weights flag only seeded it at the cluster's first
    // start (MasterServer), so a weight an operator set back to 1 stays 1 across restarts.
    const weights: Record<string, number> = {};
    for (const [role, weight] of snapshot.weights) weights[role] = weight;
    if (Object.keys(this.options.weights).length > 0 && !this.#registry.created) {
      this.#log('The --weights flag is deprecated and ignored: the weights in the registry are used (change them with UPDATE_WEIGHTS)');
    }
    for (const [role, weight] of Object.entries(weights)) this.#weights.set(role, weight);
    if (Object.keys(weights).length > 0) this.#allocator.updateWeights(weights);
    for (const [role, config] of snapshot.quotas) {
      this.#allocator.setQuota(role, scalarMap(config.guarantees), scalarMap(config.limits));
    }
    for (const [id, admitted] of snapshot.agents) this.#recoveredAgents.set(id, { info: admitted.info });
    if (this.#recoveredAgents.size > 0) {
      this.#log(`Recovered ${this.#recoveredAgents.size} agents from the registry; waiting for them to reregister`);
      this.#reregisterTimer = setTimeout(() => this.#recoveredAgentsTimeout(), this.options.agentReregisterTimeoutMs);
      this.#reregisterTimer.unref();
    }
    this.#allocationTimer = setInterval(() => this.#allocate(), this.options.allocationIntervalMs);
    this.#allocationTimer.unref();
  }

  /** Stops every timer; the HTTP server closes the streams. */
  stop(): void {
    this.#stopped = true;
    this.#stopMetrics();
    clearInterval(this.#allocationTimer);
    clearTimeout(this.#reregisterTimer);
    for (const framework of this.#frameworks.values()) {
      clearInterval(framework.heartbeat);
      clearTimeout(framework.failoverTimer);
    }
    for (const agent of this.#agents.values()) clearInterval(agent.pingTimer);
    for (const offer of this.#offers.values()) clearTimeout(offer.timer);
    this.#offersToSend.length = 0;
  }

  // =========================================================================================
  // Scheduler API

  /**
   * SUBSCRIBE, after the HTTP layer opened `stream`. Problems with the FrameworkInfo arrive as an
   * ERROR event on the stream, which then closes (mesos-api.md section 1.1).
   */
  subscribe(subscribe: scheduler.Call.Subscribe, stream: SchedulerStream, streamId: string): void {
    const info = subscribe.framework_info;
    const invalid = validateFrameworkInfo(info);
    if (invalid !== undefined) {
      this.#sendErrorAndClose(stream, invalid);
      return;
    }
    const requestedId = info.id?.value;
    if (requestedId !== undefined && this.#completedFrameworks.has(requestedId)) {
      this.#sendErrorAndClose(stream, 'Framework has been removed');
      return;
    }
    let framework = requestedId === undefined ? undefined : this.#frameworks.get(requestedId);
    const suppressed = subscribe.suppressed_roles ?? [];
    if (framework === undefined) {
      const id = requestedId ?? this.#newFrameworkId();
      framework = this.#addFramework({ ...info, id: { value: id } }, suppressed, true);
      this.#log(`Framework ${id} (${info.name}) subscribed`);
    } else {
      // As Mesos, a resubscription keeps the user and checkpointing the framework had: those
      // cannot change while tasks run under them.
      const kept: v1.FrameworkInfo = { ...info, user: framework.info.user };
      if (framework.info.checkpoint !== undefined) kept.checkpoint = framework.info.checkpoint;
      else delete kept.checkpoint;
      this.#failover(framework, kept, suppressed);
    }
    this.#attachStream(framework, stream, streamId);
    this.#scheduleAllocation();
  }

  /** The subscribed framework a non-SUBSCRIBE call is for, or the HTTP error Mesos gives. */
  frameworkForCall(frameworkId: string, streamId: string | undefined): Framework {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) throw new MesosError('BAD_REQUEST', 'Framework cannot be found');
    if (framework.standing !== 'subscribed') throw new MesosError('FORBIDDEN', 'Framework is not subscribed');
    if (streamId === undefined) {
      throw new MesosError('BAD_REQUEST', "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (streamId !== framework.streamId) {
      throw new MesosError(
        'BAD_REQUEST',
        `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`,
      );
    }
    return framework;
  }

  /**
   * Every call but SUBSCRIBE and UPDATE_FRAMEWORK, already validated (validateCall) and checked
   * against the framework's stream; the HTTP layer answers 202.
   */
  call(framework: Framework, call: scheduler.Call): void {
    switch (call.type) {
      case 'TEARDOWN':
        this.#log(`Framework ${framework.id} asked to be torn down`);
        this.#removeFramework(framework, 'Framework was torn down');
        return;
      case 'ACCEPT':
        this.#accept(framework, call.accept!);
        return;
      case 'DECLINE':
        this.#accept(framework, { offer_ids: call.decline!.offer_ids ?? [], operations: [], filters: call.decline!.filters });
        return;
      case 'REVIVE':
        this.#allocator.revive(framework.id, call.revive?.roles ?? []);
        this.#scheduleAllocation();
        return;
      case 'SUPPRESS':
        this.#allocator.suppress(framework.id, call.suppress?.roles ?? []);
        return;
      case 'KILL':
        this.#kill(framework, call.kill!);
        return;
      case 'SHUTDOWN':
        this.#shutdownExecutor(framework, call.shutdown!);
        return;
      case 'ACKNOWLEDGE':
        this.#acknowledge(framework, call.acknowledge!);
        return;
      case 'RECONCILE':
        this.#reconcile(framework, call.reconcile?.tasks ?? []);
        return;
      case 'MESSAGE':
        this.#frameworkMessage(framework, call.message!);
        return;
      case 'REQUEST':
        // The hierarchical allocator ignores requests, as Mesos's does.
        return;
      case 'ACCEPT_INVERSE_OFFERS':
      case 'DECLINE_INVERSE_OFFERS':
      case 'ACKNOWLEDGE_OPERATION_STATUS':
      case 'RECONCILE_OPERATIONS':
        // No inverse offers or operation feedback yet: nothing can refer to them.
        return;
      default:
        throw new MesosError('NOT_IMPLEMENTED', `Unsupported call type ${call.type ?? 'UNKNOWN'}`);
    }
  }

  /** UPDATE_FRAMEWORK: applied before the 200 reply; an invalid update is a 400. */
  updateFramework(framework: Framework, update: scheduler.Call.UpdateFramework): void {
    const info = update.framework_info;
    if (info.id?.value !== framework.id) {
      throw new MesosError('BAD_REQUEST', 'Failed to validate scheduler::Call: Framework ID in UPDATE_FRAMEWORK does not match the framework ID of the call');
    }
    const invalid = validateFrameworkInfo(info) ?? validateFrameworkUpdate(framework.info, info);
    if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Invalid FrameworkInfo: ${invalid}`);
    this.#updateFrameworkInfo(framework, info, update.suppressed_roles ?? []);
    this.#scheduleAllocation();
  }

  #newFrameworkId(): string {
    return `${this.id}-${String(this.#nextFrameworkId++).padStart(4, '0')}`;
  }

  #addFramework(info: v1.FrameworkInfo, suppressedRoles: readonly string[], active: boolean): Framework {
    const id = info.id!.value;
    const roles = new Set(frameworkRoles(info));
    const framework: Framework = {
      id, info, roles, standing: active ? 'subscribed' : 'recovered', stream: undefined, streamId: undefined,
      heartbeat: undefined, failoverTimer: undefined, offers: new Set(), tasks: new Map(), executors: new Map(),
      registeredTime: nowSeconds(), reregisteredTime: undefined, unregisteredTime: undefined,
      completedTasks: [], unreachableTasks: new Map(),
    };
    this.#allocator.addFramework(id, {
      roles: [...roles], gpu: hasCapability(info, 'GPU_RESOURCES'), active, suppressedRoles,
      minAllocatable: minAllocatableOf(info),
    });
    this.#frameworks.set(id, framework);
    this.#publish(() => ({ type: 'FRAMEWORK_ADDED', framework_added: { framework: frameworkView(framework) } }));
    return framework;
  }

  /** A resubscription: the old stream (if any) hears "Framework failed over" and closes. */
  #failover(framework: Framework, info: v1.FrameworkInfo, suppressedRoles: readonly string[]): void {
    clearTimeout(framework.failoverTimer);
    framework.failoverTimer = undefined;
    const old = framework.stream;
    if (old !== undefined) {
      this.#detachStream(framework);
      this.#sendErrorAndClose(old, 'Framework failed over');
    }
    // Offers made to the previous scheduler instance are rescinded: the new one never saw them.
    this.#rescindFrameworkOffers(framework);
    this.#updateFrameworkInfo(framework, { ...info, id: { value: framework.id } }, suppressedRoles);
    if (framework.standing !== 'subscribed') this.#allocator.activateFramework(framework.id);
    framework.standing = 'subscribed';
    framework.reregisteredTime = nowSeconds();
    this.#publishFrameworkUpdated(framework);
    this.#log(`Framework ${framework.id} (${info.name}) failed over`);
  }

  #updateFrameworkInfo(framework: Framework, info: v1.FrameworkInfo, suppressedRoles: readonly string[]): void {
    const roles = new Set(frameworkRoles(info));
    for (const offerId of [...framework.offers]) {
      const offer = this.#offers.get(offerId);
      // Offers to a role the framework left are rescinded (mesos-api.md section 1.7).
      if (offer !== undefined && !roles.has(offer.role)) this.#rescindOffer(offer);
    }
    framework.info = info;
    framework.roles = roles;
    // The allocator gives back what a dropped role held; tasks and executors still running in it
    // no longer count there, so nothing recovers them twice later.
    for (const task of framework.tasks.values()) if (!roles.has(task.role)) task.holdsResources = false;
    for (const executors of framework.executors.values()) {
      for (const executor of executors.values()) if (!roles.has(executor.role)) executor.holdsResources = false;
    }
    this.#allocator.updateFramework(framework.id, { roles: [...roles], suppressedRoles });
    for (const agentId of this.#agentsOf(framework)) {
      this.#sendToAgent(agentId, { type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: info } });
    }
    this.#publishFrameworkUpdated(framework);
  }

  #publishFrameworkUpdated(framework: Framework): void {
    this.#publish(() => ({ type: 'FRAMEWORK_UPDATED', framework_updated: { framework: frameworkView(framework) } }));
  }

  #attachStream(framework: Framework, stream: SchedulerStream, streamId: string): void {
    framework.stream = stream;
    framework.streamId = streamId;
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: framework.id },
        heartbeat_interval_seconds: this.options.heartbeatIntervalMs / 1000,
        master_info: this.info,
      },
    });
    // Mesos's heartbeater fires at once, then every interval.
    stream.send({ type: 'HEARTBEAT' });
    framework.heartbeat = setInterval(() => stream.send({ type: 'HEARTBEAT' }), this.options.heartbeatIntervalMs);
    framework.heartbeat.unref();
    stream.onClose(() => {
      if (framework.stream === stream) this.#disconnected(framework);
    });
  }

  #detachStream(framework: Framework): void {
    clearInterval(framework.heartbeat);
    framework.heartbeat = undefined;
    framework.stream = undefined;
    framework.streamId = undefined;
  }

  /**
   * The scheduler's stream closed: its offers are rescinded, it gets no more offers, and unless it
   * resubscribes within `failover_timeout` it is removed with its tasks.
   */
  #disconnected(framework: Framework): void {
    if (this.#stopped) return;
    this.#detachStream(framework);
    framework.standing = 'disconnected';
    this.#allocator.deactivateFramework(framework.id);
    this.#rescindFrameworkOffers(framework);
    this.#publishFrameworkUpdated(framework);
    const timeoutMs = (framework.info.failover_timeout ?? 0) * 1000;
    this.#log(`Framework ${framework.id} disconnected; failover timeout ${timeoutMs / 1000} s`);
    const deadline = Date.now() + timeoutMs;
    // setTimeout holds at most ~24.8 days; longer timeouts (Mesos allows years) are re-armed.
    const arm = (): void => {
      framework.failoverTimer = setTimeout(() => {
        framework.failoverTimer = undefined;
        if (framework.standing !== 'disconnected') return;
        if (Date.now() < deadline) {
          arm();
          return;
        }
        this.#log(`Framework ${framework.id} failover timeout expired`);
        this.#removeFramework(framework, 'Framework failover timeout');
      }, Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMER_MS));
      framework.failoverTimer.unref();
    };
    arm();
  }

  /**
   * TEARDOWN or failover timeout: offers rescinded, its agents told to shut it down, its
   * resources given back, its stream closed. Its id is refused from now on.
   */
  #removeFramework(framework: Framework, why: string): void {
    this.#rescindFrameworkOffers(framework, false);
    const agentIds = this.#agentsOf(framework);
    for (const agentId of agentIds) {
      this.#sendToAgent(agentId, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: framework.id } } });
      this.#agents.get(agentId)?.tasks.delete(framework.id);
    }
    clearTimeout(framework.failoverTimer);
    const stream = framework.stream;
    this.#detachStream(framework);
    stream?.close();
    this.#allocator.removeFramework(framework.id);
    this.#frameworks.delete(framework.id);
    // As Mesos, the framework's tasks are shut down with it: they end as killed in its history.
    // Mesos's removeFramework moves a live task to TASK_KILLED through updateTask, so the kill
    // gets a status (REASON_FRAMEWORK_REMOVED), counts in `master/tasks_killed` and reaches
    // operator subscribers as TASK_UPDATED before FRAMEWORK_REMOVED. The framework's stream is
    // detached above, so the framework itself is not sent the update.
    for (const task of framework.tasks.values()) {
      if (!isTerminalState(task.task.state)) {
        this.#transitionByMaster(framework, task, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', `Framework ${framework.id} removed`);
      }
      this.#complete(framework, task.task);
    }
    framework.tasks.clear();
    framework.executors.clear();
    framework.standing = 'completed';
    framework.unregisteredTime = nowSeconds();
    this.#completedFrameworks.set(framework.id, framework);
    const max = this.options.maxCompletedFrameworks ?? 1000;
    if (this.#completedFrameworks.size > max) {
      this.#completedFrameworks.delete(this.#completedFrameworks.keys().next().value!);
    }
    this.#publish(() => ({ type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: framework.info } }));
    // Its tasks left the agents' books: a drain that waited only for them is complete.
    for (const agentId of agentIds) {
      const agent = this.#agents.get(agentId);
      if (agent !== undefined) this.#checkDrained(agent);
    }
    this.#log(`Removed framework ${framework.id}: ${why}`);
  }

  /** Agents where the framework has tasks or executors. */
  #agentsOf(framework: Framework): Set<string> {
    const agents = new Set<string>(framework.executors.keys());
    for (const task of framework.tasks.values()) agents.add(task.agentId);
    return agents;
  }

  #sendErrorAndClose(stream: SchedulerStream, message: string): void {
    stream.send({ type: 'ERROR', error: { message } });
    stream.close();
  }

  #sendEvent(framework: Framework, event: scheduler.Event): void {
    framework.stream?.send(event);
  }

  // -----------------------------------------------------------------------------------------
  // Offers

  #scheduleAllocation(): void {
    if (this.#allocationScheduled || this.#stopped) return;
    this.#allocationScheduled = true;
    const run = (): void => {
      this.#allocationScheduled = false;
      this.#allocate();
    };
    // Cycles that events trigger are at least TRIGGERED_CYCLE_GAP_MS apart: every cycle walks
    // every agent, and thousands of agents registering would otherwise run one per loop turn.
    const wait = this.#lastAllocationAt + TRIGGERED_CYCLE_GAP_MS - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait).unref();
  }

  /** One allocation cycle: one OFFERS event per framework with its new offers (several when they are more than OFFERS_PER_EVENT). */
  #allocate(): void {
    if (this.#stopped) return;
    this.#lastAllocationAt = performance.now();
    let allocations;
    try {
      allocations = this.#allocationRun.time(() => this.#allocator.allocate());
      this.#counters.allocationRuns.inc();
    } catch (err) {
      this.#log(`Allocation cycle failed: ${(err as Error).stack ?? String(err)}`);
      return;
    }
    const byFramework = new Map<string, PendingOffers>();
    for (const allocation of allocations) {
      const framework = this.#frameworks.get(allocation.frameworkId);
      const agent = this.#agents.get(allocation.agentId);
      if (framework === undefined || agent === undefined || framework.stream === undefined) {
        // Cannot happen while the allocator and the books agree; give it back rather than leak.
        this.#log(`Allocation to ${allocation.frameworkId} on ${allocation.agentId} has no recipient; recovering it`);
        this.#allocator.recover(allocation.frameworkId, allocation.agentId, allocation.role, allocation.resources);
        continue;
      }
      const offer = this.#makeOffer(framework, agent, allocation);
      let pending = byFramework.get(framework.id);
      if (pending === undefined) byFramework.set(framework.id, (pending = { framework, stream: framework.stream, offers: [] }));
      pending.offers.push(offer);
    }
    if (byFramework.size === 0) return;
    this.#offersToSend.push(...byFramework.values());
    this.#sendOffers();
  }

  /** Writes waiting OFFERS events, OFFERS_PER_TURN offers at most, and comes back next turn for the rest. */
  #sendOffers(): void {
    if (this.#stopped) return;
    let budget = OFFERS_PER_TURN;
    while (budget > 0 && this.#offersToSend.length > 0) {
      const pending = this.#offersToSend.shift()!;
      const batch = pending.offers.splice(0, Math.min(budget, OFFERS_PER_EVENT));
      budget -= batch.length;
      // Round robin: a framework with more waiting goes to the back of the queue.
      if (pending.offers.length > 0) this.#offersToSend.push(pending);
      // Offers rescinded or taken since the cycle (the framework disconnected, failed over or was
      // removed; the agent went away) are no longer in the books and are not sent.
      const live = batch.filter((offer) => this.#offers.get(offer.offer.id.value) === offer);
      if (live.length === 0) continue;
      if (pending.framework.stream !== pending.stream || pending.stream.isClosed) {
        for (const offer of live) this.#rescindOffer(offer, false);
        continue;
      }
      for (const offer of live) offer.sent = true;
      pending.stream.send({ type: 'OFFERS', offers: { offers: live.map((offer) => offer.offer) } });
    }
    if (this.#offersToSend.length > 0 && !this.#sendingOffers && !this.#stopped) {
      this.#sendingOffers = true;
      setImmediate(() => {
        this.#sendingOffers = false;
        this.#sendOffers();
      });
    }
  }

  #makeOffer(framework: Framework, agent: Agent, allocation: Allocation): Offer {
    const { role, resources, pooled } = allocation;
    const id = `${this.id}-O${this.#nextOfferId++}`;
    const offer: v1.Offer = {
      id: { value: id },
      framework_id: { value: framework.id },
      agent_id: { value: agent.id },
      hostname: agent.info.hostname,
      url: {
        scheme: 'http',
        address: { hostname: agent.info.hostname, ip: agent.ip, port: agent.info.port ?? 5051 },
        path: '/slave(1)',
      },
      resources: offeredFormat(framework.info, resources),
    };
    // A framework that is not MULTI_ROLE sees no allocation_info (mesos-api.md section 1.5); the
    // master injects it again when the framework accepts.
    if (hasCapability(framework.info, 'MULTI_ROLE')) offer.allocation_info = { role };
    if (agent.info.attributes !== undefined && agent.info.attributes.length > 0) offer.attributes = agent.info.attributes;
    if (agent.info.domain !== undefined) offer.domain = agent.info.domain;
    if (this.#registry.snapshot.schedule.windows !== undefined) {
      const unavailability = machineUnavailability(this.#maintenanceState(), this.#machineOf(agent));
      if (unavailability !== undefined) offer.unavailability = unavailability;
    }
    const executorIds = [...(framework.executors.get(agent.id)?.keys() ?? [])];
    if (executorIds.length > 0) offer.executor_ids = executorIds.map((value) => ({ value }));
    const record: Offer = { offer, frameworkId: framework.id, agentId: agent.id, role, resources, pooled, timer: undefined, sent: false };
    if (this.options.offerTimeoutMs !== undefined) {
      record.timer = setTimeout(() => {
        record.timer = undefined;
        if (this.#offers.get(id) === record) this.#rescindOffer(record);
      }, this.options.offerTimeoutMs);
      record.timer.unref();
    }
    this.#offers.set(id, record);
    framework.offers.add(id);
    agent.offers.add(id);
    return record;
  }

  /** Forgets an offer without giving its resources back. */
  #takeOffer(offer: Offer): void {
    clearTimeout(offer.timer);
    const id = offer.offer.id.value;
    this.#offers.delete(id);
    this.#frameworks.get(offer.frameworkId)?.offers.delete(id);
    this.#agents.get(offer.agentId)?.offers.delete(id);
  }

  /** Withdraws an offer: RESCIND to the framework, resources back to the allocator unfiltered. */
  #rescindOffer(offer: Offer, notify = true): void {
    this.#takeOffer(offer);
    this.#allocator.recoverAllocation(offer.frameworkId, offer.agentId, offer.role, offer.pooled);
    const framework = this.#frameworks.get(offer.frameworkId);
    // An offer whose OFFERS event has not gone out yet was never seen: nothing to withdraw.
    if (notify && offer.sent && framework !== undefined) this.#sendEvent(framework, { type: 'RESCIND', rescind: { offer_id: offer.offer.id } });
  }

  // Sending RESCIND can close a slow framework's stream, and its disconnection rescinds its
  // other offers at once: ids already gone are skipped.
  #rescindFrameworkOffers(framework: Framework, notify = true): void {
    for (const id of [...framework.offers]) {
      const offer = this.#offers.get(id);
      if (offer !== undefined) this.#rescindOffer(offer, notify);
    }
  }

  #rescindAgentOffers(agent: Agent): void {
    for (const id of [...agent.offers]) {
      const offer = this.#offers.get(id);
      if (offer !== undefined) this.#rescindOffer(offer);
    }
  }

  // -----------------------------------------------------------------------------------------
  // ACCEPT and DECLINE

  #accept(framework: Framework, accept: scheduler.Call.Accept): void {
    const offerIds = (accept.offer_ids ?? []).map((id) => id.value);
    const operations = accept.operations ?? [];
    const refuseSeconds = accept.filters?.refuse_seconds ?? 5;

    // Validate the offers as a whole first (Mesos's offer::validate).
    let error: string | undefined;
    const offers: Offer[] = [];
    const seen = new Set<string>();
    for (const id of offerIds) {
      const offer = this.#offers.get(id);
      if (seen.has(id)) error ??= `Duplicate offer ${id} in the same call`;
      else if (offer === undefined) error ??= `Offer ${id} is no longer valid`;
      else if (offer.frameworkId !== framework.id) error ??= `Offer ${id} has invalid framework`;
      else offers.push(offer);
      seen.add(id);
    }
    if (offerIds.length === 0 && operations.length > 0) error ??= 'No offers specified';
    const agentId = offers[0]?.agentId;
    if (offers.some((o) => o.agentId !== agentId)) error ??= 'Aggregated offers must belong to one single agent';

    for (const offer of offers) this.#takeOffer(offer);
    if (error !== undefined) {
      // The valid offers' resources go back (with the call's filter); every task is dropped.
      for (const offer of offers) this.#allocator.recoverAllocation(framework.id, offer.agentId, offer.role, offer.pooled, refuseSeconds);
      const partitionAware = hasCapability(framework.info, 'PARTITION_AWARE');
      for (const operation of operations) {
        for (const task of launchedTasks(operation)) {
          this.#sendEvent(framework, {
            type: 'UPDATE',
            update: {
              status: masterStatus({
                taskId: task.task_id.value, state: 'TASK_DROPPED', reason: 'REASON_INVALID_OFFERS',
                message: `Task launched with invalid offers: ${error}`, partitionAware, now: nowSeconds(),
              }),
            },
          });
        }
      }
      if (operations.length > 0) this.#log(`ACCEPT from ${framework.id} with invalid offers: ${error}`);
      return;
    }
    if (offers.length === 0) return;
    if (operations.length === 0) {
      // A DECLINE (or an ACCEPT without operations): each offer goes back whole, with the filter.
      for (const offer of offers) this.#allocator.recoverAllocation(framework.id, offer.agentId, offer.role, offer.pooled, refuseSeconds);
      return;
    }
    const agent = this.#agents.get(agentId!)!;
    let available = Resources.from(offers.flatMap((o) => o.resources));

    for (const operation of operations) {
      switch (operation.type) {
        case 'LAUNCH':
          for (const task of operation.launch?.task_infos ?? []) available = this.#launch(framework, agent, task, available);
          break;
        case 'LAUNCH_GROUP':
          if (operation.launch_group !== undefined) available = this.#launchGroup(framework, agent, operation.launch_group, available);
          break;
        case 'RESERVE':
        case 'UNRESERVE':
          available = this.#reserveOrUnreserve(framework, agent, operation, available);
          break;
        default:
          // CREATE, DESTROY and the disk operations are not supported yet; Mesos drops an
          // operation it cannot apply and carries on with the next one.
          this.#log(`ACCEPT from ${framework.id}: dropping unsupported operation ${operation.type ?? 'UNKNOWN'}`);
      }
    }

    // Whatever no operation used goes back with the call's filter.
    for (const [role, resources] of available.allocations()) {
      this.#allocator.recover(framework.id, agent.id, role, [...resources], refuseSeconds);
    }
  }

  #taskContext(framework: Framework, agent: Agent, available: Resources): TaskContext {
    return new LaunchContext(framework, agent.id, available);
  }

  /** The offer's role for a framework that is not MULTI_ROLE: its resources carry no allocation_info. */
  // Resources in the older format (`role`, `reservation`) are upgraded first, as Mesos's
  // validateAndUpgradeResources does, so that the master and agents only see reservation stacks.
  #withAllocationInfo(framework: Framework, resources: readonly v1.Resource[] | undefined, available: Resources): v1.Resource[] {
    const upgraded = upgradeResources(resources ?? []);
    if (hasCapability(framework.info, 'MULTI_ROLE')) return upgraded;
    const role = [...available.allocations().keys()][0] ?? [...framework.roles][0] ?? '*';
    return injectAllocationInfo(upgraded, role);
  }

  #launch(framework: Framework, agent: Agent, original: v1.TaskInfo, available: Resources): Resources {
    const task: v1.TaskInfo = { ...original, resources: this.#withAllocationInfo(framework, original.resources, available) };
    if (task.executor !== undefined) {
      task.executor = { ...task.executor, resources: this.#withAllocationInfo(framework, task.executor.resources, available) };
      if (task.executor.framework_id === undefined) task.executor.framework_id = { value: framework.id };
    }
    const invalid = validateTask(task, this.#taskContext(framework, agent, available));
    if (invalid !== undefined) {
      this.#taskError(framework, task.task_id.value, 'REASON_TASK_INVALID', invalid);
      return available;
    }
    let used = Resources.from(task.resources ?? []);
    if (task.executor !== undefined && !this.#knownExecutor(framework, agent, task.executor.executor_id.value)) {
      const executorResources = Resources.from(task.executor.resources ?? []);
      used = used.plus(executorResources);
      this.#addExecutor(framework, agent, task.executor, roleOf(task.executor.resources) ?? roleOf(task.resources)!, true);
    }
    this.#addTask(framework, agent, {
      name: task.name, task_id: task.task_id, framework_id: { value: framework.id },
      executor_id: task.executor?.executor_id, agent_id: { value: agent.id }, state: 'TASK_STAGING',
      resources: task.resources, labels: task.labels, discovery: task.discovery, container: task.container,
      health_check: task.health_check, kill_policy: task.kill_policy, limits: task.limits,
    }, true);
    this.#sendToAgent(agent.id, { type: 'RUN_TASK', run_task: { framework_info: framework.info, task } });
    return available.minus(used);
  }

  #launchGroup(framework: Framework, agent: Agent, group: v1.Offer.Operation.LaunchGroup, available: Resources): Resources {
    const executor: v1.ExecutorInfo = {
      ...group.executor,
      framework_id: group.executor.framework_id ?? { value: framework.id },
      resources: this.#withAllocationInfo(framework, group.executor.resources, available),
    };
    const tasks = (group.task_group.tasks ?? []).map((t) => ({ ...t, resources: this.#withAllocationInfo(framework, t.resources, available) }));
    const invalid = validateTaskGroup(executor, { tasks }, this.#taskContext(framework, agent, available));
    if (invalid !== undefined) {
      for (const task of tasks) this.#taskError(framework, task.task_id.value, 'REASON_TASK_GROUP_INVALID', invalid);
      return available;
    }
    let used = Resources.EMPTY;
    for (const task of tasks) used = used.plus(task.resources ?? []);
    if (!this.#knownExecutor(framework, agent, executor.executor_id.value)) {
      used = used.plus(executor.resources ?? []);
      this.#addExecutor(framework, agent, executor, roleOf(executor.resources) ?? roleOf(tasks[0]?.resources) ?? '*', true);
    }
    for (const task of tasks) {
      this.#addTask(framework, agent, {
        name: task.name, task_id: task.task_id, framework_id: { value: framework.id }, executor_id: executor.executor_id,
        agent_id: { value: agent.id }, state: 'TASK_STAGING', resources: task.resources, labels: task.labels,
        discovery: task.discovery, container: task.container, health_check: task.health_check,
        kill_policy: task.kill_policy, limits: task.limits,
      }, true);
    }
    this.#sendToAgent(agent.id, {
      type: 'RUN_TASK_GROUP',
      run_task_group: { framework_info: framework.info, executor, task_group: { tasks } },
    });
    return available.minus(used);
  }

  /**
   * RESERVE and UNRESERVE on offered resources. RESERVE's resources carry the new reservation
   * (the last entry of their stack); what they come from is the same resources without it.
   * UNRESERVE is the reverse. Invalid ones are dropped with a log line, as Mesos does for
   * operations without feedback.
   */
  #reserveOrUnreserve(framework: Framework, agent: Agent, operation: v1.Offer.Operation, available: Resources): Resources {
    const reserving = operation.type === 'RESERVE';
    const given = reserving ? operation.reserve?.resources ?? [] : operation.unreserve?.resources ?? [];
    const resources = this.#withAllocationInfo(framework, given, available);
    const problem = (() => {
      if (resources.length === 0) return 'no resources given';
      const invalid = validateResources(resources);
      if (invalid !== undefined) return `Invalid resources: ${invalid}`;
      for (const r of resources) {
        const stack = r.reservations ?? [];
        const last = stack[stack.length - 1];
        if (last === undefined || last.type !== 'DYNAMIC') return 'Resources must carry a dynamic reservation';
        if (!framework.roles.has(last.role ?? '') && !frameworkHasAncestorRole(framework, last.role ?? '')) {
          return `Invalid reservation: role "${last.role ?? ''}" is not one of the framework's roles`;
        }
        if (r.allocation_info?.role === undefined) return 'Resources must carry allocation_info';
      }
      return undefined;
    })();
    if (problem !== undefined) {
      this.#log(`Dropping ${operation.type} from ${framework.id}: ${problem}`);
      return available;
    }
    const reserved = Resources.from(resources);
    const unreserved = reserved.popReservation();
    const [from, to] = reserving ? [unreserved, reserved] : [reserved, unreserved];
    if (!available.contains(from)) {
      this.#log(`Dropping ${operation.type} from ${framework.id}: ${from.toString()} is not contained in the offered ${available.toString()}`);
      return available;
    }
    for (const [role, part] of from.allocations()) {
      const target = to.filter((r) => r.allocation_info?.role === role);
      this.#allocator.convert(framework.id, agent.id, role, part.toArray(), target.toArray());
    }
    agent.total = agent.total.minus(from.unallocate()).plus(to.unallocate());
    this.#sendToAgent(agent.id, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.total.toArray() } });
    return available.minus(from).plus(to);
  }

  #taskError(framework: Framework, taskId: string, reason: v1.TaskStatus.Reason, message: string): void {
    this.#sendEvent(framework, {
      type: 'UPDATE',
      update: {
        status: masterStatus({
          taskId, state: 'TASK_ERROR', reason, message, partitionAware: true, now: nowSeconds(),
        }),
      },
    });
  }

  #knownExecutor(framework: Framework, agent: Agent, executorId: string): boolean {
    return framework.executors.get(agent.id)?.has(executorId) ?? false;
  }

  #addExecutor(framework: Framework, agent: Agent, info: v1.ExecutorInfo, role: string, holdsResources: boolean): void {
    let byAgent = framework.executors.get(agent.id);
    if (byAgent === undefined) framework.executors.set(agent.id, (byAgent = new Map()));
    byAgent.set(info.executor_id.value, { info, role, holdsResources });
  }

  #addTask(framework: Framework, agent: Agent, task: v1.Task, holdsResources: boolean): Task {
    const record: Task = {
      frameworkId: framework.id, agentId: agent.id, role: roleOf(task.resources) ?? [...framework.roles][0] ?? '*',
      task, holdsResources,
    };
    framework.tasks.set(task.task_id.value, record);
    framework.unreachableTasks.delete(task.task_id.value);
    let byFramework = agent.tasks.get(framework.id);
    if (byFramework === undefined) agent.tasks.set(framework.id, (byFramework = new Map()));
    byFramework.set(task.task_id.value, record);
    this.#publish(() => ({ type: 'TASK_ADDED', task_added: { task: record.task } }));
    return record;
  }

  /**
   * Takes a task off the books. It goes to its framework's completed tasks, or to its unreachable
   * tasks when its agent became unreachable (it may come back with the agent).
   */
  #removeTask(task: Task, unreachable = false): void {
    this.#releaseTask(task);
    const framework = this.#frameworks.get(task.frameworkId);
    if (framework?.tasks.get(task.task.task_id.value) === task) {
      framework.tasks.delete(task.task.task_id.value);
      if (unreachable) {
        framework.unreachableTasks.set(task.task.task_id.value, task.task);
        if (framework.unreachableTasks.size > MAX_UNREACHABLE_TASKS_PER_FRAMEWORK) {
          framework.unreachableTasks.delete(framework.unreachableTasks.keys().next().value!);
        }
      } else {
        this.#complete(framework, task.task);
      }
    }
    const byFramework = this.#agents.get(task.agentId)?.tasks.get(task.frameworkId);
    if (byFramework?.get(task.task.task_id.value) === task) byFramework.delete(task.task.task_id.value);
    const agent = this.#agents.get(task.agentId);
    if (agent?.drain?.state === 'DRAINING') this.#checkDrained(agent);
  }

  #complete(framework: Framework, task: v1.Task): void {
    framework.completedTasks.push(task);
    if (framework.completedTasks.length > MAX_COMPLETED_TASKS_PER_FRAMEWORK) framework.completedTasks.shift();
  }

  /**
   * A status the master accepted for a task. A change of its latest state is counted (terminal
   * states cumulatively, as Mesos's `master/tasks_<state>` counters) and published as
   * TASK_UPDATED; as Mesos's, a status that leaves the state as it was (an agent's retry, a health
   * report) is not published.
   */
  #taskStateChanged(task: Task, previous: v1.TaskState, status: v1.TaskStatus): void {
    const state = task.task.state;
    if (state === previous) return;
    if (isTerminalState(state) && !isTerminalState(previous)) this.#counters.terminal[state]?.inc();
    this.#publish(() => ({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: task.frameworkId }, status, state } }));
  }

  /** Gives a task's resources back to the allocator, once. */
  #releaseTask(task: Task): void {
    if (!task.holdsResources) return;
    task.holdsResources = false;
    if (this.#frameworks.has(task.frameworkId) && this.#agents.has(task.agentId)) {
      this.#allocator.recover(task.frameworkId, task.agentId, task.role, task.task.resources ?? []);
    }
  }

  // -----------------------------------------------------------------------------------------
  // KILL, SHUTDOWN, ACKNOWLEDGE, RECONCILE, MESSAGE

  #kill(framework: Framework, kill: scheduler.Call.Kill): void {
    const task = framework.tasks.get(kill.task_id.value);
    if (task === undefined) {
      // Mesos answers a kill of an unknown task with explicit reconciliation of that task.
      this.#reconcile(framework, [{ task_id: kill.task_id, agent_id: kill.agent_id }]);
      return;
    }
    if (kill.agent_id !== undefined && kill.agent_id.value !== task.agentId) return;
    const event: link.Event.KillTask = { framework_id: { value: framework.id }, task_id: kill.task_id };
    const policy = kill.kill_policy ?? task.task.kill_policy;
    if (policy !== undefined) event.kill_policy = policy;
    this.#sendToAgent(task.agentId, { type: 'KILL_TASK', kill_task: event });
  }

  #shutdownExecutor(framework: Framework, shutdown: scheduler.Call.Shutdown): void {
    this.#sendToAgent(shutdown.agent_id.value, {
      type: 'SHUTDOWN_EXECUTOR',
      shutdown_executor: { framework_id: { value: framework.id }, executor_id: shutdown.executor_id },
    });
  }

  #acknowledge(framework: Framework, ack: scheduler.Call.Acknowledge): void {
    const agent = this.#agents.get(ack.agent_id.value);
    if (agent === undefined) return;
    const task = framework.tasks.get(ack.task_id.value);
    if (task !== undefined && task.task.status_update_uuid === ack.uuid && task.task.status_update_state !== undefined &&
        isTerminalState(task.task.status_update_state)) {
      this.#removeTask(task);
    }
    this.#sendToAgent(agent.id, {
      type: 'ACKNOWLEDGE',
      acknowledge: { framework_id: { value: framework.id }, task_id: ack.task_id, uuid: ack.uuid },
    });
  }

  #reconcile(framework: Framework, tasks: readonly scheduler.Call.Reconcile.Task[]): void {
    const partitionAware = hasCapability(framework.info, 'PARTITION_AWARE');
    const now = nowSeconds();
    const send = (status: v1.TaskStatus): void => this.#sendEvent(framework, { type: 'UPDATE', update: { status } });
    if (tasks.length === 0) {
      // Implicit: every task the master knows for the framework.
      for (const task of framework.tasks.values()) send(this.#reconciliationStatus(task, partitionAware, now));
      return;
    }
    for (const wanted of tasks) {
      const task = framework.tasks.get(wanted.task_id.value);
      if (task !== undefined && (wanted.agent_id === undefined || wanted.agent_id.value === task.agentId)) {
        send(this.#reconciliationStatus(task, partitionAware, now));
        continue;
      }
      const answer = unknownTaskAnswer(this.#agentStanding(wanted.agent_id?.value));
      if (answer === undefined) continue;
      send(masterStatus({
        taskId: wanted.task_id.value, state: answer.state, reason: 'REASON_RECONCILIATION', message: answer.message,
        agentId: wanted.agent_id?.value, partitionAware, now,
      }));
    }
  }

  #reconciliationStatus(task: Task, partitionAware: boolean, now: number): v1.TaskStatus {
    const status = masterStatus({
      taskId: task.task.task_id.value, state: reconciledState(task.task), reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Latest task state', agentId: task.agentId, executorId: task.task.executor_id?.value,
      partitionAware, now,
    });
    const latest = task.task.statuses?.[task.task.statuses.length - 1];
    if (latest?.healthy !== undefined) status.healthy = latest.healthy;
    return status;
  }

  #agentStanding(agentId: string | undefined): AgentStanding {
    if (agentId === undefined) return 'unknown';
    if (this.#agents.has(agentId)) return 'registered';
    if (this.#recoveredAgents.has(agentId)) return 'recovering';
    const snapshot = this.#registry.snapshot;
    if (snapshot.unreachable.has(agentId)) return 'unreachable';
    if (snapshot.gone.has(agentId)) return 'gone';
    return 'unknown';
  }

  #frameworkMessage(framework: Framework, message: scheduler.Call.Message): void {
    this.#sendToAgent(message.agent_id.value, {
      type: 'FRAMEWORK_MESSAGE',
      framework_message: { framework_id: { value: framework.id }, executor_id: message.executor_id, data: message.data },
    });
  }

  // =========================================================================================
  // Operator API (operator-api.ts): reads go through `books` and views.ts; the calls below
  // change the cluster. Each checks its input, writes the registry first where Mesos's
  // registrar would, then changes the books; a MesosError carries the HTTP status.

  /** What the master counts as allocated on an agent and what it has offered there. */
  agentUsage(agent: Agent): AgentUsage {
    let offered = Resources.EMPTY;
    for (const id of agent.offers) {
      const offer = this.#offers.get(id);
      if (offer !== undefined) offered = offered.plus(offer.resources);
    }
    return { allocated: this.#inUse(agent), offered };
  }

  /**
   * agentUsage for every agent at once, in one pass over tasks, executors and offers: what views
   * and metrics of the whole cluster use, since asking agent by agent costs agents x frameworks.
   */
  usageByAgent(): Map<string, AgentUsage> {
    const usage = new Map<string, AgentUsage>();
    for (const id of this.#agents.keys()) usage.set(id, { allocated: Resources.EMPTY, offered: Resources.EMPTY });
    const add = (agentId: string, kind: keyof AgentUsage, resources: readonly v1.Resource[] | undefined): void => {
      const entry = usage.get(agentId);
      if (entry !== undefined && resources !== undefined && resources.length > 0) entry[kind] = entry[kind].plus(resources);
    };
    for (const framework of this.#frameworks.values()) {
      for (const task of framework.tasks.values()) if (task.holdsResources) add(task.agentId, 'allocated', task.task.resources);
      for (const [agentId, executors] of framework.executors) {
        for (const executor of executors.values()) if (executor.holdsResources) add(agentId, 'allocated', executor.info.resources);
      }
    }
    for (const offer of this.#offers.values()) add(offer.agentId, 'offered', offer.resources);
    return usage;
  }

  /** The role weights in force: the `--weights` flag, overridden by UPDATE_WEIGHTS. */
  get weights(): ReadonlyMap<string, number> {
    return this.#weights;
  }

  #registeredAgent(agentId: string): Agent {
    const agent = this.#agents.get(agentId);
    if (agent === undefined) throw new MesosError('BAD_REQUEST', `No agent found with specified ID ${agentId}`);
    return agent;
  }

  /** UPDATE_WEIGHTS: every role valid and every weight positive, or nothing changes. */
  async updateWeights(infos: readonly v1.WeightInfo[]): Promise<void> {
    const weights: Record<string, number> = {};
    for (const info of infos) {
      if (info.role === undefined) throw new MesosError('BAD_REQUEST', 'Failed to validate update weights: role is required');
      const invalid = validateRole(info.role);
      if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Failed to validate update weights: ${invalid}`);
      if (info.role === '*') throw new MesosError('BAD_REQUEST', "Failed to validate update weights: cannot set weight of the '*' role");
      if (!(info.weight > 0) || !Number.isFinite(info.weight)) {
        throw new MesosError('BAD_REQUEST', `Failed to validate update weights: weight of role '${info.role}' must be a positive number, got ${info.weight}`);
      }
      if (Object.hasOwn(weights, info.role)) throw new MesosError('BAD_REQUEST', `Failed to validate update weights: duplicate role '${info.role}'`);
      weights[info.role] = info.weight;
    }
    await this.#registry.updateWeights(weights);
    for (const [role, weight] of Object.entries(weights)) this.#weights.set(role, weight);
    this.#allocator.updateWeights(weights);
    this.#scheduleAllocation();
  }

  /**
   * UPDATE_QUOTA (quota v2): guarantees and limits per top-level role. Without `force`, the sum
   * of all guarantees must fit the cluster's total, as Mesos checks. A config with neither
   * guarantees nor limits removes the role's quota.
   */
  async updateQuota(configs: readonly QuotaConfig[], force: boolean): Promise<void> {
    const seen = new Set<string>();
    for (const config of configs) {
      const problem = validateQuotaConfig(config);
      if (problem !== undefined) throw new MesosError('BAD_REQUEST', `Invalid QuotaConfig: ${problem}`);
      if (seen.has(config.role)) throw new MesosError('BAD_REQUEST', `Invalid QuotaConfig: duplicate role '${config.role}'`);
      seen.add(config.role);
    }
    if (!force) {
      const guaranteed = new Map<string, number>();
      const quotas = new Map(this.#registry.snapshot.quotas);
      for (const config of configs) quotas.set(config.role, config);
      for (const config of quotas.values()) {
        for (const [name, scalar] of Object.entries(config.guarantees ?? {})) guaranteed.set(name, (guaranteed.get(name) ?? 0) + scalar.value);
      }
      let total = Resources.EMPTY;
      for (const agent of this.#agents.values()) total = total.plus(agent.total.unallocate());
      for (const [name, amount] of guaranteed) {
        const capacity = total.named(name).scalars().toArray().reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
        if (amount > capacity + 1e-9) {
          throw new MesosError('BAD_REQUEST', `Invalid QuotaConfig: total quota guarantees of '${name}' (${amount}) exceed cluster capacity (${capacity}) (use 'force' flag to bypass this check)`);
        }
      }
    }
    await this.#registry.updateQuotas(configs);
    for (const config of configs) this.#allocator.setQuota(config.role, scalarMap(config.guarantees), scalarMap(config.limits));
    this.#scheduleAllocation();
  }

  /**
   * RESERVE_RESOURCES and UNRESERVE_RESOURCES on an agent's unallocated resources. Offers on the
   * agent are rescinded first so that what they held can be converted; a conversion that does
   * not fit what is free is a 409, as Mesos's.
   */
  reserveResources(agentId: string, given: readonly v1.Resource[], reserving: boolean): void {
    const agent = this.#registeredAgent(agentId);
    const what = reserving ? 'reserve' : 'unreserve';
    if (given.length === 0) throw new MesosError('BAD_REQUEST', `Invalid ${what} operation: no resources specified`);
    const resources = upgradeResources(given);
    const invalid = validateResources(resources);
    if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Invalid ${what} operation: ${invalid}`);
    for (const r of resources) {
      if (r.allocation_info !== undefined) throw new MesosError('BAD_REQUEST', `Invalid ${what} operation: resources must not have 'allocation_info'`);
      const last = r.reservations?.[r.reservations.length - 1];
      if (last === undefined || last.type !== 'DYNAMIC') {
        throw new MesosError('BAD_REQUEST', `Invalid ${what} operation: resources must be dynamically reserved: ${stringifyResource(r)}`);
      }
      if (isRevocable(r) || isShared(r)) throw new MesosError('BAD_REQUEST', `Invalid ${what} operation: revocable and shared resources are not supported`);
    }
    const reserved = Resources.from(resources);
    const unreserved = reserved.popReservation();
    const [from, to] = reserving ? [unreserved, reserved] : [reserved, unreserved];
    this.#rescindAgentOffers(agent);
    const free = agent.total.minus(this.#inUse(agent).unallocate());
    if (!free.contains(from)) {
      throw new MesosError('CONFLICT', `Insufficient resources to ${what}: ${from.toString()} is not available on agent ${agentId} (free: ${free.toString()})`);
    }
    agent.total = agent.total.minus(from).plus(to);
    this.#allocator.updateAgent(agent.id, agent.total.toArray());
    this.#sendToAgent(agent.id, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.total.toArray() } });
    this.#log(`Operator ${what}d ${(reserving ? to : from).toString()} on agent ${agentId}`);
    this.#scheduleAllocation();
  }

  /** TEARDOWN by an operator: as the framework's own TEARDOWN. */
  teardown(frameworkId: string): void {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) throw new MesosError('BAD_REQUEST', 'No framework found with specified ID');
    this.#removeFramework(framework, 'Framework torn down by an operator');
  }

  /** DEACTIVATE_AGENT and REACTIVATE_AGENT; reactivating also ends a drain. */
  async setAgentDeactivated(agentId: string, deactivated: boolean): Promise<void> {
    const agent = this.#registeredAgent(agentId);
    await this.#registry.setDeactivated(agentId, deactivated);
    if (this.#agents.get(agentId) !== agent) return;
    agent.deactivated = deactivated;
    if (!deactivated) agent.drain = undefined;
    this.#syncActivation(agent);
    this.#publishAgentUpdated(agent);
    this.#log(`Agent ${agentId} ${deactivated ? 'deactivated' : 'reactivated'} by an operator`);
  }

  /**
   * DRAIN_AGENT: the agent is deactivated (in the registry) and every task on it is killed, with
   * a grace period of at most `maxGracePeriodMs`; their terminal updates carry
   * REASON_AGENT_DRAINING. Once no task is left the agent is DRAINED, and marked gone if asked.
   */
  async drainAgent(agentId: string, maxGracePeriodMs: number | undefined, markGone: boolean): Promise<void> {
    const agent = this.#registeredAgent(agentId);
    if (maxGracePeriodMs !== undefined && !(maxGracePeriodMs >= 0)) {
      throw new MesosError('BAD_REQUEST', "Failed to validate master::Call: 'max_grace_period' must be non-negative");
    }
    // It travels as int64 nanoseconds (DurationInfo): anything longer cannot be written.
    if (maxGracePeriodMs !== undefined && maxGracePeriodMs * 1e6 > MAX_INT64_NS) {
      throw new MesosError('BAD_REQUEST', "Failed to validate master::Call: 'max_grace_period' is too large");
    }
    await this.#registry.setDeactivated(agentId, true);
    if (this.#agents.get(agentId) !== agent) return;
    const config: v1.DrainConfig = { mark_gone: markGone };
    if (maxGracePeriodMs !== undefined) config.max_grace_period = { nanoseconds: Math.round(maxGracePeriodMs * 1e6) };
    agent.deactivated = true;
    agent.drain = { state: 'DRAINING', config };
    this.#syncActivation(agent);
    this.#killForDrain(agent);
    this.#log(`Draining agent ${agentId}${markGone ? ' (to be marked gone)' : ''}`);
    this.#publishAgentUpdated(agent);
    this.#checkDrained(agent);
  }

  /**
   * Kills every live task of a draining agent, with REASON_AGENT_DRAINING and the drain's grace
   * cap. Sent again when the agent reregisters, as Mesos sends DrainSlaveMessage again: kills sent
   * while its link was down went nowhere.
   */
  #killForDrain(agent: Agent): void {
    const capNs = agent.drain?.config.max_grace_period?.nanoseconds;
    for (const [frameworkId, tasks] of agent.tasks) {
      for (const task of tasks.values()) {
        if (isTerminalState(task.task.state)) continue;
        const kill: link.Event.KillTask = { framework_id: { value: frameworkId }, task_id: task.task.task_id, reason: 'REASON_AGENT_DRAINING' };
        const graceNs = task.task.kill_policy?.grace_period?.nanoseconds;
        const grace = capNs === undefined ? graceNs : Math.min(graceNs ?? capNs, capNs);
        if (grace !== undefined) kill.kill_policy = { grace_period: { nanoseconds: grace } };
        this.#sendToAgent(agent.id, { type: 'KILL_TASK', kill_task: kill });
      }
    }
  }

  /** A draining agent with no task left on the books is drained (and marked gone if asked). */
  #checkDrained(agent: Agent): void {
    if (agent.drain?.state !== 'DRAINING') return;
    for (const tasks of agent.tasks.values()) if (tasks.size > 0) return;
    agent.drain = { ...agent.drain, state: 'DRAINED' };
    this.#log(`Agent ${agent.id} is drained`);
    this.#publishAgentUpdated(agent);
    if (agent.drain.config.mark_gone === true) {
      this.#removeAgent(agent, 'gone', 'drained with mark_gone').catch((err: unknown) => this.#log(`Marking drained agent ${agent.id} gone failed: ${(err as Error).message}`));
    }
  }

  /** MARK_AGENT_GONE: recorded in the registry; its tasks are gone and it is told to shut down. */
  async markAgentGone(agentId: string): Promise<void> {
    const agent = this.#agents.get(agentId);
    if (agent !== undefined) {
      await this.#removeAgent(agent, 'gone', 'marked gone by an operator');
      return;
    }
    const snapshot = this.#registry.snapshot;
    if (snapshot.gone.has(agentId)) return;
    if (!snapshot.unreachable.has(agentId) && !snapshot.agents.has(agentId)) {
      throw new MesosError('BAD_REQUEST', `No agent found with specified ID ${agentId}`);
    }
    await this.#registry.markGone(agentId, Date.now() * 1e6);
    // Only once the registry holds it: a failed write leaves the agent as it was.
    this.#recoveredAgents.delete(agentId);
    for (const framework of this.#frameworks.values()) {
      for (const [taskId, task] of framework.unreachableTasks) {
        if (task.agent_id?.value === agentId) framework.unreachableTasks.delete(taskId);
      }
    }
    this.#log(`Agent ${agentId} marked gone by an operator`);
  }

  /**
   * Mesos's v1 event stream has no AGENT_UPDATED; an agent whose state an operator changed is
   * announced again with AGENT_ADDED, which subscribers treat as an upsert.
   */
  #publishAgentUpdated(agent: Agent): void {
    this.#publish(() => ({ type: 'AGENT_ADDED', agent_added: { agent: agentView(agent, this.agentUsage(agent)) } }));
  }

  // -----------------------------------------------------------------------------------------
  // Maintenance (maintenance.ts has the rules; the registry keeps the schedule and DOWN machines)

  #maintenanceState(): MaintenanceState {
    const snapshot = this.#registry.snapshot;
    return { schedule: snapshot.schedule, down: snapshot.downMachines };
  }

  /** The machine an agent runs on, as Mesos names it: its hostname and IP. */
  #machineOf(agent: { info: v1.AgentInfo; ip: string }): v1.MachineID {
    return { hostname: agent.info.hostname, ip: agent.ip };
  }

  #agentMachines(): Set<string> {
    return new Set([...this.#agents.values()].map((agent) => machineKey(this.#machineOf(agent))));
  }

  maintenanceSchedule(): maintenance.Schedule {
    return this.#registry.snapshot.schedule;
  }

  maintenanceStatus(): maintenance.ClusterStatus {
    return clusterStatus(this.#maintenanceState());
  }

  /**
   * UPDATE_MAINTENANCE_SCHEDULE: machines in the schedule become DRAINING and offers from their
   * agents carry the window's unavailability; offers already out are rescinded so that
   * frameworks see it.
   */
  async updateMaintenanceSchedule(schedule: maintenance.Schedule): Promise<void> {
    const invalid = validateSchedule(schedule, this.#maintenanceState());
    if (invalid !== undefined) throw new MesosError('BAD_REQUEST', invalid);
    await this.#registry.updateSchedule(schedule);
    for (const agent of this.#agents.values()) this.#rescindAgentOffers(agent);
    this.#scheduleAllocation();
  }

  /**
   * START_MAINTENANCE (`/machine/down`): the machines go DOWN; their agents are removed and told
   * to shut down, their tasks become TASK_GONE_BY_OPERATOR (TASK_LOST to frameworks that are not
   * partition-aware), and they may not register until the machine is brought up.
   */
  async startMaintenance(machines: readonly v1.MachineID[]): Promise<void> {
    const invalid = validateStartMaintenance(machines, this.#maintenanceState(), this.#agentMachines());
    if (invalid !== undefined) throw new MesosError('BAD_REQUEST', invalid);
    await this.#registry.startMaintenance(machines);
    const down = new Set(machines.map(machineKey));
    for (const agent of [...this.#agents.values()]) {
      if (down.has(machineKey(this.#machineOf(agent)))) await this.#removeAgent(agent, 'down', 'its machine was brought down for maintenance');
    }
  }

  /** STOP_MAINTENANCE (`/machine/up`): the machines are UP and leave the schedule. */
  async stopMaintenance(machines: readonly v1.MachineID[]): Promise<void> {
    const invalid = validateStopMaintenance(machines, this.#maintenanceState(), this.#agentMachines());
    if (invalid !== undefined) throw new MesosError('BAD_REQUEST', invalid);
    await this.#registry.stopMaintenance(machines);
  }

  /** The allocator's explanation for a framework in one of its roles (our extension). */
  explain(frameworkId: string, role?: string): Explanation {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) throw new MesosError('BAD_REQUEST', 'No framework found with specified ID');
    if (role !== undefined && !framework.roles.has(role)) {
      throw new MesosError('BAD_REQUEST', `Framework ${frameworkId} is not subscribed to role '${role}'`);
    }
    return this.#allocator.explain(frameworkId, role);
  }

  // =========================================================================================
  // Agent link

  /**
   * REGISTER: admits a new agent (a fresh id, written to the registry before it is told) or
   * readmits a known one with what it runs. Resolves once the agent is registered; throws a
   * MesosError whose message the link sends as ERROR.
   */
  /** The checks a REGISTER must pass before the link's stream opens (failures are 400s). */
  checkRegister(register: link.Call.Register): void {
    if (register.version !== LINK_VERSION) {
      throw new MesosError('BAD_REQUEST', `Unsupported agent link version ${register.version}; this master speaks ${LINK_VERSION}`);
    }
    const invalid = validateResources(agentTotal(register));
    if (invalid !== undefined) throw new MesosError('INVALID_RESOURCES', `Invalid agent resources: ${invalid}`);
    // The allocator does not handle revocable or shared resources yet.
    const used = [
      ...agentTotal(register),
      ...(register.tasks ?? []).flatMap((t) => t.resources ?? []),
      ...(register.executors ?? []).flatMap((e) => e.resources ?? []),
    ];
    if (used.some((r) => isRevocable(r) || isShared(r))) {
      throw new MesosError('INVALID_RESOURCES', 'Revocable and shared resources are not supported yet');
    }
    const badTask = validateResources([...(register.tasks ?? []).flatMap((t) => t.resources ?? []), ...(register.executors ?? []).flatMap((e) => e.resources ?? [])]);
    if (badTask !== undefined) throw new MesosError('INVALID_RESOURCES', `Invalid task or executor resources: ${badTask}`);
    const id = register.agent_info.id?.value;
    if (id !== undefined) {
      const bad = validateId(id);
      if (bad !== undefined) throw new MesosError('BAD_REQUEST', `Invalid agent id: ${bad}`);
    }
  }

  async registerAgent(register: link.Call.Register, agentLink: AgentLink, peerIp: string): Promise<void> {
    this.checkRegister(register);
    const info = register.agent_info;
    const total = agentTotal(register);
    const ip = register.ip ?? peerIp;
    if (machineMode(this.#maintenanceState(), { hostname: info.hostname, ip }) === 'DOWN') {
      // As Mesos: an agent on a machine that is down for maintenance is told to shut down.
      const message = `Agent attempted to register while its machine (${info.hostname}, ${ip}) is down for maintenance`;
      agentLink.stream.send({ type: 'SHUTDOWN', shutdown: { message } });
      throw new MesosError('BAD_REQUEST', message);
    }
    const requestedId = info.id?.value;
    if (requestedId === undefined) {
      const id = `${this.id}-S${this.#nextAgentId++}`;
      const admitted: v1.AgentInfo = { ...info, id: { value: id }, resources: info.resources ?? [] };
      await this.#registry.admitAgent(admitted);
      if (this.#stopped) return;
      const agent = this.#createAgent(admitted, ip, Resources.from(total), register);
      this.#counters.agentRegistrations.inc();
      this.#greet(agent, agentLink);
      this.#log(`Registered agent ${id} at ${ip}:${info.port ?? 5051} (${info.hostname}) with ${Resources.from(total).toString()}`);
      return;
    }
    await this.#reregisterAgent(requestedId, { ...info, id: { value: requestedId } }, ip, total, register, agentLink);
  }

  async #reregisterAgent(
    id: string, info: v1.AgentInfo, ip: string, total: readonly v1.Resource[], register: link.Call.Register, agentLink: AgentLink,
  ): Promise<void> {
    const snapshot = this.#registry.snapshot;
    if (snapshot.gone.has(id)) {
      agentLink.stream.send({ type: 'SHUTDOWN', shutdown: { message: `Agent ${id} has been marked gone` } });
      throw new MesosError('BAD_REQUEST', `Agent ${id} has been marked gone`);
    }
    // Tasks must fit the total, or the allocator's books could not hold them.
    const taskResources = Resources.from((register.tasks ?? []).filter((t) => usesResources(t.state)).flatMap((t) => t.resources ?? []));
    const executorResources = Resources.from((register.executors ?? []).flatMap((e) => e.resources ?? []));
    const totalResources = Resources.from(total);
    if (!totalResources.contains(taskResources.plus(executorResources).unallocate())) {
      throw new MesosError('INVALID_RESOURCES', `Agent ${id} runs tasks and executors that use more than its total ${totalResources.toString()}`);
    }
    // Mesos ignores a reregistration while the agent is being removed; the agent retries.
    if (this.#removing.has(id)) throw new MesosError('SERVICE_UNAVAILABLE', `Agent ${id} is being removed; retry`);
    this.#recoveredAgents.delete(id);
    this.#reregistering.add(id);
    let wasUnreachable: boolean;
    try {
      wasUnreachable = snapshot.unreachable.has(id);
      if (wasUnreachable || !snapshot.agents.has(id)) await this.#registry.markReachable(info);
      else await this.#registry.updateAgentInfo(info);
    } finally {
      this.#reregistering.delete(id);
    }
    if (this.#stopped) return;
    if (!this.#registry.snapshot.agents.has(id)) throw new MesosError('SERVICE_UNAVAILABLE', `Agent ${id} could not be readmitted; retry`);

    let agent = this.#agents.get(id);
    const known = agent !== undefined;
    this.#counters.agentReregistrations.inc();
    if (agent === undefined) {
      agent = this.#createAgent(info, ip, totalResources, register);
    } else {
      // A known agent (its link dropped, or it restarted): it keeps its place in the allocator,
      // filters included, as Mesos reactivates rather than re-adds it (#greet reactivates it).
      this.#rescindAgentOffers(agent);
      agent.info = info;
      agent.ip = ip;
      agent.capabilities = register.capabilities ?? [];
      agent.version = register.agent_version;
    }
    agent.reregisteredTime = nowSeconds();
    const { adopted, orphans } = this.#adopt(agent, register);
    // After adoption the books hold exactly what the agent reported, so a changed total can be
    // checked against it. An agent this master already had keeps the master's dynamic
    // reservations when its report differs only in those: an operator's RESERVE or UNRESERVE
    // while the link was down never reached it, and Mesos sends such an agent the master's
    // checkpointed resources rather than take its stale ones.
    const masterKeepsReservations = known && !agent.total.equals(totalResources) &&
      withoutDynamicReservations(agent.total).equals(withoutDynamicReservations(totalResources));
    if (masterKeepsReservations) {
      this.#log(`Agent ${id} reregistered with stale reservations; sending it the master's ${agent.total.toString()}`);
    } else if (!agent.total.equals(totalResources)) {
      if (totalResources.contains(this.#inUse(agent).unallocate())) {
        agent.total = totalResources;
        this.#allocator.updateAgent(id, totalResources.toArray());
      } else {
        this.#log(`Agent ${id} reported a total ${totalResources.toString()} that does not hold what runs there; keeping ${agent.total.toString()}`);
      }
    }
    this.#greet(agent, agentLink);
    if (masterKeepsReservations) {
      this.#sendToAgent(id, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.total.toArray() } });
    }
    if (agent.drain?.state === 'DRAINING') {
      this.#killForDrain(agent);
      this.#checkDrained(agent);
    }
    // Tasks of frameworks that were removed must not run on.
    for (const frameworkId of orphans) {
      this.#sendToAgent(id, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: frameworkId } } });
    }
    if (wasUnreachable) {
      // As Mesos: tasks of frameworks that are not partition-aware were reported lost when the
      // agent became unreachable, so they are killed now that it is back.
      for (const task of adopted) {
        const framework = this.#frameworks.get(task.frameworkId);
        if (framework !== undefined && !hasCapability(framework.info, 'PARTITION_AWARE') && !isTerminalState(task.task.state)) {
          this.#sendToAgent(id, { type: 'KILL_TASK', kill_task: { framework_id: { value: framework.id }, task_id: task.task.task_id } });
        }
      }
    }
    this.#log(`Reregistered agent ${id} at ${ip}:${info.port ?? 5051} with ${adopted.length} tasks${wasUnreachable ? ' (was unreachable)' : ''}`);
  }

  /** What the master counts as in use on an agent: its tasks' and executors' resources. */
  #inUse(agent: Agent): Resources {
    let used = Resources.EMPTY;
    for (const tasks of agent.tasks.values()) {
      for (const task of tasks.values()) if (task.holdsResources) used = used.plus(task.task.resources ?? []);
    }
    for (const framework of this.#frameworks.values()) {
      for (const executor of framework.executors.get(agent.id)?.values() ?? []) {
        if (executor.holdsResources) used = used.plus(executor.info.resources ?? []);
      }
    }
    return used;
  }

  #createAgent(info: v1.AgentInfo, ip: string, total: Resources, register: link.Call.Register): Agent {
    const id = info.id!.value;
    const deactivated = this.#registry.snapshot.agents.get(id)?.deactivated ?? false;
    const agent: Agent = {
      id, info, ip, total, capabilities: register.capabilities ?? [], version: register.agent_version, link: undefined,
      active: !deactivated, deactivated, drain: undefined, registeredTime: nowSeconds(), reregisteredTime: undefined,
      pingTimer: undefined, pingOutstanding: false, pingMisses: 0, offers: new Set(), tasks: new Map(),
    };
    this.#allocator.addAgent(id, total.toArray(), { activated: agent.active });
    this.#agents.set(id, agent);
    this.#publish(() => ({ type: 'AGENT_ADDED', agent_added: { agent: agentView(agent, this.agentUsage(agent)) } }));
    return agent;
  }

  /**
   * Reconciles the master's books for an agent with what the agent reports it runs: tasks the
   * master knew there but the agent does not report are dropped (they never reached it, or died
   * with it); reported tasks and executors the master did not know are adopted, with their
   * resources, and frameworks it did not know come back as "recovered", without a scheduler.
   */
  #adopt(agent: Agent, register: link.Call.Register): { adopted: Task[]; orphans: Set<string> } {
    const id = agent.id;
    const infos = new Map((register.frameworks ?? []).filter((f) => f.id !== undefined).map((f) => [f.id!.value, f]));
    const ensureFramework = (frameworkId: string): Framework | undefined => {
      const known = this.#frameworks.get(frameworkId);
      if (known !== undefined) return known;
      if (this.#completedFrameworks.has(frameworkId)) return undefined;
      const frameworkInfo = infos.get(frameworkId);
      if (frameworkInfo === undefined || validateFrameworkInfo(frameworkInfo) !== undefined) return undefined;
      return this.#addFramework(frameworkInfo, [], false);
    };

    const reportedTasks = new Map((register.tasks ?? []).map((t) => [`${t.framework_id.value}\u0000${t.task_id.value}`, t]));
    for (const [frameworkId, tasks] of agent.tasks) {
      const framework = this.#frameworks.get(frameworkId);
      for (const task of [...tasks.values()]) {
        if (reportedTasks.has(`${frameworkId}\u0000${task.task.task_id.value}`)) continue;
        if (framework !== undefined && !isTerminalState(task.task.state)) {
          this.#transitionByMaster(framework, task, 'TASK_DROPPED', 'REASON_AGENT_RESTARTED',
            `Task is not known to agent ${id} after it reregistered`);
        }
        this.#removeTask(task);
      }
    }
    const reportedExecutors = new Set((register.executors ?? []).map((e) => `${e.framework_id?.value ?? ''}\u0000${e.executor_id.value}`));
    for (const framework of this.#frameworks.values()) {
      const executors = framework.executors.get(id);
      for (const [executorId, executor] of executors ?? []) {
        if (reportedExecutors.has(`${framework.id}\u0000${executorId}`)) continue;
        executors!.delete(executorId);
        if (executor.holdsResources) this.#allocator.recover(framework.id, id, executor.role, executor.info.resources ?? []);
      }
    }

    for (const executor of register.executors ?? []) {
      const frameworkId = executor.framework_id?.value;
      const framework = frameworkId === undefined ? undefined : ensureFramework(frameworkId);
      if (framework === undefined || this.#knownExecutor(framework, agent, executor.executor_id.value)) continue;
      const role = roleOf(executor.resources) ?? [...framework.roles][0] ?? '*';
      const holds = (executor.resources ?? []).length > 0 && framework.roles.has(role);
      this.#addExecutor(framework, agent, executor, role, holds);
      if (holds) this.#allocator.addAllocation(framework.id, id, role, executor.resources!);
    }
    const adopted: Task[] = [];
    const orphans = new Set<string>();
    for (const reported of register.tasks ?? []) {
      const framework = ensureFramework(reported.framework_id.value);
      if (framework === undefined) {
        orphans.add(reported.framework_id.value);
        continue;
      }
      const known = framework.tasks.get(reported.task_id.value);
      if (known !== undefined && known.agentId === id) {
        // The agent's word on the state wins; resources stay as they are counted.
        known.task.state = reported.state;
        if (reported.status_update_state !== undefined) known.task.status_update_state = reported.status_update_state;
        if (reported.status_update_uuid !== undefined) known.task.status_update_uuid = reported.status_update_uuid;
        if (!usesResources(reported.state)) this.#releaseTask(known);
        adopted.push(known);
        continue;
      }
      const task = this.#addTask(framework, agent, { ...reported, agent_id: { value: id } }, false);
      if (usesResources(reported.state) && framework.roles.has(task.role) && (reported.resources ?? []).length > 0) {
        this.#allocator.addAllocation(framework.id, id, task.role, reported.resources!);
        task.holdsResources = true;
      }
      adopted.push(task);
    }
    for (const executor of register.executors ?? []) {
      const frameworkId = executor.framework_id?.value;
      if (frameworkId !== undefined && !this.#frameworks.has(frameworkId)) orphans.add(frameworkId);
    }
    return { adopted, orphans };
  }

  /** Binds the link, sends REGISTERED, and (re)starts pinging. */
  #greet(agent: Agent, agentLink: AgentLink): void {
    this.#bindLink(agent, agentLink);
    this.#syncActivation(agent);
    agentLink.stream.send({
      type: 'REGISTERED',
      registered: {
        agent_id: { value: agent.id },
        master_info: this.info,
        ping_interval_seconds: this.options.agentPingTimeoutMs / 1000,
        total_ping_timeout_seconds: (this.options.agentPingTimeoutMs * this.options.maxAgentPingTimeouts) / 1000,
      },
    });
    clearInterval(agent.pingTimer);
    agent.pingOutstanding = false;
    agent.pingMisses = 0;
    agent.pingTimer = setInterval(() => this.#pingTick(agent), this.options.agentPingTimeoutMs);
    agent.pingTimer.unref();
    this.#scheduleAllocation();
  }

  #bindLink(agent: Agent, agentLink: AgentLink): void {
    const old = agent.link;
    agent.link = agentLink;
    agentLink.agentId = agent.id;
    if (old !== undefined && old !== agentLink) {
      old.stream.send({ type: 'ERROR', error: { message: 'Agent link replaced by a newer one' } });
      old.close();
    }
    agentLink.stream.onClose(() => {
      if (agent.link === agentLink && this.#agents.get(agent.id) === agent) this.#agentDisconnected(agent);
    });
  }

  /** The link dropped: no offers from the agent until it reregisters; pings keep counting. */
  #agentDisconnected(agent: Agent): void {
    if (this.#stopped) return;
    agent.link = undefined;
    this.#syncActivation(agent);
    this.#rescindAgentOffers(agent);
    // Tasks of frameworks that do not checkpoint cannot survive an agent restart.
    for (const [frameworkId, tasks] of agent.tasks) {
      const framework = this.#frameworks.get(frameworkId);
      if (framework === undefined || framework.info.checkpoint === true) continue;
      for (const task of [...tasks.values()]) {
        if (isTerminalState(task.task.state)) continue;
        this.#transitionByMaster(framework, task, 'TASK_LOST', 'REASON_AGENT_DISCONNECTED', `Agent ${agent.id} disconnected`);
        this.#removeTask(task);
      }
    }
    this.#log(`Agent ${agent.id} disconnected`);
  }

  /**
   * Keeps the allocator's view of an agent in step with the books: its resources are offered
   * only while it is linked and not deactivated by an operator (or draining).
   */
  #syncActivation(agent: Agent): void {
    const wanted = agent.link !== undefined && !agent.deactivated;
    if (wanted === agent.active) return;
    agent.active = wanted;
    if (wanted) {
      this.#allocator.activateAgent(agent.id);
      this.#scheduleAllocation();
    } else {
      this.#allocator.deactivateAgent(agent.id);
      this.#rescindAgentOffers(agent);
    }
  }

  #pingTick(agent: Agent): void {
    if (this.#agents.get(agent.id) !== agent) {
      clearInterval(agent.pingTimer);
      return;
    }
    if (agent.pingOutstanding) agent.pingMisses++;
    else agent.pingMisses = 0;
    if (agent.pingMisses >= this.options.maxAgentPingTimeouts) {
      clearInterval(agent.pingTimer);
      this.#removeAgent(agent, 'unreachable', 'health check timed out').catch((err: unknown) => this.#log(`Marking agent ${agent.id} unreachable failed: ${(err as Error).stack ?? String(err)}`));
      return;
    }
    agent.pingOutstanding = true;
    agent.link?.stream.send({ type: 'PING' });
  }

  /** A PONG: the agent is alive. */
  pong(agentLink: AgentLink): void {
    const agent = this.#linkedAgent(agentLink);
    if (agent === undefined) return;
    agent.pingOutstanding = false;
    agent.pingMisses = 0;
  }

  /**
   * Unreachable (missed pings) or removed (the agent unregistered): recorded in the registry
   * first, then the agent leaves the books. Its tasks become TASK_UNREACHABLE (unreachable) or
   * TASK_GONE (removed) to partition-aware frameworks and TASK_LOST to others; every subscribed
   * framework hears FAILURE with the agent id.
   */
  async #removeAgent(agent: Agent, kind: 'unreachable' | 'removed' | 'gone' | 'down', why: string): Promise<void> {
    if (this.#removing.has(agent.id) || this.#reregistering.has(agent.id)) {
      // An operator's MARK_AGENT_GONE must not report success for a removal it did not make.
      if (kind === 'gone') throw new MesosError('SERVICE_UNAVAILABLE', `Agent ${agent.id} is being removed or reregistered; retry`);
      return;
    }
    clearInterval(agent.pingTimer);
    const unreachableTime = timeInfoNow();
    this.#removing.add(agent.id);
    try {
      if (kind === 'unreachable') await this.#registry.markUnreachable(agent.id, unreachableTime.nanoseconds);
      else if (kind === 'gone') await this.#registry.markGone(agent.id, unreachableTime.nanoseconds);
      else await this.#registry.removeAgent(agent.id); // 'removed', 'down': it may register anew
    } catch (err) {
      this.#log(`Failed to record agent ${agent.id} as ${kind} in the registry: ${(err as Error).message}`);
      if (kind === 'gone') {
        if (!this.#stopped && this.#agents.get(agent.id) === agent) {
          agent.pingTimer = setInterval(() => this.#pingTick(agent), this.options.agentPingTimeoutMs);
          agent.pingTimer.unref();
        }
        throw err;
      }
      // Keep watching it: the next missed pings try again.
      if (!this.#stopped && this.#agents.get(agent.id) === agent) {
        agent.pingTimer = setInterval(() => this.#pingTick(agent), this.options.agentPingTimeoutMs);
        agent.pingTimer.unref();
      }
      return;
    } finally {
      this.#removing.delete(agent.id);
    }
    if (this.#stopped || this.#agents.get(agent.id) !== agent) return;
    this.#log(`Agent ${agent.id} is ${kind}: ${why}`);
    // The agent is leaving: removing its tasks below must not complete a drain (and mark it gone).
    agent.drain = undefined;
    this.#rescindAgentOffers(agent);
    for (const [frameworkId, tasks] of agent.tasks) {
      const framework = this.#frameworks.get(frameworkId);
      if (framework === undefined) continue;
      for (const task of [...tasks.values()]) {
        if (!isTerminalState(task.task.state)) {
          const message = `Agent ${agent.id} (${agent.info.hostname}) is ${kind}: ${why}`;
          if (kind === 'unreachable') {
            this.#transitionByMaster(framework, task, 'TASK_UNREACHABLE', 'REASON_AGENT_REMOVED', message, unreachableTime);
          } else if (kind === 'gone' || kind === 'down') {
            this.#transitionByMaster(framework, task, 'TASK_GONE_BY_OPERATOR', 'REASON_AGENT_REMOVED_BY_OPERATOR', message);
          } else {
            this.#transitionByMaster(framework, task, 'TASK_GONE', 'REASON_AGENT_REMOVED', message);
          }
        }
        // The allocator drops the agent's whole allocation below.
        task.holdsResources = false;
        this.#removeTask(task, kind === 'unreachable');
      }
    }
    for (const framework of this.#frameworks.values()) framework.executors.delete(agent.id);
    const agentLink = agent.link;
    agent.link = undefined;
    this.#allocator.removeAgent(agent.id);
    this.#agents.delete(agent.id);
    this.#counters.agentRemovals.inc();
    if (kind === 'unreachable') this.#counters.agentsUnreachable.inc();
    this.#publish(() => ({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agent.id } } }));
    for (const framework of this.#frameworks.values()) {
      this.#sendEvent(framework, { type: 'FAILURE', failure: { agent_id: { value: agent.id } } });
    }
    if (agentLink !== undefined) {
      if (kind === 'unreachable') {
        agentLink.stream.send({ type: 'ERROR', error: { message: `Agent ${agent.id} was marked unreachable: ${why}; reregister` } });
      } else if (kind === 'gone') {
        agentLink.stream.send({ type: 'SHUTDOWN', shutdown: { message: `Agent ${agent.id} has been marked gone` } });
      } else if (kind === 'down') {
        agentLink.stream.send({ type: 'SHUTDOWN', shutdown: { message: `Agent ${agent.id}: ${why}` } });
      }
      agentLink.close();
    }
  }

  /** Agents from the registry that did not reregister in time after a master failover. */
  #recoveredAgentsTimeout(): void {
    for (const id of [...this.#recoveredAgents.keys()]) {
      this.#recoveredAgents.delete(id);
      if (this.#reregistering.has(id) || this.#agents.has(id)) continue;
      this.#registry.markUnreachable(id, Date.now() * 1e6).then(
        () => this.#log(`Agent ${id} did not reregister within ${this.options.agentReregisterTimeoutMs} ms; marked unreachable`),
        (err: unknown) => this.#log(`Failed to mark agent ${id} unreachable: ${(err as Error).message}`),
      );
    }
  }

  /** A master-made status: the task's state changes and the framework hears it (no uuid). */
  #transitionByMaster(
    framework: Framework, task: Task, state: v1.TaskState, reason: v1.TaskStatus.Reason, message: string,
    unreachableTime?: v1.TimeInfo,
  ): void {
    const status = masterStatus({
      taskId: task.task.task_id.value, state, reason, message, agentId: task.agentId,
      executorId: task.task.executor_id?.value, partitionAware: hasCapability(framework.info, 'PARTITION_AWARE'),
      now: nowSeconds(), unreachableTime,
    });
    const previous = task.task.state;
    // The books keep the state the framework was told (TASK_LOST, not TASK_GONE_BY_OPERATOR, for
    // a framework that is not partition-aware), as Mesos's updateTask does: the operator API, the
    // `master/tasks_<state>` counters and the framework then agree.
    const told = status.state;
    task.task.state = told;
    task.task.status_update_state = told;
    delete task.task.status_update_uuid;
    task.task.statuses = [...(task.task.statuses ?? []).filter((s) => s.state !== told), status];
    this.#taskStateChanged(task, previous, status);
    this.#sendEvent(framework, { type: 'UPDATE', update: { status } });
  }

  #linkedAgent(agentLink: AgentLink): Agent | undefined {
    const agent = agentLink.agentId === undefined ? undefined : this.#agents.get(agentLink.agentId);
    return agent?.link === agentLink ? agent : undefined;
  }

  /** Any call after REGISTER on a link. */
  agentCall(agentLink: AgentLink, call: link.Call): void {
    const agent = this.#linkedAgent(agentLink);
    if (agent === undefined) return; // A replaced or unreachable agent's stale link.
    switch (call.type) {
      case 'PONG':
        this.pong(agentLink);
        return;
      case 'STATUS_UPDATE':
        if (call.status_update !== undefined) this.#statusUpdate(agent, call.status_update);
        return;
      case 'EXECUTOR_EXITED':
        if (call.executor_exited !== undefined) this.#executorExited(agent, call.executor_exited);
        return;
      case 'EXECUTOR_MESSAGE': {
        const message = call.executor_message;
        const framework = message === undefined ? undefined : this.#frameworks.get(message.framework_id.value);
        if (message !== undefined && framework !== undefined) {
          this.#sendEvent(framework, {
            type: 'MESSAGE',
            message: { agent_id: { value: agent.id }, executor_id: message.executor_id, data: message.data },
          });
        }
        return;
      }
      case 'UPDATE_RESOURCES':
        // Agents with resource providers change their total; ours do not yet.
        return;
      case 'UNREGISTER':
        this.#log(`Agent ${agent.id} unregistered`);
        this.#removeAgent(agent, 'removed', 'the agent unregistered').catch((err: unknown) => this.#log(`Removing agent ${agent.id} failed: ${(err as Error).stack ?? String(err)}`));
        return;
      default:
        throw new MesosError('BAD_REQUEST', `Unexpected agent link call ${call.type ?? 'UNKNOWN'}`);
    }
  }

  #statusUpdate(agent: Agent, update: link.Call.StatusUpdate): void {
    const status: v1.TaskStatus = { ...update.status, agent_id: { value: agent.id } };
    status.source ??= 'SOURCE_EXECUTOR';
    status.timestamp ??= nowSeconds();
    const framework = this.#frameworks.get(update.framework_id.value);
    if (framework === undefined) {
      // The framework was removed: the agent was told to shut it down; nobody to tell.
      this.#counters.invalidStatusUpdates.inc();
      return;
    }
    const task = framework.tasks.get(status.task_id.value);
    // As Mesos's statusUpdate: an update for a task the master does not know (on this agent) is
    // counted as invalid; it is still forwarded to the framework below, as before.
    const known = task !== undefined && task.agentId === agent.id;
    (known ? this.#counters.validStatusUpdates : this.#counters.invalidStatusUpdates).inc();
    if (known) {
      const latest = update.latest_state ?? status.state;
      const previous = task.task.state;
      task.task.state = latest;
      task.task.status_update_state = status.state;
      if (status.uuid !== undefined) task.task.status_update_uuid = status.uuid;
      else delete task.task.status_update_uuid;
      // Mesos keeps each state once, the newest status of it, without its (possibly large) data.
      const { data: _data, ...kept } = status;
      const statuses = (task.task.statuses ?? []).filter((s) => s.state !== status.state);
      statuses.push(kept);
      task.task.statuses = statuses;
      this.#taskStateChanged(task, previous, kept);
      if (!usesResources(latest)) this.#releaseTask(task);
      if (isTerminalState(status.state) && status.uuid === undefined) this.#removeTask(task);
    }
    this.#sendEvent(framework, { type: 'UPDATE', update: { status } });
  }

  #executorExited(agent: Agent, exited: link.Call.ExecutorExited): void {
    const framework = this.#frameworks.get(exited.framework_id.value);
    if (framework === undefined) return;
    const executors = framework.executors.get(agent.id);
    const executor = executors?.get(exited.executor_id.value);
    if (executor !== undefined) {
      executors!.delete(exited.executor_id.value);
      if (executor.holdsResources) {
        this.#allocator.recover(framework.id, agent.id, executor.role, executor.info.resources ?? []);
      }
    }
    const failure: scheduler.Event.Failure = { agent_id: { value: agent.id }, executor_id: exited.executor_id };
    if (exited.status !== undefined) failure.status = exited.status;
    this.#sendEvent(framework, { type: 'FAILURE', failure });
  }

  #sendToAgent(agentId: string, event: link.Event): void {
    this.#agents.get(agentId)?.link?.stream.send(event);
  }

  /** A link ended before REGISTER completed, or a call could not be decoded. */
  refuseLink(agentLink: AgentLink, message: string): void {
    agentLink.stream.send({ type: 'ERROR', error: { message } });
    agentLink.close();
  }
}

/** The agent's total: its checkpointed resources when it has any, else what its info declares. */
function agentTotal(register: link.Call.Register): v1.Resource[] {
  const checkpointed = register.checkpointed_resources ?? [];
  return checkpointed.length > 0 ? checkpointed : register.agent_info.resources ?? [];
}

/** What validation asks of the master about a launch (a class: no closures made per task). */
class LaunchContext implements TaskContext {
  readonly framework: v1.FrameworkInfo;
  readonly agentId: string;
  readonly available: Resources;
  readonly #framework: Framework;

  constructor(framework: Framework, agentId: string, available: Resources) {
    this.#framework = framework;
    this.framework = framework.info;
    this.agentId = agentId;
    this.available = available;
  }

  taskIdInUse(taskId: string): boolean {
    return this.#framework.tasks.has(taskId);
  }

  executor(executorId: string): v1.ExecutorInfo | undefined {
    return this.#framework.executors.get(this.agentId)?.get(executorId)?.info;
  }
}

function launchedTasks(operation: v1.Offer.Operation): v1.TaskInfo[] {
  if (operation.type === 'LAUNCH') return operation.launch?.task_infos ?? [];
  if (operation.type === 'LAUNCH_GROUP') return operation.launch_group?.task_group.tasks ?? [];
  return [];
}

/**
 * Offers to frameworks without RESERVATION_REFINEMENT use the older resource format (`role` and
 * `reservation` rather than a `reservations` stack), as Mesos converts them. Resources with a
 * refined reservation cannot be written that way, but they are only ever offered to roles that
 * hold such reservations, which only refinement-capable frameworks can make.
 */
function offeredFormat(info: v1.FrameworkInfo, resources: v1.Resource[]): v1.Resource[] {
  const multiRole = hasCapability(info, 'MULTI_ROLE');
  if (!hasCapability(info, 'RESERVATION_REFINEMENT')) {
    // Most offers to such frameworks are unreserved resources (the allocator's output has no
    // legacy fields): one copy each, what the general path below gives them.
    if (resources.every((r) => r.reservations === undefined || r.reservations.length === 0)) {
      return resources.map(({ allocation_info, reservations: _reservations, reservation: _reservation, ...rest }) =>
        multiRole && allocation_info !== undefined ? { ...rest, allocation_info, role: '*' } : { ...rest, role: '*' });
    }
  }
  let out = resources;
  if (!multiRole) out = out.map(({ allocation_info: _allocation, ...rest }) => rest);
  if (!hasCapability(info, 'RESERVATION_REFINEMENT')) {
    const downgraded = downgradeResources(out);
    if (downgraded.ok) out = downgraded.value;
  }
  return out;
}

/** The role resources are allocated to (their allocation_info), if any. */
function roleOf(resources: readonly v1.Resource[] | undefined): string | undefined {
  return resources?.find((r) => r.allocation_info?.role !== undefined)?.allocation_info?.role;
}

function frameworkHasAncestorRole(framework: Framework, role: string): boolean {
  for (const r of framework.roles) if (role.startsWith(`${r}/`)) return true;
  return false;
}

function scalarMap(map: Readonly<Record<string, v1.Value.Scalar>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, scalar] of Object.entries(map ?? {})) out[name] = scalar.value;
  return out;
}

/** FrameworkInfo.offer_filters[role].min_allocatable_resources as the allocator takes them. */
function minAllocatableOf(info: v1.FrameworkInfo): Record<string, Record<string, number>[]> | undefined {
  const filters = info.offer_filters;
  if (filters === undefined) return undefined;
  const out: Record<string, Record<string, number>[]> = {};
  for (const [role, filter] of Object.entries(filters)) {
    const groups = filter.min_allocatable_resources?.quantities ?? [];
    out[role] = groups.map((g) => scalarMap(g.quantities));
  }
  return out;
}


/**
 * Mesos's checks of a QuotaConfig (quota v2): a valid top-level role other than '*', scalar
 * quantities that are finite and non-negative, and no guarantee above its limit.
 */
function validateQuotaConfig(config: QuotaConfig): string | undefined {
  const invalidRole = validateRole(config.role);
  if (invalidRole !== undefined) return `Invalid 'QuotaConfig.role': ${invalidRole}`;
  if (config.role === '*') return "Invalid 'QuotaConfig.role': setting quota for the default '*' role is not supported";
  if (config.role.includes('/')) return `Invalid 'QuotaConfig.role': quota can only be set on top-level roles, not '${config.role}'`;
  for (const [field, map] of [['guarantees', config.guarantees], ['limits', config.limits]] as const) {
    for (const [name, scalar] of Object.entries(map ?? {})) {
      if (name === '') return `Invalid 'QuotaConfig.${field}': resource name must not be empty`;
      if (!Number.isFinite(scalar.value) || scalar.value < 0) {
        return `Invalid 'QuotaConfig.${field}': negative or non-finite quantity ${scalar.value} for '${name}'`;
      }
    }
  }
  for (const [name, guarantee] of Object.entries(config.guarantees ?? {})) {
    const limit = config.limits?.[name];
    if (limit !== undefined && guarantee.value > limit.value) {
      return `'QuotaConfig.guarantees' ${name}:${guarantee.value} is not contained within the 'QuotaConfig.limits' ${name}:${limit.value}`;
    }
  }
  return undefined;
}

/** The resources with every dynamic reservation taken off (static ones stay): what an agent has. */
function withoutDynamicReservations(resources: Resources): Resources {
  return Resources.from(resources.toArray().map((r) => {
    const stack = (r.reservations ?? []).filter((reservation) => reservation.type !== 'DYNAMIC');
    const { reservations: _reservations, ...rest } = r;
    return stack.length > 0 ? { ...rest, reservations: stack } : rest;
  }));
}

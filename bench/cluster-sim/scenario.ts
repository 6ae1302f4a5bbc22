// What a simulation runs, declared as data: the cluster (agents and their resources), the
// workload (frameworks, task sizes and durations, how much of the cluster they ask for), the
// master's flags, and how the simulator spreads itself over processes. `paperProfile` is the
// default: the Mesos paper's scalability experiment (NSDI 2011, section 6.5: 200 frameworks
// keeping the cluster busy with tasks of N(30 s, 10 s)), with time compressed by --time-scale.

import { parseResourcesOrThrow } from '../../lib/api/resources-text.ts';
import type * as v1 from '../../lib/types/mesos.ts';

export interface Scenario {
  agents: number;
  frameworks: number;
  /** Seconds of simulated load after the agents registered and the frameworks subscribed. */
  durationS: number;
  /** Task durations are divided by this (3: a 30 s task runs 10 s). */
  timeScale: number;
  /** Each agent's resources, Mesos's text form. */
  agentResources: string;
  /** Each task's resources. */
  task: { cpus: number; mem: number };
  /** Task durations before scaling: normal, cut below at `minS`. */
  taskDurationS: { mean: number; stddev: number; minS: number };
  /**
   * Demand as a fraction of the cluster: tasks arrive at each framework at a steady rate such
   * that, in steady state, `load` of all task slots are busy (rate = load x slots / mean
   * duration). When the master cannot keep up, tasks wait at the frameworks and the launch rate
   * is what the master sustains.
   */
  load: number;
  /**
   * Start with the cluster's worth of tasks (load x slots) waiting, as the paper's frameworks
   * filled the cluster at once: a burst at the start. Default off: the cluster fills at the
   * arrival rate, and the measured window sees a steady stream.
   */
  initialFill: boolean;
  /** Master flags. */
  allocationInterval: string;
  agentPingTimeout: string;
  maxAgentPingTimeouts: number;
  /** Filter for what a framework returns: ACCEPT's remainder and DECLINE. */
  refuseSeconds: number;
  /**
   * A framework with nothing waiting and no offer held for this long SUPPRESSes, and REVIVEs
   * when tasks arrive again, as schedulers written to Mesos's advice do (Spark, Marathon). 0: never
   * suppress while running, as the paper's frameworks of 2011 (SUPPRESS did not exist): every
   * idle agent is then offered, and declined, every cycle.
   */
  suppressIdleMs: number;
  /** Agents send TASK_STARTING before TASK_RUNNING, as Mesos's command executor does. */
  sendStarting: boolean;
  /** Agents resend an unacknowledged status update after this long (doubling, as Mesos's agent). */
  statusRetryS: number;
  /** Simulator layout. */
  agentsPerProcess: number;
  frameworksPerProcess: number;
  /** Agent links being set up at once, per agent process. */
  registrationConcurrency: number;
  /** Keep-alive connections per framework process for scheduler calls (pipelined). */
  callConnections: number;
  /** Loopback source addresses for agent links: 127.0.0.2 .. 127.0.0.(1 + n). */
  sourceAddresses: number;
  /** After the run, how long to wait for every task to end (arrivals stop first). 0: skip. */
  drainS: number;
  /** Track outstanding offers per agent in the framework processes and flag overlaps. */
  checkOffers: boolean;
  /**
   * Frameworks answer each OFFERS event after a random 0..offerHoldMs. Holding offers a while
   * gives the overlap check something to see; 0 answers at once (the fastest framework).
   */
  offerHoldMs: number;
  /** Poll the master's /metrics/snapshot this often. */
  metricsEveryS: number;
  seed: number;
}

export function paperProfile(overrides: Partial<Scenario> = {}): Scenario {
  return {
    agents: 1000,
    frameworks: 200,
    durationS: 30,
    timeScale: 3,
    agentResources: 'cpus:8;mem:16384;disk:100000',
    task: { cpus: 1, mem: 2048 },
    taskDurationS: { mean: 30, stddev: 10, minS: 1 },
    load: 0.9,
    initialFill: false,
    allocationInterval: '1secs',
    // Mesos's default interval, but far more misses before an agent is lost: a machine running
    // the master and thousands of simulated agents on two cores must not lose agents to a stall.
    agentPingTimeout: '15secs',
    maxAgentPingTimeouts: 20,
    refuseSeconds: 5,
    suppressIdleMs: 1000,
    sendStarting: true,
    statusRetryS: 10,
    agentsPerProcess: 5000,
    frameworksPerProcess: 250,
    registrationConcurrency: 200,
    callConnections: 4,
    sourceAddresses: 8,
    drainS: 60,
    checkOffers: false,
    offerHoldMs: 0,
    metricsEveryS: 2,
    seed: 1,
    ...overrides,
  };
}

/** Figures that follow from a scenario. */
export interface Derived {
  agentResourceJson: v1.Resource[];
  agentCpus: number;
  agentMem: number;
  slotsPerAgent: number;
  slots: number;
  /** Mean task duration after scaling, in ms. */
  meanTaskMs: number;
  /** Tasks per second the frameworks ask for, in total. */
  demandPerS: number;
  /** Tasks waiting at the start, in total. */
  initialBacklog: number;
  /** Loopback source addresses for agent links. */
  sourceAddresses: string[];
  agentProcesses: number;
  frameworkProcesses: number;
}

export function derive(s: Scenario): Derived {
  const agentResourceJson = parseResourcesOrThrow(s.agentResources).toArray();
  const scalar = (name: string): number =>
    agentResourceJson.filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
  const agentCpus = scalar('cpus');
  const agentMem = scalar('mem');
  const slotsPerAgent = Math.min(Math.floor(agentCpus / s.task.cpus + 1e-9), Math.floor(agentMem / s.task.mem + 1e-9));
  const slots = slotsPerAgent * s.agents;
  const meanTaskMs = (s.taskDurationS.mean * 1000) / s.timeScale;
  return {
    agentResourceJson,
    agentCpus,
    agentMem,
    slotsPerAgent,
    slots,
    meanTaskMs,
    demandPerS: (s.load * slots) / (meanTaskMs / 1000),
    initialBacklog: s.initialFill ? Math.floor(Math.min(1, s.load) * slots) : 0,
    sourceAddresses: Array.from({ length: s.sourceAddresses }, (_, i) => `127.0.0.${2 + i}`),
    agentProcesses: Math.max(1, Math.ceil(s.agents / s.agentsPerProcess)),
    frameworkProcesses: Math.max(1, Math.ceil(s.frameworks / s.frameworksPerProcess)),
  };
}

export function validateScenario(s: Scenario): string | undefined {
  const d = derive(s);
  if (d.slotsPerAgent < 1) return `a task (cpus:${s.task.cpus};mem:${s.task.mem}) does not fit an agent (${s.agentResources})`;
  if (s.frameworks < 1 || s.agents < 1) return 'need at least one agent and one framework';
  if (!(s.timeScale > 0)) return '--time-scale must be positive';
  if (!(s.load > 0)) return '--load must be positive';
  // Each source address has ~28k ephemeral ports towards one destination.
  if (s.agents > s.sourceAddresses * 25_000) return `${s.agents} agents need more than ${s.sourceAddresses} source addresses`;
  return undefined;
}

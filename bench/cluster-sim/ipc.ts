// The messages between the coordinator (run.ts / point.ts) and its simulator children over
// Node's IPC channel, and what the children share: a coarse timer wheel and uuids.
//
//   coordinator -> child: start (config), report (a request), window (start of the measured
//                         window: histograms restart), drain (frameworks stop launching), stop
//   child -> coordinator: ready, report (the answer: cumulative counters and histograms)

import { randomFillSync } from 'node:crypto';

import type * as v1 from '../../lib/types/mesos.ts';
import type { HistogramData } from './histogram.ts';
import type { Scenario } from './scenario.ts';
import type { Endpoint } from './wire.ts';

export interface AgentHostConfig {
  role: 'agents';
  endpoint: Endpoint;
  /** Global index of this process's first agent (names and source addresses follow it). */
  firstIndex: number;
  count: number;
  resources: v1.Resource[];
  totalCpus: number;
  totalMem: number;
  sourceAddresses: string[];
  concurrency: number;
  statusRetryMs: number;
  sendStarting: boolean;
}

/** The scenario's framework knobs, as the scenario documents them. */
type FrameworkKnobs = Pick<Scenario, 'refuseSeconds' | 'suppressIdleMs' | 'callConnections' | 'checkOffers' | 'offerHoldMs' | 'seed'>;

export interface FrameworkHostConfig extends FrameworkKnobs {
  role: 'frameworks';
  endpoint: Endpoint;
  firstIndex: number;
  count: number;
  task: { cpus: number; mem: number };
  /** Scaled durations, ms. */
  taskDurationMs: { mean: number; stddev: number; min: number };
  /** Tasks per second arriving at each framework. */
  arrivalsPerS: number;
  /** Tasks waiting at each framework when it subscribes. */
  initialBacklog: number;
  agentCpus: number;
  agentMem: number;
}

export type HostConfig = AgentHostConfig | FrameworkHostConfig;

export type ToChild =
  | { type: 'start'; config: HostConfig }
  | { type: 'report'; id: number }
  | { type: 'go' }
  | { type: 'window' }
  | { type: 'drain' }
  | { type: 'stop' };

export interface HostProcessFigures {
  /** process.cpuUsage() in seconds (user + system). */
  cpuS: number;
  rssMB: number;
}

export interface AgentHostReport extends HostProcessFigures {
  role: 'agents';
  registered: number;
  /** Agents that gave up registering (after every retry). */
  failed: number;
  /** Links that closed before REGISTERED and were retried, as a real agent retries. */
  registrationRetries: number;
  /** Links the master ended or dropped after REGISTERED. */
  linksLost: number;
  /** Wall-clock ms of the first connect and the last REGISTERED; 0 if none. */
  firstConnectAt: number;
  lastRegisteredAt: number;
  registrationMs: HistogramData;
  tasksRun: number;
  tasksFinished: number;
  tasksKilled: number;
  /** Tasks on the agents' books (running, or terminal with updates not yet acknowledged). */
  tasksHeld: number;
  /** Tasks running now (not terminal). */
  tasksLive: number;
  updatesSent: number;
  updatesResent: number;
  acks: number;
  /** Updates not acknowledged yet (heads of the per-task streams and those queued behind). */
  unacknowledged: number;
  pings: number;
  usedCpus: number;
  usedMem: number;
  /** RUN_TASKs that did not fit the agent's free resources: the master gave something twice. */
  overcommits: number;
  errors: string[];
}

export interface FrameworkHostReport extends HostProcessFigures {
  role: 'frameworks';
  subscribed: number;
  streamsLost: number;
  pending: number;
  outstandingOffers: number;
  offerEvents: number;
  offersReceived: number;
  rescinds: number;
  accepts: number;
  declines: number;
  tasksLaunched: number;
  /** Tasks of ACCEPTs that got no 202 (connection lost): given up by the framework. */
  tasksLostInCalls: number;
  /** SUPPRESS and REVIVE calls made while running (suppressIdleMs). */
  suppresses: number;
  revives: number;
  /** Launched tasks that have not reached a terminal state. */
  tasksActive: number;
  tasksRunning: number;
  terminal: Record<string, number>;
  updates: number;
  acks: number;
  callErrors: number;
  callsInFlight: number;
  acceptToRunningMs: HistogramData;
  offerLatencyMs: HistogramData;
  offerOverlaps: number;
  errors: string[];
}

export type HostReport = AgentHostReport | FrameworkHostReport;

export type FromChild = { type: 'ready' } | { type: 'report'; id: number; report: HostReport } | { type: 'fatal'; message: string };

/**
 * Callbacks due at a time, run by one 10 ms tick: a process with 100,000 simulated tasks keeps
 * one timer, not 100,000.
 */
export class TimerWheel {
  static readonly TICK_MS = 10;
  readonly #buckets = new Map<number, (() => void)[]>();
  #next: number;
  readonly #interval: NodeJS.Timeout;

  constructor() {
    this.#next = Math.floor(Date.now() / TimerWheel.TICK_MS);
    this.#interval = setInterval(() => this.#run(), TimerWheel.TICK_MS);
  }

  /** Runs `fn` at wall-clock `atMs` or within a tick after. */
  at(atMs: number, fn: () => void): void {
    const tick = Math.max(this.#next, Math.ceil(atMs / TimerWheel.TICK_MS));
    const bucket = this.#buckets.get(tick);
    if (bucket === undefined) this.#buckets.set(tick, [fn]);
    else bucket.push(fn);
  }

  #run(): void {
    const now = Math.floor(Date.now() / TimerWheel.TICK_MS);
    for (; this.#next <= now; this.#next++) {
      const bucket = this.#buckets.get(this.#next);
      if (bucket === undefined) continue;
      this.#buckets.delete(this.#next);
      for (const fn of bucket) fn();
    }
  }

  stop(): void {
    clearInterval(this.#interval);
  }
}

const uuidPool = Buffer.alloc(16 * 1024);
let uuidAt = uuidPool.length;

/** A random version-4 UUID's 16 bytes in base64, as agents put in status updates. */
export function uuidBase64(): string {
  if (uuidAt + 16 > uuidPool.length) {
    randomFillSync(uuidPool);
    uuidAt = 0;
  }
  const b = uuidPool.subarray(uuidAt, uuidAt + 16);
  uuidAt += 16;
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b.toString('base64');
}

/** Runs with one seed sample the same durations. */
export { prng } from '../../lib/common/random.ts';

/** The cpus and mem of resources, summed. */
export function scalars(resources: readonly v1.Resource[] | undefined): { cpus: number; mem: number } {
  let cpus = 0;
  let mem = 0;
  for (const r of resources ?? []) {
    if (r.name === 'cpus') cpus += r.scalar?.value ?? 0;
    else if (r.name === 'mem') mem += r.scalar?.value ?? 0;
  }
  return { cpus, mem };
}

/** A normal sample (Box-Muller) from a uniform source. */
export function normal(random: () => number, mean: number, stddev: number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A child's main loop: answers the coordinator's messages with `host`'s methods. */
export interface Host {
  report(): HostReport;
  go(): void;
  window(): void;
  drain(): void;
  stop(): void;
}

export function serveHost(start: (config: HostConfig) => Host): void {
  let host: Host | undefined;
  const send = (message: FromChild): void => {
    process.send?.(message);
  };
  process.on('message', (message: ToChild) => {
    try {
      switch (message.type) {
        case 'start':
          host = start(message.config);
          send({ type: 'ready' });
          break;
        case 'report':
          if (host) send({ type: 'report', id: message.id, report: host.report() });
          break;
        case 'go':
          host?.go();
          break;
        case 'window':
          host?.window();
          break;
        case 'drain':
          host?.drain();
          break;
        case 'stop':
          host?.stop();
          process.disconnect?.();
          setTimeout(() => process.exit(0), 200).unref();
          break;
      }
    } catch (err) {
      send({ type: 'fatal', message: (err as Error).stack ?? String(err) });
    }
  });
  // The coordinator went away: nothing is left to report to.
  process.on('disconnect', () => process.exit(0));
}

export function processFigures(): HostProcessFigures {
  const cpu = process.cpuUsage();
  return { cpuS: (cpu.user + cpu.system) / 1e6, rssMB: process.memoryUsage.rss() / 2 ** 20 };
}

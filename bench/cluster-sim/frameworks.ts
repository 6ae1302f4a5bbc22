// Simulated frameworks: hundreds per process, each a real v1 scheduler (SUBSCRIBE stream of its
// own; calls pipelined on a few keep-alive connections that the process's frameworks share, which
// the API allows: a call names its framework and stream id).
//
// Life of a framework:
//   - SUBSCRIBE with its role suppressed, so that no offer reaches it before the run starts;
//   - on `go`: REVIVE, and tasks start arriving: `initialBacklog` at once, then `arrivalsPerS`;
//   - each OFFERS: as many tasks as fit each offer (and are waiting) go out in one ACCEPT per
//     offer (LAUNCH; the remainder is returned with `refuseSeconds`); offers it cannot use are
//     DECLINEd together with the same filter;
//   - every UPDATE with a uuid is ACKNOWLEDGEd;
//   - with nothing waiting and no offer held for `suppressIdleMs`, SUPPRESS; REVIVE (which also
//     clears its filters) as soon as tasks arrive again;
//   - on `drain`: no more arrivals, waiting tasks dropped, SUPPRESS.
// A task's duration is sampled here (normal, cut below, already scaled) and sent in its command,
// `sleep <seconds>`, which the simulated agent obeys.
//
// What it measures (see README.md for the exact definitions):
//   - accept-to-RUNNING: ACCEPT written to the socket -> the task's TASK_RUNNING update read;
//   - offer latency: the framework becoming eligible for offers (tasks waiting, no offer held, no
//     ACCEPT/DECLINE unanswered) -> its next OFFERS event read.
// With `checkOffers`, the process keeps every offer its frameworks hold, per agent, and flags an
// agent whose outstanding offers add up to more than the agent has (a resource offered twice).

import type * as v1 from '../../lib/types/mesos.ts';
import type * as scheduler from '../../lib/types/scheduler.ts';
import { Histogram } from './histogram.ts';
import { normal, processFigures, prng, scalars, type FrameworkHostConfig, type FrameworkHostReport, type Host } from './ipc.ts';
import { CallPool, RecordIOConnection, type CallResult } from './wire.ts';

const SCHEDULER_PATH = '/api/v1/scheduler';
const MAX_ERRORS = 10;
/** A RESCIND can arrive after another framework's OFFERS for the same resources (two sockets). */
const OVERLAP_RECHECK_MS = 1000;

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_LOST', 'TASK_GONE_BY_OPERATOR', 'TASK_UNREACHABLE']);

interface HeldOffer {
  id: string;
  agentId: string;
  cpus: number;
  mem: number;
}

interface ActiveTask {
  /** performance.now() when its ACCEPT was written; undefined once RUNNING was seen. */
  acceptAt: number | undefined;
  running: boolean;
}

/** Outstanding offers per agent, over all frameworks of this process. */
class OfferBook {
  readonly #byAgent = new Map<string, Map<string, HeldOffer>>();
  readonly #rescinded = new Set<string>();
  readonly #agentCpus: number;
  readonly #agentMem: number;
  readonly #onOverlap: (detail: string) => void;

  constructor(agentCpus: number, agentMem: number, onOverlap: (detail: string) => void) {
    this.#agentCpus = agentCpus;
    this.#agentMem = agentMem;
    this.#onOverlap = onOverlap;
  }

  add(offer: HeldOffer): void {
    let held = this.#byAgent.get(offer.agentId);
    if (held === undefined) this.#byAgent.set(offer.agentId, (held = new Map()));
    held.set(offer.id, offer);
    const snapshot = [...held.values()];
    if (this.#exceeds(snapshot)) {
      // Excuse offers whose RESCIND is still on its way, then judge.
      setTimeout(() => {
        const kept = snapshot.filter((o) => !this.#rescinded.has(o.id));
        if (this.#exceeds(kept)) {
          this.#onOverlap(`agent ${offer.agentId}: outstanding offers ${kept.map((o) => `${o.id} (cpus ${o.cpus}, mem ${o.mem})`).join(', ')} ` +
            `exceed its cpus ${this.#agentCpus} / mem ${this.#agentMem}`);
        }
      }, OVERLAP_RECHECK_MS).unref();
    }
  }

  remove(offer: HeldOffer, rescinded = false): void {
    const held = this.#byAgent.get(offer.agentId);
    held?.delete(offer.id);
    if (held?.size === 0) this.#byAgent.delete(offer.agentId);
    if (rescinded) this.#rescinded.add(offer.id);
  }

  #exceeds(offers: readonly HeldOffer[]): boolean {
    let cpus = 0;
    let mem = 0;
    for (const o of offers) {
      cpus += o.cpus;
      mem += o.mem;
    }
    return cpus > this.#agentCpus + 1e-6 || mem > this.#agentMem + 1e-6;
  }
}

class SimFramework {
  readonly index: number;
  readonly name: string;
  conn: RecordIOConnection | undefined;
  id = '';
  callHeaders = '';
  subscribed = false;
  pending = 0;
  arrivalCarry = 0;
  readonly offers = new Map<string, HeldOffer>();
  /** ACCEPT and DECLINE calls not answered yet. */
  offerCallsInFlight = 0;
  /** performance.now() since when it has been eligible for offers, if it is. */
  eligibleSince: number | undefined;
  readonly tasks = new Map<string, ActiveTask>();
  nextTask = 0;
  /** Whether the master has it suppressed (the last SUPPRESS or REVIVE it answered with 202). */
  suppressed = false;
  /** A SUPPRESS or REVIVE not answered yet: one at a time, so that they cannot overtake each other. */
  suppressCallInFlight = false;
  /** performance.now() since when it has had nothing waiting and no offer held, if it has. */
  idleSince: number | undefined;

  constructor(index: number) {
    this.index = index;
    this.name = `sim-framework-${index}`;
  }
}

export class FrameworkHost implements Host {
  readonly #config: FrameworkHostConfig;
  readonly #frameworks: SimFramework[] = [];
  readonly #calls: CallPool;
  readonly #random: () => number;
  readonly #book: OfferBook | undefined;
  readonly #acceptToRunning = new Histogram();
  readonly #offerLatency = new Histogram();
  readonly #errors: string[] = [];
  readonly #terminal: Record<string, number> = {};
  readonly #figures = {
    subscribed: 0, streamsLost: 0, offerEvents: 0, offersReceived: 0, rescinds: 0, accepts: 0, declines: 0,
    tasksLaunched: 0, tasksRunning: 0, updates: 0, acks: 0, callErrors: 0, offerOverlaps: 0, tasksLostInCalls: 0,
    suppresses: 0, revives: 0,
  };
  #arrivals: NodeJS.Timeout | undefined;
  #lastArrivalAt = 0;
  #draining = false;
  #stopped = false;

  constructor(config: FrameworkHostConfig) {
    this.#config = config;
    this.#calls = new CallPool(config.endpoint, config.callConnections);
    this.#random = prng(config.seed * 7919 + config.firstIndex);
    if (config.checkOffers) {
      this.#book = new OfferBook(config.agentCpus, config.agentMem, (detail) => {
        this.#figures.offerOverlaps++;
        this.#error(`offered twice: ${detail}`);
      });
    }
    for (let i = 0; i < config.count; i++) {
      const framework = new SimFramework(config.firstIndex + i);
      this.#frameworks.push(framework);
      this.#subscribe(framework);
    }
  }

  #error(message: string): void {
    if (this.#errors.length < MAX_ERRORS) this.#errors.push(message);
  }

  #subscribe(framework: SimFramework): void {
    // Role '*' (FrameworkInfo's default), not MULTI_ROLE: what most schedulers still are.
    const info: v1.FrameworkInfo = { user: 'mesos-ts-sim', name: framework.name, hostname: 'cluster-sim' };
    const body: scheduler.Call = { type: 'SUBSCRIBE', subscribe: { framework_info: info, suppressed_roles: ['*'] } };
    framework.conn = new RecordIOConnection({
      endpoint: this.#config.endpoint,
      path: SCHEDULER_PATH,
      body: JSON.stringify(body),
      duplex: false,
      onHead: (head) => {
        const streamId = head.headers.get('mesos-stream-id') ?? '';
        framework.callHeaders = `Content-Type: application/json\r\nAccept: application/json\r\nMesos-Stream-Id: ${streamId}\r\n`;
      },
      onEvent: (event) => this.#onEvent(framework, event as scheduler.Event),
      onRefused: (status, text) => this.#error(`${framework.name}: SUBSCRIBE answered ${status}: ${text.slice(0, 200)}`),
      onClose: (reason) => {
        if (this.#stopped) return;
        this.#figures.streamsLost++;
        this.#error(`${framework.name} (${framework.id}): event stream ended: ${reason}`);
      },
    });
  }

  #onEvent(framework: SimFramework, event: scheduler.Event): void {
    switch (event.type) {
      case 'SUBSCRIBED':
        framework.id = event.subscribed!.framework_id.value;
        framework.subscribed = true;
        this.#figures.subscribed++;
        return;
      case 'OFFERS':
        this.#onOffers(framework, event.offers?.offers ?? []);
        return;
      case 'UPDATE':
        this.#onUpdate(framework, event.update!.status);
        return;
      case 'RESCIND': {
        const offer = framework.offers.get(event.rescind!.offer_id.value);
        if (offer !== undefined) {
          framework.offers.delete(offer.id);
          this.#book?.remove(offer, true);
          this.#figures.rescinds++;
          this.#checkEligible(framework);
        }
        return;
      }
      case 'ERROR':
        this.#error(`${framework.name}: ERROR event: ${event.error?.message}`);
        return;
      default:
        return;
    }
  }

  #onOffers(framework: SimFramework, offers: readonly v1.Offer[]): void {
    const now = performance.now();
    this.#figures.offerEvents++;
    this.#figures.offersReceived += offers.length;
    if (framework.eligibleSince !== undefined) {
      this.#offerLatency.record(now - framework.eligibleSince);
      framework.eligibleSince = undefined;
    }
    const held: HeldOffer[] = [];
    for (const offer of offers) {
      const { cpus, mem } = scalars(offer.resources);
      const h: HeldOffer = { id: offer.id.value, agentId: offer.agent_id.value, cpus, mem };
      framework.offers.set(h.id, h);
      this.#book?.add(h);
      held.push(h);
    }
    const holdMs = this.#config.offerHoldMs;
    if (holdMs > 0) setTimeout(() => this.#answerOffers(framework, held), this.#random() * holdMs);
    else this.#answerOffers(framework, held);
  }

  /** Launches what fits and is waiting, one ACCEPT per offer, and DECLINEs the rest at once. */
  #answerOffers(framework: SimFramework, offers: readonly HeldOffer[]): void {
    if (this.#stopped) return;
    const now = performance.now();
    const { task, refuseSeconds } = this.#config;
    const declined: string[] = [];
    for (const held of offers) {
      // Rescinded while held.
      if (framework.offers.get(held.id) !== held) continue;
      framework.offers.delete(held.id);
      this.#book?.remove(held);
      const fit = Math.min(Math.floor(held.cpus / task.cpus + 1e-9), Math.floor(held.mem / task.mem + 1e-9));
      const count = this.#draining ? 0 : Math.min(framework.pending, fit);
      if (count === 0) {
        declined.push(held.id);
        continue;
      }
      framework.pending -= count;
      const infos: string[] = [];
      const taskIds: string[] = [];
      for (let k = 0; k < count; k++) {
        const taskId = `f${framework.index}-t${framework.nextTask++}`;
        taskIds.push(taskId);
        const { mean, stddev, min } = this.#config.taskDurationMs;
        const seconds = Math.max(min, normal(this.#random, mean, stddev)) / 1000;
        infos.push(
          `{"name":"${taskId}","task_id":{"value":"${taskId}"},"agent_id":{"value":"${held.agentId}"},` +
            `"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":${task.cpus}}},{"name":"mem","type":"SCALAR","scalar":{"value":${task.mem}}}],` +
            `"command":{"value":"sleep ${seconds.toFixed(3)}","shell":true}}`,
        );
        framework.tasks.set(taskId, { acceptAt: now, running: false });
      }
      this.#figures.accepts++;
      this.#figures.tasksLaunched += count;
      const launched = taskIds;
      this.#offerCall(
        framework,
        `{"framework_id":{"value":"${framework.id}"},"type":"ACCEPT","accept":{"offer_ids":[{"value":"${held.id}"}],` +
          `"operations":[{"type":"LAUNCH","launch":{"task_infos":[${infos.join(',')}]}}],"filters":{"refuse_seconds":${refuseSeconds}}}}`,
        (ok) => {
          if (ok) return;
          // The ACCEPT never got its 202 (the connection was lost): as far as this framework knows
          // the tasks were not launched. If the master did launch them, their updates still come
          // and are acknowledged; they are just not counted here.
          for (const id of launched) {
            if (framework.tasks.delete(id)) this.#figures.tasksLostInCalls++;
          }
        },
      );
    }
    if (declined.length > 0) {
      // One DECLINE for all of them (the v1 API takes many offer ids).
      this.#figures.declines += declined.length;
      this.#offerCall(
        framework,
        `{"framework_id":{"value":"${framework.id}"},"type":"DECLINE","decline":{"offer_ids":[${declined.map((id) => `{"value":"${id}"}`).join(',')}],` +
          `"filters":{"refuse_seconds":${refuseSeconds}}}}`,
      );
    }
    this.#checkEligible(framework);
  }

  #offerCall(framework: SimFramework, body: string, done?: (ok: boolean) => void): void {
    framework.offerCallsInFlight++;
    void this.#call(framework, body).then((ok) => {
      framework.offerCallsInFlight--;
      done?.(ok);
      this.#checkEligible(framework);
    });
  }

  /** Posts a call; resolves with whether the master answered 202. */
  #call(framework: SimFramework, body: string): Promise<boolean> {
    return this.#calls.post(SCHEDULER_PATH, framework.callHeaders, body).then(
      (result: CallResult) => {
        if (result.status === 202) return true;
        this.#figures.callErrors++;
        this.#error(`${framework.name}: call answered ${result.status}: ${result.body.slice(0, 200)} (call ${body.slice(0, 120)})`);
        return false;
      },
      (err: Error) => {
        if (!this.#stopped) {
          this.#figures.callErrors++;
          this.#error(`${framework.name}: call failed: ${err.message}`);
        }
        return false;
      },
    );
  }

  /** Eligible for offers: tasks waiting, no offer held, no ACCEPT/DECLINE unanswered. */
  #checkEligible(framework: SimFramework): void {
    const eligible = framework.subscribed && !this.#draining && framework.pending > 0 && framework.offers.size === 0 && framework.offerCallsInFlight === 0;
    if (!eligible) framework.eligibleSince = undefined;
    else framework.eligibleSince ??= performance.now();
  }

  #onUpdate(framework: SimFramework, status: v1.TaskStatus): void {
    this.#figures.updates++;
    const taskId = status.task_id.value;
    const task = framework.tasks.get(taskId);
    if (task !== undefined) {
      if (status.state === 'TASK_RUNNING' && !task.running) {
        task.running = true;
        this.#figures.tasksRunning++;
        if (task.acceptAt !== undefined) this.#acceptToRunning.record(performance.now() - task.acceptAt);
        task.acceptAt = undefined;
      }
      if (TERMINAL.has(status.state)) {
        framework.tasks.delete(taskId);
        this.#terminal[status.state] = (this.#terminal[status.state] ?? 0) + 1;
        if (status.state !== 'TASK_FINISHED') this.#error(`${framework.name}: task ${taskId} ${status.state} ${status.reason ?? ''} ${status.message ?? ''}`);
      }
    }
    if (status.uuid !== undefined && status.agent_id !== undefined) {
      this.#figures.acks++;
      void this.#call(
        framework,
        `{"framework_id":{"value":"${framework.id}"},"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"${status.agent_id.value}"},` +
          `"task_id":{"value":"${taskId}"},"uuid":"${status.uuid}"}}`,
      );
    }
  }

  /** The run starts: tasks arrive and the frameworks revive. */
  go(): void {
    for (const framework of this.#frameworks) {
      framework.pending += this.#config.initialBacklog;
      // Each framework's arrivals start at a random phase: with the same rate everywhere, a shared
      // phase would make every framework's next task arrive on the same tick, in bursts that no
      // real set of independent schedulers produces.
      framework.arrivalCarry = this.#random();
      void this.#call(framework, `{"framework_id":{"value":"${framework.id}"},"type":"REVIVE"}`);
      this.#checkEligible(framework);
    }
    this.#lastArrivalAt = performance.now();
    this.#arrivals = setInterval(() => this.#arrive(), 100);
  }

  #arrive(): void {
    const now = performance.now();
    const dt = (now - this.#lastArrivalAt) / 1000;
    this.#lastArrivalAt = now;
    for (const framework of this.#frameworks) {
      framework.arrivalCarry += this.#config.arrivalsPerS * dt;
      const n = Math.floor(framework.arrivalCarry);
      if (n > 0) {
        framework.arrivalCarry -= n;
        framework.pending += n;
        this.#checkEligible(framework);
      }
      this.#suppressOrRevive(framework, now);
    }
  }

  /** SUPPRESS after `suppressIdleMs` with nothing to launch; REVIVE when tasks wait again. */
  #suppressOrRevive(framework: SimFramework, now: number): void {
    const idleMs = this.#config.suppressIdleMs;
    if (idleMs <= 0 || !framework.subscribed || this.#draining || framework.suppressCallInFlight) return;
    if (framework.pending > 0) {
      framework.idleSince = undefined;
      if (framework.suppressed) this.#setSuppressed(framework, false);
      return;
    }
    if (framework.suppressed || framework.offers.size > 0) {
      framework.idleSince = undefined;
      return;
    }
    framework.idleSince ??= now;
    if (now - framework.idleSince >= idleMs) {
      framework.idleSince = undefined;
      this.#setSuppressed(framework, true);
    }
  }

  // The flag follows the master's answer: a call that failed is tried again on a later tick.
  #setSuppressed(framework: SimFramework, suppress: boolean): void {
    framework.suppressCallInFlight = true;
    if (suppress) this.#figures.suppresses++;
    else this.#figures.revives++;
    void this.#call(framework, `{"framework_id":{"value":"${framework.id}"},"type":"${suppress ? 'SUPPRESS' : 'REVIVE'}"}`).then((ok) => {
      framework.suppressCallInFlight = false;
      if (ok) framework.suppressed = suppress;
    });
  }

  report(): FrameworkHostReport {
    let pending = 0;
    let outstandingOffers = 0;
    let tasksActive = 0;
    for (const f of this.#frameworks) {
      pending += f.pending;
      outstandingOffers += f.offers.size;
      tasksActive += f.tasks.size;
    }
    return {
      role: 'frameworks',
      ...this.#figures,
      pending,
      outstandingOffers,
      tasksActive,
      terminal: { ...this.#terminal },
      callsInFlight: this.#calls.inFlight,
      acceptToRunningMs: this.#acceptToRunning.data(),
      offerLatencyMs: this.#offerLatency.data(),
      errors: [...this.#errors],
      ...processFigures(),
    };
  }

  window(): void {
    this.#acceptToRunning.reset();
    this.#offerLatency.reset();
  }

  drain(): void {
    this.#draining = true;
    clearInterval(this.#arrivals);
    for (const framework of this.#frameworks) {
      framework.pending = 0;
      framework.eligibleSince = undefined;
      if (framework.subscribed) void this.#call(framework, `{"framework_id":{"value":"${framework.id}"},"type":"SUPPRESS"}`);
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#arrivals);
    for (const framework of this.#frameworks) framework.conn?.close();
    this.#calls.close();
  }
}

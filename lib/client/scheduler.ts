// A Mesos v1 scheduler client (mesos-api.md section 1), for `mesosctl run`, the cluster
// simulator and anything else that wants to be a framework:
//
//   const fw = await SchedulerClient.subscribe(master, { user: 'root', name: 'hello', roles: ['*'] });
//   for await (const event of fw.events()) {
//     if (event.type === 'OFFERS') await fw.launch(event.offers!.offers![0]!, [task]);
//     if (event.type === 'UPDATE') await fw.acknowledge(event.update!.status);
//   }
//   await fw.teardown();
//
// SUBSCRIBE opens the RecordIO event stream; the master answers with a `Mesos-Stream-Id`, which
// every later call carries, together with the framework id from SUBSCRIBED. Calls go to the
// master that served the stream (after a 307 to the leader), answer 202, and fail as MesosErrors
// with the master's message (lib/client/http.ts). The events are decoded by the codec, so they
// are the typed v1 messages. The stream is watched: with no event (the master sends a HEARTBEAT
// every `heartbeat_interval_seconds`) for HEARTBEAT_MISSES intervals it is given up as
// UNREACHABLE, as Mesos's own scheduler library does with its heartbeat timeout.

import { decode, encode } from '../api/codec.ts';
import { MesosError } from '../common/errors.ts';
import type * as v1 from '../types/mesos.ts';
import type * as scheduler from '../types/scheduler.ts';
import { endpointText, fetchText, openStream, parseEndpoint, type Endpoint } from './http.ts';

export const SCHEDULER_PATH = '/api/v1/scheduler';

/** Missed heartbeat intervals after which the stream is taken for dead. */
export const HEARTBEAT_MISSES = 5;

/** The interval assumed until SUBSCRIBED says otherwise (Mesos's fixed default). */
const DEFAULT_HEARTBEAT_SECONDS = 15;

export interface SubscribeOptions {
  /** Resubscribe as this framework (also set as `framework_info.id`). */
  readonly frameworkId?: string;
  readonly suppressedRoles?: readonly string[];
  /** Per-call timeout, and how long SUBSCRIBE may take to answer. Default 30 s. */
  readonly timeoutMs?: number;
}

/** A task to reconcile: its id, and its agent when known. */
export interface ReconcileTask {
  readonly taskId: string;
  readonly agentId?: string;
}

type CallWithoutFramework = Omit<scheduler.Call, 'framework_id'>;

export class SchedulerClient {
  /** The master that serves this subscription (the leader, after redirects). */
  readonly master: Endpoint;
  readonly frameworkId: string;
  /** The `Mesos-Stream-Id` of this subscription. */
  readonly streamId: string;
  readonly subscribed: scheduler.Event.Subscribed;
  readonly #records: AsyncGenerator<unknown>;
  readonly #abort: AbortController;
  readonly #timeoutMs: number | undefined;
  #closed = false;
  #consuming = false;

  private constructor(
    master: Endpoint, streamId: string, subscribed: scheduler.Event.Subscribed,
    records: AsyncGenerator<unknown>, abort: AbortController, timeoutMs: number | undefined,
  ) {
    this.master = master;
    this.streamId = streamId;
    this.subscribed = subscribed;
    this.frameworkId = subscribed.framework_id.value;
    this.#records = records;
    this.#abort = abort;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * SUBSCRIBE: opens the event stream and resolves once SUBSCRIBED arrived. An ERROR instead (an
   * invalid FrameworkInfo) rejects with the master's message.
   */
  static async subscribe(master: Endpoint | string, info: v1.FrameworkInfo, options: SubscribeOptions = {}): Promise<SchedulerClient> {
    const endpoint = typeof master === 'string' ? parseEndpoint(master) : { host: master.host, port: master.port };
    const frameworkInfo = options.frameworkId === undefined ? info : { ...info, id: { value: options.frameworkId } };
    const call: scheduler.Call = {
      ...(options.frameworkId === undefined ? {} : { framework_id: { value: options.frameworkId } }),
      type: 'SUBSCRIBE',
      subscribe: {
        framework_info: frameworkInfo,
        ...(options.suppressedRoles === undefined ? {} : { suppressed_roles: [...options.suppressedRoles] }),
      },
    };
    const abort = new AbortController();
    const stream = await openStream(endpoint, {
      method: 'POST', path: SCHEDULER_PATH, headers: { Accept: 'application/json' },
      body: encode('mesos.v1.scheduler.Call', call), signal: abort.signal, timeoutMs: options.timeoutMs,
    });
    const streamId = stream.headers['mesos-stream-id'];
    try {
      if (typeof streamId !== 'string' || streamId === '') {
        throw new MesosError('BAD_REQUEST', `the master at ${endpointText(stream.endpoint)} answered SUBSCRIBE without a Mesos-Stream-Id`);
      }
      const first = await withTimeout(stream.records.next(), options.timeoutMs ?? 30_000, () => abort.abort());
      if (first === 'timeout' || first.done) {
        throw new MesosError('UNREACHABLE', `the master at ${endpointText(stream.endpoint)} sent no SUBSCRIBED event`);
      }
      const event = decode('mesos.v1.scheduler.Event', first.value);
      if (event.type === 'ERROR') throw errorEvent(stream.endpoint, event);
      if (event.type !== 'SUBSCRIBED' || event.subscribed === undefined) {
        throw new MesosError('BAD_REQUEST', `the master at ${endpointText(stream.endpoint)} sent ${event.type ?? 'an event without a type'} before SUBSCRIBED`);
      }
      return new SchedulerClient(stream.endpoint, streamId, event.subscribed, stream.records, abort, options.timeoutMs);
    } catch (err) {
      abort.abort();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The events after SUBSCRIBED, HEARTBEATs included, until `close()` (then it just ends). The
   * stream ending otherwise, going silent for HEARTBEAT_MISSES intervals, or an ERROR event (the
   * framework was removed, or failed over to another subscriber) throws a MesosError. One
   * consumer only: the stream is read once.
   */
  async *events(): AsyncGenerator<scheduler.Event> {
    if (this.#consuming) throw new MesosError('INTERNAL', 'the scheduler event stream is already being read');
    this.#consuming = true;
    const intervalMs = (this.subscribed.heartbeat_interval_seconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000;
    const silenceMs = intervalMs * HEARTBEAT_MISSES;
    for (;;) {
      const next = await withTimeout(this.#records.next(), silenceMs, () => this.#abort.abort());
      if (next === 'timeout') {
        if (this.#closed) return;
        this.#closed = true;
        throw new MesosError('UNREACHABLE', `no event or heartbeat from the master at ${endpointText(this.master)} for ${silenceMs / 1000} s; giving up the subscription`);
      }
      if (next.done) {
        if (this.#closed) return;
        this.#closed = true;
        throw new MesosError('UNREACHABLE', `the master at ${endpointText(this.master)} closed the event stream of framework ${this.frameworkId}`);
      }
      const event = decode('mesos.v1.scheduler.Event', next.value);
      if (event.type === 'ERROR') {
        this.close();
        throw errorEvent(this.master, event);
      }
      yield event;
    }
  }

  /** Any call but SUBSCRIBE: the framework id and stream id are added. Resolves on 202. */
  async call(call: CallWithoutFramework): Promise<void> {
    await fetchText(this.master, {
      method: 'POST',
      path: SCHEDULER_PATH,
      headers: { 'Mesos-Stream-Id': this.streamId, Accept: 'application/json' },
      body: encode('mesos.v1.scheduler.Call', { framework_id: { value: this.frameworkId }, ...call }),
      timeoutMs: this.#timeoutMs,
    });
  }

  accept(offerIds: readonly v1.OfferID[], operations: readonly v1.Offer.Operation[], filters?: v1.Filters): Promise<void> {
    return this.call({
      type: 'ACCEPT',
      accept: { offer_ids: [...offerIds], operations: [...operations], ...(filters === undefined ? {} : { filters }) },
    });
  }

  /** ACCEPT with one LAUNCH of `tasks` on `offer`. */
  launch(offer: v1.Offer, tasks: readonly v1.TaskInfo[], filters?: v1.Filters): Promise<void> {
    return this.accept([offer.id], [{ type: 'LAUNCH', launch: { task_infos: [...tasks] } }], filters);
  }

  decline(offerIds: readonly v1.OfferID[], filters?: v1.Filters): Promise<void> {
    if (offerIds.length === 0) return Promise.resolve();
    return this.call({ type: 'DECLINE', decline: { offer_ids: [...offerIds], ...(filters === undefined ? {} : { filters }) } });
  }

  /**
   * ACKNOWLEDGE `status`, if it needs it: only updates with a uuid are acknowledged (the master's
   * own, such as reconciliation answers, carry none). Resolves with whether a call was made.
   */
  async acknowledge(status: v1.TaskStatus): Promise<boolean> {
    if (status.uuid === undefined || status.uuid === '' || status.agent_id === undefined) return false;
    await this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    return true;
  }

  /** KILL a task; `gracePeriodMs` overrides its kill policy (the time between SIGTERM and SIGKILL). */
  kill(taskId: string, agentId?: string, gracePeriodMs?: number): Promise<void> {
    return this.call({
      type: 'KILL',
      kill: {
        task_id: { value: taskId },
        ...(agentId === undefined ? {} : { agent_id: { value: agentId } }),
        ...(gracePeriodMs === undefined ? {} : { kill_policy: { grace_period: { nanoseconds: Math.round(gracePeriodMs * 1e6) } } }),
      },
    });
  }

  /** RECONCILE: these tasks, or every task of the framework (implicit) when none are given. */
  reconcile(tasks: readonly ReconcileTask[] = []): Promise<void> {
    return this.call({
      type: 'RECONCILE',
      reconcile: {
        tasks: tasks.map((t) => ({ task_id: { value: t.taskId }, ...(t.agentId === undefined ? {} : { agent_id: { value: t.agentId } }) })),
      },
    });
  }

  revive(roles: readonly string[] = []): Promise<void> {
    return this.call({ type: 'REVIVE', revive: { roles: [...roles] } });
  }

  suppress(roles: readonly string[] = []): Promise<void> {
    return this.call({ type: 'SUPPRESS', suppress: { roles: [...roles] } });
  }

  /**
   * TEARDOWN: the master kills the framework's tasks and removes it, and ends the stream, which
   * `events()` then takes as the end it asked for. Then closes the stream.
   */
  async teardown(): Promise<void> {
    this.#closed = true;
    try {
      await this.call({ type: 'TEARDOWN' });
    } finally {
      this.close();
    }
  }

  /**
   * Closes the event stream (`events()` ends). The master then counts the framework as
   * disconnected; one with `failover_timeout` 0 is removed at once, its tasks killed.
   */
  close(): void {
    this.#closed = true;
    this.#abort.abort();
  }
}

function errorEvent(master: Endpoint, event: scheduler.Event): MesosError {
  return new MesosError('BAD_REQUEST', `the master at ${endpointText(master)} sent ERROR: ${event.error?.message ?? '(no message)'}`);
}

/** `promise`, or 'timeout' (after calling `onTimeout`) if it takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve('timeout');
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

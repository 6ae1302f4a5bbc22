// The status update manager: one stream per task, as Mesos's (src/slave/task_status_update_
// manager.cpp).
//
// Invariants, per stream:
//   - updates are delivered in the order they were made; only the head is in flight, and the next
//     is sent once the master relays the framework's acknowledgement of the head;
//   - an unacknowledged head is resent with bounded exponential backoff (10 s, 20 s, ... up to
//     10 min) and at once whenever the link to the master is (re)established;
//   - an update whose uuid the stream has already seen is a duplicate and is dropped;
//   - an acknowledgement for anything but the head is stale and ignored.
//   - an update that is not durable yet (its checkpoint is being written) is never sent: the
//     agent adds it with `durable: false` and calls `durable()` once the write is done, so that
//     nothing the framework may acknowledge can be lost by a crash.
// After an agent restart, `recover` restores a checkpointed stream.

import type * as v1 from '../types/mesos.ts';

export const RETRY_MIN_MS = 10_000;
export const RETRY_MAX_MS = 600_000;

export interface StreamState {
  readonly frameworkId: string;
  readonly taskId: string;
  /** Unacknowledged updates, head first. */
  readonly pending: readonly v1.TaskStatus[];
  /** The latest state the task reached (the last update made), sent as `latest_state`. */
  readonly latestState: v1.TaskState | undefined;
}

export interface StatusUpdateManagerOptions {
  /** Sends an update to the master; false when there is no link (it is resent on reconnection). */
  send(frameworkId: string, status: v1.TaskStatus, latestState: v1.TaskState): boolean;
  retryMinMs?: number;
  retryMaxMs?: number;
}

interface Stream {
  readonly frameworkId: string;
  readonly taskId: string;
  readonly pending: v1.TaskStatus[];
  /** uuids of every update of the stream (made, sent or acknowledged). */
  readonly seen: Set<string>;
  /** uuids of pending updates whose checkpoint is still being written. */
  readonly writing: Set<string>;
  latestState: v1.TaskState | undefined;
  timer: NodeJS.Timeout | undefined;
  backoffMs: number;
}

export class StatusUpdateManager {
  readonly #options: Required<StatusUpdateManagerOptions>;
  readonly #streams = new Map<string, Stream>();

  constructor(options: StatusUpdateManagerOptions) {
    this.#options = { retryMinMs: RETRY_MIN_MS, retryMaxMs: RETRY_MAX_MS, ...options };
  }

  static key(frameworkId: string, taskId: string): string {
    return `${frameworkId}/${taskId}`;
  }

  /**
   * Adds an update to its task's stream, and sends it if it is the head. Returns false for a
   * duplicate (same uuid), which changes nothing.
   */
  update(frameworkId: string, status: v1.TaskStatus, durable = true): boolean {
    const stream = this.#stream(frameworkId, status.task_id.value);
    if (status.uuid !== undefined) {
      if (stream.seen.has(status.uuid)) return false;
      stream.seen.add(status.uuid);
      if (!durable) stream.writing.add(status.uuid);
    }
    stream.pending.push(status);
    stream.latestState = status.state;
    if (stream.pending.length === 1) this.#sendHead(stream, true);
    return true;
  }

  /** The checkpoint of update `uuid` is written: it may be sent now (at once if it is the head). */
  durable(frameworkId: string, taskId: string, uuid: string): void {
    const stream = this.#streams.get(StatusUpdateManager.key(frameworkId, taskId));
    if (!stream || !stream.writing.delete(uuid)) return;
    if (stream.pending[0]?.uuid === uuid) this.#sendHead(stream, true);
  }

  /**
   * The framework acknowledged `uuid` of `taskId`. Returns the acknowledged update, or undefined
   * when it is not the head (unknown stream, stale or duplicate acknowledgement).
   */
  acknowledge(frameworkId: string, taskId: string, uuid: string): v1.TaskStatus | undefined {
    const stream = this.#streams.get(StatusUpdateManager.key(frameworkId, taskId));
    const head = stream?.pending[0];
    if (!stream || !head || head.uuid !== uuid) return undefined;
    stream.pending.shift();
    this.#clearTimer(stream);
    stream.backoffMs = this.#options.retryMinMs;
    if (stream.pending.length > 0) this.#sendHead(stream, true);
    return head;
  }

  /** The stream's state, for checkpointing and /state. */
  state(frameworkId: string, taskId: string): StreamState | undefined {
    const stream = this.#streams.get(StatusUpdateManager.key(frameworkId, taskId));
    if (!stream) return undefined;
    return { frameworkId, taskId, pending: [...stream.pending], latestState: stream.latestState };
  }

  /** Whether the stream has unacknowledged updates. */
  hasPending(frameworkId: string, taskId: string): boolean {
    return (this.#streams.get(StatusUpdateManager.key(frameworkId, taskId))?.pending.length ?? 0) > 0;
  }

  /** Restores a checkpointed stream (not sent until `resendAll`). */
  recover(state: StreamState): void {
    const stream = this.#stream(state.frameworkId, state.taskId);
    for (const status of state.pending) {
      if (status.uuid !== undefined) stream.seen.add(status.uuid);
      stream.pending.push(status);
    }
    stream.latestState = state.latestState;
  }

  /** Forgets a task's stream (the task is gone for good). */
  remove(frameworkId: string, taskId: string): void {
    const key = StatusUpdateManager.key(frameworkId, taskId);
    const stream = this.#streams.get(key);
    if (stream) this.#clearTimer(stream);
    this.#streams.delete(key);
  }

  /** Resends every head at once: the link to the master was (re)established. */
  resendAll(): void {
    for (const stream of this.#streams.values()) {
      if (stream.pending.length === 0) continue;
      this.#clearTimer(stream);
      stream.backoffMs = this.#options.retryMinMs;
      this.#sendHead(stream, true);
    }
  }

  stop(): void {
    for (const stream of this.#streams.values()) this.#clearTimer(stream);
  }

  #stream(frameworkId: string, taskId: string): Stream {
    const key = StatusUpdateManager.key(frameworkId, taskId);
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = {
        frameworkId, taskId, pending: [], seen: new Set(), writing: new Set(), latestState: undefined, timer: undefined, backoffMs: this.#options.retryMinMs,
      };
      this.#streams.set(key, stream);
    }
    return stream;
  }

  #sendHead(stream: Stream, first: boolean): void {
    const head = stream.pending[0];
    if (!head || (head.uuid !== undefined && stream.writing.has(head.uuid))) return;
    this.#options.send(stream.frameworkId, head, stream.latestState ?? head.state);
    if (!first) stream.backoffMs = Math.min(stream.backoffMs * 2, this.#options.retryMaxMs);
    this.#clearTimer(stream);
    stream.timer = setTimeout(() => {
      stream.timer = undefined;
      this.#sendHead(stream, false);
    }, stream.backoffMs);
    stream.timer.unref();
  }

  #clearTimer(stream: Stream): void {
    if (stream.timer !== undefined) clearTimeout(stream.timer);
    stream.timer = undefined;
  }
}

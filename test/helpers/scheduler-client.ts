// A raw-HTTP Mesos v1 scheduler client for the master's integration tests, on node:http alone, so
// that the tests see exactly what goes over the wire (statuses, headers, the RecordIO stream).
//
//   const fw = await subscribe(t, master, frameworkInfo({ roles: ['web'] }));
//   const [offer] = await fw.nextOffers();
//   await fw.launch(offer, [taskFor(offer, 't1')]);
//   const status = await fw.nextUpdate('t1');
//   await fw.acknowledge(status);
//
// Also the pieces the test agent shares: EventQueue (an async queue of decoded events that tests
// wait on), `readRecordIO` (RecordIO over an HTTP response), `resourcesOf` (Resource JSON from
// Mesos's text form), and `rawRequest` / `openRequest` / `rawSocketRequest` for hostile tests:
// any method, headers and body, including bodies that arrive slowly or never finish.
//
// Waiting never asserts a time: every wait has a generous timeout that only exists so that a
// missing event fails the test with a description instead of hanging the suite.

import { randomUUID } from 'node:crypto';
import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';

import { RecordIODecoder } from '../../lib/api/recordio.ts';
import { parseResourcesOrThrow } from '../../lib/api/resources-text.ts';
import type * as v1 from '../../lib/types/mesos.ts';
import type * as scheduler from '../../lib/types/scheduler.ts';
import type { Cleanup, MasterAddress } from './master-process.ts';

/** Default for every wait: long enough for a loaded CI machine, short enough to fail a suite. */
export const WAIT_MS = 15_000;

export const SCHEDULER_PATH = '/api/v1/scheduler';

// ---------------------------------------------------------------------------------------------
// EventQueue

interface Waiter<T> {
  readonly matches: (item: T) => boolean;
  readonly resolve: (item: T) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Events in arrival order. `take` removes and returns the first queued event that matches,
 * leaving the others queued, or waits for one; so waiting for an UPDATE does not throw away the
 * OFFERS that arrived before it. `history` keeps every event ever pushed.
 */
export class EventQueue<T> {
  readonly history: T[] = [];
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  readonly #describe: (item: T) => string;
  #closedReason: string | undefined;

  constructor(describe: (item: T) => string) {
    this.#describe = describe;
  }

  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  get closedReason(): string | undefined {
    return this.#closedReason;
  }

  /** The events queued and not taken yet. */
  get pending(): readonly T[] {
    return this.#items;
  }

  push(item: T): void {
    this.history.push(item);
    const index = this.#waiters.findIndex((w) => w.matches(item));
    if (index >= 0) {
      const [waiter] = this.#waiters.splice(index, 1);
      clearTimeout(waiter!.timer);
      waiter!.resolve(item);
      return;
    }
    this.#items.push(item);
  }

  /** No more events will come: waiters that nothing queued satisfies fail now, with `reason`. */
  close(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`the stream closed (${reason}) while waiting; ${this.#summary()}`));
    }
  }

  /** Reopens a closed queue (a reconnected link keeps one queue). */
  reopen(): void {
    this.#closedReason = undefined;
  }

  take(matches: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const index = this.#items.findIndex(matches);
    if (index >= 0) return Promise.resolve(this.#items.splice(index, 1)[0]!);
    if (this.#closedReason !== undefined) {
      return Promise.reject(new Error(`no ${what}: the stream closed (${this.#closedReason}); ${this.#summary()}`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms; ${this.#summary()}`));
      }, timeoutMs);
      const waiter: Waiter<T> = { matches, resolve, reject, timer };
      this.#waiters.push(waiter);
    });
  }

  /**
   * Resolves after `windowMs` if no event matching arrived (queued ones count), and rejects with
   * the first that did. Matching events are left queued.
   */
  async expectNone(matches: (item: T) => boolean, windowMs: number, what: string): Promise<void> {
    const deadline = Date.now() + windowMs;
    for (;;) {
      const found = this.#items.find(matches);
      if (found !== undefined) throw new Error(`unexpected ${what}: ${this.#describe(found)}`);
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(left, 20)));
    }
  }

  /** Removes and returns everything queued. */
  drain(): T[] {
    return this.#items.splice(0);
  }

  /** Removes and returns the queued events that match, leaving the others. */
  discard(matches: (item: T) => boolean): T[] {
    const removed = this.#items.filter(matches);
    const kept = this.#items.filter((item) => !matches(item));
    this.#items.splice(0, this.#items.length, ...kept);
    return removed;
  }

  #summary(): string {
    const recent = this.history.slice(-12).map(this.#describe).join(', ') || 'none';
    return `last events received: ${recent}; ${this.#items.length} queued`;
  }
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON (throws with the body quoted if it is not JSON). */
  json<J = unknown>(): J;
}

function httpResult(status: number, headers: IncomingHttpHeaders, body: string): HttpResult {
  return {
    status,
    headers,
    body,
    json<J>(): J {
      try {
        return JSON.parse(body) as J;
      } catch {
        throw new Error(`expected a JSON body, got ${status}: ${body.slice(0, 500)}`);
      }
    },
  };
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly path?: string;
  /** Sent as given; nothing is added but Host (and what Node needs to frame the body). */
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>;
  /** The whole body, sent at once. */
  readonly body?: string | Buffer;
  /** Fails the request if no full response arrives in this time. Default WAIT_MS. */
  readonly timeoutMs?: number;
}

/** One request on its own connection; resolves with the whole response. */
export function rawRequest(address: MasterAddress, options: RawRequestOptions = {}): Promise<HttpResult> {
  const open = openRequest(address, options);
  open.end(options.body);
  return open.response;
}

export interface OpenRequest {
  readonly req: ClientRequest;
  /** The whole response (body read to the end); rejects on a connection error or timeout. */
  readonly response: Promise<HttpResult>;
  write(chunk: string | Buffer): void;
  end(chunk?: string | Buffer): void;
  /** Drops the connection. */
  destroy(): void;
}

/**
 * A request whose body the caller writes piece by piece, or never finishes: for slow and
 * abandoned bodies. The response promise settles whenever the server answers.
 */
export function openRequest(address: MasterAddress, options: RawRequestOptions = {}): OpenRequest {
  const timeoutMs = options.timeoutMs ?? WAIT_MS;
  const req = request({
    host: address.host,
    port: address.port,
    method: options.method ?? 'POST',
    path: options.path ?? SCHEDULER_PATH,
    headers: { ...(options.headers as Record<string, string | string[]>) },
    agent: false,
  });
  const response = new Promise<HttpResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${options.method ?? 'POST'} ${options.path ?? SCHEDULER_PATH}: no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(httpResult(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')));
      });
    });
  });
  // A rejection nobody awaits (a test that only destroys its slow request) is not a crash.
  response.catch(() => {});
  return {
    req,
    response,
    write: (chunk) => void req.write(chunk),
    end: (chunk) => void (chunk === undefined ? req.end() : req.end(chunk)),
    destroy: () => void req.destroy(),
  };
}

/**
 * Writes `bytes` on a plain TCP connection and resolves with everything the server sent until it
 * closed the connection (or until `timeoutMs`, when the socket is destroyed): for requests that
 * node:http would refuse to send. With `halfClose` the client ends its side after writing; an
 * abort `signal` destroys the socket (and resolves with what arrived).
 */
export function rawSocketRequest(
  address: MasterAddress,
  bytes: string | Buffer,
  options: { timeoutMs?: number; halfClose?: boolean; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host);
    options.signal?.addEventListener('abort', () => socket.destroy(), { once: true });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? WAIT_MS);
    socket.on('connect', () => (options.halfClose ? socket.end(bytes) : socket.write(bytes)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString('latin1'));
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/**
 * Splits raw HTTP/1.1 response bytes (as `rawSocketRequest` returns them, latin1) into the head
 * and the payloads of the complete chunks of a chunked body, so tests can see chunk boundaries,
 * which node:http hides.
 */
export function splitChunkedResponse(raw: string | Buffer): { head: string; chunks: Buffer[] } {
  const data = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const split = data.indexOf('\r\n\r\n');
  if (split < 0) return { head: data.toString('latin1'), chunks: [] };
  const chunks: Buffer[] = [];
  let at = split + 4;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0 || data.length < eol + 2 + size + 2) break;
    chunks.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return { head: data.subarray(0, split).toString('latin1'), chunks };
}

/**
 * Feeds a response body through a RecordIO decoder and hands each record, parsed as JSON, to
 * `onRecord`. `onEnd` is called once, with why the stream ended.
 */
export function readRecordIO(
  res: IncomingMessage,
  onRecord: (record: unknown) => void,
  onEnd: (reason: string) => void,
  onBytes?: (chunk: Buffer) => void,
): void {
  const decoder = new RecordIODecoder();
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    onEnd(reason);
  };
  res.on('data', (chunk: Buffer) => {
    if (ended) return;
    onBytes?.(chunk);
    let records: Buffer[];
    try {
      records = decoder.push(chunk);
    } catch (err) {
      end(`malformed RecordIO from the server: ${(err as Error).message}`);
      res.destroy();
      return;
    }
    for (const record of records) {
      let value: unknown;
      try {
        value = JSON.parse(record.toString('utf8'));
      } catch (err) {
        end(`a record is not JSON: ${(err as Error).message}: ${record.toString('utf8').slice(0, 200)}`);
        res.destroy();
        return;
      }
      onRecord(value);
    }
  });
  res.on('end', () => {
    try {
      decoder.end();
      end('the server ended the stream');
    } catch (err) {
      end(`the server ended the stream mid-record: ${(err as Error).message}`);
    }
  });
  res.on('error', (err) => end(`stream error: ${err.message}`));
  res.on('close', () => end('the connection closed'));
}

// ---------------------------------------------------------------------------------------------
// Building messages

/** Resource JSON from Mesos's text form (`cpus:1;mem:128;ports:[31000-31010]`), with `allocation_info` if a role is given. */
export function resourcesOf(text: string, allocationRole?: string): v1.Resource[] {
  const list = parseResourcesOrThrow(text).toArray();
  return allocationRole === undefined ? list : list.map((r) => ({ ...r, allocation_info: { role: allocationRole } }));
}

/** A FrameworkInfo for tests: user and name filled in, capabilities by name. */
export function frameworkInfo(
  fields: Partial<Omit<v1.FrameworkInfo, 'capabilities'>> & { capabilities?: v1.FrameworkInfo.Capability.Type[] } = {},
): v1.FrameworkInfo {
  const { capabilities, ...rest } = fields;
  return {
    user: 'mesos-ts-test',
    name: 'integration test framework',
    ...rest,
    ...(capabilities ? { capabilities: capabilities.map((type) => ({ type })) } : {}),
  };
}

export type OfferRef = string | v1.OfferID | v1.Offer;

function offerId(ref: OfferRef): v1.OfferID {
  if (typeof ref === 'string') return { value: ref };
  return 'id' in ref ? ref.id : ref;
}

/**
 * A command task for `offer`: runs on the offer's agent and uses `resources` (default a small
 * slice), tagged with the offer's allocation role when the offer has one.
 */
export function taskFor(offer: v1.Offer, taskId: string, resources = 'cpus:0.1;mem:32', extra: Partial<v1.TaskInfo> = {}): v1.TaskInfo {
  const role = offer.allocation_info?.role ?? offer.resources?.find((r) => r.allocation_info)?.allocation_info?.role;
  return {
    name: `task ${taskId}`,
    task_id: { value: taskId },
    agent_id: offer.agent_id,
    resources: resourcesOf(resources, role),
    command: { value: 'sleep 1000', shell: true },
    ...extra,
  };
}

/** The scalar total of `name` in `resources`. */
export function scalarOf(resources: readonly v1.Resource[] | undefined, name: string): number {
  return (resources ?? []).filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
}

export function describeEvent(e: scheduler.Event): string {
  const type = e.type ?? '?';
  if (type === 'UPDATE' && e.update) {
    const s = e.update.status;
    return `UPDATE(${s.task_id?.value} ${s.state}${s.reason ? ` ${s.reason}` : ''})`;
  }
  if (type === 'OFFERS') return `OFFERS(${e.offers?.offers?.length ?? 0})`;
  if (type === 'ERROR') return `ERROR(${e.error?.message})`;
  return type;
}

// ---------------------------------------------------------------------------------------------
// The scheduler client

export interface SubscribeOptions {
  /** Resubscribe as this framework: sets the top-level framework_id and framework_info.id. */
  readonly frameworkId?: string;
  readonly suppressedRoles?: readonly string[];
  /** Extra or replacement request headers (a value of `null` removes a default one). */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** Resolve once the response headers arrive, without waiting for SUBSCRIBED. Default false. */
  readonly noWait?: boolean;
  /** Keep the raw bytes of the event stream in `client.rawStream` (to check escaping). */
  readonly keepRaw?: boolean;
  readonly timeoutMs?: number;
}

export class SubscribeError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`SUBSCRIBE answered ${status}: ${body.slice(0, 500)}`);
    this.status = status;
    this.body = body;
  }
}

export interface CallOptions {
  /** Override the Mesos-Stream-Id header; null leaves it out. */
  readonly streamId?: string | null;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ReconcileTask {
  readonly taskId: string;
  readonly agentId?: string;
}

/**
 * Opens a SUBSCRIBE stream and (unless `noWait`) waits for SUBSCRIBED, which it takes off the
 * queue: `client.subscribed` keeps it and `client.events.history` starts with it. A status other
 * than 200 rejects with a SubscribeError.
 */
export async function subscribe(
  t: Cleanup,
  master: MasterAddress,
  info: v1.FrameworkInfo,
  options: SubscribeOptions = {},
): Promise<SchedulerClient> {
  const timeoutMs = options.timeoutMs ?? WAIT_MS;
  const frameworkInfo: v1.FrameworkInfo = options.frameworkId === undefined ? info : { ...info, id: { value: options.frameworkId } };
  const call: scheduler.Call = {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: frameworkInfo,
      ...(options.suppressedRoles ? { suppressed_roles: [...options.suppressedRoles] } : {}),
    },
    ...(options.frameworkId === undefined ? {} : { framework_id: { value: options.frameworkId } }),
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    if (value !== null) headers[name] = value;
  }
  const { req, res } = await openStreamRequest(master, SCHEDULER_PATH, headers, JSON.stringify(call), timeoutMs, 'SUBSCRIBE');
  const client = new SchedulerClient(master, req, res, options.keepRaw ?? false);
  t.add('close a scheduler stream', () => client.close());
  if (!options.noWait) await client.waitSubscribed(timeoutMs);
  return client;
}

/**
 * POSTs `body` and waits for the response headers of a stream: resolves with a 200 response
 * (its body unread), rejects with SubscribeError carrying any other status and its body, or
 * with a timeout error naming `what`.
 */
export function openStreamRequest(
  master: MasterAddress, path: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number, what: string,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const req = request({ host: master.host, port: master.port, method: 'POST', path, headers, agent: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${what}: no response headers within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new SubscribeError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
        return;
      }
      resolve({ req, res });
    });
    req.end(body);
  });
}

export class SchedulerClient {
  readonly master: MasterAddress;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The Mesos-Stream-Id of this subscription ('' if the master sent none). */
  readonly streamId: string;
  readonly events = new EventQueue<scheduler.Event>(describeEvent);
  /** Settles with the reason once the event stream has ended, whoever ended it. */
  readonly closed: Promise<string>;
  /** Set by `waitSubscribed` (done by `subscribe` unless noWait). */
  subscribed: scheduler.Event.Subscribed | undefined;
  /** The stream's bytes as received, when subscribed with `keepRaw`. */
  readonly rawChunks: Buffer[] = [];
  readonly #req: ClientRequest;

  constructor(master: MasterAddress, req: ClientRequest, res: IncomingMessage, keepRaw = false) {
    this.master = master;
    this.#req = req;
    this.status = res.statusCode ?? 0;
    this.headers = res.headers;
    const streamId = res.headers['mesos-stream-id'];
    this.streamId = typeof streamId === 'string' ? streamId : '';
    this.closed = new Promise((resolve) => {
      readRecordIO(
        res,
        (record) => this.events.push(record as scheduler.Event),
        (reason) => {
          this.events.close(reason);
          resolve(reason);
        },
        keepRaw ? (chunk) => this.rawChunks.push(chunk) : undefined,
      );
    });
  }

  get frameworkId(): string {
    if (!this.subscribed) throw new Error('not subscribed yet: no framework id');
    return this.subscribed.framework_id.value;
  }

  /** The raw stream so far as latin1 text (one character per byte), when subscribed with `keepRaw`. */
  get rawStream(): string {
    return Buffer.concat(this.rawChunks).toString('latin1');
  }

  get isClosed(): boolean {
    return this.events.closed;
  }

  /** Takes SUBSCRIBED off the queue; an ERROR first rejects with its message. */
  async waitSubscribed(timeoutMs = WAIT_MS): Promise<scheduler.Event.Subscribed> {
    const first = await this.events.take((e) => e.type === 'SUBSCRIBED' || e.type === 'ERROR', timeoutMs, 'SUBSCRIBED event');
    if (first.type === 'ERROR') throw new Error(`SUBSCRIBE got ERROR: ${first.error?.message}`);
    this.subscribed = first.subscribed;
    return first.subscribed!;
  }

  /** The next event (of `type`, if given), taken off the queue. */
  next(type?: scheduler.Event.Type, timeoutMs = WAIT_MS): Promise<scheduler.Event> {
    return this.events.take((e) => type === undefined || e.type === type, timeoutMs, type ? `${type} event` : 'event');
  }

  waitFor(matches: (event: scheduler.Event) => boolean, timeoutMs = WAIT_MS, what = 'matching event'): Promise<scheduler.Event> {
    return this.events.take(matches, timeoutMs, what);
  }

  /** The offers of the next OFFERS event that has any (optionally only offers matching `filter`). */
  async nextOffers(timeoutMs = WAIT_MS, filter: (offer: v1.Offer) => boolean = () => true): Promise<v1.Offer[]> {
    const event = await this.waitFor((e) => e.type === 'OFFERS' && (e.offers?.offers ?? []).some(filter), timeoutMs, 'OFFERS event');
    return event.offers!.offers!;
  }

  /** The status of the next UPDATE for `taskId` (and in `state`, if given). */
  async nextUpdate(taskId: string, state?: v1.TaskState, timeoutMs = WAIT_MS): Promise<v1.TaskStatus> {
    const event = await this.waitFor(
      (e) => e.type === 'UPDATE' && e.update?.status.task_id?.value === taskId && (state === undefined || e.update.status.state === state),
      timeoutMs,
      `UPDATE for task ${taskId}${state ? ` in ${state}` : ''}`,
    );
    return event.update!.status;
  }

  /** Waits for the stream to end; resolves with the reason. */
  async waitClosed(timeoutMs = WAIT_MS): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the event stream did not close within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Posts a call with this subscription's stream id; `framework_id` is filled in unless the body
   * has the key (even as undefined/null, to test its absence).
   */
  call(body: scheduler.Call | Record<string, unknown>, options: CallOptions = {}): Promise<HttpResult> {
    const withId = 'framework_id' in body ? body : { framework_id: { value: this.frameworkId }, ...body };
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', ...options.headers };
    const streamId = options.streamId === undefined ? this.streamId : options.streamId;
    if (streamId !== null) headers['Mesos-Stream-Id'] = streamId;
    return rawRequest(this.master, { method: 'POST', path: SCHEDULER_PATH, headers, body: JSON.stringify(withId) });
  }

  /** `call` that fails unless the master answers `expected` (202 by default). */
  async expectCall(body: scheduler.Call, expected = 202): Promise<HttpResult> {
    const result = await this.call(body);
    if (result.status !== expected) {
      throw new Error(`${body.type} answered ${result.status} (expected ${expected}): ${result.body.slice(0, 500)}`);
    }
    return result;
  }

  accept(offers: OfferRef | readonly OfferRef[], operations: v1.Offer.Operation[], filters?: v1.Filters): Promise<HttpResult> {
    const ids = (Array.isArray(offers) ? offers : [offers]).map(offerId);
    return this.expectCall({ type: 'ACCEPT', accept: { offer_ids: ids, operations, ...(filters ? { filters } : {}) } });
  }

  launch(offers: OfferRef | readonly OfferRef[], tasks: v1.TaskInfo[], filters?: v1.Filters): Promise<HttpResult> {
    return this.accept(offers, [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters);
  }

  decline(offers: OfferRef | readonly OfferRef[], refuseSeconds?: number): Promise<HttpResult> {
    const ids = (Array.isArray(offers) ? offers : [offers]).map(offerId);
    return this.expectCall({
      type: 'DECLINE',
      decline: { offer_ids: ids, ...(refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } }) },
    });
  }

  revive(roles?: string[]): Promise<HttpResult> {
    return this.expectCall({ type: 'REVIVE', ...(roles ? { revive: { roles } } : {}) });
  }

  suppress(roles?: string[]): Promise<HttpResult> {
    return this.expectCall({ type: 'SUPPRESS', ...(roles ? { suppress: { roles } } : {}) });
  }

  kill(taskId: string, agentId?: string | v1.AgentID): Promise<HttpResult> {
    const agent = typeof agentId === 'string' ? { value: agentId } : agentId;
    return this.expectCall({ type: 'KILL', kill: { task_id: { value: taskId }, ...(agent ? { agent_id: agent } : {}) } });
  }

  /** Acknowledges a status from an UPDATE event (it must carry a uuid). */
  acknowledge(status: v1.TaskStatus): Promise<HttpResult> {
    if (status.uuid === undefined || status.agent_id === undefined) {
      throw new Error(`cannot acknowledge a status without uuid and agent_id: ${JSON.stringify(status)}`);
    }
    return this.expectCall({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
  }

  /** Explicit reconciliation for `tasks`, or implicit (all tasks) when empty. */
  reconcile(tasks: readonly ReconcileTask[] = []): Promise<HttpResult> {
    return this.expectCall({
      type: 'RECONCILE',
      reconcile: {
        tasks: tasks.map((task) => ({
          task_id: { value: task.taskId },
          ...(task.agentId === undefined ? {} : { agent_id: { value: task.agentId } }),
        })),
      },
    });
  }

  teardown(): Promise<HttpResult> {
    return this.expectCall({ type: 'TEARDOWN' });
  }

  message(agentId: string, executorId: string, data: string | Buffer): Promise<HttpResult> {
    return this.expectCall({
      type: 'MESSAGE',
      message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data: Buffer.from(data).toString('base64') },
    });
  }

  shutdown(executorId: string, agentId: string): Promise<HttpResult> {
    return this.expectCall({ type: 'SHUTDOWN', shutdown: { executor_id: { value: executorId }, agent_id: { value: agentId } } });
  }

  /** UPDATE_FRAMEWORK is synchronous: 200 once applied. The framework id is filled in. */
  updateFramework(info: v1.FrameworkInfo, suppressedRoles?: string[]): Promise<HttpResult> {
    return this.expectCall(
      {
        type: 'UPDATE_FRAMEWORK',
        update_framework: {
          framework_info: { ...info, id: { value: this.frameworkId } },
          ...(suppressedRoles ? { suppressed_roles: suppressedRoles } : {}),
        },
      },
      200,
    );
  }

  /** Drops the stream (the framework disconnects). Idempotent. */
  close(): void {
    this.#req.destroy();
  }
}

/**
 * Polls `probe` until it returns something other than undefined, for state the master changes
 * asynchronously (a closed stream noticed). Fails after `timeoutMs`.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`never saw ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A random canonical UUID, for stale stream ids and unknown framework ids. */
export function someUuid(): string {
  return randomUUID();
}

// A raw-HTTP client of the master's operator API (mesos-api.md section 3) for the integration
// tests, on node:http alone so that the tests see statuses and bodies exactly as sent:
//
//   const op = new OperatorClient(master);
//   const state = await op.getState();                     // GET_STATE's get_state, or throws
//   const result = await op.call({ type: 'UPDATE_WEIGHTS', update_weights: { ... } });
//   assert.is(result.status, 200);                         // any status: the test decides
//   const legacy = await op.getJson('/master/state');      // a v0 endpoint, parsed
//   const events = await op.subscribe(t);                  // SUBSCRIBE: an EventQueue of master events
//   await events.next('TASK_ADDED');
//
// Three layers, so that hostile tests and happy-path tests share one client:
//   - `call` posts any body (a Call, or raw text) with any headers and returns the status, the
//     headers, the body and, when it is JSON, the parsed Response; it never throws on a status;
//   - `expect` and the typed helpers (`getState`, `updateQuota`, ...) fail with the master's
//     answer quoted unless the status is the expected one;
//   - `subscribe` opens the event stream and decodes its RecordIO records into an EventQueue.
//
// The mesosctl issue will want the same calls in lib/; this file depends only on the shared test
// HTTP pieces (rawRequest, readRecordIO, EventQueue) so that moving it means replacing those.

import type { ClientRequest, IncomingHttpHeaders } from 'node:http';

import type * as maintenance from '../../lib/types/maintenance.ts';
import type * as master from '../../lib/types/master.ts';
import type * as v1 from '../../lib/types/mesos.ts';
import type * as quota from '../../lib/types/quota.ts';
import type { Cleanup, MasterAddress } from './master-process.ts';
import { EventQueue, WAIT_MS, openStreamRequest, rawRequest, readRecordIO, scalarOf, type HttpResult } from './scheduler-client.ts';

export const OPERATOR_PATH = '/api/v1';

export interface OperatorCallOptions {
  /** Replaces the default headers (Content-Type and Accept: application/json) when given. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `/api/v1`; `/master/api/v1` reaches the same handler. */
  readonly path?: string;
  readonly method?: string;
  readonly timeoutMs?: number;
}

/** What the master answered a call: the raw response and, for a JSON body, the Response. */
export interface OperatorResult extends HttpResult {
  /** The parsed body when it is JSON (a Response for the GET_* calls), else undefined. */
  readonly response: master.Response | undefined;
}

/** A call that did not get the expected status; the message quotes the master's answer. */
export class OperatorCallError extends Error {
  readonly result: OperatorResult;
  constructor(what: string, expected: number, result: OperatorResult) {
    super(`${what} answered ${result.status} (expected ${expected}): ${result.body.slice(0, 500)}`);
    this.result = result;
  }
}

function withResponse(result: HttpResult): OperatorResult {
  let response: master.Response | undefined;
  try {
    response = JSON.parse(result.body) as master.Response;
  } catch {
    response = undefined;
  }
  return { ...result, response };
}

/** Seconds as a v1 DurationInfo / google.protobuf.Duration is written in JSON: `{seconds, nanos}`. */
export function duration(seconds: number): { seconds: number; nanos?: number } {
  const whole = Math.trunc(seconds);
  const nanos = Math.round((seconds - whole) * 1e9);
  return nanos === 0 ? { seconds: whole } : { seconds: whole, nanos };
}

/** Resource quantities as QuotaConfig writes them: `{cpus: 1}` -> `{cpus: {value: 1}}`. */
export function quantities(amounts: Readonly<Record<string, number>>): Record<string, v1.Value.Scalar> {
  return Object.fromEntries(Object.entries(amounts).map(([name, value]) => [name, { value }]));
}

/** A dynamic reservation of `resources` to `role` (refined format), as RESERVE_RESOURCES takes it. */
export function reserved(resources: readonly v1.Resource[], role: string, principal?: string): v1.Resource[] {
  return resources.map((r) => ({
    ...r,
    reservations: [...(r.reservations ?? []), { type: 'DYNAMIC', role, ...(principal === undefined ? {} : { principal }) }],
  }));
}

export function isReserved(resource: v1.Resource): boolean {
  return (resource.reservations ?? []).length > 0 || (resource.role !== undefined && resource.role !== '*');
}

/** The scalar `name` of `resources` reserved to `role` (last reservation), or unreserved with role undefined. */
export function amount(resources: readonly v1.Resource[] | undefined, name: string, role?: string): number {
  const matching = (resources ?? []).filter((r) => {
    if (r.name !== name) return false;
    if (role === undefined) return !isReserved(r);
    return (r.reservations?.at(-1)?.role ?? r.role) === role;
  });
  return Math.round(scalarOf(matching, name) * 1000) / 1000;
}

export function describeMasterEvent(event: master.Event): string {
  switch (event.type) {
    case 'TASK_ADDED':
      return `TASK_ADDED(${event.task_added?.task.task_id.value} ${event.task_added?.task.state})`;
    case 'TASK_UPDATED':
      return `TASK_UPDATED(${event.task_updated?.status.task_id.value} ${event.task_updated?.state})`;
    case 'AGENT_ADDED':
      return `AGENT_ADDED(${event.agent_added?.agent.agent_info.id?.value})`;
    case 'AGENT_REMOVED':
      return `AGENT_REMOVED(${event.agent_removed?.agent_id.value})`;
    case 'FRAMEWORK_ADDED':
      return `FRAMEWORK_ADDED(${event.framework_added?.framework.framework_info.id?.value})`;
    case 'FRAMEWORK_UPDATED':
      return `FRAMEWORK_UPDATED(${event.framework_updated?.framework.framework_info.id?.value})`;
    case 'FRAMEWORK_REMOVED':
      return `FRAMEWORK_REMOVED(${event.framework_removed?.framework_info.id?.value})`;
    default:
      return event.type ?? '?';
  }
}

export class OperatorClient {
  readonly master: MasterAddress;

  constructor(master: MasterAddress) {
    this.master = master;
  }

  // -------------------------------------------------------------------------------------------
  // Raw calls

  /** Posts `body` (a Call, or text sent as is) and resolves with whatever the master answered. */
  async call(body: master.Call | Record<string, unknown> | string | Buffer, options: OperatorCallOptions = {}): Promise<OperatorResult> {
    const headers = options.headers ?? { 'Content-Type': 'application/json', Accept: 'application/json' };
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const result = await rawRequest(this.master, {
      method: options.method ?? 'POST',
      path: options.path ?? OPERATOR_PATH,
      headers,
      body: text,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return withResponse(result);
  }

  /** `call`, failing unless the status is `status` (200 by default). */
  async expect(body: master.Call, status = 200): Promise<OperatorResult> {
    const result = await this.call(body);
    if (result.status !== status) throw new OperatorCallError(body.type ?? 'a call', status, result);
    return result;
  }

  /** A GET_* call's Response, checked to be 200 and to carry `type` equal to the call's. */
  async get(type: master.Call.Type): Promise<master.Response> {
    const result = await this.expect({ type });
    const response = result.response;
    if (response?.type !== type) throw new Error(`${type} answered a Response of type ${response?.type}: ${result.body.slice(0, 500)}`);
    return response;
  }

  /** A GET on any path (legacy endpoints, metrics), with the query given as an object. */
  http(path: string, query: Readonly<Record<string, string | number>> = {}, method = 'GET'): Promise<HttpResult> {
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return rawRequest(this.master, { method, path: search === '' ? path : `${path}?${search}` });
  }

  /** A legacy endpoint's JSON; fails unless it answers 200 with JSON. */
  async getJson<T = unknown>(path: string, query: Readonly<Record<string, string | number>> = {}): Promise<T> {
    const result = await this.http(path, query);
    if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status}: ${result.body.slice(0, 500)}`);
    return result.json<T>();
  }

  // -------------------------------------------------------------------------------------------
  // Typed reads

  async getState(): Promise<master.Response.GetState> {
    return (await this.get('GET_STATE')).get_state!;
  }

  async getAgents(): Promise<master.Response.GetAgents> {
    return (await this.get('GET_AGENTS')).get_agents!;
  }

  /** One agent of GET_AGENTS, or undefined when it is not registered. */
  async getAgent(agentId: string): Promise<master.Response.GetAgents.Agent | undefined> {
    return (await this.getAgents()).agents?.find((a) => a.agent_info.id?.value === agentId);
  }

  async getFrameworks(): Promise<master.Response.GetFrameworks> {
    return (await this.get('GET_FRAMEWORKS')).get_frameworks!;
  }

  async getTasks(): Promise<master.Response.GetTasks> {
    return (await this.get('GET_TASKS')).get_tasks!;
  }

  async getRoles(): Promise<master.Response.GetRoles> {
    return (await this.get('GET_ROLES')).get_roles!;
  }

  async getWeights(): Promise<v1.WeightInfo[]> {
    return (await this.get('GET_WEIGHTS')).get_weights!.weight_infos ?? [];
  }

  async getQuota(): Promise<quota.QuotaConfig[]> {
    return (await this.get('GET_QUOTA')).get_quota!.status.configs ?? [];
  }

  async getMaintenanceSchedule(): Promise<maintenance.Schedule> {
    return (await this.get('GET_MAINTENANCE_SCHEDULE')).get_maintenance_schedule!.schedule;
  }

  async getMaintenanceStatus(): Promise<maintenance.ClusterStatus> {
    return (await this.get('GET_MAINTENANCE_STATUS')).get_maintenance_status!.status;
  }

  /** GET_METRICS as a name -> value object. */
  async getMetrics(): Promise<Record<string, number>> {
    const metrics = (await this.get('GET_METRICS')).get_metrics!.metrics ?? [];
    return Object.fromEntries(metrics.map((m) => [m.name, m.value ?? 0]));
  }

  /** Our extension: the allocator's explanation for a framework in a role. */
  async explain(frameworkId: string, role?: string): Promise<master.Response.ExplainAllocation> {
    const result = await this.expect({
      type: 'EXPLAIN_ALLOCATION',
      explain_allocation: { framework_id: { value: frameworkId }, ...(role === undefined ? {} : { role }) },
    });
    return result.response!.explain_allocation!;
  }

  // -------------------------------------------------------------------------------------------
  // Typed actions (each fails unless the master takes the call)

  updateWeights(weights: Readonly<Record<string, number>>): Promise<OperatorResult> {
    return this.expect({
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: Object.entries(weights).map(([role, weight]) => ({ role, weight })) },
    });
  }

  updateQuota(configs: quota.QuotaConfig[], force = false): Promise<OperatorResult> {
    return this.expect({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: configs, ...(force ? { force } : {}) } });
  }

  /** RESERVE_RESOURCES answers 202, as Mesos's. */
  reserve(agentId: string, resources: v1.Resource[]): Promise<OperatorResult> {
    return this.expect({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources } }, 202);
  }

  unreserve(agentId: string, resources: v1.Resource[]): Promise<OperatorResult> {
    return this.expect({ type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: agentId }, resources } }, 202);
  }

  drainAgent(agentId: string, options: { maxGracePeriodSeconds?: number; markGone?: boolean } = {}): Promise<OperatorResult> {
    return this.expect({
      type: 'DRAIN_AGENT',
      drain_agent: {
        agent_id: { value: agentId },
        ...(options.maxGracePeriodSeconds === undefined ? {} : { max_grace_period: duration(options.maxGracePeriodSeconds) }),
        ...(options.markGone === undefined ? {} : { mark_gone: options.markGone }),
      },
    });
  }

  deactivateAgent(agentId: string): Promise<OperatorResult> {
    return this.expect({ type: 'DEACTIVATE_AGENT', deactivate_agent: { agent_id: { value: agentId } } });
  }

  reactivateAgent(agentId: string): Promise<OperatorResult> {
    return this.expect({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentId } } });
  }

  markAgentGone(agentId: string): Promise<OperatorResult> {
    return this.expect({ type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: agentId } } });
  }

  teardown(frameworkId: string): Promise<OperatorResult> {
    return this.expect({ type: 'TEARDOWN', teardown: { framework_id: { value: frameworkId } } });
  }

  updateMaintenanceSchedule(schedule: maintenance.Schedule): Promise<OperatorResult> {
    return this.expect({ type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule } });
  }

  startMaintenance(machines: v1.MachineID[]): Promise<OperatorResult> {
    return this.expect({ type: 'START_MAINTENANCE', start_maintenance: { machines } });
  }

  stopMaintenance(machines: v1.MachineID[]): Promise<OperatorResult> {
    return this.expect({ type: 'STOP_MAINTENANCE', stop_maintenance: { machines } });
  }

  // -------------------------------------------------------------------------------------------
  // The event stream

  /**
   * SUBSCRIBE: resolves once the response headers arrive (200, or rejects with the answer).
   * Every decoded event, SUBSCRIBED first, goes to the subscription's EventQueue.
   */
  async subscribe(t: Cleanup, options: { headers?: Readonly<Record<string, string>>; timeoutMs?: number } = {}): Promise<OperatorSubscription> {
    const timeoutMs = options.timeoutMs ?? WAIT_MS;
    const headers = options.headers ?? { 'Content-Type': 'application/json', Accept: 'application/json' };
    const { req, res } = await openStreamRequest(this.master, OPERATOR_PATH, headers, JSON.stringify({ type: 'SUBSCRIBE' }), timeoutMs, 'operator SUBSCRIBE');
    const subscription = new OperatorSubscription(req, res.headers, (push, end) => readRecordIO(res, (r) => push(r as master.Event), end));
    t.add('close an operator event stream', () => subscription.close());
    return subscription;
  }
}

export class OperatorSubscription {
  readonly headers: IncomingHttpHeaders;
  readonly events = new EventQueue<master.Event>(describeMasterEvent);
  /** Settles with the reason once the stream has ended. */
  readonly closed: Promise<string>;
  readonly #req: ClientRequest;

  constructor(req: ClientRequest, headers: IncomingHttpHeaders, read: (push: (e: master.Event) => void, end: (reason: string) => void) => void) {
    this.#req = req;
    this.headers = headers;
    this.closed = new Promise((resolve) => {
      read(
        (event) => this.events.push(event),
        (reason) => {
          this.events.close(reason);
          resolve(reason);
        },
      );
    });
  }

  /** The next event (of `type`, if given), taken off the queue. */
  next(type?: master.Event.Type, timeoutMs = WAIT_MS): Promise<master.Event> {
    return this.events.take((e) => type === undefined || e.type === type, timeoutMs, type ? `${type} operator event` : 'operator event');
  }

  waitFor(matches: (event: master.Event) => boolean, timeoutMs = WAIT_MS, what = 'matching operator event'): Promise<master.Event> {
    return this.events.take(matches, timeoutMs, what);
  }

  /** Drops the stream. Idempotent. */
  close(): void {
    this.#req.destroy();
  }
}

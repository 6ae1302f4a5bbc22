// The one client of the operator APIs, for mesosctl, the dashboard and tests: the master's and
// the agents' `POST /api/v1` (calls encoded and responses decoded by the codec, so both sides
// speak Mesos's JSON dialect), the legacy GET endpoints, metrics, the master's event stream, and
// sandbox files through an agent's `/files/read`.

import { decode, encode } from '../api/codec.ts';
import type * as agentApi from '../types/agent.ts';
import type * as master from '../types/master.ts';
import { MesosError } from '../common/errors.ts';
import { endpointText, fetchJson, fetchStream, fetchText, parseEndpoint, type Endpoint } from './http.ts';

export interface ClientOptions {
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number;
}

const API_HEADERS = { Accept: 'application/json' } as const;

export class OperatorClient {
  readonly master: Endpoint;
  readonly #timeoutMs: number | undefined;

  constructor(master: Endpoint | string, options: ClientOptions = {}) {
    this.master = typeof master === 'string' ? parseEndpoint(master) : master;
    this.#timeoutMs = options.timeoutMs;
  }

  /** One v1 operator call; the Response for queries, undefined for actions (200/202, no body). */
  async call(call: master.Call): Promise<master.Response | undefined> {
    const response = await fetchText(this.master, {
      method: 'POST', path: '/api/v1', headers: API_HEADERS, body: encode('mesos.v1.master.Call', call), timeoutMs: this.#timeoutMs,
    });
    return response.body === '' ? undefined : decode('mesos.v1.master.Response', JSON.parse(response.body));
  }

  /** A query call whose response is known to be there (GET_STATE, GET_AGENTS, ...). */
  async query(call: master.Call): Promise<master.Response> {
    const response = await this.call(call);
    if (response === undefined) throw new Error(`${call.type ?? 'UNKNOWN'} answered with no body`);
    return response;
  }

  async getState(): Promise<master.Response.GetState> {
    return (await this.query({ type: 'GET_STATE' })).get_state ?? {};
  }

  async getAgents(): Promise<master.Response.GetAgents> {
    return (await this.query({ type: 'GET_AGENTS' })).get_agents ?? {};
  }

  async getFrameworks(): Promise<master.Response.GetFrameworks> {
    return (await this.query({ type: 'GET_FRAMEWORKS' })).get_frameworks ?? {};
  }

  async getTasks(): Promise<master.Response.GetTasks> {
    return (await this.query({ type: 'GET_TASKS' })).get_tasks ?? {};
  }

  async explain(frameworkId: string, role?: string): Promise<master.Response.ExplainAllocation> {
    const response = await this.query({
      type: 'EXPLAIN_ALLOCATION',
      explain_allocation: { framework_id: { value: frameworkId }, ...(role === undefined ? {} : { role }) },
    });
    return response.explain_allocation!;
  }

  /** A legacy GET endpoint (`/master/state`, `/master/tasks`, ...), parsed. */
  legacy(path: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<unknown> {
    return fetchJson(this.master, { path, ...(query === undefined ? {} : { query }), timeoutMs: this.#timeoutMs });
  }

  /** `/metrics/snapshot`. */
  async metrics(): Promise<Record<string, number>> {
    return (await this.legacy('/metrics/snapshot')) as Record<string, number>;
  }

  /** SUBSCRIBE: the master's events, SUBSCRIBED first, until `signal` aborts. */
  async *subscribe(signal?: AbortSignal): AsyncGenerator<master.Event> {
    const records = fetchStream(this.master, {
      method: 'POST', path: '/api/v1', headers: API_HEADERS, body: encode('mesos.v1.master.Call', { type: 'SUBSCRIBE' }),
      ...(signal === undefined ? {} : { signal }),
    });
    for await (const record of records) yield decode('mesos.v1.master.Event', record);
  }

  /** A client of the agent at `endpoint` (an agent's `pid` or `hostname:port`). */
  agent(endpoint: Endpoint | string): AgentClient {
    return new AgentClient(endpoint, this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs });
  }
}

export class AgentClient {
  readonly endpoint: Endpoint;
  readonly #timeoutMs: number | undefined;

  constructor(endpoint: Endpoint | string, options: ClientOptions = {}) {
    this.endpoint = typeof endpoint === 'string' ? parseEndpoint(endpoint, 5051) : endpoint;
    this.#timeoutMs = options.timeoutMs;
  }

  async call(call: agentApi.Call): Promise<agentApi.Response | undefined> {
    const response = await fetchText(this.endpoint, {
      method: 'POST', path: '/api/v1', headers: API_HEADERS, body: encode('mesos.v1.agent.Call', call), what: 'agent', timeoutMs: this.#timeoutMs,
    });
    return response.body === '' ? undefined : decode('mesos.v1.agent.Response', JSON.parse(response.body));
  }

  /**
   * `/files/read`: up to `length` bytes of `path` from `offset` (-1: the size only), as Mesos
   * answers it, `{data, offset}`.
   */
  async readFile(path: string, offset: number, length?: number): Promise<{ data: string; offset: number }> {
    return (await fetchJson(this.endpoint, {
      path: '/files/read', query: { path, offset, ...(length === undefined ? {} : { length }) }, what: 'agent', timeoutMs: this.#timeoutMs,
    })) as { data: string; offset: number };
  }

  /**
   * READ_FILE: up to `length` bytes of `path` from `offset` (at most 64 KiB, the agent's cap),
   * exactly as they are in the file, and the file's size. A missing file is NOT_FOUND.
   */
  async readFileBytes(path: string, offset: number, length?: number): Promise<{ data: Buffer; size: number }> {
    const response = await this.call({ type: 'READ_FILE', read_file: { path, offset, ...(length === undefined ? {} : { length }) } });
    const read = response?.read_file;
    if (read === undefined) throw new MesosError('INTERNAL', `the agent at ${endpointText(this.endpoint)} answered READ_FILE without read_file`);
    return { data: Buffer.from(read.data ?? '', 'base64'), size: read.size };
  }

  /** `/state` (the shape of `/slave(1)/state`). */
  state(): Promise<unknown> {
    return fetchJson(this.endpoint, { path: '/state', what: 'agent', timeoutMs: this.#timeoutMs });
  }
}

/** The `host:port` of an agent from GET_AGENTS: its pid `slave(1)@ip:port`, else hostname and port. */
export function agentEndpoint(agent: master.Response.GetAgents.Agent): Endpoint {
  const pid = agent.pid !== undefined ? /@(.+):(\d+)$/.exec(agent.pid) : null;
  if (pid !== null) return { host: pid[1]!, port: Number(pid[2]) };
  return { host: agent.agent_info.hostname, port: agent.agent_info.port ?? 5051 };
}

// The legacy (v0) JSON of the master's read-only endpoints: /master/state, /master/state-summary,
// /master/frameworks, /master/slaves, /master/tasks and /master/roles. Pure functions from the
// operator API's v1 views (master.proto Response.Get*) to plain JSON-able objects; the routes that
// serve them, `?jsonp=` and the redirect to the leader live elsewhere.
//
// The shapes follow Mesos's writers, not its docs: `src/master/readonly_handler.cpp`
// (FullFrameworkWriter, SlaveWriter, SlavesWriter, Summary<Framework>, the task summaries and
// TaskComparator) and the `json()` overloads of `src/common/http.cpp` (Resources, Task,
// TaskStatus, ContainerStatus, NetworkInfo, ExecutorInfo, CommandInfo, Offer, SlaveInfo,
// MasterInfo, Attributes, ResourceQuantities). What those writers always write is always here;
// what they write behind `has_x()` is here only when the v1 field is set. Keys are in the
// writers' order, except inside flattened resources, whose order Mesos leaves to a hashmap.
//
// Every value survives JSON.stringify unchanged: no undefined (optional keys are left out), no
// NaN, and infinite doubles (task limits, quota limits) are written as the strings "Infinity" and
// "-Infinity", as the codec does (lib/api/codec.ts explains why).
//
// Vocabulary: v0 says `slave` where v1 says `agent`; the output keeps v0's words.

import { encodeValue } from '../api/codec.ts';
import type { MessageName } from '../api/codec.ts';
import { Resources, flattenResourcesForV0, formatRanges, formatSet, toEndpointFormat } from '../api/resources.ts';
import type { V0Resources } from '../api/resources.ts';
import type * as master from '../types/master.ts';
import type * as v1 from '../types/mesos.ts';
import type * as quota from '../types/quota.ts';
import type { MessageTypes } from '../types/registry.ts';
import { hasCapability } from './validation.ts';

export type { V0Resources } from '../api/resources.ts';

// ---------------------------------------------------------------------------------------------
// Output types.
// ---------------------------------------------------------------------------------------------

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A v0 attribute value: scalars as numbers, text as is, ranges and sets in Mesos's text form. */
export type V0Attributes = Record<string, number | string>;

export interface V0ContainerStatus {
  container_id?: JsonObject;
  network_infos?: V0NetworkInfo[];
  cgroup_info?: JsonObject;
}

/** Mesos's hand-written NetworkInfo: like the proto, but `labels` is the bare array of labels. */
export interface V0NetworkInfo {
  groups?: string[];
  labels?: JsonObject[];
  ip_addresses?: JsonObject[];
  name?: string;
  port_mappings?: JsonObject[];
}

export interface V0TaskStatus {
  state: v1.TaskState;
  timestamp: number;
  labels?: JsonObject[];
  container_status?: V0ContainerStatus;
  healthy?: boolean;
}

export interface V0Task {
  id: string;
  name: string;
  framework_id: string;
  /** Empty for command tasks, which have no executor id. */
  executor_id: string;
  slave_id: string;
  state: v1.TaskState;
  resources: V0Resources;
  limits?: Record<string, number | string>;
  /** The allocation role of the task's first resource (a task never mixes roles). */
  role: string;
  statuses: V0TaskStatus[];
  user?: string;
  labels?: JsonObject[];
  discovery?: JsonObject;
  container?: JsonObject;
  health_check?: JsonObject;
}

export interface V0Offer {
  id: string;
  framework_id: string;
  allocation_info: JsonObject;
  slave_id: string;
  resources: V0Resources;
}

export interface V0CommandInfo {
  shell?: boolean;
  value?: string;
  argv: string[];
  environment?: JsonObject;
  uris: { value: string; executable: boolean }[];
}

export interface V0Executor {
  executor_id: string;
  name: string;
  framework_id: string;
  command: V0CommandInfo;
  resources: V0Resources;
  role?: string;
  labels?: JsonObject[];
  type?: string;
  slave_id: string;
}

/** Mesos's Summary<Framework>: what /master/state-summary shows of a framework. */
export interface V0FrameworkSummary {
  id: string;
  name: string;
  /** Only for PID (v0 driver) frameworks; v1 views carry none, so never set today. */
  pid?: string;
  used_resources: V0Resources;
  offered_resources: V0Resources;
  capabilities: string[];
  hostname: string;
  webui_url: string;
  active: boolean;
  connected: boolean;
  recovered: boolean;
}

/** Mesos's FullFrameworkWriter: a framework in /master/state and /master/frameworks. */
export interface V0Framework extends V0FrameworkSummary {
  user: string;
  failover_timeout: number | string;
  checkpoint: boolean;
  registered_time: number;
  unregistered_time: number;
  principal?: string;
  resources: V0Resources;
  reregistered_time?: number;
  /** MULTI_ROLE frameworks have `roles`, the others `role` (never both). */
  roles?: string[];
  role?: string;
  tasks: V0Task[];
  unreachable_tasks: V0Task[];
  completed_tasks: V0Task[];
  offers: V0Offer[];
  executors: V0Executor[];
  labels?: JsonObject[];
  offer_constraints: JsonObject;
}

/** Mesos's json(SlaveInfo): all that /master/state shows of a recovered agent. */
export interface V0AgentInfo {
  id: string;
  hostname: string;
  port: number;
  attributes: V0Attributes;
  domain?: JsonObject;
}

/** Mesos's SlaveWriter: a registered agent. */
export interface V0Agent extends V0AgentInfo {
  pid: string;
  registered_time: number;
  reregistered_time?: number;
  resources: V0Resources;
  used_resources: V0Resources;
  offered_resources: V0Resources;
  /** Keyed by the role of each resource's last (most refined) reservation. */
  reserved_resources: Record<string, V0Resources>;
  unreserved_resources: V0Resources;
  active: boolean;
  deactivated: boolean;
  version: string;
  capabilities: string[];
  drain_info?: JsonObject;
  estimated_drain_start_time_seconds?: number;
}

/** An agent in /master/slaves: SlaveWriter plus the resources as proto JSON (endpoint format). */
export interface V0AgentFull extends V0Agent {
  reserved_resources_full: Record<string, JsonObject[]>;
  unreserved_resources_full: JsonObject[];
  used_resources_full: JsonObject[];
  offered_resources_full: JsonObject[];
}

/**
 * The per-state task counts of /master/state-summary. Mesos counts every state but writes only
 * these ten (its TODO for TASK_GONE and TASK_GONE_BY_OPERATOR was never done).
 */
export const SUMMARY_TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_KILLED',
  'TASK_FAILED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_UNREACHABLE',
] as const satisfies readonly v1.TaskState[];

export type TaskCounts = Record<(typeof SUMMARY_TASK_STATES)[number], number>;

export type V0AgentWithCounts = V0Agent & TaskCounts & { framework_ids: string[] };
export type V0FrameworkWithCounts = V0FrameworkSummary & TaskCounts & { slave_ids: string[] };

export interface V0StateSummary {
  hostname: string;
  cluster?: string;
  slaves: V0AgentWithCounts[];
  frameworks: V0FrameworkWithCounts[];
}

export interface V0MasterInfo {
  id: string;
  pid: string;
  port: number;
  hostname: string;
  domain?: JsonObject;
}

export interface V0State {
  version: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
  build_date: string;
  build_time: number;
  build_user: string;
  start_time: number;
  elected_time?: number;
  id: string;
  pid: string;
  hostname: string;
  capabilities: string[];
  activated_slaves: number;
  deactivated_slaves: number;
  unreachable_slaves: number;
  domain?: JsonObject;
  leader: string;
  leader_info: V0MasterInfo;
  cluster?: string;
  log_dir?: string;
  external_log_file?: string;
  flags: Record<string, string>;
  slaves: V0Agent[];
  recovered_slaves: V0AgentInfo[];
  frameworks: V0Framework[];
  completed_frameworks: V0Framework[];
  /** Always empty: Mesos keeps the key for old readers. */
  orphan_tasks: never[];
  /** Always empty: Mesos keeps the key for old readers. */
  unregistered_frameworks: never[];
}

export interface V0Frameworks {
  frameworks: V0Framework[];
  completed_frameworks: V0Framework[];
  unregistered_frameworks: never[];
}

export interface V0Slaves {
  slaves: V0AgentFull[];
  recovered_slaves: V0AgentInfo[];
}

/** Resource name to amount, scalars only, names sorted, zero amounts left out (ResourceQuantities). */
export type V0Quantities = Record<string, number | string>;

export interface V0Role {
  name: string;
  weight: number;
  /** Always present; `guarantee` and `limit` are empty without a quota (singular names, as Mesos). */
  quota: { role: string; guarantee: V0Quantities; limit: V0Quantities; consumed: V0Quantities };
  /** allocated + offered; Mesos keeps it for old readers. */
  resources: V0Quantities;
  allocated: V0Quantities;
  offered: V0Quantities;
  reserved: V0Quantities;
  frameworks: string[];
}

// ---------------------------------------------------------------------------------------------
// Inputs.
// ---------------------------------------------------------------------------------------------

/**
 * What /master/state and /master/state-summary need beyond GET_STATE.
 * Each field is a v1 message the operator API already has, or one number.
 */
export interface LegacyMasterInput {
  /**
   * GET_MASTER: `master_info` (id, pid, hostname, port, domain, capabilities), `start_time`
   * and `elected_time` in seconds since the epoch. A missing `elected_time` leaves
   * `elected_time` out of /master/state, as Mesos does before an election.
   */
  master: master.Response.GetMaster;
  /** GET_VERSION's VersionInfo: version, build_date, build_time (seconds), build_user, git_*. */
  version: v1.VersionInfo;
  /**
   * The master's flags by name, without the leading `--`, as Mesos stringifies them. `cluster`,
   * `log_dir` and `external_log_file` are read from here, as Mesos reads them from its flags.
   */
  flags: Readonly<Record<string, string>>;
  /** How many agents are unreachable. GET_AGENTS does not list them; Mesos counts its `slaves.unreachable`. */
  unreachableAgents: number;
}

/** A query string: URLSearchParams fits. A parameter given twice counts once, with `get`'s value. */
export interface QueryParams {
  get(name: string): string | null;
}

// ---------------------------------------------------------------------------------------------
// Small pieces shared by the endpoints.
// ---------------------------------------------------------------------------------------------

/**
 * Resources flattened for v0 output: `{cpus, gpus, mem, disk}` always (0 when absent), other
 * scalars by name, ranges as `"[31000-32000, 33000-34000]"`, sets as `"{a, b}"`, and revocable
 * resources under `<name>_revocable`. Reservations and allocations are summed away.
 */
export function flattenResources(resources: Resources | Iterable<v1.Resource> | undefined): V0Resources {
  return flattenResourcesForV0(resources ?? []);
}

/**
 * Agent attributes as v0 shows them (Mesos's json(Attributes)): name -> number for scalars, the
 * text for text, `"[1-2, 5-8]"` for ranges (as given, not coalesced) and `"{a, b}"` for sets. A
 * name given twice keeps its last value, which is what a JSON reader makes of Mesos's duplicate key.
 */
export function v0Attributes(attributes: readonly v1.Attribute[] | undefined): V0Attributes {
  const entries: [string, number | string][] = [];
  for (const attribute of attributes ?? []) {
    switch (attribute.type) {
      case 'SCALAR':
        entries.push([attribute.name, jsonNumber(attribute.scalar?.value ?? 0)]);
        break;
      case 'RANGES':
        entries.push([attribute.name, formatRanges(attribute.ranges?.range ?? [])]);
        break;
      case 'SET':
        entries.push([attribute.name, formatSet(attribute.set?.item ?? [])]);
        break;
      case 'TEXT':
        entries.push([attribute.name, attribute.text?.value ?? '']);
        break;
    }
  }
  // Object.fromEntries defines own properties, so an attribute named `__proto__` stays data.
  return Object.fromEntries(entries);
}

// A double as JSON can carry it: infinities as the strings the codec writes (NaN never reaches
// here: every number comes from a decoded message or from fixed-point arithmetic).
function jsonNumber(n: number): number | string {
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

/** Mesos's JSON of a message (JSON::Protobuf): the codec's, defaults and all. */
function proto<K extends MessageName>(type: K, value: MessageTypes[K]): JsonObject {
  return encodeValue(type, value) as JsonObject;
}

/** Labels as Mesos's json(Labels) writes them: the bare array of Label messages. */
function v0Labels(labels: v1.Labels): JsonObject[] {
  return (labels.labels ?? []).map((label) => proto('mesos.v1.Label', label));
}

/** Time::secs(): a TimeInfo in seconds, as a double. */
function seconds(time: v1.TimeInfo | undefined): number {
  return (time?.nanoseconds ?? 0) / 1e9;
}

function capabilityNames(capabilities: readonly { type?: string }[] | undefined): string[] {
  return (capabilities ?? []).map((capability) => capability.type ?? 'UNKNOWN');
}

/** The role a task or executor runs as: its first resource's allocation role (MESOS-6636). */
function allocationRole(resources: readonly v1.Resource[] | undefined): string {
  return resources?.[0]?.allocation_info?.role ?? '';
}

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** Mesos's IDAcceptor: no parameter accepts every id, a parameter only the equal one. */
function idAcceptor(query: QueryParams | undefined, name: string): (id: string) => boolean {
  const wanted = query?.get(name) ?? null;
  return (id) => wanted === null || id === wanted;
}

// ---------------------------------------------------------------------------------------------
// Tasks.
// ---------------------------------------------------------------------------------------------

function v0NetworkInfo(info: v1.NetworkInfo): V0NetworkInfo {
  const result: V0NetworkInfo = {};
  if ((info.groups ?? []).length > 0) result.groups = [...info.groups!];
  if (info.labels !== undefined) result.labels = v0Labels(info.labels);
  if ((info.ip_addresses ?? []).length > 0) result.ip_addresses = info.ip_addresses!.map((a) => proto('mesos.v1.NetworkInfo.IPAddress', a));
  if (info.name !== undefined) result.name = info.name;
  if ((info.port_mappings ?? []).length > 0) {
    result.port_mappings = info.port_mappings!.map((m) => proto('mesos.v1.NetworkInfo.PortMapping', m));
  }
  return result;
}

function v0ContainerStatus(status: v1.ContainerStatus): V0ContainerStatus {
  const result: V0ContainerStatus = {};
  if (status.container_id !== undefined) result.container_id = proto('mesos.v1.ContainerID', status.container_id);
  if ((status.network_infos ?? []).length > 0) result.network_infos = status.network_infos!.map(v0NetworkInfo);
  if (status.cgroup_info !== undefined) result.cgroup_info = proto('mesos.v1.CgroupInfo', status.cgroup_info);
  return result;
}

function v0TaskStatus(status: v1.TaskStatus): V0TaskStatus {
  const result: V0TaskStatus = { state: status.state, timestamp: status.timestamp ?? 0 };
  if (status.labels !== undefined) result.labels = v0Labels(status.labels);
  if (status.container_status !== undefined) result.container_status = v0ContainerStatus(status.container_status);
  if (status.healthy !== undefined) result.healthy = status.healthy;
  return result;
}

/** One task as every v0 endpoint shows it (Mesos's json(Task)). */
export function v0Task(task: v1.Task): V0Task {
  // Built in the writer's key order; `limits` sits between `resources` and `role`.
  const result: Partial<V0Task> = {
    id: task.task_id.value,
    name: task.name,
    framework_id: task.framework_id.value,
    executor_id: task.executor_id?.value ?? '',
    slave_id: task.agent_id.value,
    state: task.state,
    resources: flattenResources(task.resources),
  };
  const limits = Object.entries(task.limits ?? {});
  if (limits.length > 0) result.limits = Object.fromEntries(limits.map(([name, limit]) => [name, jsonNumber(limit.value)]));
  result.role = allocationRole(task.resources);
  result.statuses = (task.statuses ?? []).map(v0TaskStatus);
  if (task.user !== undefined) result.user = task.user;
  if (task.labels !== undefined) result.labels = v0Labels(task.labels);
  if (task.discovery !== undefined) result.discovery = proto('mesos.v1.DiscoveryInfo', task.discovery);
  if (task.container !== undefined) result.container = proto('mesos.v1.ContainerInfo', task.container);
  if (task.health_check !== undefined) result.health_check = proto('mesos.v1.HealthCheck', task.health_check);
  return result as V0Task;
}

// ---------------------------------------------------------------------------------------------
// Frameworks.
// ---------------------------------------------------------------------------------------------

function v0Offer(offer: v1.Offer): V0Offer {
  return {
    id: offer.id.value,
    framework_id: offer.framework_id.value,
    allocation_info: proto('mesos.v1.Resource.AllocationInfo', offer.allocation_info ?? {}),
    slave_id: offer.agent_id.value,
    resources: flattenResources(offer.resources),
  };
}

function v0CommandInfo(command: v1.CommandInfo): V0CommandInfo {
  const result: Partial<V0CommandInfo> = {};
  if (command.shell !== undefined) result.shell = command.shell;
  if (command.value !== undefined) result.value = command.value;
  result.argv = [...(command.arguments ?? [])];
  if (command.environment !== undefined) result.environment = proto('mesos.v1.Environment', command.environment);
  result.uris = (command.uris ?? []).map((uri) => ({ value: uri.value, executable: uri.executable ?? false }));
  return result as V0CommandInfo;
}

function v0Executor(executor: master.Response.GetExecutors.Executor): V0Executor {
  const info = executor.executor_info;
  const result: Partial<V0Executor> = {
    executor_id: info.executor_id.value,
    name: info.name ?? '',
    framework_id: info.framework_id?.value ?? '',
    command: v0CommandInfo(info.command ?? {}),
    resources: flattenResources(info.resources),
  };
  // Command executors may have no resources, and then no role.
  if ((info.resources ?? []).length > 0) result.role = allocationRole(info.resources);
  if (info.labels !== undefined) result.labels = v0Labels(info.labels);
  if (info.type !== undefined) result.type = info.type;
  result.slave_id = executor.agent_id.value;
  return result as V0Executor;
}

function v0FrameworkSummary(framework: master.Response.GetFrameworks.Framework): V0FrameworkSummary {
  const info = framework.framework_info;
  // `pid` is written for PID frameworks only; a v1 view has no pid, so it never appears.
  return {
    id: info.id?.value ?? '',
    name: info.name,
    used_resources: flattenResources(framework.allocated_resources),
    offered_resources: flattenResources(framework.offered_resources),
    capabilities: capabilityNames(info.capabilities),
    hostname: info.hostname ?? '',
    webui_url: info.webui_url ?? '',
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
  };
}

/** A framework's tasks and executors, gathered from GET_STATE by framework id. */
interface FrameworkBelongings {
  tasks: Map<string, v1.Task[]>;
  unreachable: Map<string, v1.Task[]>;
  completed: Map<string, v1.Task[]>;
  executors: Map<string, master.Response.GetExecutors.Executor[]>;
}

function belongings(state: master.Response.GetState): FrameworkBelongings {
  const byFramework = (task: v1.Task) => task.framework_id.value;
  const tasks = state.get_tasks ?? {};
  return {
    tasks: groupBy(tasks.tasks ?? [], byFramework),
    unreachable: groupBy(tasks.unreachable_tasks ?? [], byFramework),
    completed: groupBy(tasks.completed_tasks ?? [], byFramework),
    executors: groupBy(state.get_executors?.executors ?? [], (e) => e.executor_info.framework_id?.value ?? ''),
  };
}

function v0Framework(framework: master.Response.GetFrameworks.Framework, owned: FrameworkBelongings): V0Framework {
  const info = framework.framework_info;
  const id = info.id?.value ?? '';
  const result: Partial<V0Framework> = {
    ...v0FrameworkSummary(framework),
    user: info.user,
    failover_timeout: jsonNumber(info.failover_timeout ?? 0),
    checkpoint: info.checkpoint ?? false,
    registered_time: seconds(framework.registered_time),
    unregistered_time: seconds(framework.unregistered_time),
  };
  if (info.principal !== undefined) result.principal = info.principal;
  result.resources = flattenResources([...(framework.allocated_resources ?? []), ...(framework.offered_resources ?? [])]);
  // Mesos writes reregistered_time only when it differs from registered_time.
  const reregistered = framework.reregistered_time;
  if (reregistered !== undefined && reregistered.nanoseconds !== framework.registered_time?.nanoseconds) {
    result.reregistered_time = seconds(reregistered);
  }
  if (hasCapability(info, 'MULTI_ROLE')) result.roles = [...(info.roles ?? [])];
  else result.role = info.role ?? '*';
  result.tasks = (owned.tasks.get(id) ?? []).map(v0Task);
  result.unreachable_tasks = (owned.unreachable.get(id) ?? []).map(v0Task);
  result.completed_tasks = (owned.completed.get(id) ?? []).map(v0Task);
  result.offers = (framework.offers ?? []).map(v0Offer);
  result.executors = (owned.executors.get(id) ?? []).map(v0Executor);
  if (info.labels !== undefined) result.labels = v0Labels(info.labels);
  result.offer_constraints = proto('mesos.v1.scheduler.OfferConstraints', framework.offer_constraints ?? {});
  return result as V0Framework;
}

/**
 * /master/frameworks: registered and completed frameworks in full. `?framework_id=` keeps only
 * that framework; `unregistered_frameworks` is always empty, as in Mesos.
 */
export function legacyFrameworks(state: master.Response.GetState, query?: QueryParams): V0Frameworks {
  const accept = idAcceptor(query, 'framework_id');
  const owned = belongings(state);
  const keep = (list: master.Response.GetFrameworks.Framework[] | undefined) =>
    (list ?? []).filter((f) => accept(f.framework_info.id?.value ?? '')).map((f) => v0Framework(f, owned));
  return {
    frameworks: keep(state.get_frameworks?.frameworks),
    completed_frameworks: keep(state.get_frameworks?.completed_frameworks),
    unregistered_frameworks: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Agents.
// ---------------------------------------------------------------------------------------------

function v0AgentInfo(info: v1.AgentInfo): V0AgentInfo {
  const result: V0AgentInfo = {
    id: info.id?.value ?? '',
    hostname: info.hostname,
    port: info.port ?? 5051,
    attributes: v0Attributes(info.attributes),
  };
  if (info.domain !== undefined) result.domain = proto('mesos.v1.DomainInfo', info.domain);
  return result;
}

// Mesos's agent Capabilities struct keeps only the capabilities it knows, so UNKNOWN never shows.
function agentCapabilityNames(capabilities: readonly v1.AgentInfo.Capability[] | undefined): string[] {
  return capabilityNames(capabilities).filter((name) => name !== 'UNKNOWN');
}

function v0Agent(agent: master.Response.GetAgents.Agent): V0Agent {
  const total = Resources.from(agent.total_resources ?? []);
  const result: Partial<V0Agent> = {
    ...v0AgentInfo(agent.agent_info),
    pid: agent.pid ?? '',
    registered_time: seconds(agent.registered_time),
  };
  if (agent.reregistered_time !== undefined) result.reregistered_time = seconds(agent.reregistered_time);
  result.resources = flattenResources(total);
  result.used_resources = flattenResources(Resources.from(agent.allocated_resources ?? []));
  result.offered_resources = flattenResources(Resources.from(agent.offered_resources ?? []));
  result.reserved_resources = Object.fromEntries(
    [...total.reservations()].map(([role, reserved]) => [role, flattenResources(reserved)]),
  );
  result.unreserved_resources = flattenResources(total.unreserved());
  result.active = agent.active;
  result.deactivated = agent.deactivated ?? false;
  result.version = agent.version;
  result.capabilities = agentCapabilityNames(agent.capabilities);
  if (agent.drain_info !== undefined) {
    result.drain_info = proto('mesos.v1.DrainInfo', agent.drain_info);
    if (agent.estimated_drain_start_time !== undefined) {
      result.estimated_drain_start_time_seconds = seconds(agent.estimated_drain_start_time);
    }
  }
  return result as V0Agent;
}

/** Resources as /master/slaves' `*_full` arrays: proto JSON in the endpoint format. */
function fullResources(resources: Resources): JsonObject[] {
  return [...resources].map((resource) => proto('mesos.v1.Resource', toEndpointFormat(resource)));
}

function v0AgentFull(agent: master.Response.GetAgents.Agent): V0AgentFull {
  const total = Resources.from(agent.total_resources ?? []);
  return {
    ...v0Agent(agent),
    reserved_resources_full: Object.fromEntries(
      [...total.reservations()].map(([role, reserved]) => [role, fullResources(reserved)]),
    ),
    unreserved_resources_full: fullResources(total.unreserved()),
    used_resources_full: fullResources(Resources.from(agent.allocated_resources ?? [])),
    offered_resources_full: fullResources(Resources.from(agent.offered_resources ?? [])),
  };
}

/**
 * /master/slaves: registered agents with their resources both flattened and in full, and the
 * recovered agents (not yet reregistered after a master failover) as their AgentInfo.
 * `?slave_id=` keeps only that agent, in either list.
 */
export function legacySlaves(agents: master.Response.GetAgents, query?: QueryParams): V0Slaves {
  const accept = idAcceptor(query, 'slave_id');
  return {
    slaves: (agents.agents ?? []).filter((a) => accept(a.agent_info.id?.value ?? '')).map(v0AgentFull),
    recovered_slaves: (agents.recovered_agents ?? []).filter((info) => accept(info.id?.value ?? '')).map(v0AgentInfo),
  };
}

// ---------------------------------------------------------------------------------------------
// /master/state and /master/state-summary.
// ---------------------------------------------------------------------------------------------

function v0MasterInfo(info: v1.MasterInfo): V0MasterInfo {
  const result: V0MasterInfo = { id: info.id, pid: info.pid ?? '', port: info.port, hostname: info.hostname ?? '' };
  if (info.domain !== undefined) result.domain = proto('mesos.v1.DomainInfo', info.domain);
  return result;
}

// GET_MASTER always carries master_info in practice; an empty one keeps the output well-formed.
function masterInfoOf(input: LegacyMasterInput): v1.MasterInfo {
  return input.master.master_info ?? { id: '', ip: 0, port: 5050 };
}

/**
 * /master/state. The legacy endpoints are served by the leading master only (the others
 * redirect), so `leader` and `leader_info` describe this master.
 */
export function legacyState(state: master.Response.GetState, input: LegacyMasterInput): V0State {
  const info = masterInfoOf(input);
  const version = input.version;
  const agents = state.get_agents?.agents ?? [];
  const result: Partial<V0State> = { version: version.version };
  if (version.git_sha !== undefined) result.git_sha = version.git_sha;
  if (version.git_branch !== undefined) result.git_branch = version.git_branch;
  if (version.git_tag !== undefined) result.git_tag = version.git_tag;
  result.build_date = version.build_date ?? '';
  result.build_time = version.build_time ?? 0;
  result.build_user = version.build_user ?? '';
  result.start_time = input.master.start_time ?? 0;
  if (input.master.elected_time !== undefined) result.elected_time = input.master.elected_time;
  result.id = info.id;
  result.pid = info.pid ?? '';
  result.hostname = info.hostname ?? '';
  result.capabilities = capabilityNames(info.capabilities);
  result.activated_slaves = agents.filter((agent) => agent.active).length;
  result.deactivated_slaves = agents.filter((agent) => !agent.active).length;
  result.unreachable_slaves = input.unreachableAgents;
  if (info.domain !== undefined) result.domain = proto('mesos.v1.DomainInfo', info.domain);
  result.leader = info.pid ?? '';
  result.leader_info = v0MasterInfo(info);
  const flags = input.flags;
  if (Object.hasOwn(flags, 'cluster')) result.cluster = flags.cluster!;
  if (Object.hasOwn(flags, 'log_dir')) result.log_dir = flags.log_dir!;
  if (Object.hasOwn(flags, 'external_log_file')) result.external_log_file = flags.external_log_file!;
  result.flags = Object.fromEntries(Object.entries(flags));
  result.slaves = agents.map(v0Agent);
  result.recovered_slaves = (state.get_agents?.recovered_agents ?? []).map(v0AgentInfo);
  const { frameworks, completed_frameworks } = legacyFrameworks(state);
  result.frameworks = frameworks;
  result.completed_frameworks = completed_frameworks;
  result.orphan_tasks = [];
  result.unregistered_frameworks = [];
  return result as V0State;
}

function emptyCounts(): TaskCounts {
  return Object.fromEntries(SUMMARY_TASK_STATES.map((state) => [state, 0])) as TaskCounts;
}

/**
 * /master/state-summary: every registered agent with per-state task counts and the ids of the
 * frameworks that have tasks on it, and every registered framework with its counts and the ids
 * of the agents its tasks are on. As in Mesos, only registered (not completed) frameworks' tasks
 * count, running, unreachable and completed alike.
 */
export function legacyStateSummary(state: master.Response.GetState, input: LegacyMasterInput): V0StateSummary {
  const registered = state.get_frameworks?.frameworks ?? [];
  const registeredIds = new Set(registered.map((f) => f.framework_info.id?.value ?? ''));
  const tasks = state.get_tasks ?? {};
  const counted = [...(tasks.tasks ?? []), ...(tasks.unreachable_tasks ?? []), ...(tasks.completed_tasks ?? [])].filter((task) =>
    registeredIds.has(task.framework_id.value),
  );

  const agentCounts = new Map<string, TaskCounts>();
  const frameworkCounts = new Map<string, TaskCounts>();
  const frameworksOnAgent = new Map<string, Set<string>>();
  const agentsOfFramework = new Map<string, Set<string>>();
  for (const task of counted) {
    const agentId = task.agent_id.value;
    const frameworkId = task.framework_id.value;
    if (!frameworksOnAgent.has(agentId)) frameworksOnAgent.set(agentId, new Set());
    if (!agentsOfFramework.has(frameworkId)) agentsOfFramework.set(frameworkId, new Set());
    frameworksOnAgent.get(agentId)!.add(frameworkId);
    agentsOfFramework.get(frameworkId)!.add(agentId);
    if (!(SUMMARY_TASK_STATES as readonly string[]).includes(task.state)) continue;
    const state = task.state as keyof TaskCounts;
    if (!agentCounts.has(agentId)) agentCounts.set(agentId, emptyCounts());
    if (!frameworkCounts.has(frameworkId)) frameworkCounts.set(frameworkId, emptyCounts());
    agentCounts.get(agentId)![state] += 1;
    frameworkCounts.get(frameworkId)![state] += 1;
  }

  const result: Partial<V0StateSummary> = { hostname: masterInfoOf(input).hostname ?? '' };
  if (Object.hasOwn(input.flags, 'cluster')) result.cluster = input.flags.cluster!;
  result.slaves = (state.get_agents?.agents ?? []).map((agent) => {
    const id = agent.agent_info.id?.value ?? '';
    return { ...v0Agent(agent), ...(agentCounts.get(id) ?? emptyCounts()), framework_ids: [...(frameworksOnAgent.get(id) ?? [])] };
  });
  result.frameworks = registered.map((framework) => {
    const id = framework.framework_info.id?.value ?? '';
    return {
      ...v0FrameworkSummary(framework),
      ...(frameworkCounts.get(id) ?? emptyCounts()),
      slave_ids: [...(agentsOfFramework.get(id) ?? [])],
    };
  });
  return result as V0StateSummary;
}

// ---------------------------------------------------------------------------------------------
// /master/tasks.
// ---------------------------------------------------------------------------------------------

/** Mesos's TASK_LIMIT: how many tasks /master/tasks returns without `?limit=`. */
export const TASK_LIMIT = 100;

export interface TasksQuery {
  /** As parsed; may be negative (see `legacyTasks` for what Mesos makes of that). */
  limit: number;
  offset: number;
  order: 'asc' | 'des';
  frameworkId?: string;
  taskId?: string;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * stout's numify<int>: a decimal integer with an optional sign (boost::lexical_cast), or hex with
 * `0x` and an optional leading `-`; no spaces, no fraction, within int32. Else undefined.
 */
function numifyInt(text: string): number | undefined {
  let value: number;
  const hex = /^(-?)0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (/^[+-]?[0-9]+$/.test(text)) {
    value = Number(text);
  } else if (hex !== null) {
    const magnitude = Number.parseInt(hex[2]!, 16);
    if (magnitude > INT32_MAX) return undefined; // the stream extraction overflows before negating
    value = hex[1] === '-' ? -magnitude : magnitude;
  } else {
    return undefined;
  }
  return value >= INT32_MIN && value <= INT32_MAX ? value + 0 : undefined;
}

/**
 * The parameters of /master/tasks as Mesos reads them. Mesos rejects nothing here: a `limit` or
 * `offset` that is not an int falls back to its default (100 and 0), and any `order` other than
 * `asc` means descending, including the `desc` that Mesos's own help text shows.
 */
export function parseTasksQuery(query: QueryParams): TasksQuery {
  const limitText = query.get('limit');
  const offsetText = query.get('offset');
  const result: TasksQuery = {
    limit: (limitText === null ? undefined : numifyInt(limitText)) ?? TASK_LIMIT,
    offset: (offsetText === null ? undefined : numifyInt(offsetText)) ?? 0,
    order: query.get('order') === 'asc' ? 'asc' : 'des',
  };
  const frameworkId = query.get('framework_id');
  const taskId = query.get('task_id');
  if (frameworkId !== null) result.frameworkId = frameworkId;
  if (taskId !== null) result.taskId = taskId;
  return result;
}

/** The timestamp Mesos sorts by: the first (earliest) status's, or none for a task without one. */
function firstTimestamp(task: v1.Task): number | undefined {
  const first = task.statuses?.[0];
  return first === undefined ? undefined : (first.timestamp ?? 0);
}

// TaskComparator: ascending puts tasks without statuses first, descending puts them last.
function compareTasks(order: 'asc' | 'des'): (a: v1.Task, b: v1.Task) => number {
  return (a, b) => {
    const left = firstTimestamp(a);
    const right = firstTimestamp(b);
    if (left === undefined && right === undefined) return 0;
    if (left === undefined) return order === 'asc' ? -1 : 1;
    if (right === undefined) return order === 'asc' ? 1 : -1;
    return order === 'asc' ? left - right : right - left;
  };
}

const SIZE_T = 2n ** 64n;

function toSizeT(n: number): bigint {
  return ((BigInt(n) % SIZE_T) + SIZE_T) % SIZE_T;
}

/**
 * /master/tasks: the running, unreachable and completed tasks of registered and completed
 * frameworks (all of GET_TASKS but the deprecated lists), filtered by `framework_id` and
 * `task_id`, sorted by their first status's timestamp (`order`, default descending), then
 * paged by `offset` and `limit`.
 *
 * Paging reproduces Mesos's size_t arithmetic: limit and offset are ints converted to 64-bit
 * unsigned, and the page is [offset, min(offset + limit mod 2^64, n)). Worked examples with 5
 * tasks: limit=2&offset=1 gives tasks 1-2; limit=-1 (2^64 - 1) gives all 5; limit=-1&offset=2
 * wraps offset + limit to 1, below the offset, so it gives none; offset=-1 gives none.
 */
export function legacyTasks(tasks: master.Response.GetTasks, query: QueryParams): { tasks: V0Task[] } {
  const { limit, offset, order, frameworkId, taskId } = parseTasksQuery(query);
  const selected = [...(tasks.tasks ?? []), ...(tasks.unreachable_tasks ?? []), ...(tasks.completed_tasks ?? [])]
    .filter((task) => frameworkId === undefined || task.framework_id.value === frameworkId)
    .filter((task) => taskId === undefined || task.task_id.value === taskId)
    .sort(compareTasks(order));
  const start = toSizeT(offset);
  const sum = (start + toSizeT(limit)) % SIZE_T;
  const end = sum < BigInt(selected.length) ? sum : BigInt(selected.length);
  const page = start < end ? selected.slice(Number(start), Number(end)) : [];
  return { tasks: page.map(v0Task) };
}

// ---------------------------------------------------------------------------------------------
// /master/roles.
// ---------------------------------------------------------------------------------------------

function v0Quantities(quantities: ReadonlyMap<string, number>): V0Quantities {
  return Object.fromEntries([...quantities].map(([name, amount]) => [name, jsonNumber(amount)]));
}

/** Quota amounts by name, sorted; `dropZero` for guarantees, which Mesos keeps as ResourceQuantities. */
function quotaAmounts(amounts: Record<string, v1.Value.Scalar> | undefined, dropZero: boolean): V0Quantities {
  const entries = Object.entries(amounts ?? {})
    .map(([name, scalar]): [string, number] => [name, scalar.value])
    .filter(([, value]) => !dropZero || value !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([name, value]) => [name, jsonNumber(value)]));
}

/**
 * /master/roles, as Mesos 1.9+ writes it. For each role of GET_ROLES, in its order: the weight;
 * the quota (guarantees and limits from GET_QUOTA's configs, empty without one, and what the role
 * consumes); and what the agents of GET_AGENTS hold for the role and its subroles, as scalar
 * quantities:
 *   allocated  what tasks and executors use (agents' allocated_resources, by allocation role);
 *   offered    what outstanding offers hold (agents' offered_resources, by allocation role);
 *   reserved   what is reserved (agents' total_resources, by the last reservation's role);
 *   consumed   reserved + the unreserved, non-revocable part of allocated;
 *   resources  allocated + offered.
 * Worked example: role `eng` has cpus:4 reserved and runs a task on 1 of those cpus and another on
 * 2 unreserved cpus, and eng/web holds an offer of 1 cpu: allocated {cpus: 3}, offered {cpus: 1},
 * reserved {cpus: 4}, consumed {cpus: 6} (4 reserved + 2 unreserved in use), resources {cpus: 4}.
 */
export function legacyRoles(
  roles: master.Response.GetRoles,
  agents: master.Response.GetAgents,
  quotaStatus?: quota.QuotaStatus,
): { roles: V0Role[] } {
  const configs = new Map((quotaStatus?.configs ?? []).map((config) => [config.role, config]));
  let allocatedAll = Resources.EMPTY;
  let offeredAll = Resources.EMPTY;
  let totalAll = Resources.EMPTY;
  for (const agent of agents.agents ?? []) {
    allocatedAll = allocatedAll.plus(agent.allocated_resources ?? []);
    offeredAll = offeredAll.plus(agent.offered_resources ?? []);
    totalAll = totalAll.plus(agent.total_resources ?? []);
  }
  return {
    roles: (roles.roles ?? []).map((role): V0Role => {
      const name = role.name;
      const allocated = allocatedAll.allocatedToRoleSubtree(name).scalars();
      const offered = offeredAll.allocatedToRoleSubtree(name).scalars();
      const reserved = totalAll.reservedToRoleSubtree(name).scalars();
      const consumed = reserved.plus(allocated.unreserved().nonRevocable());
      const config = configs.get(name);
      return {
        name,
        weight: role.weight,
        quota: {
          role: name,
          guarantee: quotaAmounts(config?.guarantees, true),
          limit: quotaAmounts(config?.limits, false),
          consumed: v0Quantities(consumed.toQuantities()),
        },
        resources: v0Quantities(allocated.plus(offered).toQuantities()),
        allocated: v0Quantities(allocated.toQuantities()),
        offered: v0Quantities(offered.toQuantities()),
        reserved: v0Quantities(reserved.toQuantities()),
        frameworks: (role.frameworks ?? []).map((id) => id.value),
      };
    }),
  };
}

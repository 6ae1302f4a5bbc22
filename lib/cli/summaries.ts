// The documents mesosctl prints: pure functions from the operator API's answers to the summaries
// behind `cluster status`, `agent list|show`, `framework list|show` and `role list`. The same
// document feeds the table (people) and `--json` (machines), so the two never disagree.
// docs/mesosctl.md documents every field; test/unit/cli/summaries.test.ts checks them.
//
// Amounts are the API's: cpus in cores, mem and disk in megabytes. Times are RFC 3339 strings.
// Every documented field is always present: a value that is missing is `null`, never left out.

import { Resources } from '../api/resources.ts';
import type * as master from '../types/master.ts';
import type * as v1 from '../types/mesos.ts';
import type * as quota from '../types/quota.ts';
import { addQuantities, isoSeconds, isoTime, scalarTotals, sortKinds } from './format.ts';
import { isTerminalState as isTerminal } from '../api/task-states.ts';

export type Quantities = Record<string, number>;

/** Task states after which a task holds nothing: the ones `tasks` counts leave out. */

export { isTerminal };

/** Per resource kind: what agents have, what tasks and executors use, what sits in offers. */
export interface KindUsage {
  total: number;
  used: number;
  offered: number;
}

/**
 * `{cpus: {total, used, offered}, ...}` for every scalar kind in any of the three lists, in table
 * order (cpus, gpus, mem, disk, then the rest).
 */
export function kindUsage(total: Quantities, used: Quantities, offered: Quantities): Record<string, KindUsage> {
  const out: Record<string, KindUsage> = {};
  for (const name of sortKinds([...Object.keys(total), ...Object.keys(used), ...Object.keys(offered)])) {
    out[name] = { total: total[name] ?? 0, used: used[name] ?? 0, offered: offered[name] ?? 0 };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Agents

/**
 * An agent's state, one word: `draining` or `drained` while a drain runs (DRAIN_AGENT);
 * `deactivated` when an operator deactivated it; `active` when it is linked and offers its
 * resources; `disconnected` when its link to the master is down (it may come back).
 */
export type AgentState = 'active' | 'deactivated' | 'draining' | 'drained' | 'disconnected';

export function agentState(agent: master.Response.GetAgents.Agent): AgentState {
  if (agent.drain_info?.state === 'DRAINING') return 'draining';
  if (agent.drain_info?.state === 'DRAINED') return 'drained';
  if (agent.deactivated === true) return 'deactivated';
  return agent.active ? 'active' : 'disconnected';
}

export interface AgentSummary {
  id: string;
  hostname: string;
  /** `ip:port` the agent serves on (from its pid). */
  address: string;
  state: AgentState;
  version: string;
  registered_time: string | null;
  /** Scalar kinds: total, used by tasks and executors, offered. */
  resources: Record<string, KindUsage>;
  /** Reserved resources by role (the role of the last reservation): amounts, ranges counted by items. */
  reserved: Record<string, Quantities>;
  /** Tasks on the agent that are not terminal. */
  tasks: number;
  /** The drain, while one runs: its state and settings. */
  drain: { state: string; max_grace_period_seconds: number | null; mark_gone: boolean } | null;
  /** Attributes in the text form, `rack:r1`. */
  attributes: Record<string, string>;
}

function agentId(agent: master.Response.GetAgents.Agent): string {
  return agent.agent_info.id?.value ?? '';
}

function addressOf(agent: master.Response.GetAgents.Agent): string {
  const pid = agent.pid === undefined ? null : /@(.+)$/.exec(agent.pid);
  return pid !== null ? pid[1]! : `${agent.agent_info.hostname}:${agent.agent_info.port ?? 5051}`;
}

function attributeText(attribute: v1.Attribute): string {
  if (attribute.scalar !== undefined) return String(attribute.scalar.value);
  if (attribute.text !== undefined) return attribute.text.value;
  if (attribute.ranges !== undefined) return `[${(attribute.ranges.range ?? []).map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
  if (attribute.set !== undefined) return `{${(attribute.set.item ?? []).join(', ')}}`;
  return '';
}

/** Reserved resources of a list by role: `{web: {cpus: 1, mem: 512}}`. */
export function reservedByRole(resources: readonly v1.Resource[] | undefined): Record<string, Quantities> {
  const out: Record<string, Quantities> = {};
  const byRole = Resources.from(resources ?? []).reservations();
  for (const role of [...byRole.keys()].sort()) out[role] = Object.fromEntries(byRole.get(role)!.toQuantities());
  return out;
}

/**
 * Reserved resources of a list by role, in the text form without the reservation:
 * `{web: 'cpus:1;mem:512;ports:[31000-31004]'}`; for people, where ranges matter.
 */
export function reservedTextByRole(resources: readonly v1.Resource[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const byRole = Resources.from(resources ?? []).reservations();
  for (const role of [...byRole.keys()].sort()) out[role] = byRole.get(role)!.toUnreserved().toString().replace(/; /g, ';');
  return out;
}

/** Non-terminal tasks counted by the id `keyOf` picks (their agent's, their framework's). */
function liveTasksBy(tasks: readonly v1.Task[] | undefined, keyOf: (task: v1.Task) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks ?? []) {
    if (isTerminal(task.state)) continue;
    const key = keyOf(task);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Non-terminal tasks per agent id. */
export function tasksPerAgent(tasks: readonly v1.Task[] | undefined): Map<string, number> {
  return liveTasksBy(tasks, (task) => task.agent_id.value);
}

export function agentSummary(agent: master.Response.GetAgents.Agent, tasks: number): AgentSummary {
  const grace = agent.drain_info?.config.max_grace_period;
  return {
    id: agentId(agent),
    hostname: agent.agent_info.hostname,
    address: addressOf(agent),
    state: agentState(agent),
    version: agent.version,
    registered_time: isoTime(agent.registered_time) ?? null,
    resources: kindUsage(scalarTotals(agent.total_resources), scalarTotals(agent.allocated_resources), scalarTotals(agent.offered_resources)),
    reserved: reservedByRole(agent.total_resources),
    tasks,
    drain: agent.drain_info === undefined ? null : {
      state: agent.drain_info.state,
      max_grace_period_seconds: grace === undefined ? null : grace.nanoseconds / 1e9,
      mark_gone: agent.drain_info.config.mark_gone ?? false,
    },
    attributes: Object.fromEntries((agent.agent_info.attributes ?? []).map((a) => [a.name, attributeText(a)])),
  };
}

/** Every agent of a GET_STATE, in id order. */
export function agentSummaries(state: master.Response.GetState): AgentSummary[] {
  const tasks = tasksPerAgent(state.get_tasks?.tasks);
  return (state.get_agents?.agents ?? [])
    .map((agent) => agentSummary(agent, tasks.get(agentId(agent)) ?? 0))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Frameworks

/**
 * A framework's state: `active` (subscribed, its stream open), `disconnected` (its stream closed;
 * its failover timeout runs), `recovered` (known only from agents after a master failover; it has
 * not subscribed again), `completed` (torn down or timed out).
 */
export type FrameworkState = 'active' | 'disconnected' | 'recovered' | 'completed';

export interface FrameworkSummary {
  id: string;
  name: string;
  user: string;
  principal: string | null;
  roles: string[];
  state: FrameworkState;
  hostname: string | null;
  webui_url: string | null;
  registered_time: string | null;
  unregistered_time: string | null;
  failover_timeout_seconds: number | null;
  checkpoint: boolean;
  capabilities: string[];
  /** Non-terminal tasks. */
  tasks: number;
  /** Outstanding offers. */
  offers: number;
  /** Scalar kinds the framework's tasks and executors use, and what its offers hold. */
  resources: { used: Quantities; offered: Quantities };
}

/** A framework's roles: `roles` (MULTI_ROLE) or the deprecated single `role`, default `*`. */
export function frameworkRoles(info: v1.FrameworkInfo): string[] {
  if ((info.roles ?? []).length > 0) return [...info.roles!];
  return [info.role ?? '*'];
}

export function frameworkSummary(framework: master.Response.GetFrameworks.Framework, completed: boolean, tasks: number): FrameworkSummary {
  const info = framework.framework_info;
  const state: FrameworkState = completed ? 'completed' : framework.connected ? 'active' : framework.recovered ? 'recovered' : 'disconnected';
  return {
    id: info.id?.value ?? '',
    name: info.name,
    user: info.user,
    principal: info.principal ?? null,
    roles: frameworkRoles(info),
    state,
    hostname: info.hostname ?? null,
    webui_url: info.webui_url ?? null,
    registered_time: isoTime(framework.registered_time) ?? null,
    unregistered_time: isoTime(framework.unregistered_time) ?? null,
    failover_timeout_seconds: info.failover_timeout ?? null,
    checkpoint: info.checkpoint ?? false,
    capabilities: (info.capabilities ?? []).map((c) => c.type ?? 'UNKNOWN'),
    tasks,
    offers: (framework.offers ?? []).length,
    resources: { used: scalarTotals(framework.allocated_resources), offered: scalarTotals(framework.offered_resources) },
  };
}

/** Non-terminal tasks per framework id. */
export function tasksPerFramework(tasks: readonly v1.Task[] | undefined): Map<string, number> {
  return liveTasksBy(tasks, (task) => task.framework_id.value);
}

/** The frameworks of a GET_STATE (and the completed ones with `all`), active first, then by name. */
export function frameworkSummaries(state: master.Response.GetState, all: boolean): FrameworkSummary[] {
  const tasks = tasksPerFramework(state.get_tasks?.tasks);
  const frameworks = state.get_frameworks ?? {};
  const summaries = [
    ...(frameworks.frameworks ?? []).map((f) => frameworkSummary(f, false, tasks.get(f.framework_info.id?.value ?? '') ?? 0)),
    ...(all ? (frameworks.completed_frameworks ?? []).map((f) => frameworkSummary(f, true, 0)) : []),
  ];
  const order: Record<FrameworkState, number> = { active: 0, disconnected: 1, recovered: 2, completed: 3 };
  return summaries.sort((a, b) => order[a.state] - order[b.state] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// The cluster

export interface ClusterStatus {
  /** The master mesosctl asked, `host:port`. */
  master: string;
  /** The leading master, from GET_MASTER. */
  leader: {
    id: string;
    hostname: string | null;
    address: string;
    version: string | null;
    start_time: string | null;
    elected_time: string | null;
  } | null;
  /** GET_VERSION's version. */
  version: string;
  agents: Record<AgentState | 'total', number>;
  frameworks: Record<FrameworkState | 'total', number>;
  /** Tasks on the master's books by state (terminal ones only until acknowledged). */
  tasks: Partial<Record<v1.TaskState, number>>;
  /** Scalar kinds over every agent: total, used, offered. */
  resources: Record<string, KindUsage>;
}

export function masterAddress(info: v1.MasterInfo): string {
  if (info.address?.ip !== undefined) return `${info.address.ip}:${info.address.port}`;
  const pid = info.pid === undefined ? null : /@(.+)$/.exec(info.pid);
  if (pid !== null) return pid[1]!;
  // MasterInfo.ip is the IPv4 address in network byte order, read as a little-endian integer.
  const ip = info.ip >>> 0;
  return `${ip & 255}.${(ip >>> 8) & 255}.${(ip >>> 16) & 255}.${ip >>> 24}:${info.port}`;
}

export function clusterStatus(
  masterText: string,
  getMaster: master.Response.GetMaster,
  version: master.Response.GetVersion | undefined,
  state: master.Response.GetState,
): ClusterStatus {
  const agents: ClusterStatus['agents'] = { total: 0, active: 0, deactivated: 0, draining: 0, drained: 0, disconnected: 0 };
  const total: Quantities = {};
  const used: Quantities = {};
  const offered: Quantities = {};
  for (const agent of state.get_agents?.agents ?? []) {
    agents.total++;
    agents[agentState(agent)]++;
    addQuantities(total, scalarTotals(agent.total_resources));
    addQuantities(used, scalarTotals(agent.allocated_resources));
    addQuantities(offered, scalarTotals(agent.offered_resources));
  }
  const frameworks: ClusterStatus['frameworks'] = { total: 0, active: 0, disconnected: 0, recovered: 0, completed: 0 };
  for (const summary of frameworkSummaries(state, true)) {
    frameworks[summary.state]++;
    if (summary.state !== 'completed') frameworks.total++;
  }
  const tasks: ClusterStatus['tasks'] = {};
  for (const task of state.get_tasks?.tasks ?? []) tasks[task.state] = (tasks[task.state] ?? 0) + 1;
  const info = getMaster.master_info;
  return {
    master: masterText,
    leader: info === undefined ? null : {
      id: info.id,
      hostname: info.hostname ?? info.address?.hostname ?? null,
      address: masterAddress(info),
      version: info.version ?? null,
      start_time: isoSeconds(getMaster.start_time) ?? null,
      elected_time: isoSeconds(getMaster.elected_time) ?? null,
    },
    version: version?.version_info.version ?? info?.version ?? 'unknown',
    agents,
    frameworks,
    tasks,
    resources: kindUsage(total, used, offered),
  };
}

// ---------------------------------------------------------------------------------------------
// Roles, quota, weights

export interface QuotaSummary {
  role: string;
  guarantees: Quantities;
  limits: Quantities;
}

function scalarsOf(map: Readonly<Record<string, v1.Value.Scalar>> | undefined): Quantities {
  const out: Quantities = {};
  for (const name of sortKinds(Object.keys(map ?? {}))) out[name] = map![name]!.value;
  return out;
}

export function quotaSummary(config: quota.QuotaConfig): QuotaSummary {
  return { role: config.role, guarantees: scalarsOf(config.guarantees), limits: scalarsOf(config.limits) };
}

/** GET_QUOTA's configs, by role. */
export function quotaSummaries(status: quota.QuotaStatus): QuotaSummary[] {
  return (status.configs ?? []).map(quotaSummary).sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

export interface RoleSummary {
  name: string;
  weight: number;
  /** Ids of the frameworks subscribed to the role. */
  frameworks: string[];
  /** Scalar kinds allocated to the role's frameworks. */
  allocated: Quantities;
  /** The role's quota (top-level roles only), if it has one. */
  quota: { guarantees: Quantities; limits: Quantities } | null;
}

/**
 * Every role the master knows of (GET_ROLES), with any role that has a quota or a weight but
 * nothing else yet, by name.
 */
export function roleSummaries(
  roles: master.Response.GetRoles,
  quotas: quota.QuotaStatus,
  weights: master.Response.GetWeights,
): RoleSummary[] {
  const byName = new Map<string, RoleSummary>();
  const role = (name: string): RoleSummary => {
    let summary = byName.get(name);
    if (summary === undefined) byName.set(name, (summary = { name, weight: 1, frameworks: [], allocated: {}, quota: null }));
    return summary;
  };
  for (const r of roles.roles ?? []) {
    const summary = role(r.name);
    summary.weight = r.weight;
    summary.frameworks = (r.frameworks ?? []).map((f) => f.value);
    summary.allocated = scalarTotals(r.resources);
  }
  for (const w of weights.weight_infos ?? []) if (w.role !== undefined) role(w.role).weight = w.weight;
  for (const q of quotaSummaries(quotas)) role(q.role).quota = { guarantees: q.guarantees, limits: q.limits };
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

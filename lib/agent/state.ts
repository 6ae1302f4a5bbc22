// The agent's read-only views: `/state` (the shape of `/slave(1)/state`, mesos-api.md section
// 3.2) and `/monitor/statistics` in Mesos's v0 JSON, and the groupings, container usage and counts
// that the v1 operator API (operator-api.ts) and the metrics build on. Pure functions of the
// agent's books (container usage also reads the containers' cgroups).

import { dirname } from 'node:path';

import type * as v1 from '../types/mesos.ts';
import type { Agent, AgentExecutor, AgentFramework, AgentTask } from './agent.ts';
import { AGENT_VERSION } from './agent.ts';

type Flat = Record<string, number | string>;

/**
 * Resources as v0 endpoints print them: scalars summed by name (`cpus`, `gpus`, `mem`, `disk`
 * always present), ranges as `[a-b, c-d]`, sets as `{a,b}`; revocable ones get `_revocable`.
 */
export function flattenResources(resources: readonly v1.Resource[]): Flat {
  const flat: Flat = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  const ranges = new Map<string, v1.Value.Range[]>();
  const sets = new Map<string, string[]>();
  for (const resource of resources) {
    const name = resource.revocable ? `${resource.name}_revocable` : resource.name;
    if (resource.type === 'SCALAR' && resource.scalar) {
      flat[name] = Math.round(((flat[name] as number | undefined ?? 0) + resource.scalar.value) * 1000) / 1000;
    } else if (resource.type === 'RANGES') {
      ranges.set(name, [...(ranges.get(name) ?? []), ...(resource.ranges?.range ?? [])]);
    } else if (resource.type === 'SET') {
      sets.set(name, [...(sets.get(name) ?? []), ...(resource.set?.item ?? [])]);
    }
  }
  for (const [name, list] of ranges) {
    const sorted = [...list].sort((a, b) => a.begin - b.begin);
    flat[name] = `[${sorted.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
  }
  for (const [name, items] of sets) flat[name] = `{${items.join(',')}}`;
  return flat;
}

/** Attributes as v0 endpoints print them: name -> number or text. */
export function flattenAttributes(attributes: readonly v1.Attribute[]): Flat {
  const flat: Flat = {};
  for (const attribute of attributes) {
    if (attribute.type === 'SCALAR' && attribute.scalar) flat[attribute.name] = attribute.scalar.value;
    else if (attribute.type === 'TEXT' && attribute.text) flat[attribute.name] = attribute.text.value;
    else if (attribute.type === 'RANGES') flat[attribute.name] = `[${(attribute.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
    else if (attribute.type === 'SET') flat[attribute.name] = `{${(attribute.set?.item ?? []).join(',')}}`;
  }
  return flat;
}

function taskJson(agent: Agent, task: AgentTask): Record<string, unknown> {
  return {
    id: task.info.task_id.value,
    name: task.info.name,
    framework_id: task.frameworkId,
    executor_id: task.kind === 'command' ? '' : task.executorId,
    slave_id: agent.agentId ?? '',
    state: task.state,
    resources: flattenResources(task.info.resources ?? []),
    statuses: task.statuses.map((s) => ({
      state: s.state,
      timestamp: s.timestamp ?? 0,
      ...(s.container_status ? { container_status: s.container_status } : {}),
    })),
    ...(task.info.labels ? { labels: task.info.labels.labels ?? [] } : {}),
  };
}

const EXECUTOR_TYPES = { command: 'COMMAND', default: 'DEFAULT', custom: 'CUSTOM' } as const;

/** Mesos's name for a command task's executor: `Command Executor (Task: t) (Command: sh -c 'sleep 9')`. */
export function commandExecutorName(task: AgentTask): string {
  return `Command Executor (Task: ${task.info.task_id.value}) (Command: ${commandText(task.info.command)})`;
}

/**
 * An executor as `/state` shows it. A command task is its own executor (named as Mesos names the
 * command executor); default and custom executors carry their tasks.
 */
function executorJson(agent: Agent, { executorId, executor, tasks, ended }: ExecutorGroup): Record<string, unknown> {
  const first = tasks[0];
  const kind = executor?.kind ?? first?.kind ?? 'command';
  const info = executor?.info;
  const name = kind === 'command' && first ? commandExecutorName(first) : info?.name ?? '';
  const resources = kind === 'command' ? first?.info.resources ?? [] : [...(info?.resources ?? []), ...tasks.flatMap((t) => (t.phase === 'ended' ? [] : t.info.resources ?? []))];
  return {
    id: executorId,
    name,
    source: kind === 'command' && first ? first.info.task_id.value : info?.source ?? '',
    container: executor?.containerId || first?.containerId || '',
    // A default executor's tasks live in `<its sandbox>/tasks/<task id>`.
    directory: executor?.sandbox ?? (kind === 'default' && first ? dirname(dirname(first.sandbox)) : first?.sandbox) ?? '',
    resources: flattenResources(resources),
    labels: info?.labels?.labels ?? [],
    type: EXECUTOR_TYPES[kind],
    tasks: tasks.filter((t) => !ended && t.phase !== 'ended').map((t) => taskJson(agent, t)),
    queued_tasks: (executor?.queued ?? []).map((t) => ({ id: t.task_id.value, name: t.name, resources: flattenResources(t.resources ?? []) })),
    completed_tasks: tasks.filter((t) => ended || t.phase === 'ended').map((t) => taskJson(agent, t)),
  };
}

function commandText(command: v1.CommandInfo | undefined): string {
  if (!command) return '';
  const shell = command.shell ?? true;
  const text = shell ? `sh -c '${command.value ?? ''}'` : `[${(command.arguments ?? [command.value ?? '']).join(', ')}]`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function byExecutor(tasks: Iterable<AgentTask>): Map<string, AgentTask[]> {
  const groups = new Map<string, AgentTask[]>();
  for (const task of tasks) groups.set(task.executorId, [...(groups.get(task.executorId) ?? []), task]);
  return groups;
}

/** An executor and its tasks (live and ended ones), as the views list it. */
export interface ExecutorGroup {
  readonly executorId: string;
  /** The books' record: default and custom executors while the agent keeps them; none for command tasks. */
  readonly executor: AgentExecutor | undefined;
  readonly tasks: readonly AgentTask[];
  /** The executor is gone: Mesos lists it under `completed_executors`. */
  readonly ended: boolean;
}

/**
 * A framework's executors, in the order `/state` and GET_EXECUTORS list them: those with tasks on
 * the books or a record, then those known only from completed tasks. A live executor's completed
 * tasks stay with it (Mesos's `completed_tasks` of a running executor).
 */
export function executorGroups(framework: AgentFramework): ExecutorGroup[] {
  const tasksOf = byExecutor(framework.tasks.values());
  for (const executorId of framework.executors.keys()) if (!tasksOf.has(executorId)) tasksOf.set(executorId, []);
  for (const [executorId, tasks] of byExecutor(framework.completed)) tasksOf.set(executorId, [...(tasksOf.get(executorId) ?? []), ...tasks]);
  return [...tasksOf].map(([executorId, tasks]) => {
    const executor = framework.executors.get(executorId);
    const ended = executor ? executor.phase === 'ended' : tasks.every((t) => t.phase === 'ended');
    return { executorId, executor, tasks, ended };
  });
}

function frameworkJson(agent: Agent, id: string, framework: AgentFramework): Record<string, unknown> {
  const info = framework.info;
  const groups = executorGroups(framework);
  const executors = groups.filter((g) => !g.ended).map((g) => executorJson(agent, g));
  const completed = groups.filter((g) => g.ended).map((g) => executorJson(agent, g));
  return {
    id,
    name: info.name,
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
    principal: info.principal ?? '',
    ...(info.roles ? { roles: info.roles } : { role: info.role ?? '*' }),
    executors,
    completed_executors: completed,
  };
}

export interface StateContext {
  readonly agent: Agent;
  readonly ip: string;
  readonly port: number;
  readonly flags: Readonly<Record<string, string>>;
}

/** `/state`, as Mesos's `/slave(1)/state`. */
export function agentState({ agent, ip, port, flags }: StateContext): Record<string, unknown> {
  const options = agent.options;
  const total = agent.checkpointedResources.length > 0 ? agent.checkpointedResources : options.resources.toArray();
  const reserved: Record<string, Flat> = {};
  const reservedByRole = new Map<string, v1.Resource[]>();
  const unreserved: v1.Resource[] = [];
  for (const resource of total) {
    const role = resource.reservations?.at(-1)?.role ?? (resource.role !== undefined && resource.role !== '*' ? resource.role : undefined);
    if (role === undefined) unreserved.push(resource);
    else reservedByRole.set(role, [...(reservedByRole.get(role) ?? []), resource]);
  }
  for (const [role, list] of reservedByRole) reserved[role] = flattenResources(list);
  const master = agent.masterInfo;
  return {
    version: AGENT_VERSION,
    build_date: '',
    build_time: 0,
    build_user: '',
    start_time: agent.startTime,
    id: agent.agentId ?? '',
    pid: `slave(1)@${ip}:${port}`,
    hostname: options.hostname,
    capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    resources: flattenResources(total),
    reserved_resources: reserved,
    unreserved_resources: flattenResources(unreserved),
    reserved_resources_full: Object.fromEntries(reservedByRole),
    unreserved_resources_full: unreserved,
    attributes: flattenAttributes(options.attributes),
    master_hostname: master?.hostname ?? master?.address?.hostname ?? '',
    log_dir: '',
    flags,
    frameworks: [...agent.frameworks.entries()].map(([id, f]) => frameworkJson(agent, id, f)),
    completed_frameworks: agent.completedFrameworks.map((f) => frameworkJson(agent, f.info.id?.value ?? '', f)),
  };
}

/** A running container with its usage, as `/monitor/statistics` and GET_CONTAINERS show it. */
export interface ContainerUsage {
  readonly frameworkId: string;
  readonly executorId: string;
  readonly executorName: string;
  readonly source: string;
  readonly containerId: string;
  /** The container's main process (the task, or the custom executor). */
  readonly pid: number | undefined;
  /** From the container's cgroups; only the limit and timestamp without cgroups. */
  readonly statistics: v1.ResourceStatistics;
}

/**
 * Every running container: a command task's or a task group member's own, and a custom
 * executor's (which holds its tasks), with its usage read from its cgroups now.
 */
export function containerUsage(agent: Agent): ContainerUsage[] {
  const out: ContainerUsage[] = [];
  const entry = (
    frameworkId: string, executorId: string, executorName: string, source: string,
    containerId: string, pid: number | undefined, resources: readonly v1.Resource[],
  ): void => {
    const stats = agent.options.containerizer.statistics(containerId);
    const cpus = resources.filter((r) => r.name === 'cpus').reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
    out.push({
      frameworkId, executorId, executorName, source, containerId, pid,
      statistics: {
        timestamp: Date.now() / 1000,
        cpus_limit: cpus,
        ...(stats === undefined
          ? {}
          : {
              cpus_user_time_secs: stats.cpusUserTimeSecs,
              cpus_system_time_secs: stats.cpusSystemTimeSecs,
              mem_rss_bytes: stats.memRssBytes,
              mem_total_bytes: stats.memUsageBytes,
              ...(stats.memLimitBytes === undefined ? {} : { mem_limit_bytes: stats.memLimitBytes }),
              ...(stats.pidsCurrent === undefined ? {} : { processes: stats.pidsCurrent }),
            }),
      },
    });
  };
  for (const task of agent.tasks()) {
    if (task.phase !== 'running' || task.kind === 'custom') continue;
    const name = task.kind === 'command' ? commandExecutorName(task) : task.info.name;
    entry(task.frameworkId, task.executorId, name, task.info.task_id.value, task.containerId, task.container?.taskPid, task.info.resources ?? []);
  }
  for (const framework of agent.frameworks.values()) {
    for (const executor of framework.executors.values()) {
      if (executor.kind !== 'custom' || executor.phase !== 'running') continue;
      const resources = [...(executor.info?.resources ?? []), ...[...executor.taskIds].flatMap((id) => framework.tasks.get(id)?.info.resources ?? [])];
      entry(executor.frameworkId, executor.id, executor.info?.name ?? '', executor.info?.source ?? '', executor.containerId, executor.container?.taskPid, resources);
    }
  }
  return out;
}

/** `/monitor/statistics`: one entry per running container (see `containerUsage`). */
export function monitorStatistics(agent: Agent): Record<string, unknown>[] {
  return containerUsage(agent).map((usage) => ({
    framework_id: usage.frameworkId,
    executor_id: usage.executorId,
    executor_name: usage.executorName,
    source: usage.source,
    statistics: usage.statistics,
  }));
}

// ---------------------------------------------------------------------------------------------
// Counts for the agent's gauges (slave/tasks_*, slave/executors_*, slave/<resource>_*).

/** Tasks on the books by their current state (terminal ones wait for their acknowledgement). */
export function taskStateCounts(agent: Agent): Map<v1.TaskState, number> {
  const counts = new Map<v1.TaskState, number>();
  for (const task of agent.tasks()) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return counts;
}

/**
 * Live executors by Mesos's executor states: REGISTERING (launched, not yet running its tasks:
 * a command task before its command runs, a custom executor that has not subscribed),
 * RUNNING, and TERMINATING (being shut down with its framework, or told SHUTDOWN).
 */
export function executorStateCounts(agent: Agent): { registering: number; running: number; terminating: number } {
  const counts = { registering: 0, running: 0, terminating: 0 };
  for (const framework of agent.frameworks.values()) {
    for (const { executor, tasks, ended } of executorGroups(framework)) {
      if (ended) continue;
      const live = tasks.filter((t) => t.phase !== 'ended');
      if (framework.shuttingDown || executor?.shuttingDown) counts.terminating++;
      else if (executor?.kind === 'custom' ? executor.stream !== undefined : live.some((t) => t.phase === 'running')) counts.running++;
      else counts.registering++;
    }
  }
  return counts;
}

/**
 * Scalar resources by name (`cpus`, or `cpus_revocable`): the agent's total, and what its live
 * tasks and custom executors hold (Mesos's allocated resources, which slave/<r>_used reports).
 */
export function scalarResources(agent: Agent): { total: Map<string, number>; used: Map<string, number> } {
  const add = (into: Map<string, number>, resources: readonly v1.Resource[]): void => {
    for (const r of resources) {
      if (r.type !== 'SCALAR' || !r.scalar) continue;
      const name = r.revocable ? `${r.name}_revocable` : r.name;
      into.set(name, (into.get(name) ?? 0) + r.scalar.value);
    }
  };
  const total = new Map<string, number>();
  const used = new Map<string, number>();
  add(total, agent.options.resources.toArray());
  for (const task of agent.tasks()) if (task.phase !== 'ended') add(used, task.info.resources ?? []);
  for (const framework of agent.frameworks.values()) {
    for (const executor of framework.executors.values()) {
      if (executor.kind === 'custom' && executor.phase !== 'ended') add(used, executor.info?.resources ?? []);
    }
  }
  return { total, used };
}

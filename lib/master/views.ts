// Read-only views of the master's books in the operator API's messages (master.proto
// Response.Get*). Pure functions of the books: they copy what they return and change nothing,
// so a view can be built at any time, including inside a handler of the master's own events.
//
// Times in the books are seconds since the epoch (doubles); the API's TimeInfo fields are
// nanoseconds, and GET_MASTER's start and elected times are seconds, as Mesos's.

import { Resources } from '../api/resources.ts';
import type * as master from '../types/master.ts';
import type * as v1 from '../types/mesos.ts';
import type { Agent, AgentUsage, Framework, Master, MasterBooks } from './master.ts';

export function timeInfo(seconds: number): v1.TimeInfo {
  return { nanoseconds: Math.round(seconds * 1e9) };
}

/** Resources a framework holds: its tasks' and executors' that the allocator counts. */
function frameworkAllocated(framework: Framework): Resources {
  let allocated = Resources.EMPTY;
  for (const task of framework.tasks.values()) if (task.holdsResources) allocated = allocated.plus(task.task.resources ?? []);
  for (const executors of framework.executors.values()) {
    for (const executor of executors.values()) if (executor.holdsResources) allocated = allocated.plus(executor.info.resources ?? []);
  }
  return allocated;
}

export function frameworkView(framework: Framework, offers?: MasterBooks['offers']): master.Response.GetFrameworks.Framework {
  const connected = framework.standing === 'subscribed';
  const view: master.Response.GetFrameworks.Framework = {
    framework_info: framework.info,
    active: connected,
    connected,
    recovered: framework.standing === 'recovered',
    registered_time: timeInfo(framework.registeredTime),
  };
  if (framework.reregisteredTime !== undefined) view.reregistered_time = timeInfo(framework.reregisteredTime);
  if (framework.unregisteredTime !== undefined) view.unregistered_time = timeInfo(framework.unregisteredTime);
  if (offers !== undefined) {
    const list: v1.Offer[] = [];
    let offered = Resources.EMPTY;
    for (const id of framework.offers) {
      const offer = offers.get(id);
      if (offer === undefined) continue;
      list.push(offer.offer);
      offered = offered.plus(offer.resources);
    }
    if (list.length > 0) view.offers = list;
    if (!offered.isEmpty()) view.offered_resources = offered.toArray();
  }
  const allocated = frameworkAllocated(framework);
  if (!allocated.isEmpty()) view.allocated_resources = allocated.toArray();
  return view;
}

export function agentView(agent: Agent, usage: AgentUsage): master.Response.GetAgents.Agent {
  const view: master.Response.GetAgents.Agent = {
    agent_info: agent.info,
    active: agent.active,
    deactivated: agent.deactivated,
    version: agent.version ?? '',
    pid: `slave(1)@${agent.ip}:${agent.info.port ?? 5051}`,
    registered_time: timeInfo(agent.registeredTime),
    total_resources: agent.total.toArray(),
    allocated_resources: usage.allocated.toArray(),
    offered_resources: usage.offered.toArray(),
    capabilities: agent.capabilities.map((c) => ({ ...c })),
  };
  if (agent.reregisteredTime !== undefined) view.reregistered_time = timeInfo(agent.reregisteredTime);
  if (agent.drain !== undefined) view.drain_info = agent.drain;
  return view;
}

export function getAgents(m: Master): master.Response.GetAgents {
  const books = m.books;
  const usage = m.usageByAgent();
  return {
    agents: [...books.agents.values()].map((agent) => agentView(agent, usage.get(agent.id)!)),
    recovered_agents: [...books.recoveredAgents.values()].map((r) => r.info),
  };
}

export function getFrameworks(m: Master): master.Response.GetFrameworks {
  const books = m.books;
  return {
    frameworks: [...books.frameworks.values()].map((f) => frameworkView(f, books.offers)),
    completed_frameworks: [...books.completedFrameworks.values()].map((f) => frameworkView(f)),
  };
}

export function getExecutors(m: Master): master.Response.GetExecutors {
  const executors: master.Response.GetExecutors.Executor[] = [];
  for (const framework of m.books.frameworks.values()) {
    for (const [agentId, byId] of framework.executors) {
      for (const executor of byId.values()) executors.push({ executor_info: executor.info, agent_id: { value: agentId } });
    }
  }
  return { executors };
}

/**
 * Tasks on the books (terminal ones too, until their update is acknowledged), tasks on
 * unreachable agents, and completed tasks of live and removed frameworks.
 */
export function getTasks(m: Master): master.Response.GetTasks {
  const books = m.books;
  const tasks: v1.Task[] = [];
  const unreachable: v1.Task[] = [];
  const completed: v1.Task[] = [];
  for (const framework of books.frameworks.values()) {
    for (const task of framework.tasks.values()) tasks.push(task.task);
    unreachable.push(...framework.unreachableTasks.values());
    completed.push(...framework.completedTasks);
  }
  for (const framework of books.completedFrameworks.values()) completed.push(...framework.completedTasks);
  return { tasks, unreachable_tasks: unreachable, completed_tasks: completed };
}

export function getState(m: Master): master.Response.GetState {
  return { get_tasks: getTasks(m), get_executors: getExecutors(m), get_frameworks: getFrameworks(m), get_agents: getAgents(m) };
}

/**
 * The roles Mesos knows: those with a weight, a quota, a subscribed framework or a
 * reservation on an agent. `resources` is what the role holds: allocated plus offered, as
 * `/master/roles` counts it.
 */
export function getRoles(m: Master): master.Response.GetRoles {
  const books = m.books;
  const names = new Set<string>(m.weights.keys());
  for (const role of m.registrySnapshot.quotas.keys()) names.add(role);
  const frameworks = new Map<string, string[]>();
  for (const framework of books.frameworks.values()) {
    for (const role of framework.roles) {
      names.add(role);
      let list = frameworks.get(role);
      if (list === undefined) frameworks.set(role, (list = []));
      list.push(framework.id);
    }
  }
  const allocated = new Map<string, Resources>();
  const usage = m.usageByAgent();
  for (const agent of books.agents.values()) {
    for (const role of agent.total.reservations().keys()) names.add(role);
    const { allocated: held, offered } = usage.get(agent.id)!;
    for (const [role, resources] of held.plus(offered).allocations()) {
      allocated.set(role, (allocated.get(role) ?? Resources.EMPTY).plus(resources));
    }
  }
  const roles = [...names].sort().map((name): v1.Role => {
    const role: v1.Role = { name, weight: m.weights.get(name) ?? 1 };
    const ids = frameworks.get(name);
    if (ids !== undefined) role.frameworks = ids.map((value) => ({ value }));
    const resources = allocated.get(name);
    if (resources !== undefined && !resources.isEmpty()) role.resources = resources.toArray();
    return role;
  });
  return { roles };
}

export function getWeights(m: Master): master.Response.GetWeights {
  return { weight_infos: [...m.weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([role, weight]) => ({ role, weight })) };
}

export function getQuota(m: Master): master.Response.GetQuota {
  return { status: { configs: [...m.registrySnapshot.quotas.values()] } };
}

export function getMaster(m: Master): master.Response.GetMaster {
  return { master_info: m.info, start_time: m.startTime, elected_time: m.electedTime };
}

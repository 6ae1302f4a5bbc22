// The pure side of `mesosctl task`: which of the master's tasks (GET_TASKS) a command means, the
// document `task list` and `task show` print (docs/mesosctl.md, "task"), and where a task's
// container is. cli/mesosctl/task.ts does the I/O.

import { truncate } from '../api/numbers.ts';
import { MesosError } from '../common/errors.ts';
import type * as master from '../types/master.ts';
import type * as v1 from '../types/mesos.ts';
import { formatAge, formatAmount, isoSeconds, scalarTotals } from './format.ts';
import { stateTone, type Cell } from './output.ts';
import type { Quantities } from './summaries.ts';

export const TASK_STATES: readonly v1.TaskState[] = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED',
  'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE',
  'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN',
];

/** `running`, `RUNNING` or `TASK_RUNNING` -> TASK_RUNNING; anything else is a usage error. */
export function parseTaskState(text: string): v1.TaskState {
  const upper = text.trim().toUpperCase().replace(/-/g, '_');
  const state = (upper.startsWith('TASK_') ? upper : `TASK_${upper}`) as v1.TaskState;
  if (!TASK_STATES.includes(state)) {
    throw new MesosError('INVALID_FLAG', `invalid --state '${truncate(text)}': expected one of ${TASK_STATES.map((s) => s.slice(5).toLowerCase()).join(', ')}`);
  }
  return state;
}

/** `--tail`: a whole number of lines. */
export function parseLineCount(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new MesosError('INVALID_FLAG', `invalid ${what} '${truncate(text)}': expected a whole number of lines`);
  return Number(text.trim());
}

/**
 * Where a task sits in GET_TASKS: `active` (on the master's books: live, or terminal and not
 * acknowledged yet), `unreachable` (its agent is), or `completed`.
 */
export type TaskList = 'active' | 'unreachable' | 'completed';

export interface ListedTask {
  readonly task: v1.Task;
  readonly list: TaskList;
}

/** GET_TASKS flattened: the tasks on the books and unreachable ones, and completed ones with `all`. */
export function listTasks(tasks: master.Response.GetTasks, all: boolean): ListedTask[] {
  return [
    ...(tasks.tasks ?? []).map((task) => ({ task, list: 'active' as const })),
    ...(tasks.unreachable_tasks ?? []).map((task) => ({ task, list: 'unreachable' as const })),
    ...(all ? (tasks.completed_tasks ?? []).map((task) => ({ task, list: 'completed' as const })) : []),
  ];
}

export interface TaskFilter {
  readonly framework?: string;
  readonly agent?: string;
  readonly state?: v1.TaskState;
}

export function filterTasks(tasks: readonly ListedTask[], filter: TaskFilter): ListedTask[] {
  return tasks.filter(({ task }) =>
    (filter.framework === undefined || task.framework_id.value === filter.framework) &&
    (filter.agent === undefined || task.agent_id.value === filter.agent) &&
    (filter.state === undefined || task.state === filter.state));
}

/**
 * The task `given` names: its id or, as for agents and frameworks, a prefix only one task id
 * starts with. Task ids are unique within a framework only, so `frameworkId` settles a clash. A
 * task on the books wins over completed ones of the same id (a relaunch), and of completed ones
 * the last listed (the newest) is taken; live tasks of two frameworks are ambiguous. Unknown and
 * ambiguous ids are BAD_REQUEST, as for agents and frameworks.
 */
export function findTask(tasks: master.Response.GetTasks, given: string, frameworkId?: string): ListedTask {
  const candidates = listTasks(tasks, true).filter(({ task }) => frameworkId === undefined || task.framework_id.value === frameworkId);
  let matches = candidates.filter(({ task }) => task.task_id.value === given);
  if (matches.length === 0 && given !== '') {
    const ids = [...new Set(candidates.map(({ task }) => task.task_id.value).filter((id) => id.startsWith(given)))];
    if (ids.length > 1) {
      throw new MesosError('BAD_REQUEST', `'${truncate(given)}' is the start of ${ids.length} task ids (${ids.slice(0, 3).map((id) => truncate(id)).join(', ')}${ids.length > 3 ? ', ...' : ''}): give more of it`);
    }
    matches = candidates.filter(({ task }) => task.task_id.value === ids[0]);
  }
  if (matches.length === 0) {
    throw new MesosError('BAD_REQUEST', `no task has the id '${truncate(given)}'${frameworkId === undefined ? '' : ` in framework ${frameworkId}`} ('mesosctl task list --all' shows them)`);
  }
  const live = matches.filter((m) => m.list !== 'completed');
  const pool = live.length > 0 ? live : matches;
  const frameworks = [...new Set(pool.map((m) => m.task.framework_id.value))];
  if (frameworks.length > 1) {
    throw new MesosError('BAD_REQUEST', `task id '${truncate(given)}' is used by ${frameworks.length} frameworks (${frameworks.join(', ')}): pick one with --framework`);
  }
  return pool.at(-1)!;
}

/** The container a task runs in, from its latest status that names one. */
export function containerIdOf(task: v1.Task): string | undefined {
  for (const status of [...(task.statuses ?? [])].reverse()) {
    const id = status.container_status?.container_id?.value;
    if (id !== undefined && id !== '') return id;
  }
  return undefined;
}

export interface TaskStatusSummary {
  state: v1.TaskState;
  time: string | null;
  source: string | null;
  reason: string | null;
  message: string | null;
}

/** A task as `task list` and `task show` print it with --json. */
export interface TaskSummary {
  id: string;
  name: string;
  state: v1.TaskState;
  /** `active`, `unreachable` or `completed` (TaskList). */
  list: TaskList;
  framework_id: string;
  agent_id: string;
  executor_id: string | null;
  container_id: string | null;
  /** The time of its first status. */
  started_time: string | null;
  /** The time of its latest status. */
  updated_time: string | null;
  /** The latest status's reason and message. */
  reason: string | null;
  message: string | null;
  resources: Quantities;
  statuses: TaskStatusSummary[];
}

export function taskSummary({ task, list }: ListedTask): TaskSummary {
  const statuses = task.statuses ?? [];
  const times = statuses.map((s) => s.timestamp).filter((t): t is number => typeof t === 'number');
  const latest = statuses.at(-1);
  return {
    id: task.task_id.value,
    name: task.name,
    state: task.state,
    list,
    framework_id: task.framework_id.value,
    agent_id: task.agent_id.value,
    executor_id: task.executor_id?.value ?? null,
    container_id: containerIdOf(task) ?? null,
    started_time: isoSeconds(times.length === 0 ? undefined : Math.min(...times)) ?? null,
    updated_time: isoSeconds(times.length === 0 ? undefined : Math.max(...times)) ?? null,
    reason: latest?.reason ?? null,
    message: latest?.message ?? null,
    resources: scalarTotals(task.resources),
    statuses: statuses.map((s) => ({
      state: s.state,
      time: isoSeconds(s.timestamp) ?? null,
      source: s.source ?? null,
      reason: s.reason ?? null,
      message: s.message ?? null,
    })),
  };
}

export const TASK_COLUMNS = ['ID', 'NAME', 'STATE', 'CPUS', 'MEM', 'AGE', 'FRAMEWORK', 'AGENT'] as const;

/** One row of `task list`. `nowMs` is the time ages are counted to. */
export function taskRow(task: TaskSummary, nowMs: number): Cell[] {
  const amount = (name: string): string => (task.resources[name] === undefined ? '-' : formatAmount(name, task.resources[name]!));
  return [
    task.id,
    task.name,
    { text: task.state, tone: stateTone(task.state) },
    amount('cpus'),
    amount('mem'),
    formatAge(task.started_time ?? undefined, nowMs),
    task.framework_id,
    task.agent_id,
  ];
}

// Task states and the statuses the master writes itself: pure functions from state to decisions
// (mesos-api.md sections 1.7 and 9), so they are testable without sockets.

import type * as v1 from '../types/mesos.ts';
import { isTerminalState } from '../api/task-states.ts';

export { isTerminalState };

/**
 * Whether a task in this state still holds its resources. The master gives a task's resources
 * back once it is terminal or unreachable (mesos-api.md section 9).
 */
export function usesResources(state: v1.TaskState): boolean {
  return !isTerminalState(state) && state !== 'TASK_UNREACHABLE';
}

/**
 * The state a non-PARTITION_AWARE framework is told instead of a partition-aware one: the states
 * added for partition awareness all read as TASK_LOST to older frameworks.
 */
export function forFramework(state: v1.TaskState, partitionAware: boolean): v1.TaskState {
  if (partitionAware) return state;
  switch (state) {
    case 'TASK_DROPPED':
    case 'TASK_UNREACHABLE':
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
    case 'TASK_UNKNOWN':
      return 'TASK_LOST';
    default:
      return state;
  }
}

export interface MasterStatusOptions {
  taskId: string;
  state: v1.TaskState;
  reason: v1.TaskStatus.Reason;
  message: string;
  agentId?: string;
  executorId?: string;
  partitionAware: boolean;
  /** Seconds since the epoch; the status's timestamp. */
  now: number;
  unreachableTime?: v1.TimeInfo;
}

/**
 * A status the master writes itself (SOURCE_MASTER). It carries no uuid: frameworks do not
 * acknowledge it, and nothing retries it (mesos-api.md section 11, item 8).
 */
export function masterStatus(options: MasterStatusOptions): v1.TaskStatus {
  const status: v1.TaskStatus = {
    task_id: { value: options.taskId },
    state: forFramework(options.state, options.partitionAware),
    message: options.message,
    source: 'SOURCE_MASTER',
    reason: options.reason,
    timestamp: options.now,
  };
  if (options.agentId !== undefined) status.agent_id = { value: options.agentId };
  if (options.executorId !== undefined) status.executor_id = { value: options.executorId };
  if (options.unreachableTime !== undefined) status.unreachable_time = options.unreachableTime;
  return status;
}

/** What the master knows about the agent a reconciled task was on. */
export type AgentStanding = 'registered' | 'recovering' | 'unreachable' | 'gone' | 'unknown';

/**
 * Explicit reconciliation of a task the master does not know (mesos-api.md section 1.7):
 * undefined means "no answer yet" (the agent may still reregister with it).
 */
export function unknownTaskAnswer(standing: AgentStanding): { state: v1.TaskState; message: string } | undefined {
  switch (standing) {
    case 'recovering':
      return undefined;
    case 'registered':
      return { state: 'TASK_GONE', message: 'Reconciliation: Task is unknown to the agent' };
    case 'unreachable':
      return { state: 'TASK_UNREACHABLE', message: 'Reconciliation: Task is unreachable' };
    case 'gone':
      return { state: 'TASK_GONE_BY_OPERATOR', message: 'Reconciliation: Task is gone' };
    case 'unknown':
      return { state: 'TASK_UNKNOWN', message: 'Reconciliation: Task is unknown' };
  }
}

/**
 * The state reconciliation reports for a known task: the state of the newest status the agent
 * sent (status_update_state) when there is one, else the task's own state, as Mesos does. A
 * task whose TASK_FINISHED is still unacknowledged therefore reconciles to what the framework
 * has not yet acknowledged, which is what it needs to hear again.
 */
export function reconciledState(task: v1.Task): v1.TaskState {
  return task.status_update_state ?? task.state;
}

// Task states as Mesos classifies them, shared by the master, the agent and the CLI.

import type * as v1 from '../types/mesos.ts';

const TERMINAL: ReadonlySet<v1.TaskState> = new Set<v1.TaskState>([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** Mesos's `protobuf::isTerminalState`: the task will not run again. TASK_LOST counts. */
export function isTerminalState(state: v1.TaskState | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}

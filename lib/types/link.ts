// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.internal.link: Mesos v1 messages with Mesos's field names. Type-only.

import type * as link from './link.ts';
import type * as v1 from './mesos.ts';

export interface Call {
  type?: link.Call.Type;
  register?: link.Call.Register;
  status_update?: link.Call.StatusUpdate;
  executor_exited?: link.Call.ExecutorExited;
  executor_message?: link.Call.ExecutorMessage;
  update_resources?: link.Call.UpdateResources;
}
export namespace Call {
  export type Type =
    | 'UNKNOWN'
    | 'REGISTER'
    | 'PONG'
    | 'STATUS_UPDATE'
    | 'EXECUTOR_EXITED'
    | 'EXECUTOR_MESSAGE'
    | 'UPDATE_RESOURCES'
    | 'UNREGISTER';
  export interface Register {
    version: number;
    agent_info: v1.AgentInfo;
    ip?: string;
    checkpointed_resources?: v1.Resource[];
    capabilities?: v1.AgentInfo.Capability[];
    frameworks?: v1.FrameworkInfo[];
    executors?: v1.ExecutorInfo[];
    tasks?: v1.Task[];
    agent_version?: string;
  }
  export interface StatusUpdate {
    framework_id: v1.FrameworkID;
    status: v1.TaskStatus;
    latest_state?: v1.TaskState;
  }
  export interface ExecutorExited {
    framework_id: v1.FrameworkID;
    executor_id: v1.ExecutorID;
    status?: number;
  }
  export interface ExecutorMessage {
    framework_id: v1.FrameworkID;
    executor_id: v1.ExecutorID;
    data: string /* base64 */;
  }
  export interface UpdateResources {
    total?: v1.Resource[];
  }
  /** Call narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'REGISTER'; register: link.Call.Register; }
    | { type: 'PONG'; }
    | { type: 'STATUS_UPDATE'; status_update: link.Call.StatusUpdate; }
    | { type: 'EXECUTOR_EXITED'; executor_exited: link.Call.ExecutorExited; }
    | { type: 'EXECUTOR_MESSAGE'; executor_message: link.Call.ExecutorMessage; }
    | { type: 'UPDATE_RESOURCES'; update_resources: link.Call.UpdateResources; }
    | { type: 'UNREGISTER'; };
}

export interface Event {
  type?: link.Event.Type;
  registered?: link.Event.Registered;
  run_task?: link.Event.RunTask;
  run_task_group?: link.Event.RunTaskGroup;
  kill_task?: link.Event.KillTask;
  acknowledge?: link.Event.Acknowledge;
  shutdown_framework?: link.Event.ShutdownFramework;
  shutdown_executor?: link.Event.ShutdownExecutor;
  framework_message?: link.Event.FrameworkMessage;
  update_framework?: link.Event.UpdateFramework;
  checkpoint_resources?: link.Event.CheckpointResources;
  shutdown?: link.Event.Shutdown;
  error?: link.Event.Error;
}
export namespace Event {
  export type Type =
    | 'UNKNOWN'
    | 'REGISTERED'
    | 'PING'
    | 'RUN_TASK'
    | 'RUN_TASK_GROUP'
    | 'KILL_TASK'
    | 'ACKNOWLEDGE'
    | 'SHUTDOWN_FRAMEWORK'
    | 'SHUTDOWN_EXECUTOR'
    | 'FRAMEWORK_MESSAGE'
    | 'UPDATE_FRAMEWORK'
    | 'CHECKPOINT_RESOURCES'
    | 'SHUTDOWN'
    | 'ERROR';
  export interface Registered {
    agent_id: v1.AgentID;
    master_info: v1.MasterInfo;
    ping_interval_seconds: number;
    total_ping_timeout_seconds: number;
  }
  export interface RunTask {
    framework_info: v1.FrameworkInfo;
    task: v1.TaskInfo;
  }
  export interface RunTaskGroup {
    framework_info: v1.FrameworkInfo;
    executor: v1.ExecutorInfo;
    task_group: v1.TaskGroupInfo;
  }
  export interface KillTask {
    framework_id: v1.FrameworkID;
    task_id: v1.TaskID;
    kill_policy?: v1.KillPolicy;
    reason?: v1.TaskStatus.Reason;
  }
  export interface Acknowledge {
    framework_id: v1.FrameworkID;
    task_id: v1.TaskID;
    uuid: string /* base64 */;
  }
  export interface ShutdownFramework {
    framework_id: v1.FrameworkID;
  }
  export interface ShutdownExecutor {
    framework_id: v1.FrameworkID;
    executor_id: v1.ExecutorID;
  }
  export interface FrameworkMessage {
    framework_id: v1.FrameworkID;
    executor_id: v1.ExecutorID;
    data: string /* base64 */;
  }
  export interface UpdateFramework {
    framework_info: v1.FrameworkInfo;
  }
  export interface CheckpointResources {
    resources?: v1.Resource[];
  }
  export interface Shutdown {
    message: string;
  }
  export interface Error {
    message: string;
  }
  /** Event narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'REGISTERED'; registered: link.Event.Registered; }
    | { type: 'PING'; }
    | { type: 'RUN_TASK'; run_task: link.Event.RunTask; }
    | { type: 'RUN_TASK_GROUP'; run_task_group: link.Event.RunTaskGroup; }
    | { type: 'KILL_TASK'; kill_task: link.Event.KillTask; }
    | { type: 'ACKNOWLEDGE'; acknowledge: link.Event.Acknowledge; }
    | { type: 'SHUTDOWN_FRAMEWORK'; shutdown_framework: link.Event.ShutdownFramework; }
    | { type: 'SHUTDOWN_EXECUTOR'; shutdown_executor: link.Event.ShutdownExecutor; }
    | { type: 'FRAMEWORK_MESSAGE'; framework_message: link.Event.FrameworkMessage; }
    | { type: 'UPDATE_FRAMEWORK'; update_framework: link.Event.UpdateFramework; }
    | { type: 'CHECKPOINT_RESOURCES'; checkpoint_resources: link.Event.CheckpointResources; }
    | { type: 'SHUTDOWN'; shutdown: link.Event.Shutdown; }
    | { type: 'ERROR'; error: link.Event.Error; };
}

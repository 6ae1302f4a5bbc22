// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.executor: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as executor from './executor.ts';

export interface Event {
  type?: executor.Event.Type;
  subscribed?: executor.Event.Subscribed;
  acknowledged?: executor.Event.Acknowledged;
  launch?: executor.Event.Launch;
  launch_group?: executor.Event.LaunchGroup;
  kill?: executor.Event.Kill;
  message?: executor.Event.Message;
  error?: executor.Event.Error;
}
export namespace Event {
  export type Type =
    | 'UNKNOWN'
    | 'SUBSCRIBED'
    | 'LAUNCH'
    | 'LAUNCH_GROUP'
    | 'KILL'
    | 'ACKNOWLEDGED'
    | 'MESSAGE'
    | 'ERROR'
    | 'SHUTDOWN'
    | 'HEARTBEAT';
  export interface Subscribed {
    executor_info: v1.ExecutorInfo;
    framework_info: v1.FrameworkInfo;
    agent_info: v1.AgentInfo;
    container_id?: v1.ContainerID;
  }
  export interface Launch {
    task: v1.TaskInfo;
  }
  export interface LaunchGroup {
    task_group: v1.TaskGroupInfo;
  }
  export interface Kill {
    task_id: v1.TaskID;
    kill_policy?: v1.KillPolicy;
  }
  export interface Acknowledged {
    task_id: v1.TaskID;
    uuid: string /* base64 */;
  }
  export interface Message {
    data: string /* base64 */;
  }
  export interface Error {
    message: string;
  }
  /** Event narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'SUBSCRIBED'; subscribed: executor.Event.Subscribed; }
    | { type: 'LAUNCH'; launch: executor.Event.Launch; }
    | { type: 'LAUNCH_GROUP'; launch_group: executor.Event.LaunchGroup; }
    | { type: 'KILL'; kill: executor.Event.Kill; }
    | { type: 'ACKNOWLEDGED'; acknowledged: executor.Event.Acknowledged; }
    | { type: 'MESSAGE'; message: executor.Event.Message; }
    | { type: 'ERROR'; error: executor.Event.Error; }
    | { type: 'SHUTDOWN'; }
    | { type: 'HEARTBEAT'; };
}

export interface Call {
  executor_id: v1.ExecutorID;
  framework_id: v1.FrameworkID;
  type?: executor.Call.Type;
  subscribe?: executor.Call.Subscribe;
  update?: executor.Call.Update;
  message?: executor.Call.Message;
}
export namespace Call {
  export type Type =
    | 'UNKNOWN'
    | 'SUBSCRIBE'
    | 'UPDATE'
    | 'MESSAGE'
    | 'HEARTBEAT';
  export interface Subscribe {
    unacknowledged_tasks?: v1.TaskInfo[];
    unacknowledged_updates?: executor.Call.Update[];
  }
  export interface Update {
    status: v1.TaskStatus;
  }
  export interface Message {
    data: string /* base64 */;
  }
  /** Call narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { executor_id: v1.ExecutorID; framework_id: v1.FrameworkID; type: 'SUBSCRIBE'; subscribe: executor.Call.Subscribe; }
    | { executor_id: v1.ExecutorID; framework_id: v1.FrameworkID; type: 'UPDATE'; update: executor.Call.Update; }
    | { executor_id: v1.ExecutorID; framework_id: v1.FrameworkID; type: 'MESSAGE'; message: executor.Call.Message; }
    | { executor_id: v1.ExecutorID; framework_id: v1.FrameworkID; type: 'HEARTBEAT'; };
}

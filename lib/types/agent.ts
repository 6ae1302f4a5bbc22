// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.agent: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as agent from './agent.ts';

export interface Call {
  type?: agent.Call.Type;
  get_metrics?: agent.Call.GetMetrics;
  set_logging_level?: agent.Call.SetLoggingLevel;
  list_files?: agent.Call.ListFiles;
  read_file?: agent.Call.ReadFile;
  get_containers?: agent.Call.GetContainers;
  /** @deprecated */ launch_nested_container?: agent.Call.LaunchNestedContainer;
  /** @deprecated */ wait_nested_container?: agent.Call.WaitNestedContainer;
  /** @deprecated */ kill_nested_container?: agent.Call.KillNestedContainer;
  /** @deprecated */ remove_nested_container?: agent.Call.RemoveNestedContainer;
  launch_nested_container_session?: agent.Call.LaunchNestedContainerSession;
  attach_container_input?: agent.Call.AttachContainerInput;
  attach_container_output?: agent.Call.AttachContainerOutput;
  launch_container?: agent.Call.LaunchContainer;
  wait_container?: agent.Call.WaitContainer;
  kill_container?: agent.Call.KillContainer;
  remove_container?: agent.Call.RemoveContainer;
  add_resource_provider_config?: agent.Call.AddResourceProviderConfig;
  update_resource_provider_config?: agent.Call.UpdateResourceProviderConfig;
  remove_resource_provider_config?: agent.Call.RemoveResourceProviderConfig;
  mark_resource_provider_gone?: agent.Call.MarkResourceProviderGone;
  prune_images?: agent.Call.PruneImages;
}
export namespace Call {
  export type Type =
    | 'UNKNOWN'
    | 'GET_HEALTH'
    | 'GET_FLAGS'
    | 'GET_VERSION'
    | 'GET_METRICS'
    | 'GET_LOGGING_LEVEL'
    | 'SET_LOGGING_LEVEL'
    | 'LIST_FILES'
    | 'READ_FILE'
    | 'GET_STATE'
    | 'GET_CONTAINERS'
    | 'GET_FRAMEWORKS'
    | 'GET_EXECUTORS'
    | 'GET_OPERATIONS'
    | 'GET_TASKS'
    | 'GET_AGENT'
    | 'GET_RESOURCE_PROVIDERS'
    | 'LAUNCH_NESTED_CONTAINER'
    | 'WAIT_NESTED_CONTAINER'
    | 'KILL_NESTED_CONTAINER'
    | 'REMOVE_NESTED_CONTAINER'
    | 'LAUNCH_NESTED_CONTAINER_SESSION'
    | 'ATTACH_CONTAINER_INPUT'
    | 'ATTACH_CONTAINER_OUTPUT'
    | 'LAUNCH_CONTAINER'
    | 'WAIT_CONTAINER'
    | 'KILL_CONTAINER'
    | 'REMOVE_CONTAINER'
    | 'ADD_RESOURCE_PROVIDER_CONFIG'
    | 'UPDATE_RESOURCE_PROVIDER_CONFIG'
    | 'REMOVE_RESOURCE_PROVIDER_CONFIG'
    | 'MARK_RESOURCE_PROVIDER_GONE'
    | 'PRUNE_IMAGES';
  export interface GetMetrics {
    timeout?: v1.DurationInfo;
  }
  export interface SetLoggingLevel {
    level: number;
    duration: v1.DurationInfo;
  }
  export interface ListFiles {
    path: string;
  }
  export interface ReadFile {
    path: string;
    offset: number;
    length?: number;
  }
  export interface GetContainers {
    show_nested?: boolean;
    show_standalone?: boolean;
  }
  export interface LaunchNestedContainer {
    container_id: v1.ContainerID;
    command?: v1.CommandInfo;
    container?: v1.ContainerInfo;
  }
  export interface WaitNestedContainer {
    container_id: v1.ContainerID;
  }
  export interface KillNestedContainer {
    container_id: v1.ContainerID;
    signal?: number;
  }
  export interface RemoveNestedContainer {
    container_id: v1.ContainerID;
  }
  export interface LaunchNestedContainerSession {
    container_id: v1.ContainerID;
    command?: v1.CommandInfo;
    container?: v1.ContainerInfo;
  }
  export interface AttachContainerInput {
    type?: agent.Call.AttachContainerInput.Type;
    container_id?: v1.ContainerID;
    process_io?: agent.ProcessIO;
  }
  export namespace AttachContainerInput {
    export type Type =
      | 'UNKNOWN'
      | 'CONTAINER_ID'
      | 'PROCESS_IO';
    /** Call.AttachContainerInput narrowed on `type`: each variant carries its payload. */
    export type Typed =
      | { type: 'CONTAINER_ID'; container_id: v1.ContainerID; }
      | { type: 'PROCESS_IO'; process_io: agent.ProcessIO; };
  }
  export interface AttachContainerOutput {
    container_id: v1.ContainerID;
  }
  export interface LaunchContainer {
    container_id: v1.ContainerID;
    command?: v1.CommandInfo;
    resources?: v1.Resource[];
    container?: v1.ContainerInfo;
    limits?: Record<string, v1.Value.Scalar>;
  }
  export interface WaitContainer {
    container_id: v1.ContainerID;
  }
  export interface KillContainer {
    container_id: v1.ContainerID;
    signal?: number;
  }
  export interface RemoveContainer {
    container_id: v1.ContainerID;
  }
  export interface AddResourceProviderConfig {
    info: v1.ResourceProviderInfo;
  }
  export interface UpdateResourceProviderConfig {
    info: v1.ResourceProviderInfo;
  }
  export interface RemoveResourceProviderConfig {
    type: string;
    name: string;
  }
  export interface MarkResourceProviderGone {
    resource_provider_id: v1.ResourceProviderID;
  }
  export interface PruneImages {
    excluded_images?: v1.Image[];
  }
  /** Call narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'GET_HEALTH'; }
    | { type: 'GET_FLAGS'; }
    | { type: 'GET_VERSION'; }
    | { type: 'GET_METRICS'; get_metrics: agent.Call.GetMetrics; }
    | { type: 'GET_LOGGING_LEVEL'; }
    | { type: 'SET_LOGGING_LEVEL'; set_logging_level: agent.Call.SetLoggingLevel; }
    | { type: 'LIST_FILES'; list_files: agent.Call.ListFiles; }
    | { type: 'READ_FILE'; read_file: agent.Call.ReadFile; }
    | { type: 'GET_STATE'; }
    | { type: 'GET_CONTAINERS'; get_containers: agent.Call.GetContainers; }
    | { type: 'GET_FRAMEWORKS'; }
    | { type: 'GET_EXECUTORS'; }
    | { type: 'GET_OPERATIONS'; }
    | { type: 'GET_TASKS'; }
    | { type: 'GET_AGENT'; }
    | { type: 'GET_RESOURCE_PROVIDERS'; }
    | { type: 'LAUNCH_NESTED_CONTAINER'; launch_nested_container: agent.Call.LaunchNestedContainer; }
    | { type: 'WAIT_NESTED_CONTAINER'; wait_nested_container: agent.Call.WaitNestedContainer; }
    | { type: 'KILL_NESTED_CONTAINER'; kill_nested_container: agent.Call.KillNestedContainer; }
    | { type: 'REMOVE_NESTED_CONTAINER'; remove_nested_container: agent.Call.RemoveNestedContainer; }
    | { type: 'LAUNCH_NESTED_CONTAINER_SESSION'; launch_nested_container_session: agent.Call.LaunchNestedContainerSession; }
    | { type: 'ATTACH_CONTAINER_INPUT'; attach_container_input: agent.Call.AttachContainerInput; }
    | { type: 'ATTACH_CONTAINER_OUTPUT'; attach_container_output: agent.Call.AttachContainerOutput; }
    | { type: 'LAUNCH_CONTAINER'; launch_container: agent.Call.LaunchContainer; }
    | { type: 'WAIT_CONTAINER'; wait_container: agent.Call.WaitContainer; }
    | { type: 'KILL_CONTAINER'; kill_container: agent.Call.KillContainer; }
    | { type: 'REMOVE_CONTAINER'; remove_container: agent.Call.RemoveContainer; }
    | { type: 'ADD_RESOURCE_PROVIDER_CONFIG'; add_resource_provider_config: agent.Call.AddResourceProviderConfig; }
    | { type: 'UPDATE_RESOURCE_PROVIDER_CONFIG'; update_resource_provider_config: agent.Call.UpdateResourceProviderConfig; }
    | { type: 'REMOVE_RESOURCE_PROVIDER_CONFIG'; remove_resource_provider_config: agent.Call.RemoveResourceProviderConfig; }
    | { type: 'MARK_RESOURCE_PROVIDER_GONE'; mark_resource_provider_gone: agent.Call.MarkResourceProviderGone; }
    | { type: 'PRUNE_IMAGES'; prune_images: agent.Call.PruneImages; };
}

export interface Response {
  type?: agent.Response.Type;
  get_health?: agent.Response.GetHealth;
  get_flags?: agent.Response.GetFlags;
  get_version?: agent.Response.GetVersion;
  get_metrics?: agent.Response.GetMetrics;
  get_logging_level?: agent.Response.GetLoggingLevel;
  list_files?: agent.Response.ListFiles;
  read_file?: agent.Response.ReadFile;
  get_state?: agent.Response.GetState;
  get_containers?: agent.Response.GetContainers;
  get_frameworks?: agent.Response.GetFrameworks;
  get_executors?: agent.Response.GetExecutors;
  get_operations?: agent.Response.GetOperations;
  get_tasks?: agent.Response.GetTasks;
  get_agent?: agent.Response.GetAgent;
  get_resource_providers?: agent.Response.GetResourceProviders;
  wait_nested_container?: agent.Response.WaitNestedContainer;
  wait_container?: agent.Response.WaitContainer;
}
export namespace Response {
  export type Type =
    | 'UNKNOWN'
    | 'GET_HEALTH'
    | 'GET_FLAGS'
    | 'GET_VERSION'
    | 'GET_METRICS'
    | 'GET_LOGGING_LEVEL'
    | 'LIST_FILES'
    | 'READ_FILE'
    | 'GET_STATE'
    | 'GET_CONTAINERS'
    | 'GET_FRAMEWORKS'
    | 'GET_EXECUTORS'
    | 'GET_OPERATIONS'
    | 'GET_TASKS'
    | 'GET_AGENT'
    | 'GET_RESOURCE_PROVIDERS'
    | 'WAIT_NESTED_CONTAINER'
    | 'WAIT_CONTAINER';
  export interface GetHealth {
    healthy: boolean;
  }
  export interface GetFlags {
    flags?: v1.Flag[];
  }
  export interface GetVersion {
    version_info: v1.VersionInfo;
  }
  export interface GetMetrics {
    metrics?: v1.Metric[];
  }
  export interface GetLoggingLevel {
    level: number;
  }
  export interface ListFiles {
    file_infos?: v1.FileInfo[];
  }
  export interface ReadFile {
    size: number;
    data: string /* base64 */;
  }
  export interface GetState {
    get_tasks?: agent.Response.GetTasks;
    get_executors?: agent.Response.GetExecutors;
    get_frameworks?: agent.Response.GetFrameworks;
  }
  export interface GetContainers {
    containers?: agent.Response.GetContainers.Container[];
  }
  export namespace GetContainers {
    export interface Container {
      framework_id?: v1.FrameworkID;
      executor_id?: v1.ExecutorID;
      executor_name?: string;
      container_id: v1.ContainerID;
      container_status?: v1.ContainerStatus;
      resource_statistics?: v1.ResourceStatistics;
    }
  }
  export interface GetFrameworks {
    frameworks?: agent.Response.GetFrameworks.Framework[];
    completed_frameworks?: agent.Response.GetFrameworks.Framework[];
  }
  export namespace GetFrameworks {
    export interface Framework {
      framework_info: v1.FrameworkInfo;
    }
  }
  export interface GetExecutors {
    executors?: agent.Response.GetExecutors.Executor[];
    completed_executors?: agent.Response.GetExecutors.Executor[];
  }
  export namespace GetExecutors {
    export interface Executor {
      executor_info: v1.ExecutorInfo;
    }
  }
  export interface GetOperations {
    operations?: v1.Operation[];
  }
  export interface GetTasks {
    pending_tasks?: v1.Task[];
    queued_tasks?: v1.Task[];
    launched_tasks?: v1.Task[];
    terminated_tasks?: v1.Task[];
    completed_tasks?: v1.Task[];
  }
  export interface GetAgent {
    agent_info?: v1.AgentInfo;
    drain_config?: v1.DrainConfig;
    estimated_drain_start_time?: v1.TimeInfo;
  }
  export interface GetResourceProviders {
    resource_providers?: agent.Response.GetResourceProviders.ResourceProvider[];
  }
  export namespace GetResourceProviders {
    export interface ResourceProvider {
      resource_provider_info: v1.ResourceProviderInfo;
      total_resources?: v1.Resource[];
    }
  }
  export interface WaitNestedContainer {
    exit_status?: number;
    state?: v1.TaskState;
    reason?: v1.TaskStatus.Reason;
    limitation?: v1.TaskResourceLimitation;
    message?: string;
  }
  export interface WaitContainer {
    exit_status?: number;
    state?: v1.TaskState;
    reason?: v1.TaskStatus.Reason;
    limitation?: v1.TaskResourceLimitation;
    message?: string;
  }
  /** Response narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'GET_HEALTH'; get_health: agent.Response.GetHealth; }
    | { type: 'GET_FLAGS'; get_flags: agent.Response.GetFlags; }
    | { type: 'GET_VERSION'; get_version: agent.Response.GetVersion; }
    | { type: 'GET_METRICS'; get_metrics: agent.Response.GetMetrics; }
    | { type: 'GET_LOGGING_LEVEL'; get_logging_level: agent.Response.GetLoggingLevel; }
    | { type: 'LIST_FILES'; list_files: agent.Response.ListFiles; }
    | { type: 'READ_FILE'; read_file: agent.Response.ReadFile; }
    | { type: 'GET_STATE'; get_state: agent.Response.GetState; }
    | { type: 'GET_CONTAINERS'; get_containers: agent.Response.GetContainers; }
    | { type: 'GET_FRAMEWORKS'; get_frameworks: agent.Response.GetFrameworks; }
    | { type: 'GET_EXECUTORS'; get_executors: agent.Response.GetExecutors; }
    | { type: 'GET_OPERATIONS'; get_operations: agent.Response.GetOperations; }
    | { type: 'GET_TASKS'; get_tasks: agent.Response.GetTasks; }
    | { type: 'GET_AGENT'; get_agent: agent.Response.GetAgent; }
    | { type: 'GET_RESOURCE_PROVIDERS'; get_resource_providers: agent.Response.GetResourceProviders; }
    | { type: 'WAIT_NESTED_CONTAINER'; wait_nested_container: agent.Response.WaitNestedContainer; }
    | { type: 'WAIT_CONTAINER'; wait_container: agent.Response.WaitContainer; };
}

export interface ProcessIO {
  type?: agent.ProcessIO.Type;
  data?: agent.ProcessIO.Data;
  control?: agent.ProcessIO.Control;
}
export namespace ProcessIO {
  export type Type =
    | 'UNKNOWN'
    | 'DATA'
    | 'CONTROL';
  export interface Data {
    type?: agent.ProcessIO.Data.Type;
    data?: string /* base64 */;
  }
  export namespace Data {
    export type Type =
      | 'UNKNOWN'
      | 'STDIN'
      | 'STDOUT'
      | 'STDERR';
  }
  export interface Control {
    type?: agent.ProcessIO.Control.Type;
    tty_info?: v1.TTYInfo;
    heartbeat?: agent.ProcessIO.Control.Heartbeat;
  }
  export namespace Control {
    export type Type =
      | 'UNKNOWN'
      | 'TTY_INFO'
      | 'HEARTBEAT';
    export interface Heartbeat {
      interval?: v1.DurationInfo;
    }
    /** ProcessIO.Control narrowed on `type`: each variant carries its payload. */
    export type Typed =
      | { type: 'TTY_INFO'; tty_info: v1.TTYInfo; }
      | { type: 'HEARTBEAT'; heartbeat: agent.ProcessIO.Control.Heartbeat; };
  }
  /** ProcessIO narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'DATA'; data: agent.ProcessIO.Data; }
    | { type: 'CONTROL'; control: agent.ProcessIO.Control; };
}

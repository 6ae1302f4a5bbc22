// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.master: Mesos v1 messages with Mesos's field names. Type-only.

import type * as protobuf from './protobuf.ts';
import type * as v1 from './mesos.ts';
import type * as maintenance from './maintenance.ts';
import type * as master from './master.ts';
import type * as quota from './quota.ts';
import type * as scheduler from './scheduler.ts';

export interface Call {
  type?: master.Call.Type;
  get_metrics?: master.Call.GetMetrics;
  set_logging_level?: master.Call.SetLoggingLevel;
  list_files?: master.Call.ListFiles;
  read_file?: master.Call.ReadFile;
  update_weights?: master.Call.UpdateWeights;
  reserve_resources?: master.Call.ReserveResources;
  unreserve_resources?: master.Call.UnreserveResources;
  create_volumes?: master.Call.CreateVolumes;
  destroy_volumes?: master.Call.DestroyVolumes;
  grow_volume?: master.Call.GrowVolume;
  shrink_volume?: master.Call.ShrinkVolume;
  update_maintenance_schedule?: master.Call.UpdateMaintenanceSchedule;
  start_maintenance?: master.Call.StartMaintenance;
  stop_maintenance?: master.Call.StopMaintenance;
  drain_agent?: master.Call.DrainAgent;
  deactivate_agent?: master.Call.DeactivateAgent;
  reactivate_agent?: master.Call.ReactivateAgent;
  update_quota?: master.Call.UpdateQuota;
  teardown?: master.Call.Teardown;
  mark_agent_gone?: master.Call.MarkAgentGone;
  /** @deprecated */ set_quota?: master.Call.SetQuota;
  /** @deprecated */ remove_quota?: master.Call.RemoveQuota;
  explain_allocation?: master.Call.ExplainAllocation;
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
    | 'GET_AGENTS'
    | 'GET_FRAMEWORKS'
    | 'GET_EXECUTORS'
    | 'GET_OPERATIONS'
    | 'GET_TASKS'
    | 'GET_ROLES'
    | 'GET_WEIGHTS'
    | 'UPDATE_WEIGHTS'
    | 'GET_MASTER'
    | 'SUBSCRIBE'
    | 'RESERVE_RESOURCES'
    | 'UNRESERVE_RESOURCES'
    | 'CREATE_VOLUMES'
    | 'DESTROY_VOLUMES'
    | 'GROW_VOLUME'
    | 'SHRINK_VOLUME'
    | 'GET_MAINTENANCE_STATUS'
    | 'GET_MAINTENANCE_SCHEDULE'
    | 'UPDATE_MAINTENANCE_SCHEDULE'
    | 'START_MAINTENANCE'
    | 'STOP_MAINTENANCE'
    | 'DRAIN_AGENT'
    | 'DEACTIVATE_AGENT'
    | 'REACTIVATE_AGENT'
    | 'GET_QUOTA'
    | 'UPDATE_QUOTA'
    | 'SET_QUOTA'
    | 'REMOVE_QUOTA'
    | 'TEARDOWN'
    | 'MARK_AGENT_GONE'
    | 'EXPLAIN_ALLOCATION';
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
  export interface UpdateWeights {
    weight_infos?: v1.WeightInfo[];
  }
  export interface ReserveResources {
    agent_id: v1.AgentID;
    source?: v1.Resource[];
    resources?: v1.Resource[];
  }
  export interface UnreserveResources {
    agent_id: v1.AgentID;
    resources?: v1.Resource[];
  }
  export interface CreateVolumes {
    agent_id: v1.AgentID;
    volumes?: v1.Resource[];
  }
  export interface DestroyVolumes {
    agent_id: v1.AgentID;
    volumes?: v1.Resource[];
  }
  export interface GrowVolume {
    agent_id?: v1.AgentID;
    volume: v1.Resource;
    addition: v1.Resource;
  }
  export interface ShrinkVolume {
    agent_id?: v1.AgentID;
    volume: v1.Resource;
    subtract: v1.Value.Scalar;
  }
  export interface UpdateMaintenanceSchedule {
    schedule: maintenance.Schedule;
  }
  export interface StartMaintenance {
    machines?: v1.MachineID[];
  }
  export interface StopMaintenance {
    machines?: v1.MachineID[];
  }
  export interface DrainAgent {
    agent_id: v1.AgentID;
    max_grace_period?: protobuf.Duration;
    mark_gone?: boolean;
  }
  export interface DeactivateAgent {
    agent_id: v1.AgentID;
  }
  export interface ReactivateAgent {
    agent_id: v1.AgentID;
  }
  export interface UpdateQuota {
    force?: boolean;
    quota_configs?: quota.QuotaConfig[];
  }
  export interface SetQuota {
    quota_request: quota.QuotaRequest;
  }
  export interface RemoveQuota {
    role: string;
  }
  export interface Teardown {
    framework_id: v1.FrameworkID;
  }
  export interface MarkAgentGone {
    agent_id: v1.AgentID;
  }
  export interface ExplainAllocation {
    framework_id: v1.FrameworkID;
    role?: string;
  }
  /** Call narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'GET_HEALTH'; }
    | { type: 'GET_FLAGS'; }
    | { type: 'GET_VERSION'; }
    | { type: 'GET_METRICS'; get_metrics: master.Call.GetMetrics; }
    | { type: 'GET_LOGGING_LEVEL'; }
    | { type: 'SET_LOGGING_LEVEL'; set_logging_level: master.Call.SetLoggingLevel; }
    | { type: 'LIST_FILES'; list_files: master.Call.ListFiles; }
    | { type: 'READ_FILE'; read_file: master.Call.ReadFile; }
    | { type: 'GET_STATE'; }
    | { type: 'GET_AGENTS'; }
    | { type: 'GET_FRAMEWORKS'; }
    | { type: 'GET_EXECUTORS'; }
    | { type: 'GET_OPERATIONS'; }
    | { type: 'GET_TASKS'; }
    | { type: 'GET_ROLES'; }
    | { type: 'GET_WEIGHTS'; }
    | { type: 'UPDATE_WEIGHTS'; update_weights: master.Call.UpdateWeights; }
    | { type: 'GET_MASTER'; }
    | { type: 'SUBSCRIBE'; }
    | { type: 'RESERVE_RESOURCES'; reserve_resources: master.Call.ReserveResources; }
    | { type: 'UNRESERVE_RESOURCES'; unreserve_resources: master.Call.UnreserveResources; }
    | { type: 'CREATE_VOLUMES'; create_volumes: master.Call.CreateVolumes; }
    | { type: 'DESTROY_VOLUMES'; destroy_volumes: master.Call.DestroyVolumes; }
    | { type: 'GROW_VOLUME'; grow_volume: master.Call.GrowVolume; }
    | { type: 'SHRINK_VOLUME'; shrink_volume: master.Call.ShrinkVolume; }
    | { type: 'GET_MAINTENANCE_STATUS'; }
    | { type: 'GET_MAINTENANCE_SCHEDULE'; }
    | { type: 'UPDATE_MAINTENANCE_SCHEDULE'; update_maintenance_schedule: master.Call.UpdateMaintenanceSchedule; }
    | { type: 'START_MAINTENANCE'; start_maintenance: master.Call.StartMaintenance; }
    | { type: 'STOP_MAINTENANCE'; stop_maintenance: master.Call.StopMaintenance; }
    | { type: 'DRAIN_AGENT'; drain_agent: master.Call.DrainAgent; }
    | { type: 'DEACTIVATE_AGENT'; deactivate_agent: master.Call.DeactivateAgent; }
    | { type: 'REACTIVATE_AGENT'; reactivate_agent: master.Call.ReactivateAgent; }
    | { type: 'GET_QUOTA'; }
    | { type: 'UPDATE_QUOTA'; update_quota: master.Call.UpdateQuota; }
    | { type: 'SET_QUOTA'; set_quota: master.Call.SetQuota; }
    | { type: 'REMOVE_QUOTA'; remove_quota: master.Call.RemoveQuota; }
    | { type: 'TEARDOWN'; teardown: master.Call.Teardown; }
    | { type: 'MARK_AGENT_GONE'; mark_agent_gone: master.Call.MarkAgentGone; }
    | { type: 'EXPLAIN_ALLOCATION'; explain_allocation: master.Call.ExplainAllocation; };
}

export interface Response {
  type?: master.Response.Type;
  get_health?: master.Response.GetHealth;
  get_flags?: master.Response.GetFlags;
  get_version?: master.Response.GetVersion;
  get_metrics?: master.Response.GetMetrics;
  get_logging_level?: master.Response.GetLoggingLevel;
  list_files?: master.Response.ListFiles;
  read_file?: master.Response.ReadFile;
  get_state?: master.Response.GetState;
  get_agents?: master.Response.GetAgents;
  get_frameworks?: master.Response.GetFrameworks;
  get_executors?: master.Response.GetExecutors;
  get_operations?: master.Response.GetOperations;
  get_tasks?: master.Response.GetTasks;
  get_roles?: master.Response.GetRoles;
  get_weights?: master.Response.GetWeights;
  get_master?: master.Response.GetMaster;
  get_maintenance_status?: master.Response.GetMaintenanceStatus;
  get_maintenance_schedule?: master.Response.GetMaintenanceSchedule;
  get_quota?: master.Response.GetQuota;
  explain_allocation?: master.Response.ExplainAllocation;
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
    | 'GET_AGENTS'
    | 'GET_FRAMEWORKS'
    | 'GET_EXECUTORS'
    | 'GET_OPERATIONS'
    | 'GET_TASKS'
    | 'GET_ROLES'
    | 'GET_WEIGHTS'
    | 'GET_MASTER'
    | 'GET_MAINTENANCE_STATUS'
    | 'GET_MAINTENANCE_SCHEDULE'
    | 'GET_QUOTA'
    | 'EXPLAIN_ALLOCATION';
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
    get_tasks?: master.Response.GetTasks;
    get_executors?: master.Response.GetExecutors;
    get_frameworks?: master.Response.GetFrameworks;
    get_agents?: master.Response.GetAgents;
  }
  export interface GetAgents {
    agents?: master.Response.GetAgents.Agent[];
    recovered_agents?: v1.AgentInfo[];
  }
  export namespace GetAgents {
    export interface Agent {
      agent_info: v1.AgentInfo;
      active: boolean;
      deactivated?: boolean;
      version: string;
      pid?: string;
      registered_time?: v1.TimeInfo;
      reregistered_time?: v1.TimeInfo;
      total_resources?: v1.Resource[];
      allocated_resources?: v1.Resource[];
      offered_resources?: v1.Resource[];
      capabilities?: v1.AgentInfo.Capability[];
      resource_providers?: master.Response.GetAgents.Agent.ResourceProvider[];
      drain_info?: v1.DrainInfo;
      estimated_drain_start_time?: v1.TimeInfo;
    }
    export namespace Agent {
      export interface ResourceProvider {
        resource_provider_info: v1.ResourceProviderInfo;
        total_resources?: v1.Resource[];
      }
    }
  }
  export interface GetFrameworks {
    frameworks?: master.Response.GetFrameworks.Framework[];
    completed_frameworks?: master.Response.GetFrameworks.Framework[];
    /** @deprecated */ recovered_frameworks?: v1.FrameworkInfo[];
  }
  export namespace GetFrameworks {
    export interface Framework {
      framework_info: v1.FrameworkInfo;
      active: boolean;
      connected: boolean;
      recovered: boolean;
      registered_time?: v1.TimeInfo;
      reregistered_time?: v1.TimeInfo;
      unregistered_time?: v1.TimeInfo;
      offers?: v1.Offer[];
      inverse_offers?: v1.InverseOffer[];
      allocated_resources?: v1.Resource[];
      offered_resources?: v1.Resource[];
      offer_constraints?: scheduler.OfferConstraints;
    }
  }
  export interface GetExecutors {
    executors?: master.Response.GetExecutors.Executor[];
    /** @deprecated */ orphan_executors?: master.Response.GetExecutors.Executor[];
  }
  export namespace GetExecutors {
    export interface Executor {
      executor_info: v1.ExecutorInfo;
      agent_id: v1.AgentID;
    }
  }
  export interface GetOperations {
    operations?: v1.Operation[];
  }
  export interface GetTasks {
    /** @deprecated */ pending_tasks?: v1.Task[];
    tasks?: v1.Task[];
    unreachable_tasks?: v1.Task[];
    completed_tasks?: v1.Task[];
    /** @deprecated */ orphan_tasks?: v1.Task[];
  }
  export interface GetRoles {
    roles?: v1.Role[];
  }
  export interface GetWeights {
    weight_infos?: v1.WeightInfo[];
  }
  export interface GetMaster {
    master_info?: v1.MasterInfo;
    start_time?: number;
    elected_time?: number;
  }
  export interface GetMaintenanceStatus {
    status: maintenance.ClusterStatus;
  }
  export interface GetMaintenanceSchedule {
    schedule: maintenance.Schedule;
  }
  export interface GetQuota {
    status: quota.QuotaStatus;
  }
  export interface ExplainAllocation {
    framework_id: v1.FrameworkID;
    role: string;
    share: number;
    rank: number;
    role_share: number;
    role_rank: number;
    weight: number;
    active: boolean;
    suppressed: boolean;
    suppressed_roles?: string[];
    filters: number;
    filtered_agents: number;
    quota_role: string;
    quota_guarantee?: Record<string, number>;
    quota_limit?: Record<string, number>;
    quota_consumed?: Record<string, number>;
    offered?: Record<string, number>;
    candidates: number;
    skips?: Record<string, number>;
    reason: string;
    message: string;
  }
  /** Response narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'GET_HEALTH'; get_health: master.Response.GetHealth; }
    | { type: 'GET_FLAGS'; get_flags: master.Response.GetFlags; }
    | { type: 'GET_VERSION'; get_version: master.Response.GetVersion; }
    | { type: 'GET_METRICS'; get_metrics: master.Response.GetMetrics; }
    | { type: 'GET_LOGGING_LEVEL'; get_logging_level: master.Response.GetLoggingLevel; }
    | { type: 'LIST_FILES'; list_files: master.Response.ListFiles; }
    | { type: 'READ_FILE'; read_file: master.Response.ReadFile; }
    | { type: 'GET_STATE'; get_state: master.Response.GetState; }
    | { type: 'GET_AGENTS'; get_agents: master.Response.GetAgents; }
    | { type: 'GET_FRAMEWORKS'; get_frameworks: master.Response.GetFrameworks; }
    | { type: 'GET_EXECUTORS'; get_executors: master.Response.GetExecutors; }
    | { type: 'GET_OPERATIONS'; get_operations: master.Response.GetOperations; }
    | { type: 'GET_TASKS'; get_tasks: master.Response.GetTasks; }
    | { type: 'GET_ROLES'; get_roles: master.Response.GetRoles; }
    | { type: 'GET_WEIGHTS'; get_weights: master.Response.GetWeights; }
    | { type: 'GET_MASTER'; get_master: master.Response.GetMaster; }
    | { type: 'GET_MAINTENANCE_STATUS'; get_maintenance_status: master.Response.GetMaintenanceStatus; }
    | { type: 'GET_MAINTENANCE_SCHEDULE'; get_maintenance_schedule: master.Response.GetMaintenanceSchedule; }
    | { type: 'GET_QUOTA'; get_quota: master.Response.GetQuota; }
    | { type: 'EXPLAIN_ALLOCATION'; explain_allocation: master.Response.ExplainAllocation; };
}

export interface Event {
  type?: master.Event.Type;
  subscribed?: master.Event.Subscribed;
  task_added?: master.Event.TaskAdded;
  task_updated?: master.Event.TaskUpdated;
  agent_added?: master.Event.AgentAdded;
  agent_removed?: master.Event.AgentRemoved;
  framework_added?: master.Event.FrameworkAdded;
  framework_updated?: master.Event.FrameworkUpdated;
  framework_removed?: master.Event.FrameworkRemoved;
}
export namespace Event {
  export type Type =
    | 'UNKNOWN'
    | 'SUBSCRIBED'
    | 'TASK_ADDED'
    | 'TASK_UPDATED'
    | 'AGENT_ADDED'
    | 'AGENT_REMOVED'
    | 'FRAMEWORK_ADDED'
    | 'FRAMEWORK_UPDATED'
    | 'FRAMEWORK_REMOVED'
    | 'HEARTBEAT';
  export interface Subscribed {
    get_state?: master.Response.GetState;
    heartbeat_interval_seconds?: number;
  }
  export interface TaskAdded {
    task: v1.Task;
  }
  export interface TaskUpdated {
    framework_id: v1.FrameworkID;
    status: v1.TaskStatus;
    state: v1.TaskState;
  }
  export interface FrameworkAdded {
    framework: master.Response.GetFrameworks.Framework;
  }
  export interface FrameworkUpdated {
    framework: master.Response.GetFrameworks.Framework;
  }
  export interface FrameworkRemoved {
    framework_info: v1.FrameworkInfo;
  }
  export interface AgentAdded {
    agent: master.Response.GetAgents.Agent;
  }
  export interface AgentRemoved {
    agent_id: v1.AgentID;
  }
  /** Event narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'SUBSCRIBED'; subscribed: master.Event.Subscribed; }
    | { type: 'TASK_ADDED'; task_added: master.Event.TaskAdded; }
    | { type: 'TASK_UPDATED'; task_updated: master.Event.TaskUpdated; }
    | { type: 'AGENT_ADDED'; agent_added: master.Event.AgentAdded; }
    | { type: 'AGENT_REMOVED'; agent_removed: master.Event.AgentRemoved; }
    | { type: 'FRAMEWORK_ADDED'; framework_added: master.Event.FrameworkAdded; }
    | { type: 'FRAMEWORK_UPDATED'; framework_updated: master.Event.FrameworkUpdated; }
    | { type: 'FRAMEWORK_REMOVED'; framework_removed: master.Event.FrameworkRemoved; }
    | { type: 'HEARTBEAT'; };
}

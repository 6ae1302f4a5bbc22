import { proto } from './dsl.ts';

// Operator API of the master (Mesos include/mesos/v1/master/master.proto).
export default proto('mesos.v1.master', {
  'Call': [
    'optional Type type = 1',
    'optional GetMetrics get_metrics = 2',
    'optional SetLoggingLevel set_logging_level = 3',
    'optional ListFiles list_files = 4',
    'optional ReadFile read_file = 5',
    'optional UpdateWeights update_weights = 6',
    'optional ReserveResources reserve_resources = 7',
    'optional UnreserveResources unreserve_resources = 8',
    'optional CreateVolumes create_volumes = 9',
    'optional DestroyVolumes destroy_volumes = 10',
    'optional GrowVolume grow_volume = 18',
    'optional ShrinkVolume shrink_volume = 19',
    'optional UpdateMaintenanceSchedule update_maintenance_schedule = 11',
    'optional StartMaintenance start_maintenance = 12',
    'optional StopMaintenance stop_maintenance = 13',
    'optional DrainAgent drain_agent = 21',
    'optional DeactivateAgent deactivate_agent = 22',
    'optional ReactivateAgent reactivate_agent = 23',
    'optional UpdateQuota update_quota = 20',
    'optional Teardown teardown = 16',
    'optional MarkAgentGone mark_agent_gone = 17',
    'optional SetQuota set_quota = 14 [deprecated]',
    'optional RemoveQuota remove_quota = 15 [deprecated]',
    // mesos-ts extension (docs/operator-api.md): not in Mesos's master.proto.
    'optional ExplainAllocation explain_allocation = 1000',
  ],
  // SET_QUOTA and REMOVE_QUOTA are marked deprecated in Mesos (the DSL has no enum value options).
  'Call.Type': {
    enum: [
      'UNKNOWN = 0',
      'GET_HEALTH = 1',
      'GET_FLAGS = 2',
      'GET_VERSION = 3',
      'GET_METRICS = 4',
      'GET_LOGGING_LEVEL = 5',
      'SET_LOGGING_LEVEL = 6',
      'LIST_FILES = 7',
      'READ_FILE = 8',
      'GET_STATE = 9',
      'GET_AGENTS = 10',
      'GET_FRAMEWORKS = 11',
      'GET_EXECUTORS = 12',
      'GET_OPERATIONS = 33',
      'GET_TASKS = 13',
      'GET_ROLES = 14',
      'GET_WEIGHTS = 15',
      'UPDATE_WEIGHTS = 16',
      'GET_MASTER = 17',
      'SUBSCRIBE = 18',
      'RESERVE_RESOURCES = 19',
      'UNRESERVE_RESOURCES = 20',
      'CREATE_VOLUMES = 21',
      'DESTROY_VOLUMES = 22',
      'GROW_VOLUME = 34',
      'SHRINK_VOLUME = 35',
      'GET_MAINTENANCE_STATUS = 23',
      'GET_MAINTENANCE_SCHEDULE = 24',
      'UPDATE_MAINTENANCE_SCHEDULE = 25',
      'START_MAINTENANCE = 26',
      'STOP_MAINTENANCE = 27',
      'DRAIN_AGENT = 37',
      'DEACTIVATE_AGENT = 38',
      'REACTIVATE_AGENT = 39',
      'GET_QUOTA = 28',
      'UPDATE_QUOTA = 36',
      'SET_QUOTA = 29',
      'REMOVE_QUOTA = 30',
      'TEARDOWN = 31',
      'MARK_AGENT_GONE = 32',
      // mesos-ts extension: the allocator's explanation for a framework.
      'EXPLAIN_ALLOCATION = 1000',
    ],
  },
  'Call.GetMetrics': [
    'optional DurationInfo timeout = 1',
  ],
  'Call.SetLoggingLevel': [
    'required uint32 level = 1',
    'required DurationInfo duration = 2',
  ],
  'Call.ListFiles': [
    'required string path = 1',
  ],
  'Call.ReadFile': [
    'required string path = 1',
    'required uint64 offset = 2',
    'optional uint64 length = 3',
  ],
  'Call.UpdateWeights': [
    'repeated WeightInfo weight_infos = 1',
  ],
  // `source` (3) is declared before `resources` (2).
  'Call.ReserveResources': [
    'required AgentID agent_id = 1',
    'repeated Resource source = 3',
    'repeated Resource resources = 2',
  ],
  'Call.UnreserveResources': [
    'required AgentID agent_id = 1',
    'repeated Resource resources = 2',
  ],
  'Call.CreateVolumes': [
    'required AgentID agent_id = 1',
    'repeated Resource volumes = 2',
  ],
  'Call.DestroyVolumes': [
    'required AgentID agent_id = 1',
    'repeated Resource volumes = 2',
  ],
  'Call.GrowVolume': [
    'optional AgentID agent_id = 1',
    'required Resource volume = 2',
    'required Resource addition = 3',
  ],
  'Call.ShrinkVolume': [
    'optional AgentID agent_id = 1',
    'required Resource volume = 2',
    'required Value.Scalar subtract = 3',
  ],
  'Call.UpdateMaintenanceSchedule': [
    'required maintenance.Schedule schedule = 1',
  ],
  'Call.StartMaintenance': [
    'repeated MachineID machines = 1',
  ],
  'Call.StopMaintenance': [
    'repeated MachineID machines = 1',
  ],
  // The one place the master API uses google.protobuf.Duration instead of DurationInfo.
  'Call.DrainAgent': [
    'required AgentID agent_id = 1',
    'optional google.protobuf.Duration max_grace_period = 2',
    'optional bool mark_gone = 3 [default = false]',
  ],
  'Call.DeactivateAgent': [
    'required AgentID agent_id = 1',
  ],
  'Call.ReactivateAgent': [
    'required AgentID agent_id = 1',
  ],
  'Call.UpdateQuota': [
    'optional bool force = 1',
    'repeated quota.QuotaConfig quota_configs = 2',
  ],
  'Call.SetQuota': [
    'required quota.QuotaRequest quota_request = 1',
  ],
  'Call.RemoveQuota': [
    'required string role = 1',
  ],
  'Call.Teardown': [
    'required FrameworkID framework_id = 1',
  ],
  'Call.MarkAgentGone': [
    'required AgentID agent_id = 1',
  ],
  // mesos-ts extension. Without `role`, the framework's first role.
  'Call.ExplainAllocation': [
    'required FrameworkID framework_id = 1',
    'optional string role = 2',
  ],

  'Response': [
    'optional Type type = 1',
    'optional GetHealth get_health = 2',
    'optional GetFlags get_flags = 3',
    'optional GetVersion get_version = 4',
    'optional GetMetrics get_metrics = 5',
    'optional GetLoggingLevel get_logging_level = 6',
    'optional ListFiles list_files = 7',
    'optional ReadFile read_file = 8',
    'optional GetState get_state = 9',
    'optional GetAgents get_agents = 10',
    'optional GetFrameworks get_frameworks = 11',
    'optional GetExecutors get_executors = 12',
    'optional GetOperations get_operations = 20',
    'optional GetTasks get_tasks = 13',
    'optional GetRoles get_roles = 14',
    'optional GetWeights get_weights = 15',
    'optional GetMaster get_master = 16',
    'optional GetMaintenanceStatus get_maintenance_status = 17',
    'optional GetMaintenanceSchedule get_maintenance_schedule = 18',
    'optional GetQuota get_quota = 19',
    // mesos-ts extension.
    'optional ExplainAllocation explain_allocation = 1000',
  ],
  'Response.Type': {
    enum: [
      'UNKNOWN = 0',
      'GET_HEALTH = 1',
      'GET_FLAGS = 2',
      'GET_VERSION = 3',
      'GET_METRICS = 4',
      'GET_LOGGING_LEVEL = 5',
      'LIST_FILES = 6',
      'READ_FILE = 7',
      'GET_STATE = 8',
      'GET_AGENTS = 9',
      'GET_FRAMEWORKS = 10',
      'GET_EXECUTORS = 11',
      'GET_OPERATIONS = 19',
      'GET_TASKS = 12',
      'GET_ROLES = 13',
      'GET_WEIGHTS = 14',
      'GET_MASTER = 15',
      'GET_MAINTENANCE_STATUS = 16',
      'GET_MAINTENANCE_SCHEDULE = 17',
      'GET_QUOTA = 18',
      'EXPLAIN_ALLOCATION = 1000',
    ],
  },
  'Response.GetHealth': [
    'required bool healthy = 1',
  ],
  'Response.GetFlags': [
    'repeated Flag flags = 1',
  ],
  'Response.GetVersion': [
    'required VersionInfo version_info = 1',
  ],
  'Response.GetMetrics': [
    'repeated Metric metrics = 1',
  ],
  'Response.GetLoggingLevel': [
    'required uint32 level = 1',
  ],
  'Response.ListFiles': [
    'repeated FileInfo file_infos = 1',
  ],
  'Response.ReadFile': [
    'required uint64 size = 1',
    'required bytes data = 2',
  ],
  'Response.GetState': [
    'optional GetTasks get_tasks = 1',
    'optional GetExecutors get_executors = 2',
    'optional GetFrameworks get_frameworks = 3',
    'optional GetAgents get_agents = 4',
  ],
  'Response.GetAgents': [
    'repeated Agent agents = 1',
    'repeated AgentInfo recovered_agents = 2',
  ],
  // `deactivated` (12) is declared right after `active`.
  'Response.GetAgents.Agent': [
    'required AgentInfo agent_info = 1',
    'required bool active = 2',
    'optional bool deactivated = 12',
    'required string version = 3',
    'optional string pid = 4',
    'optional TimeInfo registered_time = 5',
    'optional TimeInfo reregistered_time = 6',
    'repeated Resource total_resources = 7',
    'repeated Resource allocated_resources = 8',
    'repeated Resource offered_resources = 9',
    'repeated AgentInfo.Capability capabilities = 10',
    'repeated ResourceProvider resource_providers = 11',
    'optional DrainInfo drain_info = 13',
    'optional TimeInfo estimated_drain_start_time = 14',
  ],
  'Response.GetAgents.Agent.ResourceProvider': [
    'required ResourceProviderInfo resource_provider_info = 1',
    'repeated Resource total_resources = 2',
  ],
  'Response.GetFrameworks': [
    'repeated Framework frameworks = 1',
    'repeated Framework completed_frameworks = 2',
    'repeated FrameworkInfo recovered_frameworks = 3 [deprecated]',
  ],
  // `recovered` (11) is declared right after `connected`.
  'Response.GetFrameworks.Framework': [
    'required FrameworkInfo framework_info = 1',
    'required bool active = 2',
    'required bool connected = 3',
    'required bool recovered = 11',
    'optional TimeInfo registered_time = 4',
    'optional TimeInfo reregistered_time = 5',
    'optional TimeInfo unregistered_time = 6',
    'repeated Offer offers = 7',
    'repeated InverseOffer inverse_offers = 8',
    'repeated Resource allocated_resources = 9',
    'repeated Resource offered_resources = 10',
    'optional scheduler.OfferConstraints offer_constraints = 12',
  ],
  'Response.GetExecutors': [
    'repeated Executor executors = 1',
    'repeated Executor orphan_executors = 2 [deprecated]',
  ],
  'Response.GetExecutors.Executor': [
    'required ExecutorInfo executor_info = 1',
    'required AgentID agent_id = 2',
  ],
  'Response.GetOperations': [
    'repeated Operation operations = 1',
  ],
  'Response.GetTasks': [
    'repeated Task pending_tasks = 1 [deprecated]',
    'repeated Task tasks = 2',
    'repeated Task unreachable_tasks = 5',
    'repeated Task completed_tasks = 3',
    'repeated Task orphan_tasks = 4 [deprecated]',
  ],
  'Response.GetRoles': [
    'repeated Role roles = 1',
  ],
  'Response.GetWeights': [
    'repeated WeightInfo weight_infos = 1',
  ],
  'Response.GetMaster': [
    'optional MasterInfo master_info = 1',
    'optional double start_time = 2',
    'optional double elected_time = 3',
  ],
  'Response.GetMaintenanceStatus': [
    'required maintenance.ClusterStatus status = 1',
  ],
  'Response.GetMaintenanceSchedule': [
    'required maintenance.Schedule schedule = 1',
  ],
  'Response.GetQuota': [
    'required quota.QuotaStatus status = 1',
  ],
  // mesos-ts extension: where a framework stands in the allocator (docs/allocator.md, explain).
  // Shares and ranks are the DRF sorters'; a rank is 0-based, and -1 where there is none (a
  // framework or role the sorter does not hold: inactive, suppressed; the random sorter), so
  // ranks are int32, not uint32. `skips` counts, per reason, the agents the last
  // allocation cycle passed over for this framework; `reason` names why it got nothing (or
  // OFFERED) and `message` says it in a sentence.
  'Response.ExplainAllocation': [
    'required FrameworkID framework_id = 1',
    'required string role = 2',
    'required double share = 3',
    'required int32 rank = 4',
    'required double role_share = 5',
    'required int32 role_rank = 6',
    'required double weight = 7',
    'required bool active = 8',
    'required bool suppressed = 9',
    'repeated string suppressed_roles = 10',
    'required uint32 filters = 11',
    'required uint32 filtered_agents = 12',
    'required string quota_role = 13',
    'map<string, double> quota_guarantee = 14',
    'map<string, double> quota_limit = 15',
    'map<string, double> quota_consumed = 16',
    'map<string, double> offered = 17',
    'required uint32 candidates = 18',
    'map<string, uint32> skips = 19',
    'required string reason = 20',
    'required string message = 21',
  ],

  'Event': [
    'optional Type type = 1',
    'optional Subscribed subscribed = 2',
    'optional TaskAdded task_added = 3',
    'optional TaskUpdated task_updated = 4',
    'optional AgentAdded agent_added = 5',
    'optional AgentRemoved agent_removed = 6',
    'optional FrameworkAdded framework_added = 7',
    'optional FrameworkUpdated framework_updated = 8',
    'optional FrameworkRemoved framework_removed = 9',
  ],
  'Event.Type': {
    enum: [
      'UNKNOWN = 0',
      'SUBSCRIBED = 1',
      'TASK_ADDED = 2',
      'TASK_UPDATED = 3',
      'AGENT_ADDED = 4',
      'AGENT_REMOVED = 5',
      'FRAMEWORK_ADDED = 6',
      'FRAMEWORK_UPDATED = 7',
      'FRAMEWORK_REMOVED = 8',
      'HEARTBEAT = 9',
    ],
  },
  'Event.Subscribed': [
    'optional Response.GetState get_state = 1',
    'optional double heartbeat_interval_seconds = 2',
  ],
  'Event.TaskAdded': [
    'required Task task = 1',
  ],
  'Event.TaskUpdated': [
    'required FrameworkID framework_id = 1',
    'required TaskStatus status = 2',
    'required TaskState state = 3',
  ],
  'Event.FrameworkAdded': [
    'required Response.GetFrameworks.Framework framework = 1',
  ],
  'Event.FrameworkUpdated': [
    'required Response.GetFrameworks.Framework framework = 1',
  ],
  'Event.FrameworkRemoved': [
    'required FrameworkInfo framework_info = 1',
  ],
  'Event.AgentAdded': [
    'required Response.GetAgents.Agent agent = 1',
  ],
  'Event.AgentRemoved': [
    'required AgentID agent_id = 1',
  ],
});

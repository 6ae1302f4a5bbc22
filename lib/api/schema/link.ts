import { proto } from './dsl.ts';

// The agent link (docs/agent-link.md): ours, not Mesos's. Mesos's agents and masters exchange
// libprocess protobuf messages (mesos-api.md section 4), which nothing outside Mesos speaks; we
// carry the same conversations as JSON in Mesos's dialect over one duplex HTTP request per agent:
// the request body is a RecordIO stream of `Call`s, the response a RecordIO stream of `Event`s.
// Field numbers are ours; the JSON names are what travel.
//
// Version 1. A change that an older peer would misread gets a new `version` and the master
// refuses versions it does not speak.
export default proto('mesos.internal.link', {
  // Agent -> master. The first record of a link must be REGISTER.
  Call: [
    'optional Type type = 1',
    'optional Register register = 2',
    'optional StatusUpdate status_update = 3',
    'optional ExecutorExited executor_exited = 4',
    'optional ExecutorMessage executor_message = 5',
    'optional UpdateResources update_resources = 6',
  ],
  'Call.Type': {
    enum: [
      'UNKNOWN = 0',
      'REGISTER = 1',
      'PONG = 2',
      'STATUS_UPDATE = 3',
      'EXECUTOR_EXITED = 4',
      'EXECUTOR_MESSAGE = 5',
      'UPDATE_RESOURCES = 6',
      'UNREGISTER = 7',
    ],
  },
  // Registration (no `agent_info.id`) or reregistration (with it, and with what the agent runs).
  'Call.Register': [
    'required uint32 version = 1',
    'required mesos.v1.AgentInfo agent_info = 2',
    // The address frameworks reach the agent at; defaults to the link's peer address.
    'optional string ip = 3',
    // The agent's total including dynamic reservations and volumes it has checkpointed.
    'repeated mesos.v1.Resource checkpointed_resources = 4',
    'repeated mesos.v1.AgentInfo.Capability capabilities = 5',
    'repeated mesos.v1.FrameworkInfo frameworks = 6',
    'repeated mesos.v1.ExecutorInfo executors = 7',
    'repeated mesos.v1.Task tasks = 8',
    'optional string agent_version = 9',
  ],
  'Call.StatusUpdate': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.TaskStatus status = 2',
    // The newest state the agent knows for the task; `status.state` is the oldest one not yet
    // acknowledged (Mesos's StatusUpdate.latest_state).
    'optional mesos.v1.TaskState latest_state = 3',
  ],
  'Call.ExecutorExited': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.ExecutorID executor_id = 2',
    'optional int32 status = 3',
  ],
  'Call.ExecutorMessage': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.ExecutorID executor_id = 2',
    'required bytes data = 3',
  ],
  'Call.UpdateResources': ['repeated mesos.v1.Resource total = 1'],

  // Master -> agent.
  Event: [
    'optional Type type = 1',
    'optional Registered registered = 2',
    'optional RunTask run_task = 3',
    'optional RunTaskGroup run_task_group = 4',
    'optional KillTask kill_task = 5',
    'optional Acknowledge acknowledge = 6',
    'optional ShutdownFramework shutdown_framework = 7',
    'optional ShutdownExecutor shutdown_executor = 8',
    'optional FrameworkMessage framework_message = 9',
    'optional UpdateFramework update_framework = 10',
    'optional CheckpointResources checkpoint_resources = 11',
    'optional Shutdown shutdown = 12',
    'optional Error error = 13',
  ],
  'Event.Type': {
    enum: [
      'UNKNOWN = 0',
      'REGISTERED = 1',
      'PING = 2',
      'RUN_TASK = 3',
      'RUN_TASK_GROUP = 4',
      'KILL_TASK = 5',
      'ACKNOWLEDGE = 6',
      'SHUTDOWN_FRAMEWORK = 7',
      'SHUTDOWN_EXECUTOR = 8',
      'FRAMEWORK_MESSAGE = 9',
      'UPDATE_FRAMEWORK = 10',
      'CHECKPOINT_RESOURCES = 11',
      'SHUTDOWN = 12',
      'ERROR = 13',
    ],
  },
  'Event.Registered': [
    'required mesos.v1.AgentID agent_id = 1',
    'required mesos.v1.MasterInfo master_info = 2',
    // The master pings every `ping_interval_seconds`; an agent that hears nothing for
    // `total_ping_timeout_seconds` should drop the link and reregister.
    'required double ping_interval_seconds = 3',
    'required double total_ping_timeout_seconds = 4',
  ],
  'Event.RunTask': [
    'required mesos.v1.FrameworkInfo framework_info = 1',
    'required mesos.v1.TaskInfo task = 2',
  ],
  'Event.RunTaskGroup': [
    'required mesos.v1.FrameworkInfo framework_info = 1',
    'required mesos.v1.ExecutorInfo executor = 2',
    'required mesos.v1.TaskGroupInfo task_group = 3',
  ],
  'Event.KillTask': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.TaskID task_id = 2',
    'optional mesos.v1.KillPolicy kill_policy = 3',
    // Why the master kills the task (REASON_AGENT_DRAINING while the agent drains): the
    // terminal update carries it. Unset for a framework's own KILL.
    'optional mesos.v1.TaskStatus.Reason reason = 4',
  ],
  'Event.Acknowledge': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.TaskID task_id = 2',
    'required bytes uuid = 3',
  ],
  'Event.ShutdownFramework': ['required mesos.v1.FrameworkID framework_id = 1'],
  'Event.ShutdownExecutor': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.ExecutorID executor_id = 2',
  ],
  'Event.FrameworkMessage': [
    'required mesos.v1.FrameworkID framework_id = 1',
    'required mesos.v1.ExecutorID executor_id = 2',
    'required bytes data = 3',
  ],
  'Event.UpdateFramework': ['required mesos.v1.FrameworkInfo framework_info = 1'],
  // The agent's whole checkpointed resources after RESERVE, UNRESERVE, CREATE or DESTROY.
  'Event.CheckpointResources': ['repeated mesos.v1.Resource resources = 1'],
  // The agent must stop its tasks and exit (it was removed or marked gone).
  'Event.Shutdown': ['required string message = 1'],
  // The link is refused; the master closes it after this event.
  'Event.Error': ['required string message = 1'],
});

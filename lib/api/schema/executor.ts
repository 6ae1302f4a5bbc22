import { proto } from './dsl.ts';

// Mesos v1 `executor/executor.proto` (package mesos.v1.executor).
export default proto('mesos.v1.executor', {
  Event: [
    'optional Type type = 1',
    'optional Subscribed subscribed = 2',
    'optional Acknowledged acknowledged = 3',
    'optional Launch launch = 4',
    'optional LaunchGroup launch_group = 8',
    'optional Kill kill = 5',
    'optional Message message = 6',
    'optional Error error = 7',
  ],
  'Event.Type': {
    enum: [
      'UNKNOWN = 0',
      'SUBSCRIBED = 1',
      'LAUNCH = 2',
      'LAUNCH_GROUP = 8',
      'KILL = 3',
      'ACKNOWLEDGED = 4',
      'MESSAGE = 5',
      'ERROR = 6',
      'SHUTDOWN = 7',
      'HEARTBEAT = 9',
    ],
  },
  'Event.Subscribed': [
    'required ExecutorInfo executor_info = 1',
    'required FrameworkInfo framework_info = 2',
    'required AgentInfo agent_info = 3',
    'optional ContainerID container_id = 4',
  ],
  'Event.Launch': ['required TaskInfo task = 1'],
  'Event.LaunchGroup': ['required TaskGroupInfo task_group = 1'],
  'Event.Kill': [
    'required TaskID task_id = 1',
    'optional KillPolicy kill_policy = 2',
  ],
  'Event.Acknowledged': [
    'required TaskID task_id = 1',
    'required bytes uuid = 2',
  ],
  'Event.Message': ['required bytes data = 1'],
  'Event.Error': ['required string message = 1'],

  Call: [
    'required ExecutorID executor_id = 1',
    'required FrameworkID framework_id = 2',
    'optional Type type = 3',
    'optional Subscribe subscribe = 4',
    'optional Update update = 5',
    'optional Message message = 6',
  ],
  'Call.Type': {
    enum: ['UNKNOWN = 0', 'SUBSCRIBE = 1', 'UPDATE = 2', 'MESSAGE = 3', 'HEARTBEAT = 4'],
  },
  'Call.Subscribe': [
    'repeated TaskInfo unacknowledged_tasks = 1',
    'repeated Update unacknowledged_updates = 2',
  ],
  'Call.Update': ['required TaskStatus status = 1'],
  // Number 2, not 1, in Mesos.
  'Call.Message': ['required bytes data = 2'],
});

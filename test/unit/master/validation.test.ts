import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Resources } from '../../../lib/api/resources.ts';
import {
  MAX_MESSAGE_LENGTH,
  frameworkRoles,
  hasCapability,
  injectAllocationInfo,
  validateCall,
  validateFrameworkInfo,
  validateFrameworkUpdate,
  validateTask,
  validateTaskGroup,
} from '../../../lib/master/validation.ts';
import type { TaskContext } from '../../../lib/master/validation.ts';
import { validateId } from '../../../lib/api/ids.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import type * as scheduler from '../../../lib/types/scheduler.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures: a framework `fw-1` with role `eng`, offers on agent `S1`.
// ---------------------------------------------------------------------------------------------

const FRAMEWORK_ID = 'fw-1';
const AGENT_ID = 'S1';

function framework(overrides: Partial<v1.FrameworkInfo> = {}): v1.FrameworkInfo {
  return { user: 'alice', name: 'demo', id: { value: FRAMEWORK_ID }, role: 'eng', ...overrides };
}

function multiRoleFramework(roles: string[]): v1.FrameworkInfo {
  return { user: 'alice', name: 'demo', id: { value: FRAMEWORK_ID }, roles, capabilities: [{ type: 'MULTI_ROLE' }] };
}

function scalar(name: string, value: number, role = 'eng'): v1.Resource {
  return { name, type: 'SCALAR', scalar: { value }, allocation_info: { role } };
}
const cpus = (value: number, role?: string) => scalar('cpus', value, role);
const mem = (value: number, role?: string) => scalar('mem', value, role);
const disk = (value: number, role?: string) => scalar('disk', value, role);
const gpus = (value: number, role?: string) => scalar('gpus', value, role);

function ports(begin: number, end: number, role = 'eng'): v1.Resource {
  return { name: 'ports', type: 'RANGES', ranges: { range: [{ begin, end }] }, allocation_info: { role } };
}

function volume(id: string, extra: Partial<v1.Resource> = {}): v1.Resource {
  return {
    ...disk(10),
    reservations: [{ type: 'STATIC', role: 'eng' }],
    disk: { persistence: { id }, volume: { mode: 'RW', container_path: 'data' } },
    ...extra,
  };
}

const AVAILABLE = [cpus(4), mem(1024), disk(1024), gpus(2), ports(31000, 31010), volume('v1'), volume('v2')];

function context(overrides: Partial<TaskContext> = {}, known: Record<string, v1.ExecutorInfo> = {}, used: string[] = []): TaskContext {
  return {
    framework: framework(),
    agentId: AGENT_ID,
    available: Resources.from(AVAILABLE),
    taskIdInUse: (taskId) => used.includes(taskId),
    executor: (executorId) => (Object.hasOwn(known, executorId) ? known[executorId] : undefined),
    ...overrides,
  };
}

function task(overrides: Partial<v1.TaskInfo> = {}): v1.TaskInfo {
  return {
    name: 'sleep',
    task_id: { value: 't1' },
    agent_id: { value: AGENT_ID },
    resources: [cpus(1), mem(128)],
    command: { value: 'sleep 10' },
    ...overrides,
  };
}

function customExecutor(overrides: Partial<v1.ExecutorInfo> = {}): v1.ExecutorInfo {
  return { executor_id: { value: 'e1' }, command: { value: './executor' }, resources: [cpus(0.1), mem(32)], ...overrides };
}

// A task run by a custom executor: `task({executor})` without the command.
function executorTask(executor: v1.ExecutorInfo, overrides: Partial<v1.TaskInfo> = {}): v1.TaskInfo {
  const { command: _command, ...rest } = task(overrides);
  return { ...rest, executor };
}

function defaultExecutor(overrides: Partial<v1.ExecutorInfo> = {}): v1.ExecutorInfo {
  return {
    type: 'DEFAULT',
    executor_id: { value: 'e1' },
    framework_id: { value: FRAMEWORK_ID },
    resources: [cpus(0.1), mem(32), disk(10)],
    ...overrides,
  };
}

// A task of a group: no command (the default executor runs it as a nested container).
function groupTask(id: string, overrides: Partial<v1.TaskInfo> = {}): v1.TaskInfo {
  return { name: id, task_id: { value: id }, agent_id: { value: AGENT_ID }, resources: [cpus(1), mem(128)], ...overrides };
}

// Base64 of 16 bytes with the given version nibble in byte 6.
function uuidBytes(version: number, length = 16): string {
  const bytes = Buffer.alloc(length, 0xab);
  if (length > 6) bytes[6] = (version << 4) | 0x0b;
  return bytes.toString('base64');
}
const UUID_V4 = uuidBytes(4);

// ---------------------------------------------------------------------------------------------
// Roles and capabilities.
// ---------------------------------------------------------------------------------------------

test('frameworkRoles: `role` (default *) without MULTI_ROLE, `roles` with it', () => {
  assert.equal(frameworkRoles({ user: 'u', name: 'n' }), ['*']);
  assert.equal(frameworkRoles(framework()), ['eng']);
  assert.equal(frameworkRoles(framework({ roles: ['x'] })), ['eng']);
  assert.equal(frameworkRoles(multiRoleFramework(['a', 'b/c'])), ['a', 'b/c']);
  assert.equal(frameworkRoles({ user: 'u', name: 'n', capabilities: [{ type: 'MULTI_ROLE' }] }), []);
});

test('hasCapability finds a capability by type and ignores untyped entries', () => {
  const info = framework({ capabilities: [{}, { type: 'PARTITION_AWARE' }] });
  assert.ok(hasCapability(info, 'PARTITION_AWARE'));
  assert.not.ok(hasCapability(info, 'MULTI_ROLE'));
  assert.not.ok(hasCapability(framework(), 'PARTITION_AWARE'));
});

// ---------------------------------------------------------------------------------------------
// FrameworkInfo.
// ---------------------------------------------------------------------------------------------

test('validateFrameworkInfo accepts ordinary frameworks', () => {
  assert.is(validateFrameworkInfo({ user: '', name: '' }), undefined);
  assert.is(validateFrameworkInfo(framework({ failover_timeout: 604800, checkpoint: true })), undefined);
  assert.is(validateFrameworkInfo(multiRoleFramework(['a', 'b/c', '*'])), undefined);
  assert.is(validateFrameworkInfo(framework({ roles: [] })), undefined);
  assert.is(validateFrameworkInfo(framework({ id: { value: '' } })), undefined);
});

test('validateFrameworkInfo requires user and name', () => {
  assert.is(validateFrameworkInfo({ name: 'n' } as v1.FrameworkInfo), "'FrameworkInfo.user' must be set");
  assert.is(validateFrameworkInfo({ user: 'u' } as v1.FrameworkInfo), "'FrameworkInfo.name' must be set");
});

test('validateFrameworkInfo: role versus roles follows the MULTI_ROLE capability', () => {
  assert.is(
    validateFrameworkInfo({ ...multiRoleFramework(['a']), role: '*' }),
    "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable",
  );
  assert.is(
    validateFrameworkInfo(framework({ roles: ['a'] })),
    "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
  );
});

test('validateFrameworkInfo rejects duplicate and invalid roles', () => {
  assert.is(validateFrameworkInfo(multiRoleFramework(['a', 'b', 'a', 'a'])), "'FrameworkInfo.roles' contains duplicate items: { a }");
  assert.is(
    validateFrameworkInfo(multiRoleFramework(['a', '/b'])),
    "'FrameworkInfo.roles' contains invalid role: Role '/b' cannot start with a slash",
  );
  assert.is(
    validateFrameworkInfo(framework({ role: 'a/../b' })),
    "'FrameworkInfo.role' is not a valid role: Role 'a/../b' cannot include '..' as a component",
  );
  assert.is(validateFrameworkInfo(framework({ role: '' })), "'FrameworkInfo.role' is not a valid role: Role names cannot be the empty string");
});

test('validateFrameworkInfo checks a non-empty framework ID as an ID', () => {
  assert.is(validateFrameworkInfo(framework({ id: { value: 'a/b' } })), "'a/b' contains invalid characters");
  assert.is(validateFrameworkInfo(framework({ id: { value: '..' } })), "'..' is disallowed");
});

test('validateFrameworkInfo checks offer filter quantities', () => {
  const filters = (quantities: Record<string, v1.Value.Scalar>): v1.FrameworkInfo =>
    framework({ offer_filters: { eng: { min_allocatable_resources: { quantities: [{ quantities }] } } } });
  assert.is(validateFrameworkInfo(filters({ cpus: { value: 1 }, mem: { value: 0 } })), undefined);
  assert.is(validateFrameworkInfo(filters({})), 'Resource quantities must contain at least one quantity');
  assert.is(validateFrameworkInfo(filters({ cpus: { value: Number.NaN } })), "Invalid resource quantity for 'cpus': NaN not supported");
  assert.is(validateFrameworkInfo(filters({ cpus: { value: Infinity } })), "Invalid resource quantity for 'cpus': Infinite values not supported");
  assert.is(validateFrameworkInfo(filters({ mem: { value: -1 } })), "Invalid resource quantity for 'mem': Negative values not supported");
  assert.is(validateFrameworkInfo(filters({ mem: { value: 1e-310 } })), "Invalid resource quantity for 'mem': Subnormal values not supported");
});

test('validateFrameworkInfo: failover_timeout must be a finite, non-negative Duration', () => {
  for (const timeout of [0, 1.5, 1e9]) assert.is(validateFrameworkInfo(framework({ failover_timeout: timeout })), undefined, String(timeout));
  for (const timeout of [-1, Number.NaN, Infinity, 1e10]) {
    assert.is(
      validateFrameworkInfo(framework({ failover_timeout: timeout })),
      `The framework failover_timeout (${timeout}) is invalid`,
      String(timeout),
    );
  }
});

test('validateFrameworkInfo keeps messages short for hostile role names', () => {
  const error = validateFrameworkInfo(framework({ role: `/${'x'.repeat(10_000_000)}` }));
  assert.ok(error !== undefined && error.length < MAX_MESSAGE_LENGTH);
  assert.match(error!, /^'FrameworkInfo.role' is not a valid role: Role '\/x+/);
});

// ---------------------------------------------------------------------------------------------
// UPDATE_FRAMEWORK.
// ---------------------------------------------------------------------------------------------

test('validateFrameworkUpdate accepts changes to mutable fields', () => {
  const current = framework({ principal: 'p', checkpoint: false });
  assert.is(validateFrameworkUpdate(current, current), undefined);
  assert.is(validateFrameworkUpdate(current, { ...current, name: 'renamed', role: 'ops', failover_timeout: 10 }), undefined);
  // An unset checkpoint is false.
  assert.is(validateFrameworkUpdate(current, { ...current, checkpoint: undefined }), undefined);
});

test('validateFrameworkUpdate validates the new FrameworkInfo first', () => {
  assert.is(
    validateFrameworkUpdate(framework(), framework({ roles: ['a'] })),
    "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
  );
});

test('validateFrameworkUpdate: the ID must be the framework being updated', () => {
  assert.is(
    validateFrameworkUpdate(framework(), framework({ id: { value: 'fw-2' } })),
    "'FrameworkInfo.id' ('fw-2') differs from the ID of the framework being updated ('fw-1')",
  );
});

test('validateFrameworkUpdate: principal, user and checkpoint cannot change', () => {
  const message = "Changing framework's principal is not allowed.";
  assert.is(validateFrameworkUpdate(framework({ principal: 'a' }), framework({ principal: 'b' })), message);
  assert.is(validateFrameworkUpdate(framework({ principal: 'a' }), framework()), message);
  assert.is(validateFrameworkUpdate(framework(), framework({ principal: '' })), message);
  assert.is(
    validateFrameworkUpdate(framework(), framework({ user: 'root' })),
    "Updating 'FrameworkInfo.user' is unsupported; attempted to update from 'alice' to 'root'",
  );
  assert.is(
    validateFrameworkUpdate(framework(), framework({ checkpoint: true })),
    "Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from 'false' to 'true'",
  );
});

// ---------------------------------------------------------------------------------------------
// Scheduler calls.
// ---------------------------------------------------------------------------------------------

const FID = { value: FRAMEWORK_ID };

test('validateCall: SUBSCRIBE needs its payload and a matching framework ID', () => {
  const info = framework({ id: undefined });
  assert.is(validateCall({ type: 'SUBSCRIBE', subscribe: { framework_info: info } }), undefined);
  assert.is(validateCall({ type: 'SUBSCRIBE', framework_id: FID, subscribe: { framework_info: framework() } }), undefined);
  assert.is(validateCall({ type: 'SUBSCRIBE' }), "Expecting 'subscribe' to be present");
  const differs = "'framework_id' differs from 'subscribe.framework_info.id'";
  assert.is(validateCall({ type: 'SUBSCRIBE', framework_id: FID, subscribe: { framework_info: info } }), differs);
  assert.is(validateCall({ type: 'SUBSCRIBE', subscribe: { framework_info: framework() } }), differs);
  assert.is(
    validateCall({ type: 'SUBSCRIBE', framework_id: { value: 'other' }, subscribe: { framework_info: framework() } }),
    differs,
  );
});

test('validateCall reports missing required fields as protobuf does', () => {
  assert.is(validateCall({ type: 'SUBSCRIBE', subscribe: {} } as scheduler.Call), 'Not initialized: subscribe.framework_info');
  assert.is(
    validateCall({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u' } } } as scheduler.Call),
    'Not initialized: subscribe.framework_info.name',
  );
  assert.is(validateCall({ type: 'KILL', framework_id: FID, kill: {} } as scheduler.Call), 'Not initialized: kill.task_id');
  assert.is(
    validateCall({ type: 'KILL', framework_id: FID, kill: { task_id: {} } } as scheduler.Call),
    'Not initialized: kill.task_id.value',
  );
  assert.is(
    validateCall({ type: 'SHUTDOWN', framework_id: FID, shutdown: { executor_id: { value: 'e' } } } as scheduler.Call),
    'Not initialized: shutdown.agent_id',
  );
  assert.is(
    validateCall({ type: 'MESSAGE', framework_id: FID, message: { agent_id: { value: 'a' } } } as scheduler.Call),
    'Not initialized: message.executor_id, message.data',
  );
  assert.is(
    validateCall({
      type: 'RECONCILE',
      framework_id: FID,
      reconcile: { tasks: [{ task_id: { value: 'a' } }, { agent_id: { value: 'S1' } }] },
    } as scheduler.Call),
    'Not initialized: reconcile.tasks[1].task_id',
  );
  assert.is(validateCall({ type: 'TEARDOWN', framework_id: {} } as scheduler.Call), 'Not initialized: framework_id.value');
  // A payload the call's type does not use is still checked, as protobuf checks the whole message.
  assert.is(validateCall({ type: 'TEARDOWN', framework_id: FID, kill: {} } as scheduler.Call), 'Not initialized: kill.task_id');
});

test('validateCall requires a known type', () => {
  assert.is(validateCall({ framework_id: FID }), "Expecting 'type' to be present");
  assert.is(validateCall({ framework_id: FID, type: 'LAUNCH' as scheduler.Call.Type }), "Expecting 'type' to be present");
  assert.is(validateCall({ framework_id: FID, type: '__proto__' as scheduler.Call.Type }), "Expecting 'type' to be present");
});

test('validateCall: every call but SUBSCRIBE needs a framework ID, and its payload', () => {
  const payloads: [scheduler.Call.Type, keyof scheduler.Call, scheduler.Call][] = [
    ['ACCEPT', 'accept', { accept: {} }],
    ['DECLINE', 'decline', { decline: {} }],
    ['ACCEPT_INVERSE_OFFERS', 'accept_inverse_offers', { accept_inverse_offers: {} }],
    ['DECLINE_INVERSE_OFFERS', 'decline_inverse_offers', { decline_inverse_offers: {} }],
    ['KILL', 'kill', { kill: { task_id: { value: 't' } } }],
    ['SHUTDOWN', 'shutdown', { shutdown: { executor_id: { value: 'e' }, agent_id: { value: 'a' } } }],
    ['ACKNOWLEDGE', 'acknowledge', { acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: UUID_V4 } }],
    [
      'ACKNOWLEDGE_OPERATION_STATUS',
      'acknowledge_operation_status',
      { acknowledge_operation_status: { agent_id: { value: 'a' }, uuid: UUID_V4, operation_id: { value: 'o' } } },
    ],
    ['RECONCILE', 'reconcile', { reconcile: {} }],
    ['RECONCILE_OPERATIONS', 'reconcile_operations', { reconcile_operations: {} }],
    ['MESSAGE', 'message', { message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: 'aGk=' } }],
    ['REQUEST', 'request', { request: {} }],
    ['UPDATE_FRAMEWORK', 'update_framework', { update_framework: { framework_info: framework() } }],
  ];
  for (const [type, key, payload] of payloads) {
    assert.is(validateCall({ type, framework_id: FID, ...payload }), undefined, type);
    assert.is(validateCall({ type, ...payload }), "Expecting 'framework_id' to be present", type);
    assert.is(validateCall({ type, framework_id: FID }), `Expecting '${key}' to be present`, type);
  }
  for (const type of ['TEARDOWN', 'REVIVE', 'SUPPRESS'] as const) {
    assert.is(validateCall({ type, framework_id: FID }), undefined, type);
    assert.is(validateCall({ type }), "Expecting 'framework_id' to be present", type);
  }
});

test('validateCall passes UNKNOWN calls, as Mesos does (the handler answers 501)', () => {
  assert.is(validateCall({ type: 'UNKNOWN', framework_id: FID }), undefined);
});

test('validateCall: an acknowledgement names a valid 16-byte UUID', () => {
  const ack = (uuid: string): scheduler.Call => ({
    type: 'ACKNOWLEDGE',
    framework_id: FID,
    acknowledge: { agent_id: { value: 'S1' }, task_id: { value: 't' }, uuid },
  });
  for (const version of [1, 4, 5]) assert.is(validateCall(ack(uuidBytes(version))), undefined, `version ${version}`);
  assert.is(validateCall(ack(Buffer.from('0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff'.replace(/-/g, ''), 'hex').toString('base64'))), undefined);
  const invalid: [string, string][] = [
    ['15 bytes', uuidBytes(4, 15)],
    ['17 bytes', uuidBytes(4, 17)],
    ['empty', ''],
    ['the nil UUID', Buffer.alloc(16).toString('base64')],
    ['version 6', uuidBytes(6)],
    ['version 15', uuidBytes(15)],
    ['text', '8f1c3a2e-6b4d-4e5f-9a7b-1c2d3e4f5a6b'],
    ['unpadded base64', UUID_V4.replace(/=+$/, '')],
    ['base64 with junk', `${UUID_V4}!`],
  ];
  for (const [what, uuid] of invalid) assert.is(validateCall(ack(uuid)), 'Not a valid UUID', what);
});

test('validateCall: ACKNOWLEDGE_OPERATION_STATUS needs a valid UUID and an agent', () => {
  const ack = (fields: Partial<scheduler.Call.AcknowledgeOperationStatus>): scheduler.Call => ({
    type: 'ACKNOWLEDGE_OPERATION_STATUS',
    framework_id: FID,
    acknowledge_operation_status: { uuid: UUID_V4, operation_id: { value: 'op' }, ...fields },
  });
  assert.is(validateCall(ack({ agent_id: { value: 'S1' } })), undefined);
  assert.is(validateCall(ack({})), "Expecting 'agent_id' to be present");
  assert.is(validateCall(ack({ agent_id: { value: 'S1' }, uuid: uuidBytes(4, 8) })), 'Not a valid UUID');
});

test('validateCall: UPDATE_FRAMEWORK must name the calling framework', () => {
  assert.is(
    validateCall({ type: 'UPDATE_FRAMEWORK', framework_id: FID, update_framework: { framework_info: framework({ id: { value: 'x' } }) } }),
    "'framework_id' differs from 'update_framework.framework_info.id'",
  );
});

// ---------------------------------------------------------------------------------------------
// IDs.
// ---------------------------------------------------------------------------------------------

test('validateId follows Mesos: non-empty, NAME_MAX bytes, no . or .., no controls or slashes', () => {
  for (const id of ['t1', 'a b', 'a.b', '...', 'tâche', 'x'.repeat(255), 'é'.repeat(127)]) assert.is(validateId(id), undefined, id);
  assert.is(validateId(''), 'ID must not be empty');
  assert.is(validateId('x'.repeat(256)), 'ID must not be greater than 255 characters');
  assert.is(validateId('é'.repeat(128)), 'ID must not be greater than 255 characters'); // 256 bytes in UTF-8
  assert.is(validateId('.'), "'.' is disallowed");
  assert.is(validateId('..'), "'..' is disallowed");
  for (const id of ['a/b', 'a\\b', 'a\nb', 'a\tb', 'a\x00b', 'a\x7fb']) {
    assert.is(validateId(id), `'${id}' contains invalid characters`, JSON.stringify(id));
  }
});

// ---------------------------------------------------------------------------------------------
// LAUNCH: the task's own fields.
// ---------------------------------------------------------------------------------------------

test('validateTask accepts a command task that fits the offers', () => {
  assert.is(validateTask(task(), context()), undefined);
  assert.is(validateTask(task({ resources: [cpus(4), mem(1024), disk(1024), ports(31000, 31010)] }), context()), undefined);
});

test('validateTask checks the task ID', () => {
  assert.is(validateTask(task({ task_id: { value: '' } }), context()), 'ID must not be empty');
  assert.is(validateTask(task({ task_id: undefined as unknown as v1.TaskID }), context()), 'ID must not be empty');
  assert.is(validateTask(task({ task_id: { value: 'a/b' } }), context()), "'a/b' contains invalid characters");
  assert.is(validateTask(task({ task_id: { value: '..' } }), context()), "'..' is disallowed");
  assert.is(validateTask(task({ task_id: { value: 'x'.repeat(300) } }), context()), 'ID must not be greater than 255 characters');
});

test('validateTask rejects a task ID already in use', () => {
  assert.is(validateTask(task(), context({}, {}, ['t1'])), 'Task has duplicate ID: t1');
  assert.is(validateTask(task(), context({}, {}, ['t2'])), undefined);
});

test('validateTask: the task must name the offers\' agent', () => {
  assert.is(validateTask(task({ agent_id: { value: 'S2' } }), context()), 'Task uses invalid agent S2 while agent S1 is expected');
  assert.is(
    validateTask(task({ agent_id: undefined as unknown as v1.AgentID }), context()),
    'Task uses invalid agent  while agent S1 is expected',
  );
  const error = validateTask(task({ agent_id: { value: 'S'.repeat(10_000_000) } }), context());
  assert.ok(error !== undefined && error.length < MAX_MESSAGE_LENGTH, 'a hostile agent ID is not echoed whole');
});

test('validateTask: kill policy and max completion time are not negative', () => {
  assert.is(validateTask(task({ kill_policy: { grace_period: { nanoseconds: 0 } } }), context()), undefined);
  assert.is(validateTask(task({ max_completion_time: { nanoseconds: 5e9 } }), context()), undefined);
  assert.is(
    validateTask(task({ kill_policy: { grace_period: { nanoseconds: -1 } } }), context()),
    "Task's 'kill_policy.grace_period' must be non-negative",
  );
  assert.is(
    validateTask(task({ kill_policy: { grace_period: { nanoseconds: Number.NaN } } }), context()),
    "Task's 'kill_policy.grace_period' must be non-negative",
  );
  assert.is(validateTask(task({ max_completion_time: { nanoseconds: -5 } }), context()), "Task's `max_completion_time` must be non-negative");
});

test('validateTask checks a CheckInfo', () => {
  const withCheck = (check: v1.CheckInfo) => validateTask(task({ check }), context());
  assert.is(withCheck({ type: 'COMMAND', command: { command: { value: 'true' } }, interval_seconds: 5 }), undefined);
  assert.is(withCheck({ type: 'HTTP', http: { port: 80, path: '/health' } }), undefined);
  assert.is(withCheck({ type: 'TCP', tcp: { port: 80 } }), undefined);
  assert.is(withCheck({}), "Task uses invalid check: CheckInfo must specify 'type'");
  assert.is(withCheck({ type: 'UNKNOWN' }), "Task uses invalid check: 'UNKNOWN' is not a valid check type");
  assert.is(withCheck({ type: 'COMMAND' }), "Task uses invalid check: Expecting 'command' to be set for COMMAND check");
  assert.is(
    withCheck({ type: 'COMMAND', command: { command: {} } }),
    "Task uses invalid check: Command check must contain 'shell command'",
  );
  assert.is(
    withCheck({ type: 'COMMAND', command: { command: { shell: false } } }),
    "Task uses invalid check: Command check must contain 'executable path'",
  );
  assert.is(
    withCheck({ type: 'COMMAND', command: { command: { value: 'x', environment: { variables: [{ name: 'A' }] } } } }),
    "Task uses invalid check: Check's `CommandInfo` is invalid: Environment variable 'A' of type 'VALUE' must have a value set",
  );
  assert.is(withCheck({ type: 'HTTP' }), "Task uses invalid check: Expecting 'http' to be set for HTTP check");
  assert.is(
    withCheck({ type: 'HTTP', http: { port: 80, path: 'health' } }),
    "Task uses invalid check: The path 'health' of HTTP check must start with '/'",
  );
  assert.is(withCheck({ type: 'TCP' }), "Task uses invalid check: Expecting 'tcp' to be set for TCP check");
  assert.is(
    withCheck({ type: 'TCP', tcp: { port: 80 }, timeout_seconds: -1 }),
    "Task uses invalid check: Expecting 'timeout_seconds' to be non-negative",
  );
});

test('validateTask checks a HealthCheck', () => {
  const withHealth = (health_check: v1.HealthCheck) => validateTask(task({ health_check }), context());
  assert.is(withHealth({ type: 'HTTP', http: { port: 80, scheme: 'https', path: '/' }, grace_period_seconds: 0 }), undefined);
  assert.is(withHealth({ type: 'COMMAND', command: { value: 'true' } }), undefined);
  assert.is(withHealth({}), "Task uses invalid health check: HealthCheck must specify 'type'");
  assert.is(withHealth({ type: 'COMMAND' }), "Task uses invalid health check: Expecting 'command' to be set for COMMAND health check");
  assert.is(
    withHealth({ type: 'COMMAND', command: { shell: false } }),
    "Task uses invalid health check: Command health check must contain 'executable path'",
  );
  assert.is(
    withHealth({ type: 'HTTP', http: { port: 80, scheme: 'ftp' } }),
    "Task uses invalid health check: Unsupported HTTP health check scheme: 'ftp'",
  );
  assert.is(
    withHealth({ type: 'HTTP', http: { port: 80, path: 'x' } }),
    "Task uses invalid health check: The path 'x' of HTTP health check must start with '/'",
  );
  assert.is(withHealth({ type: 'TCP' }), "Task uses invalid health check: Expecting 'tcp' to be set for TCP health check");
  assert.is(
    withHealth({ type: 'TCP', tcp: { port: 1 }, grace_period_seconds: -3 }),
    "Task uses invalid health check: Expecting 'grace_period_seconds' to be non-negative",
  );
  assert.is(
    withHealth({ type: 'TCP', tcp: { port: 1 }, delay_seconds: Number.NaN }),
    "Task uses invalid health check: Expecting 'delay_seconds' to be non-negative",
  );
});

test('validateTask: a task uses some resources, each valid', () => {
  assert.is(validateTask(task({ resources: [] }), context()), 'Task uses no resources');
  assert.is(validateTask(task({ resources: undefined }), context()), 'Task uses no resources');
  // Mesos does not insist on cpus or mem: any resource will do.
  assert.is(validateTask(task({ resources: [disk(1)] }), context()), undefined);
  assert.match(
    validateTask(task({ resources: [cpus(Number.NaN)] }), context())!,
    /^Task uses invalid resources: Invalid resources: Resource '.*' is invalid: Invalid scalar resource: value must be finite/,
  );
  assert.match(
    validateTask(task({ resources: [mem(-1)] }), context())!,
    /^Task uses invalid resources: Invalid resources: Resource '.*' is invalid: Invalid scalar resource: value -1 is negative$/,
  );
  assert.match(
    validateTask(task({ resources: [ports(10, 5)] }), context())!,
    /^Task uses invalid resources: Invalid resources: .*begin > end$/,
  );
});

test('validateTask: GPUs are whole', () => {
  assert.is(validateTask(task({ resources: [cpus(1), gpus(1)] }), context()), undefined);
  assert.is(
    validateTask(task({ resources: [cpus(1), gpus(0.5)] }), context()),
    "Task uses invalid resources: Invalid 'gpus' resource: The 'gpus' resource must be an unsigned integer",
  );
});

test('validateTask: persistent volumes are reserved, non-revocable, mounted, with a valid ID', () => {
  assert.is(validateTask(task({ resources: [cpus(1), volume('v1')] }), context()), undefined);
  const invalid: [v1.Resource, string][] = [
    [{ ...disk(10), disk: { persistence: { id: 'v' }, volume: { mode: 'RW', container_path: 'd' } } }, 'Persistent volumes cannot be created from unreserved resources'],
    [volume('v', { revocable: {} }), 'Persistent volumes cannot be created from revocable resources'],
    [volume('v', { disk: { persistence: { id: 'v' } } }), "Expecting 'volume' to be set for persistent volume"],
    [
      volume('v', { disk: { persistence: { id: 'v' }, volume: { mode: 'RW', container_path: 'd', host_path: '/etc' } } }),
      "Expecting 'host_path' to be unset for persistent volume",
    ],
    [volume('a/b'), "Invalid persistence ID for persistent volume: 'a/b' contains invalid characters"],
    [volume(''), 'Invalid persistence ID for persistent volume: ID must not be empty'],
    [{ ...disk(10), disk: { volume: { mode: 'RW', container_path: 'd' } } }, 'Non-persistent volume not supported'],
    [{ ...disk(10), disk: {} }, 'DiskInfo is set but empty'],
  ];
  for (const [resource, message] of invalid) {
    assert.is(validateTask(task({ resources: [cpus(1), resource] }), context()), `Task uses invalid resources: Invalid DiskInfo: ${message}`, message);
  }
});

test('validateTask: dynamic reservations are not revocable', () => {
  const reserved = { ...cpus(1), reservations: [{ type: 'DYNAMIC' as const, role: 'eng' }], revocable: {} };
  assert.match(
    validateTask(task({ resources: [reserved] }), context())!,
    /^Task uses invalid resources: Invalid ReservationInfo: Dynamically reserved resource .* cannot be created from revocable resources$/,
  );
});

test('validateTask: a persistence ID appears once per role', () => {
  assert.is(
    validateTask(task({ resources: [cpus(1), volume('v1'), volume('v1')] }), context()),
    "Task uses duplicate persistence ID: Persistence ID 'v1' is not unique",
  );
  assert.is(validateTask(task({ resources: [cpus(1), volume('v1'), volume('v2')] }), context()), undefined);
});

test('validateTask: resources are allocated to one role of the framework', () => {
  const { allocation_info: _, ...unallocated } = cpus(1);
  assert.is(
    validateTask(task({ resources: [unallocated, mem(1)] }), context()),
    'Invalid task resources: The resources are not allocated to a role',
  );
  assert.is(
    validateTask(task({ resources: [cpus(1), mem(1, 'ops')] }), context()),
    "Invalid task resources: The resources have multiple allocation roles ('ops' and 'eng') but only one allocation role is allowed",
  );
  assert.is(
    validateTask(task({ resources: [cpus(1, 'ops')] }), context()),
    "Invalid task resources: The resources are allocated to role 'ops', which is not a role of the framework",
  );
});

test('validateTask: MULTI_ROLE frameworks use any of their roles', () => {
  const ctx = context({ framework: multiRoleFramework(['eng', 'ops']), available: Resources.from([cpus(2, 'ops'), mem(256, 'ops')]) });
  assert.is(validateTask(task({ resources: [cpus(1, 'ops'), mem(128, 'ops')] }), ctx), undefined);
  assert.is(
    validateTask(task({ resources: [cpus(1, 'dev')] }), ctx),
    "Invalid task resources: The resources are allocated to role 'dev', which is not a role of the framework",
  );
});

test('validateTask: a resource name is all revocable or all not', () => {
  const revocable = { ...cpus(1), revocable: {} };
  const ctx = context({ available: Resources.from([...AVAILABLE, revocable]) });
  assert.is(validateTask(task({ resources: [revocable, mem(1)] }), ctx), undefined);
  assert.is(
    validateTask(task({ resources: [revocable, cpus(1)] }), ctx),
    "Task mixes revocable and non-revocable resources: Cannot use both revocable and non-revocable 'cpus' at the same time",
  );
});

test('validateTask checks the command environment', () => {
  const withEnv = (variables: v1.Environment.Variable[]) => validateTask(task({ command: { value: 'x', environment: { variables } } }), context());
  const prefix = "Task's `CommandInfo` is invalid: ";
  assert.is(withEnv([{ name: 'A', value: '1' }, { name: 'B', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'r' } } }]), undefined);
  assert.is(withEnv([{ name: 'A' }]), `${prefix}Environment variable 'A' of type 'VALUE' must have a value set`);
  assert.is(
    withEnv([{ name: 'A', value: '1', secret: { type: 'VALUE', value: { data: 'eA==' } } }]),
    `${prefix}Environment variable 'A' of type 'VALUE' must not have a secret set`,
  );
  assert.is(withEnv([{ name: 'A', type: 'SECRET' }]), `${prefix}Environment variable 'A' of type 'SECRET' must have a secret set`);
  assert.is(
    withEnv([{ name: 'A', type: 'SECRET', value: '1', secret: { type: 'VALUE', value: { data: 'eA==' } } }]),
    `${prefix}Environment variable 'A' of type 'SECRET' must not have a value set`,
  );
  assert.is(
    withEnv([{ name: 'A', type: 'SECRET', secret: { type: 'REFERENCE' } }]),
    `${prefix}Environment variable 'A' specifies an invalid secret: Secret of type REFERENCE must have the 'reference' field set`,
  );
  assert.is(
    withEnv([{ name: 'A', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'r' }, value: { data: '' } } }]),
    `${prefix}Environment variable 'A' specifies an invalid secret: Secret 'r' of type REFERENCE must not have the 'value' field set`,
  );
  assert.is(
    withEnv([{ name: 'A', type: 'SECRET', secret: { type: 'VALUE' } }]),
    `${prefix}Environment variable 'A' specifies an invalid secret: Secret of type VALUE must have the 'value' field set`,
  );
  assert.is(
    withEnv([{ name: 'A', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from('a\0b').toString('base64') } } }]),
    `${prefix}Environment variable 'A' specifies a secret containing null bytes, which is not allowed in the environment`,
  );
  assert.is(withEnv([{ name: 'A', type: 'UNKNOWN' }]), `${prefix}Environment variable of type 'UNKNOWN' is not allowed`);
});

test('validateTask checks the container', () => {
  const withContainer = (container: v1.ContainerInfo) => validateTask(task({ container }), context());
  const prefix = "Task's `ContainerInfo` is invalid: ";
  assert.is(withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'etc', host_path: '/etc' }] }), undefined);
  assert.is(withContainer({ type: 'DOCKER', docker: { image: 'busybox', parameters: [{ key: 'env', value: 'A=1' }] } }), undefined);
  assert.is(
    withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'c' }] }),
    `${prefix}Invalid volume: Only one of them should be set: 'host_path', 'image' and 'source'`,
  );
  assert.is(
    withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'c', host_path: '/x', source: { type: 'SANDBOX_PATH' } }] }),
    `${prefix}Invalid volume: Only one of them should be set: 'host_path', 'image' and 'source'`,
  );
  assert.is(
    withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'c', source: { type: 'SANDBOX_PATH' } }] }),
    `${prefix}Invalid volume: 'source.sandbox_path' is not set for SANDBOX_PATH volume`,
  );
  assert.is(
    withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'c', source: { type: 'CSI_VOLUME', csi_volume: { plugin_name: 'p' } } }] }),
    `${prefix}Invalid volume: 'source.csi_volume.static_provisioning' is not set for CSI volume`,
  );
  assert.is(
    withContainer({ type: 'MESOS', volumes: [{ mode: 'RO', container_path: 'c', source: {} }] }),
    `${prefix}Invalid volume: 'source.type' is unknown`,
  );
  assert.is(withContainer({ type: 'DOCKER' }), `${prefix}DockerInfo 'docker' is not set for DOCKER typed ContainerInfo`);
  assert.is(
    withContainer({ type: 'DOCKER', docker: { image: 'b', parameters: [{ key: 'name', value: 'x' }] } }),
    `${prefix}Parameter in DockerInfo must not be 'name'`,
  );
});

test('validateTask: limits only for cpus and mem, at or above the request', () => {
  const withLimits = (limits: Record<string, v1.Value.Scalar>, resources = [cpus(1), mem(128)]) =>
    validateTask(task({ limits, resources }), context());
  assert.is(withLimits({ cpus: { value: 2 }, mem: { value: Infinity } }), undefined);
  assert.is(withLimits({ cpus: { value: 1 }, mem: { value: 128 } }), undefined);
  assert.is(withLimits({ disk: { value: 1 } }), "Only cpus and mem may be included in a task's resource limits");
  assert.is(withLimits({ cpus: { value: 2 } }, [mem(1)]), 'When a CPU limit is specified, a CPU request must also be specified');
  assert.is(withLimits({ cpus: { value: 0.5 } }), 'The cpu limit must be greater than or equal to the cpu request');
  assert.is(withLimits({ cpus: { value: Number.NaN } }), 'The cpu limit must be greater than or equal to the cpu request');
  assert.is(withLimits({ mem: { value: 64 } }, [cpus(1)]), 'When a memory limit is specified, a memory request must also be specified');
  assert.is(withLimits({ mem: { value: 64 } }), 'The memory limit must be greater than or equal to the memory request');
});

// ---------------------------------------------------------------------------------------------
// LAUNCH: command or executor, and resources against the offers.
// ---------------------------------------------------------------------------------------------

test('validateTask: exactly one of command and executor', () => {
  const message = 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  assert.is(validateTask(task({ command: undefined }), context()), message);
  assert.is(validateTask(task({ executor: customExecutor() }), context()), message);
  assert.is(validateTask(executorTask(customExecutor()), context()), undefined);
});

test('validateTask: the executor is a CUSTOM one with a command', () => {
  assert.is(validateTask(executorTask(customExecutor({ type: 'CUSTOM' })), context()), undefined);
  assert.is(
    validateTask(executorTask(customExecutor({ type: 'DEFAULT' })), context()),
    "'ExecutorInfo.command' must not be set for 'DEFAULT' executor",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ type: 'DEFAULT', command: undefined })), context()),
    "'ExecutorInfo.type' must be 'CUSTOM'",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ type: 'CUSTOM', command: undefined })), context()),
    "'ExecutorInfo.command' must be set for 'CUSTOM' executor",
  );
  assert.is(validateTask(executorTask(customExecutor({ command: undefined })), context()), "'ExecutorInfo.command' must be set");
});

test('validateTask checks the executor\'s own fields', () => {
  assert.is(validateTask(executorTask(customExecutor({ executor_id: { value: '' } })), context()), 'ID must not be empty');
  assert.is(validateTask(executorTask(customExecutor({ executor_id: { value: 'e/1' } })), context()), "'e/1' contains invalid characters");
  assert.is(
    validateTask(executorTask(customExecutor({ shutdown_grace_period: { nanoseconds: -1 } })), context()),
    "ExecutorInfo's 'shutdown_grace_period' must be non-negative",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ command: { value: 'x', environment: { variables: [{ name: 'A' }] } } })), context()),
    "Executor's `CommandInfo` is invalid: Environment variable 'A' of type 'VALUE' must have a value set",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ container: { type: 'DOCKER' } })), context()),
    "Executor's `ContainerInfo` is invalid: DockerInfo 'docker' is not set for DOCKER typed ContainerInfo",
  );
});

test('validateTask: the executor belongs to the framework (filled in when absent)', () => {
  assert.is(validateTask(executorTask(customExecutor({ framework_id: { value: FRAMEWORK_ID } })), context()), undefined);
  assert.is(
    validateTask(executorTask(customExecutor({ framework_id: { value: 'fw-2' } })), context()),
    'ExecutorInfo has an invalid FrameworkID (Actual: fw-2 vs Expected: fw-1)',
  );
});

test('validateTask checks the executor\'s resources', () => {
  assert.match(
    validateTask(executorTask(customExecutor({ resources: [cpus(-0.1)] })), context())!,
    /^Executor uses invalid resources: Invalid resources: Resource .* is invalid: Invalid scalar resource: value -0.1 is negative$/,
  );
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), volume('v1'), volume('v1')] })), context()),
    "Executor uses duplicate persistence ID: Persistence ID 'v1' is not unique",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1, 'ops')] })), context()),
    "Invalid executor resources: The resources are allocated to role 'ops', which is not a role of the framework",
  );
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), { ...cpus(0.1), revocable: {} }] })), context()),
    "Executor mixes revocable and non-revocable resources: Cannot use both revocable and non-revocable 'cpus' at the same time",
  );
  const shared = volume('v1', { shared: {} });
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), shared] })), context({ available: Resources.from([...AVAILABLE, shared]) })),
    `Executor resources ${Resources.from([cpus(0.1), shared])} should not contain any shared resources`,
  );
  assert.is(
    validateTask(executorTask(customExecutor({ container: { type: 'MESOS', linux_info: { share_cgroups: true } } })), context()),
    "The 'share_cgroups' field cannot be set to 'true' on executor containers",
  );
});

test('validateTask: a known executor ID must keep its ExecutorInfo, and is not paid for twice', () => {
  const known = { ...customExecutor(), framework_id: { value: FRAMEWORK_ID } };
  // Only the task's resources are left in the offers; the running executor has its own already.
  const tight = context({ available: Resources.from([cpus(1), mem(128)]) }, { e1: known });
  assert.is(validateTask(executorTask(customExecutor()), tight), undefined);
  // The same resources, listed differently, are the same executor.
  assert.is(validateTask(executorTask(customExecutor({ resources: [mem(32), cpus(0.05), cpus(0.05)] })), tight), undefined);
  const error = validateTask(executorTask(customExecutor({ command: { value: './other' } })), tight);
  assert.match(error!, /^ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID\.\n-{60}\nExisting ExecutorInfo:\n/);
  assert.ok(error!.includes('./other'));
  // A new executor is paid for from the offers.
  assert.match(validateTask(executorTask(customExecutor({ executor_id: { value: 'e2' } })), tight)!, /^Total resources .* required by task and its executor is more than available/);
});

test('validateTask checks the task and executor resources together', () => {
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), ports(31005, 31006)] }), { resources: [cpus(1), ports(31000, 31005)] }), context()),
    `There are overlapping resources in the task resources ${Resources.from([cpus(1), ports(31000, 31005)])}` +
      ` and executor resources ${Resources.from([cpus(0.1), ports(31005, 31006)])}`,
  );
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), ports(31006, 31006)] }), { resources: [cpus(1), ports(31000, 31005)] }), context()),
    undefined,
  );
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [cpus(0.1), volume('v1')] }), { resources: [cpus(1), volume('v1')] }), context()),
    "Task and its executor use duplicate persistence ID: Persistence ID 'v1' is not unique",
  );
  const revocable = { ...cpus(1), revocable: {} };
  assert.is(
    validateTask(executorTask(customExecutor(), { resources: [revocable] }), context({ available: Resources.from([...AVAILABLE, revocable]) })),
    "Task and its executor mix revocable and non-revocable resources: Cannot use both revocable and non-revocable 'cpus' at the same time",
  );
  // The task's own resources are checked before the executor's.
  assert.is(
    validateTask(executorTask(customExecutor({ resources: [gpus(0.5)] }), { resources: [cpus(1), gpus(0.5)] }), context()),
    "Task uses invalid resources: Invalid 'gpus' resource: The 'gpus' resource must be an unsigned integer",
  );
});

test('validateTask: the task and a new executor fit in what the offers have left', () => {
  const ctx = context({ available: Resources.from([cpus(1), mem(128)]) });
  assert.is(validateTask(task(), ctx), undefined);
  assert.is(
    validateTask(task({ resources: [cpus(2), mem(128)] }), ctx),
    'Total resources cpus(allocated: eng):2; mem(allocated: eng):128 required by task and its executor is more than available cpus(allocated: eng):1; mem(allocated: eng):128',
  );
  assert.match(validateTask(task({ resources: [cpus(1), ports(1, 2)] }), ctx)!, /^Total resources .* is more than available/);
  assert.match(validateTask(executorTask(customExecutor()), ctx)!, /^Total resources .* is more than available/);
});

test('validateTask: share_cgroups false only inside a task group', () => {
  assert.is(validateTask(task({ container: { type: 'MESOS', linux_info: { share_cgroups: true } } }), context()), undefined);
  assert.is(
    validateTask(task({ container: { type: 'MESOS', linux_info: { share_cgroups: false } } }), context()),
    "Only tasks in a task group may have 'share_cgroups' set to 'false'",
  );
});

// ---------------------------------------------------------------------------------------------
// LAUNCH_GROUP.
// ---------------------------------------------------------------------------------------------

test('validateTaskGroup accepts a group under the default executor', () => {
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a'), groupTask('b')] }, context()), undefined);
  // A task may carry the group's executor itself (Mesos's master copies it into each task).
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { executor: defaultExecutor() })] }, context()), undefined);
  // Mesos accepts a CUSTOM executor too, given a command.
  assert.is(
    validateTaskGroup(customExecutor({ type: 'CUSTOM', framework_id: FID, resources: [cpus(0.1), mem(32), disk(1)] }), { tasks: [groupTask('a')] }, context()),
    undefined,
  );
});

test('validateTaskGroup: the group has tasks with unique IDs', () => {
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [] }, context()), 'Task group must contain at least one task');
  assert.is(validateTaskGroup(defaultExecutor(), {}, context()), 'Task group must contain at least one task');
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a'), groupTask('b'), groupTask('a')] }, context()),
    "Task 'a' is invalid: Task has duplicate ID: a",
  );
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a'), groupTask('b')] }, context({}, {}, ['b'])), "Task 'b' is invalid: Task has duplicate ID: b");
});

test('validateTaskGroup validates each task with the task rules', () => {
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { agent_id: { value: 'S9' } })] }, context()),
    "Task 'a' is invalid: Task uses invalid agent S9 while agent S1 is expected",
  );
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { resources: [] })] }, context()), "Task 'a' is invalid: Task uses no resources");
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('')] }, context()), "Task '' is invalid: ID must not be empty");
});

test('validateTaskGroup: nested tasks cannot use Docker or probe a network of their own', () => {
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { container: { type: 'DOCKER', docker: { image: 'b' } } })] }, context()),
    "Task 'a' is invalid: Docker ContainerInfo is not supported on the task",
  );
  const ownNetwork: v1.ContainerInfo = { type: 'MESOS', network_infos: [{ name: 'net' }] };
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { container: ownNetwork, health_check: { type: 'TCP', tcp: { port: 1 } } })] }, context()),
    "Task 'a' is invalid: HTTP and TCP health checks are not supported for nested containers not joining parent's network",
  );
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { container: ownNetwork, health_check: { type: 'COMMAND', command: { value: 'true' } } })] }, context()),
    undefined,
  );
});

test('validateTaskGroup: limits need share_cgroups false, the same for every task of the group', () => {
  const own: v1.ContainerInfo = { type: 'MESOS', linux_info: { share_cgroups: false } };
  const limits = { cpus: { value: 2 } };
  assert.is(validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { container: own, limits })] }, context()), undefined);
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { limits })] }, context()),
    "Task 'a' is invalid: Resource limits may only be set for tasks within a task group when the 'share_cgroups' field is set to 'false'.",
  );
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { container: own }), groupTask('b')] }, context()),
    "If set, the value of 'share_cgroups' must be the same for all tasks in each task group and under a single executor",
  );
});

test('validateTaskGroup checks the executor', () => {
  const tasks = { tasks: [groupTask('a')] };
  assert.is(validateTaskGroup(defaultExecutor({ framework_id: undefined }), tasks, context()), "'ExecutorInfo.framework_id' must be set");
  assert.is(
    validateTaskGroup(defaultExecutor({ framework_id: { value: 'x' } }), tasks, context()),
    'ExecutorInfo has an invalid FrameworkID (Actual: x vs Expected: fw-1)',
  );
  assert.is(validateTaskGroup(defaultExecutor({ type: undefined }), tasks, context()), "'ExecutorInfo.type' must be set");
  assert.is(validateTaskGroup(defaultExecutor({ type: 'UNKNOWN' }), tasks, context()), 'Unknown executor type');
  assert.is(validateTaskGroup(defaultExecutor({ command: { value: 'x' } }), tasks, context()), "'ExecutorInfo.command' must not be set for 'DEFAULT' executor");
  assert.is(
    validateTaskGroup(defaultExecutor({ container: { type: 'DOCKER', docker: { image: 'b' } } }), tasks, context()),
    "'ExecutorInfo.container.type' must be 'MESOS' for 'DEFAULT' executor",
  );
  assert.is(
    validateTaskGroup(defaultExecutor({ container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'b' } } } } }), tasks, context()),
    "'ExecutorInfo.container.mesos.image' must not be set for 'DEFAULT' executor",
  );
  assert.is(
    validateTaskGroup(
      customExecutor({ type: 'CUSTOM', framework_id: FID, resources: [cpus(0.1), mem(32), disk(1)], container: { type: 'DOCKER', docker: { image: 'b' } } }),
      tasks,
      context(),
    ),
    'Docker ContainerInfo is not supported on the executor',
  );
  assert.is(validateTaskGroup(defaultExecutor({ executor_id: { value: '.' } }), tasks, context()), "'.' is disallowed");
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { executor: defaultExecutor({ name: 'other' }) })] }, context()),
    "The `ExecutorInfo` of task 'a' is different from executor 'e1'",
  );
  assert.match(
    validateTaskGroup(defaultExecutor(), tasks, context({}, { e1: defaultExecutor({ name: 'old' }) }))!,
    /^ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID\./,
  );
});

test('validateTaskGroup: the executor has at least 0.01 cpus, 32 MB and some disk', () => {
  const tasks = { tasks: [groupTask('a')] };
  assert.is(validateTaskGroup(defaultExecutor({ resources: [cpus(0.01), mem(32), disk(1)] }), tasks, context()), undefined);
  assert.is(
    validateTaskGroup(defaultExecutor({ resources: [mem(32), disk(1)] }), tasks, context()),
    "Executor 'e1' uses less CPUs (None) than the minimum required (0.01)",
  );
  assert.is(
    validateTaskGroup(defaultExecutor({ resources: [cpus(0.005), mem(32), disk(1)] }), tasks, context()),
    "Executor 'e1' uses less CPUs (0.005) than the minimum required (0.01)",
  );
  assert.is(
    validateTaskGroup(defaultExecutor({ resources: [cpus(0.1), disk(1)] }), tasks, context()),
    "Executor 'e1' uses less memory (None) than the minimum required (32MB)",
  );
  assert.is(
    validateTaskGroup(defaultExecutor({ resources: [cpus(0.1), mem(16.5), disk(1)] }), tasks, context()),
    "Executor 'e1' uses less memory (16896KB) than the minimum required (32MB)",
  );
  assert.is(validateTaskGroup(defaultExecutor({ resources: [cpus(0.1), mem(32)] }), tasks, context()), "Executor 'e1' uses no disk");
});

test('validateTaskGroup checks the resources of all tasks and the executor together', () => {
  const a = groupTask('a', { resources: [cpus(1), ports(31000, 31002)] });
  const b = groupTask('b', { resources: [cpus(1), ports(31002, 31003)] });
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [a, b] }, context()),
    `There are overlapping resources in the task group's task resources [ ${Resources.from(a.resources!)}, ${Resources.from(b.resources!)} ]` +
      ` and/or executor resources ${Resources.from(defaultExecutor().resources!)}`,
  );
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { resources: [cpus(1), volume('v1')] }), groupTask('b', { resources: [cpus(1), volume('v1')] })] }, context()),
    "Task group and executor use duplicate persistence ID: Persistence ID 'v1' is not unique",
  );
  // One shared volume used by two tasks is one volume.
  const shared = volume('v1', { shared: {} });
  assert.is(
    validateTaskGroup(
      defaultExecutor(),
      { tasks: [groupTask('a', { resources: [cpus(1), shared] }), groupTask('b', { resources: [cpus(1), shared] })] },
      context({ available: Resources.from([...AVAILABLE, shared, shared]) }),
    ),
    undefined,
  );
  const revocable = { ...cpus(1), revocable: {} };
  assert.is(
    validateTaskGroup(defaultExecutor(), { tasks: [groupTask('a', { resources: [revocable] })] }, context({ available: Resources.from([...AVAILABLE, revocable]) })),
    "Task group and executor mix revocable and non-revocable resources: Cannot use both revocable and non-revocable 'cpus' at the same time",
  );
});

test('validateTaskGroup: all tasks and a new executor fit in what the offers have left', () => {
  const tasks = { tasks: [groupTask('a'), groupTask('b')] };
  const exact = Resources.from([cpus(2.1), mem(288), disk(10)]);
  assert.is(validateTaskGroup(defaultExecutor(), tasks, context({ available: exact })), undefined);
  assert.match(
    validateTaskGroup(defaultExecutor(), tasks, context({ available: Resources.from([cpus(2), mem(288), disk(10)]) }))!,
    /^Total resources .* required by task group and its executor are more than available /,
  );
  // A running executor is not paid for again.
  const running = context({ available: Resources.from([cpus(2), mem(256)]) }, { e1: defaultExecutor() });
  assert.is(validateTaskGroup(defaultExecutor(), tasks, running), undefined);
});

test('validateTaskGroup: the executor never shares its cgroups', () => {
  assert.is(
    validateTaskGroup(defaultExecutor({ container: { type: 'MESOS', linux_info: { share_cgroups: true } } }), { tasks: [groupTask('a')] }, context()),
    "The 'share_cgroups' field cannot be set to 'true' on executor containers",
  );
});

// ---------------------------------------------------------------------------------------------
// Allocation info.
// ---------------------------------------------------------------------------------------------

test('injectAllocationInfo sets the role where absent and copies', () => {
  const unallocated: v1.Resource = { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } };
  const allocated = mem(5, 'ops');
  const input = [unallocated, allocated];
  const output = injectAllocationInfo(input, 'eng');
  assert.equal(output, [{ ...unallocated, allocation_info: { role: 'eng' } }, allocated]);
  assert.is(unallocated.allocation_info, undefined, 'the input is not modified');
  assert.is.not(output[1], allocated);
  output[1]!.allocation_info!.role = 'changed';
  assert.is(allocated.allocation_info!.role, 'ops', 'the copy is deep');
  assert.equal(injectAllocationInfo([], 'eng'), []);
});

test('injected resources pass task validation for a non-MULTI_ROLE framework', () => {
  const raw: v1.Resource[] = [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 128 } },
  ];
  assert.is(validateTask(task({ resources: raw }), context()), 'Invalid task resources: The resources are not allocated to a role');
  assert.is(validateTask(task({ resources: injectAllocationInfo(raw, 'eng') }), context()), undefined);
});

test.run();

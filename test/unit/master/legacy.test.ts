import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SUMMARY_TASK_STATES,
  TASK_LIMIT,
  flattenResources,
  legacyFrameworks,
  legacyRoles,
  legacySlaves,
  legacyState,
  legacyStateSummary,
  legacyTasks,
  parseTasksQuery,
  v0Attributes,
  v0Task,
} from '../../../lib/master/legacy.ts';
import type { LegacyMasterInput } from '../../../lib/master/legacy.ts';
import type * as master from '../../../lib/types/master.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures: a small cluster as the master's v1 views describe it.
//
//   agent S1 (active): cpus 8 + cpus 4 reserved to eng + mem 1024 reserved to eng then refined
//     to eng/web + revocable cpus 2 + ports [31000-32000]; tasks of both frameworks run here.
//   agent S2 (deactivated, draining): nothing on it.
//   recovered agent S3: known from the registry, not yet reregistered.
//   fw-multi: MULTI_ROLE in eng and eng/web, with a running task, a finished task, an executor
//     and an offer; fw-old: single-role `analytics`, with a staging task, an unreachable task and
//     a killed one; fw-gone: completed, with one failed task.
// ---------------------------------------------------------------------------------------------

const S1 = 'S1';
const S2 = 'S2';

function scalar(name: string, value: number, extra: Partial<v1.Resource> = {}): v1.Resource {
  return { name, type: 'SCALAR', scalar: { value }, ...extra };
}

function ranges(name: string, pairs: [number, number][], extra: Partial<v1.Resource> = {}): v1.Resource {
  return { name, type: 'RANGES', ranges: { range: pairs.map(([begin, end]) => ({ begin, end })) }, ...extra };
}

const reservedToEng = { reservations: [{ type: 'STATIC' as const, role: 'eng' }] };
const refinedToEngWeb = {
  reservations: [
    { type: 'STATIC' as const, role: 'eng' },
    { type: 'DYNAMIC' as const, role: 'eng/web', principal: 'ops' },
  ],
};

const S1_TOTAL: v1.Resource[] = [
  scalar('cpus', 8),
  scalar('mem', 16384),
  scalar('disk', 100000),
  ranges('ports', [[31000, 32000]]),
  scalar('cpus', 4, reservedToEng),
  scalar('mem', 1024, refinedToEngWeb),
  scalar('cpus', 2, { revocable: {} }),
];

const S1_ALLOCATED: v1.Resource[] = [
  // fw-multi's running task (eng): 1 reserved cpu, 2 unreserved cpus, 512 mem, two ports.
  scalar('cpus', 1, { ...reservedToEng, allocation_info: { role: 'eng' } }),
  scalar('cpus', 2, { allocation_info: { role: 'eng' } }),
  scalar('mem', 512, { allocation_info: { role: 'eng' } }),
  ranges('ports', [[31000, 31001]], { allocation_info: { role: 'eng' } }),
  // fw-multi's executor (eng): 0.1 cpus.
  scalar('cpus', 0.1, { allocation_info: { role: 'eng' } }),
  // fw-old's staging task (analytics): 0.5 cpus, 1 revocable cpu.
  scalar('cpus', 0.5, { allocation_info: { role: 'analytics' } }),
  scalar('cpus', 1, { allocation_info: { role: 'analytics' }, revocable: {} }),
];

const S1_OFFERED: v1.Resource[] = [scalar('cpus', 1, { allocation_info: { role: 'eng/web' } })];

const AGENT_S1: master.Response.GetAgents.Agent = {
  agent_info: {
    hostname: 'agent1.example',
    port: 5051,
    id: { value: S1 },
    attributes: [
      { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
      { name: 'generation', type: 'SCALAR', scalar: { value: 2.5 } },
      { name: 'slots', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }, { begin: 5, end: 8 }] } },
      { name: 'disks', type: 'SET', set: { item: ['ssd', 'hdd'] } },
    ],
    domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1a' } } },
  },
  active: true,
  deactivated: false,
  version: '1.11.0',
  pid: 'slave(1)@10.0.0.1:5051',
  registered_time: { nanoseconds: 1_000_000_000_000 },
  reregistered_time: { nanoseconds: 1_100_500_000_000 },
  total_resources: S1_TOTAL,
  allocated_resources: S1_ALLOCATED,
  offered_resources: S1_OFFERED,
  capabilities: [{ type: 'MULTI_ROLE' }, { type: 'HIERARCHICAL_ROLE' }, { type: 'RESERVATION_REFINEMENT' }],
};

const AGENT_S2: master.Response.GetAgents.Agent = {
  agent_info: { hostname: 'agent2.example', id: { value: S2 } },
  active: false,
  deactivated: true,
  version: '1.11.0',
  pid: 'slave(1)@10.0.0.2:5051',
  registered_time: { nanoseconds: 1_200_000_000_000 },
  total_resources: [scalar('cpus', 2), scalar('mem', 2048)],
  capabilities: [{ type: 'AGENT_DRAINING' }, {}],
  drain_info: { state: 'DRAINING', config: { mark_gone: false } },
  estimated_drain_start_time: { nanoseconds: 1_300_000_000_000 },
};

const RECOVERED_S3: v1.AgentInfo = { hostname: 'agent3.example', port: 5052, id: { value: 'S3' } };

const AGENTS: master.Response.GetAgents = { agents: [AGENT_S1, AGENT_S2], recovered_agents: [RECOVERED_S3] };

function status(state: v1.TaskState, timestamp: number, extra: Partial<v1.TaskStatus> = {}): v1.TaskStatus {
  return { task_id: { value: 'ignored' }, state, timestamp, ...extra };
}

const TASK_RUNNING: v1.Task = {
  name: 'web server',
  task_id: { value: 't-run' },
  framework_id: { value: 'fw-multi' },
  executor_id: { value: 'e-1' },
  agent_id: { value: S1 },
  state: 'TASK_RUNNING',
  resources: S1_ALLOCATED.slice(0, 4),
  statuses: [
    status('TASK_STARTING', 101.5),
    status('TASK_RUNNING', 102.25, {
      healthy: true,
      labels: { labels: [{ key: 'phase', value: 'live' }] },
      container_status: {
        container_id: { value: 'c-1' },
        network_infos: [
          {
            ip_addresses: [{ ip_address: '10.1.0.7' }],
            name: 'overlay',
            labels: { labels: [{ key: 'net', value: 'blue' }] },
          },
        ],
        executor_pid: 4242,
      },
    }),
  ],
  labels: { labels: [{ key: 'team', value: 'web' }, { key: 'canary' }] },
  discovery: { visibility: 'CLUSTER', name: 'web' },
  container: { type: 'MESOS' },
  health_check: { type: 'TCP', tcp: { port: 8080 } },
  user: 'www',
  limits: { cpus: { value: Infinity }, mem: { value: 1024 } },
};

const TASK_FINISHED: v1.Task = {
  name: 'batch',
  task_id: { value: 't-fin' },
  framework_id: { value: 'fw-multi' },
  agent_id: { value: S1 },
  state: 'TASK_FINISHED',
  resources: [scalar('cpus', 1, { allocation_info: { role: 'eng/web' } })],
  statuses: [status('TASK_STAGING', 50), status('TASK_FINISHED', 60)],
};

// A task that has not been launched yet: no statuses, nothing optional.
const TASK_STAGING: v1.Task = {
  name: 'pending',
  task_id: { value: 't-new' },
  framework_id: { value: 'fw-old' },
  agent_id: { value: S1 },
  state: 'TASK_STAGING',
  resources: S1_ALLOCATED.slice(5),
};

const TASK_UNREACHABLE: v1.Task = {
  name: 'lost in partition',
  task_id: { value: 't-unr' },
  framework_id: { value: 'fw-old' },
  agent_id: { value: S2 },
  state: 'TASK_UNREACHABLE',
  resources: [scalar('mem', 64, { allocation_info: { role: 'analytics' } })],
  statuses: [status('TASK_RUNNING', 150), status('TASK_UNREACHABLE', 300)],
};

const TASK_KILLED: v1.Task = {
  name: 'killed',
  task_id: { value: 't-kill' },
  framework_id: { value: 'fw-old' },
  agent_id: { value: S1 },
  state: 'TASK_KILLED',
  resources: [scalar('cpus', 0.25, { allocation_info: { role: 'analytics' } })],
  statuses: [status('TASK_RUNNING', 200), status('TASK_KILLED', 250)],
};

const TASK_GONE_FRAMEWORK: v1.Task = {
  name: 'old failure',
  task_id: { value: 't-gone' },
  framework_id: { value: 'fw-gone' },
  agent_id: { value: S2 },
  state: 'TASK_FAILED',
  resources: [scalar('cpus', 1, { allocation_info: { role: '*' } })],
  statuses: [status('TASK_FAILED', 10)],
};

const TASKS: master.Response.GetTasks = {
  tasks: [TASK_RUNNING, TASK_STAGING],
  unreachable_tasks: [TASK_UNREACHABLE],
  completed_tasks: [TASK_FINISHED, TASK_KILLED, TASK_GONE_FRAMEWORK],
};

const EXECUTORS: master.Response.GetExecutors = {
  executors: [
    {
      executor_info: {
        type: 'CUSTOM',
        executor_id: { value: 'e-1' },
        framework_id: { value: 'fw-multi' },
        name: 'web executor',
        command: {
          shell: false,
          value: '/usr/bin/executor',
          arguments: ['executor', '--verbose'],
          uris: [{ value: 'http://example.com/executor.tgz', extract: true }],
          environment: { variables: [{ name: 'MODE', value: 'prod' }] },
        },
        resources: [scalar('cpus', 0.1, { allocation_info: { role: 'eng' } })],
        labels: { labels: [{ key: 'kind', value: 'custom' }] },
      },
      agent_id: { value: S1 },
    },
  ],
};

const OFFER: v1.Offer = {
  id: { value: 'o-1' },
  framework_id: { value: 'fw-multi' },
  agent_id: { value: S1 },
  hostname: 'agent1.example',
  resources: S1_OFFERED,
  allocation_info: { role: 'eng/web' },
};

const FW_MULTI: master.Response.GetFrameworks.Framework = {
  framework_info: {
    user: 'alice',
    name: 'multi',
    id: { value: 'fw-multi' },
    failover_timeout: 604800,
    checkpoint: true,
    roles: ['eng', 'eng/web'],
    hostname: 'sched.example',
    principal: 'ops',
    webui_url: 'http://sched.example:8080',
    capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
    labels: { labels: [{ key: 'owner', value: 'web-team' }] },
  },
  active: true,
  connected: true,
  recovered: false,
  registered_time: { nanoseconds: 1_000_000_000_000 },
  reregistered_time: { nanoseconds: 1_500_250_000_000 },
  offers: [OFFER],
  allocated_resources: [...S1_ALLOCATED.slice(0, 5)],
  offered_resources: S1_OFFERED,
};

const FW_OLD: master.Response.GetFrameworks.Framework = {
  framework_info: { user: 'bob', name: 'old', id: { value: 'fw-old' }, role: 'analytics' },
  active: true,
  connected: true,
  recovered: false,
  registered_time: { nanoseconds: 1_200_000_000_000 },
  reregistered_time: { nanoseconds: 1_200_000_000_000 },
  allocated_resources: S1_ALLOCATED.slice(5),
};

const FW_GONE: master.Response.GetFrameworks.Framework = {
  framework_info: { user: 'carol', name: 'gone', id: { value: 'fw-gone' } },
  active: false,
  connected: false,
  recovered: false,
  registered_time: { nanoseconds: 900_000_000_000 },
  unregistered_time: { nanoseconds: 950_000_000_000 },
};

const STATE: master.Response.GetState = {
  get_tasks: TASKS,
  get_executors: EXECUTORS,
  get_frameworks: { frameworks: [FW_MULTI, FW_OLD], completed_frameworks: [FW_GONE] },
  get_agents: AGENTS,
};

const MASTER_INFO: v1.MasterInfo = {
  id: 'master-1',
  ip: 16777343,
  port: 5050,
  pid: 'master@127.0.0.1:5050',
  hostname: 'master.example',
  version: '1.11.0',
  capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
};

const INPUT: LegacyMasterInput = {
  master: { master_info: MASTER_INFO, start_time: 999.5, elected_time: 1000.25 },
  version: { version: '1.11.0', build_date: '2024-08-23 10:00:00', build_time: 1724407200, build_user: 'ci', git_sha: 'c1b42f79' },
  flags: { cluster: 'prod', port: '5050', work_dir: '/var/lib/mesos' },
  unreachableAgents: 3,
};

function query(text = ''): URLSearchParams {
  return new URLSearchParams(text);
}

/**
 * The output is plain JSON: no undefined (own keys only with defined values), no NaN or infinite
 * numbers, no class instances; so stringifying and parsing gives the same value back.
 */
function assertPlainJson(value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${path} is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlainJson(item, `${path}[${i}]`));
    return;
  }
  assert.type(value, 'object', `${path} is ${typeof value}`);
  assert.is(Object.getPrototypeOf(value), Object.prototype, `${path} is not a plain object`);
  for (const [key, item] of Object.entries(value as object)) {
    assert.ok(item !== undefined, `${path}.${key} is undefined`);
    assertPlainJson(item, `${path}.${key}`);
  }
  assert.equal(JSON.parse(JSON.stringify(value)), value, `${path} changes through JSON`);
}

// ---------------------------------------------------------------------------------------------
// flattenResources and v0Attributes.
// ---------------------------------------------------------------------------------------------

test('flattenResources: the four first-class scalars always, ranges and sets as text, revocable suffixed', () => {
  assert.equal(flattenResources(S1_TOTAL), {
    cpus: 12, // 8 unreserved + 4 reserved to eng: reservations are summed away
    cpus_revocable: 2,
    disk: 100000,
    gpus: 0,
    mem: 17408, // 16384 + 1024 reserved to eng/web
    ports: '[31000-32000]',
  });
  assert.equal(flattenResources(undefined), { cpus: 0, disk: 0, gpus: 0, mem: 0 });
  assert.equal(
    flattenResources([
      ranges('ports', [[5, 8]]),
      ranges('ports', [[1, 2]]),
      ranges('ports', [[3, 3]], { revocable: {} }),
      { name: 'zones', type: 'SET', set: { item: ['a', 'b'] } },
      { name: 'zones', type: 'SET', set: { item: ['b', 'c'] } },
      scalar('gpus', 1),
    ]),
    { cpus: 0, disk: 0, gpus: 1, mem: 0, ports: '[1-2, 5-8]', ports_revocable: '[3-3]', zones: '{a, b, c}' },
  );
});

test('v0Attributes: scalars as numbers, text as is, ranges and sets as Mesos prints them', () => {
  assert.equal(v0Attributes(AGENT_S1.agent_info.attributes), {
    rack: 'r1',
    generation: 2.5,
    slots: '[1-2, 5-8]',
    disks: '{ssd, hdd}',
  });
  assert.equal(v0Attributes(undefined), {});
  // A name given twice keeps its last value, as a JSON reader of Mesos's output would.
  assert.equal(
    v0Attributes([
      { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
      { name: 'rack', type: 'TEXT', text: { value: 'r2' } },
    ]),
    { rack: 'r2' },
  );
  const proto = v0Attributes([{ name: '__proto__', type: 'TEXT', text: { value: 'x' } }]);
  assert.ok(Object.hasOwn(proto, '__proto__'));
  assert.is(Object.getPrototypeOf(proto), Object.prototype);
});

// ---------------------------------------------------------------------------------------------
// Tasks.
// ---------------------------------------------------------------------------------------------

test('v0Task: a task with every optional field', () => {
  const task = v0Task(TASK_RUNNING);
  assert.equal(task, {
    id: 't-run',
    name: 'web server',
    framework_id: 'fw-multi',
    executor_id: 'e-1',
    slave_id: S1,
    state: 'TASK_RUNNING',
    resources: { cpus: 3, disk: 0, gpus: 0, mem: 512, ports: '[31000-31001]' },
    limits: { cpus: 'Infinity', mem: 1024 },
    role: 'eng',
    statuses: [
      { state: 'TASK_STARTING', timestamp: 101.5 },
      {
        state: 'TASK_RUNNING',
        timestamp: 102.25,
        labels: [{ key: 'phase', value: 'live' }],
        // executor_pid is not part of Mesos's ContainerStatus model; network labels are a bare array.
        container_status: {
          container_id: { value: 'c-1' },
          network_infos: [{ labels: [{ key: 'net', value: 'blue' }], ip_addresses: [{ protocol: 'IPv4', ip_address: '10.1.0.7' }], name: 'overlay' }],
        },
        healthy: true,
      },
    ],
    user: 'www',
    labels: [{ key: 'team', value: 'web' }, { key: 'canary' }],
    discovery: { visibility: 'CLUSTER', name: 'web' },
    container: { type: 'MESOS' },
    health_check: {
      delay_seconds: 15,
      interval_seconds: 10,
      timeout_seconds: 20,
      consecutive_failures: 3,
      grace_period_seconds: 10,
      type: 'TCP',
      tcp: { port: 8080, protocol: 'IPv4' }, // defaults are written, as by JSON::Protobuf
    },
  });
  // Mesos's writer order: limits sits between resources and role.
  assert.equal(Object.keys(task), [
    'id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'limits', 'role', 'statuses',
    'user', 'labels', 'discovery', 'container', 'health_check',
  ]);
  assertPlainJson(task);
});

test('v0Task: a bare task has exactly the always-present fields', () => {
  assert.equal(v0Task(TASK_STAGING), {
    id: 't-new',
    name: 'pending',
    framework_id: 'fw-old',
    executor_id: '', // command tasks have no executor id; Mesos writes the empty string
    slave_id: S1,
    state: 'TASK_STAGING',
    resources: { cpus: 0.5, cpus_revocable: 1, disk: 0, gpus: 0, mem: 0 },
    role: 'analytics',
    statuses: [],
  });
  const noResources = v0Task({ ...TASK_STAGING, resources: [] });
  assert.is(noResources.role, '');
  assert.equal(noResources.resources, { cpus: 0, disk: 0, gpus: 0, mem: 0 });
  // A status without a timestamp reads as 0, the proto default.
  assert.equal(v0Task({ ...TASK_STAGING, statuses: [{ task_id: { value: 't-new' }, state: 'TASK_STAGING' }] }).statuses, [
    { state: 'TASK_STAGING', timestamp: 0 },
  ]);
});

// ---------------------------------------------------------------------------------------------
// Frameworks.
// ---------------------------------------------------------------------------------------------

test('legacyFrameworks: a MULTI_ROLE framework, with tasks, offer and executor', () => {
  const [multi] = legacyFrameworks(STATE).frameworks;
  assert.ok(multi);
  assert.equal(Object.keys(multi), [
    'id', 'name', 'used_resources', 'offered_resources', 'capabilities', 'hostname', 'webui_url', 'active', 'connected',
    'recovered', 'user', 'failover_timeout', 'checkpoint', 'registered_time', 'unregistered_time', 'principal',
    'resources', 'reregistered_time', 'roles', 'tasks', 'unreachable_tasks', 'completed_tasks', 'offers', 'executors',
    'labels', 'offer_constraints',
  ]);
  assert.is(multi.id, 'fw-multi');
  assert.equal(multi.used_resources, { cpus: 3.1, disk: 0, gpus: 0, mem: 512, ports: '[31000-31001]' });
  assert.equal(multi.offered_resources, { cpus: 1, disk: 0, gpus: 0, mem: 0 });
  assert.equal(multi.resources, { cpus: 4.1, disk: 0, gpus: 0, mem: 512, ports: '[31000-31001]' });
  assert.equal(multi.capabilities, ['MULTI_ROLE', 'PARTITION_AWARE']);
  assert.is(multi.failover_timeout, 604800);
  assert.is(multi.checkpoint, true);
  assert.is(multi.registered_time, 1000);
  assert.is(multi.unregistered_time, 0);
  assert.is(multi.reregistered_time, 1500.25);
  assert.is(multi.principal, 'ops');
  assert.equal(multi.roles, ['eng', 'eng/web']);
  assert.not.ok('role' in multi);
  assert.equal(multi.tasks.map((t) => t.id), ['t-run']);
  assert.equal(multi.unreachable_tasks, []);
  assert.equal(multi.completed_tasks.map((t) => t.id), ['t-fin']);
  assert.equal(multi.offers, [
    { id: 'o-1', framework_id: 'fw-multi', allocation_info: { role: 'eng/web' }, slave_id: S1, resources: { cpus: 1, disk: 0, gpus: 0, mem: 0 } },
  ]);
  assert.equal(multi.executors, [
    {
      executor_id: 'e-1',
      name: 'web executor',
      framework_id: 'fw-multi',
      command: {
        shell: false,
        value: '/usr/bin/executor',
        argv: ['executor', '--verbose'],
        environment: { variables: [{ name: 'MODE', type: 'VALUE', value: 'prod' }] },
        uris: [{ value: 'http://example.com/executor.tgz', executable: false }],
      },
      resources: { cpus: 0.1, disk: 0, gpus: 0, mem: 0 },
      role: 'eng',
      labels: [{ key: 'kind', value: 'custom' }],
      type: 'CUSTOM',
      slave_id: S1,
    },
  ]);
  assert.equal(multi.labels, [{ key: 'owner', value: 'web-team' }]);
  assert.equal(multi.offer_constraints, {});
});

test('legacyFrameworks: an old single-role framework, field by field', () => {
  const old = legacyFrameworks(STATE).frameworks[1];
  assert.equal(old, {
    id: 'fw-old',
    name: 'old',
    used_resources: { cpus: 0.5, cpus_revocable: 1, disk: 0, gpus: 0, mem: 0 },
    offered_resources: { cpus: 0, disk: 0, gpus: 0, mem: 0 },
    capabilities: [],
    hostname: '',
    webui_url: '',
    active: true,
    connected: true,
    recovered: false,
    user: 'bob',
    failover_timeout: 0,
    checkpoint: false,
    registered_time: 1200,
    unregistered_time: 0,
    // no principal; no reregistered_time, which equals registered_time
    resources: { cpus: 0.5, cpus_revocable: 1, disk: 0, gpus: 0, mem: 0 },
    role: 'analytics',
    tasks: [v0Task(TASK_STAGING)],
    unreachable_tasks: [v0Task(TASK_UNREACHABLE)],
    completed_tasks: [v0Task(TASK_KILLED)],
    offers: [],
    executors: [],
    offer_constraints: {},
  });
});

test('legacyFrameworks: completed frameworks, the unset role is "*", the framework_id filter', () => {
  const all = legacyFrameworks(STATE);
  assert.equal(all.unregistered_frameworks, []);
  const [gone] = all.completed_frameworks;
  assert.ok(gone);
  assert.is(gone.role, '*');
  assert.is(gone.active, false);
  assert.is(gone.unregistered_time, 950);
  assert.equal(gone.completed_tasks.map((t) => t.id), ['t-gone']);

  const one = legacyFrameworks(STATE, query('framework_id=fw-gone'));
  assert.equal(one.frameworks, []);
  assert.equal(one.completed_frameworks.map((f) => f.id), ['fw-gone']);
  assert.equal(legacyFrameworks(STATE, query('framework_id=nope')), { frameworks: [], completed_frameworks: [], unregistered_frameworks: [] });
  assertPlainJson(all);
});

// ---------------------------------------------------------------------------------------------
// Agents.
// ---------------------------------------------------------------------------------------------

test('legacySlaves: an agent with ports, reservations (refined ones under the last role) and revocable cpus', () => {
  const { slaves, recovered_slaves } = legacySlaves(AGENTS);
  const s1 = slaves[0]!;
  assert.equal(Object.keys(s1), [
    'id', 'hostname', 'port', 'attributes', 'domain', 'pid', 'registered_time', 'reregistered_time', 'resources',
    'used_resources', 'offered_resources', 'reserved_resources', 'unreserved_resources', 'active', 'deactivated',
    'version', 'capabilities', 'reserved_resources_full', 'unreserved_resources_full', 'used_resources_full',
    'offered_resources_full',
  ]);
  assert.is(s1.id, S1);
  assert.is(s1.hostname, 'agent1.example');
  assert.is(s1.port, 5051);
  assert.equal(s1.attributes, { rack: 'r1', generation: 2.5, slots: '[1-2, 5-8]', disks: '{ssd, hdd}' });
  assert.equal(s1.domain, { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1a' } } });
  assert.is(s1.pid, 'slave(1)@10.0.0.1:5051');
  assert.is(s1.registered_time, 1000);
  assert.is(s1.reregistered_time, 1100.5);
  assert.equal(s1.resources, { cpus: 12, cpus_revocable: 2, disk: 100000, gpus: 0, mem: 17408, ports: '[31000-32000]' });
  assert.equal(s1.used_resources, { cpus: 3.6, cpus_revocable: 1, disk: 0, gpus: 0, mem: 512, ports: '[31000-31001]' });
  assert.equal(s1.offered_resources, { cpus: 1, disk: 0, gpus: 0, mem: 0 });
  assert.equal(s1.reserved_resources, {
    eng: { cpus: 4, disk: 0, gpus: 0, mem: 0 },
    'eng/web': { cpus: 0, disk: 0, gpus: 0, mem: 1024 },
  });
  assert.equal(s1.unreserved_resources, { cpus: 8, cpus_revocable: 2, disk: 100000, gpus: 0, mem: 16384, ports: '[31000-32000]' });
  assert.is(s1.active, true);
  assert.is(s1.deactivated, false);
  assert.is(s1.version, '1.11.0');
  assert.equal(s1.capabilities, ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);
  assert.not.ok('drain_info' in s1);

  // The full forms are proto JSON in the endpoint format: a single reservation also carries the
  // legacy `role` (and `reservation` when dynamic); a refined one only the stack.
  assert.equal(s1.reserved_resources_full, {
    eng: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: 'eng', reservations: [{ type: 'STATIC', role: 'eng' }] }],
    'eng/web': [
      {
        name: 'mem',
        type: 'SCALAR',
        scalar: { value: 1024 },
        reservations: [
          { type: 'STATIC', role: 'eng' },
          { type: 'DYNAMIC', role: 'eng/web', principal: 'ops' },
        ],
      },
    ],
  });
  assert.equal(s1.unreserved_resources_full, [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 8 }, role: '*' },
    { name: 'mem', type: 'SCALAR', scalar: { value: 16384 }, role: '*' },
    { name: 'disk', type: 'SCALAR', scalar: { value: 100000 }, role: '*' },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
    { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*', revocable: {} },
  ]);
  assert.equal(s1.offered_resources_full, [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*', allocation_info: { role: 'eng/web' } },
  ]);
  assert.is(s1.used_resources_full.length, 6); // the two unreserved eng cpus entries merge into one
  assert.ok(s1.used_resources_full.some((r) => r['revocable'] !== undefined));

  assert.equal(recovered_slaves, [{ id: 'S3', hostname: 'agent3.example', port: 5052, attributes: {} }]);
  assertPlainJson(slaves);
});

test('legacySlaves: a deactivated, draining agent and the slave_id filter', () => {
  const s2 = legacySlaves(AGENTS, query('slave_id=S2'));
  assert.equal(s2.recovered_slaves, []);
  assert.equal(s2.slaves.length, 1);
  const agent = s2.slaves[0]!;
  assert.is(agent.port, 5051); // AgentInfo.port's default
  assert.not.ok('reregistered_time' in agent);
  assert.not.ok('domain' in agent);
  assert.is(agent.active, false);
  assert.is(agent.deactivated, true);
  assert.equal(agent.capabilities, ['AGENT_DRAINING']); // an unknown capability is not listed
  assert.equal(agent.drain_info, { state: 'DRAINING', config: { mark_gone: false } });
  assert.is(agent.estimated_drain_start_time_seconds, 1300);
  assert.equal(agent.reserved_resources, {});
  assert.equal(agent.reserved_resources_full, {});
  assert.equal(agent.used_resources_full, []);

  const s3 = legacySlaves(AGENTS, query('slave_id=S3'));
  assert.equal(s3.slaves, []);
  assert.equal(s3.recovered_slaves.map((a) => a.id), ['S3']);
});

// ---------------------------------------------------------------------------------------------
// /master/state and /master/state-summary.
// ---------------------------------------------------------------------------------------------

test('legacyState: the top-level fields', () => {
  const state = legacyState(STATE, INPUT);
  assert.equal(Object.keys(state), [
    'version', 'git_sha', 'build_date', 'build_time', 'build_user', 'start_time', 'elected_time', 'id', 'pid',
    'hostname', 'capabilities', 'activated_slaves', 'deactivated_slaves', 'unreachable_slaves', 'leader',
    'leader_info', 'cluster', 'flags', 'slaves', 'recovered_slaves', 'frameworks', 'completed_frameworks',
    'orphan_tasks', 'unregistered_frameworks',
  ]);
  assert.is(state.version, '1.11.0');
  assert.is(state.git_sha, 'c1b42f79');
  assert.is(state.build_date, '2024-08-23 10:00:00');
  assert.is(state.build_time, 1724407200);
  assert.is(state.build_user, 'ci');
  assert.is(state.start_time, 999.5);
  assert.is(state.elected_time, 1000.25);
  assert.is(state.id, 'master-1');
  assert.is(state.pid, 'master@127.0.0.1:5050');
  assert.is(state.hostname, 'master.example');
  assert.equal(state.capabilities, ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2']);
  assert.is(state.activated_slaves, 1);
  assert.is(state.deactivated_slaves, 1);
  assert.is(state.unreachable_slaves, 3);
  assert.is(state.leader, 'master@127.0.0.1:5050');
  assert.equal(state.leader_info, { id: 'master-1', pid: 'master@127.0.0.1:5050', port: 5050, hostname: 'master.example' });
  assert.is(state.cluster, 'prod');
  assert.equal(state.flags, { cluster: 'prod', port: '5050', work_dir: '/var/lib/mesos' });
  // /master/state's agents have no *_full fields; those are /master/slaves' only.
  assert.equal(state.slaves.map((s) => s.id), [S1, S2]);
  assert.not.ok('reserved_resources_full' in state.slaves[0]!);
  assert.equal(state.recovered_slaves.map((s) => s.id), ['S3']);
  assert.equal(state.frameworks, legacyFrameworks(STATE).frameworks);
  assert.equal(state.completed_frameworks.map((f) => f.id), ['fw-gone']);
  assert.equal(state.orphan_tasks, []);
  assert.equal(state.unregistered_frameworks, []);
  assertPlainJson(state);
});

test('legacyState: optional fields come and go with their inputs', () => {
  const state = legacyState(
    {},
    {
      master: { master_info: { ...MASTER_INFO, domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1b' } } } }, start_time: 5 },
      version: { version: '1.11.0', git_branch: 'main', git_tag: '1.11.0' },
      flags: { log_dir: '/var/log/mesos', external_log_file: '/var/log/syslog' },
      unreachableAgents: 0,
    },
  );
  assert.not.ok('elected_time' in state); // not elected yet
  assert.not.ok('git_sha' in state);
  assert.not.ok('cluster' in state);
  assert.is(state.git_branch, 'main');
  assert.is(state.git_tag, '1.11.0');
  assert.is(state.build_date, '');
  assert.is(state.build_time, 0);
  assert.is(state.build_user, '');
  assert.is(state.log_dir, '/var/log/mesos');
  assert.is(state.external_log_file, '/var/log/syslog');
  assert.equal(state.domain, { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1b' } } });
  assert.equal(state.leader_info.domain, state.domain);
  assert.equal([state.slaves, state.frameworks, state.activated_slaves], [[], [], 0]);
  assertPlainJson(state);
});

test('legacyStateSummary: per-state counts and ids for registered frameworks only', () => {
  const summary = legacyStateSummary(STATE, INPUT);
  assert.is(summary.hostname, 'master.example');
  assert.is(summary.cluster, 'prod');
  const counts = (o: object) => Object.fromEntries(Object.entries(o).filter(([k, v]) => k.startsWith('TASK_') && v !== 0));

  const [s1, s2] = summary.slaves;
  assert.ok(s1 && s2);
  // S1: t-run (RUNNING), t-new (STAGING), t-fin (FINISHED), t-kill (KILLED).
  assert.equal(counts(s1), { TASK_STAGING: 1, TASK_RUNNING: 1, TASK_FINISHED: 1, TASK_KILLED: 1 });
  assert.equal(s1.framework_ids, ['fw-multi', 'fw-old']);
  // S2: t-unr (UNREACHABLE); t-gone belongs to a completed framework and is not counted.
  assert.equal(counts(s2), { TASK_UNREACHABLE: 1 });
  assert.equal(s2.framework_ids, ['fw-old']);
  // All ten counts are written, zeros included, and nothing else TASK_*.
  assert.equal(Object.keys(s2).filter((k) => k.startsWith('TASK_')), [...SUMMARY_TASK_STATES]);
  // Apart from the counts and framework_ids, an agent is /master/state's agent.
  const agentPart = Object.fromEntries(Object.entries(s1).filter(([k]) => !k.startsWith('TASK_') && k !== 'framework_ids'));
  assert.equal(agentPart, legacyState(STATE, INPUT).slaves[0]);

  assert.equal(summary.frameworks.map((f) => f.id), ['fw-multi', 'fw-old']);
  const [multi, old] = summary.frameworks;
  assert.ok(multi && old);
  assert.equal(counts(multi), { TASK_RUNNING: 1, TASK_FINISHED: 1 });
  assert.equal(multi.slave_ids, [S1]);
  assert.equal(counts(old), { TASK_STAGING: 1, TASK_UNREACHABLE: 1, TASK_KILLED: 1 });
  assert.equal(old.slave_ids, [S1, S2]);
  // Summary<Framework> only: no tasks, roles or times.
  assert.equal(Object.keys(old), [
    'id', 'name', 'used_resources', 'offered_resources', 'capabilities', 'hostname', 'webui_url', 'active', 'connected',
    'recovered', ...SUMMARY_TASK_STATES, 'slave_ids',
  ]);
  assertPlainJson(summary);
});

function zeroCounts(o: object): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => k.startsWith('TASK_') && v === 0));
}

test('legacyStateSummary: an agent without tasks has zero counts and no framework ids', () => {
  const summary = legacyStateSummary({ get_agents: { agents: [AGENT_S2] } }, { ...INPUT, flags: {} });
  assert.not.ok('cluster' in summary);
  const [agent] = summary.slaves;
  assert.ok(agent);
  assert.equal(Object.values(zeroCounts(agent)).length, SUMMARY_TASK_STATES.length);
  assert.equal(agent.framework_ids, []);
  assert.equal(summary.frameworks, []);
});

// ---------------------------------------------------------------------------------------------
// /master/tasks.
// ---------------------------------------------------------------------------------------------

const ids = (result: { tasks: { id: string }[] }) => result.tasks.map((t) => t.id);

test('legacyTasks: running, unreachable and completed tasks, newest first by their first status', () => {
  // First timestamps: t-run 101.5, t-unr 150, t-kill 200, t-fin 50, t-gone 10, t-new none.
  assert.equal(ids(legacyTasks(TASKS, query())), ['t-kill', 't-unr', 't-run', 't-fin', 't-gone', 't-new']);
  assert.equal(ids(legacyTasks(TASKS, query('order=asc'))), ['t-new', 't-gone', 't-fin', 't-run', 't-unr', 't-kill']);
  const [first] = legacyTasks(TASKS, query('order=asc&limit=1')).tasks;
  assert.equal(first, v0Task(TASK_STAGING));
  assertPlainJson(legacyTasks(TASKS, query()));
});

test('legacyTasks: limit, offset and the id filters', () => {
  assert.equal(ids(legacyTasks(TASKS, query('limit=2'))), ['t-kill', 't-unr']);
  assert.equal(ids(legacyTasks(TASKS, query('limit=2&offset=1'))), ['t-unr', 't-run']);
  assert.equal(ids(legacyTasks(TASKS, query('offset=5'))), ['t-new']);
  assert.equal(ids(legacyTasks(TASKS, query('offset=6'))), []);
  assert.equal(ids(legacyTasks(TASKS, query('limit=0'))), []);
  assert.equal(ids(legacyTasks(TASKS, query('framework_id=fw-old'))), ['t-kill', 't-unr', 't-new']);
  assert.equal(ids(legacyTasks(TASKS, query('framework_id=fw-old&task_id=t-unr'))), ['t-unr']);
  assert.equal(ids(legacyTasks(TASKS, query('task_id=t-gone'))), ['t-gone']);
  assert.equal(ids(legacyTasks(TASKS, query('framework_id=fw-multi&task_id=t-gone'))), []);
  assert.equal(legacyTasks({}, query()), { tasks: [] });
});

test('legacyTasks: the default limit is 100', () => {
  const many: v1.Task[] = Array.from({ length: 150 }, (_, i) => ({ ...TASK_FINISHED, task_id: { value: `t${i}` }, statuses: [status('TASK_STAGING', i)] }));
  assert.is(TASK_LIMIT, 100);
  const page = legacyTasks({ completed_tasks: many }, query());
  assert.is(page.tasks.length, 100);
  assert.is(page.tasks[0]!.id, 't149');
  assert.is(legacyTasks({ completed_tasks: many }, query('limit=120')).tasks.length, 120);
});

test('legacyTasks: parameters Mesos cannot read fall back to their defaults, as in Mesos', () => {
  // Mesos's numify<int> fails on these, and the handler then uses 100, 0 and descending.
  for (const bad of ['abc', '', '1.5', ' 2', '2 ', '1e2', '2147483648', '0x', '+0x2']) {
    assert.equal(parseTasksQuery(query(`limit=${encodeURIComponent(bad)}&offset=${encodeURIComponent(bad)}`)), { limit: 100, offset: 0, order: 'des' }, bad);
  }
  assert.equal(ids(legacyTasks(TASKS, query('limit=abc&offset=xyz'))), ids(legacyTasks(TASKS, query())));
  // Only `asc` is ascending: `desc` (what Mesos's help text says), `ASC` and junk are descending.
  for (const order of ['des', 'desc', 'ASC', 'up', '']) {
    assert.is(parseTasksQuery(query(`order=${order}`)).order, 'des', order);
  }
  // What numify<int> does accept: signs, leading zeros, hex.
  assert.equal(parseTasksQuery(query('limit=%2B3&offset=007')), { limit: 3, offset: 7, order: 'des' });
  assert.equal(parseTasksQuery(query('limit=0x10&offset=-0x2')), { limit: 16, offset: -2, order: 'des' });
  assert.equal(parseTasksQuery(query('limit=2147483647&offset=-2147483648')), { limit: 2147483647, offset: -2147483648, order: 'des' });
  assert.equal(parseTasksQuery(query('framework_id=fw-old&task_id=t-unr')), {
    limit: 100, offset: 0, order: 'des', frameworkId: 'fw-old', taskId: 't-unr',
  });
});

test('legacyTasks: negative limit and offset page as Mesos size_t arithmetic does', () => {
  // 6 tasks. limit=-1 is 2^64-1: offset 0 + that = 2^64-1, so the page ends at 6: everything.
  assert.equal(ids(legacyTasks(TASKS, query('limit=-1'))).length, 6);
  // offset 2 + (2^64-1) wraps to 1, which is below the offset: nothing.
  assert.equal(ids(legacyTasks(TASKS, query('limit=-1&offset=2'))), []);
  // offset -1 is 2^64-1, past the end: nothing; with limit 3 it wraps to end 2, still below it.
  assert.equal(ids(legacyTasks(TASKS, query('offset=-1'))), []);
  assert.equal(ids(legacyTasks(TASKS, query('offset=-1&limit=3'))), []);
});

// ---------------------------------------------------------------------------------------------
// /master/roles.
// ---------------------------------------------------------------------------------------------

const ROLES: master.Response.GetRoles = {
  roles: [
    { name: '*', weight: 1 },
    { name: 'analytics', weight: 1, frameworks: [{ value: 'fw-old' }] },
    { name: 'eng', weight: 2.5, frameworks: [{ value: 'fw-multi' }] },
    { name: 'eng/web', weight: 1, frameworks: [{ value: 'fw-multi' }] },
  ],
};

const QUOTA = {
  configs: [{ role: 'eng', guarantees: { mem: { value: 1024 }, cpus: { value: 2 }, gpus: { value: 0 } }, limits: { cpus: { value: 10 }, gpus: { value: 0 } } }],
};

test('legacyRoles: weight, quota and what the role subtree holds', () => {
  const { roles } = legacyRoles(ROLES, AGENTS, QUOTA);
  assert.equal(roles.map((r) => r.name), ['*', 'analytics', 'eng', 'eng/web']);
  const [star, analytics, eng, web] = roles;
  assert.ok(star && analytics && eng && web);

  // eng's subtree holds: allocated to eng cpus 1 (reserved) + 2 + 0.1 and mem 512; offered to
  // eng/web cpus 1; reserved cpus 4 (eng) and mem 1024 (eng/web). Consumed: reserved plus the
  // unreserved allocation, cpus 4 + 2.1 and mem 1024 + 512. Ports are not scalars: left out.
  assert.equal(eng, {
    name: 'eng',
    weight: 2.5,
    quota: {
      role: 'eng',
      guarantee: { cpus: 2, mem: 1024 }, // sorted, zero dropped
      limit: { cpus: 10, gpus: 0 },
      consumed: { cpus: 6.1, mem: 1536 },
    },
    resources: { cpus: 4.1, mem: 512 },
    allocated: { cpus: 3.1, mem: 512 },
    offered: { cpus: 1 },
    reserved: { cpus: 4, mem: 1024 },
    frameworks: ['fw-multi'],
  });
  assert.equal(Object.keys(eng), ['name', 'weight', 'quota', 'resources', 'allocated', 'offered', 'reserved', 'frameworks']);

  assert.equal(web, {
    name: 'eng/web',
    weight: 1,
    quota: { role: 'eng/web', guarantee: {}, limit: {}, consumed: { mem: 1024 } },
    resources: { cpus: 1 },
    allocated: {},
    offered: { cpus: 1 },
    reserved: { mem: 1024 },
    frameworks: ['fw-multi'],
  });

  // Revocable cpus count as allocated but not towards quota consumption.
  assert.equal(analytics.allocated, { cpus: 1.5 });
  assert.equal(analytics.quota.consumed, { cpus: 0.5 });
  assert.equal(analytics.frameworks, ['fw-old']);

  // `*` is not the parent of top-level roles in Mesos's role tree: its subtree is `*` alone.
  assert.equal(star.allocated, {});
  assert.equal(star.reserved, {});
  assert.equal(star.frameworks, []);
  assertPlainJson(roles);
});

test('legacyRoles: no agents, no quota', () => {
  assert.equal(legacyRoles({ roles: [{ name: 'eng', weight: 1 }] }, {}), {
    roles: [
      {
        name: 'eng',
        weight: 1,
        quota: { role: 'eng', guarantee: {}, limit: {}, consumed: {} },
        resources: {},
        allocated: {},
        offered: {},
        reserved: {},
        frameworks: [],
      },
    ],
  });
  assert.equal(legacyRoles({}, {}), { roles: [] });
  const infinite = legacyRoles({ roles: [{ name: 'eng', weight: 1 }] }, {}, { configs: [{ role: 'eng', limits: { cpus: { value: Infinity } } }] });
  assert.equal(infinite.roles[0]!.quota.limit, { cpus: 'Infinity' });
  assertPlainJson(infinite);
});

test.run();

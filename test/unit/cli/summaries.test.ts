// The documents mesosctl prints (lib/cli/summaries.ts) and the explanation for people
// (lib/cli/explain.ts), from operator-API answers built here: agent and framework states, usage
// per kind, reservations by role, cluster totals, roles joined with weights and quota.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { explainDocument, explainLines } from '../../../lib/cli/explain.ts';
import {
  agentState, agentSummaries, agentSummary, clusterStatus, frameworkRoles, frameworkSummaries, masterAddress, quotaSummaries,
  reservedByRole, reservedTextByRole, roleSummaries,
} from '../../../lib/cli/summaries.ts';
import type * as master from '../../../lib/types/master.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

type Agent = master.Response.GetAgents.Agent;
type Framework = master.Response.GetFrameworks.Framework;

const scalar = (name: string, value: number, role?: string): v1.Resource => ({
  name, type: 'SCALAR', scalar: { value }, ...(role === undefined ? {} : { reservations: [{ type: 'DYNAMIC', role }] }),
});
const ports = (begin: number, end: number, role?: string): v1.Resource => ({
  name: 'ports', type: 'RANGES', ranges: { range: [{ begin, end }] }, ...(role === undefined ? {} : { reservations: [{ type: 'DYNAMIC', role }] }),
});

function agent(id: string, fields: Partial<Agent> = {}): Agent {
  return {
    agent_info: { hostname: `host-${id}`, port: 5051, id: { value: id } },
    active: true,
    deactivated: false,
    version: '1.11.0',
    pid: `slave(1)@10.0.0.${id.length}:5051`,
    registered_time: { nanoseconds: 1_767_225_600_000_000_000 },
    total_resources: [scalar('cpus', 4), scalar('mem', 2048), scalar('disk', 4096), ports(31000, 31100)],
    ...fields,
  };
}

function framework(id: string, fields: Partial<Framework> = {}, info: Partial<v1.FrameworkInfo> = {}): Framework {
  return {
    framework_info: { user: 'alice', name: `fw-${id}`, id: { value: id }, ...info },
    active: true,
    connected: true,
    recovered: false,
    registered_time: { nanoseconds: 1_767_225_600_000_000_000 },
    ...fields,
  };
}

function task(id: string, frameworkId: string, agentId: string, state: v1.TaskState): v1.Task {
  return { name: id, task_id: { value: id }, framework_id: { value: frameworkId }, agent_id: { value: agentId }, state };
}

test('agentState: a drain first, then deactivation, then the link', () => {
  assert.is(agentState(agent('a')), 'active');
  assert.is(agentState(agent('a', { active: false, deactivated: true })), 'deactivated');
  assert.is(agentState(agent('a', { active: false, deactivated: false })), 'disconnected');
  const drain = (state: v1.DrainState): v1.DrainInfo => ({ state, config: {} });
  assert.is(agentState(agent('a', { active: false, deactivated: true, drain_info: drain('DRAINING') })), 'draining');
  assert.is(agentState(agent('a', { active: false, deactivated: true, drain_info: drain('DRAINED') })), 'drained');
});

test('agentSummary: usage per kind, reservations by role, drain settings, attributes; nulls for what is missing', () => {
  const a = agent('S0', {
    total_resources: [scalar('cpus', 3), scalar('cpus', 1, 'web'), scalar('mem', 2048), ports(31000, 31094), ports(31095, 31099, 'web')],
    allocated_resources: [scalar('cpus', 0.5, 'web'), scalar('mem', 128)],
    offered_resources: [scalar('cpus', 2)],
    drain_info: { state: 'DRAINING', config: { max_grace_period: { nanoseconds: 30e9 }, mark_gone: true } },
    agent_info: {
      hostname: 'h1', port: 5051, id: { value: 'S0' },
      attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }, { name: 'level', type: 'SCALAR', scalar: { value: 2 } }],
    },
  });
  assert.equal(agentSummary(a, 3), {
    id: 'S0',
    hostname: 'h1',
    address: '10.0.0.2:5051',
    state: 'draining',
    version: '1.11.0',
    registered_time: '2026-01-01T00:00:00.000Z',
    resources: { cpus: { total: 4, used: 0.5, offered: 2 }, mem: { total: 2048, used: 128, offered: 0 } },
    reserved: { web: { cpus: 1, ports: 5 } },
    tasks: 3,
    drain: { state: 'DRAINING', max_grace_period_seconds: 30, mark_gone: true },
    attributes: { rack: 'r1', level: '2' },
  });
  const plain = agentSummary(agent('S1', { pid: undefined, registered_time: undefined }), 0);
  assert.is(plain.address, 'host-S1:5051');
  assert.is(plain.registered_time, null);
  assert.is(plain.drain, null);
  assert.equal(reservedTextByRole(a.total_resources), { web: 'cpus:1;ports:[31095-31099]' });
  assert.equal(reservedByRole(undefined), {});
});

test('agentSummaries: in id order, counting only tasks that are not terminal', () => {
  const state: master.Response.GetState = {
    get_agents: { agents: [agent('S1'), agent('S0')] },
    get_tasks: {
      tasks: [task('t1', 'f', 'S0', 'TASK_RUNNING'), task('t2', 'f', 'S0', 'TASK_FINISHED'), task('t3', 'f', 'S1', 'TASK_STAGING')],
    },
  };
  assert.equal(agentSummaries(state).map((a) => [a.id, a.tasks]), [['S0', 1], ['S1', 1]]);
  assert.equal(agentSummaries({}), []);
});

test('frameworkSummaries: states, roles, tasks and usage; completed ones only with all', () => {
  const state: master.Response.GetState = {
    get_frameworks: {
      frameworks: [
        framework('f2', { connected: false, active: false }, { name: 'b', roles: ['web', 'batch'], failover_timeout: 60 }),
        framework('f1', { allocated_resources: [scalar('cpus', 1, 'web')], offers: [{} as v1.Offer], offered_resources: [scalar('mem', 64)] }, { name: 'a', role: 'web' }),
        framework('f3', { connected: false, active: false, recovered: true }, { name: 'c' }),
      ],
      completed_frameworks: [framework('f0', { connected: false, active: false, unregistered_time: { nanoseconds: 1_767_225_660_000_000_000 } }, { name: 'z' })],
    },
    get_tasks: { tasks: [task('t1', 'f1', 'S0', 'TASK_RUNNING'), task('t2', 'f1', 'S0', 'TASK_KILLED')] },
  };
  const live = frameworkSummaries(state, false);
  assert.equal(live.map((f) => [f.id, f.state, f.roles, f.tasks]), [
    ['f1', 'active', ['web'], 1], ['f2', 'disconnected', ['web', 'batch'], 0], ['f3', 'recovered', ['*'], 0],
  ]);
  assert.equal(live[0]!.resources, { used: { cpus: 1 }, offered: { mem: 64 } });
  assert.is(live[0]!.offers, 1);
  assert.is(live[0]!.principal, null);
  assert.is(live[1]!.failover_timeout_seconds, 60);
  const all = frameworkSummaries(state, true);
  assert.equal(all.map((f) => f.state), ['active', 'disconnected', 'recovered', 'completed']);
  assert.is(all[3]!.unregistered_time, '2026-01-01T00:01:00.000Z');
  assert.equal(frameworkRoles({ user: 'u', name: 'n' }), ['*']);
});

test('clusterStatus: the leader, counts by state, tasks by state, resources summed over agents', () => {
  const getMaster: master.Response.GetMaster = {
    master_info: { id: 'm1', ip: 16777343, port: 5050, hostname: 'vm', version: '1.11.0', address: { hostname: 'vm', ip: '127.0.0.1', port: 5050 } },
    start_time: 1_767_225_600,
    elected_time: 1_767_225_601.5,
  };
  const state: master.Response.GetState = {
    get_agents: {
      agents: [
        agent('S0', { allocated_resources: [scalar('cpus', 1)], offered_resources: [scalar('cpus', 0.5), scalar('mem', 512)] }),
        agent('S1', { active: false, deactivated: true, drain_info: { state: 'DRAINED', config: {} } }),
        agent('S2', { active: false }),
      ],
    },
    get_frameworks: { frameworks: [framework('f1'), framework('f2', { connected: false })], completed_frameworks: [framework('f0')] },
    get_tasks: { tasks: [task('t1', 'f1', 'S0', 'TASK_RUNNING'), task('t2', 'f1', 'S0', 'TASK_RUNNING'), task('t3', 'f1', 'S0', 'TASK_KILLED')] },
  };
  const status = clusterStatus('10.0.0.1:5050', getMaster, { version_info: { version: '1.11.0' } }, state);
  assert.equal(status, {
    master: '10.0.0.1:5050',
    leader: {
      id: 'm1', hostname: 'vm', address: '127.0.0.1:5050', version: '1.11.0',
      start_time: '2026-01-01T00:00:00.000Z', elected_time: '2026-01-01T00:00:01.500Z',
    },
    version: '1.11.0',
    agents: { total: 3, active: 1, deactivated: 0, draining: 0, drained: 1, disconnected: 1 },
    frameworks: { total: 2, active: 1, disconnected: 1, recovered: 0, completed: 1 },
    tasks: { TASK_RUNNING: 2, TASK_KILLED: 1 },
    resources: {
      cpus: { total: 12, used: 1, offered: 0.5 },
      mem: { total: 6144, used: 0, offered: 512 },
      disk: { total: 12288, used: 0, offered: 0 },
    },
  });
  assert.is(clusterStatus('x', {}, { version_info: { version: '1' } }, {}).leader, null);
});

test('masterAddress: address, else pid, else the packed IPv4 address', () => {
  assert.is(masterAddress({ id: 'm', ip: 0, port: 5050, address: { ip: '10.1.2.3', port: 5050 } }), '10.1.2.3:5050');
  assert.is(masterAddress({ id: 'm', ip: 0, port: 5050, pid: 'master@10.1.2.4:5051' }), '10.1.2.4:5051');
  // 127.0.0.1 in network byte order, read as a little-endian uint32: 0x0100007f.
  assert.is(masterAddress({ id: 'm', ip: 16777343, port: 5050 }), '127.0.0.1:5050');
});

test('roleSummaries: GET_ROLES joined with weights and quota; roles known only from those are listed too', () => {
  const roles = roleSummaries(
    { roles: [{ name: 'web', weight: 2, frameworks: [{ value: 'f1' }], resources: [scalar('cpus', 1, 'web'), scalar('cpus', 0.5)] }] },
    { configs: [{ role: 'batch', limits: { mem: { value: 1024 }, cpus: { value: 2 } } }] },
    { weight_infos: [{ role: 'web', weight: 2 }, { role: 'ops', weight: 0.5 }] },
  );
  assert.equal(roles, [
    { name: 'batch', weight: 1, frameworks: [], allocated: {}, quota: { guarantees: {}, limits: { cpus: 2, mem: 1024 } } },
    { name: 'ops', weight: 0.5, frameworks: [], allocated: {}, quota: null },
    { name: 'web', weight: 2, frameworks: ['f1'], allocated: { cpus: 1.5 }, quota: null },
  ]);
  assert.equal(quotaSummaries({ configs: [{ role: 'b', guarantees: { cpus: { value: 1 } } }, { role: 'a' }] }), [
    { role: 'a', guarantees: {}, limits: {} }, { role: 'b', guarantees: { cpus: 1 }, limits: {} },
  ]);
});

const EXPLANATION: master.Response.ExplainAllocation = {
  framework_id: { value: 'f1' },
  role: 'web',
  share: 0.25,
  rank: 0,
  role_share: 0.5,
  role_rank: 1,
  weight: 2,
  active: true,
  suppressed: false,
  filters: 2,
  filtered_agents: 1,
  quota_role: 'web',
  quota_limit: { cpus: 2 },
  quota_consumed: { cpus: 2, mem: 1024 },
  candidates: 3,
  skips: { GPU: 0, NOTHING_LEFT: 1, LIMIT: 2, MIN_ALLOCATABLE: 0, FILTERED: 0 },
  reason: 'LIMIT',
  message: "The role's quota limit is reached: unreserved resources are held back.",
};

test('explainLines: every figure for people, the reason with its sentence, and a hint', () => {
  assert.equal(explainLines(EXPLANATION, { offers: 1, offered: { cpus: 1, mem: 512 } }), [
    ['Framework', 'f1'],
    ['Role', 'web (weight 2)'],
    ['Share', '25% of the role, rank #1 among its frameworks'],
    ['Role share', '50%, rank #2 among roles'],
    ['Active', 'yes'],
    ['Suppressed', 'no'],
    ['Filters', '2 covering 1 agent'],
    ['Quota', 'role web: guarantee -, limit cpus:2, consumed cpus:2;mem:1024'],
    ['Offered', 'nothing in the last cycle'],
    ['Holding', '1 offer (cpus 1, mem 512MB)'],
    ['Last cycle', '3 candidate agents, skipped: NOTHING_LEFT 1, LIMIT 2'],
    ['Reason', "LIMIT: The role's quota limit is reached: unreserved resources are held back."],
    ['Hint', "Raise the role's limit with 'mesosctl quota set <role> --limit ...', or remove it with 'mesosctl quota remove <role>'."],
  ]);
  const offered = explainLines({
    ...EXPLANATION, rank: -1, suppressed_roles: ['batch'], quota_limit: {}, offered: { cpus: 1 }, reason: 'OFFERED', message: 'Offered.',
  });
  const line = (label: string): string | undefined => offered.find(([l]) => l === label)?.[1];
  assert.is(line('Share'), '25% of the role, rank - among its frameworks');
  assert.is(line('Suppressed'), 'no (suppressed roles: batch)');
  assert.is(line('Quota'), 'none (role web: consumed cpus:2;mem:1024)');
  assert.is(line('Offered'), 'cpus 1 in the last cycle');
  assert.is(line('Holding'), undefined);
  assert.is(line('Hint'), undefined, 'no hint for a framework that was offered something');
});

test('explainDocument: the message in Mesos JSON with empty maps and lists written out', () => {
  const doc = explainDocument({ ...EXPLANATION, skips: {}, quota_consumed: {} });
  assert.equal(doc['framework_id'], { value: 'f1' });
  assert.equal(doc['suppressed_roles'], []);
  assert.equal(doc['quota_guarantee'], {});
  assert.equal(doc['quota_limit'], { cpus: 2 });
  assert.equal(doc['quota_consumed'], {});
  assert.equal(doc['offered'], {});
  assert.equal(doc['skips'], {});
  assert.is(doc['rank'], 0);
  assert.is(doc['reason'], 'LIMIT');
  assert.is(explainDocument({ ...EXPLANATION, rank: -1 })['rank'], -1);
});

test.run();

// The master's operator API, read side (issue 7, mesos-api.md section 3): every GET_* call of
// master.proto and the legacy v0 endpoints, against a real master whose framework has a running
// task (with a custom executor), a finished one and a killed one, both acknowledged; the
// `/metrics/snapshot` figures and their Prometheus twins in a scenario whose values are known; and
// the SUBSCRIBE event stream, whose events must arrive in the order the changes happened.
//
// Field names are master.proto's (v1) and readonly_handler.cpp's (v0); values are checked against
// what the test did, not against what the master happened to answer.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as master from '../../../lib/types/master.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { FAST_FLAGS, startMaster, withCleanup, type Cleanup, type MasterProcess } from '../../helpers/master-process.ts';
import { OperatorClient, describeMasterEvent, quantities } from '../../helpers/operator-client.ts';
import {
  eventually, frameworkInfo, resourcesOf, scalarOf, subscribe, taskFor, type SchedulerClient,
} from '../../helpers/scheduler-client.ts';
import { TestAgent } from '../../helpers/test-agent.ts';

/** Brings a launched task to `state` (acknowledged up to the agent). */
async function report(fw: SchedulerClient, agent: TestAgent, taskId: string, state: v1.TaskState): Promise<void> {
  const sent = agent.sendStatus(fw.frameworkId, taskId, state);
  await fw.acknowledge(await fw.nextUpdate(taskId, state));
  await agent.waitForAck(sent);
}

/** A millisecond pause, so that consecutive status timestamps (milliseconds) differ. */
const nextMillisecond = () => new Promise((r) => setTimeout(r, 3));

interface Scenario {
  master: MasterProcess;
  agent: TestAgent;
  fw: SchedulerClient;
  op: OperatorClient;
  /** The offer the framework holds at the end: the agent's resources that no task uses. */
  held: v1.Offer;
}

const EXECUTOR: v1.ExecutorInfo = {
  executor_id: { value: 'exec-run' },
  name: 'the executor of run',
  command: { value: 'exec', shell: true },
  resources: resourcesOf('cpus:0.1;mem:32'),
};

/**
 * One agent (cpus:4;mem:4096;disk:10000;ports:[31000-32000]) and a MULTI_ROLE framework in role
 * `web` (weight 2 from --weights) that launched three tasks of cpus:0.5;mem:64 each:
 *   run  RUNNING, with the custom executor exec-run (cpus:0.1;mem:32);
 *   fin  RUNNING then FINISHED, acknowledged;
 *   kil  RUNNING then KILLED by the framework's KILL, acknowledged.
 * Statuses are reported in that order, so the first status timestamps rise run < fin < kil. The
 * framework ends holding one offer of what is left: cpus 4 - 0.5 - 0.1 = 3.4, mem 4096 - 64 - 32 = 4000.
 */
async function scenario(t: Cleanup): Promise<Scenario> {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, weights: 'web=2' } });
  const agent = await TestAgent.start(t, master);
  const fw = await subscribe(t, master, frameworkInfo({ name: 'state test', roles: ['web'], capabilities: ['MULTI_ROLE'] }));
  const [offer] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  const { command: _command, ...withoutCommand } = taskFor(offer!, 'run', 'cpus:0.5;mem:64');
  await fw.launch(offer!, [
    { ...withoutCommand, executor: { ...EXECUTOR, resources: resourcesOf('cpus:0.1;mem:32', 'web') } },
    taskFor(offer!, 'fin', 'cpus:0.5;mem:64'),
    taskFor(offer!, 'kil', 'cpus:0.5;mem:64'),
  ], { refuse_seconds: 0 });
  for (const id of ['run', 'fin', 'kil']) await agent.nextRunTask(id);
  for (const id of ['run', 'fin', 'kil']) {
    await report(fw, agent, id, 'TASK_RUNNING');
    await nextMillisecond();
  }
  await report(fw, agent, 'fin', 'TASK_FINISHED');
  await fw.kill('kil', agent.agentId);
  await agent.waitFor((e) => e.type === 'KILL_TASK' && e.kill_task?.task_id.value === 'kil', undefined, 'KILL_TASK for kil');
  await report(fw, agent, 'kil', 'TASK_KILLED');
  // Freed resources come back as offers of their own while older offers are held. Decline every
  // offer held at once, until the framework holds one offer of everything no task uses: what the
  // master must then show as offered.
  const offersQueued = () => fw.events.discard((e) => e.type === 'OFFERS').flatMap((e) => e.offers?.offers ?? []);
  let pending = offersQueued();
  let held: v1.Offer;
  for (;;) {
    if (pending.length === 1 && Math.abs(scalarOf(pending[0]!.resources, 'cpus') - 3.4) < 1e-9) {
      held = pending[0]!;
      break;
    }
    if (pending.length > 0) await fw.decline(pending, 0);
    pending = [...(await fw.nextOffers()), ...offersQueued()];
  }
  return { master, agent, fw, op: new OperatorClient(master), held };
}

/** A response has exactly `type` and its one payload key, as master.proto's Response does. */
function assertShape(response: master.Response, type: master.Response.Type): void {
  const payload = type.toLowerCase();
  const keys = Object.keys(response).sort();
  assert.equal(keys, ['type', payload].sort(), `${type}: keys ${keys.join(', ')}`);
  assert.is(response.type, type);
}

function scalars(resources: readonly v1.Resource[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of resources ?? []) if (r.type === 'SCALAR') out[r.name] = Math.round(((out[r.name] ?? 0) + (r.scalar?.value ?? 0)) * 1000) / 1000;
  return out;
}

function lastState(task: v1.Task): v1.TaskState | undefined {
  return task.statuses?.at(-1)?.state;
}

test('every GET_* call answers master.proto\'s Response with the running, finished and killed tasks', withCleanup(async (t) => {
  const { master, agent, fw, op, held } = await scenario(t);
  const frameworkId = fw.frameworkId;
  const agentId = agent.agentId;

  const health = await op.get('GET_HEALTH');
  assertShape(health, 'GET_HEALTH');
  assert.equal(health.get_health, { healthy: true });

  const flags = await op.get('GET_FLAGS');
  assertShape(flags, 'GET_FLAGS');
  const flagMap = new Map((flags.get_flags!.flags ?? []).map((f) => [f.name, f.value]));
  assert.is(flagMap.get('allocation_interval'), '50ms');
  assert.is(flagMap.get('weights'), 'web=2');
  assert.is(flagMap.get('port'), '0', 'the flags as given on the command line');

  const version = await op.get('GET_VERSION');
  assertShape(version, 'GET_VERSION');
  assert.match(version.get_version!.version_info.version, /^\d+\.\d+\.\d+/);

  const metrics = await op.get('GET_METRICS');
  assertShape(metrics, 'GET_METRICS');
  const metricMap = new Map((metrics.get_metrics!.metrics ?? []).map((m) => [m.name, m.value]));
  assert.is(metricMap.get('master/elected'), 1);
  assert.is(metricMap.get('master/tasks_running'), 1);

  const logging = await op.get('GET_LOGGING_LEVEL');
  assertShape(logging, 'GET_LOGGING_LEVEL');
  assert.type(logging.get_logging_level!.level, 'number');

  // GET_TASKS: the running task in `tasks`, the two acknowledged terminal ones in `completed_tasks`.
  const tasksResponse = await op.get('GET_TASKS');
  assertShape(tasksResponse, 'GET_TASKS');
  const tasks = tasksResponse.get_tasks!;
  assert.equal((tasks.tasks ?? []).map((task) => `${task.task_id.value}:${task.state}`), ['run:TASK_RUNNING']);
  assert.equal((tasks.completed_tasks ?? []).map((task) => `${task.task_id.value}:${task.state}`).sort(), ['fin:TASK_FINISHED', 'kil:TASK_KILLED']);
  assert.equal(tasks.unreachable_tasks ?? [], []);
  for (const task of [...tasks.tasks!, ...tasks.completed_tasks!]) {
    assert.is(task.framework_id.value, frameworkId);
    assert.is(task.agent_id.value, agentId);
    assert.equal(scalars(task.resources), { cpus: 0.5, mem: 64 }, `resources of ${task.task_id.value}`);
    assert.is(lastState(task), task.state, `the last status of ${task.task_id.value} is its state`);
    assert.is(task.name, `task ${task.task_id.value}`);
  }
  const run = tasks.tasks![0]!;
  assert.is(run.executor_id?.value, 'exec-run');
  assert.equal(tasks.completed_tasks!.find((task) => task.task_id.value === 'kil')!.statuses!.map((s) => s.state), ['TASK_RUNNING', 'TASK_KILLED']);

  const executors = await op.get('GET_EXECUTORS');
  assertShape(executors, 'GET_EXECUTORS');
  assert.is(executors.get_executors!.executors?.length, 1);
  const executor = executors.get_executors!.executors![0]!;
  assert.is(executor.executor_info.executor_id.value, 'exec-run');
  assert.is(executor.executor_info.name, 'the executor of run');
  assert.is(executor.agent_id.value, agentId);

  // GET_AGENTS: total, allocated (the running task and its executor) and offered (the held offer).
  const agentsResponse = await op.get('GET_AGENTS');
  assertShape(agentsResponse, 'GET_AGENTS');
  const agents = agentsResponse.get_agents!;
  assert.is(agents.agents?.length, 1);
  assert.equal(agents.recovered_agents ?? [], []);
  const agentView = agents.agents![0]!;
  assert.is(agentView.agent_info.id?.value, agentId);
  assert.is(agentView.agent_info.hostname, 'localhost');
  assert.is(agentView.active, true);
  assert.is(agentView.deactivated, false);
  assert.is(agentView.drain_info, undefined);
  assert.is(agentView.pid, 'slave(1)@127.0.0.1:5051');
  assert.ok((agentView.registered_time?.nanoseconds ?? 0) > 0, 'registered_time in nanoseconds');
  assert.equal(scalars(agentView.total_resources), { cpus: 4, mem: 4096, disk: 10000 });
  assert.equal(scalars(agentView.allocated_resources), { cpus: 0.6, mem: 96 });
  assert.equal(scalars(agentView.offered_resources), scalars(held.resources));
  for (const r of agentView.allocated_resources ?? []) assert.equal(r.allocation_info, { role: 'web' });
  assert.equal((agentView.capabilities ?? []).map((c) => c.type), ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);

  // GET_FRAMEWORKS: active and connected, with its offer and its allocation.
  const frameworksResponse = await op.get('GET_FRAMEWORKS');
  assertShape(frameworksResponse, 'GET_FRAMEWORKS');
  const frameworks = frameworksResponse.get_frameworks!;
  assert.is(frameworks.frameworks?.length, 1);
  assert.equal(frameworks.completed_frameworks ?? [], []);
  const frameworkView = frameworks.frameworks![0]!;
  assert.is(frameworkView.framework_info.id?.value, frameworkId);
  assert.is(frameworkView.framework_info.name, 'state test');
  assert.equal(frameworkView.framework_info.roles, ['web']);
  assert.is(frameworkView.active, true);
  assert.is(frameworkView.connected, true);
  assert.is(frameworkView.recovered, false);
  assert.ok((frameworkView.registered_time?.nanoseconds ?? 0) > 0);
  assert.equal((frameworkView.offers ?? []).map((o) => o.id.value), [held.id.value]);
  assert.is(frameworkView.offers![0]!.agent_id.value, agentId);
  assert.equal(scalars(frameworkView.offered_resources), scalars(held.resources));
  assert.equal(scalars(frameworkView.allocated_resources), { cpus: 0.6, mem: 96 });

  // GET_STATE is the four calls above in one.
  const state = await op.get('GET_STATE');
  assertShape(state, 'GET_STATE');
  assert.equal(Object.keys(state.get_state!).sort(), ['get_agents', 'get_executors', 'get_frameworks', 'get_tasks']);
  assert.equal(state.get_state!.get_tasks, tasks);
  assert.equal(state.get_state!.get_executors, executors.get_executors);
  assert.equal(state.get_state!.get_agents, agents);
  assert.equal(state.get_state!.get_frameworks, frameworks);

  const roles = await op.get('GET_ROLES');
  assertShape(roles, 'GET_ROLES');
  const web = roles.get_roles!.roles?.find((r) => r.name === 'web');
  assert.ok(web, `role web in ${JSON.stringify(roles.get_roles)}`);
  assert.is(web!.weight, 2, 'the --weights flag');
  assert.equal((web!.frameworks ?? []).map((id) => id.value), [frameworkId]);
  assert.is(scalars(web!.resources).cpus! >= 0.6, true, 'the role holds at least what its tasks use');

  const masterResponse = await op.get('GET_MASTER');
  assertShape(masterResponse, 'GET_MASTER');
  const masterView = masterResponse.get_master!;
  assert.is(masterView.master_info?.port, master.port);
  assert.is(masterView.master_info?.address?.ip, '127.0.0.1');
  assert.is(masterView.master_info?.pid, `master@127.0.0.1:${master.port}`);
  assert.ok(agentId.startsWith(`${masterView.master_info!.id}-S`), 'agent ids start with the master id');
  assert.ok((masterView.start_time ?? 0) > 0, 'start_time in seconds');
  assert.ok((masterView.elected_time ?? 0) >= masterView.start_time!, 'elected at or after the start');

  const weights = await op.get('GET_WEIGHTS');
  assertShape(weights, 'GET_WEIGHTS');
  assert.equal(weights.get_weights!.weight_infos, [{ role: 'web', weight: 2 }]);

  const noQuota = await op.get('GET_QUOTA');
  assertShape(noQuota, 'GET_QUOTA');
  assert.equal(noQuota.get_quota!.status.configs ?? [], []);
  await op.updateQuota([{ role: 'batch', limits: quantities({ cpus: 2, mem: 1024 }) }]);
  assert.equal((await op.get('GET_QUOTA')).get_quota!.status.configs, [{ role: 'batch', limits: quantities({ cpus: 2, mem: 1024 }) }]);

  const schedule = await op.get('GET_MAINTENANCE_SCHEDULE');
  assertShape(schedule, 'GET_MAINTENANCE_SCHEDULE');
  assert.equal(schedule.get_maintenance_schedule!.schedule, {});
  const maintenance = await op.get('GET_MAINTENANCE_STATUS');
  assertShape(maintenance, 'GET_MAINTENANCE_STATUS');
  assert.equal(maintenance.get_maintenance_status!.status.draining_machines ?? [], []);
  assert.equal(maintenance.get_maintenance_status!.status.down_machines ?? [], []);

  // The actor-prefixed path reaches the same handler.
  const prefixed = await op.call({ type: 'GET_HEALTH' }, { path: '/master/api/v1' });
  assert.is(prefixed.status, 200);
  assert.equal(prefixed.response, { type: 'GET_HEALTH', get_health: { healthy: true } });
}));

// ---------------------------------------------------------------------------------------------
// Legacy endpoints

interface V0Task {
  id: string; name: string; framework_id: string; executor_id: string; slave_id: string; state: string;
  resources: Record<string, number | string>; role: string; statuses: { state: string; timestamp: number }[];
}
interface V0Framework {
  id: string; name: string; active: boolean; connected: boolean; recovered: boolean; user: string; roles?: string[];
  used_resources: Record<string, number | string>; offered_resources: Record<string, number | string>;
  resources: Record<string, number | string>; capabilities: string[]; hostname: string; webui_url: string;
  failover_timeout: number; checkpoint: boolean; registered_time: number; unregistered_time: number;
  tasks: V0Task[]; completed_tasks: V0Task[]; unreachable_tasks: V0Task[];
  offers: { id: string; framework_id: string; slave_id: string; resources: Record<string, number | string> }[];
  executors: { executor_id: string; framework_id: string; slave_id: string }[];
}
interface V0Agent {
  id: string; hostname: string; port: number; pid: string; registered_time: number; attributes: object;
  resources: Record<string, number | string>; used_resources: Record<string, number | string>;
  offered_resources: Record<string, number | string>; reserved_resources: Record<string, unknown>;
  unreserved_resources: Record<string, number | string>; active: boolean; deactivated: boolean; version: string; capabilities: string[];
}

test('legacy endpoints: /master/state, /state-summary, /frameworks, /slaves, /roles, /weights, /quota, /flags and ?jsonp=', withCleanup(async (t) => {
  const { master, agent, fw, op, held } = await scenario(t);
  const frameworkId = fw.frameworkId;
  const agentId = agent.agentId;
  const masterInfo = (await op.get('GET_MASTER')).get_master!.master_info!;

  const state = await op.getJson<Record<string, unknown> & { slaves: V0Agent[]; frameworks: V0Framework[]; completed_frameworks: unknown[] }>('/master/state');
  for (const key of [
    'version', 'build_date', 'build_time', 'build_user', 'start_time', 'elected_time', 'id', 'pid', 'hostname', 'capabilities',
    'activated_slaves', 'deactivated_slaves', 'unreachable_slaves', 'leader', 'leader_info', 'flags', 'slaves', 'recovered_slaves',
    'frameworks', 'completed_frameworks', 'orphan_tasks', 'unregistered_frameworks',
  ]) assert.ok(key in state, `/master/state has '${key}'`);
  assert.is(state['id'], masterInfo.id);
  assert.is(state['pid'], `master@127.0.0.1:${master.port}`);
  assert.is(state['leader'], state['pid'], 'this master leads');
  assert.is((state['leader_info'] as { port: number }).port, master.port);
  assert.is(state['activated_slaves'], 1);
  assert.is(state['deactivated_slaves'], 0);
  assert.is(state['unreachable_slaves'], 0);
  assert.is((state['flags'] as Record<string, string>)['weights'], 'web=2');
  assert.equal(state['orphan_tasks'], []);
  assert.equal(state['unregistered_frameworks'], []);
  assert.equal(state.completed_frameworks, []);

  // The agent in v0 naming, with flattened resources.
  assert.is(state.slaves.length, 1);
  const slave = state.slaves[0]!;
  assert.is(slave.id, agentId);
  assert.is(slave.hostname, 'localhost');
  assert.is(slave.port, 5051);
  assert.is(slave.pid, 'slave(1)@127.0.0.1:5051');
  assert.equal(slave.resources, { cpus: 4, disk: 10000, gpus: 0, mem: 4096, ports: '[31000-32000]' });
  assert.equal(slave.used_resources, { cpus: 0.6, disk: 0, gpus: 0, mem: 96 });
  assert.is(slave.offered_resources['cpus'], 3.4);
  assert.equal(slave.reserved_resources, {});
  assert.equal(slave.unreserved_resources, slave.resources);
  assert.is(slave.active, true);
  assert.is(slave.deactivated, false);

  // The framework with its tasks, completed tasks, offer and executor.
  assert.is(state.frameworks.length, 1);
  const framework = state.frameworks[0]!;
  assert.is(framework.id, frameworkId);
  assert.is(framework.name, 'state test');
  assert.is(framework.user, 'mesos-ts-test');
  assert.equal(framework.roles, ['web']);
  assert.is(framework.active, true);
  assert.is(framework.connected, true);
  assert.is(framework.recovered, false);
  assert.equal(framework.capabilities, ['MULTI_ROLE']);
  assert.equal(framework.used_resources, { cpus: 0.6, disk: 0, gpus: 0, mem: 96 });
  assert.is(framework.offered_resources['cpus'], 3.4);
  assert.is(framework.resources['cpus'], 4, 'resources = used + offered');
  assert.equal(framework.tasks.map((task) => `${task.id}:${task.state}`), ['run:TASK_RUNNING']);
  assert.equal(framework.completed_tasks.map((task) => `${task.id}:${task.state}`).sort(), ['fin:TASK_FINISHED', 'kil:TASK_KILLED']);
  assert.equal(framework.unreachable_tasks, []);
  const v0Run = framework.tasks[0]!;
  assert.equal(
    { ...v0Run, statuses: v0Run.statuses.map((s) => s.state) },
    {
      id: 'run', name: 'task run', framework_id: frameworkId, executor_id: 'exec-run', slave_id: agentId, state: 'TASK_RUNNING',
      resources: { cpus: 0.5, disk: 0, gpus: 0, mem: 64 }, role: 'web', statuses: ['TASK_RUNNING'],
    },
  );
  assert.equal(framework.offers.map((o) => o.id), [held.id.value]);
  assert.is(framework.offers[0]!.slave_id, agentId);
  assert.is(framework.offers[0]!.framework_id, frameworkId);
  assert.equal(framework.executors.map((e) => [e.executor_id, e.framework_id, e.slave_id]), [['exec-run', frameworkId, agentId]]);

  // The unprefixed path serves the same document.
  assert.is((await op.getJson<{ id: string }>('/state')).id, masterInfo.id);

  // ?jsonp=cb wraps the same JSON as text/javascript.
  const jsonp = await op.http('/master/state', { jsonp: 'cb' });
  assert.is(jsonp.status, 200);
  assert.match(String(jsonp.headers['content-type']), /^text\/javascript/);
  const wrapped = /^cb\(([\s\S]*)\);$/.exec(jsonp.body);
  assert.ok(wrapped, `a JSONP body: ${jsonp.body.slice(0, 100)}`);
  assert.is((JSON.parse(wrapped![1]!) as { id: string }).id, masterInfo.id);

  // /master/state-summary: counts per state, on the agent and on the framework.
  const summary = await op.getJson<{ hostname: string; slaves: Record<string, unknown>[]; frameworks: Record<string, unknown>[] }>('/master/state-summary');
  assert.is(summary.hostname, masterInfo.hostname);
  const counts = (o: Record<string, unknown>) => ({
    TASK_RUNNING: o['TASK_RUNNING'], TASK_FINISHED: o['TASK_FINISHED'], TASK_KILLED: o['TASK_KILLED'], TASK_FAILED: o['TASK_FAILED'], TASK_STAGING: o['TASK_STAGING'],
  });
  const expectedCounts = { TASK_RUNNING: 1, TASK_FINISHED: 1, TASK_KILLED: 1, TASK_FAILED: 0, TASK_STAGING: 0 };
  assert.is(summary.slaves.length, 1);
  assert.equal(counts(summary.slaves[0]!), expectedCounts);
  assert.equal(summary.slaves[0]!['framework_ids'], [frameworkId]);
  assert.is(summary.frameworks.length, 1);
  assert.equal(counts(summary.frameworks[0]!), expectedCounts);
  assert.equal(summary.frameworks[0]!['slave_ids'], [agentId]);
  assert.is(summary.frameworks[0]!['id'], frameworkId);

  // /master/frameworks, whole and filtered.
  const frameworks = await op.getJson<{ frameworks: V0Framework[]; completed_frameworks: unknown[]; unregistered_frameworks: unknown[] }>('/master/frameworks');
  assert.equal(frameworks.frameworks.map((f) => f.id), [frameworkId]);
  assert.equal(frameworks.completed_frameworks, []);
  assert.equal(frameworks.unregistered_frameworks, []);
  assert.equal(frameworks.frameworks[0], framework, '/master/frameworks shows the framework as /master/state does');
  assert.equal((await op.getJson<{ frameworks: unknown[] }>('/master/frameworks', { framework_id: frameworkId })).frameworks.length, 1);
  assert.equal((await op.getJson<{ frameworks: unknown[] }>('/master/frameworks', { framework_id: 'someone-else' })).frameworks, []);

  // /master/slaves adds the full (proto JSON) resources and filters by slave_id.
  const slaves = await op.getJson<{ slaves: (V0Agent & Record<string, unknown>)[]; recovered_slaves: unknown[] }>('/master/slaves');
  assert.is(slaves.slaves.length, 1);
  assert.equal(slaves.recovered_slaves, []);
  const full = slaves.slaves[0]!;
  assert.is(full.id, agentId);
  assert.equal(scalars(full['used_resources_full'] as v1.Resource[]), { cpus: 0.6, mem: 96 });
  assert.equal(scalars(full['unreserved_resources_full'] as v1.Resource[]), { cpus: 4, mem: 4096, disk: 10000 });
  assert.equal(full['reserved_resources_full'], {});
  assert.is(scalars(full['offered_resources_full'] as v1.Resource[]).cpus, 3.4);
  assert.is((await op.getJson<{ slaves: unknown[] }>('/master/slaves', { slave_id: agentId })).slaves.length, 1);
  assert.equal((await op.getJson<{ slaves: unknown[] }>('/master/slaves', { slave_id: `${agentId}0` })).slaves, []);

  // /master/roles: weight, quota (none), allocation and offers of role web.
  const roles = await op.getJson<{ roles: Record<string, unknown>[] }>('/master/roles');
  const web = roles.roles.find((r) => r['name'] === 'web');
  assert.ok(web, JSON.stringify(roles));
  assert.is(web!['weight'], 2);
  assert.equal(web!['frameworks'], [frameworkId]);
  assert.equal(web!['allocated'], { cpus: 0.6, mem: 96 });
  assert.is((web!['offered'] as Record<string, number>)['cpus'], 3.4);
  assert.equal(web!['reserved'], {});
  assert.equal((web!['quota'] as Record<string, unknown>)['guarantee'], {});
  assert.equal((web!['quota'] as Record<string, unknown>)['limit'], {});

  // Weights at both paths; quota; flags; maintenance.
  assert.equal(await op.getJson('/weights'), [{ role: 'web', weight: 2 }]);
  assert.equal(await op.getJson('/master/weights'), [{ role: 'web', weight: 2 }]);
  assert.equal(await op.getJson('/quota'), {});
  await op.updateQuota([{ role: 'batch', guarantees: quantities({ cpus: 1 }), limits: quantities({ cpus: 2 }) }]);
  assert.equal(await op.getJson('/quota'), { configs: [{ role: 'batch', guarantees: quantities({ cpus: 1 }), limits: quantities({ cpus: 2 }) }] });
  const batch = (await op.getJson<{ roles: Record<string, unknown>[] }>('/master/roles')).roles.find((r) => r['name'] === 'batch');
  assert.equal(batch?.['quota'], { role: 'batch', guarantee: { cpus: 1 }, limit: { cpus: 2 }, consumed: {} });
  assert.is((await op.getJson<{ flags: Record<string, string> }>('/flags')).flags['allocation_interval'], '50ms');
  assert.equal(await op.getJson('/master/maintenance/schedule'), {});
  assert.equal(await op.getJson('/master/maintenance/status'), { draining_machines: [], down_machines: [] });
  const weightsJsonp = await op.http('/master/weights', { jsonp: 'angular.callbacks._1' });
  assert.is(weightsJsonp.body, 'angular.callbacks._1([{"role":"web","weight":2}]);');
}));

test('/master/tasks: limit, offset, order, framework_id and task_id', withCleanup(async (t) => {
  const { fw, op } = await scenario(t);
  const ids = async (query: Record<string, string | number> = {}) =>
    (await op.getJson<{ tasks: V0Task[] }>('/master/tasks', query)).tasks.map((task) => task.id);
  // Sorted by the first status's timestamp, newest first by default: kil, fin, run.
  assert.equal(await ids(), ['kil', 'fin', 'run']);
  assert.equal(await ids({ order: 'des' }), ['kil', 'fin', 'run']);
  assert.equal(await ids({ order: 'asc' }), ['run', 'fin', 'kil']);
  assert.equal(await ids({ limit: 1 }), ['kil']);
  assert.equal(await ids({ limit: 2, offset: 1 }), ['fin', 'run']);
  assert.equal(await ids({ limit: 1, offset: 1, order: 'asc' }), ['fin']);
  assert.equal(await ids({ offset: 3 }), []);
  assert.equal(await ids({ framework_id: fw.frameworkId, order: 'asc' }), ['run', 'fin', 'kil']);
  assert.equal(await ids({ framework_id: 'someone-else' }), []);
  assert.equal(await ids({ task_id: 'fin' }), ['fin']);
  assert.equal(await ids({ task_id: 'nope' }), []);
  const [fin] = (await op.getJson<{ tasks: V0Task[] }>('/master/tasks', { task_id: 'fin' })).tasks;
  assert.is(fin!.state, 'TASK_FINISHED');
  assert.equal(fin!.statuses.map((s) => s.state), ['TASK_RUNNING', 'TASK_FINISHED']);
  assert.is(fin!.framework_id, fw.frameworkId);
}));

// ---------------------------------------------------------------------------------------------
// Metrics

test('/metrics/snapshot and /metrics (Prometheus) report the scenario\'s figures', withCleanup(async (t) => {
  // An agent that stops answering pings is unreachable after 3 missed 300 ms pings.
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, agent_ping_timeout: '300ms', max_agent_ping_timeouts: 3 } });
  const op = new OperatorClient(master);
  const agent = await TestAgent.start(t, master);
  const away = await TestAgent.start(t, master, { hostname: 'away.test', resources: 'cpus:2;mem:1024' });
  const fw = await subscribe(t, master, frameworkInfo());
  const snapshot = () => op.getJson<Record<string, number>>('/metrics/snapshot');

  // `away` goes silent and becomes unreachable.
  away.answerPings = false;
  await eventually(async () => ((await snapshot())['master/slaves_unreachable'] === 1 ? true : undefined), 'master/slaves_unreachable 1');

  const onAgent = (o: v1.Offer) => o.agent_id.value === agent.agentId;
  const offer = (await fw.nextOffers(undefined, onAgent)).find(onAgent)!;
  await fw.launch(offer, [taskFor(offer, 't1', 'cpus:1;mem:256')], { refuse_seconds: 3600 });
  await agent.nextRunTask('t1');
  await report(fw, agent, 't1', 'TASK_RUNNING');

  const running = await snapshot();
  assert.is(running['master/elected'], 1);
  // Ours: the event loop's lag, in milliseconds, never negative.
  for (const name of ['master/event_loop_delay_ms/p50', 'master/event_loop_delay_ms/p99', 'master/event_loop_delay_ms/max']) {
    assert.ok(typeof running[name] === 'number' && running[name]! >= 0, `${name}: ${running[name]}`);
  }
  assert.ok(running['master/uptime_secs']! > 0, `uptime ${running['master/uptime_secs']}`);
  assert.is(running['master/slaves_active'], 1);
  assert.is(running['master/slaves_inactive'], 0);
  assert.is(running['master/slaves_unreachable'], 1);
  assert.is(running['master/frameworks_active'], 1);
  assert.is(running['master/frameworks_connected'], 1);
  assert.is(running['master/tasks_running'], 1);
  assert.is(running['master/tasks_staging'], 0);
  assert.is(running['master/tasks_finished'], 0);
  assert.is(running['master/cpus_total'], 4, 'the unreachable agent no longer counts');
  assert.is(running['master/mem_total'], 4096);
  assert.is(running['master/cpus_used'], 1);
  assert.is(running['master/mem_used'], 256);
  assert.is(running['master/cpus_offered'], 0, 'the rest of the agent is filtered for an hour');
  assert.ok(running['allocator/mesos/allocation_runs']! > 0);
  for (const key of ['allocator/mesos/allocation_run_ms', 'allocator/mesos/allocation_run_ms/count', 'allocator/mesos/allocation_run_ms/p50', 'allocator/mesos/allocation_run_ms/p99']) {
    assert.type(running[key], 'number', key);
  }
  assert.ok(running['allocator/mesos/allocation_run_ms/count']! > 1);
  assert.ok(running['allocator/mesos/allocation_run_ms/p50']! <= running['allocator/mesos/allocation_run_ms/p99']!);
  assert.equal(Object.keys(running), Object.keys(running).sort(), 'keys sorted, as Mesos writes them');

  assert.is(running['master/valid_status_updates'], 1);
  assert.is(running['master/invalid_status_updates'], 0);
  // An update for a task the master does not know is counted as invalid.
  agent.sendStatus(fw.frameworkId, 'ghost', 'TASK_RUNNING', { uuid: false });
  await eventually(async () => ((await snapshot())['master/invalid_status_updates'] === 1 ? true : undefined), 'master/invalid_status_updates 1');

  // An operator deactivates the agent: active 0, inactive 1.
  await op.deactivateAgent(agent.agentId);
  const deactivated = await snapshot();
  assert.is(deactivated['master/slaves_active'], 0);
  assert.is(deactivated['master/slaves_inactive'], 1);

  // The task finishes: no task running, one finished, nothing used.
  await report(fw, agent, 't1', 'TASK_FINISHED');
  const finished = await snapshot();
  assert.is(finished['master/tasks_running'], 0);
  assert.is(finished['master/tasks_finished'], 1);
  assert.is(finished['master/cpus_used'], 0);

  // GET_METRICS and /metrics carry the same figures.
  const v1Metrics = await op.getMetrics();
  for (const name of ['master/tasks_finished', 'master/tasks_running', 'master/cpus_total', 'master/slaves_active', 'master/slaves_unreachable', 'master/elected']) {
    assert.is(v1Metrics[name], finished[name], `GET_METRICS ${name}`);
  }
  const prometheus = await op.http('/metrics');
  assert.is(prometheus.status, 200);
  assert.match(String(prometheus.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of prometheus.body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  assert.is(samples.get('master_elected'), 1);
  assert.is(samples.get('master_tasks_finished'), 1);
  assert.is(samples.get('master_tasks_running'), 0);
  assert.is(samples.get('master_cpus_total'), 4);
  assert.is(samples.get('master_slaves_inactive'), 1);
  assert.is(samples.get('master_slaves_unreachable'), 1);
  assert.ok(samples.get('allocator_mesos_allocation_runs')! >= finished['allocator/mesos/allocation_runs']!, 'allocation runs only grow');
  assert.ok(samples.has('allocator_mesos_allocation_run_ms{quantile="0.5"}'));
  assert.ok(samples.has('allocator_mesos_allocation_run_ms{quantile="0.99"}'));
  assert.ok(samples.get('allocator_mesos_allocation_run_ms_count')! > 1);
  assert.match(prometheus.body, /^# TYPE master_tasks_finished counter$/m);
  assert.match(prometheus.body, /^# TYPE master_tasks_running gauge$/m);
  assert.match(prometheus.body, /^# TYPE allocator_mesos_allocation_run_ms summary$/m);

  // ?jsonp= and a valid ?timeout= work on the snapshot; the prefixed path too.
  assert.match((await op.http('/metrics/snapshot', { jsonp: 'cb', timeout: '5secs' })).body, /^cb\(\{"allocator\/mesos\/allocation_run_ms/);
  assert.is((await op.http('/master/metrics/snapshot')).status, 200);
}));

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE

test('SUBSCRIBE: SUBSCRIBED with the state and heartbeat interval, then task, agent and framework events in order, and heartbeats', withCleanup(async (t) => {
  const master = await startMaster(t);
  const op = new OperatorClient(master);
  const stream = await op.subscribe(t);
  assert.match(String(stream.headers['content-type']), /^application\/json/);
  const subscribed = await stream.next();
  assert.is(subscribed.type, 'SUBSCRIBED');
  assert.is(subscribed.subscribed?.heartbeat_interval_seconds, 1, 'FAST_FLAGS sets --heartbeat_interval=1secs');
  assert.equal(subscribed.subscribed?.get_state, await op.getState(), 'SUBSCRIBED carries the whole (empty) state');

  const agent = await TestAgent.start(t, master, { hostname: 'events.test' });
  const info = frameworkInfo({ name: 'events', roles: ['web'], capabilities: ['MULTI_ROLE'] });
  const fw = await subscribe(t, master, info);
  const [offer] = await fw.nextOffers(undefined, (o) => o.agent_id.value === agent.agentId);
  await fw.launch(offer!, [taskFor(offer!, 't1')]);
  await agent.nextRunTask('t1');
  await report(fw, agent, 't1', 'TASK_RUNNING');

  // A second subscriber now gets the framework, the agent and the task in its SUBSCRIBED.
  const late = await op.subscribe(t);
  const lateState = (await late.next('SUBSCRIBED')).subscribed!.get_state!;
  assert.equal(lateState.get_frameworks?.frameworks?.map((f) => f.framework_info.id?.value), [fw.frameworkId]);
  assert.equal(lateState.get_agents?.agents?.map((a) => a.agent_info.id?.value), [agent.agentId]);
  assert.equal(lateState.get_tasks?.tasks?.map((task) => `${task.task_id.value}:${task.state}`), ['t1:TASK_RUNNING']);

  await fw.updateFramework({ ...info, name: 'events renamed' });
  await report(fw, agent, 't1', 'TASK_FINISHED');
  await fw.teardown();
  await fw.waitClosed();
  agent.send({ type: 'UNREGISTER' });
  await agent.waitDisconnected();

  // Every event but heartbeats, in arrival order, up to the agent's removal.
  const seen: master.Event[] = [];
  for (;;) {
    const event = await stream.waitFor((e) => e.type !== 'HEARTBEAT', undefined, 'the next operator event');
    seen.push(event);
    if (event.type === 'AGENT_REMOVED') break;
  }
  assert.equal(seen.map(describeMasterEvent), [
    `AGENT_ADDED(${agent.agentId})`,
    `FRAMEWORK_ADDED(${fw.frameworkId})`,
    'TASK_ADDED(t1 TASK_STAGING)',
    'TASK_UPDATED(t1 TASK_RUNNING)',
    `FRAMEWORK_UPDATED(${fw.frameworkId})`,
    'TASK_UPDATED(t1 TASK_FINISHED)',
    `FRAMEWORK_REMOVED(${fw.frameworkId})`,
    `AGENT_REMOVED(${agent.agentId})`,
  ]);
  const byType = (type: master.Event.Type) => seen.find((e) => e.type === type)!;
  assert.is(byType('AGENT_ADDED').agent_added!.agent.agent_info.hostname, 'events.test');
  assert.equal(scalars(byType('AGENT_ADDED').agent_added!.agent.total_resources), { cpus: 4, mem: 4096, disk: 10000 });
  assert.is(byType('FRAMEWORK_ADDED').framework_added!.framework.framework_info.name, 'events');
  assert.is(byType('FRAMEWORK_ADDED').framework_added!.framework.active, true);
  assert.is(byType('FRAMEWORK_UPDATED').framework_updated!.framework.framework_info.name, 'events renamed');
  const added = byType('TASK_ADDED').task_added!.task;
  assert.is(added.framework_id.value, fw.frameworkId);
  assert.is(added.agent_id.value, agent.agentId);
  assert.equal(scalars(added.resources), { cpus: 0.1, mem: 32 });
  const updates = seen.filter((e) => e.type === 'TASK_UPDATED').map((e) => e.task_updated!);
  for (const update of updates) {
    assert.is(update.framework_id.value, fw.frameworkId);
    assert.is(update.status.task_id.value, 't1');
    assert.is(update.status.state, update.state, 'the status is the update that made the state');
    assert.is(update.status.agent_id?.value, agent.agentId);
  }
  assert.is(byType('FRAMEWORK_REMOVED').framework_removed!.framework_info.id?.value, fw.frameworkId);

  // The late subscriber saw the same events from its subscription on.
  const lateSeen: string[] = [];
  for (;;) {
    const event = await late.waitFor((e) => e.type !== 'HEARTBEAT', undefined, 'the next operator event (late subscriber)');
    lateSeen.push(describeMasterEvent(event));
    if (event.type === 'AGENT_REMOVED') break;
  }
  assert.equal(lateSeen, seen.slice(4).map(describeMasterEvent));

  // Heartbeats: one right after SUBSCRIBED, then one a second.
  await eventually(async () => (stream.events.history.filter((e) => e.type === 'HEARTBEAT').length >= 3 ? true : undefined), 'three HEARTBEATs');
  assert.is(stream.events.history[1]?.type, 'HEARTBEAT', 'a HEARTBEAT right after SUBSCRIBED');
  assert.not.ok(stream.events.closed, 'the stream stays open');
}));

test.run();

// The agent's operator API (POST /api/v1) and its metrics (/metrics/snapshot, /metrics), against a
// real master and a real agent running real tasks: each call's response against agent.proto (the
// codec decodes it as a mesos.v1.agent.Response, which checks required fields and types), files
// through the sandbox confinement, KILL_CONTAINER, Mesos's statuses for bad requests, and the
// metrics counting tasks as they run and end.
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { decode } from '../../../lib/api/codec.ts';
import type * as agentApi from '../../../lib/types/agent.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { cgroupsSkipReason, startAgent, type AgentProcess } from '../../helpers/agent-process.ts';
import { startMaster, withCleanup, type Cleanup } from '../../helpers/master-process.ts';
import {
  eventually, frameworkInfo, rawRequest, subscribe, taskFor, type HttpResult, type SchedulerClient,
} from '../../helpers/scheduler-client.ts';

const skipCgroups = cgroupsSkipReason();
if (skipCgroups) console.log(`# skip: cgroup checks (limits in GET_CONTAINERS, no process left after KILL_CONTAINER): ${skipCgroups}`);

const API = '/api/v1';
const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

async function cluster(t: Cleanup): Promise<{ agent: AgentProcess; client: SchedulerClient }> {
  const master = await startMaster(t);
  const agent = await startAgent(t, master);
  const client = await subscribe(t, master, frameworkInfo({ user: 'root' }));
  return { agent, client };
}

/** POSTs a call (an object, or raw text) to the agent's /api/v1. */
function post(agent: AgentProcess, body: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<HttpResult> {
  return rawRequest(agent, { method: 'POST', path: API, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Makes a call that must answer 200 and returns the response, decoded as agent.proto says. */
async function query(agent: AgentProcess, call: agentApi.Call): Promise<agentApi.Response> {
  const result = await post(agent, call);
  assert.is(result.status, 200, `${call.type}: ${result.body}`);
  assert.match(String(result.headers['content-type']), /^application\/json/);
  const json = result.json<Record<string, unknown>>();
  assert.is(json['type'], call.type);
  // The payload is under the lower-cased type name, as Mesos writes it.
  assert.ok(call.type!.toLowerCase() in json, `${call.type}: no ${call.type!.toLowerCase()} in ${result.body.slice(0, 300)}`);
  return decode('mesos.v1.agent.Response', json);
}

/** Acknowledges updates of `taskId` until one in `state` (returned), failing on any other terminal one. */
async function until(client: SchedulerClient, taskId: string, state: v1.TaskState): Promise<v1.TaskStatus> {
  for (;;) {
    const status = await client.nextUpdate(taskId, undefined, 30_000);
    if (status.uuid) await client.acknowledge(status);
    if (status.state === state) return status;
    if (!['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(status.state)) {
      throw new Error(`${taskId} ended ${status.state} (${status.message ?? ''}), expected ${state}`);
    }
  }
}

/** Acknowledges updates of `taskId` until a terminal one, which it returns. */
async function untilTerminal(client: SchedulerClient, taskId: string): Promise<v1.TaskStatus> {
  for (;;) {
    const status = await client.nextUpdate(taskId, undefined, 30_000);
    if (status.uuid) await client.acknowledge(status);
    if (!['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(status.state)) return status;
  }
}

/** Launches shell commands as tasks (one offer) and returns their ids in order. */
async function launch(client: SchedulerClient, tasks: Record<string, string>): Promise<void> {
  const [offer] = await client.nextOffers();
  await client.launch(offer!, Object.entries(tasks).map(([id, command]) => taskFor(offer!, id, 'cpus:0.1;mem:64', { command: { value: command, shell: true } })));
}

async function snapshot(agent: AgentProcess): Promise<Record<string, number>> {
  const result = await rawRequest(agent, { method: 'GET', path: '/metrics/snapshot' });
  assert.is(result.status, 200, result.body);
  return result.json<Record<string, number>>();
}

/** The sandbox of a command task (its executor's directory in /state). */
async function sandboxOf(agent: AgentProcess, taskId: string): Promise<string> {
  const state = (await rawRequest(agent, { method: 'GET', path: '/state' })).json<{
    frameworks: { executors: { id: string; directory: string }[]; completed_executors: { id: string; directory: string }[] }[];
  }>();
  for (const framework of state.frameworks) {
    for (const executor of [...framework.executors, ...framework.completed_executors]) if (executor.id === taskId) return executor.directory;
  }
  throw new Error(`no executor ${taskId} in /state`);
}

/** Processes whose environment names the container (the agent puts MESOS_CONTAINER_ID in every container's). */
function processesOf(containerId: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return `\0${readFileSync(`/proc/${p}/environ`, 'latin1')}`.includes(`\0MESOS_CONTAINER_ID=${containerId}\0`);
    } catch {
      return false;
    }
  });
}

const ids = (tasks: readonly v1.Task[] | undefined): string[] => (tasks ?? []).map((task) => task.task_id.value).sort();

test('queries: every call answers its Response with a running task and a finished one', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  await launch(client, { done: 'echo done > out', sleeper: 'sleep 1000' });
  const finished = await until(client, 'done', 'TASK_FINISHED');
  const running = await until(client, 'sleeper', 'TASK_RUNNING');
  const agentId = running.agent_id!.value;
  const containerId = running.container_status!.container_id!.value;
  // The finished task leaves the books once its acknowledgement is through.
  await eventually(async () => {
    const tasks = (await query(agent, { type: 'GET_TASKS' })).get_tasks!;
    return ids(tasks.completed_tasks).includes('done') ? true : undefined;
  }, 'the finished task among completed_tasks');

  assert.equal((await query(agent, { type: 'GET_HEALTH' })).get_health, { healthy: true });

  const flags = (await query(agent, { type: 'GET_FLAGS' })).get_flags!.flags!;
  const flag = (name: string) => flags.find((f) => f.name === name)?.value;
  assert.is(flag('work_dir'), (await rawRequest(agent, { method: 'GET', path: '/flags' })).json<{ flags: Record<string, string> }>().flags['work_dir']);
  assert.is(flag('runtime_dir'), agent.runtimeDir);
  assert.equal(flags.map((f) => f.name), flags.map((f) => f.name).sort(), 'flags in name order');

  const version = (await query(agent, { type: 'GET_VERSION' })).get_version!.version_info;
  assert.is(version.version, (await rawRequest(agent, { method: 'GET', path: '/version' })).json<{ version: string }>().version);

  const info = (await query(agent, { type: 'GET_AGENT' })).get_agent!.agent_info!;
  assert.is(info.id?.value, agentId);
  assert.is(info.port, agent.port);
  assert.ok((info.resources ?? []).some((r) => r.name === 'cpus' && r.scalar?.value === 4), JSON.stringify(info.resources));

  const frameworks = (await query(agent, { type: 'GET_FRAMEWORKS' })).get_frameworks!;
  assert.equal((frameworks.frameworks ?? []).map((f) => f.framework_info.id?.value), [client.frameworkId]);
  assert.is(frameworks.frameworks![0]!.framework_info.user, 'root');

  const executors = (await query(agent, { type: 'GET_EXECUTORS' })).get_executors!;
  const live = (executors.executors ?? []).map((e) => e.executor_info);
  assert.equal(live.map((e) => e.executor_id.value), ['sleeper']);
  assert.is(live[0]!.framework_id?.value, client.frameworkId);
  assert.is(live[0]!.source, 'sleeper');
  assert.match(live[0]!.name ?? '', /^Command Executor \(Task: sleeper\) \(Command: sh -c 'sleep 1000'\)$/);
  assert.equal((executors.completed_executors ?? []).map((e) => e.executor_info.executor_id.value), ['done']);

  const tasks = (await query(agent, { type: 'GET_TASKS' })).get_tasks!;
  assert.equal(ids(tasks.launched_tasks), ['sleeper']);
  assert.equal(ids(tasks.completed_tasks), ['done']);
  assert.equal(ids(tasks.queued_tasks), []);
  assert.equal(ids(tasks.terminated_tasks), []);
  const sleeper = tasks.launched_tasks![0]!;
  assert.is(sleeper.state, 'TASK_RUNNING');
  assert.is(sleeper.framework_id.value, client.frameworkId);
  assert.is(sleeper.agent_id.value, agentId);
  assert.is(sleeper.executor_id, undefined, 'a command task has no executor id, as in Mesos');
  assert.is(sleeper.status_update_state, 'TASK_RUNNING');
  assert.is(sleeper.status_update_uuid, running.uuid);
  assert.equal(sleeper.statuses!.map((s) => s.state), ['TASK_STARTING', 'TASK_RUNNING']);
  const done = tasks.completed_tasks![0]!;
  assert.is(done.state, 'TASK_FINISHED');
  assert.is(done.statuses!.at(-1)!.uuid, finished.uuid);

  const state = (await query(agent, { type: 'GET_STATE' })).get_state!;
  assert.equal(ids(state.get_tasks!.launched_tasks), ['sleeper']);
  assert.equal(ids(state.get_tasks!.completed_tasks), ['done']);
  assert.equal((state.get_executors!.executors ?? []).map((e) => e.executor_info.executor_id.value), ['sleeper']);
  assert.equal((state.get_frameworks!.frameworks ?? []).map((f) => f.framework_info.id?.value), [client.frameworkId]);

  const containers = (await query(agent, { type: 'GET_CONTAINERS' })).get_containers!.containers ?? [];
  assert.equal(containers.map((c) => c.container_id.value), [containerId], 'only the running container');
  const container = containers[0]!;
  assert.is(container.framework_id?.value, client.frameworkId);
  assert.is(container.executor_id?.value, 'sleeper');
  assert.is(container.executor_name, live[0]!.name);
  assert.is(container.container_status?.executor_pid, running.container_status?.executor_pid);
  const stats = container.resource_statistics!;
  assert.is(stats.cpus_limit, 0.1);
  assert.ok(stats.timestamp > 0);
  if (!skipCgroups) {
    assert.is(stats.mem_limit_bytes, 64 * 1024 * 1024);
    assert.ok((stats.mem_rss_bytes ?? -1) >= 0 && stats.cpus_user_time_secs !== undefined, JSON.stringify(stats));
    // The same figures as /monitor/statistics, which reads the same cgroups.
    const monitor = (await rawRequest(agent, { method: 'GET', path: '/monitor/statistics' })).json<{ executor_id: string; statistics: Record<string, number> }[]>();
    assert.is(monitor.find((e) => e.executor_id === 'sleeper')?.statistics['mem_limit_bytes'], stats.mem_limit_bytes);
  }

  assert.equal((await query(agent, { type: 'GET_OPERATIONS' })).get_operations, {});
  assert.equal((await query(agent, { type: 'GET_RESOURCE_PROVIDERS' })).get_resource_providers, {});
  // Mesos's other path for the agent's endpoints answers too.
  const legacy = await rawRequest(agent, { method: 'POST', path: '/slave(1)/api/v1', headers: JSON_HEADERS, body: '{"type":"GET_HEALTH"}' });
  assert.is(legacy.status, 200, legacy.body);
}));

test('metrics: /metrics/snapshot counts tasks as they run and end; /metrics and GET_METRICS give the same figures', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const before = await snapshot(agent);
  for (const name of [
    'slave/uptime_secs', 'slave/registered', 'slave/recovery_errors', 'slave/frameworks_active',
    'slave/tasks_staging', 'slave/tasks_starting', 'slave/tasks_running', 'slave/tasks_killing',
    'slave/tasks_finished', 'slave/tasks_failed', 'slave/tasks_killed', 'slave/tasks_lost', 'slave/tasks_gone',
    'slave/executors_registering', 'slave/executors_running', 'slave/executors_terminating', 'slave/executors_terminated',
    'slave/valid_status_updates', 'slave/invalid_status_updates',
    'slave/cpus_total', 'slave/cpus_used', 'slave/cpus_percent', 'slave/mem_total', 'slave/mem_used', 'slave/mem_percent',
    'slave/disk_total', 'slave/disk_used', 'slave/disk_percent', 'slave/gpus_total', 'slave/gpus_used', 'slave/gpus_percent',
  ]) {
    assert.type(before[name], 'number', `${name} in the snapshot`);
  }
  await eventually(async () => ((await snapshot(agent))['slave/registered'] === 1 ? true : undefined), 'slave/registered 1');
  assert.is(before['slave/cpus_total'], 4);
  assert.is(before['slave/mem_total'], 2048);
  assert.is(before['slave/tasks_running'], 0);
  assert.is(before['slave/tasks_finished'], 0);

  await launch(client, { short: 'true', long: 'sleep 1000' });
  await until(client, 'short', 'TASK_FINISHED');
  await until(client, 'long', 'TASK_RUNNING');
  const during = await snapshot(agent);
  assert.is(during['slave/tasks_running'], 1);
  assert.is(during['slave/tasks_finished'], 1);
  assert.is(during['slave/executors_running'], 1);
  assert.is(during['slave/frameworks_active'], 1);
  assert.is(during['slave/cpus_used'], 0.1);
  assert.is(during['slave/mem_used'], 64);
  assert.is(during['slave/mem_percent'], 64 / 2048);
  // STARTING, RUNNING and FINISHED of one, STARTING and RUNNING of the other.
  assert.is(during['slave/valid_status_updates'], 5);
  assert.ok(during['slave/executors_terminated']! >= 1);

  await client.kill('long');
  const killed = await untilTerminal(client, 'long');
  assert.is(killed.state, 'TASK_KILLED');
  const after = await snapshot(agent);
  assert.is(after['slave/tasks_running'], 0);
  assert.is(after['slave/tasks_finished'], 1, 'a cumulative counter stays');
  assert.is(after['slave/tasks_killed'], 1);
  assert.is(after['slave/tasks_failed'], 0);
  assert.is(after['slave/cpus_used'], 0);

  // Prometheus text: every line a comment or `name value`, a TYPE before each family, the same values.
  const prom = await rawRequest(agent, { method: 'GET', path: '/metrics' });
  assert.is(prom.status, 200);
  assert.match(String(prom.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of prom.body.split('\n')) {
    if (line === '') continue;
    const typeLine = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|untyped|histogram)$/.exec(line);
    if (typeLine) typed.add(typeLine[1]!);
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    assert.ok(sample, `a Prometheus sample line: ${line}`);
    assert.ok(typed.has(sample![1]!), `${sample![1]} has a TYPE line before its sample`);
    assert.ok(!Number.isNaN(Number(sample![3])), line);
    samples.set(sample![1]!, Number(sample![3]));
  }
  const stable = ['slave/tasks_finished', 'slave/tasks_killed', 'slave/tasks_running', 'slave/cpus_total', 'slave/mem_total', 'slave/registered', 'slave/valid_status_updates'];
  for (const name of stable) assert.is(samples.get(name.replace(/\//g, '_')), after[name], name);
  assert.match(prom.body, /# TYPE slave_tasks_finished counter/);
  assert.match(prom.body, /# TYPE slave_tasks_running gauge/);

  const metrics = (await query(agent, { type: 'GET_METRICS', get_metrics: {} })).get_metrics!.metrics ?? [];
  const byName = new Map(metrics.map((m) => [m.name, m.value]));
  for (const name of stable) assert.is(byName.get(name), after[name], name);
  assert.equal([...byName.keys()], Object.keys(after), 'the same names, in name order');

  // ?jsonp= and a valid ?timeout= as on Mesos's other GET endpoints; a bad timeout is 400.
  const jsonp = await rawRequest(agent, { method: 'GET', path: '/metrics/snapshot?jsonp=cb&timeout=5secs' });
  assert.is(jsonp.status, 200);
  assert.match(jsonp.body, /^cb\(\{.*"slave\/tasks_finished":1[,}].*\);$/s);
  const bad = await rawRequest(agent, { method: 'GET', path: '/metrics/snapshot?timeout=soon' });
  assert.is(bad.status, 400);
  assert.match(bad.body, /Invalid timeout 'soon'/);
}));

test('LIST_FILES and READ_FILE inside a sandbox; hostile paths are refused and nothing is read', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  await launch(client, { files: 'printf "hello world" > out; printf "\\377\\000\\200" > bin; mkdir dir; ln -s /etc/passwd link; ln -s / rootlink; ln -s /etc etclink' });
  await until(client, 'files', 'TASK_FINISHED');
  const sandbox = await sandboxOf(agent, 'files');

  const listing = (await query(agent, { type: 'LIST_FILES', list_files: { path: sandbox } })).list_files!.file_infos ?? [];
  const out = listing.find((f) => f.path === `${sandbox}/out`);
  assert.ok(out, JSON.stringify(listing.map((f) => f.path)));
  assert.is(out!.size, 11);
  assert.is((out!.mode ?? 0) & 0o170000, 0o100000, 'a regular file');
  assert.ok((out!.mtime?.nanoseconds ?? 0) > 0);
  const dir = listing.find((f) => f.path === `${sandbox}/dir`);
  assert.is((dir!.mode ?? 0) & 0o170000, 0o040000, 'a directory');
  assert.ok(listing.some((f) => f.path === `${sandbox}/stdout`));

  const read = (await query(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/out`, offset: 0 } })).read_file!;
  assert.is(read.size, 11);
  assert.is(Buffer.from(read.data, 'base64').toString(), 'hello world');
  const window = (await query(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/out`, offset: 6, length: 3 } })).read_file!;
  assert.equal([window.size, Buffer.from(window.data, 'base64').toString()], [11, 'wor']);
  const past = (await query(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/out`, offset: 100 } })).read_file!;
  assert.equal([past.size, past.data], [11, '']);
  // Bytes that are not UTF-8 come back as they are in the file.
  const binary = (await query(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/bin`, offset: 0 } })).read_file!;
  assert.equal([...Buffer.from(binary.data, 'base64')], [0xff, 0x00, 0x80]);

  const hostile = [
    '/etc/passwd',
    `${sandbox}/../../../../../../../../../etc/passwd`,
    `${sandbox}/link`,
    `${sandbox}/rootlink/etc/passwd`,
    `${sandbox}/etclink/passwd`,
  ];
  const secret = Buffer.from('root:').toString('base64').slice(0, 6);
  for (const path of hostile) {
    const result = await post(agent, { type: 'READ_FILE', read_file: { path, offset: 0 } });
    assert.is(result.status, 404, `READ_FILE ${path}: ${result.status} ${result.body}`);
    assert.not.match(result.body, /root:/);
    assert.not.ok(result.body.includes(secret), `READ_FILE ${path} leaked data`);
  }
  for (const path of ['/etc', `${sandbox}/../../../../../../../../..`, `${sandbox}/rootlink`, `${sandbox}/etclink`]) {
    const result = await post(agent, { type: 'LIST_FILES', list_files: { path } });
    assert.is(result.status, 404, `LIST_FILES ${path}: ${result.status} ${result.body}`);
    assert.not.match(result.body, /passwd|"file_infos"/);
  }
  const missing = await post(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/no-such-file`, offset: 0 } });
  assert.is(missing.status, 404, missing.body);
  const directory = await post(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/dir`, offset: 0 } });
  assert.is(directory.status, 400, directory.body);
  const noOffset = await post(agent, { type: 'READ_FILE', read_file: { path: `${sandbox}/out` } });
  assert.is(noOffset.status, 400, 'offset is required in agent.proto');
  assert.match(noOffset.body, /read_file\.offset/);
  assert.is((await post(agent, { type: 'GET_HEALTH' })).status, 200, 'the agent still serves');
}));

test('KILL_CONTAINER ends the task and leaves no process; unknown and nested containers are 404', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  // A daemonized grandchild (setsid, double fork) must die with the container.
  await launch(client, { victim: 'sh -c "setsid sleep 1000 &"; sleep 1000' });
  const running = await until(client, 'victim', 'TASK_RUNNING');
  const containerId = running.container_status!.container_id!.value;
  await eventually(async () => (processesOf(containerId).length >= 2 ? true : undefined), 'the task and its daemon running');

  for (const [body, why] of [
    [{ type: 'KILL_CONTAINER', kill_container: { container_id: { value: 'no-such-container' } } }, 'an unknown container'],
    [{ type: 'KILL_CONTAINER', kill_container: { container_id: { value: 'child', parent: { value: containerId } } } }, 'a nested container'],
  ] as const) {
    const result = await post(agent, body);
    assert.is(result.status, 404, `${why}: ${result.body}`);
    assert.match(result.body, /cannot be found/);
  }
  const badSignal = await post(agent, { type: 'KILL_CONTAINER', kill_container: { container_id: { value: containerId }, signal: 9999 } });
  assert.is(badSignal.status, 400, badSignal.body);
  const badId = await post(agent, { type: 'KILL_CONTAINER', kill_container: { container_id: { value: '../x' } } });
  assert.is(badId.status, 400, badId.body);
  assert.match(badId.body, /^Failed to validate agent::Call: 'kill_container.container_id' is invalid/);

  const kill = await post(agent, { type: 'KILL_CONTAINER', kill_container: { container_id: { value: containerId } } });
  assert.is(kill.status, 200, kill.body);
  assert.is(kill.body, '');
  const end = await untilTerminal(client, 'victim');
  assert.ok(end.state === 'TASK_FAILED' || end.state === 'TASK_KILLED', `${end.state}: ${end.message}`);
  if (!skipCgroups) {
    await eventually(async () => (processesOf(containerId).length === 0 ? true : undefined), 'every process of the container gone');
  }
  const again = await post(agent, { type: 'KILL_CONTAINER', kill_container: { container_id: { value: containerId } } });
  assert.is(again.status, 404, 'a killed container is gone');
  const containers = (await query(agent, { type: 'GET_CONTAINERS' })).get_containers!.containers ?? [];
  assert.equal(containers, []);
}));

test('bad requests get Mesos\'s statuses and words, and the agent keeps serving', withCleanup(async (t) => {
  const master = await startMaster(t);
  const agent = await startAgent(t, master);
  const get = await rawRequest(agent, { method: 'GET', path: API });
  assert.is(get.status, 405);
  assert.is(get.headers['allow'], 'POST');

  const cases: [string, Record<string, string>, string, number, RegExp][] = [
    ['no Content-Type', { Accept: 'application/json' }, '{"type":"GET_HEALTH"}', 400, /^Expecting 'Content-Type' to be present$/],
    ['text/plain', { 'Content-Type': 'text/plain' }, '{"type":"GET_HEALTH"}', 415, /^Expecting 'Content-Type' of application\/json/],
    ['protobuf', { 'Content-Type': 'application/x-protobuf' }, '', 415, /protobuf/],
    ['Message-Content-Type on a plain request', { ...JSON_HEADERS, 'Message-Content-Type': 'application/json' }, '{"type":"GET_HEALTH"}', 415, /Message-Content-Type/],
    ['Accept: protobuf only', { 'Content-Type': 'application/json', Accept: 'application/x-protobuf' }, '{"type":"GET_HEALTH"}', 406, /Accept/],
    ['Message-Accept on a plain response', { ...JSON_HEADERS, 'Message-Accept': 'application/json' }, '{"type":"GET_HEALTH"}', 406, /Message-Accept/],
    ['a streaming Accept for a plain call', { 'Content-Type': 'application/json', Accept: 'application/recordio' }, '{"type":"GET_HEALTH"}', 406, /^Streaming response is not supported for GET_HEALTH call$/],
    ['not JSON', JSON_HEADERS, '{"type":', 400, /^Failed to parse body into JSON: /],
    ['not a Call', JSON_HEADERS, '{"type":"GET_METRICS","get_metrics":[1]}', 400, /^Failed to convert JSON into Call protobuf: get_metrics/],
    ['not a Call (a string)', JSON_HEADERS, '"GET_HEALTH"', 400, /^Failed to convert JSON into Call protobuf: /],
    ['no type', JSON_HEADERS, '{}', 400, /^Failed to validate agent::Call: Expecting 'type' to be present$/],
    ['an unknown type name', JSON_HEADERS, '{"type":"GET_EVERYTHING"}', 400, /^Failed to validate agent::Call: Expecting 'type' to be present$/],
    ['GET_METRICS without get_metrics', JSON_HEADERS, '{"type":"GET_METRICS"}', 400, /^Failed to validate agent::Call: Expecting 'get_metrics' to be present$/],
    ['LIST_FILES without list_files', JSON_HEADERS, '{"type":"LIST_FILES"}', 400, /^Failed to validate agent::Call: Expecting 'list_files' to be present$/],
    ['KILL_CONTAINER without kill_container', JSON_HEADERS, '{"type":"KILL_CONTAINER"}', 400, /^Failed to validate agent::Call: Expecting 'kill_container' to be present$/],
    ['UNKNOWN', JSON_HEADERS, '{"type":"UNKNOWN"}', 501, /UNKNOWN/],
    ['SET_LOGGING_LEVEL', JSON_HEADERS, '{"type":"SET_LOGGING_LEVEL","set_logging_level":{"level":1,"duration":{"nanoseconds":1}}}', 501, /^SET_LOGGING_LEVEL is not implemented/],
    ['LAUNCH_NESTED_CONTAINER_SESSION', JSON_HEADERS, '{"type":"LAUNCH_NESTED_CONTAINER_SESSION","launch_nested_container_session":{"container_id":{"value":"a","parent":{"value":"b"}}}}', 501, /not implemented: nested containers/],
    ['ATTACH_CONTAINER_OUTPUT', JSON_HEADERS, '{"type":"ATTACH_CONTAINER_OUTPUT","attach_container_output":{"container_id":{"value":"a"}}}', 501, /not implemented/],
    ['PRUNE_IMAGES', JSON_HEADERS, '{"type":"PRUNE_IMAGES"}', 501, /not implemented/],
    ['a RecordIO request (ATTACH_CONTAINER_INPUT)', { 'Content-Type': 'application/recordio', 'Message-Content-Type': 'application/json' }, '', 501, /ATTACH_CONTAINER_INPUT/],
  ];
  for (const [why, headers, body, status, message] of cases) {
    const result = await post(agent, body, headers);
    assert.is(result.status, status, `${why}: ${result.status} ${result.body}`);
    assert.match(result.body, message, `${why}: ${result.body}`);
  }
  assert.equal((await query(agent, { type: 'GET_HEALTH' })).get_health, { healthy: true });
  assert.is((await rawRequest(agent, { method: 'GET', path: '/health' })).status, 200, 'the agent still serves');
}));

test.run();

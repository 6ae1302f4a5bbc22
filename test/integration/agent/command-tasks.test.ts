// A real master and a real agent run command tasks end to end: the v1 scheduler API launches
// them, the agent runs them through mesos-containerizer (cgroups and namespaces as root), and
// their output is read back through the agent's /files endpoints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { IS_ROOT, cgroupsSkipReason, startAgent, type AgentProcess } from '../../helpers/agent-process.ts';
import { startMaster, withCleanup, type Cleanup } from '../../helpers/master-process.ts';
import { frameworkInfo, rawRequest, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';

const skipCgroups = cgroupsSkipReason();
if (skipCgroups) console.log(`# skip: cgroup and namespace cases: ${skipCgroups}`);

async function cluster(
  t: Cleanup, agentFlags: Record<string, string> = {}, info: Parameters<typeof frameworkInfo>[0] = {},
): Promise<{ agent: AgentProcess; client: SchedulerClient }> {
  const master = await startMaster(t);
  const agent = await startAgent(t, master, { flags: agentFlags });
  const client = await subscribe(t, master, frameworkInfo({ user: 'root', ...info }));
  return { agent, client };
}

/** Launches one shell command and returns its updates up to a terminal one (acknowledging each). */
async function runTask(client: SchedulerClient, taskId: string, command: string, resources = 'cpus:0.1;mem:64', extra: Partial<v1.TaskInfo> = {}): Promise<v1.TaskStatus[]> {
  const [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, taskId, resources, { command: { value: command, shell: true }, ...extra })]);
  const statuses: v1.TaskStatus[] = [];
  for (;;) {
    const event = await client.waitFor((e) => e.type === 'UPDATE' && e.update?.status.task_id.value === taskId, 30_000, `an update of ${taskId}`);
    const status = event.update!.status;
    statuses.push(status);
    if (status.uuid) await client.acknowledge(status);
    if (!['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(status.state)) return statuses;
  }
}

/** Acknowledges TASK_STARTING (the agent sends one update at a time) and returns TASK_RUNNING, acknowledged. */
async function runningOf(client: SchedulerClient, taskId: string): Promise<v1.TaskStatus> {
  await client.acknowledge(await client.nextUpdate(taskId, 'TASK_STARTING', 30_000));
  const status = await client.nextUpdate(taskId, 'TASK_RUNNING', 30_000);
  await client.acknowledge(status);
  return status;
}

async function getJson(agent: AgentProcess, path: string): Promise<{ status: number; json: unknown; body: string }> {
  const result = await rawRequest(agent, { method: 'GET', path });
  let json: unknown;
  try {
    json = JSON.parse(result.body);
  } catch {
    json = undefined;
  }
  return { status: result.status, json, body: result.body };
}

/** The sandbox directory of `taskId` from the agent's /state. */
async function sandboxOf(agent: AgentProcess, taskId: string): Promise<string> {
  const { json } = await getJson(agent, '/state');
  const state = json as { frameworks: { executors: { id: string; directory: string }[]; completed_executors: { id: string; directory: string }[] }[] };
  for (const framework of state.frameworks) {
    for (const executor of [...framework.executors, ...framework.completed_executors]) if (executor.id === taskId) return executor.directory;
  }
  throw new Error(`no executor ${taskId} in /state: ${JSON.stringify(json).slice(0, 1000)}`);
}

async function readFile(agent: AgentProcess, path: string): Promise<string> {
  const { status, json, body } = await getJson(agent, `/files/read?path=${encodeURIComponent(path)}&offset=0`);
  assert.is(status, 200, body);
  return (json as { data: string }).data;
}

test('echo hello: STARTING, RUNNING, FINISHED, and its stdout through /files/read', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const statuses = await runTask(client, 'hello', 'echo hello');
  assert.equal(statuses.map((s) => s.state), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  const finished = statuses.at(-1)!;
  assert.is(finished.source, 'SOURCE_EXECUTOR');
  assert.is(finished.message, 'Command exited with status 0');
  const sandbox = await sandboxOf(agent, 'hello');
  assert.ok(sandbox.includes('/frameworks/') && sandbox.includes('/executors/hello/runs/'), sandbox);
  assert.is(await readFile(agent, `${sandbox}/stdout`), 'hello\n');
  // Mesos's own path for the state endpoint answers too.
  const state = await getJson(agent, '/state');
  const legacy = await getJson(agent, '/slave(1)/state');
  assert.is(legacy.status, 200);
  assert.is((legacy.json as { id: string }).id, (state.json as { id: string }).id);
}));

test('a non-zero exit is TASK_FAILED with the exit code in the message; the environment is Mesos\'s', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const statuses = await runTask(client, 'env', 'echo "$MESOS_TASK_ID $MESOS_FRAMEWORK_ID $MESOS_AGENT_ENDPOINT $MESOS_SANDBOX"; pwd; exit 3');
  const last = statuses.at(-1)!;
  assert.is(last.state, 'TASK_FAILED');
  assert.is(last.message, 'Command exited with status 3');
  const sandbox = await sandboxOf(agent, 'env');
  const [vars, pwd] = (await readFile(agent, `${sandbox}/stdout`)).trim().split('\n');
  assert.is(vars, `env ${client.frameworkId} 127.0.0.1:${agent.port} ${sandbox}`);
  assert.is(pwd, sandbox);
}));

test('argv commands (shell: false) run without a shell', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const statuses = await runTask(client, 'argv', '', 'cpus:0.1;mem:64', {
    command: { shell: false, value: '/bin/echo', arguments: ['echo', 'a b', '$HOME'] },
  });
  assert.is(statuses.at(-1)!.state, 'TASK_FINISHED');
  assert.is(await readFile(agent, `${await sandboxOf(agent, 'argv')}/stdout`), 'a b $HOME\n');
}));

test('a missing program is TASK_FAILED (REASON_CONTAINER_LAUNCH_FAILED), and the agent keeps working', withCleanup(async (t) => {
  const { client } = await cluster(t);
  const statuses = await runTask(client, 'nope', '', 'cpus:0.1;mem:64', { command: { shell: false, value: '/no/such/program', arguments: [] } });
  const last = statuses.at(-1)!;
  assert.is(last.state, 'TASK_FAILED');
  assert.is(last.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.match(last.message ?? '', /no\/such\/program/);
  assert.is((await runTask(client, 'after', 'true')).at(-1)!.state, 'TASK_FINISHED');
}));

test('a fetch of a bad URI is TASK_FAILED with a clear message', withCleanup(async (t) => {
  const { client } = await cluster(t);
  const statuses = await runTask(client, 'fetch', 'true', 'cpus:0.1;mem:64', {
    command: { value: 'true', shell: true, uris: [{ value: '/no/such/file.tar.gz' }] },
  });
  const last = statuses.at(-1)!;
  assert.is(last.state, 'TASK_FAILED');
  assert.is(last.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.match(last.message ?? '', /\/no\/such\/file\.tar\.gz/);
}));

test('a task with neither a command nor an executor is TASK_ERROR, and the agent keeps working', withCleanup(async (t) => {
  const { client } = await cluster(t);
  const [offer] = await client.nextOffers();
  const task = taskFor(offer!, 'empty', 'cpus:0.1;mem:32');
  delete task.command;
  await client.launch(offer!, [task]);
  const error = await client.nextUpdate('empty', 'TASK_ERROR');
  assert.match(error.message ?? '', /CommandInfo or ExecutorInfo/);
  assert.is((await runTask(client, 'next', 'true')).at(-1)!.state, 'TASK_FINISHED');
}));

test('an unknown user is TASK_FAILED', withCleanup(async (t) => {
  if (!IS_ROOT) return void console.log('# skip: unknown user: the agent switches users only as root');
  const { client } = await cluster(t);
  const statuses = await runTask(client, 'user', 'true', 'cpus:0.1;mem:64', { command: { value: 'true', shell: true, user: 'no-such-user-mesos-ts' } });
  const last = statuses.at(-1)!;
  assert.is(last.state, 'TASK_FAILED');
  assert.match(last.message ?? '', /no-such-user-mesos-ts/);
}));

test('kill: TASK_KILLING for frameworks with the capability, then TASK_KILLED, and no process is left', withCleanup(async (t) => {
  const { agent, client } = await cluster(t, {}, { capabilities: ['TASK_KILLING_STATE'] });
  const [offer] = await client.nextOffers();
  // A daemonized grandchild (setsid, double fork) must die with the task.
  const command = 'sh -c "setsid sleep 1000 &" ; echo started > marker; sleep 1000';
  await client.launch(offer!, [taskFor(offer!, 'victim', 'cpus:0.1;mem:64', { command: { value: command, shell: true }, kill_policy: { grace_period: { nanoseconds: 200_000_000 } } })]);
  const running = await runningOf(client, 'victim');
  const pid = running.container_status?.executor_pid;
  assert.ok(pid && pid > 1, 'the RUNNING update carries the task\'s pid');
  const sandbox = await sandboxOf(agent, 'victim');
  for (let i = 0; i < 100 && !(await readFile(agent, `${sandbox}/marker`).catch(() => '')); i++) await new Promise((r) => setTimeout(r, 50));
  await client.kill('victim');
  const killing = await client.nextUpdate('victim', 'TASK_KILLING');
  await client.acknowledge(killing);
  const killed = await client.nextUpdate('victim', 'TASK_KILLED');
  await client.acknowledge(killed);
  // Every process whose environment names this task is gone.
  const { readdirSync, readFileSync } = await import('node:fs');
  const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/environ`, 'utf8').includes(`MESOS_SANDBOX=${sandbox}`);
    } catch {
      return false;
    }
  });
  if (IS_ROOT && !skipCgroups) assert.equal(left, [], 'no process of the container survives the kill');
}));

test('/files refuses paths outside the sandboxes, and bad offsets', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  await runTask(client, 'files', 'echo data > out; ln -s /etc/passwd link; ln -s / rootlink');
  const sandbox = await sandboxOf(agent, 'files');
  const read = (query: string) => getJson(agent, `/files/read?${query}`);
  assert.is((await read(`path=${encodeURIComponent(`${sandbox}/out`)}&offset=0`)).status, 200);
  for (const path of ['/etc/passwd', `${sandbox}/../../../../../../../../etc/passwd`, `${sandbox}/link`, `${sandbox}/rootlink/etc/passwd`]) {
    const result = await read(`path=${encodeURIComponent(path)}&offset=0`);
    assert.ok(result.status >= 400 && result.status < 500, `${path}: ${result.status} ${result.body}`);
    assert.not.match(result.body, /root:x:0:0/);
  }
  for (const query of [`offset=abc`, `offset=-5`, `offset=1e400`, `length=-7`]) {
    const result = await read(`path=${encodeURIComponent(`${sandbox}/out`)}&${query}`);
    assert.is(result.status, 400, `${query}: ${result.body}`);
  }
  const huge = await read(`path=${encodeURIComponent(`${sandbox}/out`)}&offset=9007199254740000&length=100000000000`);
  assert.ok(huge.status === 200 || huge.status === 400, `a huge offset: ${huge.status} ${huge.body}`);
  const browse = await getJson(agent, `/files/browse?path=${encodeURIComponent(sandbox)}`);
  assert.is(browse.status, 200);
  assert.ok((browse.json as { path: string }[]).some((entry) => entry.path.endsWith('/out')));
  assert.is((await getJson(agent, '/health')).status, 200, 'the agent still serves');
}));

test('cgroups: limits are written as computed, and an OOM is TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY', withCleanup(async (t) => {
  if (skipCgroups) return;
  const { agent, client } = await cluster(t, { cgroups_enable_cfs: 'true' });
  const [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, 'limits', 'cpus:0.5;mem:48', { command: { value: 'sleep 1000', shell: true } })]);
  const running = await runningOf(client, 'limits');
  const containerId = running.container_status!.container_id!.value;
  const { cgroupMounts } = await import('../../helpers/agent-process.ts');
  const { readFileSync } = await import('node:fs');
  const mounts = cgroupMounts();
  const read = (controller: string, file: string) => readFileSync(`${mounts.get(controller)}/${agent.cgroupsRoot}/${containerId}/${file}`, 'utf8').trim();
  assert.is(read('cpu', 'cpu.shares'), '512');
  assert.is(read('cpu', 'cpu.cfs_quota_us'), '50000');
  assert.is(read('cpu', 'cpu.cfs_period_us'), '100000');
  assert.is(read('memory', 'memory.limit_in_bytes'), String(48 * 1024 * 1024));
  const stats = await getJson(agent, '/monitor/statistics');
  const entry = (stats.json as { executor_id: string; statistics: Record<string, number> }[]).find((e) => e.executor_id === 'limits');
  assert.ok(entry, JSON.stringify(stats.json));
  assert.is(entry!.statistics['mem_limit_bytes'], 48 * 1024 * 1024);
  assert.is(entry!.statistics['cpus_limit'], 0.5);
  await client.kill('limits');

  const oom = await runTask(client, 'oom', 'head -c 200m /dev/zero | tail', 'cpus:0.1;mem:32');
  const last = oom.at(-1)!;
  assert.is(last.state, 'TASK_FAILED');
  assert.is(last.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
  assert.is(last.source, 'SOURCE_AGENT');
  assert.match(last.message ?? '', /Memory limit exceeded/);
}));

test('namespaces: a task in a pid namespace is PID 1 and sees no host process', withCleanup(async (t) => {
  if (skipCgroups) return;
  const { agent, client } = await cluster(t);
  const statuses = await runTask(client, 'pidns', 'echo $$; ls /proc | grep -c "^[0-9]"');
  assert.is(statuses.at(-1)!.state, 'TASK_FINISHED');
  const [self, count] = (await readFile(agent, `${await sandboxOf(agent, 'pidns')}/stdout`)).trim().split('\n');
  assert.is(self, '1');
  // sh, ls and grep at most.
  assert.ok(Number(count) <= 4, `processes visible in the container: ${count}`);
}));

test('a fork bomb under a pids limit is contained, and killed with the task', withCleanup(async (t) => {
  if (skipCgroups) return;
  const { agent, client } = await cluster(t, { cgroups_pids_max: '32' });
  const [offer] = await client.nextOffers();
  const bomb = 'bomb() { bomb | bomb & }; bomb; sleep 1000';
  await client.launch(offer!, [taskFor(offer!, 'bomb', 'cpus:0.1;mem:128', { command: { value: bomb, shell: true }, kill_policy: { grace_period: { nanoseconds: 0 } } })]);
  const running = await runningOf(client, 'bomb');
  const { cgroupMounts } = await import('../../helpers/agent-process.ts');
  const { existsSync, readFileSync } = await import('node:fs');
  const dir = `${cgroupMounts().get('pids')}/${agent.cgroupsRoot}/${running.container_status!.container_id!.value}`;
  // Let the bomb hit the limit: pids.events counts the forks the limit refused.
  for (let i = 0; i < 100 && Number(/max (\d+)/.exec(readFileSync(`${dir}/pids.events`, 'utf8'))?.[1] ?? 0) === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.is(readFileSync(`${dir}/pids.max`, 'utf8').trim(), '32');
  assert.ok(Number(readFileSync(`${dir}/pids.current`, 'utf8')) <= 32);
  assert.ok(Number(/max (\d+)/.exec(readFileSync(`${dir}/pids.events`, 'utf8'))?.[1] ?? 0) > 0, 'the limit refused forks');
  await client.kill('bomb');
  const killed = await client.nextUpdate('bomb', 'TASK_KILLED', 30_000);
  assert.is(killed.state, 'TASK_KILLED');
  // The container's cgroups are gone once it is destroyed.
  for (let i = 0; i < 100 && existsSync(dir); i++) await new Promise((r) => setTimeout(r, 50));
  assert.not.ok(existsSync(dir), 'the container\'s pids cgroup was removed');
}));

test.run();

// Executors: a framework's own executor over the v1 executor API (/api/v1/executor), and task
// groups (LAUNCH_GROUP) run as Mesos's default executor runs them. Real master, agent and
// executor processes.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type * as v1 from '../../../lib/types/mesos.ts';
import { readFileSync, readdirSync } from 'node:fs';

import { restartAgent, startAgent, type AgentProcess } from '../../helpers/agent-process.ts';
import { FAST_FLAGS, startMaster, withCleanup, type Cleanup } from '../../helpers/master-process.ts';
import { eventually, frameworkInfo, rawRequest, resourcesOf, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';

const EXECUTOR = fileURLToPath(new URL('../../fixtures/test-executor.mjs', import.meta.url));

async function cluster(t: Cleanup): Promise<{ agent: AgentProcess; client: SchedulerClient }> {
  const master = await startMaster(t);
  const agent = await startAgent(t, master);
  const client = await subscribe(t, master, frameworkInfo({ user: 'root' }));
  return { agent, client };
}

/** Waits for `state` of `taskId`, acknowledging every update of the task on the way. */
async function until(client: SchedulerClient, taskId: string, state: v1.TaskState): Promise<v1.TaskStatus> {
  for (;;) {
    const event = await client.waitFor((e) => e.type === 'UPDATE' && e.update?.status.task_id.value === taskId, 30_000, `${state} of ${taskId}`);
    const status = event.update!.status;
    if (status.uuid) await client.acknowledge(status);
    if (status.state === state) return status;
    if (!['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(status.state)) {
      throw new Error(`${taskId} ended ${status.state} (${status.reason ?? ''} ${status.message ?? ''}), expected ${state}`);
    }
  }
}

/** Processes of the container `containerId` (the agent names it in every container's environment). */
function executorProcesses(containerId: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return `\0${readFileSync(`/proc/${p}/environ`, 'latin1')}`.includes(`\0MESOS_CONTAINER_ID=${containerId}\0`);
    } catch {
      return false;
    }
  });
}

function executorInfo(client: SchedulerClient, id: string): v1.ExecutorInfo {
  return {
    executor_id: { value: id },
    framework_id: { value: client.frameworkId },
    type: 'CUSTOM',
    name: 'test executor',
    command: { shell: false, value: process.execPath, arguments: [process.execPath, EXECUTOR] },
    resources: resourcesOf('cpus:0.1;mem:64'),
  };
}

test('a custom executor subscribes, runs tasks, relays kills and messages, and shuts down', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const executor = executorInfo(client, 'exec-1');
  let [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, 'finishes', 'cpus:0.1;mem:32', { command: undefined, executor, data: Buffer.from('finish').toString('base64') })]);
  const running = await until(client, 'finishes', 'TASK_RUNNING');
  assert.is(running.source, 'SOURCE_EXECUTOR');
  assert.is(running.executor_id?.value, 'exec-1');
  await until(client, 'finishes', 'TASK_FINISHED');

  [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, 'killed', 'cpus:0.1;mem:32', { command: undefined, executor })]);
  await until(client, 'killed', 'TASK_RUNNING');

  const state = JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body);
  const listed = state.frameworks[0].executors.find((e: { id: string }) => e.id === 'exec-1');
  assert.is(listed?.type, 'CUSTOM');
  assert.equal(listed.tasks.map((task: { id: string }) => task.id), ['killed']);

  await client.message(state.id, 'exec-1', 'ping');
  const message = await client.next('MESSAGE');
  assert.is(Buffer.from(message.message!.data, 'base64').toString(), 'echo:ping');
  assert.is(message.message!.executor_id.value, 'exec-1');

  await client.kill('killed');
  await until(client, 'killed', 'TASK_KILLED');

  // SHUTDOWN (the framework's teardown): the executor exits, and its container is gone.
  await client.teardown();
  await eventually(async () => executorProcesses(listed.container).length === 0 || undefined, 'the executor exits on SHUTDOWN');
  await eventually(async () => JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body).frameworks.length === 0 || undefined,
    'the framework leaves the agent');
}));

test('a checkpointing framework\'s executor survives kill -9 of the agent, resubscribes, and runs on', withCleanup(async (t) => {
  // Far from the master's ping timeout while the agent restarts (see recovery.test.ts).
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, max_agent_ping_timeouts: 60 } });
  let agent = await startAgent(t, master);
  const client = await subscribe(t, master, frameworkInfo({ user: 'root', checkpoint: true, failover_timeout: 3600 }));
  const executor = executorInfo(client, 'durable');
  const [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, 'long', 'cpus:0.1;mem:32', { command: undefined, executor })]);
  await until(client, 'long', 'TASK_RUNNING');
  const before = JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body);
  const container = before.frameworks[0].executors.find((e: { id: string }) => e.id === 'durable').container as string;
  assert.ok(executorProcesses(container).length > 0);

  agent = await restartAgent(agent, 'SIGKILL');
  // The executor resubscribes to the new agent: the agent lists it, running its task.
  await eventually(async () => {
    const state = JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body);
    return state.frameworks[0]?.executors.find((e: { id: string }) => e.id === 'durable')?.tasks.length === 1 || undefined;
  }, 'the recovered executor and its task are on the books');
  await client.reconcile([{ taskId: 'long', agentId: before.id }]);
  assert.is((await client.nextUpdate('long', 'TASK_RUNNING')).reason, 'REASON_RECONCILIATION');
  await client.kill('long');
  await until(client, 'long', 'TASK_KILLED');

  await client.teardown();
  await eventually(async () => executorProcesses(container).length === 0 || undefined, 'the executor exits on SHUTDOWN');
  // Nothing of the framework is left in the checkpoints: a strict restart recovers cleanly.
  await eventually(async () => JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body).frameworks.length === 0 || undefined,
    'the framework leaves the agent');
  agent = await restartAgent(agent, 'SIGTERM');
  assert.match(agent.stderr, /Recovered 0 task\(s\) of 0 framework\(s\)/);
}));

test('a task group runs together; a failing task kills the rest of its group', withCleanup(async (t) => {
  const { agent, client } = await cluster(t);
  const executor: v1.ExecutorInfo = {
    executor_id: { value: 'group-exec' },
    framework_id: { value: client.frameworkId },
    type: 'DEFAULT',
    resources: resourcesOf('cpus:0.1;mem:32;disk:32'),
  };
  const group = (offer: v1.Offer, ids: [string, string][]): v1.Offer.Operation => ({
    type: 'LAUNCH_GROUP',
    launch_group: {
      executor: { ...executor, resources: resourcesOf('cpus:0.1;mem:32;disk:32', offer.allocation_info?.role ?? offer.resources?.[0]?.allocation_info?.role) },
      task_group: { tasks: ids.map(([id, command]) => taskFor(offer, id, 'cpus:0.1;mem:32', { command: { value: command, shell: true } })) },
    },
  });
  let [offer] = await client.nextOffers();
  await client.accept(offer!, [group(offer!, [['a', 'echo a > out'], ['b', 'echo b > out']])]);
  await until(client, 'a', 'TASK_FINISHED');
  await until(client, 'b', 'TASK_FINISHED');
  const state = JSON.parse((await rawRequest(agent, { method: 'GET', path: '/state' })).body);
  const all = [...state.frameworks[0].executors, ...state.frameworks[0].completed_executors];
  const listed = all.find((e: { id: string }) => e.id === 'group-exec');
  assert.is(listed?.type, 'DEFAULT');
  const read = async (task: string) => JSON.parse((await rawRequest(agent, {
    method: 'GET', path: `/files/read?offset=0&path=${encodeURIComponent(`${listed.directory}/tasks/${task}/out`)}`,
  })).body).data;
  assert.is(await read('a'), 'a\n');
  assert.is(await read('b'), 'b\n');

  [offer] = await client.nextOffers();
  await client.accept(offer!, [group(offer!, [['sleeper', 'sleep 1000'], ['fails', 'sleep 0.3; exit 3']])]);
  const failed = await until(client, 'fails', 'TASK_FAILED');
  assert.is(failed.message, 'Command exited with status 3');
  await until(client, 'sleeper', 'TASK_KILLED');
}));

test('the executor API refuses bad calls with Mesos\'s statuses, and the agent keeps serving', withCleanup(async (t) => {
  const { agent } = await cluster(t);
  const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    rawRequest(agent, { method: 'POST', path: '/api/v1/executor', headers, body });
  assert.is((await rawRequest(agent, { method: 'GET', path: '/api/v1/executor' })).status, 405);
  assert.is((await post('{"type":', {})).status, 400, 'no Content-Type');
  assert.is((await post('{"type":', { 'Content-Type': 'text/plain' })).status, 415);
  assert.is((await post('{"type":')).status, 400);
  assert.is((await post('{"type":"SUBSCRIBE"}')).status, 400, 'ids are required');
  const unknown = await post(JSON.stringify({ type: 'SUBSCRIBE', framework_id: { value: 'nope' }, executor_id: { value: 'x' }, subscribe: {} }));
  assert.is(unknown.status, 400);
  assert.match(unknown.body, /Framework 'nope' not found/);
  assert.is((await post(JSON.stringify({ type: 'UNKNOWN', framework_id: { value: 'f' }, executor_id: { value: 'x' } }))).status, 501);
  assert.is((await rawRequest(agent, { method: 'GET', path: '/health' })).status, 200);
}));

test.run();

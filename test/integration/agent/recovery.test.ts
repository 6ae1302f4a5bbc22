// Agent recovery: `kill -9` of the agent while tasks run, then a restart on the same work dir.
// Tasks keep running, are reported with their real end (also when they end while the agent is
// down), and the agent reregisters with the same id.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { AGENT_SPEC, restartAgent, startAgent, type AgentProcess } from '../../helpers/agent-process.ts';
import { FAST_FLAGS, alive, startMaster, withCleanup } from '../../helpers/master-process.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { frameworkInfo, rawRequest, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';

/** Runs until a file named `go` appears in its sandbox, then exits with `code`. */
const gated = (code: number) => `while [ ! -e go ]; do sleep 0.05; done; exit ${code}`;

async function agentState(agent: AgentProcess): Promise<{ id: string; frameworks: { executors: { id: string; directory: string }[] }[] }> {
  const result = await rawRequest(agent, { method: 'GET', path: '/state' });
  assert.is(result.status, 200, result.body);
  return JSON.parse(result.body);
}

async function launch(client: SchedulerClient, taskId: string, command: string): Promise<number> {
  const [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, taskId, 'cpus:0.1;mem:64', { command: { value: command, shell: true } })]);
  await client.acknowledge(await client.nextUpdate(taskId, 'TASK_STARTING', 30_000));
  const running = await client.nextUpdate(taskId, 'TASK_RUNNING', 30_000);
  await client.acknowledge(running);
  return running.container_status!.executor_pid!;
}

/**
 * The next update of `taskId` that `wanted` accepts, acknowledging every other update of the task
 * meanwhile, as a framework must: an agent killed before a framework's acknowledgement reached it
 * resends that update after it restarts, and the task's stream waits behind it until it is
 * acknowledged again.
 */
async function updateAfterResends(
  client: SchedulerClient, taskId: string, wanted: (status: v1.TaskStatus) => boolean, timeoutMs = 30_000,
): Promise<v1.TaskStatus> {
  for (;;) {
    const status = await client.nextUpdate(taskId, undefined, timeoutMs);
    if (wanted(status)) return status;
    if (status.uuid !== undefined) await client.acknowledge(status);
  }
}

test('kill -9 of the agent: running tasks keep running, are recovered, and report their real end', withCleanup(async (t) => {
  // The agent is down for seconds on a loaded machine: far from the master's ping timeout, or
  // the master would rightly mark it unreachable and its tasks lost.
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, max_agent_ping_timeouts: 60 } });
  let agent = await startAgent(t, master);
  const client = await subscribe(t, master, frameworkInfo({ user: 'root', checkpoint: true, failover_timeout: 3600 }));
  const keeps = await launch(client, 'keeps-running', gated(0));
  const endsWhileDown = await launch(client, 'ends-while-down', gated(7));
  const before = await agentState(agent);
  const sandbox = (taskId: string) => before.frameworks.flatMap((f) => f.executors).find((e) => e.id === taskId)!.directory;

  agent.kill('SIGKILL');
  await agent.exited;
  assert.ok(alive(keeps) && alive(endsWhileDown), 'tasks survive the agent');

  // One task ends while the agent is down.
  writeFileSync(join(sandbox('ends-while-down'), 'go'), '');
  for (let i = 0; i < 200 && alive(endsWhileDown); i++) await new Promise((r) => setTimeout(r, 25));
  assert.not.ok(alive(endsWhileDown));

  agent = await restartAgent(agent, 'SIGKILL');
  const failed = await updateAfterResends(client, 'ends-while-down', (s) => s.state === 'TASK_FAILED').catch((err: Error) => {
    throw new Error(`${err.message}\n${agent.describeOutput()}`);
  });
  assert.is(failed.message, 'Command exited with status 7');
  await client.acknowledge(failed);

  const after = await agentState(agent);
  assert.is(after.id, before.id, 'the agent reregistered with the same id');
  assert.ok(alive(keeps), 'the recovered task still runs');
  await client.reconcile([{ taskId: 'keeps-running', agentId: after.id }]);
  const reconciled = await updateAfterResends(client, 'keeps-running', (s) => s.reason === 'REASON_RECONCILIATION');
  assert.is(reconciled.state, 'TASK_RUNNING');

  writeFileSync(join(sandbox('keeps-running'), 'go'), '');
  const finished = await updateAfterResends(client, 'keeps-running', (s) => s.state === 'TASK_FINISHED');
  assert.is(finished.message, 'Command exited with status 0');
  await client.acknowledge(finished);
  assert.ok(existsSync(sandbox('keeps-running')), 'the sandbox is kept');
}));

test('--recover=cleanup kills what the last run left, removes its state, and exits', withCleanup(async (t) => {
  const master = await startMaster(t, { flags: { ...FAST_FLAGS, max_agent_ping_timeouts: 60 } });
  const agent = await startAgent(t, master);
  const client = await subscribe(t, master, frameworkInfo({ user: 'root', checkpoint: true, failover_timeout: 3600 }));
  const pid = await launch(client, 'doomed', gated(0));
  agent.kill('SIGKILL');
  await agent.exited;
  assert.ok(alive(pid));
  const args = [
    AGENT_SPEC.bin, `--master=${master.host}:${master.port}`, `--work_dir=${agent.workDir}`, `--runtime_dir=${agent.runtimeDir}`,
    `--cgroups_root=${agent.cgroupsRoot}`, '--resources=cpus:4;mem:2048;disk:4096;ports:[31000-31100]', '--ip=127.0.0.1', '--port=0', '--recover=cleanup',
  ];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /--recover=cleanup: killed the tasks of the last run/);
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(alive(pid), 'the task was killed');
  // A normal start afterwards recovers nothing.
  const again = await restartAgent(agent, 'SIGTERM');
  assert.match(again.stderr, /Recovered 0 task\(s\) of 0 framework\(s\)/);
}));

test.run();

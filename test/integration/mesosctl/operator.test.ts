// mesosctl's operator commands end to end: `node cli/bin/mesosctl.js --master <host:port> ...` in a
// child process, as users run it, against a real master and a real agent (and frameworks from
// test/helpers/scheduler-client.ts where a command needs one): cluster status, agents, frameworks
// and the allocator's explanation, roles, quota, weights, reservations, drains, teardown and
// maintenance. Every `--json` document must parse and hold each field docs/mesosctl.md documents
// for its command (`assertDocumented` reads the doc's tables, so the doc and the code cannot drift
// apart). Bad usage must be one line with the registry's exit code, and bad arguments must fail
// before any request (shown against an address where nothing listens).
//
// No timings are asserted: a wait for the cluster to change polls with a generous deadline that
// only turns a hang into a failure with a description.

import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ERRORS } from '../../../lib/common/errors.ts';
import { startAgent, type AgentProcess } from '../../helpers/agent-process.ts';
import { assertOneLineFailure, assertSuccess, ctlJson, runBin, runCtl, runEach } from '../../helpers/bin-process.ts';
import { Cleanup, startMaster, tempDir, withCleanup, type MasterAddress, type MasterProcess } from '../../helpers/master-process.ts';
import { assertDocumented } from '../../helpers/mesosctl.ts';
import { eventually, frameworkInfo, subscribe, taskFor, type SchedulerClient } from '../../helpers/scheduler-client.ts';

const USAGE = ERRORS.INVALID_FLAG.exit; // 64: usage errors, and the master's 400s
const BAD_DATA = ERRORS.INVALID_RESOURCES.exit; // 65
const UNREACHABLE = ERRORS.UNREACHABLE.exit; // 69
const CONFLICT = ERRORS.CONFLICT.exit; // 75

/** An address where nothing listens: commands that must fail before any request name it. */
const NOWHERE: MasterAddress = { host: '127.0.0.1', port: 1 };

type Doc = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Helpers

/** Polls a mesosctl --json document until `ready` accepts it; returns it. */
function waitForDoc<T = Doc>(master: MasterAddress, args: string[], ready: (doc: T) => boolean, what: string): Promise<T> {
  return eventually(async () => {
    const doc = await ctlJson<T>(master, ...args);
    return ready(doc) ? doc : undefined;
  }, what, 30_000);
}

/** A framework of the current user, and one running task on `offer`'s agent. */
async function runningTask(t: Cleanup, master: MasterAddress, name: string, taskId: string): Promise<SchedulerClient> {
  const client = await subscribe(t, master, frameworkInfo({ user: userInfo().username, name }));
  const [offer] = await client.nextOffers();
  await client.launch(offer!, [taskFor(offer!, taskId)]);
  for (;;) {
    const status = await client.nextUpdate(taskId, undefined, 30_000);
    if (status.uuid !== undefined) await client.acknowledge(status);
    if (status.state === 'TASK_RUNNING') return client;
    if (!['TASK_STAGING', 'TASK_STARTING'].includes(status.state)) throw new Error(`${taskId} ended ${status.state}: ${status.message ?? ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// One cluster for the suite's read-mostly tests; tests that drain or starve get their own.

const shared = new Cleanup();
let master: MasterProcess;
let agent: AgentProcess;
let agentId: string;

test.before(async () => {
  master = await startMaster(shared);
  agent = await startAgent(shared, master);
  const answer = await waitForDoc<{ agents: { id: string }[] }>(master, ['agent', 'list'], (d) => d.agents.length === 1, 'the agent registered');
  agentId = answer.agents[0]!.id;
});

test.after(() => shared.run());

test('cluster status: leader, version, agents, frameworks and resources; --json has the documented fields', async () => {
  const human = assertSuccess(await runCtl(master, 'cluster', 'status'));
  assert.match(human, new RegExp(`^Leader: +127\\.0\\.0\\.1:${master.port} `, 'm'));
  assert.match(human, /^Version: +\d+\.\d+\.\d+$/m);
  assert.match(human, /^Agents: +1 \(1 active\)$/m);
  assert.match(human, /^Frameworks: +0$/m);
  assert.match(human, /^RESOURCE +USED +OFFERED +TOTAL +USED%$/m);
  assert.match(human, /^cpus +0 +0 +4 +0%$/m);
  assert.match(human, /^mem +0 +0 +2GB +0%$/m);

  const doc = await ctlJson<Doc>(master, 'cluster', 'status');
  assertDocumented(doc, 'cluster status');
  assert.is(doc['master'], `127.0.0.1:${master.port}`);
  assert.equal(doc['agents'], { total: 1, active: 1, deactivated: 0, draining: 0, drained: 0, disconnected: 0 });
  assert.equal((doc['resources'] as Doc)['cpus'], { total: 4, used: 0, offered: 0 });
  assert.equal((doc['resources'] as Doc)['mem'], { total: 2048, used: 0, offered: 0 });
  assert.is((doc['leader'] as Doc)['address'], `127.0.0.1:${master.port}`);
});

test('agent list and agent show: a table, documented --json fields, ids by unique prefix', async () => {
  const list = assertSuccess(await runCtl(master, 'agent', 'list'));
  const [header, row] = list.trimEnd().split('\n');
  assert.match(header!, /^ID +HOSTNAME +STATE +CPUS +MEM +DISK +TASKS +AGE$/);
  assert.match(row!, new RegExp(`^${agentId} +\\S+ +active +0/4 +0/2GB +0/4GB +0 +\\d+[smhd]$`));

  const listed = await ctlJson<{ agents: Doc[] }>(master, 'agent', 'list');
  assertDocumented(listed, 'agent list');
  assertDocumented(listed.agents[0], 'agent show');

  // A prefix that only this agent's id starts with names it.
  const prefix = agentId.slice(0, 8);
  const shown = await ctlJson<Doc>(master, 'agent', 'show', prefix);
  assertDocumented(shown, 'agent show');
  assert.is(shown['id'], agentId);
  assert.is(shown['address'], `127.0.0.1:${agent.port}`);
  assert.is(shown['state'], 'active');
  assert.equal(shown['reserved'], {});
  assert.is(shown['drain'], null);
  const human = assertSuccess(await runCtl(master, 'agent', 'show', prefix));
  assert.match(human, new RegExp(`^ID: +${agentId}$`, 'm'));
  assert.match(human, /^State: +active$/m);
  assert.match(human, /^cpus +0 +0 +4$/m);

  assertOneLineFailure(await runCtl(master, 'agent', 'show', 'no-such-agent'), 'mesosctl', USAGE,
    /^mesosctl: no agent has the id 'no-such-agent' \('mesosctl agent list' shows them\)$/);
});

test('agent deactivate and reactivate: one confirming line or an action document', async () => {
  const line = assertSuccess(await runCtl(master, 'agent', 'deactivate', agentId));
  assert.is(line, `agent ${agentId} deactivated\n`);
  assert.is((await ctlJson(master, 'agent', 'show', agentId))['state'], 'deactivated');
  assert.match(assertSuccess(await runCtl(master, 'cluster', 'status')), /^Agents: +1 \(1 deactivated\)$/m);

  const done = await ctlJson(master, 'agent', 'reactivate', agentId);
  assertDocumented(done, 'agent drain');
  assert.equal(done, { ok: true, call: 'REACTIVATE_AGENT', agent_id: agentId });
  assert.is((await ctlJson(master, 'agent', 'show', agentId))['state'], 'active');
});

test('quota set then get; a flag left out keeps its value; remove; the master\'s 400 is one line', async () => {
  const set = assertSuccess(await runCtl(master, 'quota', 'set', 'web', '--guarantee', 'cpus:1;mem:512', '--limit', 'cpus:2;mem:1024'));
  assert.is(set, 'quota of role web set: guarantee cpus:1;mem:512, limit cpus:2;mem:1024\n');
  const got = await ctlJson<{ quotas: Doc[] }>(master, 'quota', 'get');
  assertDocumented(got, 'quota get');
  assert.equal(got.quotas, [{ role: 'web', guarantees: { cpus: 1, mem: 512 }, limits: { cpus: 2, mem: 1024 } }]);

  // --limit alone: the guarantee stays.
  const changed = await ctlJson(master, 'quota', 'set', 'web', '--limit', 'cpus:3');
  assertDocumented(changed, 'quota set');
  assert.equal(changed, { ok: true, call: 'UPDATE_QUOTA', quota: { role: 'web', guarantees: { cpus: 1, mem: 512 }, limits: { cpus: 3 } } });
  const table = assertSuccess(await runCtl(master, 'quota', 'get', 'web'));
  assert.is(table, 'ROLE  GUARANTEE       LIMIT\nweb   cpus:1;mem:512  cpus:3\n');

  // More than the cluster has (with web's cpus:1, 101 of 4 cpus): the master refuses, and its
  // message comes through, in one line.
  const refused = await runCtl(master, 'quota', 'set', 'big', '--guarantee', 'cpus:100');
  assertOneLineFailure(refused, 'mesosctl', USAGE, new RegExp(
    `^mesosctl: the master at 127\\.0\\.0\\.1:${master.port} answered 400: Invalid QuotaConfig: total quota guarantees of 'cpus' \\(101\\) exceed cluster capacity \\(4\\) \\(use 'force' flag to bypass this check\\)$`,
  ));
  assert.is(refused.stdout, '');
  // --force skips that check.
  assert.is(assertSuccess(await runCtl(master, 'quota', 'set', 'big', '--guarantee', 'cpus:100', '--force')), 'quota of role big set: guarantee cpus:100, limit -\n');

  assert.is(assertSuccess(await runCtl(master, 'quota', 'remove', 'big')), 'quota of role big removed\n');
  // Clearing both parts of a quota removes it too.
  assert.is(assertSuccess(await runCtl(master, 'quota', 'set', 'web', '--guarantee', '', '--limit', '')), 'quota of role web removed\n');
  assert.equal((await ctlJson<{ quotas: Doc[] }>(master, 'quota', 'get')).quotas, []);
  assert.is(assertSuccess(await runCtl(master, 'quota', 'get', 'web')), 'role web has no quota\n');
});

test('weights set and get; role list joins roles, weights and quota', async () => {
  assert.is(assertSuccess(await runCtl(master, 'weights', 'set', 'api=2', 'batch=0.5')), 'weights set: api=2, batch=0.5\n');
  const weights = await ctlJson<{ weights: Doc[] }>(master, 'weights', 'get');
  assertDocumented(weights, 'weights get');
  assert.equal(weights.weights, [{ role: 'api', weight: 2 }, { role: 'batch', weight: 0.5 }]);
  assert.match(assertSuccess(await runCtl(master, 'weights', 'get')), /^ROLE +WEIGHT\napi +2\nbatch +0\.5\n$/);

  const set = await ctlJson(master, 'weights', 'set', 'api=3');
  assertDocumented(set, 'weights set');
  assert.equal(set, { ok: true, call: 'UPDATE_WEIGHTS', weights: [{ role: 'api', weight: 3 }] });

  assertSuccess(await runCtl(master, 'quota', 'set', 'api', '--limit', 'cpus:2'));
  const roles = await ctlJson<{ roles: Doc[] }>(master, 'role', 'list');
  assertDocumented(roles, 'role list');
  assert.equal(roles.roles.find((r) => r['name'] === 'api'), {
    name: 'api', weight: 3, frameworks: [], allocated: {}, quota: { guarantees: {}, limits: { cpus: 2 } },
  });
  assert.equal(roles.roles.find((r) => r['name'] === 'batch'), { name: 'batch', weight: 0.5, frameworks: [], allocated: {}, quota: null });
  const table = assertSuccess(await runCtl(master, 'role', 'list'));
  assert.match(table, /^ROLE +WEIGHT +FRAMEWORKS +ALLOCATED +GUARANTEE +LIMIT$/m);
  assert.match(table, /^api +3 +0 +- +- +cpus:2$/m);
  assertSuccess(await runCtl(master, 'quota', 'remove', 'api'));

  // A weight for '*' is the master's to refuse.
  assertOneLineFailure(await runCtl(master, 'weights', 'set', '*=2'), 'mesosctl', USAGE,
    /^mesosctl: the master at .* answered 400: Failed to validate update weights: cannot set weight of the '\*' role$/);
});

test('reserve: the reservation shows in agent show --json; unreserve removes it; a second unreserve is a 409', async () => {
  const reserved = assertSuccess(await runCtl(master, 'reserve', agentId.slice(0, 8), 'web', 'cpus:1;mem:256;ports:[31000-31004]'));
  assert.is(reserved, `reserved cpus:1;mem:256;ports:[31000-31004] for role web on agent ${agentId}\n`);
  const shown = await ctlJson<Doc>(master, 'agent', 'show', agentId);
  assert.equal(shown['reserved'], { web: { cpus: 1, mem: 256, ports: 5 } });
  // Reserved resources are still the agent's: the total is unchanged.
  assert.equal((shown['resources'] as Doc)['cpus'], { total: 4, used: 0, offered: 0 });
  assert.match(assertSuccess(await runCtl(master, 'agent', 'show', agentId)), /^ROLE +RESERVED\nweb +cpus:1;mem:256;ports:\[31000-31004\]$/m);

  const undone = await ctlJson(master, 'unreserve', agentId, 'web', 'cpus:1;mem:256;ports:[31000-31004]');
  assertDocumented(undone, 'reserve');
  assert.equal(undone, { ok: true, call: 'UNRESERVE_RESOURCES', agent_id: agentId, role: 'web', resources: { cpus: 1, mem: 256, ports: 5 } });
  assert.equal((await ctlJson<Doc>(master, 'agent', 'show', agentId))['reserved'], {});

  assertOneLineFailure(await runCtl(master, 'unreserve', agentId, 'web', 'cpus:1'), 'mesosctl', CONFLICT,
    /^mesosctl: the master at .* answered 409: Insufficient resources to unreserve: /);
  assertOneLineFailure(await runCtl(master, 'reserve', agentId, 'web', 'cpus:64'), 'mesosctl', CONFLICT,
    /^mesosctl: the master at .* answered 409: Insufficient resources to reserve: /);
});

test('maintenance: a schedule from a file, status, down, up, clear', withCleanup(async (t) => {
  const file = join(tempDir(t), 'schedule.json');
  writeFileSync(file, JSON.stringify({
    windows: [{
      machine_ids: [{ hostname: 'maint1', ip: '10.0.0.9' }, { hostname: 'maint2' }],
      unavailability: { start: { nanoseconds: 1767225600000000000 }, duration: { nanoseconds: 3600000000000 } },
    }],
  }));
  assert.is(assertSuccess(await runCtl(master, 'maintenance', 'schedule', '--file', file)), 'maintenance schedule updated: 1 window, 2 machines\n');
  const schedule = await ctlJson<{ windows: Doc[] }>(master, 'maintenance', 'schedule');
  assertDocumented(schedule, 'maintenance schedule');
  assert.equal(schedule.windows[0]!['machine_ids'], [{ hostname: 'maint1', ip: '10.0.0.9' }, { hostname: 'maint2' }]);
  assert.match(assertSuccess(await runCtl(master, 'maintenance', 'schedule')),
    /^WINDOW +MACHINES +START +DURATION\n1 +maint1 \(10\.0\.0\.9\), maint2 +2026-01-01T00:00:00\.000Z +1hrs\n$/);

  const status = await ctlJson<{ draining: Doc[]; down: Doc[] }>(master, 'maintenance', 'status');
  assertDocumented(status, 'maintenance status');
  assert.equal(status.draining.map((d) => [d['hostname'], d['ip']]), [['maint1', '10.0.0.9'], ['maint2', null]]);
  assert.equal(status.down, []);

  assert.is(assertSuccess(await runCtl(master, 'maintenance', 'down', 'maint1:10.0.0.9')), 'machine down: maint1 (10.0.0.9)\n');
  assert.equal((await ctlJson<{ down: Doc[] }>(master, 'maintenance', 'status')).down, [{ hostname: 'maint1', ip: '10.0.0.9' }]);
  assert.match(assertSuccess(await runCtl(master, 'maintenance', 'status')), /^maint1 +10\.0\.0\.9 +DOWN$/m);
  // A DOWN machine cannot leave the schedule: the master says so.
  assertOneLineFailure(await runCtl(master, 'maintenance', 'schedule', '--clear'), 'mesosctl', USAGE,
    /^mesosctl: the master at .* answered 400: Machine .*maint1.* cannot be removed from the schedule$/);

  const up = await ctlJson(master, 'maintenance', 'up', 'maint1:10.0.0.9');
  assertDocumented(up, 'maintenance down');
  assert.equal(up, { ok: true, call: 'STOP_MAINTENANCE', machines: [{ hostname: 'maint1', ip: '10.0.0.9' }] });
  assert.is(assertSuccess(await runCtl(master, 'maintenance', 'schedule', '--clear')), 'maintenance schedule updated: 0 windows, 0 machines\n');
  assert.equal(await ctlJson(master, 'maintenance', 'schedule'), { windows: [] });
  assert.is(assertSuccess(await runCtl(master, 'maintenance', 'status')), 'no machine is in maintenance\n');

  writeFileSync(file, '{"windows": [{"machine_ids": 5}]}');
  assertOneLineFailure(await runCtl(master, 'maintenance', 'schedule', '--file', file), 'mesosctl', ERRORS.INVALID_MESSAGE.exit,
    /^mesosctl: --file .* is not a maintenance schedule: windows\[0\]\.machine_ids\[0\]: /);
}));

test('framework list, show and teardown: the framework is removed and its task killed', withCleanup(async (t) => {
  const client = await runningTask(t, master, 'mesosctl-teardown', 'doomed');
  const id = client.frameworkId;

  const listed = await ctlJson<{ frameworks: Doc[] }>(master, 'framework', 'list');
  assertDocumented(listed, 'framework list');
  assertDocumented(listed.frameworks[0], 'framework show');
  const mine = listed.frameworks.find((f) => f['id'] === id)!;
  assert.is(mine['name'], 'mesosctl-teardown');
  assert.is(mine['state'], 'active');
  assert.is(mine['tasks'], 1);
  assert.equal((mine['resources'] as Doc)['used'], { cpus: 0.1, mem: 32 });
  const table = assertSuccess(await runCtl(master, 'framework', 'list'));
  assert.match(table, /^ID +NAME +ROLES +STATE +TASKS +CPUS +MEM +DISK +AGE$/m);
  assert.match(table, new RegExp(`^${id} +mesosctl-teardown +\\* +active +1 +0\\.1 +32MB +0 +\\d+[smhd]$`, 'm'));

  const shown = await ctlJson<Doc>(master, 'framework', 'show', id);
  assertDocumented(shown, 'framework show');
  assert.is(shown['user'], userInfo().username);
  assert.equal(shown['roles'], ['*']);
  assert.match(assertSuccess(await runCtl(master, 'framework', 'show', id)), /^Name: +mesosctl-teardown$/m);
  // The agent lists the task.
  assert.is((await ctlJson<Doc>(master, 'agent', 'show', agentId))['tasks'], 1);

  const line = assertSuccess(await runCtl(master, 'framework', 'teardown', id.slice(0, -2)));
  assert.is(line, `framework ${id} (mesosctl-teardown) torn down\n`);
  await client.waitClosed();
  const after = await ctlJson<{ frameworks: Doc[] }>(master, 'framework', 'list');
  assert.not.ok(after.frameworks.some((f) => f['id'] === id), 'gone from the list');
  const all = await ctlJson<{ frameworks: Doc[] }>(master, 'framework', 'list', '--all');
  assert.is(all.frameworks.find((f) => f['id'] === id)?.['state'], 'completed');
  await waitForDoc<Doc>(master, ['agent', 'show', agentId], (d) => d['tasks'] === 0, 'the task killed');

  // It cannot be torn down twice.
  assertOneLineFailure(await runCtl(master, 'framework', 'teardown', id), 'mesosctl', USAGE,
    /^mesosctl: no registered framework has the id '.*' \('mesosctl framework list' shows them\)$/);
}));

// ---------------------------------------------------------------------------------------------
// Clusters of their own

test('framework explain names the reason a framework is starved: a quota limit, suppression, nothing left', withCleanup(async (t) => {
  const m = await startMaster(t);
  await startAgent(t, m);
  await waitForDoc<{ agents: Doc[] }>(m, ['agent', 'list'], (d) => d.agents.length === 1, 'the agent registered');

  // A limit of no cpus: the role may never get a cpu.
  assertSuccess(await runCtl(m, 'quota', 'set', 'starved', '--limit', 'cpus:0'));
  const starved = await subscribe(t, m, frameworkInfo({ name: 'starved', role: 'starved' }));
  const limited = await waitForDoc<Doc>(m, ['framework', 'explain', starved.frameworkId],
    (d) => d['reason'] !== 'OFFERED' && d['candidates'] !== 0, 'an explanation of a framework not offered anything');
  assertDocumented(limited, 'framework explain');
  assert.is(limited['reason'], 'LIMIT', JSON.stringify(limited));
  assert.equal(limited['quota_limit'], { cpus: 0 });
  const human = assertSuccess(await runCtl(m, 'framework', 'explain', starved.frameworkId.slice(0, -1)));
  assert.match(human, /^Role: +starved \(weight 1\)$/m);
  assert.match(human, /^Quota: +role starved: guarantee -, limit cpus:0, consumed /m);
  assert.match(human, /^Reason: +LIMIT: The role's quota limit is reached: unreserved resources are held back\.$/m);
  assert.match(human, /^Hint: +Raise the role's limit with 'mesosctl quota set <role> --limit \.\.\.'/m);

  // A framework that suppressed its role.
  const quiet = await subscribe(t, m, frameworkInfo({ name: 'quiet', role: 'quiet' }), { suppressedRoles: ['quiet'] });
  const suppressed = await ctlJson<Doc>(m, 'framework', 'explain', quiet.frameworkId, '--role', 'quiet');
  assertDocumented(suppressed, 'framework explain');
  assert.is(suppressed['reason'], 'SUPPRESSED');
  assert.is(suppressed['suppressed'], true);
  assert.is(suppressed['rank'], -1);
  const quietText = assertSuccess(await runCtl(m, 'framework', 'explain', quiet.frameworkId));
  assert.match(quietText, /^Suppressed: +yes$/m);
  assert.match(quietText, /^Share: +0% of the role, rank - among its frameworks$/m);
  assert.match(quietText, /^Reason: +SUPPRESSED: The framework suppressed offers for this role; REVIVE to get offers again\.$/m);

  // No free resources: one framework holds the rest of the cluster in its offers.
  const greedy = await subscribe(t, m, frameworkInfo({ name: 'greedy', role: 'greedy' }));
  await greedy.nextOffers();
  const late = await subscribe(t, m, frameworkInfo({ name: 'late', role: 'late' }));
  const nothing = await waitForDoc<Doc>(m, ['framework', 'explain', late.frameworkId],
    (d) => d['reason'] !== 'OFFERED' && d['candidates'] !== 0, 'an explanation of a framework not offered anything');
  assert.is(nothing['reason'], 'NOTHING_LEFT', JSON.stringify(nothing));
  assert.match(assertSuccess(await runCtl(m, 'framework', 'explain', late.frameworkId)),
    /^Reason: +NOTHING_LEFT: Frameworks and roles with lower shares took everything that was left\.$/m);
  assert.match(assertSuccess(await runCtl(m, 'framework', 'explain', greedy.frameworkId)), /^Holding: +1 offer \(cpus 4/m);

  // A role the framework is not in: the master's 400.
  assertOneLineFailure(await runCtl(m, 'framework', 'explain', late.frameworkId, '--role', 'web'), 'mesosctl', USAGE,
    /^mesosctl: the master at .* answered 400: Framework .* is not subscribed to role 'web'$/);
}));

test('agent drain with a running task: the task is killed (REASON_AGENT_DRAINING), the agent drains, reactivate ends it', withCleanup(async (t) => {
  const m = await startMaster(t);
  await startAgent(t, m);
  const { agents } = await waitForDoc<{ agents: Doc[] }>(m, ['agent', 'list'], (d) => d.agents.length === 1, 'the agent registered');
  const id = agents[0]!['id'] as string;
  const client = await runningTask(t, m, 'mesosctl-drain', 'busy');
  assert.match(assertSuccess(await runCtl(m, 'agent', 'list')), new RegExp(`^${id} +\\S+ +active +0\\.1/4 +32MB/2GB +0/4GB +1 `, 'm'));

  const done = await ctlJson(m, 'agent', 'drain', id, '--grace', '1s');
  assertDocumented(done, 'agent drain');
  assert.equal(done, { ok: true, call: 'DRAIN_AGENT', agent_id: id, max_grace_period_seconds: 1, mark_gone: false });
  const killed = await client.nextUpdate('busy', 'TASK_KILLED', 30_000);
  assert.is(killed.reason, 'REASON_AGENT_DRAINING');

  // Until the framework acknowledges the kill, the task is on the master's books: DRAINING.
  const draining = await ctlJson<Doc>(m, 'agent', 'show', id);
  assert.is(draining['state'], 'draining');
  assert.equal(draining['drain'], { state: 'DRAINING', max_grace_period_seconds: 1, mark_gone: false });
  assert.match(assertSuccess(await runCtl(m, 'agent', 'show', id)), /^Drain: +DRAINING, grace 1secs$/m);
  assert.match(assertSuccess(await runCtl(m, 'cluster', 'status')), /^Agents: +1 \(1 draining\)$/m);

  await client.acknowledge(killed);
  const drained = await waitForDoc<Doc>(m, ['agent', 'show', id], (d) => d['state'] === 'drained', 'the agent drained');
  assert.is(drained['tasks'], 0);
  assert.match(assertSuccess(await runCtl(m, 'agent', 'list')), new RegExp(`^${id} +\\S+ +drained +0/4 `, 'm'));

  assert.is(assertSuccess(await runCtl(m, 'agent', 'reactivate', id)), `agent ${id} reactivated\n`);
  const active = await ctlJson<Doc>(m, 'agent', 'show', id);
  assert.is(active['state'], 'active');
  assert.is(active['drain'], null);
}));

// ---------------------------------------------------------------------------------------------
// Bad usage

test('bad usage is one line and a usage exit code: unknown commands, flags, missing arguments', async () => {
  const cases: [string[], RegExp][] = [
    [['bogus-command'], /^mesosctl: unknown command 'bogus-command'$/],
    // Commander's suggestion joins the one line.
    [['agnet', 'list'], /^mesosctl: unknown command 'agnet' \(Did you mean agent\?\)$/],
    [['agent', 'nope'], /^mesosctl: unknown command 'nope'$/],
    [['agent', 'list', '--bogus'], /^mesosctl: unknown option '--bogus'$/],
    [['quota', 'set', 'web', '--limit'], /^mesosctl: option '--limit <resources>' argument missing$/],
    [['agent', 'show'], /^mesosctl: missing required argument 'id'$/],
    [['reserve', 'a', 'web'], /^mesosctl: missing required argument 'resources'$/],
    [['framework', 'show', 'a', 'b'], /^mesosctl: too many arguments for 'show'/],
  ];
  const exits = await runEach(cases, ([args]) => runCtl(NOWHERE, ...args));
  for (const [i, [, message]] of cases.entries()) assertOneLineFailure(exits[i]!, 'mesosctl', USAGE, message);
});

test('an unreachable master: one line naming the address and a hint, exit 69, from every group', async () => {
  const commands = [
    ['cluster', 'status'], ['agent', 'list'], ['agent', 'drain', 'x'], ['framework', 'list'], ['framework', 'explain', 'x'],
    ['role', 'list'], ['quota', 'get'], ['quota', 'set', 'web', '--limit', 'cpus:1'], ['weights', 'set', 'web=2'],
    ['reserve', 'x', 'web', 'cpus:1'], ['maintenance', 'status'], ['maintenance', 'down', 'host1'],
  ];
  const exits = await runEach(commands, (args) => runCtl(NOWHERE, ...args));
  for (const exit of exits) {
    assertOneLineFailure(exit, 'mesosctl', UNREACHABLE,
      /^mesosctl: cannot reach the master at 127\.0\.0\.1:1 \(connection refused\): is it running\? Set --master or MESOS_MASTER to its host:port$/);
    assert.is(exit.stdout, '');
  }
});

test('invalid resources, roles, weights, durations and machines fail before any request', async () => {
  // NOWHERE: were a request made, the error would be UNREACHABLE instead.
  const cases: [string[], number, RegExp][] = [
    [['quota', 'set', 'web', '--limit', 'cpus:x'], BAD_DATA, /^mesosctl: invalid --limit 'cpus:x': Bad type for resource cpus value x type TEXT$/],
    [['quota', 'set', 'web', '--guarantee', 'ports:[1-2]'], BAD_DATA, /^mesosctl: invalid --guarantee 'ports:\[1-2\]': quota takes scalar resources only, and 'ports' is RANGES$/],
    [['quota', 'set', 'web', '--guarantee', 'cpus:-1'], BAD_DATA, /^mesosctl: invalid --guarantee 'cpus:-1': /],
    [['quota', 'set', 'web'], USAGE, /^mesosctl: give --guarantee, --limit or both/],
    [['quota', 'set', 'a//b', '--limit', 'cpus:1'], BAD_DATA, /^mesosctl: invalid role 'a\/\/b': Role 'a\/\/b' cannot contain two adjacent slashes$/],
    [['reserve', 'x', 'web', 'cpus:lots'], BAD_DATA, /^mesosctl: invalid resources 'cpus:lots': Bad type for resource cpus value lots type TEXT$/],
    [['reserve', 'x', 'web', 'cpus(ops):1'], BAD_DATA, /^mesosctl: invalid resources 'cpus\(ops\):1': give them without a role/],
    [['reserve', 'x', '*', 'cpus:1'], BAD_DATA, /^mesosctl: cannot reserve resources for the '\*' role/],
    [['unreserve', 'x', 'web', ''], BAD_DATA, /^mesosctl: invalid resources '': no resources given, e.g. 'cpus:1;mem:512'$/],
    [['weights', 'set', 'web=abc'], USAGE, /^mesosctl: invalid weight 'web=abc': the weight must be a positive number$/],
    [['weights', 'set', 'web'], USAGE, /^mesosctl: invalid weight 'web': expected <role>=<weight>, e.g\. web=2$/],
    [['agent', 'drain', 'x', '--grace', 'forever'], USAGE, /^mesosctl: invalid --grace 'forever': expected a duration such as 30s, 5m, 30secs or 5mins$/],
    [['maintenance', 'down', ':'], USAGE, /^mesosctl: invalid machine ':': expected <host>, <host>:<ip> or :<ip>$/],
    [['maintenance', 'schedule', '--file', '/no/such/file.json'], USAGE, /^mesosctl: cannot read --file \/no\/such\/file\.json: ENOENT$/],
    [['framework', 'explain', 'x', '--role', ' bad'], BAD_DATA, /^mesosctl: invalid --role ' bad': /],
  ];
  const exits = await runEach(cases, ([args]) => runCtl(NOWHERE, ...args));
  for (const [i, [, code, message]] of cases.entries()) assertOneLineFailure(exits[i]!, 'mesosctl', code, message);
});

test('--help on every command and subcommand exits 0 with examples', async () => {
  const commands = [
    ['cluster'], ['cluster', 'status'],
    ['agent'], ['agent', 'list'], ['agent', 'show'], ['agent', 'drain'], ['agent', 'deactivate'], ['agent', 'reactivate'],
    ['framework'], ['framework', 'list'], ['framework', 'show'], ['framework', 'teardown'], ['framework', 'explain'],
    ['role'], ['role', 'list'], ['quota'], ['quota', 'get'], ['quota', 'set'], ['quota', 'remove'],
    ['weights'], ['weights', 'get'], ['weights', 'set'], ['reserve'], ['unreserve'],
    ['maintenance'], ['maintenance', 'schedule'], ['maintenance', 'status'], ['maintenance', 'down'], ['maintenance', 'up'],
  ];
  const exits = await runEach(commands, (args) => runBin('mesosctl', ...args, '--help'));
  for (const [i, args] of commands.entries()) {
    const exit = exits[i]!;
    assert.is(exit.code, 0, `${exit.command}: ${exit.stderr}`);
    assert.ok(exit.stdout.startsWith(`Usage: mesosctl ${args.join(' ')} `), exit.stdout);
    assert.match(exit.stdout, new RegExp(`\\nExamples:\\n  mesosctl ${args[0]}`), `${exit.command} shows examples`);
  }
});

test.run();

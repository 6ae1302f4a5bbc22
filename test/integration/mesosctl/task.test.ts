// `mesosctl task` end to end, as users run it (`node cli/bin/mesosctl.js --master <host:port> task
// ...` in a child process) against a real master and a real agent, with tasks launched by a
// framework built on lib/client/scheduler.ts: list and its filters, show, log (--tail, --stderr,
// --follow seeing lines as they are written), kill through the agent, the documented --json
// fields, and bad usage as one line.
//
// No timings are asserted: waits poll with generous deadlines that only turn a hang into a
// failure with a description.

import { userInfo } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { OperatorClient } from '../../../lib/client/operator.ts';
import { SchedulerClient } from '../../../lib/client/scheduler.ts';
import { carveResources, isTerminalState } from '../../../lib/cli/run.ts';
import { ERRORS } from '../../../lib/common/errors.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { startAgent } from '../../helpers/agent-process.ts';
import { assertOneLineFailure, assertSuccess, ctlJson, runCtl, type Exit } from '../../helpers/bin-process.ts';
import { Cleanup, startMaster, tempDir, withCleanup, type MasterAddress, type MasterProcess } from '../../helpers/master-process.ts';
import { assertDocumented, spawnCtl } from '../../helpers/mesosctl.ts';
import { eventually } from '../../helpers/scheduler-client.ts';

const USAGE = ERRORS.INVALID_FLAG.exit; // 64
const CONFLICT = ERRORS.CONFLICT.exit; // 75
const NOWHERE: MasterAddress = { host: '127.0.0.1', port: 1 };
const WAIT_MS = 30_000;

const shared = new Cleanup();
let master: MasterProcess;
let operator: OperatorClient;
let agentId: string;

test.before(async () => {
  master = await startMaster(shared);
  await startAgent(shared, master);
  operator = new OperatorClient(master);
  agentId = await eventually(async () => (await operator.getAgents()).agents?.[0]?.agent_info.id?.value, 'the agent registered', WAIT_MS);
});

test.after(() => shared.run());

type Doc = Record<string, unknown>;

function label(exit: Exit): string {
  return `${exit.command}\nexit ${exit.code}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`;
}

interface Launched {
  readonly fw: SchedulerClient;
  /** Settles with the task's terminal status (every update is acknowledged). */
  readonly ended: Promise<v1.TaskStatus>;
}

/**
 * A framework that launches one shell command as `taskId`, acknowledges every update and
 * declines every other offer; resolves once the task runs. Torn down by `t`.
 */
async function launch(t: Cleanup, taskId: string, command: string): Promise<Launched> {
  const fw = await SchedulerClient.subscribe(master, {
    user: userInfo().username, name: `task test ${taskId}`, roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }],
  });
  t.add(`tear down ${fw.frameworkId}`, () => fw.teardown().catch(() => fw.close()));
  let running!: () => void;
  let ended!: (status: v1.TaskStatus) => void;
  let failed!: (err: Error) => void;
  const isRunning = new Promise<void>((resolve, reject) => {
    running = resolve;
    failed = reject;
  });
  const hasEnded = new Promise<v1.TaskStatus>((resolve) => (ended = resolve));
  // The stream is read until teardown: a framework that stopped reading would sit on the offers
  // it is sent, and starve the next test's framework.
  void (async () => {
    let launched = false;
    for await (const event of fw.events()) {
      if (event.type === 'OFFERS') {
        const offers = event.offers?.offers ?? [];
        const first = launched ? undefined : offers[0];
        await fw.decline(offers.filter((o) => o !== first).map((o) => o.id), { refuse_seconds: 3600 });
        if (first === undefined) continue;
        launched = true;
        const resources = carveResources(first.resources ?? [], [['cpus', 0.1], ['mem', 32]])!;
        await fw.launch(first, [{ name: taskId, task_id: { value: taskId }, agent_id: first.agent_id, resources, command: { value: command, shell: true } }]);
      } else if (event.type === 'UPDATE' && event.update?.status.task_id.value === taskId) {
        const status = event.update.status;
        await fw.acknowledge(status);
        if (status.state === 'TASK_RUNNING') running();
        if (isTerminalState(status.state)) {
          ended(status);
          failed(new Error(`${taskId} ended ${status.state} before running: ${status.message ?? ''}`));
        }
      }
    }
  })().catch((err: unknown) => failed(err as Error));
  await isRunning;
  return { fw, ended: hasEnded };
}

/** The task's stdout (or stderr) through `task log`, once it holds `expected`. */
function logOnceItHas(taskId: string, expected: string, ...flags: string[]): Promise<string> {
  return eventually(async () => {
    const exit = await runCtl(master, 'task', 'log', ...flags, taskId);
    return exit.code === 0 && exit.stdout.includes(expected) ? exit.stdout : undefined;
  }, `${expected} in the log of ${taskId}`, WAIT_MS);
}

test('list, show and log a running task; the filters; the documented --json fields', withCleanup(async (t) => {
  const { fw } = await launch(t, 'lister-1', 'echo one; echo two; echo err >&2; sleep 60');

  const human = assertSuccess(await runCtl(master, 'task', 'list'));
  assert.match(human, /^ID +NAME +STATE +CPUS +MEM +AGE +FRAMEWORK +AGENT$/m);
  assert.match(human, new RegExp(`^lister-1 +lister-1 +TASK_RUNNING +0\\.1 +32MB +\\d+[smhd] +${fw.frameworkId} +${agentId}$`, 'm'));

  const list = await ctlJson<{ tasks: Doc[] }>(master, 'task', 'list');
  assertDocumented(list, 'task list');
  assert.ok(list.tasks.some((task) => task['id'] === 'lister-1' && task['state'] === 'TASK_RUNNING'));

  const ids = async (...filters: string[]): Promise<string[]> => (await ctlJson<{ tasks: Doc[] }>(master, 'task', 'list', ...filters)).tasks.map((x) => x['id'] as string);
  assert.ok((await ids('--state', 'running')).includes('lister-1'));
  assert.not.ok((await ids('--state', 'TASK_FINISHED')).includes('lister-1'));
  assert.equal(await ids('--framework', fw.frameworkId), ['lister-1']);
  assert.ok((await ids('--agent', agentId)).includes('lister-1'));

  const shown = assertSuccess(await runCtl(master, 'task', 'show', 'lister'));
  assert.match(shown, /^ID: +lister-1$/m);
  assert.match(shown, /^State: +TASK_RUNNING$/m);
  assert.match(shown, new RegExp(`^Framework: +${fw.frameworkId}$`, 'm'));
  assert.match(shown, /^Resources: +cpus 0\.1, mem 32MB$/m);
  assert.match(shown, /^TIME +STATE +SOURCE +REASON +MESSAGE$/m);
  const doc = await ctlJson<Doc>(master, 'task', 'show', 'lister-1');
  assertDocumented(doc, 'task show');
  assert.is(doc['id'], 'lister-1');
  assert.is(doc['list'], 'active');
  assert.is(doc['agent_id'], agentId);
  assert.equal(doc['resources'], { cpus: 0.1, mem: 32 });
  assert.ok(typeof doc['container_id'] === 'string');
  assert.equal((doc['statuses'] as Doc[]).map((s) => s['state']), ['TASK_STARTING', 'TASK_RUNNING']);

  assert.is(await logOnceItHas('lister-1', 'two\n'), 'one\ntwo\n');
  assert.is(assertSuccess(await runCtl(master, 'task', 'log', '--tail', '1', 'lister-1')), 'two\n');
  assert.is(assertSuccess(await runCtl(master, 'task', 'log', '--tail', '0', 'lister-1')), '');
  assert.is(await logOnceItHas('lister-1', 'err', '--stderr'), 'err\n');
}));

test('log --follow sees lines as they are written, and ends once the task has', withCleanup(async (t) => {
  const go = join(tempDir(t), 'go');
  const { ended } = await launch(t, 'follower-1', `echo first; while [ ! -e ${go} ]; do sleep 0.1; done; echo second`);
  const ctl = spawnCtl(t, master, 'task', 'log', '--follow', 'follower-1');
  // The task cannot write `second` before `go` exists: `first` alone proves the follow is live.
  await ctl.waitForOutput(/^first\n$/);
  writeFileSync(go, '');
  const exit = await ctl.exited;
  assert.is(exit.code, 0, label(exit));
  assert.is(exit.stdout, 'first\nsecond\n');
  assert.is((await ended).state, 'TASK_FINISHED');
  // A completed task: listed with --all only, and its log still readable.
  await eventually(async () => ((await operator.getTasks()).completed_tasks ?? []).some((x) => x.task_id.value === 'follower-1') || undefined, 'the task completed', WAIT_MS);
  const ids = async (...flags: string[]): Promise<string[]> => (await ctlJson<{ tasks: Doc[] }>(master, 'task', 'list', ...flags)).tasks.map((x) => x['id'] as string);
  assert.not.ok((await ids()).includes('follower-1'));
  assert.ok((await ids('--all')).includes('follower-1'));
  assert.is((await ctlJson<Doc>(master, 'task', 'show', 'follower-1'))['list'], 'completed');
  assert.is(assertSuccess(await runCtl(master, 'task', 'log', '--follow', 'follower-1')), 'first\nsecond\n');
}));

test('kill: through the agent, waits for the end; --json fields; a second kill is a conflict', withCleanup(async (t) => {
  const first = await launch(t, 'victim-1', 'sleep 60');
  const human = await runCtl(master, 'task', 'kill', 'victim-1');
  assert.is(human.code, 0, label(human));
  assert.match(human.stdout, /^task victim-1 killed: TASK_(FAILED|KILLED)/, label(human));
  const status = await first.ended;
  assert.ok(isTerminalState(status.state), status.state);
  assert.ok(status.container_status?.container_id?.value, 'the status names the container');

  const second = await launch(t, 'victim-2', 'sleep 60');
  const exit = await runCtl(master, '--json', 'task', 'kill', '--grace', '0s', 'victim-2');
  assert.is(exit.code, 0, label(exit));
  const doc = JSON.parse(exit.stdout) as Doc;
  assertDocumented(doc, 'task kill');
  assert.equal([doc['ok'], doc['call'], doc['task_id'], doc['agent_id']], [true, 'KILL_CONTAINER', 'victim-2', agentId]);
  assert.is(doc['framework_id'], second.fw.frameworkId);
  assert.is(doc['state'], 'TASK_FAILED');
  assert.is(doc['message'], 'Command terminated with signal Killed');
  assert.is((await second.ended).message, 'Command terminated with signal Killed');

  assertOneLineFailure(await runCtl(master, 'task', 'kill', 'victim-2'), 'mesosctl', CONFLICT, /^mesosctl: task 'victim-2' has already ended: TASK_FAILED$/);
}));

test('bad usage is one line with the registry\'s exit code', async () => {
  assertOneLineFailure(await runCtl(master, 'task', 'show', 'no-such-task'), 'mesosctl', USAGE, /^mesosctl: no task has the id 'no-such-task' \('mesosctl task list --all' shows them\)$/);
  assertOneLineFailure(await runCtl(master, 'task', 'log', 'no-such-task'), 'mesosctl', USAGE, /no task has the id/);
  assertOneLineFailure(await runCtl(master, 'task', 'show'), 'mesosctl', USAGE, /missing required argument 'id'/);
  // Checked before any request: against an address where nothing listens.
  assertOneLineFailure(await runCtl(NOWHERE, 'task', 'list', '--state', 'sleeping'), 'mesosctl', USAGE, /^mesosctl: invalid --state 'sleeping'/);
  assertOneLineFailure(await runCtl(NOWHERE, 'task', 'log', '--tail', 'many', 'x'), 'mesosctl', USAGE, /^mesosctl: invalid --tail 'many'/);
  assertOneLineFailure(await runCtl(NOWHERE, 'task', 'kill', '--grace', 'forever', 'x'), 'mesosctl', USAGE, /^mesosctl: invalid --grace 'forever'/);
  assertOneLineFailure(await runCtl(NOWHERE, 'task', 'list'), 'mesosctl', ERRORS.UNREACHABLE.exit, /^mesosctl: cannot reach the master at 127\.0\.0\.1:1 /);
});

test.run();

// `mesosctl run` end to end, as users run it (`node cli/bin/mesosctl.js --master <host:port> run
// ...` in a child process) against a real master and a real agent: the task's output on
// mesosctl's stdout and stderr while it runs, its exit code as mesosctl's, --kill-after, Ctrl-C,
// the framework torn down on every way out, the --json document, and bad usage as one line
// before anything is sent.
//
// No timings are asserted: waits poll with generous deadlines that only turn a hang into a
// failure with a description.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { OperatorClient } from '../../../lib/client/operator.ts';
import { ERRORS } from '../../../lib/common/errors.ts';
import { startAgent } from '../../helpers/agent-process.ts';
import { assertOneLineFailure, runCtl, type Exit } from '../../helpers/bin-process.ts';
import { Cleanup, startMaster, tempDir, withCleanup, type MasterAddress, type MasterProcess } from '../../helpers/master-process.ts';
import { assertDocumented, spawnCtl } from '../../helpers/mesosctl.ts';
import { eventually } from '../../helpers/scheduler-client.ts';

const USAGE = ERRORS.INVALID_FLAG.exit; // 64
const UNREACHABLE = ERRORS.UNREACHABLE.exit; // 69
const TRY_AGAIN = ERRORS.SERVICE_UNAVAILABLE.exit; // 75

/** An address where nothing listens: usage errors must fail before any request reaches it. */
const NOWHERE: MasterAddress = { host: '127.0.0.1', port: 1 };

const shared = new Cleanup();
let master: MasterProcess;
let operator: OperatorClient;

test.before(async () => {
  master = await startMaster(shared);
  await startAgent(shared, master);
  operator = new OperatorClient(master);
  await eventually(async () => ((await operator.getAgents()).agents?.length === 1 ? true : undefined), 'the agent registered', 30_000);
});

test.after(() => shared.run());

function label(exit: Exit): string {
  return `${exit.command}\nexit ${exit.code}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`;
}

/** The ids of the frameworks the master lists as completed (torn down). */
async function completedFrameworks(): Promise<Set<string>> {
  const frameworks = await operator.getFrameworks();
  return new Set((frameworks.completed_frameworks ?? []).map((f) => f.framework_info.id?.value ?? ''));
}

/** The frameworks that subscribed as `mesosctl run <name>` and are still registered. */
async function liveRunFrameworks(): Promise<string[]> {
  const frameworks = await operator.getFrameworks();
  return (frameworks.frameworks ?? []).filter((f) => f.framework_info.name.startsWith('mesosctl run ')).map((f) => f.framework_info.id!.value);
}

test('run -- echo hello: prints hello, exits 0, and tears its framework down', async () => {
  const exit = await runCtl(master, 'run', '--', 'echo', 'hello');
  assert.is(exit.code, 0, label(exit));
  assert.is(exit.stdout, 'hello\n', label(exit));
  assert.is(exit.stderr, '', label(exit));
  assert.equal(await liveRunFrameworks(), [], 'no run framework is left registered');
});

test('a failing task: its exit code and its stderr, in the shell form and as argv', async () => {
  const shell = await runCtl(master, 'run', '--', 'echo oops >&2; echo out; exit 3');
  assert.is(shell.code, 3, label(shell));
  assert.is(shell.stderr, 'oops\n', label(shell));
  assert.is(shell.stdout, 'out\n', label(shell));
  const argv = await runCtl(master, 'run', '--no-shell', '--', 'sh', '-c', 'echo oops >&2; exit 3');
  assert.is(argv.code, 3, label(argv));
  assert.is(argv.stderr, 'oops\n', label(argv));
});

test('--env, --uri, --name and resources reach the task', withCleanup(async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'greeting.txt');
  writeFileSync(file, 'from a uri\n');
  const exit = await runCtl(
    master, 'run', '--name', 'env-check', '--cpus', '0.2', '--mem', '48', '--env', 'GREETING=hi there', '--env', 'EQ=a=b',
    '--uri', file, '--', 'echo "$GREETING $EQ $MESOS_TASK_ID"; cat greeting.txt',
  );
  assert.is(exit.code, 0, label(exit));
  const [vars, fetched] = exit.stdout.split('\n');
  assert.match(vars!, /^hi there a=b env-check-[0-9a-f]{8}$/, label(exit));
  assert.is(fetched, 'from a uri');
  const tasks = await operator.getTasks();
  const task = (tasks.completed_tasks ?? []).find((x) => x.name === 'env-check');
  assert.ok(task, 'the task is in the completed tasks');
  const amount = (name: string): number => (task!.resources ?? []).filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
  assert.is(amount('cpus'), 0.2);
  assert.is(amount('mem'), 48);
}));

test('the output is streamed while the task runs', withCleanup(async (t) => {
  const go = join(tempDir(t), 'go');
  const ctl = spawnCtl(t, master, 'run', '--', `echo first; while [ ! -e ${go} ]; do sleep 0.1; done; echo second >&2; echo third`);
  // The task cannot end before `go` exists, so seeing `first` proves it was streamed.
  await ctl.waitForOutput(/^first\n/);
  writeFileSync(go, '');
  const exit = await ctl.exited;
  assert.is(exit.code, 0, label(exit));
  assert.is(exit.stdout, 'first\nthird\n');
  assert.is(exit.stderr, 'second\n');
}));

test('--kill-after: the task is killed and run exits 124, saying so', async () => {
  const exit = await runCtl(master, 'run', '--kill-after', '1secs', '--', 'echo started; sleep 30');
  assert.is(exit.code, 124, label(exit));
  assert.is(exit.stdout, 'started\n');
  assert.match(exit.stderr, /^mesosctl: task echo-[0-9a-f]{8} killed after --kill-after$/m, label(exit));
  const tasks = await operator.getTasks();
  const killed = [...(tasks.tasks ?? []), ...(tasks.completed_tasks ?? [])].find((x) => exit.stderr.includes(x.task_id.value));
  assert.is(killed?.state, 'TASK_KILLED');
});

test('Ctrl-C kills the task, tears the framework down, and exits 130', withCleanup(async (t) => {
  const before = await completedFrameworks();
  const ctl = spawnCtl(t, master, 'run', '--verbose', '--', 'echo started; sleep 60');
  await ctl.waitForOutput(/^started\n/);
  const frameworkId = /subscribed as framework (\S+)/.exec(ctl.stderr())?.[1];
  assert.ok(frameworkId, ctl.stderr());
  assert.not.ok(before.has(frameworkId!));
  ctl.kill('SIGINT');
  const exit = await ctl.exited;
  assert.is(exit.code, 130, label(exit));
  assert.match(exit.stderr, /killing task \S+ \(SIGINT\)/);
  assert.match(exit.stderr, /is TASK_KILLED/);
  assert.match(exit.stderr, /^mesosctl: task \S+ killed on SIGINT$/m);
  assert.ok((await completedFrameworks()).has(frameworkId!), 'GET_FRAMEWORKS lists the framework as completed');
}));

test('SIGTERM before any offer fits: run stops at once, exits 143, and tears the framework down', withCleanup(async (t) => {
  const ctl = spawnCtl(t, master, 'run', '--verbose', '--cpus', '1000', '--', 'true');
  await ctl.waitForOutput(/waiting for an offer/, 'stderr');
  const frameworkId = /subscribed as framework (\S+)/.exec(ctl.stderr())![1]!;
  ctl.kill('SIGTERM');
  const exit = await ctl.exited;
  assert.is(exit.code, 143, label(exit));
  assert.match(exit.stderr, /no task was launched; the framework was torn down/);
  assert.ok((await completedFrameworks()).has(frameworkId));
}));

test('--offer-timeout: no offer fits in time is one line, exit 75, and the framework is torn down', async () => {
  const exit = await runCtl(master, 'run', '--cpus', '1000', '--offer-timeout', '1secs', '--', 'true');
  assertOneLineFailure(exit, 'mesosctl', TRY_AGAIN, /^mesosctl: no offer fit cpus:1000;mem:32 in role '\*' within 1secs$/);
  assert.equal(await liveRunFrameworks(), []);
});

test('--json: one document with the documented fields, and no task output', async () => {
  const exit = await runCtl(master, '--json', 'run', '--', 'echo not printed; exit 7');
  assert.is(exit.code, 7, label(exit));
  const parsed = JSON.parse(exit.stdout) as Record<string, unknown>;
  assertDocumented(parsed, 'run');
  assert.is(parsed['state'], 'TASK_FAILED');
  assert.is(parsed['message'], 'Command exited with status 7');
  assert.is(parsed['exit_code'], 7);
  assert.is(parsed['reason'], null);
  assert.ok(typeof parsed['sandbox'] === 'string' && existsSync(parsed['sandbox'] as string), `the sandbox is on this host: ${parsed['sandbox']}`);
  // The output stayed in the sandbox, where task log reads it.
  const log = await runCtl(master, 'task', 'log', parsed['task_id'] as string);
  assert.is(log.stdout, 'not printed\n', label(log));
});

test('bad usage is one line, exit 64, before anything is sent', async () => {
  const cases: [string[], RegExp][] = [
    [['run'], /^mesosctl: no command to run: give it after '--'/],
    [['run', '--cpus', 'abc', '--', 'true'], /^mesosctl: invalid --cpus 'abc': expected a number > 0$/],
    [['run', '--mem', '-5', '--', 'true'], /^mesosctl: invalid --mem '-5'/],
    [['run', '--env', 'NOEQUALS', '--', 'true'], /^mesosctl: invalid --env 'NOEQUALS': expected NAME=VALUE$/],
    [['run', '--kill-after', 'soon', '--', 'true'], /^mesosctl: invalid --kill-after 'soon'/],
    [['run', '--bogus', '--', 'true'], /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    // Against an address where nothing listens: had anything been sent, this would be UNREACHABLE.
    assertOneLineFailure(await runCtl(NOWHERE, ...args), 'mesosctl', USAGE, message);
  }
  assertOneLineFailure(await runCtl(NOWHERE, 'run', '--role', 'a//b', '--', 'true'), 'mesosctl', ERRORS.INVALID_ROLE.exit, /invalid --role 'a\/\/b'/);
  assertOneLineFailure(await runCtl(NOWHERE, 'run', '--', 'true'), 'mesosctl', UNREACHABLE, /^mesosctl: cannot reach the master at 127\.0\.0\.1:1 /);
});

test.run();

// The bins as users run them: `node cli/bin/<bin>.js ...` in a child process, checking exit codes
// (from the error registry, through cli/run.ts) and what reaches the terminal. Every failure must
// be one line naming the program, never a stack trace. Also `npm start` without a native build and
// the test runner's own command line (scripts/test.ts).
//
// No timings are asserted. Each child runs under the hang guard of test/helpers/bin-process.ts,
// which fails the test with a message rather than stalling `npm test`.

import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERRORS } from '../../lib/common/errors.ts';
import { skipReasons, unmatchedFilters } from '../../scripts/test.ts';
import { ROOT as root, assertOneLineFailure, runBin, runNode, type Bin } from '../helpers/bin-process.ts';

const USAGE = ERRORS.INVALID_FLAG.exit; // 64
const UNREACHABLE = ERRORS.UNREACHABLE.exit; // 69
const NO_ADDON = ERRORS.NATIVE_LOAD_FAILED.exit; // 70

const BINS: readonly Bin[] = ['mesos-master', 'mesos-agent', 'mesosctl'];

// ---------------------------------------------------------------------------------------------
// The bins

test('--help exits 0 and lists the flags', async () => {
  const expected: Record<Bin, RegExp[]> = {
    'mesos-master': [/--allocation_interval <duration>/, /--heartbeat_interval <duration>/, /--work_dir <dir>/],
    'mesos-agent': [/--\[no-\]cgroups_enable_cfs\[=<bool>\]/, /--\[no-\]strict\[=<bool>\]/, /--executor_shutdown_grace_period <duration>/],
    mesosctl: [/--master <host:port>/, /^\s+cluster\b/m, /^\s+quota\b/m],
  };
  const exits = await Promise.all(BINS.map((bin) => runBin(bin, '--help')));
  for (const [i, bin] of BINS.entries()) {
    const exit = exits[i]!;
    assert.is(exit.code, 0, `${exit.command}: ${exit.stderr}`);
    assert.is(exit.stderr, '');
    assert.ok(exit.stdout.startsWith(`Usage: ${bin} `), exit.stdout);
    for (const flag of expected[bin]) assert.match(exit.stdout, flag, `${bin} --help shows ${flag}`);
  }
});

test('an unknown flag exits 64 with one line', async () => {
  const exits = await Promise.all(BINS.map((bin) => runBin(bin, '--no_such_flag=1')));
  for (const [i, bin] of BINS.entries()) {
    assertOneLineFailure(exits[i]!, bin, USAGE, /unknown option '--no_such_flag=1'/);
  }
  // A value-taking flag without its value is a usage error too.
  assertOneLineFailure(await runBin('mesos-master', '--port'), 'mesos-master', USAGE, /--port <port>' argument missing/);
});

test('an invalid duration exits 64 with one line naming the flag', async () => {
  const [master, agent] = await Promise.all([
    runBin('mesos-master', '--allocation_interval=5'),
    runBin('mesos-agent', '--executor_shutdown_grace_period=forever'),
  ]);
  assertOneLineFailure(master, 'mesos-master', USAGE, /^mesos-master: Failed to load flag 'allocation_interval': Invalid duration '5'/);
  assertOneLineFailure(agent, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'executor_shutdown_grace_period': Invalid duration 'forever'/);
});

test('mesos-master refuses bad flag combinations and values with one line and exit 64', async () => {
  const [noWorkDir, weights, port, misses] = await Promise.all([
    runBin('mesos-master', '--port=0', '--registry=leveldb'),
    runBin('mesos-master', '--port=0', '--registry=in_memory', '--weights=eng=-1'),
    runBin('mesos-master', '--port=70000', '--registry=in_memory'),
    runBin('mesos-master', '--port=0', '--registry=in_memory', '--max_agent_ping_timeouts=0'),
  ]);
  assertOneLineFailure(noWorkDir, 'mesos-master', USAGE, /^mesos-master: Flag '--work_dir' is required when '--registry=leveldb'$/);
  assertOneLineFailure(weights, 'mesos-master', USAGE, /^mesos-master: Failed to load flag 'weights': Invalid weight 'eng=-1'/);
  assertOneLineFailure(port, 'mesos-master', USAGE, /^mesos-master: Failed to load flag 'port'/);
  assertOneLineFailure(misses, 'mesos-master', USAGE, /^mesos-master: Failed to load flag 'max_agent_ping_timeouts'/);
});

test('mesosctl against a master that is not there exits 69 with one line naming the address and a hint', async () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  const ctl = await runBin('mesosctl', '--master', '127.0.0.1:1', 'cluster', 'status');
  assertOneLineFailure(ctl, 'mesosctl', UNREACHABLE,
    /^mesosctl: cannot reach the master at 127\.0\.0\.1:1 \(connection refused\): is it running\? Set --master or MESOS_MASTER to its host:port$/);
  assert.is(ctl.stdout, '');
});

test('mesos-agent refuses missing and bad flags with one line and exit 64', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'mesos-ts-agent-flags-'));
  try {
    const [noMaster, noWorkDir, master, resources, isolation, attributes] = await Promise.all([
      runBin('mesos-agent', `--work_dir=${workDir}`),
      runBin('mesos-agent', '--master=127.0.0.1:5050'),
      runBin('mesos-agent', '--master=nowhere', `--work_dir=${workDir}`),
      runBin('mesos-agent', '--master=127.0.0.1:5050', `--work_dir=${workDir}`, '--resources=cpus:lots;mem:-5'),
      runBin('mesos-agent', '--master=127.0.0.1:5050', `--work_dir=${workDir}`, '--isolation=cgroups/cpu,gpu/magic'),
      runBin('mesos-agent', '--master=127.0.0.1:5050', `--work_dir=${workDir}`, '--attributes=rack'),
    ]);
    assertOneLineFailure(noMaster, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'master': Flag '--master' is required$/);
    assertOneLineFailure(noWorkDir, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'work_dir': Flag '--work_dir' is required$/);
    assertOneLineFailure(master, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'master': Expecting <host>:<port>, got 'nowhere'$/);
    assertOneLineFailure(resources, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'resources': Bad type for resource cpus value lots/);
    assertOneLineFailure(isolation, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'isolation': Unknown or unsupported isolator 'gpu\/magic'/);
    assertOneLineFailure(attributes, 'mesos-agent', USAGE, /^mesos-agent: Failed to load flag 'attributes': Invalid attribute 'rack'/);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

test('mesos-agent accepts every Mesos boolean form (the missing --master shows parsing passed)', async () => {
  const forms = [
    ['--strict=false'],
    ['--strict=true'],
    ['--strict'],
    ['--no-strict'],
    ['--cgroups_enable_cfs=true'],
    ['--cgroups_enable_cfs=false'],
    ['--cgroups_enable_cfs'],
    ['--no-cgroups_enable_cfs'],
    ['--cgroups_enable_cfs=1', '--strict=0'],
  ];
  const exits = await Promise.all(forms.map((args) => runBin('mesos-agent', ...args)));
  for (const exit of exits) assertOneLineFailure(exit, 'mesos-agent', USAGE, /Flag '--master' is required/);
  assertOneLineFailure(await runBin('mesos-agent', '--strict=maybe'), 'mesos-agent', USAGE,
    /^mesos-agent: Failed to load flag 'strict': Failed to load value 'maybe': Expecting a boolean \(e\.g\., true or false\)$/);
});

// ---------------------------------------------------------------------------------------------
// npm start

test('npm start without a native build exits 70 with one line, not a stack trace', async () => {
  // A copy of the package without build/: the addon loader finds no binary there.
  const dir = mkdtempSync(join(tmpdir(), 'mesos-ts-start-'));
  try {
    for (const entry of ['cli', 'lib', 'package.json', 'binding.gyp']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const exit = await runNode(['--import', 'tsx', join('cli', 'start.ts')], { cwd: dir });
    assertOneLineFailure(exit, 'mesos-ts', NO_ADDON, /^mesos-ts: cannot load the native addon from .*npm run build:native/);
    assert.is(exit.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// npm test's command line (scripts/test.ts)

test('npm test exits non-zero, naming the filter, when a filter selects no suite', async () => {
  const exit = await runNode(['--import', 'tsx', join('scripts', 'test.ts'), 'codec', 'no-such-suite']);
  assert.is(exit.code, 1, exit.stderr);
  assert.match(exit.stderr, /'no-such-suite' selects no suite/);
  assert.not.match(exit.stdout, /passed/, 'nothing ran');
  assert.equal(unmatchedFilters(['api', 'nope', 'typecheck'], ['typecheck', 'test/unit/api/codec.test.ts']), ['nope']);
  assert.equal(unmatchedFilters([], ['typecheck']), []);
});

test('npm test finds every skip reason: "# skip: ..." from suites, "## ... skipped ..." from make', () => {
  const output = [
    'ok 1 - parses',
    '# skip: /proc/self/mountinfo has no cgroup or cgroup2 mount on this host',
    '  # SKIP needs root',
    '## sanitizer build skipped: g++ cannot build and run -fsanitize=address,undefined here (SANITIZE=1 forces it)',
    '# passed 3 failed 0',
    '## /work/build/native-tests/plain/drf/skipped_names_test',
    '  Skipped:   0',
    'ok 2 - dominant_share_skips_excluded_names',
  ].join('\n');
  assert.equal(skipReasons(output), [
    '# skip: /proc/self/mountinfo has no cgroup or cgroup2 mount on this host',
    '# SKIP needs root',
    '## sanitizer build skipped: g++ cannot build and run -fsanitize=address,undefined here (SANITIZE=1 forces it)',
  ]);
});

test.run();

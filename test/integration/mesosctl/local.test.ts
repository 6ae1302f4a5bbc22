// `mesosctl local up | status | down` end to end: a real master and agent spawned in the
// background from a temporary --dir on free ports, a task run on them, and both stopped by their
// recorded pids. The test's cleanup stops whatever a failed run left, by the recorded pids only,
// and removes the agent's (unique) cgroups root.
//
// No timings are asserted.

import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ERRORS } from '../../../lib/common/errors.ts';
import { cgroupMounts } from '../../helpers/agent-process.ts';
import { assertOneLineFailure, assertSuccess, runBin, runCtl, type Exit } from '../../helpers/bin-process.ts';
import { alive, tempDir, withCleanup, type Cleanup, type MasterAddress } from '../../helpers/master-process.ts';
import { assertDocumented } from '../../helpers/mesosctl.ts';

type Doc = Record<string, unknown>;

function label(exit: Exit): string {
  return `${exit.command}\nexit ${exit.code}\nstdout: ${exit.stdout}\nstderr: ${exit.stderr}`;
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Stops what a failed test left running (the recorded pids, nothing else) and the cgroups root. */
function cleanUpAfter(t: Cleanup, dir: string, cgroupsRoot: string): void {
  t.add('remove the local cluster\'s cgroups root', () => {
    for (const mount of new Set(cgroupMounts().values())) {
      const path = join(mount, cgroupsRoot);
      if (existsSync(path)) rmdirSync(path);
    }
  });
  t.add('kill what the record names', async () => {
    const record = join(dir, 'local.json');
    if (!existsSync(record)) return;
    const { master, agent } = JSON.parse(readFileSync(record, 'utf8')) as { master: { pid: number }; agent?: { pid: number } };
    for (const pid of [agent?.pid, master.pid]) {
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    while ([agent?.pid, master.pid].some((pid) => pid !== undefined && alive(pid))) await new Promise((r) => setTimeout(r, 50));
  });
}

const local = (...args: string[]): Promise<Exit> => runBin('mesosctl', ...args);

test('local up, status, a task on it, up again, down, status', withCleanup(async (t) => {
  const dir = join(tempDir(t, 'mesosctl-local-'), 'cluster');
  const cgroupsRoot = `mesos-test-local-${process.pid}`;
  cleanUpAfter(t, dir, cgroupsRoot);
  const [port, agentPort] = [await freePort(), await freePort()];

  const before = JSON.parse(assertSuccess(await local('--json', 'local', 'status', '--dir', dir))) as Doc;
  assertDocumented(before, 'local status');
  assert.equal([before['running'], before['master'], before['agent']], [false, null, null]);
  assert.match(assertSuccess(await local('local', 'down', '--dir', dir)), /^No local cluster runs from /);

  const up = await local('local', 'up', '--dir', dir, '--port', String(port), '--agent-port', String(agentPort), '--cgroups-root', cgroupsRoot);
  assert.is(up.code, 0, label(up));
  assert.match(up.stdout, new RegExp(`master: +http://127\\.0\\.0\\.1:${port} +pid \\d+`));
  assert.match(up.stdout, new RegExp(`agent: +http://127\\.0\\.0\\.1:${agentPort} +pid \\d+`));

  const status = JSON.parse(assertSuccess(await local('--json', 'local', 'status', '--dir', dir))) as Doc;
  assertDocumented(status, 'local status');
  const master = status['master'] as Doc & MasterAddress & { pid: number };
  const agent = status['agent'] as Doc & { pid: number };
  assert.equal([status['running'], master['alive'], master['healthy'], agent['alive'], agent['registered']], [true, true, true, true, true]);
  assert.is(master.port, port);
  assert.is(status['cgroups_root'], cgroupsRoot);
  assert.match(assertSuccess(await local('local', 'status', '--dir', dir)), /^Cluster: +running$/m);

  const run = await runCtl({ host: '127.0.0.1', port }, 'run', '--', 'echo', 'hello from local');
  assert.is(run.code, 0, label(run));
  assert.is(run.stdout, 'hello from local\n');

  // Up again: the running cluster is reported, nothing new is started.
  const again = await local('local', 'up', '--dir', dir, '--port', String(port), '--agent-port', String(agentPort));
  assert.is(again.code, 0, label(again));
  assert.match(again.stdout, /^A local cluster already runs from /m);
  assert.match(again.stdout, new RegExp(`pid ${master.pid}`));

  const down = await local('--json', 'local', 'down', '--dir', dir);
  assert.is(down.code, 0, label(down));
  const stopped = JSON.parse(down.stdout) as Doc;
  assertDocumented(stopped, 'local down');
  assert.equal([stopped['ok'], stopped['was_running'], stopped['agent'], stopped['master']], [true, true, 'stopped', 'stopped']);
  assert.not.ok(alive(master.pid), 'the master is gone');
  assert.not.ok(alive(agent.pid), 'the agent is gone');
  assert.not.ok(existsSync(join(dir, 'local.json')), 'the record is removed');
  assert.ok(existsSync(join(dir, 'master')) && existsSync(join(dir, 'master.log')), 'the state and logs are kept');
  assert.match(assertSuccess(await local('local', 'status', '--dir', dir)), /^No local cluster runs from /);
}));

test('local up: bad flags and a busy port are one line, before anything starts', withCleanup(async (t) => {
  const dir = join(tempDir(t, 'mesosctl-local-'), 'cluster');
  const cgroupsRoot = `mesos-test-local-${process.pid}-busy`;
  cleanUpAfter(t, dir, cgroupsRoot);
  assertOneLineFailure(await local('local', 'up', '--dir', dir, '--port', '0'), 'mesosctl', ERRORS.INVALID_FLAG.exit, /^mesosctl: invalid --port '0'/);
  assertOneLineFailure(await local('local', 'up', '--dir', dir, '--port', '7000', '--agent-port', '7000'), 'mesosctl', ERRORS.INVALID_FLAG.exit, /must differ/);
  assert.not.ok(existsSync(dir), 'nothing was created');

  // A port something already listens on: nothing starts, and up says why.
  const blocker = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.add('close the blocker', () => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const busy = (blocker.address() as { port: number }).port;
  const exit = await local('local', 'up', '--dir', dir, '--port', String(busy), '--agent-port', String(await freePort()), '--cgroups-root', cgroupsRoot);
  assertOneLineFailure(exit, 'mesosctl', ERRORS.LISTEN_FAILED.exit, new RegExp(`^mesosctl: the master port 127\\.0\\.0\\.1:${busy} is in use \\(EADDRINUSE\\): pick another with --port$`));
  assert.not.ok(existsSync(dir), 'nothing was created');
}));

test.run();

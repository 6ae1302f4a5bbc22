// openCgroups (lib/native) over the addon's CgroupManager: on fake cgroup trees in a temporary
// directory (both backends: the files written, the statistics parsed, the errors and their codes,
// argument checks at the boundary), and, as root on this host's cgroup v1 hierarchies, with a
// unique cgroups root: limits read back from the kernel, a real process killed, everything removed.
// The C++ behind it has its own tests: native/cgroups/manager_test.cc and manager_root_test.cc.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exitCode, httpStatus } from '../../../lib/common/errors.ts';
import {
  CGROUPS_OPERATION_FAILED,
  CgroupsDetectError,
  CgroupsOperationError,
  detectCgroups,
  isCgroupsOperationError,
  openCgroups,
  type CgroupController,
  type Cgroups,
  type CgroupsLayout,
} from '../../../lib/native/index.ts';

const ALL: CgroupController[] = ['cpu', 'memory', 'pids'];

/** The control files a kernel creates in a new cgroup, per subsystem, with values to parse. */
const KERNEL_FILES: Record<string, Record<string, string>> = {
  cpu: { 'cpu.shares': '1024\n', 'cpu.cfs_period_us': '100000\n', 'cpu.cfs_quota_us': '-1\n' },
  cpuacct: { 'cpuacct.stat': 'user 300\nsystem 200\n' },
  memory: {
    'memory.limit_in_bytes': '67108864\n',
    'memory.soft_limit_in_bytes': '67108864\n',
    'memory.usage_in_bytes': '1000000\n',
    'memory.stat': 'rss 500000\ntotal_rss 600000\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
  },
  pids: { 'pids.max': 'max\n', 'pids.current': '3\n' },
  freezer: { 'freezer.state': 'THAWED\n' },
  v2: {
    'cgroup.controllers': 'cpu memory pids\n',
    'cgroup.subtree_control': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    'cgroup.kill': '',
    'cpu.weight': '100\n',
    'cpu.max': 'max 100000\n',
    'cpu.stat': 'usage_usec 3000000\nuser_usec 2500000\nsystem_usec 500000\n',
    'memory.max': 'max\n',
    'memory.low': '0\n',
    'memory.current': '12288\n',
    'memory.stat': 'anon 8192\nfile 4096\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 4\n',
    'pids.max': 'max\n',
    'pids.current': '1\n',
  },
};

/** Plays the kernel's part on mkdir: the control files of a new cgroup of `subsystems`. */
function populate(dir: string, subsystems: readonly string[]): void {
  writeFileSync(join(dir, 'cgroup.procs'), '');
  writeFileSync(join(dir, 'tasks'), '');
  for (const subsystem of subsystems) {
    for (const [name, content] of Object.entries(KERNEL_FILES[subsystem]!)) writeFileSync(join(dir, name), content);
  }
}

/** A fake v1 host (one directory per controller) in a temporary directory, removed after `body`. */
function withFakeV1(body: (layout: CgroupsLayout, root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'mesos-cgroups-test-'));
  try {
    const v1: Record<string, string> = {};
    for (const subsystem of ['cpu', 'cpuacct', 'memory', 'pids', 'freezer']) {
      v1[subsystem] = join(root, subsystem);
      mkdirSync(v1[subsystem]!);
    }
    body({ mode: 'v1', v1 }, root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A fake v2 host whose agent root `mesos` exists with the controllers available. */
function withFakeV2(body: (layout: CgroupsLayout, mount: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'mesos-cgroups-test-'));
  try {
    const mount = join(root, 'unified');
    mkdirSync(join(mount, 'mesos'), { recursive: true });
    writeFileSync(join(mount, 'mesos', 'cgroup.controllers'), 'cpu memory pids\n');
    writeFileSync(join(mount, 'mesos', 'cgroup.subtree_control'), '');
    body({ mode: 'v2', v1: {}, v2: mount }, mount);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The subsystem a fake v1 cgroup directory belongs to: the name of its mount directory. */
function subsystemOf(dir: string): string {
  return dirname(dirname(dir)).split('/').pop()!;
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Asserts that `fn` throws an instance of `type` whose message matches `pattern`; returns it. */
function throwsWith<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E, pattern: RegExp): E {
  try {
    fn();
  } catch (error) {
    assert.instance(error, type, `expected a ${type.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return error as E;
  }
  assert.unreachable(`expected a ${type.name} matching ${pattern}`);
  throw new Error('unreachable');
}

test('v1 fake tree: create, update, statistics, pids, kill, destroy', () => {
  withFakeV1((layout, root) => {
    const cgroups = openCgroups({ controllers: ALL, layout });
    assert.is(cgroups.mode, 'v1');
    cgroups.prepare();
    const dirs = cgroups.create('c1');
    assert.equal(
      dirs,
      ['cpu', 'cpuacct', 'memory', 'pids', 'freezer'].map((subsystem) => join(root, subsystem, 'mesos', 'c1')),
    );
    assert.equal(cgroups.paths('c1'), dirs);
    for (const dir of dirs) populate(dir, [subsystemOf(dir)]);

    // 0.5 cpus: 1024 * 0.5 = 512 shares, 100000 * 0.5 = 50000 us of quota; 1 MiB is raised to 32 MiB.
    cgroups.update('c1', { cpus: 0.5, cfsQuota: true, memoryBytes: 1 << 20, pidsMax: 100 });
    assert.is(read(join(root, 'cpu/mesos/c1/cpu.shares')), '512');
    assert.is(read(join(root, 'cpu/mesos/c1/cpu.cfs_period_us')), '100000');
    assert.is(read(join(root, 'cpu/mesos/c1/cpu.cfs_quota_us')), '50000');
    assert.is(read(join(root, 'memory/mesos/c1/memory.limit_in_bytes')), String(32 * 1024 * 1024));
    assert.is(read(join(root, 'memory/mesos/c1/memory.soft_limit_in_bytes')), String(32 * 1024 * 1024));
    assert.is(read(join(root, 'pids/mesos/c1/pids.max')), '100');

    // Without cfsQuota, memoryBytes or pidsMax, each limit is lifted.
    cgroups.update('c1', { cpus: 1 });
    assert.is(read(join(root, 'cpu/mesos/c1/cpu.cfs_quota_us')), '-1');
    assert.is(read(join(root, 'memory/mesos/c1/memory.limit_in_bytes')), '-1');
    assert.is(read(join(root, 'pids/mesos/c1/pids.max')), 'max');

    writeFileSync(join(root, 'memory/mesos/c1/memory.limit_in_bytes'), '67108864\n');
    const hz = 100; // USER_HZ is 100 on every Linux architecture Node runs on
    assert.equal(cgroups.statistics('c1'), {
      cpusUserTimeSecs: 300 / hz,
      cpusSystemTimeSecs: 200 / hz,
      memRssBytes: 600000,
      memUsageBytes: 1000000,
      memLimitBytes: 67108864,
      pidsCurrent: 3,
      oomKills: 1,
      underOom: false,
    });

    writeFileSync(join(root, 'cpu/mesos/c1/cgroup.procs'), '20\n10\n');
    writeFileSync(join(root, 'memory/mesos/c1/cgroup.procs'), '10\n');
    assert.equal(cgroups.pids('c1'), [10, 20]);
    assert.equal(cgroups.containers(), ['c1']);

    writeFileSync(join(root, 'cpu/mesos/c1/cgroup.procs'), '');
    writeFileSync(join(root, 'memory/mesos/c1/cgroup.procs'), '');
    cgroups.kill('c1');
    cgroups.destroy('c1');
    for (const dir of dirs) assert.not.ok(existsSync(dir), dir);
    assert.ok(existsSync(join(root, 'cpu/mesos')), 'the agent root stays');
    cgroups.destroy('c1');
    assert.equal(cgroups.containers(), []);
  });
});

test('v2 fake tree: prepare enables controllers, limits and statistics in v2 terms', () => {
  withFakeV2((layout, mount) => {
    const cgroups = openCgroups({ controllers: ['cpu'], layout });
    assert.is(cgroups.mode, 'v2');
    cgroups.prepare();
    assert.is(read(join(mount, 'mesos/cgroup.subtree_control')), '+cpu');

    const all = openCgroups({ cgroupsRoot: 'mesos', controllers: ALL, layout });
    const [dir, ...rest] = all.create('c1');
    assert.is(dir, join(mount, 'mesos/c1'));
    assert.equal(rest, []);
    populate(dir!, ['v2']);

    // cpu.weight = round(100 * 0.5) = 50; cpu.max = "<quota> <period>".
    all.update('c1', { cpus: 0.5, cfsQuota: true, memoryBytes: 100 << 20, pidsMax: 64 });
    assert.is(read(join(dir!, 'cpu.weight')), '50');
    assert.is(read(join(dir!, 'cpu.max')), '50000 100000');
    assert.is(read(join(dir!, 'memory.max')), String(100 << 20));
    assert.is(read(join(dir!, 'memory.low')), String(100 << 20));
    assert.is(read(join(dir!, 'pids.max')), '64');
    all.update('c1', { cpus: 0.5 });
    assert.is(read(join(dir!, 'cpu.max')), 'max 100000');

    assert.equal(all.statistics('c1'), {
      cpusUserTimeSecs: 2.5,
      cpusSystemTimeSecs: 0.5,
      memRssBytes: 8192,
      memUsageBytes: 12288,
      pidsCurrent: 1,
      oomKills: 4,
      underOom: false,
    });
    all.kill('c1');
    assert.is(read(join(dir!, 'cgroup.kill')), '', 'no process listed, so nothing to kill');
    all.destroy('c1');
    assert.not.ok(existsSync(dir!));
  });
});

test('v2: a controller the parent did not enable is named', () => {
  withFakeV2((layout, mount) => {
    writeFileSync(join(mount, 'mesos', 'cgroup.controllers'), 'cpu\n');
    const error = throwsWith(
      () => openCgroups({ controllers: ALL, layout }).prepare(),
      CgroupsOperationError,
      /^cgroup v2 controller "memory" is not available in ".*\/mesos" \(its cgroup.controllers lists: cpu\); enable it in ".*\/unified\/cgroup.subtree_control"$/,
    );
    assert.is(error.path, join(mount, 'mesos', 'cgroup.controllers'));
  });
});

test('failures are CgroupsOperationErrors with code, errno, syscall and path', () => {
  withFakeV1((layout, root) => {
    const cgroups = openCgroups({ controllers: ALL, layout });
    cgroups.prepare();
    const missing = throwsWith(
      () => cgroups.update('ghost', { cpus: 1 }),
      CgroupsOperationError,
      /^open\(".*\/cpu\/mesos\/ghost\/cpu.shares"\): No such file or directory$/,
    );
    assert.is(missing.code, CGROUPS_OPERATION_FAILED);
    assert.is(missing.errno, osConstants.errno.ENOENT);
    assert.is(missing.syscall, 'open');
    assert.is(missing.path, join(root, 'cpu/mesos/ghost/cpu.shares'));
    assert.ok(isCgroupsOperationError(missing));
    assert.is(httpStatus(missing), 500);
    assert.is(exitCode(missing), 74);

    for (const id of ['..', '.', '', 'a/b', '../../etc']) {
      for (const operation of [
        (c: Cgroups) => c.create(id),
        (c: Cgroups) => c.kill(id),
        (c: Cgroups) => c.destroy(id),
        (c: Cgroups) => c.update(id, { cpus: 1 }),
      ]) {
        const refused = throwsWith(() => operation(cgroups), CgroupsOperationError, /^container id /);
        assert.is(refused.errno, undefined);
      }
    }
    assert.ok(existsSync(join(root, 'cpu/mesos')), 'the agent root survived');

    cgroups.create('c1');
    throwsWith(() => cgroups.create('c1'), CgroupsOperationError, /File exists \(a cgroup left by an earlier container/);
  });
});

test('openCgroups refuses a missing controller, a bad root and an unreadable mountinfo', () => {
  withFakeV1((layout, root) => {
    const { pids: _pids, ...v1 } = layout.v1;
    throwsWith(
      () => openCgroups({ controllers: ALL, layout: { mode: 'v1', v1 } }),
      CgroupsOperationError,
      /^cgroup v1 controller "pids" is not mounted \(mounted controllers: cpu, cpuacct, freezer, memory\)$/,
    );
    throwsWith(() => openCgroups({ cgroupsRoot: '/abs', controllers: ALL, layout }), CgroupsOperationError, /is absolute/);
    throwsWith(() => openCgroups({ cgroupsRoot: '../up', controllers: ALL, layout }), CgroupsOperationError, /cgroups root/);
    const detect = throwsWith(
      () => openCgroups({ controllers: ALL, mountinfoPath: join(root, 'nope') }),
      CgroupsDetectError,
      /^open\(".*\/nope"\): No such file or directory$/,
    );
    assert.is(detect.errno, osConstants.errno.ENOENT);
  });
});

test('arguments of the wrong type or range are TypeErrors and RangeErrors', () => {
  withFakeV1((layout) => {
    throwsWith(() => openCgroups({ controllers: ['freezer' as CgroupController], layout }), TypeError, /controllers\[0\]: unknown cgroup controller "freezer"/);
    throwsWith(() => openCgroups({ controllers: 'cpu' as unknown as CgroupController[], layout }), TypeError, /controllers must be an Array/);
    throwsWith(
      () => openCgroups({ controllers: ALL, layout: { mode: 'v3' as 'v1', v1: {} } }),
      TypeError,
      /layout.mode must be 'v1', 'v2' or 'hybrid'/,
    );
    const cgroups = openCgroups({ controllers: ALL, layout });
    throwsWith(() => cgroups.create(5 as unknown as string), TypeError, /CgroupManager.create: containerId must be a string, got a number/);
    throwsWith(() => cgroups.create('a\0b'), TypeError, /must not contain NUL bytes/);
    throwsWith(() => cgroups.update('c1', { cpus: 'x' as unknown as number }), TypeError, /cpus must be a number/);
    throwsWith(() => cgroups.update('c1', { cpus: -1 }), RangeError, /cpus must be a number from 0 to 1000000, got -1/);
    throwsWith(() => cgroups.update('c1', { cpus: Number.NaN }), RangeError, /got NaN/);
    throwsWith(() => cgroups.update('c1', { cpus: 1, memoryBytes: 1.5 }), RangeError, /memoryBytes must be an integer/);
    throwsWith(() => cgroups.update('c1', { cpus: 1, pidsMax: -3 }), RangeError, /pidsMax must be an integer/);
  });
});

/** Why the real-kernel test cannot run here, or undefined. */
function realV1SkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: creating cgroups needs root';
  let layout: CgroupsLayout;
  try {
    layout = detectCgroups();
  } catch (error) {
    return `no cgroup layout: ${(error as Error).message}`;
  }
  if (layout.mode === 'v2') return 'this host has no cgroup v1 controllers';
  for (const controller of ['cpu', 'memory', 'pids', 'freezer']) {
    if (layout.v1[controller] === undefined) return `the v1 controller "${controller}" is not mounted`;
  }
  return undefined;
}

test('real v1 (root): limits read back from the kernel, a process killed, everything removed', async () => {
  const reason = realV1SkipReason();
  if (reason !== undefined) {
    console.log(`# skip: ${reason}`);
    return;
  }
  // A root unique to this run, so that nothing outside it is ever written, frozen or killed.
  const cgroupsRoot = `mesos-test-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  const cgroups = openCgroups({ cgroupsRoot, controllers: ALL });
  const agentRoots = cgroups.paths('probe').map((dir) => dirname(dir));
  const sleeper = { pid: undefined as number | undefined };
  try {
    assert.is(cgroups.mode, 'v1');
    cgroups.prepare();
    const dirs = cgroups.create('c1');
    cgroups.update('c1', { cpus: 0.25, cfsQuota: true, memoryBytes: 64 * 1024 * 1024, pidsMax: 20 });
    const inController = (controller: string, file: string): string => {
      const mount = detectCgroups().v1[controller]!;
      const dir = dirs.find((d) => d.startsWith(`${mount}/`))!;
      return read(join(dir, file));
    };
    assert.is(inController('cpu', 'cpu.shares'), '256\n');
    assert.is(inController('cpu', 'cpu.cfs_quota_us'), '25000\n');
    assert.is(inController('memory', 'memory.limit_in_bytes'), `${64 * 1024 * 1024}\n`);
    assert.is(inController('pids', 'pids.max'), '20\n');

    // A real process joins every cgroup of the container; kill() must end it with SIGKILL.
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    sleeper.pid = child.pid;
    const exited = once(child, 'exit');
    for (const dir of dirs) writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
    assert.equal(cgroups.pids('c1'), [child.pid]);
    const stats = cgroups.statistics('c1');
    assert.is(stats.pidsCurrent, 1);
    assert.is(stats.memLimitBytes, 64 * 1024 * 1024);
    assert.ok(stats.memUsageBytes >= 0);

    cgroups.kill('c1');
    assert.equal(cgroups.pids('c1'), []);
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.is(code, null);
    assert.is(signal, 'SIGKILL');
    sleeper.pid = undefined;

    cgroups.destroy('c1');
    for (const dir of dirs) assert.not.ok(existsSync(dir), dir);
    assert.equal(cgroups.containers(), []);
  } finally {
    if (sleeper.pid !== undefined) process.kill(sleeper.pid, 'SIGKILL');
    try {
      for (const id of cgroups.containers()) cgroups.destroy(id);
    } catch (error) {
      console.log(`# cleanup: ${(error as Error).message}`);
    }
    for (const dir of agentRoots) {
      try {
        rmdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.log(`# cleanup: ${(error as Error).message}`);
      }
    }
  }
});

test.run();

// The native addon through its one loader (lib/native): it loads, its cgroup detection agrees with
// this host and with the mesos-containerizer executable, and its typed-array boundary computes
// the same dominant shares as a plain JavaScript model while refusing bad arguments with
// TypeError/RangeError instead of crashing. The C++ behind it has its own tests: make -C native test.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { MesosError, exitCode, httpStatus } from '../../../lib/common/errors.ts';
import {
  CGROUPS_DETECT_FAILED,
  containerizerPath,
  detectCgroups,
  dominantShares,
  isCgroupsDetectError,
  nativeVersion,
} from '../../../lib/native/index.ts';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Writes `content` to a file in a fresh temporary directory and passes its path to `body`. */
function withFile<T>(content: string, body: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-native-test-'));
  try {
    const path = join(dir, 'mountinfo');
    writeFileSync(path, content);
    return body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that `fn` throws an instance of `type` whose message matches `pattern`. */
function throwsWith(fn: () => unknown, type: ErrorConstructor, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, type, `expected a ${type.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name} matching ${pattern}`);
}

const PURE_V2 =
  '22 28 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n' +
  '28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n' +
  '26 22 0:23 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n';

const HYBRID =
  '1 0 8:1 / / rw - ext4 /dev/sda1 rw\n' +
  '2 1 0:2 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n' +
  '3 1 0:3 / /cg/my\\040memory rw - cgroup cgroup rw,memory\n' +
  '4 1 0:4 / /cg/systemd rw - cgroup cgroup rw,xattr,name=systemd\n' +
  '5 1 0:5 / /cg/unified rw - cgroup2 cgroup2 rw\n';

test('the addon loads and reports the package version', () => {
  assert.is(nativeVersion(), packageJson.version);
});

test('detectCgroups finds this host\'s cgroup hierarchies', () => {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  // Field 9, the filesystem type, follows the " - " separator.
  const cgroupLines = mountinfo.split('\n').filter((line) => / - cgroup2? /.test(line));
  if (cgroupLines.length === 0) {
    console.log('# skip: /proc/self/mountinfo has no cgroup or cgroup2 mount on this host');
    return;
  }
  const layout = detectCgroups();
  assert.ok(['v1', 'v2', 'hybrid'].includes(layout.mode), layout.mode);
  const mountPoints = new Set(cgroupLines.map((line) => line.split(' ')[4]));
  for (const [controller, mountPoint] of Object.entries(layout.v1)) {
    assert.ok(mountPoints.has(mountPoint), `${controller} at ${mountPoint} is a cgroup mount`);
  }
  const hasV1Controllers = cgroupLines.some((line) =>
    / - cgroup \S* \S*\b(cpu|cpuacct|memory|pids|freezer|devices|blkio|cpuset)\b/.test(line),
  );
  if (hasV1Controllers) {
    assert.ok(Object.keys(layout.v1).length > 0, 'v1 controllers found');
    assert.ok(layout.mode === 'v1' || layout.mode === 'hybrid');
  }
  // Detected once: asking again gives an equal answer.
  assert.equal(detectCgroups(), layout);
});

test('detectCgroups parses a given mountinfo file', () => {
  withFile(PURE_V2, (path) => {
    assert.equal(detectCgroups(path), { mode: 'v2', v1: {}, v2: '/sys/fs/cgroup' });
  });
  withFile(HYBRID, (path) => {
    assert.equal(detectCgroups(path), {
      mode: 'hybrid',
      v1: { cpu: '/cg/cpu,cpuacct', cpuacct: '/cg/cpu,cpuacct', memory: '/cg/my memory' },
      v2: '/cg/unified',
    });
  });
  withFile('1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /cg/memory rw - cgroup cgroup rw,memory\n', (path) => {
    const layout = detectCgroups(path);
    assert.is(layout.mode, 'v1');
    assert.not.ok('v2' in layout, 'no v2 key without a cgroup2 mount');
  });
});

test('detectCgroups failures carry code, errno, syscall and path', () => {
  const missing = join(tmpdir(), 'mesos-native-test-does-not-exist', 'mountinfo');
  try {
    detectCgroups(missing);
    assert.unreachable('detectCgroups should throw');
  } catch (error) {
    assert.ok(isCgroupsDetectError(error));
    assert.instance(error, Error);
    const e = error as Error & { code: string; errno: number; syscall: string; path: string };
    assert.is(e.code, CGROUPS_DETECT_FAILED);
    assert.is(e.errno, osConstants.errno.ENOENT);
    assert.is(e.syscall, 'open');
    assert.is(e.path, missing);
    assert.is(e.message, `open("${missing}"): No such file or directory`);
    // A registered error: the one mapping gives its exit code and HTTP status.
    assert.instance(error, MesosError);
    assert.is(exitCode(error), 74);
    assert.is(httpStatus(error), 500);
  }
  withFile('this is not mountinfo\n', (path) => {
    try {
      detectCgroups(path);
      assert.unreachable('detectCgroups should throw');
    } catch (error) {
      assert.ok(isCgroupsDetectError(error));
      assert.match((error as Error).message, `${path}:1: malformed mountinfo line`);
      assert.not.ok('errno' in (error as object), 'a parse error has no errno');
    }
  });
  withFile('1 0 8:1 / / rw - ext4 /dev/sda1 rw\n', (path) => {
    throwsWith(() => detectCgroups(path), Error, /no cgroup hierarchy is mounted/);
  });
});

test('detectCgroups rejects arguments of the wrong type', () => {
  throwsWith(() => detectCgroups(5 as unknown as string), TypeError, /mountinfoPath must be a string, got a number/);
  throwsWith(() => detectCgroups(null as unknown as string), TypeError, /got null/);
  throwsWith(() => detectCgroups('/proc/self/mountinfo\0x'), TypeError, /must not contain NUL/);
});

test('dominantShares: the DRF paper example', () => {
  // total {cpus: 9, mem: 18}; A holds {1, 4} -> mem share 4/18; B holds {3, 1} -> cpus share 3/9.
  const shares = dominantShares(
    new Float64Array([1, 4, 3, 1]),
    new Float64Array([9, 18]),
    new Uint8Array([0, 0]),
    new Float64Array([1, 2]),
  );
  assert.instance(shares, Float64Array);
  assert.equal(Array.from(shares), [4 / 18, 3 / 9 / 2]);
  // Excluding mem leaves A with cpus 1/9.
  const excluded = dominantShares(new Float64Array([1, 4]), new Float64Array([9, 18]), new Uint8Array([0, 1]), new Float64Array([1]));
  assert.equal(Array.from(excluded), [1 / 9]);
  // No clients, no names: an empty answer, not an error.
  assert.is(dominantShares(new Float64Array(0), new Float64Array(0), new Uint8Array(0), new Float64Array(0)).length, 0);
  assert.equal(Array.from(dominantShares(new Float64Array(0), new Float64Array(0), new Uint8Array(0), new Float64Array([1, 1]))), [0, 0]);
});

test('dominantShares reads typed-array views at their offsets', () => {
  const backing = new Float64Array([99, 99, 1, 4, 3, 1, 99]);
  const shares = dominantShares(backing.subarray(2, 6), new Float64Array([9, 18]), new Uint8Array(2), new Float64Array([1, 1]));
  assert.equal(Array.from(shares), [4 / 18, 3 / 9]);
});

/** The model: Mesos's fixed-point amounts (thousandths, rounded to nearest) and DRF's max ratio. */
function modelShares(allocated: readonly number[], total: readonly number[], excluded: readonly boolean[], weights: readonly number[]): number[] {
  const names = total.length;
  return weights.map((weight, client) => {
    let share = 0;
    for (let name = 0; name < names; name++) {
      if (excluded[name]) continue;
      const available = Math.round(total[name]! * 1000);
      if (available === 0) continue;
      share = Math.max(share, Math.round(allocated[client * names + name]! * 1000) / available);
    }
    return share / weight;
  });
}

test('dominantShares matches the JavaScript model on random batches', () => {
  const amount = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 100_000 }).map((thousandths) => thousandths / 1000),
    fc.double({ min: 0, max: 1e12, noNaN: true }),
    fc.double({ min: 0, max: 0.002, noNaN: true }),
  );
  const batch = fc
    .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 6 }))
    .chain(([clients, names]) =>
      fc.record({
        allocated: fc.array(amount, { minLength: clients * names, maxLength: clients * names }),
        total: fc.array(amount, { minLength: names, maxLength: names }),
        excluded: fc.array(fc.boolean(), { minLength: names, maxLength: names }),
        weights: fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: clients, maxLength: clients }),
      }),
    );
  fc.assert(
    fc.property(batch, ({ allocated, total, excluded, weights }) => {
      const shares = dominantShares(
        Float64Array.from(allocated),
        Float64Array.from(total),
        Uint8Array.from(excluded, (flag) => (flag ? 1 : 0)),
        Float64Array.from(weights),
      );
      // Same IEEE operations on the same integers: equal to the last bit.
      assert.equal(Array.from(shares), modelShares(allocated, total, excluded, weights));
    }),
    { numRuns: 500 },
  );
});

test('dominantShares rejects missing arguments and wrong array types with TypeError', () => {
  const call = dominantShares as unknown as (...args: unknown[]) => Float64Array;
  const f64 = (n: number): Float64Array => new Float64Array(n);
  throwsWith(() => call(), TypeError, /allocated must be a Float64Array, got undefined/);
  throwsWith(() => call(f64(2), f64(2), new Uint8Array(2)), TypeError, /weights must be a Float64Array, got undefined/);
  throwsWith(() => call([1, 2], f64(2), new Uint8Array(2), f64(1)), TypeError, /allocated must be a Float64Array, got an Array/);
  throwsWith(() => call(new Float32Array(2), f64(2), new Uint8Array(2), f64(1)), TypeError, /allocated must be a Float64Array, got a Float32Array/);
  throwsWith(() => call(f64(2), 'total', new Uint8Array(2), f64(1)), TypeError, /total must be a Float64Array, got a string/);
  throwsWith(() => call(f64(2), f64(2), f64(2), f64(1)), TypeError, /excluded must be a Uint8Array, got a Float64Array/);
  throwsWith(() => call(f64(2), f64(2), new Int8Array(2), f64(1)), TypeError, /excluded must be a Uint8Array, got an Int8Array/);
  throwsWith(() => call(f64(2), f64(2), new Uint8Array(2), { length: 1 }), TypeError, /weights must be a Float64Array, got an object/);
  throwsWith(() => call(f64(2), f64(2), new Uint8Array(2), f64(1).buffer), TypeError, /got an ArrayBuffer/);
});

test('dominantShares rejects wrong lengths and bad values with RangeError', () => {
  const ok = { allocated: new Float64Array([1, 2]), total: new Float64Array([4, 4]), excluded: new Uint8Array(2), weights: new Float64Array([1]) };
  const run = (change: Partial<typeof ok>): Float64Array => {
    const a = { ...ok, ...change };
    return dominantShares(a.allocated, a.total, a.excluded, a.weights);
  };
  assert.equal(Array.from(run({})), [0.5]);
  throwsWith(() => run({ allocated: new Float64Array(3) }), RangeError, /allocated must have weights.length \* total.length = 1 \* 2 elements.*got length 3/);
  throwsWith(() => run({ weights: new Float64Array([1, 1]) }), RangeError, /= 2 \* 2 elements/);
  throwsWith(() => run({ excluded: new Uint8Array(3) }), RangeError, /excluded must have one flag per resource name \(total.length = 2\), got length 3/);
  throwsWith(() => run({ total: new Float64Array(0) }), RangeError, /excluded must have one flag per resource name/);
  throwsWith(() => run({ allocated: new Float64Array([1, -1]) }), RangeError, /allocated\[1\] must be a finite number >= 0.*got -1/);
  throwsWith(() => run({ allocated: new Float64Array([Number.NaN, 1]) }), RangeError, /allocated\[0\].*got NaN$/);
  throwsWith(() => run({ total: new Float64Array([4, Number.POSITIVE_INFINITY]) }), RangeError, /total\[1\].*got Infinity$/);
  throwsWith(() => run({ total: new Float64Array([1e16, 1]) }), RangeError, /total\[0\].*9\.2e15/);
  throwsWith(() => run({ weights: new Float64Array([0]) }), RangeError, /weights\[0\] must be a finite number > 0, got 0/);
  throwsWith(() => run({ weights: new Float64Array([-2]) }), RangeError, /weights\[0\].*got -2/);
  throwsWith(() => run({ weights: new Float64Array([Number.NaN]) }), RangeError, /weights\[0\]/);
  // The second client's row is reported with its flat index.
  throwsWith(
    () => run({ allocated: new Float64Array([1, 1, 1, -3]), weights: new Float64Array([1, 1]) }),
    RangeError,
    /allocated\[3\]/,
  );
});

test('containerizerPath points at the built mesos-containerizer', () => {
  const path = containerizerPath();
  assert.ok(isAbsolute(path));
  assert.match(path, /build\/Release\/mesos-containerizer$/);

  const help = spawnSync(path, ['--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, 'usage: mesos-containerizer');

  const unknown = spawnSync(path, ['frobnicate'], { encoding: 'utf8' });
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, "unknown command 'frobnicate'");

  // The executable and the addon share one detection: same file, same answer.
  withFile(HYBRID, (mountinfo) => {
    const printed = spawnSync(path, ['cgroups', `--mountinfo=${mountinfo}`], { encoding: 'utf8' });
    assert.is(printed.status, 0, printed.stderr);
    assert.equal(JSON.parse(printed.stdout), detectCgroups(mountinfo));
  });
});

test.run();

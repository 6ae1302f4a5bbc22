// The agent's flag rules: --isolation, detected resources, --attributes and --master.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { agentResources, defaultIsolation, parseAttributes, parseIsolation, parseMasterAddress } from '../../../lib/agent/config.ts';
import { isMesosError } from '../../../lib/common/errors.ts';

function throwsFlag(body: () => unknown, pattern: RegExp): void {
  try {
    body();
  } catch (err) {
    assert.ok(isMesosError(err) && err.code === 'INVALID_FLAG', String(err));
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an INVALID_FLAG error');
}

test('--isolation: names, aliases, implied namespaces, and unknown isolators', () => {
  const isolation = parseIsolation('cgroups/cpu,cgroups/mem,namespaces/pid');
  assert.equal(isolation.controllers, ['cpu', 'memory']);
  assert.equal(isolation.namespaces, ['mount', 'pid'], 'a pid namespace needs its own /proc, so a mount namespace');
  assert.equal(parseIsolation('cgroups').isolators, ['cgroups/cpu', 'cgroups/mem']);
  assert.equal(parseIsolation('process').controllers, []);
  assert.equal(parseIsolation('filesystem/linux,namespaces/ipc').namespaces, ['mount', 'ipc']);
  assert.equal(parseIsolation('cgroups/cpu,cgroups/cpu').isolators, ['cgroups/cpu']);
  throwsFlag(() => parseIsolation('cgroups/cpu,gpu/magic'), /Unknown or unsupported isolator 'gpu\/magic'/);
});

test('the default isolation is what the host supports', () => {
  assert.equal(defaultIsolation(false, ['cpu', 'memory']).isolators, ['posix/cpu', 'posix/mem']);
  const root = defaultIsolation(true, ['cpu', 'cpuacct', 'memory', 'freezer']);
  assert.equal(root.controllers, ['cpu', 'memory'], 'no pids controller, no cgroups/pids');
  assert.equal(root.namespaces, ['mount', 'pid', 'ipc']);
});

test('resources: given kinds are kept, missing ones detected; bad text is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-ts-config-'));
  try {
    const given = agentResources('cpus:2;mem:512;disk:100;ports:[1000-1001]', dir).toArray();
    assert.equal(given.map((r) => r.name).sort(), ['cpus', 'disk', 'mem', 'ports']);
    assert.is(given.find((r) => r.name === 'mem')!.scalar!.value, 512);
    const detected = agentResources(undefined, dir).toArray();
    assert.equal(detected.map((r) => r.name).sort(), ['cpus', 'disk', 'mem', 'ports']);
    assert.ok(detected.find((r) => r.name === 'cpus')!.scalar!.value >= 1);
    assert.equal(detected.find((r) => r.name === 'ports')!.ranges!.range, [{ begin: 31000, end: 32000 }]);
    const partial = agentResources('cpus:1;gpus:0', dir).toArray();
    assert.ok(partial.some((r) => r.name === 'mem') && partial.find((r) => r.name === 'cpus')!.scalar!.value === 1);
    for (const bad of ['cpus:lots', 'mem:-5', 'cpus:1;;ports:[5-1]', 'mem:NaN']) {
      assert.throws(() => agentResources(bad, dir), undefined, bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--attributes: scalar, text, ranges and sets', () => {
  assert.equal(parseAttributes('rack:r1;slots:4;ports:[1-2,5-6];zones:{a,b}'), [
    { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
    { name: 'slots', type: 'SCALAR', scalar: { value: 4 } },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }, { begin: 5, end: 6 }] } },
    { name: 'zones', type: 'SET', set: { item: ['a', 'b'] } },
  ]);
  throwsFlag(() => parseAttributes('rack'), /Invalid attribute 'rack'/);
  throwsFlag(() => parseAttributes(':x'), /Invalid attribute/);
});

test('--master: host:port only', () => {
  assert.equal(parseMasterAddress('127.0.0.1:5050'), { host: '127.0.0.1', port: 5050 });
  assert.equal(parseMasterAddress('http://master.example:5050/'), { host: 'master.example', port: 5050 });
  assert.equal(parseMasterAddress('[::1]:5050'), { host: '::1', port: 5050 });
  for (const bad of ['nowhere', 'host:0', 'host:70000', 'zk://h:2181/mesos', '']) throwsFlag(() => parseMasterAddress(bad), /Expecting <host>:<port>/);
});

test.run();

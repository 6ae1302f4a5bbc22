// The pure side of `mesosctl run` (lib/cli/run.ts): options checked before anything is sent, the
// framework and task built from them, the offer choice, and the exit code a task's end becomes.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  RUN_EXIT, carveResources, chooseOffer, commandInfoFor, frameworkInfoFor, offerFits, parseRunSpec, signalNumber, taskEnd,
  taskIdFor, taskInfoFor, type RunSpec,
} from '../../../lib/cli/run.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { rejects } from '../../helpers/assert-error.ts';

function scalar(name: string, value: number, extra: Partial<v1.Resource> = {}): v1.Resource {
  return { name, type: 'SCALAR', scalar: { value }, role: '*', allocation_info: { role: '*' }, ...extra };
}

function offer(id: string, resources: v1.Resource[]): v1.Offer {
  return { id: { value: id }, framework_id: { value: 'fw' }, agent_id: { value: `agent-${id}` }, hostname: 'h', resources };
}

function status(state: v1.TaskState, fields: Partial<v1.TaskStatus> = {}): v1.TaskStatus {
  return { task_id: { value: 't' }, state, ...fields };
}

const spec = (words: string[], flags = {}): RunSpec => parseRunSpec(words, flags);

test('defaults: shell, cpus 0.1, mem 32, role *, the program as the name', () => {
  const s = spec(['echo', 'hello']);
  assert.is(s.shell, true);
  assert.is(s.cpus, 0.1);
  assert.is(s.mem, 32);
  assert.is(s.disk, undefined);
  assert.is(s.role, '*');
  assert.is(s.name, 'echo');
  assert.is(s.checkpoint, false);
  assert.is(spec(['/usr/bin/python3 -c x']).name, 'python3');
});

test('bad input is one INVALID_FLAG line naming the flag', () => {
  rejects(() => spec([]), 'INVALID_FLAG', /no command to run/);
  rejects(() => spec(['  ']), 'INVALID_FLAG', /no command to run/);
  rejects(() => spec(['x'], { cpus: 'abc' }), 'INVALID_FLAG', "invalid --cpus 'abc': expected a number > 0");
  rejects(() => spec(['x'], { cpus: '-1' }), 'INVALID_FLAG', /--cpus '-1'/);
  rejects(() => spec(['x'], { cpus: '0' }), 'INVALID_FLAG', /--cpus '0'/);
  rejects(() => spec(['x'], { cpus: '0.0001' }), 'INVALID_FLAG', /too small/);
  rejects(() => spec(['x'], { mem: 'Infinity' }), 'INVALID_FLAG', /--mem/);
  rejects(() => spec(['x'], { disk: '-5' }), 'INVALID_FLAG', /--disk '-5': expected a number >= 0/);
  rejects(() => spec(['x'], { env: ['NOEQUALS'] }), 'INVALID_FLAG', "invalid --env 'NOEQUALS': expected NAME=VALUE");
  rejects(() => spec(['x'], { env: ['=v'] }), 'INVALID_FLAG', /expected NAME=VALUE/);
  rejects(() => spec(['x'], { killAfter: 'soon' }), 'INVALID_FLAG', /--kill-after 'soon'/);
  rejects(() => spec(['x'], { killAfter: '0secs' }), 'INVALID_FLAG', /must be more than 0/);
  rejects(() => spec(['x'], { role: 'a//b' }), 'INVALID_ROLE', /--role 'a\/\/b'/);
  rejects(() => spec(['x'], { uri: [''] }), 'INVALID_FLAG', /--uri/);
});

test('values are read as Mesos keeps them: three decimals, durations in both forms, env values with =', () => {
  const s = spec(['x'], { cpus: '0.12345', mem: '64', disk: '0', env: ['A=1', 'B=x=y'], killAfter: '1secs', offerTimeout: '2s' });
  assert.is(s.cpus, 0.123);
  assert.is(s.mem, 64);
  assert.is(s.disk, 0);
  assert.equal(s.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'x=y' }]);
  assert.is(s.killAfterMs, 1000);
  assert.is(s.offerTimeoutMs, 2000);
});

test('shell: the words joined for sh -c; no shell: value is the program and arguments the whole argv', () => {
  const shell = commandInfoFor(spec(['echo', '$HOME;', 'exit 3'], { env: ['A=1'], uri: ['http://x/a.tgz'], user: 'nobody' }));
  assert.equal(shell, {
    uris: [{ value: 'http://x/a.tgz' }],
    environment: { variables: [{ name: 'A', type: 'VALUE', value: '1' }] },
    shell: true,
    value: 'echo $HOME; exit 3',
    user: 'nobody',
  });
  const argv = commandInfoFor(spec(['sh', '-c', 'echo oops >&2; exit 3'], { shell: false }));
  assert.equal(argv, { shell: false, value: 'sh', arguments: ['sh', '-c', 'echo oops >&2; exit 3'] });
});

test('the framework: one role, MULTI_ROLE, TASK_KILLING_STATE, failover_timeout 0, not partition-aware', () => {
  const info = frameworkInfoFor(spec(['x'], { role: 'web', checkpoint: true }), 'alice', 'host1');
  assert.equal(info, {
    user: 'alice', name: 'mesosctl run x', failover_timeout: 0, checkpoint: true, roles: ['web'], hostname: 'host1',
    capabilities: [{ type: 'MULTI_ROLE' }, { type: 'TASK_KILLING_STATE' }],
  });
  assert.is(frameworkInfoFor(spec(['x'], { user: 'bob' }), 'alice').user, 'bob');
});

test('task ids are the name\'s ID-safe characters and a suffix', () => {
  assert.is(taskIdFor('echo', '1a2b3c4d'), 'echo-1a2b3c4d');
  assert.is(taskIdFor('my task/1', 'ff'), 'my-task-1-ff');
  assert.is(taskIdFor('..', 'ff'), 'task-ff');
});

test('carveResources takes the needed amounts from the offered resources, as offered', () => {
  // Worked example: cpus 0.5 reserved to web and 2 unreserved, 1 needed: 0.5 reserved, then 0.5 unreserved.
  const reserved = scalar('cpus', 0.5, { role: 'web', reservations: [{ type: 'STATIC', role: 'web' }] });
  const offered = [reserved, scalar('cpus', 2), scalar('mem', 1024)];
  assert.equal(carveResources(offered, [['cpus', 1], ['mem', 32]]), [
    { ...reserved, scalar: { value: 0.5 } },
    scalar('cpus', 0.5),
    scalar('mem', 32),
  ]);
  assert.is(carveResources(offered, [['cpus', 3]]), undefined);
  assert.is(carveResources(offered, [['disk', 1]]), undefined);
  // Fixed point: 0.1 + 0.2 cover 0.3 exactly.
  assert.ok(carveResources([scalar('cpus', 0.1), scalar('cpus', 0.2)], [['cpus', 0.3]]));
  // Revocable resources are never used.
  assert.is(carveResources([scalar('cpus', 4, { revocable: {} })], [['cpus', 1]]), undefined);
});

test('chooseOffer launches on the first offer that fits and declines the rest', () => {
  const s = spec(['x'], { cpus: '1', mem: '128' });
  const small = offer('a', [scalar('cpus', 0.5), scalar('mem', 1024)]);
  const big = offer('b', [scalar('cpus', 4), scalar('mem', 1024)]);
  const other = offer('c', [scalar('cpus', 4), scalar('mem', 1024)]);
  assert.is(offerFits(small, s), false);
  const choice = chooseOffer([small, big, other], s);
  assert.is(choice.launch, big);
  assert.equal(choice.decline, [{ value: 'a' }, { value: 'c' }]);
  assert.equal(chooseOffer([small], s), { launch: undefined, decline: [{ value: 'a' }] });
  const task = taskInfoFor(s, 'x-1', big);
  assert.equal(task.agent_id, { value: 'agent-b' });
  assert.equal(task.resources, [scalar('cpus', 1), scalar('mem', 128)]);
  assert.is(task.command?.value, 'x');
});

test('signalNumber reads strsignal texts, names and numbers', () => {
  assert.is(signalNumber('Killed'), 9);
  assert.is(signalNumber('Terminated'), 15);
  assert.is(signalNumber('Segmentation fault'), 11);
  assert.is(signalNumber('SIGINT'), 2);
  assert.is(signalNumber('HUP'), 1);
  assert.is(signalNumber('9'), 9);
  assert.is(signalNumber('Real-time signal 2'), 36);
  assert.is(signalNumber('Unknown signal 99'), 99);
  assert.is(signalNumber('nonsense'), undefined);
});

test('taskEnd: the exit code of every way a task ends', () => {
  const cases: [v1.TaskStatus, Parameters<typeof taskEnd>[1], number, boolean][] = [
    [status('TASK_FINISHED', { message: 'Command exited with status 0' }), undefined, 0, false],
    [status('TASK_FAILED', { message: 'Command exited with status 3' }), undefined, 3, false],
    [status('TASK_FAILED', { message: 'Command exited with status 255' }), undefined, 255, false],
    [status('TASK_FAILED', { message: 'Command terminated with signal Killed' }), undefined, 137, true],
    [status('TASK_FAILED', { message: 'Command terminated with signal Segmentation fault' }), undefined, 139, true],
    [status('TASK_FAILED', { reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'Memory limit exceeded' }), undefined, 137, true],
    [status('TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: 'no such program' }), undefined, RUN_EXIT.launchFailed, true],
    [status('TASK_FAILED', { reason: 'REASON_EXECUTOR_TERMINATED' }), undefined, RUN_EXIT.failed, true],
    [status('TASK_KILLED'), 'kill-after', 124, true],
    [status('TASK_KILLED'), 'SIGINT', 130, true],
    [status('TASK_KILLED'), 'SIGTERM', 143, true],
    [status('TASK_KILLED', { reason: 'REASON_AGENT_DRAINING' }), undefined, RUN_EXIT.killed, true],
    [status('TASK_ERROR', { message: 'bad' }), undefined, RUN_EXIT.error, true],
    [status('TASK_LOST'), undefined, RUN_EXIT.lost, true],
    [status('TASK_DROPPED'), undefined, RUN_EXIT.lost, true],
    [status('TASK_GONE_BY_OPERATOR'), undefined, RUN_EXIT.lost, true],
  ];
  for (const [s, cause, code, noted] of cases) {
    const end = taskEnd(s, cause);
    assert.is(end.exitCode, code, `${s.state} ${s.message ?? s.reason ?? ''} ${cause ?? ''}`);
    assert.is(end.note !== undefined, noted, `note for ${s.state}`);
  }
  // The distinct codes really are distinct, and below the signal range.
  const codes = [RUN_EXIT.killed, RUN_EXIT.lost, RUN_EXIT.error, RUN_EXIT.killAfter, RUN_EXIT.failed, RUN_EXIT.launchFailed];
  assert.is(new Set(codes).size, codes.length);
  assert.ok(codes.every((c) => c > 0 && c < 128));
});

test.run();

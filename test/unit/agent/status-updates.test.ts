// The status update manager: one stream per task, only the head in flight, retries with backoff
// until acknowledged, duplicates recognised by uuid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { StatusUpdateManager } from '../../../lib/agent/status-updates.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

function status(taskId: string, state: v1.TaskState, uuid: string): v1.TaskStatus {
  return { task_id: { value: taskId }, state, uuid };
}

function harness(options: { up?: boolean; retryMinMs?: number; retryMaxMs?: number } = {}) {
  const sent: { frameworkId: string; status: v1.TaskStatus; latest: v1.TaskState }[] = [];
  const link = { up: options.up ?? true };
  const manager = new StatusUpdateManager({
    send: (frameworkId, s, latest) => {
      if (link.up) sent.push({ frameworkId, status: s, latest });
      return link.up;
    },
    retryMinMs: options.retryMinMs ?? 60_000,
    retryMaxMs: options.retryMaxMs ?? 600_000,
  });
  return { sent, link, manager };
}

test('only the head of a stream is in flight; the next goes out when the head is acknowledged', () => {
  const { sent, manager } = harness();
  manager.update('f', status('t', 'TASK_STARTING', 'u1'));
  manager.update('f', status('t', 'TASK_RUNNING', 'u2'));
  manager.update('f', status('t', 'TASK_FINISHED', 'u3'));
  assert.equal(sent.map((s) => s.status.uuid), ['u1']);
  assert.is(sent[0]!.latest, 'TASK_STARTING');
  assert.is(manager.state('f', 't')!.latestState, 'TASK_FINISHED');
  assert.is(manager.acknowledge('f', 't', 'u1')!.state, 'TASK_STARTING');
  assert.equal(sent.map((s) => s.status.uuid), ['u1', 'u2']);
  // The next head carries the task's latest state, as Mesos's `latest_state`.
  assert.is(sent[1]!.latest, 'TASK_FINISHED');
  manager.stop();
});

test('stale, unknown and duplicate acknowledgements change nothing', () => {
  const { sent, manager } = harness();
  manager.update('f', status('t', 'TASK_STARTING', 'u1'));
  manager.update('f', status('t', 'TASK_RUNNING', 'u2'));
  assert.is(manager.acknowledge('f', 't', 'u2'), undefined, 'not the head');
  assert.is(manager.acknowledge('f', 'other', 'u1'), undefined, 'unknown stream');
  assert.is(manager.acknowledge('g', 't', 'u1'), undefined, 'other framework');
  assert.ok(manager.acknowledge('f', 't', 'u1'));
  assert.is(manager.acknowledge('f', 't', 'u1'), undefined, 'a second ack of the same uuid');
  assert.equal(manager.state('f', 't')!.pending.map((s) => s.uuid), ['u2']);
  assert.is(sent.length, 2);
  manager.stop();
});

test('an update whose uuid the stream has seen is a duplicate and is dropped', () => {
  const { manager } = harness();
  assert.ok(manager.update('f', status('t', 'TASK_RUNNING', 'u1')));
  assert.not.ok(manager.update('f', status('t', 'TASK_RUNNING', 'u1')));
  manager.acknowledge('f', 't', 'u1');
  assert.not.ok(manager.update('f', status('t', 'TASK_RUNNING', 'u1')), 'even after it was acknowledged');
  assert.is(manager.state('f', 't')!.pending.length, 0);
  manager.stop();
});

test('an unacknowledged head is retried with exponential backoff', async () => {
  const { sent, manager } = harness({ retryMinMs: 20, retryMaxMs: 80 });
  manager.update('f', status('t', 'TASK_RUNNING', 'u1'));
  await new Promise((r) => setTimeout(r, 400));
  // Resent until acknowledged (how often depends on the machine's timers, so only "more than once").
  assert.ok(sent.length >= 2, `${sent.length} sends`);
  assert.ok(sent.every((s) => s.status.uuid === 'u1'));
  manager.acknowledge('f', 't', 'u1');
  const after = sent.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.is(sent.length, after, 'no retry after the acknowledgement');
  manager.stop();
});

test('an update is not sent before it is durable; durable() sends it when it is the head', () => {
  const { sent, manager } = harness();
  manager.update('f', status('t', 'TASK_RUNNING', 'u1'), false);
  assert.is(sent.length, 0, 'its checkpoint is still being written');
  manager.update('f', status('t', 'TASK_FINISHED', 'u2'), false);
  manager.durable('f', 't', 'u2');
  assert.is(sent.length, 0, 'not the head');
  manager.durable('f', 't', 'u1');
  assert.equal(sent.map((s) => s.status.uuid), ['u1']);
  manager.acknowledge('f', 't', 'u1');
  assert.equal(sent.map((s) => s.status.uuid), ['u1', 'u2']);
  manager.resendAll();
  manager.stop();
});

test('with the link down nothing is lost: resendAll sends every head, and recover restores a stream', () => {
  const { sent, link, manager } = harness({ up: false });
  manager.update('f', status('a', 'TASK_RUNNING', 'a1'));
  manager.update('f', status('b', 'TASK_RUNNING', 'b1'));
  manager.update('f', status('b', 'TASK_FINISHED', 'b2'));
  assert.is(sent.length, 0);
  link.up = true;
  manager.resendAll();
  assert.equal(sent.map((s) => s.status.uuid).sort(), ['a1', 'b1']);

  const restored = harness();
  restored.manager.recover(manager.state('f', 'b')!);
  assert.not.ok(restored.manager.update('f', status('b', 'TASK_FINISHED', 'b2')), 'recovered uuids count as seen');
  restored.manager.resendAll();
  assert.equal(restored.sent.map((s) => s.status.uuid), ['b1']);
  assert.is(restored.sent[0]!.latest, 'TASK_FINISHED');
  manager.stop();
  restored.manager.stop();
});

test.run();

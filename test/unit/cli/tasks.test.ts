// The pure side of `mesosctl task` (lib/cli/tasks.ts): which task an id names, filters, the
// document `task list` and `task show` print.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  containerIdOf, filterTasks, findTask, listTasks, parseLineCount, parseTaskState, taskRow, taskSummary,
} from '../../../lib/cli/tasks.ts';
import type * as master from '../../../lib/types/master.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import { rejects } from '../../helpers/assert-error.ts';

function task(id: string, framework: string, state: v1.TaskState, fields: Partial<v1.Task> = {}): v1.Task {
  return { name: `name-${id}`, task_id: { value: id }, framework_id: { value: framework }, agent_id: { value: 'S0' }, state, ...fields };
}

const BOOKS: master.Response.GetTasks = {
  tasks: [task('web-1', 'fw1', 'TASK_RUNNING'), task('dup', 'fw1', 'TASK_RUNNING')],
  unreachable_tasks: [task('far', 'fw2', 'TASK_UNREACHABLE')],
  completed_tasks: [task('dup', 'fw2', 'TASK_FINISHED'), task('old', 'fw2', 'TASK_FAILED'), task('old', 'fw2', 'TASK_FINISHED')],
};

test('parseTaskState takes Mesos names and short ones', () => {
  assert.is(parseTaskState('running'), 'TASK_RUNNING');
  assert.is(parseTaskState('TASK_FAILED'), 'TASK_FAILED');
  assert.is(parseTaskState('gone-by-operator'), 'TASK_GONE_BY_OPERATOR');
  rejects(() => parseTaskState('sleeping'), 'INVALID_FLAG', /invalid --state 'sleeping': expected one of staging, starting, running/);
  assert.is(parseLineCount('20', '--tail'), 20);
  rejects(() => parseLineCount('-1', '--tail'), 'INVALID_FLAG', "invalid --tail '-1': expected a whole number of lines");
});

test('listTasks: the books and unreachable ones; completed ones only with all', () => {
  assert.equal(listTasks(BOOKS, false).map((t) => `${t.task.task_id.value}:${t.list}`), ['web-1:active', 'dup:active', 'far:unreachable']);
  assert.is(listTasks(BOOKS, true).length, 6);
  const filtered = filterTasks(listTasks(BOOKS, true), { framework: 'fw2', state: 'TASK_FINISHED' });
  assert.equal(filtered.map((t) => t.task.task_id.value), ['dup', 'old']);
});

test('findTask: exact ids, unique prefixes, live before completed, newest completed, ambiguity', () => {
  assert.is(findTask(BOOKS, 'web-1').task.framework_id.value, 'fw1');
  assert.is(findTask(BOOKS, 'we').task.task_id.value, 'web-1');
  // A live task wins over a completed one of the same id in another framework.
  assert.is(findTask(BOOKS, 'dup').task.framework_id.value, 'fw1');
  assert.is(findTask(BOOKS, 'dup', 'fw2').task.state, 'TASK_FINISHED');
  // Of a relaunched id, the newest (last listed) completed run.
  assert.is(findTask(BOOKS, 'old').task.state, 'TASK_FINISHED');
  rejects(() => findTask(BOOKS, 'nope'), 'BAD_REQUEST', "no task has the id 'nope' ('mesosctl task list --all' shows them)");
  rejects(() => findTask(BOOKS, 'd', 'fw9'), 'BAD_REQUEST', /in framework fw9/);
  const clash: master.Response.GetTasks = { tasks: [task('x', 'fw1', 'TASK_RUNNING'), task('x', 'fw2', 'TASK_RUNNING'), task('xy', 'fw1', 'TASK_RUNNING')] };
  rejects(() => findTask(clash, 'x'), 'BAD_REQUEST', /used by 2 frameworks \(fw1, fw2\): pick one with --framework/);
  assert.is(findTask(clash, 'x', 'fw2').task.framework_id.value, 'fw2');
  const prefixes: master.Response.GetTasks = { tasks: [task('ab1', 'fw', 'TASK_RUNNING'), task('ab2', 'fw', 'TASK_RUNNING')] };
  rejects(() => findTask(prefixes, 'ab'), 'BAD_REQUEST', /'ab' is the start of 2 task ids \(ab1, ab2\)/);
});

test('taskSummary: every documented field, null when unknown', () => {
  const t = task('t', 'fw', 'TASK_FAILED', {
    executor_id: { value: 'e' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.2 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
    statuses: [
      { task_id: { value: 't' }, state: 'TASK_RUNNING', timestamp: 1_700_000_000, source: 'SOURCE_EXECUTOR', container_status: { container_id: { value: 'c1' } } },
      { task_id: { value: 't' }, state: 'TASK_FAILED', timestamp: 1_700_000_010.5, message: 'Command exited with status 3' },
    ],
  });
  const summary = taskSummary({ task: t, list: 'completed' });
  assert.equal(summary, {
    id: 't', name: 'name-t', state: 'TASK_FAILED', list: 'completed', framework_id: 'fw', agent_id: 'S0', executor_id: 'e',
    container_id: 'c1', started_time: '2023-11-14T22:13:20.000Z', updated_time: '2023-11-14T22:13:30.500Z',
    reason: null, message: 'Command exited with status 3', resources: { cpus: 0.3, mem: 32 },
    statuses: [
      { state: 'TASK_RUNNING', time: '2023-11-14T22:13:20.000Z', source: 'SOURCE_EXECUTOR', reason: null, message: null },
      { state: 'TASK_FAILED', time: '2023-11-14T22:13:30.500Z', source: null, reason: null, message: 'Command exited with status 3' },
    ],
  });
  const bare = taskSummary({ task: task('s', 'fw', 'TASK_STAGING'), list: 'active' });
  assert.equal([bare.executor_id, bare.container_id, bare.started_time, bare.reason, bare.statuses], [null, null, null, null, []]);
  assert.is(containerIdOf(t), 'c1');
  const row = taskRow(summary, Date.parse('2023-11-14T22:15:20.000Z'));
  assert.equal(row.map((c) => (typeof c === 'string' ? c : c.text)), ['t', 'name-t', 'TASK_FAILED', '0.3', '32MB', '2m', 'fw', 'S0']);
});

test.run();

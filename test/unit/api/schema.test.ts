import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proto } from '../../../lib/api/schema/dsl.ts';
import { schema } from '../../../lib/api/schema/index.ts';
import { Registry, SchemaError } from '../../../lib/api/schema/registry.ts';
import { generateTypes } from '../../../lib/api/schema/typegen.ts';

function throwsSchema(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, SchemaError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a SchemaError matching ${pattern}`);
}

test('field lines parse with labels, defaults, deprecation and maps', () => {
  const r = new Registry([proto('t', {
    M: [
      'required string a = 1',
      'optional double b = 2 [default = 0.5]',
      'optional string c = 3 [default = "x,y", deprecated]',
      'repeated M d = 4',
      'map<string, M> e = 5',
      'optional bool f = 6 [default = true]',
    ],
  })]);
  const m = r.message('t.M');
  assert.equal(m.fields.map((f) => [f.name, f.label, f.defaultValue, f.deprecated]), [
    ['a', 'required', undefined, false],
    ['b', 'optional', 0.5, false],
    ['c', 'optional', 'x,y', true],
    ['d', 'repeated', undefined, false],
    ['e', 'repeated', undefined, false],
    ['f', 'optional', true, false],
  ]);
  assert.is(m.byName.get('e')?.mapKey, 'string');
});

test('type references resolve by proto scoping: innermost scope first', () => {
  const r = new Registry([
    proto('p', { Type: { enum: ['A = 0'] }, M: ['optional Type t = 1'], 'M.Type': { enum: ['B = 0'] }, N: ['optional Type t = 1'] }),
    proto('p.q', { X: ['optional M m = 1', 'optional p.M.Type t = 2'] }),
  ]);
  assert.equal(r.message('p.M').fields[0]!.type, { kind: 'enum', name: 'p.M.Type' });
  assert.equal(r.message('p.N').fields[0]!.type, { kind: 'enum', name: 'p.Type' });
  assert.equal(r.message('p.q.X').fields[0]!.type, { kind: 'message', name: 'p.M' });
  assert.equal(r.message('p.q.X').fields[1]!.type, { kind: 'enum', name: 'p.M.Type' });
});

test('malformed declarations are rejected with the type and field named', () => {
  throwsSchema(() => new Registry([proto('t', { M: ['string a = 1'] })]), /t\.M: cannot parse field line/);
  throwsSchema(() => new Registry([proto('t', { M: ['optional Nope a = 1'] })]), /t\.M\.a: unknown type 'Nope'/);
  throwsSchema(() => new Registry([proto('t', { M: ['optional string a = 1', 'optional string a = 2'] })]), /declared twice/);
  throwsSchema(() => new Registry([proto('t', { M: ['optional string a = 1', 'optional string b = 1'] })]), /number 1 used twice/);
  throwsSchema(() => new Registry([proto('t', { M: ['optional string a = 1 [bogus]'] })]), /unknown field option/);
  throwsSchema(() => new Registry([proto('t', { M: ['repeated string a = 1 [default = "x"]'] })]), /only optional fields/);
  throwsSchema(() => new Registry([proto('t', { E: { enum: [] } })]), /at least one value/);
  throwsSchema(() => new Registry([proto('t', { E: { enum: ['A = 0'] }, M: ['optional E e = 1 [default = B]'] })]), /not a value/);
  throwsSchema(() => new Registry([proto('t', { M: [] }), proto('t', { M: [] })]), /declared twice/);
});

// Facts of the Mesos v1 wire format that frameworks depend on (mesos-api.md sections 1 and 9).
test('the Mesos schema has the enum numbers and field shapes frameworks rely on', () => {
  const states = schema.enumType('mesos.v1.TaskState').values;
  assert.equal(
    ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN'].map((s) => states.get(s)),
    [6, 0, 1, 8, 2, 3, 4, 7, 5, 9, 10, 11, 12, 13],
  );
  const reasons = schema.enumType('mesos.v1.TaskStatus.Reason').values;
  assert.is(reasons.get('REASON_CONTAINER_LIMITATION_MEMORY'), 8);
  assert.is(reasons.get('REASON_AGENT_DRAINING'), 34);
  assert.is(reasons.get('REASON_RECONCILIATION'), 9);
  const callTypes = schema.enumType('mesos.v1.scheduler.Call.Type').values;
  assert.is(callTypes.get('SUBSCRIBE'), 1);
  assert.is(callTypes.get('UPDATE_FRAMEWORK'), 17);
  assert.is(schema.message('mesos.v1.scheduler.Call.Revive').byName.get('roles')?.label, 'repeated');
  assert.is(schema.message('mesos.v1.scheduler.Event.Error').byName.get('message')?.label, 'required');
  assert.is(schema.message('mesos.v1.Filters').byName.get('refuse_seconds')?.defaultValue, 5);
  const role = schema.message('mesos.v1.Resource').byName.get('role');
  assert.ok(role?.deprecated && role.defaultValue === '*');
  assert.is(schema.message('mesos.v1.TaskInfo').byName.get('limits')?.mapKey, 'string');
  assert.is(schema.message('mesos.v1.CommandInfo').byName.get('shell')?.defaultValue, true);
});

test('every generated type file names every message of its package', () => {
  const files = new Map(generateTypes(schema).map((f) => [f.file, f.text]));
  const registry = files.get('registry.ts')!;
  for (const t of schema.all()) {
    if (t.kind === 'message') assert.ok(registry.includes(`'${t.fullName}'`), t.fullName);
  }
  assert.match(files.get('scheduler.ts')!, /type: 'SUBSCRIBE'; subscribe: scheduler\.Call\.Subscribe;/);
});

test.run();

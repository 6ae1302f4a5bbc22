// The JSON dialect codec (lib/api/codec.ts) pinned on Mesos's quirks, one test per quirk:
// the doc/code gaps of mesos-api.md section 0, the output and input rules of section 1.2, what
// real client libraries send and expect (section 12), and the example payloads of section 1.6.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode, decodeText, encode, encodeValue, formatDouble, parseJson, writeString } from '../../../lib/api/codec.ts';
import type { MessageName } from '../../../lib/api/codec.ts';
import { schema } from '../../../lib/api/schema/index.ts';
import type { TaskInfo } from '../../../lib/types/mesos.ts';
import type { MessageTypes } from '../../../lib/types/registry.ts';
import { withDefaults } from '../../helpers/arbitrary-message.ts';
import type { JsonMessage } from '../../helpers/arbitrary-message.ts';
import { rejects } from '../../helpers/assert-error.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Decodes `text`, re-encodes, decodes again: the value must survive, gaining only the defaults
 * the encoder writes for unset fields; and encoding is then a fixpoint.
 */
function roundTrip<K extends MessageName>(type: K, text: string): MessageTypes[K] {
  const first = decodeText(type, text);
  const encoded = encode(type, first);
  const second = decodeText(type, encoded);
  assert.equal(second as unknown, withDefaults(type, first as unknown as JsonMessage));
  assert.is(encode(type, second), encoded);
  return first;
}

const keysOf = (text: string): string[] => Object.keys(JSON.parse(text) as object);

// ---------------------------------------------------------------------------------------------
// Section 0: gaps between Mesos's docs and its code

test('ERROR event nests error.message', () => {
  const text = '{"type":"ERROR","error":{"message":"Framework has been removed"}}';
  const event = decodeText('mesos.v1.scheduler.Event', text);
  assert.equal(event, { type: 'ERROR', error: { message: 'Framework has been removed' } });
  assert.is(encode('mesos.v1.scheduler.Event', event), text);
  // The docs' flat form is not the wire format: top-level `message` is the MESSAGE event's
  // payload (Event.Message), so a string there is rejected, as Mesos's parser rejects it.
  rejects(() => decodeText('mesos.v1.scheduler.Event', '{"type":"ERROR","message":"x"}'), 'INVALID_MESSAGE',
    'message: expected an object for Event.Message, got the string "x"');
  rejects(() => decodeText('mesos.v1.scheduler.Event', '{"type":"ERROR","error":{}}'), 'INVALID_MESSAGE', 'error.message: required');
});

test('REVIVE uses repeated roles; a single string is a one-element list', () => {
  const call = decodeText('mesos.v1.scheduler.Call', '{"framework_id":{"value":"f"},"type":"REVIVE","revive":{"roles":["a","b/c"]}}');
  assert.equal(call.revive, { roles: ['a', 'b/c'] });
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"REVIVE","revive":{"roles":"x"}}').revive, { roles: ['x'] });
  // The docs' `role` is no field of Call.Revive: ignored, which means "revive all roles".
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"REVIVE","revive":{"role":"x"}}').revive, {});
  assert.is(
    encode('mesos.v1.scheduler.Call', { type: 'REVIVE', revive: { roles: ['x'] } }),
    '{"type":"REVIVE","revive":{"roles":["x"]}}',
  );
});

test('REQUEST nests request.requests', () => {
  const text =
    '{"framework_id":{"value":"f"},"type":"REQUEST","request":{"requests":[{"agent_id":{"value":"a"},' +
    '"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1.0}}]}]}}';
  const call = roundTrip('mesos.v1.scheduler.Call', text);
  assert.equal(call.request, {
    requests: [{ agent_id: { value: 'a' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] }],
  });
  // The docs' top-level `requests` is an unknown key.
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"REQUEST","requests":[{}]}'), { type: 'REQUEST' });
});

test('TaskInfo.limits values are Value.Scalar objects; "Infinity" decodes to Infinity', () => {
  const task = (limits: string): string =>
    `{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":${limits}}`;
  const decoded = decodeText('mesos.v1.TaskInfo', task('{"cpus":{"value":"Infinity"},"mem":{"value":512}}'));
  assert.equal(decoded.limits, { cpus: { value: Infinity }, mem: { value: 512 } });
  assert.is(decoded.limits!['cpus']!.value, Infinity);
  assert.ok(encode('mesos.v1.TaskInfo', decoded).endsWith('"limits":{"cpus":{"value":"Infinity"},"mem":{"value":512.0}}}'));
  // The docs' bare values are rejected, naming the entry.
  rejects(() => decodeText('mesos.v1.TaskInfo', task('{"cpus":"Infinity"}')), 'INVALID_MESSAGE',
    'limits["cpus"]: expected an object for Value.Scalar, got the string "Infinity"');
  rejects(() => decodeText('mesos.v1.TaskInfo', task('{"cpus":"Infinity","mem":512.0}')), 'INVALID_MESSAGE', /^limits\["cpus"\]: /);
  rejects(() => decodeText('mesos.v1.TaskInfo', task('{"mem":512.0}')), 'INVALID_MESSAGE',
    'limits["mem"]: expected an object for Value.Scalar, got number 512');
  // Deep inside an ACCEPT, the path is the full one.
  const accept =
    '{"type":"ACCEPT","accept":{"operations":[{"type":"LAUNCH","launch":{"task_infos":[' +
    `${task('{"cpus":{"value":1}}')},${task('{"cpus":2}')}]}}]}}`;
  rejects(() => decodeText('mesos.v1.scheduler.Call', accept), 'INVALID_MESSAGE',
    /^accept\.operations\[0\]\.launch\.task_infos\[1\]\.limits\["cpus"\]: expected an object/);
});

// ---------------------------------------------------------------------------------------------
// Section 1.2, output (message -> JSON)

test('output keys are the proto field names (snake_case)', () => {
  const text = encode('mesos.v1.FrameworkInfo', {
    user: 'u', name: 'n', webui_url: 'http://x', failover_timeout: 10, offer_filters: { r: {} },
  });
  assert.equal(keysOf(text), ['user', 'name', 'failover_timeout', 'checkpoint', 'webui_url', 'offer_filters']);
  assert.not.match(text, /[a-z][A-Z]/); // no lowerCamelCase (json_name) anywhere
});

test('output fields follow declaration order, not insertion order', () => {
  const declared = schema.message('mesos.v1.FrameworkInfo').fields.map((f) => f.name);
  assert.equal(declared, [
    'user', 'name', 'id', 'failover_timeout', 'checkpoint', 'role', 'roles', 'hostname', 'principal',
    'webui_url', 'capabilities', 'labels', 'offer_filters',
  ]);
  const reversed = {
    offer_filters: { web: {} }, labels: { labels: [{ key: 'k' }] }, capabilities: [{ type: 'MULTI_ROLE' as const }],
    webui_url: 'w', principal: 'p', hostname: 'h', roles: ['web'], role: 'r', checkpoint: true, failover_timeout: 1,
    id: { value: 'i' }, name: 'n', user: 'u',
  };
  assert.equal(keysOf(encode('mesos.v1.FrameworkInfo', reversed)), declared);
  // Declaration order, not field-number order: FrameworkInfo.roles (12) comes before hostname (7),
  // Reserve.source (2) before resources (1).
  assert.equal(
    keysOf(encode('mesos.v1.Offer.Operation.Reserve', {
      resources: [{ name: 'cpus', type: 'SCALAR' }], source: [{ name: 'cpus', type: 'SCALAR' }],
    })),
    ['source', 'resources'],
  );
});

test('unset optional fields with a non-deprecated default are emitted', () => {
  assert.is(encode('mesos.v1.CommandInfo', {}), '{"shell":true}');
  assert.is(encode('mesos.v1.CommandInfo.URI', { value: 'http://x/a.tgz' }), '{"value":"http://x/a.tgz","extract":true}');
  assert.is(encode('mesos.v1.FrameworkInfo', { user: 'u', name: 'n' }), '{"user":"u","name":"n","failover_timeout":0.0,"checkpoint":false}');
  assert.is(encode('mesos.v1.Filters', {}), '{"refuse_seconds":5.0}');
  assert.is(encode('mesos.v1.AgentInfo', { hostname: 'h' }), '{"hostname":"h","port":5051}');
  assert.is(
    encode('mesos.v1.HealthCheck', {}),
    '{"delay_seconds":15.0,"interval_seconds":10.0,"timeout_seconds":20.0,"consecutive_failures":3,"grace_period_seconds":10.0}',
  );
  assert.is(encode('mesos.v1.Image', { type: 'DOCKER' }), '{"type":"DOCKER","cached":true}');
  assert.is(encode('mesos.v1.Environment.Variable', { name: 'A' }), '{"name":"A","type":"VALUE"}');
  // A set value wins over the default, even when it equals it.
  assert.is(encode('mesos.v1.Filters', { refuse_seconds: 3600 }), '{"refuse_seconds":3600.0}');
  assert.is(encode('mesos.v1.CommandInfo', { shell: false, value: '/bin/x' }), '{"shell":false,"value":"/bin/x"}');
  // Defaults are filled inside nested and repeated messages too.
  assert.is(
    encode('mesos.v1.CommandInfo', { uris: [{ value: 'a' }, { value: 'b', extract: false }] }),
    '{"uris":[{"value":"a","extract":true},{"value":"b","extract":false}],"shell":true}',
  );
  // The decoder does not fill defaults in: an unset field stays unset in memory.
  assert.equal(decodeText('mesos.v1.CommandInfo', '{}'), {});
});

test('deprecated fields with defaults are not emitted unless set', () => {
  const field = (type: string, name: string) => schema.message(type).byName.get(name)!;
  assert.ok(field('mesos.v1.Resource', 'role').deprecated);
  assert.is(field('mesos.v1.Resource', 'role').defaultValue, '*');
  assert.ok(field('mesos.v1.FrameworkInfo', 'role').deprecated);
  assert.is(encode('mesos.v1.Resource', { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }),
    '{"name":"cpus","type":"SCALAR","scalar":{"value":1.0}}');
  assert.is(encode('mesos.v1.Resource', { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' }),
    '{"name":"cpus","type":"SCALAR","scalar":{"value":1.0},"role":"*"}');
  assert.not.ok(keysOf(encode('mesos.v1.FrameworkInfo', { user: 'u', name: 'n' })).includes('role'));
  assert.ok(keysOf(encode('mesos.v1.FrameworkInfo', { user: 'u', name: 'n', role: 'web' })).includes('role'));
});

test('repeated and map fields appear only when non-empty', () => {
  assert.is(
    encode('mesos.v1.FrameworkInfo', { user: 'u', name: 'n', roles: [], capabilities: [], offer_filters: {} }),
    '{"user":"u","name":"n","failover_timeout":0.0,"checkpoint":false}',
  );
  // And on input an empty list or map leaves the field unset.
  assert.equal(decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","roles":[],"offer_filters":{}}'), { user: 'u', name: 'n' });
});

test('enums are written as their names', () => {
  assert.is(
    encode('mesos.v1.TaskStatus', { task_id: { value: 't' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', reason: 'REASON_RECONCILIATION' }),
    '{"task_id":{"value":"t"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","reason":"REASON_RECONCILIATION"}',
  );
  assert.is(
    encode('mesos.v1.CSIPluginContainerInfo', { services: ['CONTROLLER_SERVICE', 'NODE_SERVICE'] }),
    '{"services":["CONTROLLER_SERVICE","NODE_SERVICE"]}',
  );
});

test('bytes are standard base64 with padding; a 16-byte UUID is 24 characters ending in ==', () => {
  const uuid = Buffer.from('97766967565248dd9cee4e1ef5906f1e', 'hex');
  assert.is(uuid.length, 16);
  const b64 = uuid.toString('base64');
  const ack = { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: b64 };
  const text = encode('mesos.v1.scheduler.Call.Acknowledge', ack);
  const written = (JSON.parse(text) as { uuid: string }).uuid;
  assert.is(written.length, 24);
  assert.ok(written.endsWith('=='));
  assert.equal(Buffer.from(written, 'base64'), uuid);
  // Unpadded input is accepted and kept in the canonical padded form.
  const unpadded = b64.replace(/=+$/, '');
  assert.is(decode('mesos.v1.scheduler.Call.Acknowledge', { ...ack, uuid: unpadded }).uuid, b64);
  // Empty bytes are the empty string.
  assert.is(encode('mesos.v1.TaskInfo', { name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, data: '' }).includes('"data":""'), true);
  // Binary payloads survive: every byte value.
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64');
  const msg = roundTrip('mesos.v1.scheduler.Call', JSON.stringify({
    type: 'MESSAGE', message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: all },
  }));
  assert.is(msg.message!.data, all);
});

test('int64 and uint64 are JSON numbers, never quoted', () => {
  assert.is(encode('mesos.v1.DurationInfo', { nanoseconds: 5_000_000_000 }), '{"nanoseconds":5000000000}');
  assert.is(encode('mesos.v1.TimeInfo', { nanoseconds: -1 }), '{"nanoseconds":-1}');
  assert.is(encode('mesos.v1.Value.Range', { begin: 31000, end: 2 ** 53 - 1 }), '{"begin":31000,"end":9007199254740991}');
  // A quoted input is read as a number and written back unquoted.
  const d = decodeText('mesos.v1.DurationInfo', '{"nanoseconds":"5000000000"}');
  assert.is(d.nanoseconds, 5_000_000_000);
  assert.is(encode('mesos.v1.DurationInfo', d), '{"nanoseconds":5000000000}');
  // Beyond 2^53 digits are all written (no exponent), though not exactly the input's.
  assert.is(encode('mesos.v1.DurationInfo', { nanoseconds: 2 ** 62 }), '{"nanoseconds":4611686018427387904}');
});

test('doubles are written in shortest form with .0 on integral values', () => {
  assert.is(encode('mesos.v1.Value.Scalar', { value: 15 }), '{"value":15.0}');
  assert.is(encode('mesos.v1.Value.Scalar', { value: 0.5 }), '{"value":0.5}');
  assert.is(encode('mesos.v1.Value.Scalar', { value: 0.1 }), '{"value":0.1}');
  assert.is(encode('mesos.v1.Value.Scalar', { value: 0 }), '{"value":0.0}');
  assert.is(formatDouble(15), '15.0');
  assert.is(formatDouble(-3), '-3.0');
  assert.is(formatDouble(1.7e9), '1700000000.0');
  assert.is(formatDouble(1e21), '1e21');
  assert.is(formatDouble(1.5e-7), '1.5e-7');
  assert.is(formatDouble(-0), '-0.0');
  assert.is(formatDouble(0.1 + 0.2), '0.30000000000000004');
  for (const n of [15, 0.1, 1e21, 1.5e-7, 5e-324, Number.MAX_VALUE, -0, 123456789.125]) {
    assert.ok(Object.is(JSON.parse(formatDouble(n)), n), `${n} does not read back`);
  }
});

test('infinite doubles are written as the strings "Infinity" and "-Infinity", which read back', () => {
  assert.is(formatDouble(Infinity), '"Infinity"');
  assert.is(formatDouble(-Infinity), '"-Infinity"');
  assert.is(encode('mesos.v1.Value.Scalar', { value: -Infinity }), '{"value":"-Infinity"}');
  assert.is(decodeText('mesos.v1.Value.Scalar', encode('mesos.v1.Value.Scalar', { value: Infinity })).value, Infinity);
  assert.is(decodeText('mesos.v1.Value.Scalar', encode('mesos.v1.Value.Scalar', { value: -Infinity })).value, -Infinity);
});

test('encoding a NaN double is an INTERNAL error naming the field path', () => {
  // "NaN" would not read back (Mesos's parser and ours reject it, see codec-hostile), so a NaN in
  // a message is a bug in whoever built the message.
  rejects(() => encode('mesos.v1.Value.Scalar', { value: NaN }), 'INTERNAL',
    'cannot encode mesos.v1.Value.Scalar.value: NaN has no JSON form that Mesos reads back');
  const task: TaskInfo = {
    name: 't',
    task_id: { value: 't' },
    agent_id: { value: 'a' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: NaN } },
    ],
  };
  rejects(() => encode('mesos.v1.TaskInfo', task), 'INTERNAL', /^cannot encode mesos\.v1\.TaskInfo\.resources\[1\]\.scalar\.value: NaN /);
  rejects(() => encode('mesos.v1.TaskInfo', { ...task, resources: [], limits: { cpus: { value: NaN } } }), 'INTERNAL',
    /^cannot encode mesos\.v1\.TaskInfo\.limits\[cpus\]\.value: NaN /);
  rejects(() => formatDouble(NaN), 'INTERNAL', /NaN has no JSON form/);
});

test('empty messages are written as {}', () => {
  const resource = { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 }, revocable: {}, shared: {} };
  assert.is(encode('mesos.v1.Resource', resource), '{"name":"cpus","type":"SCALAR","scalar":{"value":1.0},"revocable":{},"shared":{}}');
  assert.is(
    encode('mesos.v1.scheduler.AttributeConstraint.Predicate', { exists: {} }),
    '{"exists":{}}',
  );
  // And {} on input sets the field.
  assert.equal(decodeText('mesos.v1.Resource', '{"name":"cpus","type":"SCALAR","revocable":{}}').revocable, {});
});

test('maps are written as JSON objects keyed by the map key', () => {
  const info = {
    user: 'u', name: 'n',
    offer_filters: { web: { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 1 }, mem: { value: 32 } } }] } } },
  };
  const text = encode('mesos.v1.FrameworkInfo', info);
  assert.ok(text.endsWith(
    '"offer_filters":{"web":{"min_allocatable_resources":{"quantities":[{"quantities":{"cpus":{"value":1.0},"mem":{"value":32.0}}}]}}}}',
  ));
  assert.equal(decodeText('mesos.v1.FrameworkInfo', text).offer_filters, info.offer_filters);
  // map<string, string>: values are plain strings.
  const sp = decodeText('mesos.v1.Volume.Source.CSIVolume.StaticProvisioning',
    '{"volume_id":"v","volume_capability":{"mount":{},"access_mode":{"mode":"SINGLE_NODE_WRITER"}},"volume_context":{"a":"1","b":"2"}}');
  assert.equal(sp.volume_context, { a: '1', b: '2' });
  assert.ok(encode('mesos.v1.Volume.Source.CSIVolume.StaticProvisioning', sp).endsWith('"volume_context":{"a":"1","b":"2"}}'));
  rejects(() => decodeText('mesos.v1.Volume.Source.CSIVolume.StaticProvisioning',
    '{"volume_id":"v","volume_capability":{"mount":{},"access_mode":{"mode":"SINGLE_NODE_WRITER"}},"volume_context":{"a":1}}'),
  'INVALID_MESSAGE', 'volume_context["a"]: expected a string, got number 1');
});

test('encodeValue is the parsed form of encode, with defaults filled and unknown properties dropped', () => {
  const value = { refuse_seconds: undefined, bogus: 1 } as unknown as MessageTypes['mesos.v1.Filters'];
  assert.equal(encodeValue('mesos.v1.Filters', value), { refuse_seconds: 5 });
  assert.is(encode('mesos.v1.Filters', value), '{"refuse_seconds":5.0}');
});

// ---------------------------------------------------------------------------------------------
// Section 1.2, input (JSON -> message)

test('unknown keys are ignored', () => {
  assert.equal(
    decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","frameworkName":"x","roles2":[1],"ID":{"value":1},"":null}'),
    { user: 'u', name: 'n' },
  );
});

test('null means unset for optional, repeated, map and message fields', () => {
  assert.equal(
    decodeText('mesos.v1.FrameworkInfo',
      '{"user":"u","name":"n","id":null,"failover_timeout":null,"checkpoint":null,"role":null,"roles":null,' +
      '"hostname":null,"capabilities":null,"labels":null,"offer_filters":null}'),
    { user: 'u', name: 'n' },
  );
});

test('null for a required field is the same as a missing one', () => {
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":null}'), 'INVALID_MESSAGE', 'name: required');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u"}'), 'INVALID_MESSAGE', 'name: required');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","subscribe":{"framework_info":null}}'),
    'INVALID_MESSAGE', 'subscribe.framework_info: required');
});

test('null elements inside arrays and null map values are skipped, as Mesos skips them', () => {
  const info = decodeText('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n","roles":["a",null]}}}');
  assert.equal(info.subscribe?.framework_info.roles, ['a']);
  const decline = decodeText('mesos.v1.scheduler.Call', '{"type":"DECLINE","decline":{"offer_ids":[null]}}');
  assert.equal(decline, { type: 'DECLINE', decline: {} });
  const task = decodeText('mesos.v1.TaskInfo', '{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":{"cpus":null,"mem":{"value":1}}}');
  assert.equal(task.limits, { mem: { value: 1 } });
});

test('numbers and booleans may be written as strings', () => {
  const info = decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","failover_timeout":"604800","checkpoint":"true"}');
  assert.is(info.failover_timeout, 604800);
  assert.is(info.checkpoint, true);
  assert.is(decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","checkpoint":"false"}').checkpoint, false);
  assert.is(decodeText('mesos.v1.Address', '{"port":"5050"}').port, 5050);
  assert.is(decodeText('mesos.v1.CheckInfo.Tcp', '{"port":"80"}').port, 80);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"0.25"}').value, 0.25);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"-1.5e3"}').value, -1500);
  assert.is(decodeText('mesos.v1.DurationInfo', '{"nanoseconds":"1e3"}').nanoseconds, 1000);
  assert.is(decodeText('mesos.v1.DurationInfo', '{"nanoseconds":"-7"}').nanoseconds, -7);
  // Only JSON's spellings: no "yes", "1", "True", hex or padding.
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","checkpoint":"yes"}'), 'INVALID_MESSAGE',
    'checkpoint: expected a boolean, got the string "yes"');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","checkpoint":1}'), 'INVALID_MESSAGE',
    'checkpoint: expected a boolean, got number 1');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","checkpoint":"True"}'), 'INVALID_MESSAGE', /^checkpoint: /);
  rejects(() => decodeText('mesos.v1.Address', '{"port":"0x10"}'), 'INVALID_MESSAGE', 'port: expected an integer, got the string "0x10"');
  rejects(() => decodeText('mesos.v1.Address', '{"port":" 5"}'), 'INVALID_MESSAGE', /^port: expected an integer/);
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":""}'), 'INVALID_MESSAGE', 'value: expected a number, got the string ""');
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":true}'), 'INVALID_MESSAGE', 'value: expected a number, got boolean true');
  // Strings are not numbers the other way round.
  rejects(() => decodeText('mesos.v1.FrameworkID', '{"value":5}'), 'INVALID_MESSAGE', 'value: expected a string, got number 5');
});

test('doubles accept "Infinity" and "-Infinity"', () => {
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"Infinity"}').value, Infinity);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"-Infinity"}').value, -Infinity);
  // Lenient beyond Mesos (whose string path only knows the two spellings above): "inf", "-inf".
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"inf"}').value, Infinity);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"-inf"}').value, -Infinity);
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":"infinity"}'), 'INVALID_MESSAGE', /^value: expected a number/);
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":"+Infinity"}'), 'INVALID_MESSAGE', /^value: expected a number/);
  // Not for integers.
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":"Infinity"}'), 'INVALID_MESSAGE', /^nanoseconds: expected an integer/);
});

test('enums must be names; a number is rejected', () => {
  assert.is(decodeText('mesos.v1.scheduler.Call', '{"type":"TEARDOWN"}').type, 'TEARDOWN');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":1}'), 'INVALID_MESSAGE', 'type: expected a Call.Type name (a string), got number 1');
  rejects(() => decodeText('mesos.v1.Resource', '{"name":"cpus","type":0}'), 'INVALID_MESSAGE', 'type: expected a Value.Type name (a string), got number 0');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":{"name":"TEARDOWN"}}'), 'INVALID_MESSAGE', /^type: expected a Call\.Type name/);
  // A number in a string is just an unknown name (unset on an optional field); names are case-sensitive.
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"1"}'), {});
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"teardown"}'), {});
});

test('unknown enum names: required fails, optional is unset, repeated drops the element', () => {
  // Required: Resource.type.
  rejects(() => decodeText('mesos.v1.Resource', '{"name":"cpus","type":"FLOAT"}'), 'INVALID_MESSAGE', 'type: unknown enum value "FLOAT"');
  rejects(() => decodeText('mesos.v1.Resource', '{"name":"cpus","type":"scalar"}'), 'INVALID_MESSAGE', 'type: unknown enum value "scalar"');
  // Optional: Call.type, Capability.type.
  assert.equal(decodeText('mesos.v1.scheduler.Call', '{"type":"TELEPORT","framework_id":{"value":"f"}}'), { framework_id: { value: 'f' } });
  assert.equal(
    decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","capabilities":[{"type":"MULTI_ROLE"},{"type":"FUTURE_THING"}]}').capabilities,
    [{ type: 'MULTI_ROLE' }, {}],
  );
  // Repeated enum: the unknown element is dropped; all unknown leaves the field unset.
  assert.equal(
    decodeText('mesos.v1.CSIPluginContainerInfo', '{"services":["NODE_SERVICE","MAGIC","CONTROLLER_SERVICE"]}'),
    { services: ['NODE_SERVICE', 'CONTROLLER_SERVICE'] },
  );
  assert.equal(decodeText('mesos.v1.CSIPluginContainerInfo', '{"services":["MAGIC"]}'), {});
  // An unknown name in a required field deep inside a list names the whole path.
  rejects(() => decodeText('mesos.v1.Offer.Operation.Launch', '{"task_infos":[{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"resources":[{"name":"x","type":"NOPE"}]}]}'),
    'INVALID_MESSAGE', 'task_infos[0].resources[0].type: unknown enum value "NOPE"');
});

test('bytes must be valid base64', () => {
  const msg = (data: string): string => `{"agent_id":{"value":"a"},"executor_id":{"value":"e"},"data":${data}}`;
  assert.is(decodeText('mesos.v1.scheduler.Call.Message', msg('"aGVsbG8="')).data, 'aGVsbG8=');
  assert.is(decodeText('mesos.v1.scheduler.Call.Message', msg('"aGVsbG8"')).data, 'aGVsbG8=');
  assert.is(decodeText('mesos.v1.scheduler.Call.Message', msg('"aGVsbA"')).data, 'aGVsbA==');
  assert.is(decodeText('mesos.v1.scheduler.Call.Message', msg('""')).data, '');
  for (const bad of ['"not base64!"', '"aGVsbG8=="', '"a"', '"aGVs bG8="', '"aGVsbG8=x"', '"aGVsbA="', '"aGVsbG8-"', '"====="']) {
    rejects(() => decodeText('mesos.v1.scheduler.Call.Message', msg(bad)), 'INVALID_MESSAGE', 'data: invalid base64');
  }
  rejects(() => decodeText('mesos.v1.scheduler.Call.Message', msg('12')), 'INVALID_MESSAGE', 'data: expected base64 bytes (a string), got number 12');
  rejects(() => decodeText('mesos.v1.scheduler.Call', `{"type":"MESSAGE","message":${msg('"%%%"')}}`), 'INVALID_MESSAGE', 'message.data: invalid base64');
});

test('a single value for a repeated field is a one-element list', () => {
  const call = decodeText('mesos.v1.scheduler.Call',
    '{"framework_id":{"value":"f"},"type":"DECLINE","decline":{"offer_ids":{"value":"o1"},"filters":{"refuse_seconds":60}}}');
  assert.equal(call.decline, { offer_ids: [{ value: 'o1' }], filters: { refuse_seconds: 60 } });
  assert.equal(decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","roles":"web"}').roles, ['web']);
  assert.equal(decodeText('mesos.v1.HealthCheck.HTTPCheckInfo', '{"port":80,"statuses":"200"}').statuses, [200]);
});

test('an array for a singular field is an error', () => {
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":["u"],"name":"n"}'), 'INVALID_MESSAGE', 'user: expected a single value, got an array');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"DECLINE","decline":{"filters":[{"refuse_seconds":1}]}}'),
    'INVALID_MESSAGE', 'decline.filters: expected a single value, got an array');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":["DECLINE"]}'), 'INVALID_MESSAGE', 'type: expected a single value, got an array');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","id":[]}'), 'INVALID_MESSAGE', 'id: expected a single value, got an array');
  // Nested arrays in a repeated field are flattened, as Mesos's parser does.
  assert.equal(decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","roles":[["a"],"b",[["c"]]]}').roles, ['a', 'b', 'c']);
});

test('maps are JSON objects; anything else is an error', () => {
  const task = (limits: string): string => `{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":${limits}}`;
  assert.equal(decodeText('mesos.v1.TaskInfo', task('{"cpus":{"value":2},"":{"value":"3"}}')).limits, { cpus: { value: 2 }, '': { value: 3 } });
  rejects(() => decodeText('mesos.v1.TaskInfo', task('[{"key":"cpus","value":{"value":2}}]')), 'INVALID_MESSAGE', 'limits: expected an object for a map, got an array');
  rejects(() => decodeText('mesos.v1.TaskInfo', task('"cpus=2"')), 'INVALID_MESSAGE', 'limits: expected an object for a map, got the string "cpus=2"');
  rejects(() => decodeText('mesos.v1.TaskInfo', task('{"cpus":{}}')), 'INVALID_MESSAGE', 'limits["cpus"].value: required');
});

test('required fields are reported with their full path, array indices included', () => {
  const task = (name: string | null): Record<string, unknown> => ({
    name, task_id: { value: 't' }, agent_id: { value: 'a' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
  });
  const call = {
    framework_id: { value: 'f' }, type: 'ACCEPT',
    accept: { offer_ids: [{ value: 'o' }], operations: [{ type: 'LAUNCH', launch: { task_infos: [task('ok'), task(null)] } }] },
  };
  rejects(() => decode('mesos.v1.scheduler.Call', call), 'INVALID_MESSAGE', 'accept.operations[0].launch.task_infos[1].name: required');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root"}}}'),
    'INVALID_MESSAGE', 'subscribe.framework_info.name: required');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"ACCEPT","accept":{"offer_ids":[{"value":"o"},{}]}}'),
    'INVALID_MESSAGE', 'accept.offer_ids[1].value: required');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","subscribe":{}}'), 'INVALID_MESSAGE', 'subscribe.framework_info: required');
  rejects(() => decodeText('mesos.v1.scheduler.Event', '{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"}}}}'),
    'INVALID_MESSAGE', 'update.status.state: required');
  rejects(() => decodeText('mesos.v1.TaskID', '{}'), 'INVALID_MESSAGE', 'value: required');
});

test('integer fields are range-checked: int32, uint32, int64, uint64', () => {
  const port = (v: string): number => decodeText('mesos.v1.Address', `{"port":${v}}`).port;
  assert.is(port('2147483647'), 2147483647);
  assert.is(port('-2147483648'), -2147483648);
  rejects(() => port('2147483648'), 'INVALID_MESSAGE', 'port: integer out of range for int32');
  rejects(() => port('-2147483649'), 'INVALID_MESSAGE', 'port: integer out of range for int32');
  rejects(() => port('"2147483648"'), 'INVALID_MESSAGE', 'port: integer out of range for int32');

  const ip = (v: string): number => decodeText('mesos.v1.MasterInfo', `{"id":"m","port":5050,"ip":${v}}`).ip;
  assert.is(ip('4294967295'), 4294967295);
  assert.is(ip('0'), 0);
  rejects(() => ip('4294967296'), 'INVALID_MESSAGE', 'ip: integer out of range for uint32');
  rejects(() => ip('-1'), 'INVALID_MESSAGE', 'ip: integer out of range for uint32');

  const ns = (v: string): number => decodeText('mesos.v1.DurationInfo', `{"nanoseconds":${v}}`).nanoseconds;
  assert.is(ns('-9223372036854775808'), -(2 ** 63));
  assert.is(ns('"-9223372036854775808"'), -(2 ** 63));
  assert.is(ns('"9223372036854775807"'), 2 ** 63); // exact as a string, then rounded to a double
  rejects(() => ns('"9223372036854775808"'), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');
  rejects(() => ns('"-9223372036854775809"'), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');
  // Pinned: as a JSON *number*, int64's maximum is rounded by JSON.parse to 2^63 and so rejected.
  rejects(() => ns('9223372036854775807'), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');

  const end = (v: string): number => decodeText('mesos.v1.Value.Range', `{"begin":0,"end":${v}}`).end;
  assert.is(end('"18446744073709551615"'), 2 ** 64);
  assert.is(end('9007199254740993'), 9007199254740992); // beyond 2^53: nearest double
  rejects(() => end('"18446744073709551616"'), 'INVALID_MESSAGE', 'end: integer out of range for uint64');
  rejects(() => end('-1'), 'INVALID_MESSAGE', 'end: integer out of range for uint64');
  rejects(() => end('"-1"'), 'INVALID_MESSAGE', 'end: integer out of range for uint64');
});

test('a non-integral value for an integer field is rejected', () => {
  rejects(() => decodeText('mesos.v1.Address', '{"port":5050.5}'), 'INVALID_MESSAGE', 'port: expected an integer, got number 5050.5');
  rejects(() => decodeText('mesos.v1.Address', '{"port":"5050.5"}'), 'INVALID_MESSAGE', 'port: expected an integer, got the string "5050.5"');
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":1e-3}'), 'INVALID_MESSAGE', 'nanoseconds: expected an integer, got number 0.001');
  // Integral values in other spellings are fine.
  assert.is(decodeText('mesos.v1.Address', '{"port":5050.0}').port, 5050);
  assert.is(decodeText('mesos.v1.Address', '{"port":5.05e3}').port, 5050);
  assert.is(decodeText('mesos.v1.Address', '{"port":"5050.0"}').port, 5050);
  assert.is(decodeText('mesos.v1.Address', '{"port":-0}').port, 0);
});

// ---------------------------------------------------------------------------------------------
// Section 12: what real client libraries send and expect

test('explicit null everywhere in a client library SUBSCRIBE decodes', () => {
  const text = `{
    "framework_id": null, "type": "SUBSCRIBE",
    "subscribe": {
      "framework_info": {
        "user": "root", "name": "client-lib", "id": null, "failover_timeout": 3600.0, "checkpoint": null,
        "role": null, "roles": ["web"], "hostname": null, "principal": null, "webui_url": null,
        "capabilities": [{"type": "MULTI_ROLE"}, {"type": null}], "labels": null, "offer_filters": null
      },
      "suppressed_roles": null, "offer_constraints": null
    },
    "accept": null, "decline": null, "accept_inverse_offers": null, "decline_inverse_offers": null,
    "revive": null, "kill": null, "shutdown": null, "acknowledge": null, "acknowledge_operation_status": null,
    "reconcile": null, "reconcile_operations": null, "message": null, "request": null, "suppress": null,
    "update_framework": null
  }`;
  assert.equal(decodeText('mesos.v1.scheduler.Call', text), {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: { user: 'root', name: 'client-lib', failover_timeout: 3600, roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }, {}] },
    },
  });
});

test('explicit null everywhere in a client library ACCEPT decodes', () => {
  const resource = (name: string, value: number): string =>
    `{"provider_id":null,"name":"${name}","type":"SCALAR","scalar":{"value":${value}},"ranges":null,"set":null,` +
    '"role":null,"allocation_info":{"role":"web"},"reservation":null,"reservations":null,"disk":null,"revocable":null,"shared":null}';
  const text =
    '{"framework_id":{"value":"f-0000"},"type":"ACCEPT","subscribe":null,"accept":{"offer_ids":[{"value":"o1"}],' +
    '"operations":[{"type":"LAUNCH","id":null,"launch":{"task_infos":[{"name":"t1","task_id":{"value":"t1"},"agent_id":{"value":"s1"},' +
    `"resources":[${resource('cpus', 0.5)},${resource('mem', 128)}],"executor":null,` +
    '"command":{"uris":null,"environment":null,"shell":null,"value":"sleep 10","arguments":null,"user":null},' +
    '"container":null,"health_check":null,"check":null,"kill_policy":null,"data":null,"labels":null,"discovery":null,' +
    '"max_completion_time":null,"limits":null}]},"launch_group":null,"reserve":null,"unreserve":null,"create":null,"destroy":null}],' +
    '"filters":{"refuse_seconds":null}},"decline":null}';
  const call = decodeText('mesos.v1.scheduler.Call', text);
  const scalar = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value }, allocation_info: { role: 'web' } });
  assert.equal(call, {
    framework_id: { value: 'f-0000' }, type: 'ACCEPT',
    accept: {
      offer_ids: [{ value: 'o1' }],
      operations: [{
        type: 'LAUNCH',
        launch: {
          task_infos: [{
            name: 't1', task_id: { value: 't1' }, agent_id: { value: 's1' },
            resources: [scalar('cpus', 0.5), scalar('mem', 128)], command: { value: 'sleep 10' },
          }],
        },
      }],
      filters: {},
    },
  });
  // Written back, the unset defaults reappear.
  assert.ok(encode('mesos.v1.scheduler.Call', call).includes('"command":{"shell":true,"value":"sleep 10"}'));
  assert.ok(encode('mesos.v1.scheduler.Call', call).endsWith('"filters":{"refuse_seconds":5.0}}}'));
});

test('non-ASCII output is escaped as \\uXXXX so UTF-8 byte length equals string length', () => {
  const name = 'démo ☃ 日本 😀 \u2028 \u007f';
  const text = encode('mesos.v1.FrameworkInfo', { user: 'ü', name });
  assert.is(text, '{"user":"\\u00fc","name":"d\\u00e9mo \\u2603 \\u65e5\\u672c \\ud83d\\ude00 \\u2028 \\u007f","failover_timeout":0.0,"checkpoint":false}');
  assert.ok(/^[\x20-\x7e]*$/.test(text));
  assert.is(Buffer.byteLength(text, 'utf8'), text.length);
  assert.is(decodeText('mesos.v1.FrameworkInfo', text).name, name);
  // Map keys are escaped the same way.
  assert.match(encode('mesos.v1.TaskInfo', { name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, limits: { 'gpüs': { value: 1 } } }),
    /"limits":\{"gp\\u00fcs":/);
  assert.is(writeString('a"b\\c\n\u0001é'), '"a\\"b\\\\c\\n\\u0001\\u00e9"');
});

test('a Resource with role: null decodes without a role', () => {
  const r = decodeText('mesos.v1.Resource', '{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":null}');
  assert.equal(r, { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } });
  assert.not.ok(Object.hasOwn(r, 'role'));
  assert.is(encode('mesos.v1.Resource', r), '{"name":"cpus","type":"SCALAR","scalar":{"value":2.0}}');
});

// ---------------------------------------------------------------------------------------------
// Section 1.6: the example payloads

test('example: SUBSCRIBE', () => {
  const call = roundTrip('mesos.v1.scheduler.Call',
    '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"demo",' +
    '"roles":["web"],"capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"}],' +
    '"failover_timeout":604800,"checkpoint":true}}}');
  assert.equal(call.subscribe!.framework_info.capabilities, [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }]);
  assert.is(
    encode('mesos.v1.scheduler.Call', call),
    '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"demo","failover_timeout":604800.0,' +
    '"checkpoint":true,"roles":["web"],"capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"}]}}}',
  );
  // Re-subscribe: framework_id at the top level and inside framework_info.
  const again = roundTrip('mesos.v1.scheduler.Call',
    '{"framework_id":{"value":"5b1c-0000"},"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"demo",' +
    '"id":{"value":"5b1c-0000"}}}}');
  assert.equal(again.framework_id, again.subscribe!.framework_info.id);
});

test('example: OFFERS event', () => {
  const event = roundTrip('mesos.v1.scheduler.Event',
    '{"type":"OFFERS","offers":{"offers":[{"id":{"value":"5b1c…-O17"},"framework_id":{"value":"5b1c…-0000"},' +
    '"agent_id":{"value":"5b1c…-S3"},"hostname":"node3","url":{"scheme":"http","address":{"hostname":"node3",' +
    '"ip":"10.0.0.3","port":5051},"path":"/slave(1)"},"resources":[{"name":"cpus","type":"SCALAR",' +
    '"scalar":{"value":3.5},"role":"*","allocation_info":{"role":"web"}},{"name":"ports","type":"RANGES",' +
    '"ranges":{"range":[{"begin":31000,"end":32000}]},"role":"*","allocation_info":{"role":"web"}}],' +
    '"attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}}],"allocation_info":{"role":"web"}}]}}');
  const offer = event.offers!.offers![0]!;
  assert.is(offer.id.value, '5b1c…-O17');
  assert.is(offer.url!.address.port, 5051);
  assert.equal(offer.resources![1]!.ranges, { range: [{ begin: 31000, end: 32000 }] });
  assert.is(offer.resources![0]!.role, '*');
  assert.ok(encode('mesos.v1.scheduler.Event', event).includes('"id":{"value":"5b1c\\u2026-O17"}'));
});

test('example: ACCEPT with LAUNCH', () => {
  const call = roundTrip('mesos.v1.scheduler.Call',
    '{"framework_id":{"value":"5b1c…-0000"},"type":"ACCEPT","accept":{"offer_ids":[{"value":"5b1c…-O17"}],' +
    '"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t1","task_id":{"value":"t1"},' +
    '"agent_id":{"value":"5b1c…-S3"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},' +
    '"role":"*","allocation_info":{"role":"web"}}],"command":{"value":"sleep 60","shell":true,' +
    '"uris":[{"value":"http://x/app.tgz","extract":true}],"environment":{"variables":[{"name":"A","value":"1"}]}}}]}}],' +
    '"filters":{"refuse_seconds":5}}}');
  const task = call.accept!.operations![0]!.launch!.task_infos![0]!;
  assert.equal(task.command, {
    value: 'sleep 60', shell: true, uris: [{ value: 'http://x/app.tgz', extract: true }],
    environment: { variables: [{ name: 'A', value: '1' }] },
  });
  assert.is(call.accept!.filters!.refuse_seconds, 5);
});

test('example: LAUNCH_GROUP operation', () => {
  const scalar = (name: string, value: number): string => `{"name":"${name}","type":"SCALAR","scalar":{"value":${value}}}`;
  const op = roundTrip('mesos.v1.Offer.Operation',
    '{"type":"LAUNCH_GROUP","launch_group":{"executor":{"type":"DEFAULT","executor_id":{"value":"e1"},' +
    `"framework_id":{"value":"5b1c-0000"},"resources":[${scalar('cpus', 0.1)},${scalar('mem', 32)}]},` +
    '"task_group":{"tasks":[{"name":"t1","task_id":{"value":"t1"},"agent_id":{"value":"5b1c-S3"},' +
    `"resources":[${scalar('cpus', 0.5)}],"command":{"value":"sleep 60"}},` +
    '{"name":"t2","task_id":{"value":"t2"},"agent_id":{"value":"5b1c-S3"},' +
    `"resources":[${scalar('mem', 64)}],"command":{"value":"sleep 60"}}]}}}`);
  assert.is(op.launch_group!.executor.type, 'DEFAULT');
  assert.is(op.launch_group!.task_group.tasks!.length, 2);
  assert.equal(op.launch_group!.executor.resources!.map((r) => r.scalar!.value), [0.1, 32]);
});

test('example: DECLINE', () => {
  const call = roundTrip('mesos.v1.scheduler.Call',
    '{"framework_id":{"value":"5b1c-0000"},"type":"DECLINE","decline":{"offer_ids":[{"value":"5b1c-O17"},{"value":"5b1c-O18"}],' +
    '"filters":{"refuse_seconds":3600}}}');
  assert.equal(call.decline, { offer_ids: [{ value: '5b1c-O17' }, { value: '5b1c-O18' }], filters: { refuse_seconds: 3600 } });
  assert.ok(encode('mesos.v1.scheduler.Call', call).endsWith('"filters":{"refuse_seconds":3600.0}}}'));
});

test('example: UPDATE event, and the ACKNOWLEDGE that echoes its uuid', () => {
  const event = roundTrip('mesos.v1.scheduler.Event',
    '{"type":"UPDATE","update":{"status":{"task_id":{"value":"t1"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR",' +
    '"agent_id":{"value":"5b1c-S3"},"executor_id":{"value":"t1"},"timestamp":1.7e9,"uuid":"l3ZpZ1ZSSN2c7k4e9ZBvHg==",' +
    '"container_status":{"container_id":{"value":"c1"}}}}}');
  const status = event.update!.status;
  assert.is(status.timestamp, 1.7e9);
  assert.is(status.uuid, 'l3ZpZ1ZSSN2c7k4e9ZBvHg==');
  assert.ok(encode('mesos.v1.scheduler.Event', event).includes('"timestamp":1700000000.0,"uuid":"l3ZpZ1ZSSN2c7k4e9ZBvHg=="'));
  const ack = encode('mesos.v1.scheduler.Call', {
    framework_id: { value: '5b1c-0000' }, type: 'ACKNOWLEDGE',
    acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! },
  });
  assert.is(ack,
    '{"framework_id":{"value":"5b1c-0000"},"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"5b1c-S3"},' +
    '"task_id":{"value":"t1"},"uuid":"l3ZpZ1ZSSN2c7k4e9ZBvHg=="}}');
});

// ---------------------------------------------------------------------------------------------
// Prototype pollution

test('"__proto__" as a map key stays an ordinary own property', () => {
  const info = decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","offer_filters":{"__proto__":{"polluted":1},"web":{}}}');
  const filters = info.offer_filters!;
  assert.ok(Object.hasOwn(filters, '__proto__'));
  assert.is(Object.getPrototypeOf(filters), Object.prototype);
  assert.equal(Object.keys(filters), ['__proto__', 'web']);
  assert.equal(Object.getOwnPropertyDescriptor(filters, '__proto__')!.value, {});
  assert.is((({}) as Record<string, unknown>)['polluted'], undefined);
  assert.is((filters as Record<string, unknown>)['polluted'], undefined);
  // Written back as the key it is.
  assert.ok(encode('mesos.v1.FrameworkInfo', info).endsWith('"offer_filters":{"__proto__":{},"web":{}}}'));
  // Same for a map of scalars-as-messages.
  const task = decodeText('mesos.v1.TaskInfo', '{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":{"__proto__":{"value":1}}}');
  assert.ok(Object.hasOwn(task.limits!, '__proto__'));
  assert.is(Object.getPrototypeOf(task.limits), Object.prototype);
  assert.is((({}) as Record<string, unknown>)['value'], undefined);
});

test('"__proto__" in a message is an ignored unknown key', () => {
  const info = decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","__proto__":{"polluted":1,"user":"evil"},"constructor":{"prototype":{"polluted":1}}}');
  assert.equal(Object.keys(info), ['user', 'name']);
  assert.is(Object.getPrototypeOf(info), Object.prototype);
  assert.is((info as unknown as Record<string, unknown>)['polluted'], undefined);
  assert.is((({}) as Record<string, unknown>)['polluted'], undefined);
  // A parsed object whose prototype was swapped does not lend its inherited keys as fields.
  const sneaky = Object.create({ name: 'inherited' }) as Record<string, unknown>;
  sneaky['user'] = 'u';
  rejects(() => decode('mesos.v1.FrameworkInfo', sneaky), 'INVALID_MESSAGE', 'name: required');
});

test('parseJson turns syntax errors into INVALID_JSON', () => {
  rejects(() => parseJson('{"type":'), 'INVALID_JSON', /./);
  rejects(() => decodeText('mesos.v1.scheduler.Call', "{'type':'SUBSCRIBE'}"), 'INVALID_JSON', /./);
  assert.equal(parseJson(' {"a" : [1, 2.5, "x"]} '), { a: [1, 2.5, 'x'] });
});

test.run();

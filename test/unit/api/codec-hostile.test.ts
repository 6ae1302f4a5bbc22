// Hostile input to the JSON dialect codec (lib/api/codec.ts): every case ends in a clear
// MesosError (INVALID_JSON or INVALID_MESSAGE, naming the field path) or a correct decode, never
// a crash (RangeError, TypeError), a hang, or a quadratic blow-up. No timings are asserted: the
// sizes are chosen so that a linear implementation finishes in well under a second and a
// quadratic one would not finish at all.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_DEPTH, decode, decodeText, encode } from '../../../lib/api/codec.ts';
import type { ContainerID } from '../../../lib/types/mesos.ts';
import { rejects } from '../../helpers/assert-error.ts';

const N = 100_000;
const MB10 = 10 * 1024 * 1024;
const nestedArrays = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const nestedObjects = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const subscribe = (frameworkInfo: string): string => `{"type":"SUBSCRIBE","subscribe":{"framework_info":${frameworkInfo}}}`;

// ---------------------------------------------------------------------------------------------
// Deep nesting

test('100,000 nested arrays under an unknown key are ignored', () => {
  const call = decodeText('mesos.v1.scheduler.Call', `{"type":"TEARDOWN","junk":${nestedArrays(N)},"framework_id":{"value":"f"}}`);
  assert.equal(call, { type: 'TEARDOWN', framework_id: { value: 'f' } });
});

test('100,000 nested objects under an unknown key are ignored', () => {
  const call = decodeText('mesos.v1.scheduler.Call', `{"type":"TEARDOWN","junk":${nestedObjects(N)}}`);
  assert.equal(call, { type: 'TEARDOWN' });
});

test('100,000 nested arrays as a known message field are rejected', () => {
  rejects(() => decodeText('mesos.v1.scheduler.Call', subscribe(nestedArrays(N))), 'INVALID_MESSAGE',
    'subscribe.framework_info: expected a single value, got an array');
  // In a repeated field nested arrays flatten (iteratively): here to nothing at all.
  assert.equal(decodeText('mesos.v1.scheduler.Call', `{"type":"DECLINE","decline":{"offer_ids":${nestedArrays(N)}}}`),
    { type: 'DECLINE', decline: {} });
});

test('100,000 nested objects as a known message field: unknown keys, then a missing required field', () => {
  rejects(() => decodeText('mesos.v1.scheduler.Call', subscribe(nestedObjects(N))), 'INVALID_MESSAGE',
    'subscribe.framework_info.user: required');
});

test('a ContainerID parent chain deeper than MAX_DEPTH is rejected, one within it decodes', () => {
  const chain = (n: number): string => '{"value":"c","parent":'.repeat(n - 1) + '{"value":"root"}' + '}'.repeat(n - 1);
  // MAX_DEPTH ContainerIDs, the outermost at depth 0: accepted.
  const ok = decodeText('mesos.v1.ContainerID', chain(MAX_DEPTH));
  let depth = 1;
  for (let c: ContainerID = ok; c.parent; c = c.parent) depth++;
  assert.is(depth, MAX_DEPTH);
  assert.is(decodeText('mesos.v1.ContainerID', encode('mesos.v1.ContainerID', ok)).value, 'c');
  // One more, and 100,000 more: rejected with the path down to where it got too deep.
  const err = rejects(() => decodeText('mesos.v1.ContainerID', chain(MAX_DEPTH + 1)), 'INVALID_MESSAGE',
    /^(parent\.){63}parent: messages nested deeper than 64 levels$/);
  assert.is(MAX_DEPTH, 64, err.message);
  rejects(() => decodeText('mesos.v1.ContainerID', chain(N)), 'INVALID_MESSAGE', /: messages nested deeper than 64 levels$/);
  // Deep inside a Call, the depth counts from the Call.
  const status = `{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","container_status":{"container_id":${chain(N)}}}}}`;
  rejects(() => decodeText('mesos.v1.scheduler.Event', status), 'INVALID_MESSAGE',
    /^update\.status\.container_status\.container_id(\.parent)+: messages nested deeper than 64 levels$/);
});

test('encoding a value nested deeper than MAX_DEPTH is an INTERNAL MesosError, not a stack overflow', () => {
  let c: ContainerID = { value: 'root' };
  for (let i = 0; i < N; i++) c = { value: 'c', parent: c };
  rejects(() => encode('mesos.v1.ContainerID', c), 'INTERNAL', /^cannot encode mesos\.v1\.ContainerID(\.parent)+: nested deeper than 64 levels$/);
});

test('a deeply nested document as the whole body', () => {
  rejects(() => decodeText('mesos.v1.scheduler.Call', nestedArrays(N)), 'INVALID_MESSAGE', 'expected an object for Call, got an array');
  // Nested objects under the unknown key `a`: an empty Call.
  assert.equal(decodeText('mesos.v1.scheduler.Call', nestedObjects(N)), {});
});

// ---------------------------------------------------------------------------------------------
// Numbers

test('1e400 for a double decodes to Infinity (as strtod would) and re-encodes as "Infinity"', () => {
  const s = decodeText('mesos.v1.Value.Scalar', '{"value":1e400}');
  assert.is(s.value, Infinity);
  assert.is(encode('mesos.v1.Value.Scalar', s), '{"value":"Infinity"}');
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":-1e400}').value, -Infinity);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":"1e400"}').value, Infinity);
  assert.is(decodeText('mesos.v1.Value.Scalar', '{"value":1e-400}').value, 0);
});

test('1e400 for an int64 is rejected', () => {
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":1e400}'), 'INVALID_MESSAGE', 'nanoseconds: expected an integer, got number Infinity');
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":-1e400}'), 'INVALID_MESSAGE', 'nanoseconds: expected an integer, got number -Infinity');
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":"1e400"}'), 'INVALID_MESSAGE', 'nanoseconds: expected an integer, got the string "1e400"');
  rejects(() => decodeText('mesos.v1.DurationInfo', '{"nanoseconds":1e19}'), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');
});

test('"99999999999999999999999" for a uint64 is out of range', () => {
  rejects(() => decodeText('mesos.v1.Value.Range', '{"begin":0,"end":"99999999999999999999999"}'), 'INVALID_MESSAGE', 'end: integer out of range for uint64');
  rejects(() => decodeText('mesos.v1.Value.Range', '{"begin":0,"end":99999999999999999999999}'), 'INVALID_MESSAGE', 'end: integer out of range for uint64');
  // Leading zeros do not count against the length.
  assert.is(decodeText('mesos.v1.Value.Range', `{"begin":"${'0'.repeat(1000)}7","end":1}`).begin, 7);
});

test('a 10 MB run of digits for an integer is rejected without a superlinear parse', () => {
  const digits = '9'.repeat(MB10);
  rejects(() => decodeText('mesos.v1.DurationInfo', `{"nanoseconds":"${digits}"}`), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');
  rejects(() => decodeText('mesos.v1.DurationInfo', `{"nanoseconds":"-${digits}"}`), 'INVALID_MESSAGE', 'nanoseconds: integer out of range for int64');
  rejects(() => decodeText('mesos.v1.DurationInfo', `{"nanoseconds":${digits}}`), 'INVALID_MESSAGE', 'nanoseconds: expected an integer, got number Infinity');
  assert.is(decodeText('mesos.v1.DurationInfo', `{"nanoseconds":"${'0'.repeat(MB10)}"}`).nanoseconds, 0);
});

test('a 10 MB run of digits followed by junk is rejected without regex backtracking', () => {
  const junk = `${'1'.repeat(MB10)}x`;
  rejects(() => decodeText('mesos.v1.Value.Scalar', `{"value":"${junk}"}`), 'INVALID_MESSAGE', /^value: expected a number, got the string "1{40}\.\.\."$/);
  rejects(() => decodeText('mesos.v1.Value.Scalar', `{"value":"${'1'.repeat(MB10)}.${'1'.repeat(MB10)}e"}`), 'INVALID_MESSAGE', /^value: expected a number/);
  rejects(() => decodeText('mesos.v1.DurationInfo', `{"nanoseconds":"${junk}"}`), 'INVALID_MESSAGE', /^nanoseconds: expected an integer/);
  // A valid 10 MB decimal is just a (large) number.
  assert.is(decodeText('mesos.v1.Value.Scalar', `{"value":"${'1'.repeat(MB10)}"}`).value, Infinity);
});

test('bare NaN and Infinity tokens in the text are JSON syntax errors', () => {
  for (const token of ['NaN', 'Infinity', '-Infinity', 'nan', 'inf']) {
    rejects(() => decodeText('mesos.v1.Value.Scalar', `{"value":${token}}`), 'INVALID_JSON', /./);
  }
});

test('the string "NaN" for a double is rejected, and the encoder refuses to write one', () => {
  // Pinned: Mesos's string path (JSON::parse<JSON::Number>) has no NaN either. So the encoder
  // cannot write a NaN double in any form that reads back: it is an INTERNAL error instead.
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":"NaN"}'), 'INVALID_MESSAGE', 'value: expected a number, got the string "NaN"');
  rejects(() => decodeText('mesos.v1.Value.Scalar', '{"value":"nan"}'), 'INVALID_MESSAGE', /^value: expected a number/);
  rejects(() => encode('mesos.v1.Value.Scalar', { value: NaN }), 'INTERNAL', /^cannot encode mesos\.v1\.Value\.Scalar\.value: NaN /);
});

test('negative values for a uint32 are rejected', () => {
  const port = (v: string) => decodeText('mesos.v1.CheckInfo.Tcp', `{"port":${v}}`).port;
  rejects(() => port('-1'), 'INVALID_MESSAGE', 'port: integer out of range for uint32');
  rejects(() => port('"-1"'), 'INVALID_MESSAGE', 'port: integer out of range for uint32');
  rejects(() => port('-4294967296'), 'INVALID_MESSAGE', 'port: integer out of range for uint32');
  rejects(() => port('-1e3'), 'INVALID_MESSAGE', 'port: integer out of range for uint32');
  assert.is(port('-0'), 0);
  assert.is(port('"-0"'), 0);
  // Also inside a repeated uint32 field, with the index.
  rejects(() => decodeText('mesos.v1.HealthCheck.HTTPCheckInfo', '{"port":80,"statuses":[200,-204]}'), 'INVALID_MESSAGE',
    'statuses[1]: integer out of range for uint32');
});

// ---------------------------------------------------------------------------------------------
// Size

test('a 10 MB string value decodes and encodes', () => {
  const big = 'x'.repeat(MB10);
  const info = decodeText('mesos.v1.FrameworkInfo', `{"user":"u","name":"${big}"}`);
  assert.is(info.name.length, MB10);
  const text = encode('mesos.v1.FrameworkInfo', info);
  assert.is(text.length, MB10 + '{"user":"u","name":"","failover_timeout":0.0,"checkpoint":false}'.length);
  // Non-ASCII: every character becomes a 6-character escape.
  const wide = 'é'.repeat(MB10 / 4);
  const escaped = encode('mesos.v1.FrameworkID', { value: wide });
  assert.is(escaped.length, '{"value":""}'.length + 6 * wide.length);
  assert.is(decodeText('mesos.v1.FrameworkID', escaped).value, wide);
});

test('a 10 MB base64 bytes value decodes (no regex stack overflow)', () => {
  const payload = Buffer.alloc((MB10 / 4) * 3, 0xab);
  const b64 = payload.toString('base64');
  assert.is(b64.length, MB10);
  const body = (data: string): string => `{"type":"MESSAGE","message":{"agent_id":{"value":"a"},"executor_id":{"value":"e"},"data":"${data}"}}`;
  const call = decodeText('mesos.v1.scheduler.Call', body(b64));
  assert.is(call.message!.data, b64);
  // Unpadded and invalid variants of the same size.
  assert.is(decodeText('mesos.v1.scheduler.Call', body(`${b64}qw`)).message!.data, `${b64}qw==`);
  rejects(() => decodeText('mesos.v1.scheduler.Call', body(`${b64}!`)), 'INVALID_MESSAGE', 'message.data: invalid base64');
  rejects(() => decodeText('mesos.v1.scheduler.Call', body(`${b64}q`)), 'INVALID_MESSAGE', 'message.data: invalid base64');
  rejects(() => decodeText('mesos.v1.scheduler.Call', body(`${'='.repeat(MB10)}`)), 'INVALID_MESSAGE', 'message.data: invalid base64');
});

test('objects with 100,000 unknown keys are decoded in linear time', () => {
  const keys = Array.from({ length: N }, (_, i) => `"k${i}":${i}`).join(',');
  assert.equal(decodeText('mesos.v1.FrameworkInfo', `{${keys},"user":"u","name":"n"}`), { user: 'u', name: 'n' });
  // And a map with 100,000 entries.
  const entries = Array.from({ length: N }, (_, i) => `"r${i}":{"value":${i}}`).join(',');
  const task = decodeText('mesos.v1.TaskInfo', `{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":{${entries}}}`);
  assert.is(Object.keys(task.limits!).length, N);
  assert.is(task.limits!['r99999']!.value, 99999);
});

test('a list of 100,000 elements with one bad element names its index', () => {
  const ids = Array.from({ length: N }, (_, i) => (i === N - 1 ? '{}' : `{"value":"o${i}"}`)).join(',');
  rejects(() => decodeText('mesos.v1.scheduler.Call', `{"type":"DECLINE","decline":{"offer_ids":[${ids}]}}`), 'INVALID_MESSAGE',
    `decline.offer_ids[${N - 1}].value: required`);
});

test('error messages quote at most a short prefix of a huge value', () => {
  const big = 'y'.repeat(MB10);
  rejects(() => decodeText('mesos.v1.Address', `{"port":"${big}"}`), 'INVALID_MESSAGE', `port: expected an integer, got the string "${'y'.repeat(40)}..."`);
  rejects(() => decodeText('mesos.v1.Resource', `{"name":"n","type":"${big}"}`), 'INVALID_MESSAGE', `type: unknown enum value "${'y'.repeat(40)}..."`);
  // On an optional enum a huge unknown name is simply dropped.
  assert.equal(decodeText('mesos.v1.scheduler.Call', `{"type":"${big}"}`), {});
  // Huge map keys are cut short in the path too.
  rejects(() => decodeText('mesos.v1.TaskInfo', `{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":{"${big}":1}}`),
    'INVALID_MESSAGE', `limits["${'y'.repeat(40)}..."]: expected an object for Value.Scalar, got number 1`);
});

// ---------------------------------------------------------------------------------------------
// Shapes and encodings

test('a top-level non-object is rejected', () => {
  rejects(() => decodeText('mesos.v1.scheduler.Call', '[]'), 'INVALID_MESSAGE', 'expected an object for Call, got an array');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '[{"type":"TEARDOWN"}]'), 'INVALID_MESSAGE', 'expected an object for Call, got an array');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '"SUBSCRIBE"'), 'INVALID_MESSAGE', 'expected an object for Call, got the string "SUBSCRIBE"');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '42'), 'INVALID_MESSAGE', 'expected an object for Call, got number 42');
  rejects(() => decodeText('mesos.v1.scheduler.Call', 'null'), 'INVALID_MESSAGE', 'expected an object for Call, got null');
  rejects(() => decodeText('mesos.v1.scheduler.Call', 'true'), 'INVALID_MESSAGE', 'expected an object for Call, got boolean true');
  rejects(() => decode('mesos.v1.scheduler.Call', undefined), 'INVALID_MESSAGE', 'expected an object for Call, got undefined undefined');
  rejects(() => decodeText('mesos.v1.scheduler.Call', ''), 'INVALID_JSON', /./);
  rejects(() => decodeText('mesos.v1.scheduler.Call', '   '), 'INVALID_JSON', /./);
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"TEARDOWN"} {}'), 'INVALID_JSON', /./);
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"TEARDOWN",}'), 'INVALID_JSON', /./);
  rejects(() => decodeText('mesos.v1.scheduler.Call', '\u0000'), 'INVALID_JSON', /./);
});

test('wrong JSON types for fields give a clear error naming the field', () => {
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"framework_id":"f"}'), 'INVALID_MESSAGE', 'framework_id: expected an object for FrameworkID, got the string "f"');
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"framework_id":{"value":{"value":"f"}}}'), 'INVALID_MESSAGE', 'framework_id.value: expected a string, got an object');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":true,"name":"n"}'), 'INVALID_MESSAGE', 'user: expected a string, got boolean true');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","failover_timeout":{}}'), 'INVALID_MESSAGE', 'failover_timeout: expected a number, got an object');
  rejects(() => decodeText('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","roles":[1]}'), 'INVALID_MESSAGE', 'roles[0]: expected a string, got number 1');
});

test('invalid UTF-8 in the body becomes U+FFFD and is escaped on output', () => {
  const bytes = Buffer.concat([Buffer.from('{"user":"u","name":"a'), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('b"}')]);
  const info = decodeText('mesos.v1.FrameworkInfo', bytes.toString('utf8'));
  assert.ok(info.name.startsWith('a\ufffd'));
  assert.ok(info.name.endsWith('b'));
  const text = encode('mesos.v1.FrameworkInfo', info);
  assert.ok(/^[\x20-\x7e]*$/.test(text), text);
  assert.match(text, /"name":"a\\ufffd/);
  assert.is(decodeText('mesos.v1.FrameworkInfo', text).name, info.name);
});

test('lone surrogates survive decoding and are escaped on output', () => {
  const info = decodeText('mesos.v1.FrameworkInfo', '{"user":"\\ud800","name":"x\\udc00y\\ud83d\\ude00"}');
  assert.is(info.user, '\ud800');
  assert.is(info.name, 'x\udc00y\ud83d\ude00');
  const text = encode('mesos.v1.FrameworkInfo', info);
  assert.ok(text.startsWith('{"user":"\\ud800","name":"x\\udc00y\\ud83d\\ude00"'), text);
  assert.ok(/^[\x20-\x7e]*$/.test(text));
  assert.equal(decodeText('mesos.v1.FrameworkInfo', text), { ...info, failover_timeout: 0, checkpoint: false });
  // A raw lone surrogate in the text (possible in a JS string, not in UTF-8) is read as is.
  assert.is(decodeText('mesos.v1.FrameworkID', '{"value":"\ud800"}').value, '\ud800');
});

test('control characters and quotes in strings are escaped, never written raw', () => {
  const nasty = '"\\\n\r\t\b\f\u0000\u001f\u2028\u2029</script>';
  const text = encode('mesos.v1.FrameworkID', { value: nasty });
  assert.not.ok(/[\x00-\x1f]/.test(text));
  assert.not.ok(text.includes('\n'));
  assert.is(decodeText('mesos.v1.FrameworkID', text).value, nasty);
});

test.run();

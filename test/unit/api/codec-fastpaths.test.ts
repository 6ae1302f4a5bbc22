// The JSON dialect codec (lib/api/codec.ts) takes shortcuts on the common case: safe integers
// range-checked without BigInt, padded base64 kept without a round trip through a Buffer, strings
// that need no escapes written as they are, repeated fields without nested arrays walked directly,
// and field paths built only once something fails. These tests pin each shortcut at the edges
// where it hands over to the general path, so the two cannot drift apart.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode, decodeText, encode, formatDouble, writeString } from '../../../lib/api/codec.ts';
import type { TaskInfo } from '../../../lib/types/mesos.ts';
import { rejects } from '../../helpers/assert-error.ts';

test('integer range checks on JSON numbers agree with the BigInt path on strings', () => {
  const nanos = (v: string) => decodeText('google.protobuf.Duration', `{"nanos":${v}}`).nanos;
  const begin = (v: string) => decodeText('mesos.v1.Value.Range', `{"begin":${v},"end":0}`).begin;
  for (const quote of ['', '"']) {
    const q = (v: string) => `${quote}${v}${quote}`;
    assert.is(nanos(q('2147483647')), 2147483647);
    assert.is(nanos(q('-2147483648')), -2147483648);
    rejects(() => nanos(q('2147483648')), 'INVALID_MESSAGE', 'nanos: integer out of range for int32');
    rejects(() => nanos(q('-2147483649')), 'INVALID_MESSAGE', 'nanos: integer out of range for int32');
    assert.is(begin(q('9007199254740991')), 9007199254740991);
    rejects(() => begin(q('-1')), 'INVALID_MESSAGE', 'begin: integer out of range for uint64');
    // -0 reads as 0 either way.
    assert.ok(Object.is(nanos(q('-0')), 0));
    assert.ok(Object.is(begin(q('-0')), 0));
  }
  // Beyond the safe range a number takes the BigInt path: in range for int64, not for int32.
  assert.is(decodeText('mesos.v1.DurationInfo', '{"nanoseconds":9007199254740993}').nanoseconds, 2 ** 53);
  rejects(() => nanos('9007199254740993'), 'INVALID_MESSAGE', 'nanos: integer out of range for int32');
  rejects(() => decodeText('mesos.v1.Value.Range', '{"begin":-9007199254740993,"end":0}'), 'INVALID_MESSAGE',
    'begin: integer out of range for uint64');
});

test('bytes come back in canonical padded base64, whichever form came in', () => {
  const data = (b64: string): unknown =>
    decode('mesos.v1.scheduler.Call.Message', { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: b64 }).data;
  for (const canonical of ['', 'QQ==', 'QUI=', 'QUJD', 'AAAAAA==', '////', 'cXdlcnR5dWlvcGFzZGZnaA==']) {
    assert.is(data(canonical), canonical);
  }
  // Bits past the last byte are dropped; unpadded input gains its padding.
  assert.is(data('QR=='), 'QQ==');
  assert.is(data('QUJ='), 'QUI=');
  assert.is(data('//=='), '/w==');
  assert.is(data('QQ'), 'QQ==');
  assert.is(data('QUJ'), 'QUI=');
});

test('strings: plain ones are written as they are, the rest escaped as before', () => {
  assert.is(writeString('TASK_RUNNING'), '"TASK_RUNNING"');
  assert.is(writeString(''), '""');
  assert.is(writeString(' ~!#$%&()*+,-./:;<=>?@[]^_`{|}'), '" ~!#$%&()*+,-./:;<=>?@[]^_`{|}"');
  assert.is(writeString('a"b\\c'), '"a\\"b\\\\c"');
  assert.is(writeString('\u0000\n\u001f'), '"\\u0000\\n\\u001f"');
  assert.is(writeString('\u007f\u0080é\u2028'), '"\\u007f\\u0080\\u00e9\\u2028"');
  assert.is(writeString('😀\ud800'), '"\\ud83d\\ude00\\ud800"');
});

test('doubles: integral values get .0 up to 1e21, exponent form from there', () => {
  assert.is(formatDouble(999999999999999900000), '999999999999999900000.0');
  assert.is(formatDouble(-999999999999999900000), '-999999999999999900000.0');
  assert.is(formatDouble(1e21), '1e21');
  assert.is(formatDouble(-1e21), '-1e21');
  assert.is(formatDouble(1.5e300), '1.5e300');
  assert.is(formatDouble(2 ** 53 + 0.5), '9007199254740992.0');
  assert.is(formatDouble(0.5), '0.5');
  assert.is(formatDouble(-1.5e-7), '-1.5e-7');
});

test('repeated fields: nested arrays and nulls flatten, and error indexes count kept elements', () => {
  const decline = (ids: string) => decodeText('mesos.v1.scheduler.Call', `{"type":"DECLINE","decline":{"offer_ids":${ids}}}`);
  assert.equal(decline('[{"value":"a"},null,[[{"value":"b"}],[]],{"value":"c"}]').decline!.offer_ids,
    [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
  assert.equal(decline('{"value":"a"}').decline!.offer_ids, [{ value: 'a' }]);
  rejects(() => decline('[null,{"value":"a"},[null,[{}]]]'), 'INVALID_MESSAGE', 'decline.offer_ids[1].value: required');
  rejects(() => decline('{}'), 'INVALID_MESSAGE', 'decline.offer_ids[0].value: required');
});

test('error paths name every level, through lists and maps, in decode and encode', () => {
  const task = (limits: string) => `{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":${limits}}`;
  const call = (t: string) => `{"type":"ACCEPT","accept":{"operations":[{"type":"LAUNCH","launch":{"task_infos":[${task('{}')},${t}]}}]}}`;
  rejects(() => decodeText('mesos.v1.scheduler.Call', call(task('{"cpus":{"value":"x"}}'))), 'INVALID_MESSAGE',
    'accept.operations[0].launch.task_infos[1].limits["cpus"].value: expected a number, got the string "x"');
  // A failure in one call leaves nothing behind for the next.
  rejects(() => decodeText('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","subscribe":{}}'), 'INVALID_MESSAGE',
    'subscribe.framework_info: required');
  const bad: TaskInfo = {
    name: 't', task_id: { value: 't' }, agent_id: { value: 'a' },
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'mem', type: 'SCALAR', ranges: { range: [{ begin: 0, end: 1.5 }] } }],
  };
  rejects(() => encode('mesos.v1.TaskInfo', bad), 'INTERNAL',
    'cannot encode mesos.v1.TaskInfo.resources[1].ranges.range[0].end: expected an integer');
  rejects(() => encode('mesos.v1.TaskInfo', { ...bad, resources: [], limits: { 'a b': { value: 'x' as unknown as number } } }), 'INTERNAL',
    'cannot encode mesos.v1.TaskInfo.limits[a b].value: expected a number');
  rejects(() => encode('mesos.v1.TaskInfo', { ...bad, resources: 'x' as never }), 'INTERNAL',
    'cannot encode mesos.v1.TaskInfo.resources: expected an array');
  rejects(() => encode('mesos.v1.TaskInfo', null as never), 'INTERNAL', 'cannot encode mesos.v1.TaskInfo: expected an object, got null');
});

test('defaults are written from the compiled plan, in declaration order', () => {
  assert.is(encode('mesos.v1.CommandInfo.URI', { value: 'v' }), '{"value":"v","extract":true}');
  assert.is(encode('mesos.v1.CommandInfo.URI', { value: 'v', extract: false, cache: true }), '{"value":"v","extract":false,"cache":true}');
  assert.is(encode('mesos.v1.FrameworkInfo', { name: 'n', user: 'u' }), '{"user":"u","name":"n","failover_timeout":0.0,"checkpoint":false}');
});

test.run();

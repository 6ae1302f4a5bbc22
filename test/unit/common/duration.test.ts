// Mesos's duration format (lib/common/duration.ts): what flags such as --allocation_interval accept,
// and how durations print.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseDuration } from '../../../lib/common/duration.ts';
import { rejects } from '../../helpers/assert-error.ts';

test('parseDuration reads every unit into milliseconds', () => {
  const cases: [string, number][] = [
    ['1ns', 1e-6],
    ['1us', 1e-3],
    ['1ms', 1],
    ['1secs', 1000],
    ['1mins', 60_000],
    ['1hrs', 3_600_000],
    ['1days', 86_400_000],
    ['1weeks', 604_800_000],
    ['0secs', 0],
    ['10secs', 10_000],
    ['15secs', 15_000],
    ['10mins', 600_000],
  ];
  for (const [text, ms] of cases) assert.is(parseDuration(text), ms, text);
});

test('parseDuration reads decimals and leading zeros', () => {
  assert.is(parseDuration('1.5hrs'), 5_400_000);
  assert.is(parseDuration('0.5secs'), 500);
  assert.is(parseDuration('.5secs'), 500);
  assert.is(parseDuration('2.25mins'), 135_000);
  assert.is(parseDuration('007ms'), 7);
  // Surrounding whitespace (a quoted flag value with a stray space) is ignored.
  assert.is(parseDuration(' 10secs '), 10_000);
});

test('parseDuration rejects bad input with an INVALID_FLAG error that quotes it', () => {
  for (const text of [
    '', '10', 'secs', '10 secs', '10s', '10sec', '10SECS', '10seconds', '-1secs', '+1secs', '1e3ms', '1.2.3secs', '1.secs', 'x10secs', '10secsx',
  ]) {
    rejects(() => parseDuration(text), 'INVALID_FLAG', `Invalid duration '${text}': expected a number and a unit (ns, us, ms, secs, mins, hrs, days, weeks), e.g. '10secs'`);
  }
});

test('parseDuration rejects a duration too large for a number', () => {
  const text = `${'9'.repeat(400)}weeks`;
  rejects(() => parseDuration(text), 'INVALID_FLAG', /: too large$/);
});

test('formatDuration picks the largest unit that keeps the value at least 1', () => {
  const cases: [number, string][] = [
    [1000, '1secs'],
    [1500, '1.5secs'],
    [90_000, '1.5mins'],
    [5_400_000, '1.5hrs'],
    [86_400_000, '1days'],
    [3 * 604_800_000, '3weeks'],
    [123.456, '123.456ms'],
    [0.5, '500us'],
    [1e-6, '1ns'],
    [-1000, '-1secs'],
    [0, '0ns'],
  ];
  for (const [ms, text] of cases) assert.is(formatDuration(ms), text, String(ms));
});

test('formatted durations parse back to the same value', () => {
  for (const ms of [1, 250, 1000, 1500, 60_000, 90_000, 3_600_000, 5_400_000, 86_400_000, 604_800_000, 0.001, 0.5]) {
    assert.is(parseDuration(formatDuration(ms)), ms, String(ms));
  }
});

test.run();

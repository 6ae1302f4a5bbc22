// The metrics registry (lib/common/metrics.ts): what /metrics/snapshot and GET_METRICS report in
// Mesos's flat JSON, and what /metrics reports in the Prometheus text format. Percentiles are
// worked out by hand in comments; no test depends on how long anything takes.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Metrics, PROMETHEUS_CONTENT_TYPE, TIMER_WINDOW, prometheusName } from '../../../lib/common/metrics.ts';

/** Asserts `actual` is `expected` up to floating-point rounding (interpolation multiplies fractions). */
function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} is not ${expected}`);
}

function throwsPlainError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, Error);
    assert.is((err as Error).constructor, Error, 'a plain Error, not a MesosError');
    assert.match((err as Error).message, message);
    return;
  }
  assert.unreachable(`expected an error matching ${message}`);
}

const TIMER_STATISTICS = ['count', 'max', 'min', 'p50', 'p90', 'p95', 'p99', 'p999', 'p9999'];

// ---------------------------------------------------------------------------------------------
// A line-by-line reader of the Prometheus text format (version 0.0.4), strict about what we emit.

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE_RE = new RegExp(`^(${METRIC_NAME})(\\{${LABEL}(?:,${LABEL})*\\})? (\\S+)$`);
const HELP_RE = new RegExp(`^# HELP (${METRIC_NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE_RE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|summary|histogram|untyped)$`);
// Go's ParseFloat syntax for a finite value; we never emit NaN or +Inf.
const FLOAT_RE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

interface Family {
  type: string;
  /** Series (name plus labels) -> value. */
  series: Map<string, number>;
}

/**
 * Parses `text`, asserting that every line is a HELP, TYPE or sample line; that each HELP line is
 * followed by the TYPE line of the same family; that a family's TYPE line comes once, before its
 * samples, which are contiguous and belong to it (a summary also owns `<name>_sum` and
 * `<name>_count`); and that no series appears twice anywhere.
 */
function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const allSeries = new Set<string>();
  if (text === '') return families;
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  let current: { name: string; family: Family } | undefined;
  let help: string | undefined;
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${line}`;
    const helpMatch = HELP_RE.exec(line);
    if (helpMatch) {
      assert.is(help, undefined, `${where}: two HELP lines in a row`);
      help = helpMatch[1];
      continue;
    }
    const typeMatch = TYPE_RE.exec(line);
    if (typeMatch) {
      const name = typeMatch[1]!;
      if (help !== undefined) assert.is(name, help, `${where}: TYPE follows the HELP of another family`);
      help = undefined;
      assert.not.ok(families.has(name), `${where}: a second TYPE line for ${name}`);
      assert.not.ok(allSeries.has(name), `${where}: TYPE after samples named ${name}`);
      current = { name, family: { type: typeMatch[2]!, series: new Map() } };
      families.set(name, current.family);
      continue;
    }
    assert.is(help, undefined, `${where}: HELP not followed by TYPE`);
    const sample = SAMPLE_RE.exec(line);
    assert.ok(sample, `${where}: not a HELP, TYPE or sample line`);
    const [, name, labels = '', value] = sample;
    assert.ok(current, `${where}: a sample before any TYPE line`);
    const owned = name === current.name
      || (current.family.type === 'summary' && (name === `${current.name}_sum` || name === `${current.name}_count`));
    assert.ok(owned, `${where}: not a sample of family ${current.name}`);
    if (labels !== '') assert.is(current.family.type, 'summary', `${where}: only summaries have labels here`);
    assert.match(value!, FLOAT_RE, `${where}: value`);
    const key = `${name}${labels}`;
    assert.not.ok(allSeries.has(key), `${where}: duplicate series ${key}`);
    allSeries.add(key);
    current.family.series.set(key, Number(value));
  }
  assert.is(help, undefined, 'a HELP line at the end');
  return families;
}

// ---------------------------------------------------------------------------------------------

test('counters start at 0, count up, and snapshot under their name', () => {
  const metrics = new Metrics();
  const registrations = metrics.counter('master/slave_registrations');
  assert.is(registrations.value, 0);
  assert.equal(metrics.snapshot(), { 'master/slave_registrations': 0 });
  registrations.inc();
  registrations.inc(4);
  registrations.inc(0);
  assert.is(registrations.value, 5);
  assert.equal(metrics.snapshot(), { 'master/slave_registrations': 5 });
});

test('registering a counter twice returns the same counter', () => {
  const metrics = new Metrics();
  const a = metrics.counter('master/messages_register_slave');
  a.inc();
  const b = metrics.counter('master/messages_register_slave');
  assert.is(b, a);
  b.inc();
  assert.equal(metrics.snapshot(), { 'master/messages_register_slave': 2 });
});

test('a counter refuses to go down or to add a non-finite amount', () => {
  const counter = new Metrics().counter('master/tasks_lost');
  for (const by of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    throwsPlainError(() => counter.inc(by), /finite number >= 0/);
  }
  assert.is(counter.value, 0);
});

test('gauges are read at each snapshot; re-registering a name replaces the reader', () => {
  const metrics = new Metrics();
  let uptime = 1;
  metrics.gauge('master/uptime_secs', () => uptime);
  assert.equal(metrics.snapshot(), { 'master/uptime_secs': 1 });
  uptime = 2.5;
  assert.equal(metrics.snapshot(), { 'master/uptime_secs': 2.5 });
  metrics.gauge('master/uptime_secs', () => 99);
  assert.equal(metrics.snapshot(), { 'master/uptime_secs': 99 });
});

test('a gauge that throws or returns NaN, Infinity or a non-number is left out, and the rest stays', () => {
  const metrics = new Metrics();
  metrics.gauge('master/elected', () => 1);
  metrics.gauge('master/nan', () => Number.NaN);
  metrics.gauge('master/inf', () => Number.POSITIVE_INFINITY);
  metrics.gauge('master/minus_inf', () => Number.NEGATIVE_INFINITY);
  metrics.gauge('master/not_a_number', () => '3' as unknown as number);
  metrics.gauge('master/throws', () => {
    throw new Error('the registry is not recovered yet');
  });
  metrics.counter('master/invalid_status_updates').inc(2);
  assert.equal(metrics.snapshot(), { 'master/elected': 1, 'master/invalid_status_updates': 2 });
  // The snapshot is plain JSON, and the Prometheus output leaves the same gauges out.
  assert.equal(JSON.parse(JSON.stringify(metrics.snapshot())), metrics.snapshot());
  assert.equal([...parsePrometheus(metrics.prometheus()).keys()], ['master_elected', 'master_invalid_status_updates']);
});

test('gauge sets are read at each snapshot and may change their names', () => {
  const metrics = new Metrics();
  let roles: [string, number][] = [['dev', 2], ['prod', 8]];
  metrics.gaugeSet('allocator/roles', function* () {
    for (const [role, cpus] of roles) yield [`allocator/mesos/roles/${role}/shares/dominant`, cpus / 10];
  });
  metrics.counter('master/slave_registrations');
  assert.equal(metrics.snapshot(), {
    'allocator/mesos/roles/dev/shares/dominant': 0.2,
    'allocator/mesos/roles/prod/shares/dominant': 0.8,
    'master/slave_registrations': 0,
  });
  roles = [['ops', 5]];
  assert.equal(metrics.snapshot(), {
    'allocator/mesos/roles/ops/shares/dominant': 0.5,
    'master/slave_registrations': 0,
  });
  // Re-registering the key replaces the reader.
  metrics.gaugeSet('allocator/roles', () => new Map([['allocator/mesos/roles/qa/shares/dominant', 0]]));
  assert.equal(metrics.snapshot(), {
    'allocator/mesos/roles/qa/shares/dominant': 0,
    'master/slave_registrations': 0,
  });
});

test('a gauge set skips invalid names, non-finite values, registered names and names an earlier set gave', () => {
  const metrics = new Metrics();
  metrics.counter('master/slave_registrations').inc();
  metrics.timer('allocator/mesos/allocation_run');
  metrics.gaugeSet('first', () => [
    ['a/ok', 1],
    ['a/nan', Number.NaN],
    ['a/inf', Number.NEGATIVE_INFINITY],
    ['has space', 1],
    ['', 1],
    ['42', 1],
    ['master/slave_registrations', 7], // a registered counter's name: the counter wins
    ['allocator/mesos/allocation_run_ms/count', 7], // reserved by the timer
    ['shared', 1],
    ['shared', 2], // the same set twice: the first value wins
  ]);
  metrics.gaugeSet('second', () => [['shared', 3], ['b/ok', 2]]);
  assert.equal(metrics.snapshot(), {
    'a/ok': 1,
    'allocator/mesos/allocation_run_ms/count': 0,
    'b/ok': 2,
    'master/slave_registrations': 1,
    shared: 1,
  });
});

test('a gauge set that throws, even partway through, contributes nothing', () => {
  const metrics = new Metrics();
  metrics.gaugeSet('broken', function* () {
    yield ['broken/first', 1];
    yield ['shared', 1];
    throw new Error('role tree changed while reading');
  });
  metrics.gaugeSet('throws/at/once', () => {
    throw new Error('not ready');
  });
  metrics.gaugeSet('healthy', () => [['shared', 2], ['healthy/one', 1]]);
  metrics.gauge('master/elected', () => 1);
  // 'shared' from the broken set was taken back, so the healthy set's value appears.
  assert.equal(metrics.snapshot(), { 'healthy/one': 1, 'master/elected': 1, shared: 2 });
});

test('a timer with no samples reports only its count, 0', () => {
  const metrics = new Metrics();
  metrics.timer('allocator/mesos/allocation_run');
  assert.equal(metrics.snapshot(), { 'allocator/mesos/allocation_run_ms/count': 0 });
});

test('a timer with one sample reports it and a count of 1; statistics need two samples, as in Mesos', () => {
  const metrics = new Metrics();
  metrics.timer('allocator/mesos/allocation_run').record(12.5);
  assert.equal(metrics.snapshot(), {
    'allocator/mesos/allocation_run_ms': 12.5,
    'allocator/mesos/allocation_run_ms/count': 1,
  });
});

test('timer statistics over samples worked out by hand', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('allocator/mesos/allocation_run');
  // Recorded out of order; the last one recorded is 35. Sorted: [15, 20, 35, 40, 50], so n = 5 and
  // the percentile p sits at position p * 4 between ranks 0 and 4:
  //   p50   -> 2       -> 35
  //   p90   -> 3.6     -> 40 + 0.6    * (50 - 40) = 46
  //   p95   -> 3.8     -> 40 + 0.8    * 10        = 48
  //   p99   -> 3.96    -> 40 + 0.96   * 10        = 49.6
  //   p999  -> 3.996   -> 40 + 0.996  * 10        = 49.96
  //   p9999 -> 3.9996  -> 40 + 0.9996 * 10        = 49.996
  for (const ms of [50, 15, 40, 20, 35]) timer.record(ms);
  const snapshot = metrics.snapshot();
  const name = 'allocator/mesos/allocation_run_ms';
  assert.equal(Object.keys(snapshot), [name, ...TIMER_STATISTICS.map((s) => `${name}/${s}`)]);
  assert.is(snapshot[name], 35);
  assert.is(snapshot[`${name}/count`], 5);
  assert.is(snapshot[`${name}/min`], 15);
  assert.is(snapshot[`${name}/max`], 50);
  close(snapshot[`${name}/p50`], 35, 'p50');
  close(snapshot[`${name}/p90`], 46, 'p90');
  close(snapshot[`${name}/p95`], 48, 'p95');
  close(snapshot[`${name}/p99`], 49.6, 'p99');
  close(snapshot[`${name}/p999`], 49.96, 'p999');
  close(snapshot[`${name}/p9999`], 49.996, 'p9999');
});

test('timer percentiles over an even number of samples interpolate between the middle two', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('master/registrar/state_store');
  // 1 .. 10: positions 0 .. 9, value = position + 1.
  //   p50 -> 4.5 -> 5.5;  p90 -> 8.1 -> 9.1;  p95 -> 8.55 -> 9.55;  p99 -> 8.91 -> 9.91;
  //   p999 -> 8.991 -> 9.991;  p9999 -> 8.9991 -> 9.9991
  for (let ms = 10; ms >= 1; ms--) timer.record(ms);
  const snapshot = metrics.snapshot();
  const expected: Record<string, number> = { p50: 5.5, p90: 9.1, p95: 9.55, p99: 9.91, p999: 9.991, p9999: 9.9991 };
  for (const [p, value] of Object.entries(expected)) close(snapshot[`master/registrar/state_store_ms/${p}`], value, p);
  assert.is(snapshot['master/registrar/state_store_ms'], 1);
  assert.is(snapshot['master/registrar/state_store_ms/min'], 1);
  assert.is(snapshot['master/registrar/state_store_ms/max'], 10);
});

test(`a timer keeps only the last ${TIMER_WINDOW} samples for its statistics`, () => {
  const metrics = new Metrics();
  const timer = metrics.timer('t');
  // 1 .. 1500: the window holds 501 .. 1500, positions 0 .. 999, value = position + 501.
  //   p50 -> 499.5 -> 1000.5;  p90 -> 899.1 -> 1400.1;  p9999 -> 998.9001 -> 1499.9001
  for (let ms = 1; ms <= 1500; ms++) timer.record(ms);
  const snapshot = metrics.snapshot();
  assert.is(snapshot['t_ms'], 1500);
  assert.is(snapshot['t_ms/count'], TIMER_WINDOW);
  assert.is(snapshot['t_ms/min'], 501);
  assert.is(snapshot['t_ms/max'], 1500);
  close(snapshot['t_ms/p50'], 1000.5, 'p50');
  close(snapshot['t_ms/p90'], 1400.1, 'p90');
  close(snapshot['t_ms/p9999'], 1499.9001, 'p9999');
  // Prometheus's _sum and _count cover every sample: 1500 of them, summing to 1500 * 1501 / 2.
  const summary = parsePrometheus(metrics.prometheus()).get('t_ms')!;
  assert.is(summary.series.get('t_ms_count'), 1500);
  assert.is(summary.series.get('t_ms_sum'), 1_125_750);
  assert.is(summary.series.get('t_ms{quantile="0"}'), 501);
  assert.is(summary.series.get('t_ms{quantile="1"}'), 1500);
});

test('a snapshot after new samples reflects them; one without new samples is unchanged', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('t');
  timer.record(5);
  timer.record(1);
  const first = metrics.snapshot();
  assert.equal(metrics.snapshot(), first);
  timer.record(9);
  const second = metrics.snapshot();
  assert.is(second['t_ms'], 9);
  assert.is(second['t_ms/count'], 3);
  assert.is(second['t_ms/max'], 9);
  assert.is(second['t_ms/p50'], 5);
});

test('a timer ignores non-finite samples', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('t');
  timer.record(Number.NaN);
  timer.record(Number.POSITIVE_INFINITY);
  assert.equal(metrics.snapshot(), { 't_ms/count': 0 });
});

test('timer.time records a sample whether fn returns or throws, and passes either through', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('t');
  assert.is(timer.time(() => 42), 42);
  assert.throws(() => timer.time(() => {
    throw new Error('boom');
  }), /boom/);
  const snapshot = metrics.snapshot();
  assert.is(snapshot['t_ms/count'], 2);
  assert.ok(snapshot['t_ms/min']! >= 0);
});

test('timer.time of a promise records when it settles, and settles the same way', async () => {
  const metrics = new Metrics();
  const timer = metrics.timer('t');
  let resolve!: (value: string) => void;
  const pending = timer.time(() => new Promise<string>((r) => { resolve = r; }));
  assert.is(metrics.snapshot()['t_ms/count'], 0, 'nothing recorded before the promise settles');
  resolve('done');
  assert.is(await pending, 'done');
  assert.is(metrics.snapshot()['t_ms/count'], 1);

  const failing = timer.time(async () => {
    throw new Error('registry unavailable');
  });
  try {
    await failing;
    assert.unreachable('the rejection passes through');
  } catch (err) {
    assert.match((err as Error).message, 'registry unavailable');
  }
  assert.is(metrics.snapshot()['t_ms/count'], 2);
});

test('registering a timer twice returns the same timer', () => {
  const metrics = new Metrics();
  const timer = metrics.timer('allocator/mesos/allocation_run');
  assert.is(metrics.timer('allocator/mesos/allocation_run'), timer);
});

test('names must be non-empty printable ASCII without whitespace, and not only digits', () => {
  const metrics = new Metrics();
  for (const name of ['', ' ', 'a b', 'a\tb', 'a\nb', ' master/elected', 'caf\u00e9', 'a\u007fb', 'a\u0000b', '42']) {
    throwsPlainError(() => metrics.counter(name), /^Invalid metric name /);
    throwsPlainError(() => metrics.gauge(name, () => 1), /^Invalid metric name /);
    throwsPlainError(() => metrics.timer(name), /^Invalid metric name /);
    throwsPlainError(() => metrics.gaugeSet(name, () => []), /^Invalid gauge set key /);
  }
  // Anything else printable is fine, including characters Prometheus cannot use.
  for (const name of ['master/elected', 'a-b.c:d', '4x', '{quoted}', '__proto__', 'x\\y']) metrics.counter(name);
  assert.equal(Object.keys(metrics.snapshot()), ['4x', 'a-b.c:d', 'master/elected', 'x\\y', '{quoted}', '__proto__'].sort());
  assert.is(metrics.snapshot()['__proto__'], 0);
  assert.equal(JSON.parse(JSON.stringify(metrics.snapshot())), metrics.snapshot());
});

test('a name used as two kinds, or reserved by a timer, is a programming error', () => {
  const metrics = new Metrics();
  metrics.counter('master/elected');
  throwsPlainError(() => metrics.gauge('master/elected', () => 1), /already used by counter 'master\/elected'/);
  throwsPlainError(() => metrics.timer('master/elected'), /already used by counter/);

  metrics.gauge('master/uptime_secs', () => 1);
  throwsPlainError(() => metrics.counter('master/uptime_secs'), /already used by gauge 'master\/uptime_secs'/);

  // A timer owns its registered name and every key it snapshots under.
  metrics.timer('allocator/mesos/allocation_run');
  for (const name of ['allocator/mesos/allocation_run', 'allocator/mesos/allocation_run_ms', 'allocator/mesos/allocation_run_ms/p99']) {
    throwsPlainError(() => metrics.counter(name), /already used by timer 'allocator\/mesos\/allocation_run'/);
  }
  // ...including against another timer whose keys would collide.
  throwsPlainError(() => metrics.timer('allocator/mesos/allocation_run_ms'), /already used by timer/);
  // The other way round: a counter named like a timer's key blocks the timer.
  metrics.counter('x_ms/count');
  throwsPlainError(() => metrics.timer('x'), /Metric name 'x_ms\/count' is already used by counter 'x_ms\/count'/);
  // A failed registration reserves nothing.
  metrics.counter('x');
  metrics.counter('x_ms');
});

test('snapshot keys are sorted, whatever the registration order and kind', () => {
  const metrics = new Metrics();
  metrics.counter('z/last');
  metrics.gauge('master/uptime_secs', () => 1);
  metrics.gaugeSet('dynamic', () => [['b/set', 1], ['A/upper', 2]]);
  const timer = metrics.timer('allocator/mesos/allocation_run');
  timer.record(1);
  timer.record(2);
  metrics.counter('allocator/mesos/allocation_run_ms/a'); // sorts among the timer's keys
  metrics.counter('allocator/mesos/allocation_runs');
  const keys = Object.keys(metrics.snapshot());
  const timerKeys = ['allocator/mesos/allocation_run_ms', 'allocator/mesos/allocation_run_ms/a', ...TIMER_STATISTICS.map((s) => `allocator/mesos/allocation_run_ms/${s}`)];
  // Byte order: upper case before lower case, '_ms' ('_' is 0x5f) before 's' (0x73).
  assert.equal(keys, ['A/upper', ...timerKeys, 'allocator/mesos/allocation_runs', 'b/set', 'master/uptime_secs', 'z/last']);
  // JSON keeps the order.
  assert.equal(Object.keys(JSON.parse(JSON.stringify(metrics.snapshot()))), keys);
});

test('Prometheus output for a small registry, exactly', () => {
  const metrics = new Metrics();
  metrics.counter('master/slave_registrations').inc(3);
  metrics.gauge('master/uptime_secs', () => 12.5);
  metrics.timer('master/registrar/state_fetch'); // no samples yet
  const timer = metrics.timer('allocator/mesos/allocation_run');
  for (const ms of [50, 15, 40, 20, 35]) timer.record(ms); // the statistics worked out above
  const help = (name: string): string => `Mesos timer '${name}' in milliseconds: quantiles over the last 1000 samples, _sum and _count over all samples`;
  assert.fixture(metrics.prometheus(), [
    `# HELP allocator_mesos_allocation_run_ms ${help('allocator/mesos/allocation_run_ms')}`,
    '# TYPE allocator_mesos_allocation_run_ms summary',
    'allocator_mesos_allocation_run_ms{quantile="0"} 15',
    'allocator_mesos_allocation_run_ms{quantile="0.5"} 35',
    'allocator_mesos_allocation_run_ms{quantile="0.9"} 46',
    'allocator_mesos_allocation_run_ms{quantile="0.95"} 48',
    'allocator_mesos_allocation_run_ms{quantile="0.99"} 49.6',
    'allocator_mesos_allocation_run_ms{quantile="0.999"} 49.96',
    'allocator_mesos_allocation_run_ms{quantile="0.9999"} 49.996',
    'allocator_mesos_allocation_run_ms{quantile="1"} 50',
    'allocator_mesos_allocation_run_ms_sum 160',
    'allocator_mesos_allocation_run_ms_count 5',
    "# HELP allocator_mesos_allocation_run_ms_last The last sample of Mesos timer 'allocator/mesos/allocation_run_ms', in milliseconds",
    '# TYPE allocator_mesos_allocation_run_ms_last gauge',
    'allocator_mesos_allocation_run_ms_last 35',
    "# HELP master_registrar_state_fetch_ms Mesos timer 'master/registrar/state_fetch_ms' in milliseconds: quantiles over the last 1000 samples, _sum and _count over all samples",
    '# TYPE master_registrar_state_fetch_ms summary',
    'master_registrar_state_fetch_ms_sum 0',
    'master_registrar_state_fetch_ms_count 0',
    "# HELP master_slave_registrations Mesos counter 'master/slave_registrations'",
    '# TYPE master_slave_registrations counter',
    'master_slave_registrations 3',
    "# HELP master_uptime_secs Mesos gauge 'master/uptime_secs'",
    '# TYPE master_uptime_secs gauge',
    'master_uptime_secs 12.5',
    '',
  ].join('\n'));
  assert.is(new Metrics().prometheus(), '');
  assert.is(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
});

test('Prometheus output of a busy registry follows the exposition grammar', () => {
  const metrics = new Metrics();
  metrics.counter('master/slave_registrations').inc(2);
  metrics.gauge('master/elected', () => 1);
  metrics.gauge('master/broken', () => Number.NaN);
  metrics.gaugeSet('quota', () => [
    ['allocator/mesos/quota/roles/eng/dev/resources/cpus/guarantee', 4],
    ['allocator/mesos/quota/roles/eng/dev/resources/mem/limit', 1024.5],
  ]);
  const full = metrics.timer('allocator/mesos/allocation_run');
  for (let i = 0; i < 2500; i++) full.record((i * 7919) % 1000 / 8);
  metrics.timer('master/empty');
  metrics.timer('master/one').record(3);
  metrics.counter('x\\y"z'); // HELP escapes the backslash
  const families = parsePrometheus(metrics.prometheus());
  assert.equal([...families.keys()], [
    'allocator_mesos_allocation_run_ms',
    'allocator_mesos_allocation_run_ms_last',
    'allocator_mesos_quota_roles_eng_dev_resources_cpus_guarantee',
    'allocator_mesos_quota_roles_eng_dev_resources_mem_limit',
    'master_elected',
    'master_empty_ms',
    'master_one_ms',
    'master_one_ms_last',
    'master_slave_registrations',
    'x_y_z',
  ]);
  assert.is(families.get('allocator_mesos_allocation_run_ms')!.type, 'summary');
  assert.is(families.get('allocator_mesos_allocation_run_ms')!.series.size, 10); // 8 quantiles, _sum, _count
  assert.is(families.get('master_one_ms')!.series.size, 2); // one sample: no quantiles yet
  assert.is(families.get('master_slave_registrations')!.type, 'counter');
  assert.is(families.get('allocator_mesos_quota_roles_eng_dev_resources_mem_limit')!.type, 'gauge');
  assert.match(metrics.prometheus(), "Mesos counter 'x\\\\y\"z'");
});

test('Prometheus names: invalid characters become _, a leading digit gets _ in front', () => {
  assert.is(prometheusName('allocator/mesos/allocation_runs'), 'allocator_mesos_allocation_runs');
  assert.is(prometheusName('a-b.c:d/e'), 'a_b_c:d_e');
  assert.is(prometheusName('1st/thing'), '_1st_thing');
  assert.is(prometheusName('_already'), '_already');
  assert.is(prometheusName('{x}'), '_x_');
});

test('Mesos names that sanitise alike get numeric suffixes in Mesos name order; no series repeats', () => {
  const metrics = new Metrics();
  // In byte order '.' < '/' < '_', so 'a.b' keeps 'a_b', then 'a/b' gets 'a_b_2', 'a_b' gets 'a_b_3'.
  metrics.counter('a_b').inc(3);
  metrics.counter('a/b').inc(2);
  metrics.counter('a.b').inc(1);
  // 'a/b_2' would be 'a_b_2', which 'a/b' already has, so it moves on to 'a_b_2_2'.
  metrics.gauge('a/b_2', () => 4);
  // A timer 'x' needs x_ms, x_ms_sum, x_ms_count and x_ms_last; a gauge already has x_ms_count
  // ('x/ms_count' sorts before 'x_ms'), so the whole timer moves to x_ms_2.
  metrics.gauge('x/ms_count', () => 5);
  const timer = metrics.timer('x');
  timer.record(1);
  timer.record(2);
  const families = parsePrometheus(metrics.prometheus());
  const value = (family: string, series = family): number | undefined => families.get(family)?.series.get(series);
  assert.is(value('a_b'), 1);
  assert.is(value('a_b_2'), 2);
  assert.is(value('a_b_2_2'), 4);
  assert.is(value('a_b_3'), 3);
  assert.is(value('x_ms_count'), 5);
  assert.is(families.get('x_ms_count')!.type, 'gauge');
  assert.is(families.get('x_ms_2')!.type, 'summary');
  assert.is(value('x_ms_2', 'x_ms_2_count'), 2);
  assert.is(value('x_ms_2', 'x_ms_2_sum'), 3);
  assert.is(value('x_ms_2_last'), 2);
  assert.not.ok(families.has('x_ms'));
  // The Prometheus output agrees with the snapshot on every figure it carries.
  const snapshot = metrics.snapshot();
  assert.is(snapshot['a.b'], 1);
  assert.is(snapshot['a/b'], 2);
  assert.is(snapshot['a_b'], 3);
});

test('Prometheus numbers: integers plainly, other values in their shortest form', () => {
  const metrics = new Metrics();
  metrics.gauge('int', () => 42);
  metrics.gauge('negative', () => -7);
  metrics.gauge('negative_zero', () => -0);
  metrics.gauge('tenth', () => 0.1);
  metrics.gauge('third', () => 1 / 3);
  metrics.gauge('tiny', () => 1e-7);
  metrics.gauge('huge', () => 1e21);
  metrics.gauge('max_safe', () => Number.MAX_SAFE_INTEGER);
  const samples = metrics.prometheus().split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  assert.equal(samples, [
    'huge 1e+21',
    'int 42',
    'max_safe 9007199254740991',
    'negative -7',
    'negative_zero 0',
    'tenth 0.1',
    'third 0.3333333333333333',
    'tiny 1e-7',
  ]);
  // Every one reads back as the number it came from.
  parsePrometheus(metrics.prometheus());
  const snapshot = metrics.snapshot();
  for (const line of samples) {
    const [name, text] = line.split(' ');
    assert.ok(Number(text) === snapshot[name!], name); // === as -0 prints as 0
  }
});

test.run();

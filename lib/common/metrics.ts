// The one metrics registry of a mesos-ts process, shared by the master and the agent. It serves
// Mesos's `/metrics/snapshot` (a flat JSON object of name -> number), the v1 operator call
// GET_METRICS (the same figures as a list of Metric messages) and `/metrics` (the same figures in
// the Prometheus text exposition format, version 0.0.4).
//
// Four kinds of metric, all named the Mesos way ('master/uptime_secs', 'allocator/mesos/allocation_runs'):
// - a counter only goes up and is kept here;
// - a gauge is a function read at every snapshot;
// - a gauge set is a function read at every snapshot that returns many gauges whose names are not
//   known up front (per role, per resource, per framework);
// - a timer keeps a window of recent durations and reports Mesos's statistics over it.
//
// Registering a metric is a programming act, so mistakes there (a bad name, a name used for two
// kinds) throw a plain Error at startup. Reading metrics never throws: a gauge whose reader throws
// or returns something other than a finite number is left out of that snapshot, because NaN and
// Infinity are not JSON and one broken gauge must not hide every other figure.

// Mesos keeps a time series per timer, bounded both by age and by a capacity of 1000 points, and
// thins it out once full. We keep exactly the last 1000 samples in a ring: memory stays at two
// 8 KB arrays per timer whatever the sampling rate, and the statistics describe recent behaviour.
/** How many recent samples a timer keeps for its statistics. */
export const TIMER_WINDOW = 1000;

/** The Content-Type of `prometheus()`'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A monotonically increasing count. */
export interface Counter {
  /** Adds `by` (default 1), which must be a finite number >= 0. */
  inc(by?: number): void;
  readonly value: number;
}

/** A duration timer, in milliseconds. */
export interface Timer {
  /** Records one duration. A non-finite value (NaN, Infinity) is ignored. */
  record(ms: number): void;
  /**
   * Runs `fn` and records how long it took, also when it throws. When `fn` returns a promise (any
   * thenable) the duration runs until it settles: `time` then returns a promise that settles the
   * same way, after the duration is recorded.
   */
  time<T>(fn: () => T): T;
}

/**
 * The percentiles Mesos reports for a timer: the snapshot key suffix and the fraction. The
 * fraction, printed by JavaScript, is also the Prometheus `quantile` label ('0.5', '0.999').
 */
const PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p999', 0.999],
  ['p9999', 0.9999],
] as const;

/** What a timer named `x` adds to the name `x_ms` in a snapshot, besides `x_ms` itself. */
const TIMER_KEY_SUFFIXES = ['/count', '/min', '/max', ...PERCENTILES.map(([key]) => `/${key}`)];

/**
 * A valid name is printable ASCII without whitespace (0x21 to 0x7e), at least one character. A name
 * made only of digits is refused too: JavaScript enumerates such keys ('42') before every other key
 * of an object, so a snapshot holding one could not keep its keys sorted.
 */
const NAME_RE = /^[\x21-\x7e]+$/;
const DIGITS_RE = /^[0-9]+$/;

function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RE.test(name) && !DIGITS_RE.test(name);
}

function checkName(name: string, what: string): void {
  if (!isValidName(name)) {
    const shown = JSON.stringify(String(name).slice(0, 100));
    throw new Error(`Invalid ${what} ${shown}: expected printable ASCII without whitespace, not only digits`);
  }
}

class CounterImpl implements Counter {
  #value = 0;

  inc(by = 1): void {
    if (!Number.isFinite(by) || by < 0) throw new Error(`Counter increment must be a finite number >= 0, got ${by}`);
    this.#value += by;
  }

  get value(): number {
    return this.#value;
  }
}

/** Statistics over a timer's window; only present once the window holds two samples. */
interface WindowStatistics {
  readonly min: number;
  readonly max: number;
  /** One value per entry of PERCENTILES, in the same order. */
  readonly percentiles: readonly number[];
}

interface TimerReading {
  /** Samples in the window (at most TIMER_WINDOW). */
  readonly windowCount: number;
  /** The most recent sample; undefined before the first. */
  readonly last: number | undefined;
  /** Undefined until the window holds two samples, as in Mesos (see `read`). */
  readonly statistics: WindowStatistics | undefined;
  /** Samples and their sum since the timer was registered, for Prometheus's `_count` and `_sum`. */
  readonly totalCount: number;
  readonly totalSum: number;
}

/**
 * The value at fraction `p` (0 < p < 1) of `sorted`, interpolating linearly between the two closest
 * ranks, as Mesos does: the position is p * (n - 1), counting ranks from 0, and a fractional
 * position lies that far between its two neighbours.
 *
 * Worked example, sorted = [15, 20, 35, 40, 50] (n = 5, positions 0 to 4):
 *   p50: position 0.5 * 4 = 2      -> sorted[2] = 35
 *   p90: position 0.9 * 4 = 3.6    -> 40 + 0.6 * (50 - 40) = 46
 *   p99: position 0.99 * 4 = 3.96  -> 40 + 0.96 * (50 - 40) = 49.6
 */
function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const position = p * (n - 1);
  const index = Math.floor(position);
  if (index >= n - 1) return sorted[n - 1]!;
  const below = sorted[index]!;
  return below + (position - index) * (sorted[index + 1]! - below);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}

class TimerImpl implements Timer {
  /** The snapshot name: the registered name plus '_ms'. */
  readonly key: string;
  /**
   * The ring of recent samples. While fewer than TIMER_WINDOW samples were recorded they fill
   * [0, #size) in order; after that #next is both where the next sample goes and the oldest one.
   */
  readonly #window = new Float64Array(TIMER_WINDOW);
  #next = 0;
  #size = 0;
  /** Where `read` sorts a copy of the window; allocated once, at the first statistics. */
  #scratch: Float64Array | undefined;
  #last: number | undefined;
  #totalCount = 0;
  #totalSum = 0;
  /** The last reading, valid until the next sample: snapshots between samples do not re-sort. */
  #reading: TimerReading | undefined;

  constructor(name: string) {
    this.key = `${name}_ms`;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % TIMER_WINDOW;
    if (this.#size < TIMER_WINDOW) this.#size++;
    this.#last = ms;
    this.#totalCount++;
    this.#totalSum += ms;
    this.#reading = undefined;
  }

  time<T>(fn: () => T): T {
    const start = performance.now();
    const done = (): void => this.record(performance.now() - start);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      done();
      throw err;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => { done(); return value; },
        (err: unknown) => { done(); throw err; },
      ) as T;
    }
    done();
    return result;
  }

  /**
   * The timer's figures. Statistics need two samples, as in Mesos (libprocess computes none from
   * fewer), so one sample gives only the last value and a count of 1. This sorts a copy of the
   * window, at most once per sample recorded: no per-sample allocation.
   */
  read(): TimerReading {
    if (this.#reading !== undefined) return this.#reading;
    const n = this.#size;
    let statistics: WindowStatistics | undefined;
    if (n >= 2) {
      const sorted = (this.#scratch ??= new Float64Array(TIMER_WINDOW)).subarray(0, n);
      sorted.set(this.#window.subarray(0, n));
      sorted.sort(); // a typed array sorts numerically
      statistics = {
        min: sorted[0]!,
        max: sorted[n - 1]!,
        percentiles: PERCENTILES.map(([, p]) => percentile(sorted, p)),
      };
    }
    this.#reading = {
      windowCount: n,
      last: this.#last,
      statistics,
      totalCount: this.#totalCount,
      totalSum: this.#totalSum,
    };
    return this.#reading;
  }
}

/**
 * Receives each metric as `#collect` reads it; names are unique within one collection. A callback
 * rather than a list of readings, so that a snapshot builds no intermediate object per metric.
 */
interface Visitor {
  value(kind: 'counter' | 'gauge', name: string, value: number): void;
  timer(name: string, timer: TimerReading): void;
}

/** One metric as read for the Prometheus output, which sorts them. */
type Reading =
  | { readonly kind: 'counter' | 'gauge'; readonly name: string; readonly value: number }
  | { readonly kind: 'timer'; readonly name: string; readonly timer: TimerReading };

function byName(a: Reading, b: Reading): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A gauge's value, or undefined when its reader throws or returns something other than a finite number. */
function readGauge(read: () => number): number | undefined {
  try {
    const value = read();
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Prometheus metric name for a Mesos name: every character outside [a-zA-Z0-9_:] becomes '_',
 * and a leading digit gets '_' in front ('allocator/mesos/allocation_runs' ->
 * 'allocator_mesos_allocation_runs', '1st' -> '_1st').
 */
export function prometheusName(name: string): string {
  const sanitised = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(sanitised) ? `_${sanitised}` : sanitised;
}

/** Series names a timer's Prometheus families use besides their base name. */
const PROMETHEUS_TIMER_SUFFIXES = ['', '_sum', '_count', '_last'];
const PROMETHEUS_PLAIN_SUFFIXES = [''];

/**
 * Claims a Prometheus base name and its suffixed series names in `taken`. Two Mesos names can
 * sanitise to the same Prometheus name ('a/b' and 'a.b' both give 'a_b'), and a timer's '_sum',
 * '_count' and '_last' series can meet another metric's name. The first metric in Mesos name order
 * keeps the plain name; a later one gets the first free numeric suffix ('a_b_2', then 'a_b_3'), so
 * no series is ever duplicated and nothing is dropped. Suffixes follow Mesos name order, so they
 * stay put as long as the set of colliding names does; HELP lines quote the Mesos name.
 */
function claimPrometheusName(taken: Set<string>, base: string, suffixes: readonly string[]): string {
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? base : `${base}_${k}`;
    if (suffixes.every((suffix) => !taken.has(candidate + suffix))) {
      for (const suffix of suffixes) taken.add(candidate + suffix);
      return candidate;
    }
  }
}

/** HELP text escapes backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * A finite number as Prometheus parses it: JavaScript's shortest round-trip form. Integers print
 * plainly ('42'), other values as '0.1' or '1e-7', and beyond 1e21 as '1e+21'; Go's ParseFloat
 * reads all of these.
 */
function formatNumber(value: number): string {
  return String(value);
}

/**
 * Sets `out[name]`. A name of '__proto__' would set the object's prototype through plain
 * assignment instead of adding a key, so that one is defined as an own property.
 */
function put(out: Record<string, number>, name: string, value: number): void {
  if (name === '__proto__') {
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[name] = value;
  }
}

export class Metrics {
  /**
   * Every snapshot key a registered metric produces, and its registered name, mapped to the
   * metric's description ("timer 'x'"). A key belongs to one metric: this is what makes "a name
   * used as two kinds" an error, and what lets gauge sets never shadow a registered metric.
   */
  readonly #owners = new Map<string, string>();
  readonly #counters = new Map<string, CounterImpl>();
  readonly #gauges = new Map<string, () => number>();
  readonly #timers = new Map<string, TimerImpl>();
  readonly #gaugeSets = new Map<string, () => Iterable<[string, number]>>();

  /** A monotonically increasing count, e.g. 'master/slave_registrations'. */
  counter(name: string): Counter {
    const existing = this.#counters.get(name);
    if (existing !== undefined) return existing;
    this.#claim('counter', name, [name]);
    const counter = new CounterImpl();
    this.#counters.set(name, counter);
    return counter;
  }

  /** A value read when a snapshot is taken, e.g. 'master/uptime_secs'. Re-registering a name replaces the reader. */
  gauge(name: string, read: () => number): void {
    if (!this.#gauges.has(name)) this.#claim('gauge', name, [name]);
    this.#gauges.set(name, read);
  }

  /**
   * A set of gauges computed together (e.g. per-role or per-resource metrics whose names are not
   * known up front); called at every snapshot, returns name -> value. Re-registering a key
   * replaces the reader. The key only identifies the set (it follows the rules of names but is not
   * a metric name). At snapshot time a returned gauge is left out when its name is invalid, its
   * value is not a finite number, a registered metric owns the name, or an earlier set (in
   * registration order) returned it already. A set whose reader throws, even partway through,
   * contributes nothing to that snapshot.
   */
  gaugeSet(key: string, read: () => Iterable<[string, number]>): void {
    checkName(key, 'gauge set key');
    this.#gaugeSets.set(key, read);
  }

  /**
   * A duration timer, e.g. timer('allocator/mesos/allocation_run') records milliseconds and
   * reports under 'allocator/mesos/allocation_run_ms'. Its snapshot keys are `x_ms` (the last
   * sample, once there is one), `x_ms/count` (samples in the window, always present) and, once the
   * window holds two samples, `x_ms/min`, `x_ms/max` and `x_ms/p50` ... `x_ms/p9999`. The
   * registered name and all those keys are reserved for the timer.
   */
  timer(name: string): Timer {
    const existing = this.#timers.get(name);
    if (existing !== undefined) return existing;
    const key = `${name}_ms`;
    this.#claim('timer', name, [name, key, ...TIMER_KEY_SUFFIXES.map((suffix) => key + suffix)]);
    const timer = new TimerImpl(name);
    this.#timers.set(name, timer);
    return timer;
  }

  /** Every metric as Mesos's flat JSON object: name -> number, keys sorted. */
  snapshot(): Record<string, number> {
    const names: string[] = [];
    const values = new Map<string, number>();
    const add = (name: string, value: number): void => {
      names.push(name);
      values.set(name, value);
    };
    this.#collect({
      value: (_kind, name, value) => add(name, value),
      timer: (name, timer) => {
        if (timer.last !== undefined) add(name, timer.last);
        add(`${name}/count`, timer.windowCount);
        const statistics = timer.statistics;
        if (statistics !== undefined) {
          add(`${name}/min`, statistics.min);
          add(`${name}/max`, statistics.max);
          PERCENTILES.forEach(([suffix], i) => add(`${name}/${suffix}`, statistics.percentiles[i]!));
        }
      },
    });
    names.sort(); // UTF-16 code unit order, which for ASCII names is Mesos's byte order
    const out: Record<string, number> = {};
    for (const name of names) put(out, name, values.get(name)!);
    return out;
  }

  /**
   * The same figures in the Prometheus text exposition format (version 0.0.4), one family per
   * metric in Mesos name order, each with HELP (quoting the Mesos name) and TYPE lines before its
   * samples. Counters are `counter`s and gauges `gauge`s. A timer `x` is a `summary` named after
   * `x_ms`: quantile "0" is the window's min, "0.5" to "0.9999" its percentiles and "1" its max
   * (present once the window holds two samples, as in the snapshot), plus `_sum` and `_count`; its
   * last sample is a separate gauge, `<name>_last`.
   *
   * `_sum` and `_count` count every sample since the timer was registered, not only the window
   * (they differ from `x_ms/count` once more than TIMER_WINDOW samples were recorded): Prometheus
   * defines them as counters, and `rate()` over a count that stops at the window size would read 0.
   */
  prometheus(): string {
    const readings: Reading[] = [];
    this.#collect({
      value: (kind, name, value) => readings.push({ kind, name, value }),
      timer: (name, timer) => readings.push({ kind: 'timer', name, timer }),
    });
    readings.sort(byName);
    const taken = new Set<string>();
    const lines: string[] = [];
    for (const reading of readings) {
      const base = prometheusName(reading.name);
      if (reading.kind !== 'timer') {
        const name = claimPrometheusName(taken, base, PROMETHEUS_PLAIN_SUFFIXES);
        lines.push(
          `# HELP ${name} Mesos ${reading.kind} '${escapeHelp(reading.name)}'`,
          `# TYPE ${name} ${reading.kind}`,
          `${name} ${formatNumber(reading.value)}`,
        );
        continue;
      }
      const { timer } = reading;
      const name = claimPrometheusName(taken, base, PROMETHEUS_TIMER_SUFFIXES);
      lines.push(
        `# HELP ${name} Mesos timer '${escapeHelp(reading.name)}' in milliseconds: quantiles over the last ${TIMER_WINDOW} samples, _sum and _count over all samples`,
        `# TYPE ${name} summary`,
      );
      const statistics = timer.statistics;
      if (statistics !== undefined) {
        lines.push(`${name}{quantile="0"} ${formatNumber(statistics.min)}`);
        PERCENTILES.forEach(([, p], i) => lines.push(`${name}{quantile="${p}"} ${formatNumber(statistics.percentiles[i]!)}`));
        lines.push(`${name}{quantile="1"} ${formatNumber(statistics.max)}`);
      }
      lines.push(`${name}_sum ${formatNumber(timer.totalSum)}`, `${name}_count ${formatNumber(timer.totalCount)}`);
      if (timer.last !== undefined) {
        lines.push(
          `# HELP ${name}_last The last sample of Mesos timer '${escapeHelp(reading.name)}', in milliseconds`,
          `# TYPE ${name}_last gauge`,
          `${name}_last ${formatNumber(timer.last)}`,
        );
      }
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  /** Reserves `keys` for the metric `kind` `name`, or throws if any is someone else's. */
  #claim(kind: string, name: string, keys: readonly string[]): void {
    checkName(name, 'metric name');
    const owner = `${kind} '${name}'`;
    for (const key of keys) {
      const current = this.#owners.get(key);
      if (current !== undefined) throw new Error(`Metric name '${key}' is already used by ${current}; cannot register ${owner}`);
    }
    for (const key of keys) this.#owners.set(key, owner);
  }

  /**
   * Reads every metric once, unsorted, and hands each to `visit`. Nothing is allocated per metric
   * here and, per timer, at most one sort of its window; nothing per sample.
   */
  #collect(visit: Visitor): void {
    for (const [name, counter] of this.#counters) visit.value('counter', name, counter.value);
    for (const [name, read] of this.#gauges) {
      const value = readGauge(read);
      if (value !== undefined) visit.value('gauge', name, value);
    }
    for (const timer of this.#timers.values()) visit.timer(timer.key, timer.read());
    if (this.#gaugeSets.size === 0) return;

    // A set is read in full before any of it is visited, so that one that throws partway through
    // can be dropped whole: a half-read set would be inconsistent.
    const fromSets = new Set<string>();
    const names: string[] = [];
    const values: number[] = [];
    for (const read of this.#gaugeSets.values()) {
      names.length = 0;
      values.length = 0;
      try {
        for (const [name, value] of read()) {
          if (!isValidName(name) || !Number.isFinite(value) || this.#owners.has(name) || fromSets.has(name)) continue;
          fromSets.add(name);
          names.push(name);
          values.push(value);
        }
      } catch {
        for (const name of names) fromSets.delete(name);
        continue;
      }
      for (let i = 0; i < names.length; i++) visit.value('gauge', names[i]!, values[i]!);
    }
  }
}

// Mesos's duration format for flags and JSON (stout's Duration): a number followed by a unit,
// e.g. `10secs`, `2mins`, `1.5hrs`, `100ms`. The units are ns, us, ms, secs, mins, hrs, days and
// weeks; there is no space and no bare number.

import { MesosError } from './errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

const DURATION_RE = /^(\d+(?:\.\d+)?|\.\d+)(ns|us|ms|secs|mins|hrs|days|weeks)$/;

/** Parses a Mesos duration into milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION_RE.exec(text.trim());
  if (!m) {
    throw new MesosError('INVALID_FLAG', `Invalid duration '${text}': expected a number and a unit (ns, us, ms, secs, mins, hrs, days, weeks), e.g. '10secs'`);
  }
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!Number.isFinite(ms)) throw new MesosError('INVALID_FLAG', `Invalid duration '${text}': too large`);
  return ms;
}

/** Formats milliseconds the way Mesos prints durations: the largest unit that keeps a value >= 1. */
export function formatDuration(ms: number): string {
  const units = ['weeks', 'days', 'hrs', 'mins', 'secs', 'ms', 'us', 'ns'] as const;
  for (const unit of units) {
    const v = ms / UNIT_MS[unit]!;
    if (Math.abs(v) >= 1) return `${Number(v.toPrecision(12))}${unit}`;
  }
  return '0ns';
}

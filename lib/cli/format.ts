// How mesosctl writes amounts, resources and times for people. Pure functions: the commands pick
// the figures, these decide how they read. Machines get the raw figures (`--json`), never these
// strings.
//
// Conventions, the ones `mesos-master` and the Mesos web UI use:
//   - mem and disk are megabytes in the API; they print in the largest binary unit that keeps a
//     value of at least 1 (`512MB`, `1.5GB`, `2TB`);
//   - other scalars (cpus, gpus, anything custom) print as plain numbers with at most two decimals
//     (`0.5`, `4`, `0.33`);
//   - "used of total" is `used/total` (`0.5/4`, `512MB/2GB`);
//   - quantities print in the resources text form (`cpus:1;mem:512`), the same text `quota set`
//     and `reserve` take, so what one command prints another accepts.

import type * as v1 from '../types/mesos.ts';

/** Resource names in the order tables show them; other names follow, sorted. */
export const KIND_ORDER: readonly string[] = ['cpus', 'gpus', 'mem', 'disk'];

/** Names that are megabytes in the API. */
const MEGABYTE_KINDS = new Set(['mem', 'disk']);

/** A number with at most `decimals` decimals, without trailing zeros: 0.5, 4, 0.33. */
export function formatNumber(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(decimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Megabytes for people: 512 -> 512MB, 1536 -> 1.5GB, 2097152 -> 2TB, 0.5 -> 512KB, 0 -> 0. */
export function formatMegabytes(megabytes: number): string {
  const units = ['TB', 'GB', 'MB'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 1024 ** (units.length - 1 - i);
    if (Math.abs(megabytes) >= size) return `${formatNumber(megabytes / size, 1)}${unit}`;
  }
  if (megabytes === 0) return '0';
  return `${formatNumber(megabytes * 1024, 0)}KB`;
}

/** One amount of resource `name`: megabytes for mem and disk, a plain number otherwise. */
export function formatAmount(name: string, value: number): string {
  return MEGABYTE_KINDS.has(name) ? formatMegabytes(value) : formatNumber(value);
}

/** `used/total` for a table cell: `0.5/4`, `512MB/2GB`. */
export function formatUsage(name: string, used: number, total: number): string {
  return `${formatAmount(name, used)}/${formatAmount(name, total)}`;
}

/** Names in table order: cpus, gpus, mem, disk, then the rest sorted. */
export function sortKinds(names: Iterable<string>): string[] {
  const rank = (name: string): number => {
    const i = KIND_ORDER.indexOf(name);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Quantities in the resources text form, in table order: `{cpus: 1, mem: 512}` ->
 * `cpus:1;mem:512`; `-` when there are none. Amounts are the API's (mem in MB), unrounded beyond
 * Mesos's three decimals, so the text can be pasted back into `quota set`.
 */
export function formatQuantities(quantities: Readonly<Record<string, number>> | undefined): string {
  const names = sortKinds(Object.keys(quantities ?? {}));
  if (names.length === 0) return '-';
  return names.map((name) => `${name}:${formatNumber(quantities![name]!, 3)}`).join(';');
}

/** Quantities for people: `cpus 1, mem 512MB`; `-` when there are none. */
export function describeQuantities(quantities: Readonly<Record<string, number>> | undefined): string {
  const names = sortKinds(Object.keys(quantities ?? {}));
  if (names.length === 0) return '-';
  return names.map((name) => `${name} ${formatAmount(name, quantities![name]!)}`).join(', ');
}

/**
 * The scalar totals of a resource list by name, over every role and reservation:
 * [cpus:1, cpus(web):2, mem:128, ports:[1-10]] -> {cpus: 3, mem: 128}. Sums are rounded to Mesos's
 * three decimals, so 0.1 + 0.2 reads 0.3.
 */
export function scalarTotals(resources: readonly v1.Resource[] | undefined): Record<string, number> {
  const thousandths = new Map<string, number>();
  for (const resource of resources ?? []) {
    if (resource.type !== 'SCALAR' || resource.scalar === undefined) continue;
    thousandths.set(resource.name, (thousandths.get(resource.name) ?? 0) + Math.round(resource.scalar.value * 1000));
  }
  const out: Record<string, number> = {};
  for (const name of sortKinds(thousandths.keys())) {
    const amount = thousandths.get(name)!;
    if (amount !== 0) out[name] = amount / 1000;
  }
  return out;
}

/** Adds quantities into `into` (rounded to three decimals), for totals over agents or frameworks. */
export function addQuantities(into: Record<string, number>, more: Readonly<Record<string, number>>): Record<string, number> {
  for (const [name, amount] of Object.entries(more)) into[name] = Math.round(((into[name] ?? 0) + amount) * 1000) / 1000;
  return into;
}

/** A TimeInfo (nanoseconds since the epoch) as an RFC 3339 string, or undefined. */
export function isoTime(time: v1.TimeInfo | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time.nanoseconds / 1e6).toISOString();
}

/** Seconds since the epoch as an RFC 3339 string, or undefined. */
export function isoSeconds(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

/**
 * How long ago `iso` was, kubectl style: `45s`, `12m`, `3h`, `5d`; the largest unit only. A time
 * in the future (clock skew between hosts) reads `0s`. `-` when there is no time.
 */
export function formatAge(iso: string | undefined, nowMs: number = Date.now()): string {
  if (iso === undefined) return '-';
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** A time for people: `2026-12-06 06:32:42 UTC (5m ago)`; `-` when there is none. */
export function formatTime(iso: string | undefined, nowMs: number = Date.now()): string {
  if (iso === undefined) return '-';
  return `${iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '')} UTC (${formatAge(iso, nowMs)} ago)`;
}

/** A share (0..1) as a percentage with one decimal: 0.25 -> `25%`, 0.3333 -> `33.3%`. */
export function formatShare(share: number): string {
  return `${formatNumber(share * 100, 1)}%`;
}

/** A MachineID for people: `host (10.0.0.1)`, `host`, or `10.0.0.1`. */
export function formatMachine(machine: v1.MachineID): string {
  if (machine.hostname !== undefined && machine.ip !== undefined) return `${machine.hostname} (${machine.ip})`;
  return machine.hostname ?? machine.ip ?? '?';
}

// Resources arithmetic with Mesos's semantics (src/common/resources.cpp, src/common/values.cpp,
// src/common/resources_utils.cpp, src/common/http.cpp).
//
// The pieces, bottom up:
//   - scalar, range and set algebra on plain values (fixed-point scalars, coalesced ranges);
//   - predicates and comparisons on single `Resource` messages (reservations, sharing, disks);
//   - validation of one `Resource`, in Mesos's words;
//   - conversion between the "pre-reservation-refinement" format (`role` + `reservation`) and the
//     "post-reservation-refinement" format (the `reservations` stack);
//   - `Resources`, an immutable, normalized collection with Mesos's +, -, contains and filters;
//   - the flattened form the v0 endpoints (`/master/state`, ...) print.
// The `--resources` text format and the `min_allocatable_resources` flag live in resources-text.ts.

import { MesosError } from '../common/errors.ts';
import { fail, ok } from '../common/result.ts';
import type { Result } from '../common/result.ts';
import { isInRoleSubtree, isStrictSubroleOf, validateRole } from './roles.ts';
import type * as v1 from '../types/mesos.ts';

export type { Result } from '../common/result.ts';

// ---------------------------------------------------------------------------------------------
// Message shapes.
// ---------------------------------------------------------------------------------------------

// The generated Mesos v1 types, under the names this module has always used.
export type ValueType = v1.Value.Type;
export type Range = v1.Value.Range;
export type Label = v1.Label;
export type Labels = v1.Labels;
export type ReservationInfo = v1.Resource.ReservationInfo;
export type DiskSource = v1.Resource.DiskInfo.Source;
export type DiskInfo = v1.Resource.DiskInfo;
export type Resource = v1.Resource;

/** Resource name to amount, sorted by name, as Mesos's `ResourceQuantities`. Zero entries are absent. */
export type ResourceQuantities = ReadonlyMap<string, number>;

/**
 * Orders names by UTF-16 code units, as `<` does: the order of Mesos's sorted maps for ASCII names,
 * and independent of the locale (unlike `localeCompare`). For sorting `[name, amount]` entries.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Proto2 "has" semantics: the JSON codec maps `null` to "unset", and so do we.
function has<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

// ---------------------------------------------------------------------------------------------
// Scalars: fixed point with three decimal digits.
// ---------------------------------------------------------------------------------------------

// Mesos converts a double to an integer number of thousandths (`llround(value * 1000)`) before
// every +, -, == and <=, and converts back afterwards, so that clients see predictable numbers at
// the price of precision beyond three decimals. We do the same, except that a `Resources` keeps the
// integer beside each scalar, so that sums never go back through a double: (a + b) - b == a holds
// exactly. Worked example: 0.1 + 0.2 is 100 + 200 = 300 thousandths, which prints as 0.3 (plain
// doubles give 0.30000000000000004); subtracting 0.2 gives 300 - 200 = 100 thousandths, 0.1 again.
const SCALE = 1000;

/**
 * The largest scalar whose thousandths are still an exact JavaScript integer (about 9.007e12).
 * Mesos's int64 fixed point goes about 1000 times further; no real cluster comes near either.
 */
export const MAX_SCALAR = Number.MAX_SAFE_INTEGER / SCALE;

/** A double in thousandths, rounded half away from zero as C's `llround`: 0.0005 -> 1, -0.0005 -> -1. */
export function toFixedPoint(value: number): number {
  const scaled = value * SCALE;
  // `Math.round` rounds halves towards +Infinity, so round the magnitude; `+ 0` turns -0 into 0.
  return (scaled < 0 ? -Math.round(-scaled) : Math.round(scaled)) + 0;
}

/**
 * Thousandths back to a double. One division is correctly rounded, so 1100 gives exactly the double
 * nearest to 1.1, the same number `parseFloat("1.1")` gives. (Mesos computes quotient + remainder /
 * 1000, which can differ from this in the last bit for large values.)
 */
export function fromFixedPoint(thousandths: number): number {
  return thousandths / SCALE + 0;
}

/** The scalar as Mesos stores it after any arithmetic: rounded to three decimals. 1.2345 -> 1.235. */
export function roundScalar(value: number): number {
  return fromFixedPoint(toFixedPoint(value));
}

export function addScalars(left: number, right: number): number {
  return fromFixedPoint(toFixedPoint(left) + toFixedPoint(right));
}

export function subtractScalars(left: number, right: number): number {
  return fromFixedPoint(toFixedPoint(left) - toFixedPoint(right));
}

/** Equality in fixed point: 0.1 + 0.2 equals 0.3, and 1.0001 equals 1. */
export function scalarsEqual(left: number, right: number): boolean {
  return toFixedPoint(left) === toFixedPoint(right);
}

export function scalarLessOrEqual(left: number, right: number): boolean {
  return toFixedPoint(left) <= toFixedPoint(right);
}

// ---------------------------------------------------------------------------------------------
// Ranges: inclusive integer intervals, kept sorted and coalesced.
// ---------------------------------------------------------------------------------------------

/**
 * Sorts and coalesces ranges: overlapping and adjacent ranges merge, duplicates vanish.
 * Example: [5-6], [1-2], [3-4], [8-9], [9-9] -> [1-6], [8-9]. Adjacent ranges merge because they
 * denote the same set of integers ([1-2] and [3-4] are 1, 2, 3, 4), which is what Mesos's
 * `coalesce` does. The input is not modified. Assumes begin <= end in each range.
 */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .map(({ begin, end }) => ({ begin, end }))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const result: Range[] = [];
  for (const range of sorted) {
    const last = result[result.length - 1];
    if (last !== undefined && range.begin <= last.end + 1) {
      last.end = Math.max(last.end, range.end);
    } else {
      result.push(range);
    }
  }
  return result;
}

/** The union of two range lists, normalized. */
export function unionRanges(left: readonly Range[], right: readonly Range[]): Range[] {
  return normalizeRanges([...left, ...right]);
}

/**
 * The integers in `left` that are not in `right`, normalized. Subtraction is defined whether or not
 * `right` is contained in `left`: [1-10] minus [5-6], [9-20] is [1-4], [7-8].
 */
export function subtractRanges(left: readonly Range[], right: readonly Range[]): Range[] {
  const removals = normalizeRanges(right);
  const result: Range[] = [];
  let i = 0; // The first removal that may still overlap the current or a later range.
  for (const range of normalizeRanges(left)) {
    let begin = range.begin;
    while (i < removals.length && removals[i]!.end < begin) i++;
    let j = i;
    while (j < removals.length && removals[j]!.begin <= range.end) {
      const removal = removals[j]!;
      if (removal.begin > begin) result.push({ begin, end: removal.begin - 1 });
      begin = Math.max(begin, removal.end + 1);
      j++;
    }
    if (begin <= range.end) result.push({ begin, end: range.end });
  }
  return result;
}

/** True if every integer in `inner` is in `outer` (Mesos's `Ranges <=`, with the operands swapped). */
export function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
  const container = normalizeRanges(outer);
  let i = 0;
  for (const range of normalizeRanges(inner)) {
    while (i < container.length && container[i]!.end < range.begin) i++;
    const candidate = container[i];
    // Both lists are coalesced, so a range fits inside one container range or not at all.
    if (candidate === undefined || candidate.begin > range.begin || candidate.end < range.end) return false;
  }
  return true;
}

export function rangesEqual(left: readonly Range[], right: readonly Range[]): boolean {
  const a = normalizeRanges(left);
  const b = normalizeRanges(right);
  return a.length === b.length && a.every((range, i) => range.begin === b[i]!.begin && range.end === b[i]!.end);
}

/** How many integers the ranges cover: [31000-32000] is 1001 ports. Overlaps count once. */
export function rangesSize(ranges: readonly Range[]): number {
  return normalizeRanges(ranges).reduce((sum, range) => sum + (range.end - range.begin + 1), 0);
}

/** Mesos's text form, used in v0 output and in the `--resources` flag: `[31000-32000, 33000-34000]`. */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((range) => `${range.begin}-${range.end}`).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// Sets of strings. Item order is kept (Mesos appends new items at the end) but never compared.
// ---------------------------------------------------------------------------------------------

/** `left` followed by the items of `right` it does not already have: {a, b} + {b, c} = {a, b, c}. */
export function unionSets(left: readonly string[], right: readonly string[]): string[] {
  const seen = new Set(left);
  const result = [...left];
  for (const item of right) {
    if (!seen.has(item)) {
      seen.add(item);
      result.push(item);
    }
  }
  return result;
}

/** The items of `left` not in `right`. Defined even when `right` is not contained in `left`. */
export function subtractSets(left: readonly string[], right: readonly string[]): string[] {
  const removed = new Set(right);
  return left.filter((item) => !removed.has(item));
}

export function setContains(outer: readonly string[], inner: readonly string[]): boolean {
  const items = new Set(outer);
  return inner.every((item) => items.has(item));
}

/**
 * Set equality, ignoring order. (Mesos's own `Value::Set ==` compares position by position because
 * of a slip in its inner loop; no caller depends on that, and `Resources ==` uses containment.)
 */
export function setsEqual(left: readonly string[], right: readonly string[]): boolean {
  return new Set(left).size === new Set(right).size && setContains(left, right) && setContains(right, left);
}

/** Mesos's text form: `{a, b, c}`. */
export function formatSet(items: readonly string[]): string {
  return `{${items.join(', ')}}`;
}

// Reading value fields defensively: the JSON codec omits empty repeated fields, so `ranges: {}` and
// `set: {}` are legal encodings of "no ranges" and "no items".
function rangesOf(resource: Resource): readonly Range[] {
  return resource.ranges?.range ?? [];
}

function itemsOf(resource: Resource): readonly string[] {
  return resource.set?.item ?? [];
}

function reservationsOf(resource: Resource): readonly ReservationInfo[] {
  return resource.reservations ?? [];
}

// ---------------------------------------------------------------------------------------------
// Predicates on one Resource in the post-reservation-refinement format (the `reservations` stack).
// Called on a resource in the pre-refinement format, they see it as unreserved; upgrade it first.
// ---------------------------------------------------------------------------------------------

export function isUnreserved(resource: Resource): boolean {
  return reservationsOf(resource).length === 0;
}

/**
 * The role a resource is reserved to: the role of the last (most refined) reservation in the
 * stack, or undefined when it is unreserved. For the stack [STATIC eng, DYNAMIC eng/web] it is
 * `eng/web`.
 */
export function reservationRole(resource: Resource): string | undefined {
  const stack = reservationsOf(resource);
  return stack.length === 0 ? undefined : (stack[stack.length - 1]!.role ?? '');
}

/** Reserved at all, or (with `role`) reserved to exactly that role, not to an ancestor of it. */
export function isReserved(resource: Resource, role?: string): boolean {
  return !isUnreserved(resource) && (role === undefined || reservationRole(resource) === role);
}

/** The most refined reservation is dynamic (made by an operation, not by the agent's flags). */
export function isDynamicallyReserved(resource: Resource): boolean {
  const stack = reservationsOf(resource);
  return stack.length > 0 && stack[stack.length - 1]!.type === 'DYNAMIC';
}

export function hasRefinedReservations(resource: Resource): boolean {
  return reservationsOf(resource).length > 1;
}

/**
 * Whether a resource may be offered to `role`. Unreserved resources go to anyone. A resource
 * reserved to R goes to R and to every strict subrole of R, never to R's ancestors or siblings:
 * reserved to `eng`, it is allocatable to `eng` and `eng/web`, not to `*`, `ops` or `engineering`.
 */
export function isAllocatableTo(resource: Resource, role: string): boolean {
  const reserved = reservationRole(resource);
  return reserved === undefined || role === reserved || isStrictSubroleOf(role, reserved);
}

/** Reserved to `role` or to one of its descendants. */
export function isReservedToRoleSubtree(resource: Resource, role: string): boolean {
  const reserved = reservationRole(resource);
  return reserved !== undefined && isInRoleSubtree(reserved, role);
}

/** Allocated to `role` or to one of its descendants. */
export function isAllocatedToRoleSubtree(resource: Resource, role: string): boolean {
  return isInRoleSubtree(resource.allocation_info?.role ?? '', role);
}

export function isRevocable(resource: Resource): boolean {
  return has(resource.revocable);
}

export function isShared(resource: Resource): boolean {
  return has(resource.shared);
}

export function isPersistentVolume(resource: Resource): boolean {
  return has(resource.disk) && has(resource.disk.persistence);
}

function diskSourceType(resource: Resource): DiskSource['type'] | undefined {
  return resource.disk?.source?.type;
}

// ---------------------------------------------------------------------------------------------
// Comparisons between Resource messages.
// ---------------------------------------------------------------------------------------------

/**
 * Structural equality of plain JSON values (decoded messages); unset (undefined or null) object
 * fields are ignored, as an unset optional protobuf field equals an absent one.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    const l = left[key];
    const r = right[key];
    if (has(l) !== has(r) || (has(l) && !jsonEqual(l, r))) return false;
  }
  return true;
}

function optionalEqual<T>(left: T | undefined | null, right: T | undefined | null, equal: (a: T, b: T) => boolean): boolean {
  if (has(left) !== has(right)) return false;
  return !has(left) || equal(left, right as T);
}

function labelEqual(left: Label, right: Label): boolean {
  return left.key === right.key && optionalEqual(left.value, right.value, (a, b) => a === b);
}

/** As Mesos: the same number of labels, and each label on the left appears on the right. */
function labelsEqual(left: Labels, right: Labels): boolean {
  const a = left.labels ?? [];
  const b = right.labels ?? [];
  return a.length === b.length && a.every((label) => b.some((other) => labelEqual(label, other)));
}

/** Type, role, principal and labels all take part; an unset principal differs from "". */
export function reservationsEqual(left: ReservationInfo, right: ReservationInfo): boolean {
  return (
    (left.type ?? 'UNKNOWN') === (right.type ?? 'UNKNOWN') &&
    (left.role ?? '') === (right.role ?? '') &&
    optionalEqual(left.principal, right.principal, (a, b) => a === b) &&
    optionalEqual(left.labels, right.labels, labelsEqual)
  );
}

function reservationStacksEqual(left: Resource, right: Resource): boolean {
  const a = reservationsOf(left);
  const b = reservationsOf(right);
  return a.length === b.length && a.every((reservation, i) => reservationsEqual(reservation, b[i]!));
}

/**
 * Disks are equal when their sources are equal and their persistence ids are equal. As in Mesos,
 * `volume` (how a task mounts the disk) and the persistence principal are ignored: they describe a
 * use of the resource, not the resource.
 */
function disksEqual(left: DiskInfo, right: DiskInfo): boolean {
  return (
    optionalEqual(left.source, right.source, jsonEqual) &&
    optionalEqual(left.persistence, right.persistence, (a, b) => a.id === b.id)
  );
}

/** Everything but the value: the fields that decide whether two resources may merge. */
function sameMetadata(left: Resource, right: Resource): boolean {
  return (
    left.name === right.name &&
    left.type === right.type &&
    optionalEqual(left.allocation_info, right.allocation_info, (a, b) =>
      optionalEqual(a.role, b.role, (x, y) => x === y),
    ) &&
    reservationStacksEqual(left, right) &&
    optionalEqual(left.disk, right.disk, disksEqual) &&
    has(left.revocable) === has(right.revocable) &&
    optionalEqual(left.provider_id, right.provider_id, (a, b) => a.value === b.value) &&
    has(left.shared) === has(right.shared)
  );
}

function valuesEqual(left: Resource, right: Resource): boolean {
  switch (left.type) {
    case 'SCALAR':
      return scalarsEqual(left.scalar?.value ?? 0, right.scalar?.value ?? 0);
    case 'RANGES':
      return rangesEqual(rangesOf(left), rangesOf(right));
    case 'SET':
      return setsEqual(itemsOf(left), itemsOf(right));
    default:
      return false;
  }
}

/** Mesos's `Resource ==`: same metadata and same value. Resources of type TEXT are never equal. */
export function resourceEquals(left: Resource, right: Resource): boolean {
  return sameMetadata(left, right) && valuesEqual(left, right);
}

/**
 * Whether two resources may be added into one (Mesos's `addable`). Beyond equal metadata:
 *   - shared resources merge only with an identical resource (their copies are counted instead);
 *   - MOUNT and BLOCK disks never merge, nor do RAW disks with an id: each is one physical device;
 *   - persistent volumes never merge: two volumes with the same id are a conflict, not a sum.
 */
function addable(left: Resource, right: Resource): boolean {
  if (has(left.shared) !== has(right.shared)) return false;
  if (has(left.shared)) return resourceEquals(left, right);
  if (!sameMetadata(left, right)) return false;
  if (has(left.disk)) {
    const source = diskSourceType(left);
    if (source === 'MOUNT' || source === 'BLOCK') return false;
    if (source === 'RAW' && has(left.disk.source?.id)) return false;
    if (has(left.disk.persistence)) return false;
  }
  return true;
}

/**
 * Whether `right` may be subtracted from `left` (Mesos's `subtractable`). Subtraction is allowed
 * where addition is, and also for the indivisible kinds (MOUNT, BLOCK, RAW with an id, persistent
 * volumes) when the two are identical, which takes the whole device away.
 */
function subtractable(left: Resource, right: Resource): boolean {
  if (has(left.shared) !== has(right.shared)) return false;
  if (has(left.shared)) return resourceEquals(left, right);
  if (!sameMetadata(left, right)) return false;
  if (has(left.disk)) {
    const source = diskSourceType(left);
    const indivisible =
      source === 'MOUNT' || source === 'BLOCK' || (source === 'RAW' && has(left.disk.source?.id)) || has(left.disk.persistence);
    if (indivisible && !valuesEqual(left, right)) return false;
  }
  return true;
}

/** Whether one resource contains another: subtractable, and the value is no larger. */
export function containsResource(left: Resource, right: Resource): boolean {
  if (!subtractable(left, right)) return false;
  switch (left.type) {
    case 'SCALAR':
      return scalarLessOrEqual(right.scalar?.value ?? 0, left.scalar?.value ?? 0);
    case 'RANGES':
      return rangesContain(rangesOf(left), rangesOf(right));
    case 'SET':
      return setContains(itemsOf(left), itemsOf(right));
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation.
// ---------------------------------------------------------------------------------------------

const VALUE_TYPES: ReadonlySet<string> = new Set<ValueType>(['SCALAR', 'RANGES', 'SET', 'TEXT']);

/**
 * Names whose type is fixed. Mesos's `Resources::validate` does not check these, but the rest of
 * Mesos reads `cpus`, `mem`, `disk` and `gpus` as scalars and `ports` and `ephemeral_ports` as
 * ranges and misbehaves when they are not, so we reject a mismatch up front.
 */
export const KNOWN_RESOURCE_TYPES: ReadonlyMap<string, ValueType> = new Map<string, ValueType>([
  ['cpus', 'SCALAR'],
  ['mem', 'SCALAR'],
  ['disk', 'SCALAR'],
  ['gpus', 'SCALAR'],
  ['ports', 'RANGES'],
  ['ephemeral_ports', 'RANGES'],
]);

function validateScalar(resource: Resource): string | undefined {
  if (!has(resource.scalar) || has(resource.ranges) || has(resource.set)) return 'Invalid scalar resource';
  const value: unknown = resource.scalar.value;
  if (typeof value !== 'number') return 'Invalid scalar resource: value must be a number';
  // Mesos rejects NaN and the infinities in scalars (MESOS-9510): llround of them is undefined.
  if (!Number.isFinite(value)) return `Invalid scalar resource: value must be finite, got ${value}`;
  if (value < 0) return `Invalid scalar resource: value ${value} is negative`;
  if (value > MAX_SCALAR) return `Invalid scalar resource: value ${value} is larger than ${MAX_SCALAR}`;
  // Mesos also refuses a non-zero value that fixed point would turn into zero (0.0004 -> 0).
  if (value !== 0 && toFixedPoint(value) === 0) {
    return `Invalid scalar resource: value ${value} rounds to zero at three decimal digits`;
  }
  return undefined;
}

function validateRanges(resource: Resource): string | undefined {
  if (has(resource.scalar) || !has(resource.ranges) || has(resource.set)) return 'Invalid ranges resource';
  const ranges = rangesOf(resource);
  for (const range of ranges) {
    if (!Number.isSafeInteger(range.begin) || !Number.isSafeInteger(range.end) || range.begin < 0 || range.end < 0) {
      return 'Invalid ranges resource: begin and end must be non-negative integers';
    }
    if (range.begin > range.end) return 'Invalid ranges resource: begin > end';
  }
  // Ranges may be uncoalesced ([1-2], [3-4] is fine) but must not share an integer. Mesos checks
  // pairs in one direction only and so misses [5-10], [1-6]; sorting first catches every overlap.
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.begin <= sorted[i - 1]!.end) return 'Invalid ranges resource: overlapping ranges';
  }
  return undefined;
}

function validateSet(resource: Resource): string | undefined {
  if (has(resource.scalar) || has(resource.ranges) || !has(resource.set)) return 'Invalid set resource';
  const items = itemsOf(resource);
  if (items.some((item) => typeof item !== 'string' || item === '')) return 'Invalid set resource: empty element';
  if (new Set(items).size !== items.length) return 'Invalid set resource: duplicated elements';
  return undefined;
}

function validateDisk(resource: Resource): string | undefined {
  const disk = resource.disk;
  if (!has(disk)) return undefined;
  if (resource.name !== 'disk') return `DiskInfo should not be set for ${resource.name} resource`;
  const source = disk.source;
  if (!has(source)) return undefined;
  switch (source.type) {
    case 'PATH':
    case 'MOUNT':
      return undefined;
    case 'BLOCK':
    case 'RAW':
      if (has(source.mount)) return `Mount should not be set for ${source.type} disk source`;
      if (has(source.path)) return `Path should not be set for ${source.type} disk source`;
      return undefined;
    default:
      return `Unsupported 'DiskInfo.Source.Type' in '${JSON.stringify(source)}'`;
  }
}

// The pre-reservation-refinement format: `role` (default `*`) plus an optional `reservation` that
// marks the reservation as dynamic and carries its principal and labels.
function validatePreRefinementFormat(resource: Resource): string | undefined {
  const role = resource.role ?? '*';
  const error = validateRole(role);
  if (error !== undefined) return error;
  const reservation = resource.reservation;
  if (!has(reservation)) return undefined;
  if (has(reservation.type)) return "'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field";
  if (has(reservation.role)) return "'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field";
  if (role === '*') return 'Invalid reservation: role "*" cannot be dynamically reserved';
  return undefined;
}

function validateReservationStack(stack: readonly ReservationInfo[]): string | undefined {
  for (const reservation of stack) {
    if (!has(reservation.type)) return "Invalid reservation: 'Resource.ReservationInfo.type' field must be set.";
    if (reservation.type !== 'STATIC' && reservation.type !== 'DYNAMIC') {
      return "Unsupported 'Resource.ReservationInfo.Type'";
    }
    if (!has(reservation.role)) return "Invalid reservation: 'Resource.ReservationInfo.role' field must be set.";
    const error = validateRole(reservation.role);
    if (error !== undefined) return error;
    if (reservation.role === '*') return 'Invalid reservation: role "*" cannot be reserved';
  }
  // Each reservation after the first refines the one before: it is dynamic and its role is a
  // strict subrole. [STATIC eng, DYNAMIC eng/web, DYNAMIC eng/web/a] is a valid stack.
  for (let i = 1; i < stack.length; i++) {
    const reservation = stack[i]!;
    if (reservation.type === 'STATIC') return 'Invalid refined reservation: A refined reservation cannot be STATIC';
    const ancestor = stack[i - 1]!.role!;
    if (!isStrictSubroleOf(reservation.role!, ancestor)) {
      return `Invalid refined reservation: role '${reservation.role}' is not a refinement of '${ancestor}'`;
    }
  }
  return undefined;
}

// With a `reservations` stack, the pre-refinement fields may also be present (the "endpoint"
// format) provided there is one reservation and they agree with it.
function validateEndpointFields(resource: Resource, stack: readonly ReservationInfo[]): string | undefined {
  if (stack.length > 1) {
    if (has(resource.role)) {
      return "Invalid resource format: 'Resource.role' must not be set if there is more than one reservation in 'Resource.reservations'";
    }
    if (has(resource.reservation)) {
      return "Invalid resource format: 'Resource.reservation' must not be set if there is more than one reservation in 'Resource.reservations'";
    }
    return undefined;
  }
  const only = stack[0]!;
  if (has(resource.role) && resource.role !== only.role) {
    return `Invalid resource format: 'Resource.role' field with '${resource.role}' does not match the role '${only.role}' in 'Resource.reservations'`;
  }
  if (only.type === 'STATIC') {
    if (has(resource.reservation)) {
      return "Invalid resource format: 'Resource.reservation' must not be set if the single reservation in 'Resource.reservations' is STATIC";
    }
    return undefined;
  }
  if (has(resource.role) !== has(resource.reservation)) {
    return "Invalid resource format: 'Resource.role' and 'Resource.reservation' must either be both set or both not set if the single reservation in 'Resource.reservations' is DYNAMIC";
  }
  const reservation = resource.reservation;
  if (!has(reservation)) return undefined;
  if ((reservation.principal ?? '') !== (only.principal ?? '')) {
    return `Invalid resource format: 'Resource.reservation.principal' field with '${reservation.principal ?? ''}' does not match the principal '${only.principal ?? ''}' in 'Resource.reservations'`;
  }
  if (!labelsEqual(reservation.labels ?? {}, only.labels ?? {})) {
    return `Invalid resource format: 'Resource.reservation.labels' field with '${formatLabels(reservation.labels)}' does not match the labels '${formatLabels(only.labels)}' in 'Resource.reservations'`;
  }
  return undefined;
}

function validateReservations(resource: Resource): string | undefined {
  const stack = reservationsOf(resource);
  if (stack.length === 0) return validatePreRefinementFormat(resource);
  return validateReservationStack(stack) ?? validateEndpointFields(resource, stack);
}

function validateSharing(resource: Resource): string | undefined {
  if (!has(resource.shared)) return undefined;
  // Only persistent volumes can be shared for now, as in Mesos.
  if (resource.name !== 'disk') return `Resource ${resource.name} cannot be shared`;
  if (!isPersistentVolume(resource)) return 'Only persistent volumes can be shared';
  return undefined;
}

function validateValue(resource: Resource): string | undefined {
  switch (resource.type) {
    case 'SCALAR':
      return validateScalar(resource);
    case 'RANGES':
      return validateRanges(resource);
    case 'SET':
      return validateSet(resource);
    default:
      return 'Unsupported resource type';
  }
}

/**
 * Validates one resource in either reservation format. Returns the error message (Mesos's wording
 * where Mesos has the check) or undefined. The checks and their order follow `Resources::validate`:
 * name, type, value, disk, reservations, sharing; plus the fixed types of well-known names.
 */
export function validateResource(resource: Resource): string | undefined {
  if (typeof resource.name !== 'string' || resource.name === '') return 'Empty resource name';
  if (!VALUE_TYPES.has(resource.type)) return 'Invalid resource type';
  const expected = KNOWN_RESOURCE_TYPES.get(resource.name);
  if (expected !== undefined && resource.type !== expected) {
    return `Invalid resource type: '${resource.name}' must be ${expected}, not ${resource.type}`;
  }
  return validateValue(resource) ?? validateDisk(resource) ?? validateReservations(resource) ?? validateSharing(resource);
}

/** Validates a list and names the first invalid resource, as Mesos's `validate(RepeatedPtrField)`. */
export function validateResources(resources: Iterable<Resource>): string | undefined {
  for (const resource of resources) {
    const error = validateResource(resource);
    if (error !== undefined) return `Resource '${stringifyResource(resource)}' is invalid: ${error}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reservation formats.
// ---------------------------------------------------------------------------------------------

// Inside mesos-ts resources are always in the post-refinement format. Frameworks without the
// RESERVATION_REFINEMENT capability speak the pre-refinement format, and v0 endpoints print the
// "endpoint" format, which has both. These functions copy; they never modify their input.

function copyReservation(reservation: ReservationInfo): ReservationInfo {
  const copy: ReservationInfo = {};
  if (has(reservation.type)) copy.type = reservation.type;
  if (has(reservation.role)) copy.role = reservation.role;
  if (has(reservation.principal)) copy.principal = reservation.principal;
  if (has(reservation.labels)) copy.labels = structuredClone(reservation.labels);
  return copy;
}

function withoutLegacyFields(resource: Resource): Resource {
  const { role: _role, reservation: _reservation, ...rest } = resource;
  return rest;
}

/**
 * Converts to the post-reservation-refinement format, as Mesos's `upgradeResource`: `role: "r"`
 * becomes `reservations: [{type: STATIC, role: "r"}]`, or DYNAMIC with the principal and labels of
 * `reservation` when that is set; `role: "*"` (or no role) means unreserved. A resource that
 * already has a stack just loses its legacy fields. Call it on validated input: an inconsistent
 * mix of formats is resolved in favour of the stack.
 */
export function upgradeResource(resource: Resource): Resource {
  const rest = withoutLegacyFields(resource);
  if (reservationsOf(resource).length > 0) return rest;
  const role = resource.role ?? '*';
  if (role === '*') {
    const { reservations: _reservations, ...unreserved } = rest;
    return unreserved;
  }
  const reservation: ReservationInfo = has(resource.reservation)
    ? { ...copyReservation(resource.reservation), type: 'DYNAMIC', role }
    : { type: 'STATIC', role };
  return { ...rest, reservations: [reservation] };
}

export function upgradeResources(resources: readonly Resource[]): Resource[] {
  return resources.map(upgradeResource);
}

// The pre-refinement fields describing a stack of at most one reservation.
function legacyFields(stack: readonly ReservationInfo[]): Pick<Resource, 'role' | 'reservation'> {
  const only = stack[0];
  if (only === undefined) return { role: '*' };
  if (only.type !== 'DYNAMIC') return { role: only.role ?? '' };
  const reservation: ReservationInfo = {};
  if (has(only.principal)) reservation.principal = only.principal;
  if (has(only.labels)) reservation.labels = structuredClone(only.labels);
  return { role: only.role ?? '', reservation };
}

/**
 * Converts to the pre-reservation-refinement format for a framework without RESERVATION_REFINEMENT,
 * as Mesos's `downgradeResource`: the stack is replaced by `role` (`*` when unreserved) and, for a
 * dynamic reservation, `reservation{principal, labels}`. Refined reservations cannot be expressed in
 * that format, so they are an error; Mesos does not offer them to such frameworks at all.
 */
export function downgradeResource(resource: Resource): Result<Resource> {
  const stack = reservationsOf(resource);
  if (stack.length > 1) return fail('Cannot downgrade resources containing refined reservations');
  const { reservations: _reservations, ...rest } = withoutLegacyFields(resource);
  return ok({ ...rest, ...legacyFields(stack) });
}

export function downgradeResources(resources: readonly Resource[]): Result<Resource[]> {
  const result: Resource[] = [];
  for (const resource of resources) {
    const downgraded = downgradeResource(resource);
    if (!downgraded.ok) return downgraded;
    result.push(downgraded.value);
  }
  return ok(result);
}

/**
 * The "endpoint" format of the v0 endpoints and operator API: the `reservations` stack plus, when
 * the stack has at most one reservation, the matching `role` and `reservation` fields, so that old
 * and new readers both understand it.
 */
export function toEndpointFormat(resource: Resource): Resource {
  const stack = reservationsOf(resource);
  const rest = withoutLegacyFields(resource);
  return stack.length > 1 ? rest : { ...rest, ...legacyFields(stack) };
}

// ---------------------------------------------------------------------------------------------
// Text forms (Mesos's `operator<<`), for messages and logs.
// ---------------------------------------------------------------------------------------------

function formatLabels(labels: Labels | undefined): string {
  const parts = (labels?.labels ?? []).map((label) => (has(label.value) ? `${label.key}: ${label.value}` : label.key));
  return `{${parts.join(', ')}}`;
}

function formatReservation(reservation: ReservationInfo): string {
  let text = `${reservation.type ?? 'UNKNOWN'},${reservation.role ?? ''}`;
  if (has(reservation.principal)) text += `,${reservation.principal}`;
  if (has(reservation.labels)) text += `,${formatLabels(reservation.labels)}`;
  return text;
}

function formatDisk(disk: DiskInfo): string {
  const parts: string[] = [];
  const source = disk.source;
  if (has(source)) {
    const root = source.type === 'MOUNT' ? source.mount?.root : source.type === 'PATH' ? source.path?.root : undefined;
    parts.push(`${source.type ?? 'UNKNOWN'}${has(root) ? `:${root}` : ''}`);
  }
  if (has(disk.persistence)) parts.push(disk.persistence.id);
  let text = parts.join(',');
  const volume = disk.volume;
  if (has(volume)) {
    let config = volume.container_path ?? '';
    if (has(volume.host_path)) {
      config = `${volume.host_path}:${config}`;
      if (volume.mode === 'RW') config += ':rw';
      if (volume.mode === 'RO') config += ':ro';
    }
    text += `:${config}`;
  }
  return text;
}

function formatValue(resource: Resource): string {
  switch (resource.type) {
    case 'SCALAR':
      return String(roundScalar(resource.scalar?.value ?? 0));
    case 'RANGES':
      return formatRanges(rangesOf(resource));
    case 'SET':
      return formatSet(itemsOf(resource));
    default:
      return '?';
  }
}

/**
 * One resource as Mesos prints it: `cpus(allocated: eng)(reservations: [(STATIC,eng)]):2`,
 * `disk(reservations: [(DYNAMIC,eng,ops)])[MOUNT:/mnt/a,vol1]<SHARED>:1024`, `ports:[1-5]`.
 */
export function stringifyResource(resource: Resource): string {
  let text = String(resource.name);
  if (has(resource.allocation_info)) text += `(allocated: ${resource.allocation_info.role ?? ''})`;
  const stack = reservationsOf(resource);
  if (stack.length > 0) text += `(reservations: [${stack.map((r) => `(${formatReservation(r)})`).join(',')}])`;
  if (has(resource.disk)) text += `[${formatDisk(resource.disk)}]`;
  if (has(resource.revocable)) text += '{REV}';
  if (has(resource.shared)) text += '<SHARED>';
  return `${text}:${formatValue(resource)}`;
}

// ---------------------------------------------------------------------------------------------
// Resources.
// ---------------------------------------------------------------------------------------------

/**
 * One element of a `Resources`. Invariants: `resource` is valid, non-empty, in the
 * post-refinement format, deep-frozen, and its ranges are coalesced and its scalar rounded to three
 * decimals; `thousandths` is the exact scalar amount (0 for other types); `sharedCount` is the
 * number of copies of a shared resource (always 1 for a non-shared one).
 */
interface Entry {
  readonly resource: Readonly<Resource>;
  readonly thousandths: number;
  readonly sharedCount: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

// Builds a new frozen resource with the given value, in proto field order, keeping only the fields
// Mesos keeps (no legacy format fields, nothing for the other value types).
function rebuild(resource: Resource, value: Pick<Resource, 'scalar' | 'ranges' | 'set'>, changes: Partial<Resource> = {}): Resource {
  const source = { ...resource, ...changes };
  const result: Resource = {
    ...(has(source.provider_id) ? { provider_id: { value: source.provider_id.value } } : {}),
    name: source.name,
    type: source.type,
    ...value,
    ...(has(source.allocation_info)
      ? { allocation_info: has(source.allocation_info.role) ? { role: source.allocation_info.role } : {} }
      : {}),
    ...(reservationsOf(source).length > 0 ? { reservations: reservationsOf(source).map(copyReservation) } : {}),
    ...(has(source.disk) ? { disk: structuredClone(source.disk) } : {}),
    ...(has(source.revocable) ? { revocable: {} } : {}),
    ...(has(source.shared) ? { shared: {} } : {}),
  };
  return deepFreeze(result);
}

function makeEntry(resource: Resource, thousandths: number, sharedCount: number, changes?: Partial<Resource>): Entry {
  let value: Pick<Resource, 'scalar' | 'ranges' | 'set'>;
  switch (resource.type) {
    case 'SCALAR':
      value = { scalar: { value: fromFixedPoint(thousandths) } };
      break;
    case 'RANGES':
      value = { ranges: { range: normalizeRanges(rangesOf(resource)) } };
      break;
    default:
      value = { set: { item: [...itemsOf(resource)] } };
  }
  return { resource: rebuild(resource, value, changes), thousandths, sharedCount };
}

// An entry with the same value and count but different metadata (reservations, allocation).
function withChanges(entry: Entry, changes: Partial<Resource>): Entry {
  return makeEntry(entry.resource, entry.thousandths, entry.sharedCount, changes);
}

// Entry for a raw resource that already passed validation and upgrading.
function entryOf(resource: Resource): Entry {
  const thousandths = resource.type === 'SCALAR' ? toFixedPoint(resource.scalar?.value ?? 0) : 0;
  return makeEntry(resource, thousandths, 1);
}

function isEmptyEntry(entry: Entry): boolean {
  if (isShared(entry.resource) && entry.sharedCount === 0) return true;
  switch (entry.resource.type) {
    case 'SCALAR':
      return entry.thousandths === 0;
    case 'RANGES':
      return rangesOf(entry.resource).length === 0;
    default:
      return itemsOf(entry.resource).length === 0;
  }
}

// The sum of two addable entries. Shared copies are counted, not summed: two copies of a shared
// 1024 MB volume are still 1024 MB of disk, used twice.
function sumEntries(left: Entry, right: Entry): Entry {
  if (isShared(left.resource)) return { ...left, sharedCount: left.sharedCount + right.sharedCount };
  switch (left.resource.type) {
    case 'SCALAR':
      return makeEntry(left.resource, left.thousandths + right.thousandths, 1);
    case 'RANGES':
      return { ...left, resource: rebuild(left.resource, { ranges: { range: unionRanges(rangesOf(left.resource), rangesOf(right.resource)) } }) };
    default:
      return { ...left, resource: rebuild(left.resource, { set: { item: unionSets(itemsOf(left.resource), itemsOf(right.resource)) } }) };
  }
}

// The difference of two subtractable entries; may be empty or negative, which the caller drops.
function differenceOfEntries(left: Entry, right: Entry): Entry {
  if (isShared(left.resource)) return { ...left, sharedCount: left.sharedCount - right.sharedCount };
  switch (left.resource.type) {
    case 'SCALAR':
      return makeEntry(left.resource, left.thousandths - right.thousandths, 1);
    case 'RANGES':
      return { ...left, resource: rebuild(left.resource, { ranges: { range: subtractRanges(rangesOf(left.resource), rangesOf(right.resource)) } }) };
    default:
      return { ...left, resource: rebuild(left.resource, { set: { item: subtractSets(itemsOf(left.resource), itemsOf(right.resource)) } }) };
  }
}

function entryContains(left: Entry, right: Entry): boolean {
  if (isShared(left.resource) !== isShared(right.resource)) return false;
  if (isShared(left.resource)) return left.sharedCount >= right.sharedCount && resourceEquals(left.resource, right.resource);
  return containsResource(left.resource, right.resource);
}

// Adds into a private, mutable entry list: merges into the first addable entry or appends.
function addEntry(entries: Entry[], entry: Entry): void {
  if (isEmptyEntry(entry)) return;
  const index = entries.findIndex((existing) => addable(existing.resource, entry.resource));
  if (index < 0) entries.push(entry);
  else entries[index] = sumEntries(entries[index]!, entry);
}

// Subtracts from a private, mutable entry list. As in Mesos, subtracting more than there is drops
// the resource instead of going negative: {cpus:1} - {cpus:2} is {}.
function subtractEntry(entries: Entry[], entry: Entry): void {
  if (isEmptyEntry(entry)) return;
  const index = entries.findIndex((existing) => subtractable(existing.resource, entry.resource));
  if (index < 0) return;
  const difference = differenceOfEntries(entries[index]!, entry);
  const negative = difference.sharedCount < 0 || difference.thousandths < 0;
  if (negative || isEmptyEntry(difference)) entries.splice(index, 1);
  else entries[index] = difference;
}

// Validates and upgrades raw input. Invalid resources are reported as undefined.
function acceptRaw(resource: Resource): Entry | undefined {
  if (validateResource(resource) !== undefined) return undefined;
  return entryOf(upgradeResource(resource));
}

export type ResourcesInput = Resources | Resource | readonly Resource[];

/**
 * An immutable collection of resources, normalized as Mesos keeps them: resources that can be
 * added (same name, type, reservation stack, allocation, disk, provider, revocability, sharedness)
 * are merged into one, so `cpus:1` + `cpus:2` is one `cpus:3`, while `cpus:1` reserved to `eng` and
 * an unreserved `cpus:1` stay two. Every operation returns a new value; the `Resource` objects it
 * hands out are frozen. Empty resources (cpus:0, ports:[]) are never kept.
 *
 * As Mesos's constructors and `+=`, building from raw `Resource` messages silently skips invalid
 * ones; validate first (`validateResources`, `Resources.validated`, or the parsers in
 * resources-text.ts) where input comes from outside. Raw input may be in either reservation format.
 */
export class Resources implements Iterable<Readonly<Resource>> {
  static readonly EMPTY: Resources = new Resources([]);

  readonly #entries: readonly Entry[];

  private constructor(entries: readonly Entry[]) {
    this.#entries = entries;
  }

  /** Builds a collection; invalid and empty resources are skipped, as by Mesos's constructors. */
  static from(input: ResourcesInput): Resources {
    if (input instanceof Resources) return input;
    return Resources.EMPTY.plus(input);
  }

  /** Builds a collection, or names the first invalid resource instead of skipping it. */
  static validated(input: readonly Resource[]): Result<Resources> {
    const error = validateResources(input);
    return error === undefined ? ok(Resources.from(input)) : fail(error);
  }

  // Raw input to entries, one per valid resource, not yet merged.
  static #entriesOf(input: ResourcesInput): readonly Entry[] {
    if (input instanceof Resources) return input.#entries;
    const list: readonly Resource[] = Array.isArray(input) ? input : [input as Resource];
    const entries: Entry[] = [];
    for (const resource of list) {
      const entry = acceptRaw(resource);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  /** The number of distinct (unmergeable) resources, counting a shared resource once. */
  get size(): number {
    return this.#entries.length;
  }

  isEmpty(): boolean {
    return this.#entries.length === 0;
  }

  *[Symbol.iterator](): Iterator<Readonly<Resource>> {
    for (const entry of this.#entries) yield entry.resource;
  }

  /**
   * Mutable copies in the post-refinement format, ready for a message. A shared resource appears
   * once however many copies are held, as in Mesos; `count()` tells how many.
   */
  toArray(): Resource[] {
    return this.#entries.map((entry) => structuredClone(entry.resource) as Resource);
  }

  toJSON(): Resource[] {
    return this.toArray();
  }

  /** How many copies of exactly this resource are held: the shared count, or 1 or 0. */
  count(resource: Resource): number {
    const target = upgradeResource(resource);
    const entry = this.#entries.find((e) => resourceEquals(e.resource, target));
    return entry === undefined ? 0 : entry.sharedCount;
  }

  plus(that: ResourcesInput): Resources {
    const entries = [...this.#entries];
    for (const entry of Resources.#entriesOf(that)) addEntry(entries, entry);
    return new Resources(entries);
  }

  minus(that: ResourcesInput): Resources {
    const entries = [...this.#entries];
    for (const entry of Resources.#entriesOf(that)) subtractEntry(entries, entry);
    return new Resources(entries);
  }

  /**
   * Whether every resource in `that` fits in this. Persistent volumes are taken away as they are
   * matched, so two copies of a non-shared volume are not contained in one. A raw resource that is
   * invalid is never contained (otherwise `cpus:-1` would be).
   */
  contains(that: Resources | Resource): boolean {
    let required: readonly Entry[];
    if (that instanceof Resources) {
      required = that.#entries;
    } else {
      const entry = acceptRaw(that);
      if (entry === undefined) return false;
      required = [entry];
    }
    const remaining = [...this.#entries];
    for (const entry of required) {
      if (!remaining.some((existing) => entryContains(existing, entry))) return false;
      if (isPersistentVolume(entry.resource)) subtractEntry(remaining, entry);
    }
    return true;
  }

  /**
   * Whether the amounts are at least `quantities`, ignoring reservations and all other metadata:
   * scalars by value, ranges by the number of integers, sets by the number of items. This is the
   * test behind `min_allocatable_resources`: {ports:[1-5]} contains {ports: 5}.
   */
  containsQuantities(quantities: ResourceQuantities): boolean {
    const available = this.toQuantities();
    for (const [name, amount] of quantities) {
      if (toFixedPoint(available.get(name) ?? 0) < toFixedPoint(amount)) return false;
    }
    return true;
  }

  /** Equality as Mesos defines it: each contains the other. */
  equals(that: Resources | readonly Resource[]): boolean {
    const other = Resources.from(that);
    return this.contains(other) && other.contains(this);
  }

  filter(predicate: (resource: Readonly<Resource>) => boolean): Resources {
    // Dropping elements of a normalized collection leaves it normalized, so no merging is needed.
    return new Resources(this.#entries.filter((entry) => predicate(entry.resource)));
  }

  /** Reserved resources, or those reserved to exactly `role` (not to its ancestors). */
  reserved(role?: string): Resources {
    return this.filter((resource) => isReserved(resource, role));
  }

  unreserved(): Resources {
    return this.filter(isUnreserved);
  }

  /** What may be offered to `role`: unreserved resources and those reserved to it or an ancestor. */
  allocatableTo(role: string): Resources {
    return this.filter((resource) => isAllocatableTo(resource, role));
  }

  reservedToRoleSubtree(role: string): Resources {
    return this.filter((resource) => isReservedToRoleSubtree(resource, role));
  }

  allocatedToRoleSubtree(role: string): Resources {
    return this.filter((resource) => isAllocatedToRoleSubtree(resource, role));
  }

  revocable(): Resources {
    return this.filter(isRevocable);
  }

  nonRevocable(): Resources {
    return this.filter((resource) => !isRevocable(resource));
  }

  shared(): Resources {
    return this.filter(isShared);
  }

  nonShared(): Resources {
    return this.filter((resource) => !isShared(resource));
  }

  persistentVolumes(): Resources {
    return this.filter(isPersistentVolume);
  }

  scalars(): Resources {
    return this.filter((resource) => resource.type === 'SCALAR');
  }

  nonScalars(): Resources {
    return this.filter((resource) => resource.type !== 'SCALAR');
  }

  /** All resources with this name, whatever their type or reservation. */
  named(name: string): Resources {
    return this.filter((resource) => resource.name === name);
  }

  /** Reserved resources grouped by reservation role (the role of the last reservation). */
  reservations(): Map<string, Resources> {
    return this.#groupBy((resource) => reservationRole(resource));
  }

  /**
   * Resources grouped by the role they are allocated to. As in Mesos, this is only meaningful for
   * allocated resources; an unallocated one is a bug in the caller and throws.
   */
  allocations(): Map<string, Resources> {
    return this.#groupBy((resource) => {
      const role = resource.allocation_info?.role;
      if (role === undefined) {
        throw new MesosError('INTERNAL', `allocations() called on unallocated resource ${stringifyResource(resource)}`);
      }
      return role;
    });
  }

  #groupBy(keyOf: (resource: Readonly<Resource>) => string | undefined): Map<string, Resources> {
    const groups = new Map<string, Entry[]>();
    for (const entry of this.#entries) {
      const key = keyOf(entry.resource);
      if (key === undefined) continue;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [entry]);
      else group.push(entry);
    }
    return new Map([...groups].map(([key, entries]) => [key, new Resources(entries)]));
  }

  // Applies a metadata change to every entry and re-merges, since the change may make formerly
  // distinct entries addable (e.g. the same cpus reserved to two roles, once unreserved).
  #remap(change: (entry: Entry) => Entry): Resources {
    const entries: Entry[] = [];
    for (const entry of this.#entries) addEntry(entries, change(entry));
    return new Resources(entries);
  }

  /**
   * Refines every reservation by pushing `reservation` onto each stack (or makes the first
   * reservation of unreserved resources): {cpus(eng):4}.pushReservation(DYNAMIC eng/web) reserves
   * those 4 cpus to eng/web. Throws INVALID_RESOURCES if a result would be invalid (e.g. the role
   * is not a subrole of the current one); callers validate operations before applying them.
   */
  pushReservation(reservation: ReservationInfo): Resources {
    return this.#remap((entry) => {
      const changed = withChanges(entry, { reservations: [...reservationsOf(entry.resource), copyReservation(reservation)] });
      const error = validateResource(changed.resource);
      if (error !== undefined) {
        throw new MesosError('INVALID_RESOURCES', `Cannot push reservation onto ${stringifyResource(entry.resource)}: ${error}`);
      }
      return changed;
    });
  }

  /** Undoes the most refined reservation of every resource; throws INVALID_RESOURCES on unreserved ones. */
  popReservation(): Resources {
    return this.#remap((entry) => {
      const stack = reservationsOf(entry.resource);
      if (stack.length === 0) {
        throw new MesosError('INVALID_RESOURCES', `Cannot pop a reservation from unreserved ${stringifyResource(entry.resource)}`);
      }
      return withChanges(entry, { reservations: stack.slice(0, -1) });
    });
  }

  /** The same resources with every reservation removed. */
  toUnreserved(): Resources {
    return this.#remap((entry) => (isUnreserved(entry.resource) ? entry : withChanges(entry, { reservations: [] })));
  }

  /**
   * Marks every resource as allocated to `role` (sets `allocation_info.role`). Unlike Mesos, which
   * mutates in place, the result is re-merged so the normalization invariant keeps holding.
   */
  allocate(role: string): Resources {
    return this.#remap((entry) => withChanges(entry, { allocation_info: { role } }));
  }

  unallocate(): Resources {
    return this.#remap((entry) => withChanges(entry, { allocation_info: undefined }));
  }

  /** The distinct resource names, sorted. */
  names(): string[] {
    return [...new Set(this.#entries.map((entry) => entry.resource.name))].sort();
  }

  /** Name to type; when a name has several types (which validation of agents forbids) the last wins. */
  types(): Map<string, ValueType> {
    return new Map(this.#entries.map((entry) => [entry.resource.name, entry.resource.type]));
  }

  /** The total of the scalar resources with this name, in fixed point, or undefined if there are none. */
  get(name: string): number | undefined {
    let total: number | undefined;
    for (const entry of this.#entries) {
      if (entry.resource.name === name && entry.resource.type === 'SCALAR') total = (total ?? 0) + entry.thousandths;
    }
    return total === undefined ? undefined : fromFixedPoint(total);
  }

  /** The union of the range resources with this name, or undefined if there are none. */
  getRanges(name: string): Range[] | undefined {
    const matching = this.#entries.filter((e) => e.resource.name === name && e.resource.type === 'RANGES');
    return matching.length === 0 ? undefined : normalizeRanges(matching.flatMap((e) => rangesOf(e.resource)));
  }

  /** The union of the set resources with this name, or undefined if there are none. */
  getSet(name: string): string[] | undefined {
    const matching = this.#entries.filter((e) => e.resource.name === name && e.resource.type === 'SET');
    return matching.length === 0 ? undefined : matching.reduce<string[]>((all, e) => unionSets(all, itemsOf(e.resource)), []);
  }

  cpus(): number | undefined {
    return this.get('cpus');
  }

  gpus(): number | undefined {
    return this.get('gpus');
  }

  /** Megabytes. */
  mem(): number | undefined {
    return this.get('mem');
  }

  /** Megabytes. */
  disk(): number | undefined {
    return this.get('disk');
  }

  ports(): Range[] | undefined {
    return this.getRanges('ports');
  }

  /**
   * Amount per name, ignoring all metadata, as Mesos's `ResourceQuantities::fromResources`:
   * scalars are summed, ranges count their integers and sets their items. For
   * {cpus:1; cpus(eng):2; ports:[1-10]; zones:{a,b}} it is {cpus: 3, ports: 10, zones: 2}.
   * For scalar resources alone it is name -> sum: use `.scalars().toQuantities()` for quota.
   */
  toQuantities(): ResourceQuantities {
    const thousandths = new Map<string, number>();
    for (const entry of this.#entries) {
      const amount = entryQuantity(entry);
      thousandths.set(entry.resource.name, (thousandths.get(entry.resource.name) ?? 0) + amount);
    }
    return new Map(
      [...thousandths]
        .filter(([, amount]) => amount > 0)
        .sort(([a], [b]) => compareCodeUnits(a, b))
        .map(([name, amount]) => [name, fromFixedPoint(amount)]),
    );
  }

  /** The flattened v0 form; see `flattenResourcesForV0`. */
  toV0(): V0Resources {
    return flattenResourcesForV0(this);
  }

  /** As Mesos prints a `Resources`: `cpus:2; mem:1024; ports:[31000-32000]`, or `{}` when empty. */
  toString(): string {
    if (this.#entries.length === 0) return '{}';
    return this.#entries
      .map((entry) => stringifyResource(entry.resource) + (isShared(entry.resource) ? `<${entry.sharedCount}>` : ''))
      .join('; ');
  }
}

// One entry's contribution to its name's quantity, in thousandths.
function entryQuantity(entry: Entry): number {
  switch (entry.resource.type) {
    case 'SCALAR':
      return entry.thousandths;
    case 'RANGES':
      return rangesSize(rangesOf(entry.resource)) * SCALE;
    default:
      return itemsOf(entry.resource).length * SCALE;
  }
}

// ---------------------------------------------------------------------------------------------
// The v0 flattened form.
// ---------------------------------------------------------------------------------------------

/** Name to amount: a number for scalars, `"[1-2, 4-5]"` for ranges, `"{a, b}"` for sets. */
export type V0Resources = Record<string, number | string>;

/** These four always appear in v0 output, as 0 when absent, because the web UI reads them blindly. */
const V0_ALWAYS_PRESENT = ['cpus', 'gpus', 'mem', 'disk'] as const;

/**
 * The flattened resources of the v0 endpoints (`/master/state`, `/slave(1)/state`, ...), as
 * Mesos's `model(Resources)`: reservations, allocation and disk details are dropped, amounts with
 * the same name are combined, and revocable resources are reported under `<name>_revocable`.
 * Example: cpus:2 + cpus(eng):1 + revocable cpus:0.5 + ports:[1-2] + ports:[3-5] gives
 * {cpus: 3, cpus_revocable: 0.5, disk: 0, gpus: 0, mem: 0, ports: "[1-5]"}. Keys are sorted, as
 * in Mesos's JSON objects. Accepts raw messages in either reservation format too.
 */
export function flattenResourcesForV0(resources: Resources | Iterable<Resource>): V0Resources {
  const scalars = new Map<string, number>(V0_ALWAYS_PRESENT.map((name) => [name, 0]));
  const ranges = new Map<string, Range[]>();
  const sets = new Map<string, string[]>();
  for (const resource of resources) {
    const name = isRevocable(resource) ? `${resource.name}_revocable` : resource.name;
    switch (resource.type) {
      case 'SCALAR':
        scalars.set(name, (scalars.get(name) ?? 0) + toFixedPoint(resource.scalar?.value ?? 0));
        break;
      case 'RANGES':
        ranges.set(name, unionRanges(ranges.get(name) ?? [], rangesOf(resource)));
        break;
      case 'SET':
        sets.set(name, unionSets(sets.get(name) ?? [], itemsOf(resource)));
        break;
      default:
        break; // TEXT is not a valid resource type; Mesos skips it here too.
    }
  }
  const entries: [string, number | string][] = [
    ...[...scalars].map(([name, thousandths]): [string, number] => [name, fromFixedPoint(thousandths)]),
    ...[...ranges].map(([name, value]): [string, string] => [name, formatRanges(value)]),
    ...[...sets].map(([name, value]): [string, string] => [name, formatSet(value)]),
  ];
  entries.sort(([a], [b]) => compareCodeUnits(a, b));
  // `Object.fromEntries` defines own properties, so even a resource named `__proto__` is safe.
  return Object.fromEntries(entries);
}

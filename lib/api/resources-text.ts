// The text forms of resources that operators type: the agent's `--resources` flag (Mesos's
// `Resources::parse` / `fromString`, src/common/resources.cpp), the value syntax it shares with
// `--attributes` (`internal::values::parse`, src/common/values.cpp), and the master's
// `--min_allocatable_resources` flag (`ResourceQuantities::fromString`,
// src/common/resource_quantities.cpp). Parsers return a Result whose error names the offending
// token; `parseResourcesOrThrow` is for callers that turn that into a MesosError.

import { MesosError } from '../common/errors.ts';
import { fail, ok } from '../common/result.ts';
import type { Result } from '../common/result.ts';
import { numifyDouble, numifyUnsigned, truncate } from './numbers.ts';
import {
  MAX_SCALAR,
  Resources,
  compareCodeUnits,
  fromFixedPoint,
  isDynamicallyReserved,
  isPersistentVolume,
  isRevocable,
  normalizeRanges,
  stringifyResource,
  toFixedPoint,
  upgradeResource,
  validateResource,
} from './resources.ts';
import type { Range, Resource, ResourceQuantities, ValueType } from './resources.ts';
import { decode } from './codec.ts';

// ---------------------------------------------------------------------------------------------
// Values: `4.5`, `[1-10, 20-30]`, `{a, b}`, or free text.
// ---------------------------------------------------------------------------------------------

export type Value =
  | { type: 'SCALAR'; scalar: { value: number } }
  | { type: 'RANGES'; ranges: { range: Range[] } }
  | { type: 'SET'; set: { item: string[] } }
  | { type: 'TEXT'; text: { value: string } };

// Like stout's `strings::tokenize`: splits on any of the delimiter characters and drops empty
// tokens, so `a;;b;` is `["a", "b"]`.
function tokenize(text: string, delimiters: string): string[] {
  return text.split(new RegExp(`[${delimiters.replace(/[\]\\^-]/g, '\\$&')}]`)).filter((token) => token !== '');
}

// Like stout's `strings::trim` with its default set: space, tab, newline, carriage return. A loop,
// not `/[ \t\n\r]+$/`, which is quadratic on a long run of spaces followed by anything else.
function trim(text: string): string {
  const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\t' || char === '\n' || char === '\r';
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return text.slice(start, end);
}

function bracketsMatch(text: string, open: string, close: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === open) depth++;
    else if (char === close && --depth < 0) return false;
  }
  return depth === 0;
}

function parseRangesValue(text: string): Result<Value> {
  const tokens = tokenize(text, '[]-,\n');
  if (tokens.length % 2 !== 0) return fail('Expecting one or more "ranges"');
  const ranges: Range[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const begin = numifyUnsigned(tokens[i]!);
    const end = numifyUnsigned(tokens[i + 1]!);
    if (begin === undefined) return fail(`Expecting non-negative integers in '${truncate(tokens[i]!)}'`);
    if (end === undefined) return fail(`Expecting non-negative integers in '${truncate(tokens[i + 1]!)}'`);
    // Mesos would let coalescing swallow an inverted range; we name it instead.
    if (begin > end) return fail(`Expecting begin <= end in '${truncate(`${tokens[i]}-${tokens[i + 1]}`)}'`);
    ranges.push({ begin, end });
  }
  // Text ranges are coalesced, so `[1-5, 3-10]` is accepted as [1-10], unlike overlapping ranges
  // in a JSON resource, which validation rejects.
  return ok({ type: 'RANGES', ranges: { range: normalizeRanges(ranges) } });
}

/**
 * Parses one value as Mesos's `values::parse`. Spaces (only spaces) are removed first, so
 * `[1-2, 5-6]` and `{ a, b }` work. A value starting with `[` is ranges, with `{` a set (duplicate
 * items are kept for validation to reject), a number (as stout's `numify<double>` reads it, see
 * `numifyDouble`) a scalar, anything else text. A `[` or `{` anywhere but the start is an error, as
 * are unbalanced brackets.
 */
export function parseValue(text: string): Result<Value> {
  const value = text.replaceAll(' ', '');
  if (value === '') return fail('Expecting non-empty string');
  if (!bracketsMatch(value, '{', '}') || !bracketsMatch(value, '[', ']') || !bracketsMatch(value, '(', ')')) {
    return fail('Mismatched brackets');
  }
  const bracket = value.indexOf('[');
  if (bracket === 0) return parseRangesValue(value);
  if (bracket > 0) return fail("Unexpected '[' found");
  const brace = value.indexOf('{');
  if (brace === 0) return ok({ type: 'SET', set: { item: tokenize(value, '{},\n') } });
  if (brace > 0) return fail("Unexpected '{' found");
  const number = numifyDouble(value);
  if (number !== undefined) return ok({ type: 'SCALAR', scalar: { value: number } });
  return ok({ type: 'TEXT', text: { value } });
}

// ---------------------------------------------------------------------------------------------
// The `--resources` flag.
// ---------------------------------------------------------------------------------------------

// `name(role)` or `name`. As in Mesos, anything after the closing parenthesis is ignored.
function parseNameAndRole(token: string, head: string, defaultRole: string): Result<{ name: string; role: string }> {
  const open = head.indexOf('(');
  if (open < 0) return ok({ name: trim(head), role: defaultRole });
  const close = head.indexOf(')');
  if (close < 0 || close < open) return fail(`Bad value for resources, mismatched parentheses in ${truncate(token)}`);
  return ok({ name: trim(head.slice(0, open)), role: trim(head.slice(open + 1, close)) });
}

// One `name(role):value` token to a Resource in the post-refinement format: a role other than `*`
// becomes a STATIC reservation, the only kind an agent can declare.
function parseToken(token: string, defaultRole: string): Result<Resource> {
  const pair = tokenize(token, ':');
  if (pair.length !== 2) return fail(`Bad value for resources, missing or extra ':' in ${truncate(token)}`);
  const [head, text] = pair as [string, string];
  const parsedName = parseNameAndRole(token, head, defaultRole);
  if (!parsedName.ok) return parsedName;
  const { name, role } = parsedName.value;

  const parsed = parseValue(text);
  if (!parsed.ok) return fail(`Failed to parse resource ${truncate(name)} value ${truncate(text)} error ${parsed.error}`);
  const value = parsed.value;
  if (value.type === 'TEXT') return fail(`Bad type for resource ${truncate(name)} value ${truncate(text)} type TEXT`);

  const { type: _type, ...field } = value;
  const resource: Resource = {
    name,
    type: value.type,
    ...field,
    ...(role === '*' ? {} : { reservations: [{ type: 'STATIC', role }] }),
  };
  const error = validateResource(resource);
  return error === undefined ? ok(resource) : fail(`Invalid resource '${truncate(trim(token))}': ${error}`);
}

// The semicolon-separated form: `cpus:4;mem:1024;ports:[31000-32000];disk(role1):100`.
function parseSimpleText(text: string, defaultRole: string): Result<Resource[]> {
  const resources: Resource[] = [];
  for (const token of tokenize(text, ';')) {
    const parsed = parseToken(token, defaultRole);
    if (!parsed.ok) return parsed;
    resources.push(parsed.value);
  }
  return ok(resources);
}


// The JSON form: an array of Resource objects in either reservation format. As in Mesos's
// `fromJSON`, a resource with neither `role` nor `reservations` gets the default role.
function parseJsonText(text: string, defaultRole: string): Result<Resource[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`Failed to parse resources as JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json)) return fail('Resources JSON must be an array of Resource objects');
  const resources: Resource[] = [];
  for (const [index, element] of json.entries()) {
    // The codec applies Mesos's JSON dialect: numbers as strings, null as unset, required fields.
    let resource: Resource;
    try {
      resource = decode('mesos.v1.Resource', element);
    } catch (err) {
      return fail(`Some JSON resources were not formatted properly: element ${index}: ${(err as Error).message}`);
    }
    if (resource.role === undefined && (resource.reservations ?? []).length === 0) {
      resource = { ...resource, role: defaultRole };
    }
    const error = validateResource(resource);
    if (error !== undefined) {
      return fail(`Invalid resource at index ${index} ('${truncate(stringifyResource(resource))}'): ${error}`);
    }
    resources.push(upgradeResource(resource));
  }
  return ok(resources);
}

/**
 * Mesos's extra rules for resources an operator declares on an agent: no persistent volumes, no
 * revocable resources, no dynamic reservations (those come from operations, never from flags), and
 * one type per name.
 */
function validateCommandLineResources(resources: readonly Resource[]): string | undefined {
  const types = new Map<string, ValueType>();
  for (const resource of resources) {
    if (isPersistentVolume(resource)) return 'Persistent volumes cannot be specified at the command line';
    if (isRevocable(resource)) {
      return "Revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON";
    }
    if (isDynamicallyReserved(resource)) {
      return 'Dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON';
    }
    const known = types.get(resource.name);
    if (known !== undefined && known !== resource.type) {
      return `Resources with the same name ('${truncate(resource.name)}') but different types are not allowed`;
    }
    types.set(resource.name, resource.type);
  }
  return undefined;
}

/**
 * Parses the agent's `--resources` value, as Mesos's `Resources::parse(text, defaultRole)`.
 *
 * If the first non-whitespace character is `[`, the text is a JSON array of Resource objects
 * (Mesos tries JSON first and falls back to the text form, which only yields a confusing second
 * error for broken JSON, since no valid text-form value starts with `[`); otherwise it is
 * `name(role):value` tokens separated by `;`, e.g.
 * `cpus:4;mem:1024;ports:[31000-32000];disk(role1):100;gpus(*):1;zones:{a,b,c}`.
 * In the text form empty tokens are skipped, names and roles are trimmed, and spaces inside values
 * are ignored. `defaultRole` applies where no role is given; `*` means unreserved, any other role a
 * static reservation. Tokens with the same name and role combine (`cpus:1;cpus:2` is cpus:3), and
 * zero amounts (`gpus:0`) vanish, as they do in Mesos.
 */
export function parseResources(text: string, defaultRole = '*'): Result<Resources> {
  const parsed = text.trimStart().startsWith('[') ? parseJsonText(text, defaultRole) : parseSimpleText(text, defaultRole);
  if (!parsed.ok) return parsed;
  const error = validateCommandLineResources(parsed.value);
  return error === undefined ? ok(Resources.from(parsed.value)) : fail(error);
}

/** `parseResources` for callers that want an INVALID_RESOURCES MesosError instead of a Result. */
export function parseResourcesOrThrow(text: string, defaultRole = '*'): Resources {
  const parsed = parseResources(text, defaultRole);
  if (!parsed.ok) throw new MesosError('INVALID_RESOURCES', parsed.error);
  return parsed.value;
}

// ---------------------------------------------------------------------------------------------
// Quantities and `--min_allocatable_resources`.
// ---------------------------------------------------------------------------------------------

// Parses one quantity value; returns the thousandths or an error tail.
function parseQuantity(text: string): Result<number> {
  const failure = (reason: string): Result<number> => fail(`Failed to parse '${truncate(text)}' to quantity: ${reason}`);
  const parsed = parseValue(text);
  if (!parsed.ok) return failure(parsed.error);
  if (parsed.value.type !== 'SCALAR') return failure('only scalar values are allowed');
  const value = parsed.value.scalar.value;
  // A NaN or infinite amount is no usable quantity (and Mesos rejects them in scalars, MESOS-9510).
  if (!Number.isFinite(value)) return failure('value must be finite');
  if (value < 0) return failure('negative values are not allowed');
  if (value > MAX_SCALAR) return failure(`value is larger than ${MAX_SCALAR}`);
  return ok(toFixedPoint(value));
}

/**
 * Parses `name:amount` pairs separated by `;` into quantities, as Mesos's
 * `ResourceQuantities::fromString`: `cpus:1;mem:32;ports:10`. Names are trimmed, duplicate names
 * add up (`cpus:1;cpus:0.5` is cpus 1.5), and zero amounts are dropped. Amounts must be
 * non-negative scalars; for ranges and sets they count items (`ports:10` is ten ports).
 */
export function parseResourceQuantities(text: string): Result<ResourceQuantities> {
  const thousandths = new Map<string, number>();
  for (const token of tokenize(text, ';')) {
    const pair = tokenize(token, ':');
    if (pair.length !== 2) return fail(`Failed to parse '${truncate(token)}': missing or extra ':'`);
    const [head, value] = pair as [string, string];
    const quantity = parseQuantity(value);
    if (!quantity.ok) return quantity;
    if (quantity.value === 0) continue;
    const name = trim(head);
    thousandths.set(name, (thousandths.get(name) ?? 0) + quantity.value);
  }
  const sorted = [...thousandths].sort(([a], [b]) => compareCodeUnits(a, b));
  return ok(new Map(sorted.map(([name, amount]) => [name, fromFixedPoint(amount)])));
}

/**
 * Parses `--min_allocatable_resources`: groups separated by `|` (OR), each a list of quantities
 * separated by `;` (AND). An offer is big enough if it contains every quantity of at least one
 * group. The default `cpus:0.01|mem:32` gives [{cpus: 0.01}, {mem: 32}]; `disk:1|cpus:1;mem:32`
 * gives [{disk: 1}, {cpus: 1, mem: 32}]. Empty groups are skipped, as Mesos's tokenizer does.
 */
export function parseMinAllocatableResources(text: string): Result<ResourceQuantities[]> {
  const groups: ResourceQuantities[] = [];
  for (const token of tokenize(text, '|')) {
    const quantities = parseResourceQuantities(token);
    if (!quantities.ok) return fail(`Error parsing min_allocatable_resources '${truncate(text)}': ${quantities.error}`);
    groups.push(quantities.value);
  }
  return ok(groups);
}

/**
 * The test the allocator applies with those groups (Mesos's `allocatable`): nothing is never
 * allocatable; otherwise, with no groups everything is, and with groups `resources` must meet at
 * least one of them.
 */
export function meetsMinAllocatable(resources: Resources, groups: readonly ResourceQuantities[]): boolean {
  if (resources.isEmpty()) return false;
  return groups.length === 0 || groups.some((group) => resources.containsQuantities(group));
}

// Mesos's JSON dialect (mesos-api.md section 1.2), driven by the schema in lib/api/schema.
//
// Mesos does not speak proto3 canonical JSON. Its converter (stout's protobuf.hpp and jsonify)
// has rules of its own, and frameworks depend on them:
//
// Decoding (JSON -> message) accepts what Mesos accepts:
//   - fields by exact proto name; unknown keys ignored; `null` means unset;
//   - numbers and booleans as JSON values or as strings that parse (`"5"`, `"true"`), and
//     `"Infinity"` / `"-Infinity"` for doubles;
//   - enums by name only; an unknown name fails a required field and silently unsets an
//     optional one (and drops a repeated element), as proto2 does;
//   - bytes as base64 (kept as canonical padded base64 in memory: the JSON form is what the
//     master stores and echoes, e.g. status update uuids);
//   - a single value for a repeated field as a one-element list, nested arrays flattened and
//     null elements skipped; an array for a singular field is an error; maps as objects.
// and rejects the rest with a message naming the path: `subscribe.framework_info.name: required`.
//
// Where we deliberately differ from Mesos's parser:
//   - an integer field given a fraction (`1.5`) or a value outside its type's range is rejected;
//     Mesos truncates the fraction and wraps the value into range;
//   - a double also accepts the strings "inf" and "-inf" (besides "Infinity" and "-Infinity");
//   - a null map value is skipped as unset; Mesos adds an entry for it, which then fails the
//     required-field check when the value is a message.
//
// Encoding (message -> JSON text) emits what Mesos emits: fields in declaration order, set
// fields plus unset optional fields that declare a default and are not deprecated, enum names,
// int64 as JSON numbers, doubles in shortest form with `.0` on integral values, empty messages
// as `{}`. Two choices of ours, made for client libraries (section 12): non-ASCII characters are
// written as \uXXXX escapes so byte and character lengths agree, and infinite doubles are written
// as the strings "Infinity" and "-Infinity" (Mesos's older JSON path does this; its jsonify path
// writes bare tokens that no JSON parser accepts), which Mesos and our decoder read back. A NaN
// double has no form that either reads back, so encoding one is an INTERNAL error naming the field:
// it is a bug in the caller, and refusing it keeps us from emitting JSON nobody can decode.
//
// The codec sits on every request and event, so it is written for speed: each message type is
// compiled once into a plan (quoted keys, pre-encoded defaults, resolved nested types), and no
// field path is built unless something fails: an error starts with its reason alone and each level
// it unwinds through prepends its own segment, so the happy path builds no strings beyond the output.

import { MesosError } from '../common/errors.ts';
import type { MessageTypes } from '../types/registry.ts';
import { isDecimal, isInteger, significantDigits, truncate } from './numbers.ts';
import { schema } from './schema/index.ts';
import type { EnumType, Field, MessageType, ScalarType } from './schema/registry.ts';

/** Message nesting deeper than this is rejected: only recursive messages (ContainerID) can reach it. */
export const MAX_DEPTH = 64;

export type MessageName = keyof MessageTypes;

function invalid(path: string, what: string): MesosError {
  return new MesosError('INVALID_MESSAGE', path === '' ? what : `${path}: ${what}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value))}`;
  return `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Assigning through defineProperty keeps a map key such as "__proto__" an ordinary own property.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// Error paths

/**
 * A failure below an entry point, whose path is not known yet. It is thrown with its reason and
 * an empty path; each level it unwinds through prepends its segment (`.name`, `[3]`, `["key"]`)
 * and the entry point (`decode`, `encode`) turns it into the MesosError. Not an Error: it never
 * escapes this module, and needs no stack trace.
 */
class FieldError {
  path = '';
  readonly what: string;

  constructor(what: string) {
    this.what = what;
  }
}

/** Prepends `segment` to the path of a FieldError; other errors pass through untouched. */
function within(err: unknown, segment: string): unknown {
  if (err instanceof FieldError) err.path = segment + err.path;
  return err;
}

// ---------------------------------------------------------------------------------------------
// Plans: each message type compiled once

interface MessagePlan {
  readonly type: MessageType;
  readonly fields: readonly FieldPlan[];
}

interface FieldPlan {
  readonly field: Field;
  readonly name: string;
  /** The field's path segment in error messages: `.name`. */
  readonly segment: string;
  readonly required: boolean;
  /** Repeated and not a map. */
  readonly repeated: boolean;
  readonly mapKey: ScalarType | undefined;
  readonly kind: 'message' | 'enum' | 'scalar';
  /** For kind 'scalar' (a placeholder otherwise). */
  readonly scalar: ScalarType;
  /** Full name of the message or enum type, for kinds 'message' and 'enum'. */
  readonly typeName: string;
  /** Resolved on first use (see `messagePlan`, `enumTypeOf`). */
  message: MessagePlan | undefined;
  enumType: EnumType | undefined;
  /** The quoted key and colon, `"name":`, and the same after a comma, `,"name":`. */
  readonly key: string;
  readonly nextKey: string;
  /** Whether an unset value is written as the field's default. */
  readonly writesDefault: boolean;
  /** The default's JSON text; undefined without one, or if it does not encode (then writing it throws). */
  defaultJson: string | undefined;
}

const PLANS = new Map<string, MessagePlan>();

function planOf(fullName: string): MessagePlan {
  let plan = PLANS.get(fullName);
  if (plan === undefined) {
    const type = schema.message(fullName);
    plan = { type, fields: type.fields.map(compileField) };
    PLANS.set(fullName, plan);
  }
  return plan;
}

function compileField(field: Field): FieldPlan {
  const key = `${writeString(field.name)}:`;
  const writesDefault = field.defaultValue !== undefined && !field.deprecated && field.label === 'optional';
  const plan: FieldPlan = {
    field,
    name: field.name,
    segment: `.${field.name}`,
    required: field.label === 'required',
    repeated: field.label === 'repeated' && field.mapKey === undefined,
    mapKey: field.mapKey,
    kind: field.type.kind,
    scalar: field.type.kind === 'scalar' ? field.type.scalar : 'bytes',
    typeName: field.type.kind === 'scalar' ? '' : field.type.name,
    message: undefined,
    enumType: undefined,
    key,
    nextKey: `,${key}`,
    writesDefault,
    defaultJson: undefined,
  };
  if (writesDefault) {
    try {
      // Defaults are scalars and enum names, never messages: depth does not matter.
      plan.defaultJson = writeValue(plan, field.defaultValue, 0);
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
    }
  }
  return plan;
}

// Nested types resolve lazily, on the first value that needs them: a recursive type
// (ContainerID.parent) needs no special case, and a type is looked up once, not per value.
function messagePlan(f: FieldPlan): MessagePlan {
  return (f.message ??= planOf(f.typeName));
}

function enumTypeOf(f: FieldPlan): EnumType {
  return (f.enumType ??= schema.enumType(f.typeName));
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Parses JSON text; a syntax error becomes INVALID_JSON with the parser's reason. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 reports both syntax errors and nesting too deep for its stack here.
    throw new MesosError('INVALID_JSON', (err as Error).message, { cause: err });
  }
}

/** Decodes a parsed JSON value into the message `type`. */
export function decode<K extends MessageName>(type: K, json: unknown): MessageTypes[K] {
  const plan = planOf(type);
  try {
    return decodeMessage(plan, json, 0) as unknown as MessageTypes[K];
  } catch (err) {
    // The path starts with the `.` of a field segment, except at the top, where it is empty.
    if (err instanceof FieldError) throw invalid(err.path.slice(1), err.what);
    throw err;
  }
}

/** Parses JSON text and decodes it into the message `type`. */
export function decodeText<K extends MessageName>(type: K, text: string): MessageTypes[K] {
  return decode(type, parseJson(text));
}

function decodeMessage(plan: MessagePlan, json: unknown, depth: number): Record<string, unknown> {
  if (!isPlainObject(json)) throw new FieldError(`expected an object for ${plan.type.localName}, got ${describe(json)}`);
  if (depth >= MAX_DEPTH) throw new FieldError(`messages nested deeper than ${MAX_DEPTH} levels`);
  const fields = plan.fields;
  const out: Record<string, unknown> = {};
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      const raw = Object.hasOwn(json, f.name) ? json[f.name] : undefined;
      if (raw === undefined || raw === null) {
        if (f.required) throw new FieldError('required');
        continue;
      }
      if (f.mapKey !== undefined) {
        const map = decodeMap(f, f.mapKey, raw, depth);
        if (map !== undefined) out[f.name] = map;
      } else if (f.repeated) {
        const list = decodeRepeated(f, raw, depth);
        if (list.length > 0) out[f.name] = list;
      } else {
        if (Array.isArray(raw)) throw new FieldError('expected a single value, got an array');
        const value = decodeValue(f, raw, depth);
        if (value === DROPPED) {
          if (f.required) throw new FieldError(`unknown enum value ${JSON.stringify(truncate(String(raw)))}`);
          continue;
        }
        out[f.name] = value;
      }
    }
  } catch (err) {
    throw within(err, fields[i]!.segment);
  }
  return out;
}

/**
 * The elements of a repeated field as Mesos's parser sees them: a single value is a one-element
 * list, nested arrays are flattened, and null elements are skipped (clients send nulls for
 * absent values everywhere). An element's index in error messages counts the elements kept.
 * Iterative, so hostile nesting cannot exhaust the stack; the stack of outer lists is only
 * allocated when a nested array turns up.
 */
function decodeRepeated(f: FieldPlan, raw: unknown, depth: number): unknown[] {
  const out: unknown[] = [];
  let index = 0;
  try {
    if (!Array.isArray(raw)) {
      const value = decodeValue(f, raw, depth);
      if (value !== DROPPED) out.push(value);
      return out;
    }
    let list: unknown[] = raw;
    let next = 0;
    let outer: { list: unknown[]; next: number }[] | undefined;
    for (;;) {
      if (next >= list.length) {
        const up = outer?.pop();
        if (up === undefined) break;
        list = up.list;
        next = up.next;
        continue;
      }
      const item = list[next++];
      if (Array.isArray(item)) {
        (outer ??= []).push({ list, next });
        list = item;
        next = 0;
      } else if (item !== null && item !== undefined) {
        const value = decodeValue(f, item, depth);
        if (value !== DROPPED) out.push(value);
        index++;
      }
    }
  } catch (err) {
    throw within(err, `[${index}]`);
  }
  return out;
}

/** A map field's entries; undefined when none is set. */
function decodeMap(f: FieldPlan, keyType: ScalarType, raw: unknown, depth: number): Record<string, unknown> | undefined {
  if (!isPlainObject(raw)) throw new FieldError(`expected an object for a map, got ${describe(raw)}`);
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const [key, item] of Object.entries(raw)) {
    try {
      // Map keys are strings in JSON; a numeric or bool key must parse as its key type.
      decodeScalar(keyType, key);
      // A null map value means the entry is unset, as a null field does.
      if (item === null || item === undefined) continue;
      const value = decodeValue(f, item, depth);
      if (value !== DROPPED) {
        setOwn(out, key, value);
        empty = false;
      }
    } catch (err) {
      throw within(err, `[${JSON.stringify(truncate(key))}]`);
    }
  }
  return empty ? undefined : out;
}

const DROPPED = Symbol('dropped');

function decodeValue(f: FieldPlan, raw: unknown, depth: number): unknown {
  switch (f.kind) {
    case 'message':
      return decodeMessage(messagePlan(f), raw, depth + 1);
    case 'enum':
      return decodeEnum(enumTypeOf(f), raw);
    case 'scalar':
      return decodeScalar(f.scalar, raw);
  }
}

function decodeEnum(type: EnumType, raw: unknown): string | typeof DROPPED {
  if (typeof raw !== 'string') {
    throw new FieldError(`expected a ${type.localName} name (a string), got ${describe(raw)}`);
  }
  return type.values.has(raw) ? raw : DROPPED;
}

const INT_RANGES: Partial<Record<ScalarType, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

// The same ranges as numbers, for safe integers. The 64-bit bounds round when converted
// (2^63 - 1 becomes 2^63), but only outward, past every safe integer, so comparing is still exact.
const SAFE_INT_RANGES: Partial<Record<ScalarType, readonly [number, number]>> = Object.fromEntries(
  Object.entries(INT_RANGES).map(([type, [min, max]]) => [type, [Number(min), Number(max)]]),
);

// Base64: quads, then an optional 2- or 3-character tail, padded or not. Checked by length
// rather than with a repeated-group regex, which overflows the regex stack on a few MB.
const BASE64_CHARS_RE = /^[A-Za-z0-9+/]*(={0,2})$/;

function isBase64(s: string): boolean {
  const m = BASE64_CHARS_RE.exec(s);
  if (!m) return false;
  const pad = m[1]!.length;
  const body = s.length - pad;
  return pad === 0 ? body % 4 !== 1 : body % 4 === 4 - pad;
}

/**
 * Valid base64 (see `isBase64`) in canonical padded form: what a decode and re-encode gives back.
 * Padded text is canonical already unless the character before the padding carries bits past
 * the last byte (`QR==` for `QQ==`); those forms and unpadded ones take the round trip.
 */
function canonicalBase64(s: string): string {
  if (s.length % 4 === 0) {
    if (!s.endsWith('=')) return s;
    // Base64 digits whose low 4 bits (before `==`) or low 2 bits (before `=`) are zero.
    if (s.endsWith('==') ? 'AQgw'.includes(s[s.length - 3]!) : 'AEIMQUYcgkosw048'.includes(s[s.length - 2]!)) return s;
  }
  return Buffer.from(s, 'base64').toString('base64');
}

function decodeScalar(type: ScalarType, raw: unknown): unknown {
  switch (type) {
    case 'string':
      if (typeof raw !== 'string') throw new FieldError(`expected a string, got ${describe(raw)}`);
      return raw;
    case 'bytes': {
      if (typeof raw !== 'string') throw new FieldError(`expected base64 bytes (a string), got ${describe(raw)}`);
      if (!isBase64(raw)) throw new FieldError('invalid base64');
      return canonicalBase64(raw);
    }
    case 'bool':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new FieldError(`expected a boolean, got ${describe(raw)}`);
    case 'double':
    case 'float':
      return decodeDouble(raw);
    default:
      return decodeInteger(type, raw);
  }
}

function decodeDouble(raw: unknown): number {
  let n: number;
  if (typeof raw === 'number') {
    // JSON.parse turns a literal too large for a double (1e400) into Infinity, as strtod does.
    n = raw;
  } else if (typeof raw === 'string') {
    if (raw === 'Infinity' || raw === 'inf') return Infinity;
    if (raw === '-Infinity' || raw === '-inf') return -Infinity;
    if (!isDecimal(raw)) throw new FieldError(`expected a number, got ${describe(raw)}`);
    n = Number(raw);
  } else {
    throw new FieldError(`expected a number, got ${describe(raw)}`);
  }
  return n;
}

function decodeInteger(type: ScalarType, raw: unknown): number {
  // Fast path, the usual case: a JSON number that is a safe integer, checked without BigInt.
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) {
    const [min, max] = SAFE_INT_RANGES[type]!;
    if (raw < min || raw > max) throw new FieldError(`integer out of range for ${type}`);
    return raw === 0 ? 0 : raw; // -0 reads as 0, as through BigInt
  }
  let big: bigint;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) throw new FieldError(`expected an integer, got ${describe(raw)}`);
    big = BigInt(raw);
  } else if (typeof raw === 'string') {
    if (isInteger(raw)) {
      // Over 20 significant digits is out of every range; BigInt() is superlinear on long input.
      if (significantDigits(raw) > 20) throw new FieldError(`integer out of range for ${type}`);
      big = BigInt(raw);
    } else if (isDecimal(raw) && Number.isInteger(Number(raw)) && Number.isFinite(Number(raw))) {
      big = BigInt(Number(raw)); // "1e3"
    } else {
      throw new FieldError(`expected an integer, got ${describe(raw)}`);
    }
  } else {
    throw new FieldError(`expected an integer, got ${describe(raw)}`);
  }
  const [min, max] = INT_RANGES[type]!;
  if (big < min || big > max) throw new FieldError(`integer out of range for ${type}`);
  // 64-bit integers beyond 2^53 lose precision in a JS number; Mesos's int64 fields are
  // nanosecond durations and byte counts, where that loss is harmless.
  return Number(big);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encodes a message as compact JSON text in Mesos's dialect. */
export function encode<K extends MessageName>(type: K, value: MessageTypes[K]): string {
  const plan = planOf(type);
  try {
    return writeMessage(plan, value as unknown, 0);
  } catch (err) {
    if (err instanceof FieldError) throw new MesosError('INTERNAL', `cannot encode ${type}${err.path}: ${err.what}`);
    throw err;
  }
}

/**
 * The JSON value Mesos would emit for `value` (defaults filled, unknown properties dropped),
 * for embedding a message in a larger hand-built document.
 */
export function encodeValue<K extends MessageName>(type: K, value: MessageTypes[K]): unknown {
  return JSON.parse(encode(type, value));
}

// Output is built by string concatenation, which V8 does without copying (rope strings,
// flattened once when the text is written out).
function writeMessage(plan: MessagePlan, value: unknown, depth: number): string {
  if (!isPlainObject(value)) throw new FieldError(`expected an object, got ${describe(value)}`);
  if (depth >= MAX_DEPTH) throw new FieldError(`nested deeper than ${MAX_DEPTH} levels`);
  const fields = plan.fields;
  let out = '{';
  let first = true;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      const v = Object.hasOwn(value, f.name) ? value[f.name] : undefined;
      let text: string;
      if (v === undefined || v === null) {
        if (!f.writesDefault) continue;
        text = f.defaultJson ?? writeValue(f, f.field.defaultValue, depth);
      } else if (f.mapKey !== undefined) {
        if (!isPlainObject(v)) throw new FieldError('expected an object for a map');
        text = writeMap(f, v, depth);
        if (text === '{}') continue;
      } else if (f.repeated) {
        if (!Array.isArray(v)) throw new FieldError('expected an array');
        if (v.length === 0) continue;
        text = writeList(f, v, depth);
      } else {
        text = writeValue(f, v, depth);
      }
      out += (first ? f.key : f.nextKey) + text;
      first = false;
    }
  } catch (err) {
    throw within(err, fields[i]!.segment);
  }
  return `${out}}`;
}

function writeList(f: FieldPlan, list: unknown[], depth: number): string {
  let out = '[';
  let i = 0;
  try {
    for (; i < list.length; i++) {
      if (i > 0) out += ',';
      const item = list[i];
      // A hole in a sparse array is written as nothing, as Array.prototype.map and join did.
      if (item === undefined && !(i in list)) continue;
      out += writeValue(f, item, depth);
    }
  } catch (err) {
    throw within(err, `[${i}]`);
  }
  return `${out}]`;
}

/** A map's entries as a JSON object: `{}` when it has none. */
function writeMap(f: FieldPlan, map: Record<string, unknown>, depth: number): string {
  let out = '{';
  for (const [key, item] of Object.entries(map)) {
    if (out.length > 1) out += ',';
    try {
      out += `${writeString(key)}:${writeValue(f, item, depth)}`;
    } catch (err) {
      throw within(err, `[${key}]`);
    }
  }
  return `${out}}`;
}

function writeValue(f: FieldPlan, value: unknown, depth: number): string {
  switch (f.kind) {
    case 'message':
      return writeMessage(messagePlan(f), value, depth + 1);
    case 'enum':
      if (typeof value !== 'string') throw new FieldError('expected an enum name');
      return writeString(value);
    case 'scalar':
      return writeScalar(f.scalar, value);
  }
}

function writeScalar(type: ScalarType, value: unknown): string {
  switch (type) {
    case 'string':
    case 'bytes':
      if (typeof value !== 'string') throw new FieldError('expected a string');
      return writeString(value);
    case 'bool':
      if (typeof value !== 'boolean') throw new FieldError('expected a boolean');
      return value ? 'true' : 'false';
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw new FieldError('expected a number');
      if (Number.isNaN(value)) throw new FieldError(NAN);
      return formatDouble(value);
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new FieldError('expected an integer');
      return formatInteger(value);
  }
}

const NAN = 'NaN has no JSON form that Mesos reads back';

/**
 * Doubles as Mesos writes them: the shortest form that reads back to the same value, with `.0`
 * on integral values. Worked examples: 15 -> "15.0", 0.1 -> "0.1", 1e21 -> "1e21",
 * -0 -> "-0.0", Infinity -> "\"Infinity\"". NaN throws an INTERNAL MesosError (see the header).
 */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) throw new MesosError('INTERNAL', `cannot encode a double: ${NAN}`);
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  if (Number.isInteger(n)) {
    if (Object.is(n, -0)) return '-0.0';
    // String() switches to exponent form (`1e+21`) at 1e21; below that an integral value has no
    // exponent and gets `.0`.
    return n < 1e21 && n > -1e21 ? `${n}.0` : String(n).replace('e+', 'e');
  }
  // Not integral, so below 2^53 in magnitude: no `e+` exponent to rewrite.
  return String(n);
}

function formatInteger(n: number): string {
  // String() would write 1e+21 for big values; BigInt gives every digit.
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

// JSON.stringify escapes quotes, backslashes, control characters and lone surrogates; we also
// escape everything outside ASCII so that naive RecordIO readers that count characters agree
// with the byte length prefix.
const NON_ASCII_RE = /[\u007f-\uffff]/g;
// A string without any character that either step escapes is written as it is, in quotes: most
// strings (ids, names, enum names), and much faster than both steps.
const NEEDS_ESCAPE_RE = /["\\\u0000-\u001f\u007f-\uffff]/;

export function writeString(s: string): string {
  if (!NEEDS_ESCAPE_RE.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(NON_ASCII_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

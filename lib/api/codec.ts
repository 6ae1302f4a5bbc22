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

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
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
  return decodeMessage(schema.message(type), json, '', 0) as unknown as MessageTypes[K];
}

/** Parses JSON text and decodes it into the message `type`. */
export function decodeText<K extends MessageName>(type: K, text: string): MessageTypes[K] {
  return decode(type, parseJson(text));
}

function decodeMessage(type: MessageType, json: unknown, path: string, depth: number): Record<string, unknown> {
  if (!isPlainObject(json)) throw invalid(path, `expected an object for ${type.localName}, got ${describe(json)}`);
  if (depth >= MAX_DEPTH) throw invalid(path, `messages nested deeper than ${MAX_DEPTH} levels`);
  const out: Record<string, unknown> = {};
  for (const field of type.fields) {
    const raw = Object.hasOwn(json, field.name) ? json[field.name] : undefined;
    const fieldPath = join(path, field.name);
    if (raw === undefined || raw === null) {
      if (field.label === 'required') throw invalid(fieldPath, 'required');
      continue;
    }
    if (field.mapKey !== undefined) {
      const map = decodeMap(field, raw, fieldPath, depth);
      if (Object.keys(map).length > 0) out[field.name] = map;
    } else if (field.label === 'repeated') {
      const list = decodeRepeated(field, raw, fieldPath, depth);
      if (list.length > 0) out[field.name] = list;
    } else {
      if (Array.isArray(raw)) throw invalid(fieldPath, 'expected a single value, got an array');
      const value = decodeValue(field, raw, fieldPath, depth);
      if (value === DROPPED) {
        if (field.label === 'required') throw invalid(fieldPath, `unknown enum value ${JSON.stringify(truncate(String(raw)))}`);
        continue;
      }
      out[field.name] = value;
    }
  }
  return out;
}

function decodeRepeated(field: Field, raw: unknown, path: string, depth: number): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  for (const item of flattenElements(raw)) {
    const itemPath = `${path}[${i++}]`;
    const value = decodeValue(field, item, itemPath, depth);
    if (value !== DROPPED) out.push(value);
  }
  return out;
}

/**
 * The elements of a repeated field as Mesos's parser sees them: a single value is a one-element
 * list, nested arrays are flattened, and null elements are skipped (clients send nulls for
 * absent values everywhere). Iterative, so hostile nesting cannot exhaust the stack.
 */
function* flattenElements(raw: unknown): Generator<unknown> {
  if (!Array.isArray(raw)) {
    yield raw;
    return;
  }
  const stack: { list: unknown[]; next: number }[] = [{ list: raw, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.list.length) {
      stack.pop();
      continue;
    }
    const item = top.list[top.next++];
    if (Array.isArray(item)) stack.push({ list: item, next: 0 });
    else if (item !== null && item !== undefined) yield item;
  }
}

function decodeMap(field: Field, raw: unknown, path: string, depth: number): Record<string, unknown> {
  if (!isPlainObject(raw)) throw invalid(path, `expected an object for a map, got ${describe(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(raw)) {
    const itemPath = `${path}[${JSON.stringify(truncate(key))}]`;
    // Map keys are strings in JSON; a numeric or bool key must parse as its key type.
    decodeScalar(field.mapKey!, key, itemPath);
    // A null map value means the entry is unset, as a null field does.
    if (item === null || item === undefined) continue;
    const value = decodeValue(field, item, itemPath, depth);
    if (value !== DROPPED) setOwn(out, key, value);
  }
  return out;
}

const DROPPED = Symbol('dropped');

function decodeValue(field: Field, raw: unknown, path: string, depth: number): unknown {
  switch (field.type.kind) {
    case 'message':
      return decodeMessage(schema.message(field.type.name), raw, path, depth + 1);
    case 'enum':
      return decodeEnum(schema.enumType(field.type.name), raw, path);
    case 'scalar':
      return decodeScalar(field.type.scalar, raw, path);
  }
}

function decodeEnum(type: EnumType, raw: unknown, path: string): string | typeof DROPPED {
  if (typeof raw !== 'string') {
    throw invalid(path, `expected a ${type.localName} name (a string), got ${describe(raw)}`);
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

function decodeScalar(type: ScalarType, raw: unknown, path: string): unknown {
  switch (type) {
    case 'string':
      if (typeof raw !== 'string') throw invalid(path, `expected a string, got ${describe(raw)}`);
      return raw;
    case 'bytes': {
      if (typeof raw !== 'string') throw invalid(path, `expected base64 bytes (a string), got ${describe(raw)}`);
      if (!isBase64(raw)) throw invalid(path, 'invalid base64');
      return Buffer.from(raw, 'base64').toString('base64');
    }
    case 'bool':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw invalid(path, `expected a boolean, got ${describe(raw)}`);
    case 'double':
    case 'float':
      return decodeDouble(raw, path);
    default:
      return decodeInteger(type, raw, path);
  }
}

function decodeDouble(raw: unknown, path: string): number {
  let n: number;
  if (typeof raw === 'number') {
    // JSON.parse turns a literal too large for a double (1e400) into Infinity, as strtod does.
    n = raw;
  } else if (typeof raw === 'string') {
    if (raw === 'Infinity' || raw === 'inf') return Infinity;
    if (raw === '-Infinity' || raw === '-inf') return -Infinity;
    if (!isDecimal(raw)) throw invalid(path, `expected a number, got ${describe(raw)}`);
    n = Number(raw);
  } else {
    throw invalid(path, `expected a number, got ${describe(raw)}`);
  }
  return n;
}

function decodeInteger(type: ScalarType, raw: unknown, path: string): number {
  let big: bigint;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) throw invalid(path, `expected an integer, got ${describe(raw)}`);
    big = BigInt(raw);
  } else if (typeof raw === 'string') {
    if (isInteger(raw)) {
      // Over 20 significant digits is out of every range; BigInt() is superlinear on long input.
      if (significantDigits(raw) > 20) throw invalid(path, `integer out of range for ${type}`);
      big = BigInt(raw);
    } else if (isDecimal(raw) && Number.isInteger(Number(raw)) && Number.isFinite(Number(raw))) {
      big = BigInt(Number(raw)); // "1e3"
    } else {
      throw invalid(path, `expected an integer, got ${describe(raw)}`);
    }
  } else {
    throw invalid(path, `expected an integer, got ${describe(raw)}`);
  }
  const [min, max] = INT_RANGES[type]!;
  if (big < min || big > max) throw invalid(path, `integer out of range for ${type}`);
  // 64-bit integers beyond 2^53 lose precision in a JS number; Mesos's int64 fields are
  // nanosecond durations and byte counts, where that loss is harmless.
  return Number(big);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encodes a message as compact JSON text in Mesos's dialect. */
export function encode<K extends MessageName>(type: K, value: MessageTypes[K]): string {
  return writeMessage(schema.message(type), value as unknown, type, 0);
}

/**
 * The JSON value Mesos would emit for `value` (defaults filled, unknown properties dropped),
 * for embedding a message in a larger hand-built document.
 */
export function encodeValue<K extends MessageName>(type: K, value: MessageTypes[K]): unknown {
  return JSON.parse(encode(type, value));
}

function writeMessage(type: MessageType, value: unknown, path: string, depth: number): string {
  if (!isPlainObject(value)) throw new MesosError('INTERNAL', `cannot encode ${path}: expected an object, got ${describe(value)}`);
  if (depth >= MAX_DEPTH) throw new MesosError('INTERNAL', `cannot encode ${path}: nested deeper than ${MAX_DEPTH} levels`);
  const parts: string[] = [];
  for (const field of type.fields) {
    const v = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
    const fieldPath = `${path}.${field.name}`;
    if (v === undefined || v === null) {
      if (field.defaultValue !== undefined && !field.deprecated && field.label === 'optional') {
        parts.push(`${writeString(field.name)}:${writeSingle(field, field.defaultValue, fieldPath, depth)}`);
      }
      continue;
    }
    if (field.mapKey !== undefined) {
      if (!isPlainObject(v)) throw new MesosError('INTERNAL', `cannot encode ${fieldPath}: expected an object for a map`);
      const entries = Object.entries(v);
      if (entries.length === 0) continue;
      const items = entries.map(([k, item]) => `${writeString(k)}:${writeSingle(field, item, `${fieldPath}[${k}]`, depth)}`);
      parts.push(`${writeString(field.name)}:{${items.join(',')}}`);
    } else if (field.label === 'repeated') {
      if (!Array.isArray(v)) throw new MesosError('INTERNAL', `cannot encode ${fieldPath}: expected an array`);
      if (v.length === 0) continue;
      const items = v.map((item: unknown, i) => writeSingle(field, item, `${fieldPath}[${i}]`, depth));
      parts.push(`${writeString(field.name)}:[${items.join(',')}]`);
    } else {
      parts.push(`${writeString(field.name)}:${writeSingle(field, v, fieldPath, depth)}`);
    }
  }
  return `{${parts.join(',')}}`;
}

function writeSingle(field: Field, value: unknown, path: string, depth: number): string {
  switch (field.type.kind) {
    case 'message':
      return writeMessage(schema.message(field.type.name), value, path, depth + 1);
    case 'enum':
      if (typeof value !== 'string') throw new MesosError('INTERNAL', `cannot encode ${path}: expected an enum name`);
      return writeString(value);
    case 'scalar':
      return writeScalar(field.type.scalar, value, path);
  }
}

function writeScalar(type: ScalarType, value: unknown, path: string): string {
  switch (type) {
    case 'string':
    case 'bytes':
      if (typeof value !== 'string') throw new MesosError('INTERNAL', `cannot encode ${path}: expected a string`);
      return writeString(value);
    case 'bool':
      if (typeof value !== 'boolean') throw new MesosError('INTERNAL', `cannot encode ${path}: expected a boolean`);
      return value ? 'true' : 'false';
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw new MesosError('INTERNAL', `cannot encode ${path}: expected a number`);
      if (Number.isNaN(value)) throw nanError(path);
      return formatDouble(value);
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new MesosError('INTERNAL', `cannot encode ${path}: expected an integer`);
      }
      return formatInteger(value);
  }
}

function nanError(path: string): MesosError {
  return new MesosError('INTERNAL', `cannot encode ${path}: NaN has no JSON form that Mesos reads back`);
}

/**
 * Doubles as Mesos writes them: the shortest form that reads back to the same value, with `.0`
 * on integral values. Worked examples: 15 -> "15.0", 0.1 -> "0.1", 1e21 -> "1e21",
 * -0 -> "-0.0", Infinity -> "\"Infinity\"". NaN throws an INTERNAL MesosError (see the header).
 */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) throw nanError('a double');
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n).replace('e+', 'e');
  return Number.isInteger(n) && !s.includes('e') ? `${s}.0` : s;
}

function formatInteger(n: number): string {
  // String() would write 1e+21 for big values; BigInt gives every digit.
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

// JSON.stringify escapes quotes, backslashes, control characters and lone surrogates; we also
// escape everything outside ASCII so that naive RecordIO readers that count characters agree
// with the byte length prefix.
const NON_ASCII_RE = /[\u007f-\uffff]/g;

export function writeString(s: string): string {
  return JSON.stringify(s).replace(NON_ASCII_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

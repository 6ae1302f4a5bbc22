// fast-check arbitraries for VALID Mesos messages in their in-memory (decoded) form, built by
// walking the schema in lib/api/schema, plus the helpers the codec property tests need:
//
//   - arbitraryMessage(type): required fields always present, a random subset of optional ones,
//     enums drawn from their names, bytes as canonical base64 of random bytes, integers inside
//     their proto ranges (64-bit ones inside the JS safe range: the codec keeps them as numbers),
//     finite doubles, maps with ordinary keys. Message nesting is limited; past the limit only
//     required fields are generated.
//   - withDefaults(type, value): what decoding the encoding of `value` gives back: unset optional
//     fields with a non-deprecated default filled in, empty repeated and map fields removed.
//   - lenientForm(type, json, seed): the same JSON written the sloppy ways Mesos accepts (numbers
//     and booleans as strings, a one-element list as its only element, explicit nulls for unset
//     fields, unknown keys), for checking that the decoder reads them all the same.

import fc from 'fast-check';
import { schema } from '../../lib/api/schema/index.ts';
import type { Field, MessageType, ScalarType } from '../../lib/api/schema/index.ts';
import { prng } from '../../lib/common/random.ts';

export type JsonMessage = Record<string, unknown>;

export interface MessageArbitraryOptions {
  /** Message nesting past which only required fields are generated. Default 3. */
  readonly maxDepth?: number;
  /** Longest repeated field and largest map. Default 2. */
  readonly maxItems?: number;
}

const INT_BOUNDS: Partial<Record<ScalarType, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
  // 64-bit integers are JS numbers in memory: stay where they are exact.
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sfixed64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  fixed64: [0, Number.MAX_SAFE_INTEGER],
};

// Strings: printable ASCII, any code point (astral ones as surrogate pairs), and the awkward
// cases: lone surrogates, quotes, backslashes, control characters, U+2028, DEL.
const stringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom('\ud800', '\udfff', '"', '\\', '\n', '\u0000', '\u2028', '\u007f', 'é', '😀', 'a'),
    maxLength: 5,
  }),
);

// Map keys: any string except "__proto__" (the codec keeps that one an own property, but a
// deep-equality check cannot tell an own "__proto__" from the prototype; the unit tests cover it).
const mapKeyArb: fc.Arbitrary<string> = stringArb.filter((k) => k !== '__proto__');

const doubleArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, -0, 0.1, 0.5, 15, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 2 ** 53),
);

function scalarArb(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArb;
    case 'bytes':
      return fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('base64'));
    case 'bool':
      return fc.boolean();
    case 'double':
    case 'float':
      return doubleArb;
    default: {
      const [min, max] = INT_BOUNDS[type]!;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, 0));
    }
  }
}

class Builder {
  private readonly memo = new Map<string, fc.Arbitrary<JsonMessage>>();
  private readonly building = new Set<string>();

  private readonly maxDepth: number;
  private readonly maxItems: number;

  constructor(maxDepth: number, maxItems: number) {
    this.maxDepth = maxDepth;
    this.maxItems = maxItems;
  }

  message(type: MessageType, depth: number): fc.Arbitrary<JsonMessage> {
    const level = Math.min(depth, this.maxDepth);
    const key = `${type.fullName}@${level}`;
    const known = this.memo.get(key);
    if (known) return known;
    if (this.building.has(key)) throw new Error(`${type.fullName}: required fields form a cycle`);
    this.building.add(key);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const field of type.fields) {
      // Past the depth limit, optional fields that nest messages are left out.
      if (field.label !== 'required' && level >= this.maxDepth && field.type.kind === 'message') continue;
      model[field.name] = this.field(field, depth);
      if (field.label === 'required') requiredKeys.push(field.name);
    }
    const arb = fc.record(model, { requiredKeys, noNullPrototype: true }) as fc.Arbitrary<JsonMessage>;
    this.building.delete(key);
    this.memo.set(key, arb);
    return arb;
  }

  private field(field: Field, depth: number): fc.Arbitrary<unknown> {
    const single = this.single(field, depth);
    if (field.mapKey !== undefined) {
      return fc.dictionary(mapKeyArb, single, { maxKeys: this.maxItems, noNullPrototype: true });
    }
    if (field.label === 'repeated') return fc.array(single, { maxLength: this.maxItems });
    return single;
  }

  private single(field: Field, depth: number): fc.Arbitrary<unknown> {
    switch (field.type.kind) {
      case 'message':
        return this.message(schema.message(field.type.name), depth + 1);
      case 'enum':
        return fc.constantFrom(...schema.enumType(field.type.name).names);
      case 'scalar':
        return scalarArb(field.type.scalar);
    }
  }
}

const builders = new Map<string, Builder>();

/** An arbitrary of valid messages of the type `fullName` (e.g. 'mesos.v1.TaskInfo'). */
export function arbitraryMessage(fullName: string, options: MessageArbitraryOptions = {}): fc.Arbitrary<JsonMessage> {
  const maxDepth = options.maxDepth ?? 3;
  const maxItems = options.maxItems ?? 2;
  const key = `${maxDepth}/${maxItems}`;
  let builder = builders.get(key);
  if (!builder) {
    builder = new Builder(maxDepth, maxItems);
    builders.set(key, builder);
  }
  return builder.message(schema.message(fullName), 0);
}

/** Every message type's full name, in schema order. */
export function allMessageNames(): string[] {
  const out: string[] = [];
  for (const t of schema.all()) if (t.kind === 'message') out.push(t.fullName);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What the codec's decoder gives back for the encoding of `value`: non-deprecated defaults of
 * unset optional fields filled in, empty repeated and map fields dropped.
 */
export function withDefaults(fullName: string, value: JsonMessage): JsonMessage {
  const type = schema.message(fullName);
  const out: JsonMessage = {};
  for (const field of type.fields) {
    const v = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
    if (v === undefined || v === null) {
      if (field.label === 'optional' && field.defaultValue !== undefined && !field.deprecated) {
        out[field.name] = field.defaultValue;
      }
      continue;
    }
    const one = (item: unknown): unknown =>
      field.type.kind === 'message' ? withDefaults(field.type.name, item as JsonMessage) : item;
    if (field.mapKey !== undefined) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > 0) out[field.name] = Object.fromEntries(entries.map(([k, item]) => [k, one(item)]));
    } else if (field.label === 'repeated') {
      const items = v as unknown[];
      if (items.length > 0) out[field.name] = items.map(one);
    } else {
      out[field.name] = one(v);
    }
  }
  return out;
}


const JUNK: readonly unknown[] = [null, 1, 'x', true, [], {}, [[{ a: [null] }]], { type: 'NOT_A_TYPE', value: [1, 2] }];

/**
 * Rewrites `json` (a message of type `fullName` as the encoder writes it) in forms Mesos's
 * parser also accepts: numbers and booleans as strings, a one-element list as its element,
 * `null` for unset fields, extra unknown keys, keys in another order.
 */
export function lenientForm(fullName: string, json: unknown, seed: number): unknown {
  const rand = prng(seed);
  const coin = (): boolean => rand() < 0.5;

  const scalar = (v: unknown): unknown => {
    if ((typeof v === 'number' || typeof v === 'boolean') && coin()) return String(v);
    return v;
  };

  const message = (type: MessageType, obj: Record<string, unknown>): Record<string, unknown> => {
    const entries: [string, unknown][] = [];
    for (const field of type.fields) {
      if (!Object.hasOwn(obj, field.name)) {
        if (coin()) entries.push([field.name, null]);
        continue;
      }
      const v = obj[field.name];
      const one = (item: unknown): unknown =>
        field.type.kind === 'message' ? message(schema.message(field.type.name), item as Record<string, unknown>) : scalar(item);
      if (field.mapKey !== undefined) {
        entries.push([field.name, Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, item]) => [k, one(item)]))]);
      } else if (field.label === 'repeated') {
        const items = (v as unknown[]).map(one);
        entries.push([field.name, items.length === 1 && coin() ? items[0] : items]);
      } else {
        entries.push([field.name, one(v)]);
      }
    }
    if (coin()) entries.push([`unknown_${Math.floor(rand() * 1000)}`, JUNK[Math.floor(rand() * JUNK.length)]]);
    if (coin()) entries.reverse();
    return Object.fromEntries(entries);
  };

  if (!isObject(json)) throw new Error('lenientForm: expected an object');
  return message(schema.message(fullName), json);
}

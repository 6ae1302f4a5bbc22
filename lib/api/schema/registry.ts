// The resolved schema: every message and enum of every package, with field types resolved to
// their full names. Built once from the DSL declarations (dsl.ts); the codec and the type
// generator both read it.

import { isEnumDecl, type FieldLabel, type PackageDecl } from './dsl.ts';

export const SCALAR_TYPES = [
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

const SCALARS: ReadonlySet<string> = new Set(SCALAR_TYPES);

export function isScalarType(t: string): t is ScalarType {
  return SCALARS.has(t);
}

/** A field's type: a scalar, or the full name of a message or an enum. */
export type FieldType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType }
  | { readonly kind: 'message'; readonly name: string }
  | { readonly kind: 'enum'; readonly name: string };

export interface Field {
  readonly name: string;
  readonly number: number;
  /** Map fields have label 'repeated' and a `mapKey`. */
  readonly label: FieldLabel;
  readonly type: FieldType;
  readonly mapKey?: ScalarType;
  /** The explicit `[default = ...]`, already converted to the field's JSON value. */
  readonly defaultValue?: string | number | boolean;
  readonly deprecated: boolean;
}

export interface MessageType {
  readonly kind: 'message';
  /** Full name, e.g. `mesos.v1.FrameworkInfo.Capability`. */
  readonly fullName: string;
  readonly package: string;
  /** Name inside its package, e.g. `FrameworkInfo.Capability`. */
  readonly localName: string;
  /** Fields in declaration order: the order the JSON encoder emits them in. */
  readonly fields: readonly Field[];
  readonly byName: ReadonlyMap<string, Field>;
}

export interface EnumType {
  readonly kind: 'enum';
  readonly fullName: string;
  readonly package: string;
  readonly localName: string;
  readonly values: ReadonlyMap<string, number>;
  /** Value names in declaration order. */
  readonly names: readonly string[];
}

export type NamedType = MessageType | EnumType;

export class SchemaError extends Error {
  override name = 'SchemaError';
}

// `required string user = 1 [default = "x", deprecated]`, `map<string, Value.Scalar> limits = 20`.
const FIELD_RE =
  /^\s*(?:(required|optional|repeated)\s+([A-Za-z_][\w.]*)|map\s*<\s*(\w+)\s*,\s*([A-Za-z_][\w.]*)\s*>)\s+([A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:\[(.*)\])?\s*;?\s*$/;
const ENUM_VALUE_RE = /^\s*([A-Za-z_]\w*)\s*=\s*(-?\d+)\s*;?\s*$/;

interface RawField {
  label: FieldLabel;
  typeName: string;
  mapKey?: string;
  name: string;
  number: number;
  options: string | undefined;
}

function parseFieldLine(line: string, where: string): RawField {
  const m = FIELD_RE.exec(line);
  if (!m) throw new SchemaError(`${where}: cannot parse field line '${line}'`);
  const [, label, type, mapKey, mapValue, name, num, options] = m;
  const number = Number(num);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new SchemaError(`${where}: field '${name}' has an invalid number ${num}`);
  }
  if (mapKey !== undefined) {
    return { label: 'repeated', typeName: mapValue!, mapKey, name: name!, number, options };
  }
  return { label: label as FieldLabel, typeName: type!, name: name!, number, options };
}

interface FieldOptions {
  defaultText?: string;
  deprecated: boolean;
}

function parseOptions(text: string | undefined, where: string): FieldOptions {
  const out: FieldOptions = { deprecated: false };
  if (text === undefined) return out;
  // Options are `default = <literal>` and `deprecated` (or `deprecated = true`), comma separated.
  // A string default may hold a comma, so split on commas outside quotes.
  const parts = text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    const def = /^default\s*=\s*(.+)$/.exec(part);
    if (def) {
      out.defaultText = def[1]!.trim();
    } else if (/^deprecated(\s*=\s*true)?$/.test(part)) {
      out.deprecated = true;
    } else if (/^packed\s*=/.test(part)) {
      // Wire-format only; irrelevant to JSON.
    } else {
      throw new SchemaError(`${where}: unknown field option '${part}'`);
    }
  }
  return out;
}

export class Registry {
  private readonly types = new Map<string, NamedType>();
  /** With `lenient`, unresolved type references are collected here instead of thrown. */
  readonly unresolved: string[] = [];
  private readonly lenient: boolean;

  constructor(packages: readonly PackageDecl[], options: { lenient?: boolean } = {}) {
    this.lenient = options.lenient ?? false;
    const pending: { pkg: string; local: string; fields: RawField[] }[] = [];
    for (const decl of packages) {
      for (const [local, body] of Object.entries(decl.types)) {
        const fullName = `${decl.package}.${local}`;
        if (this.types.has(fullName)) throw new SchemaError(`${fullName}: declared twice`);
        if (isEnumDecl(body)) {
          this.types.set(fullName, buildEnum(decl.package, local, body.enum));
        } else {
          const fields = body.map((line) => parseFieldLine(line, fullName));
          // Placeholder until types resolve, so scoping can see every name first.
          this.types.set(fullName, {
            kind: 'message', fullName, package: decl.package, localName: local, fields: [], byName: new Map(),
          });
          pending.push({ pkg: decl.package, local, fields });
        }
      }
    }
    for (const { pkg, local, fields } of pending) {
      const fullName = `${pkg}.${local}`;
      const resolved = fields.map((f) => this.resolveField(pkg, local, f));
      const byName = new Map<string, Field>();
      const numbers = new Set<number>();
      for (const f of resolved) {
        if (byName.has(f.name)) throw new SchemaError(`${fullName}: field '${f.name}' declared twice`);
        if (numbers.has(f.number)) throw new SchemaError(`${fullName}: field number ${f.number} used twice`);
        byName.set(f.name, f);
        numbers.add(f.number);
      }
      this.types.set(fullName, {
        kind: 'message', fullName, package: pkg, localName: local, fields: resolved, byName,
      });
    }
  }

  /** Every named type, in declaration order. */
  all(): IterableIterator<NamedType> {
    return this.types.values();
  }

  has(fullName: string): boolean {
    return this.types.has(fullName);
  }

  message(fullName: string): MessageType {
    const t = this.types.get(fullName);
    if (!t || t.kind !== 'message') throw new SchemaError(`unknown message type '${fullName}'`);
    return t;
  }

  enumType(fullName: string): EnumType {
    const t = this.types.get(fullName);
    if (!t || t.kind !== 'enum') throw new SchemaError(`unknown enum type '${fullName}'`);
    return t;
  }

  /**
   * Proto scoping: `Type` used inside `mesos.v1.FrameworkInfo.Capability` is looked up as
   * `mesos.v1.FrameworkInfo.Capability.Type`, then `mesos.v1.FrameworkInfo.Type`, then
   * `mesos.v1.Type`, then `mesos.Type`, then `Type`. A dotted reference resolves its first
   * component the same way.
   */
  private lookup(pkg: string, local: string, ref: string): NamedType | undefined {
    const scope = `${pkg}.${local}`.split('.');
    for (let i = scope.length; i >= 0; i--) {
      const candidate = [...scope.slice(0, i), ref].join('.');
      const t = this.types.get(candidate);
      if (t) return t;
    }
    return undefined;
  }

  private resolveField(pkg: string, local: string, raw: RawField): Field {
    const where = `${pkg}.${local}.${raw.name}`;
    const opts = parseOptions(raw.options, where);
    let type: FieldType;
    if (isScalarType(raw.typeName)) {
      type = { kind: 'scalar', scalar: raw.typeName };
    } else {
      const t = this.lookup(pkg, local, raw.typeName);
      if (!t) {
        if (!this.lenient) throw new SchemaError(`${where}: unknown type '${raw.typeName}'`);
        this.unresolved.push(`${where}: unknown type '${raw.typeName}'`);
        return { name: raw.name, number: raw.number, label: raw.label, type: { kind: 'scalar', scalar: 'bytes' }, deprecated: opts.deprecated };
      }
      type = t.kind === 'enum' ? { kind: 'enum', name: t.fullName } : { kind: 'message', name: t.fullName };
    }
    let mapKey: ScalarType | undefined;
    if (raw.mapKey !== undefined) {
      if (!isScalarType(raw.mapKey) || raw.mapKey === 'double' || raw.mapKey === 'float' || raw.mapKey === 'bytes') {
        throw new SchemaError(`${where}: invalid map key type '${raw.mapKey}'`);
      }
      mapKey = raw.mapKey;
    }
    const field: Field = {
      name: raw.name,
      number: raw.number,
      label: raw.label,
      type,
      deprecated: opts.deprecated,
      ...(mapKey !== undefined ? { mapKey } : {}),
      ...(opts.defaultText !== undefined ? { defaultValue: this.defaultValue(type, opts.defaultText, where) } : {}),
    };
    if (field.defaultValue !== undefined && raw.label !== 'optional') {
      throw new SchemaError(`${where}: only optional fields may have a default`);
    }
    return field;
  }

  private defaultValue(type: FieldType, text: string, where: string): string | number | boolean {
    if (type.kind === 'message') throw new SchemaError(`${where}: a message field cannot have a default`);
    if (type.kind === 'enum') {
      const e = this.types.get(type.name) as EnumType;
      if (!e.values.has(text)) throw new SchemaError(`${where}: default '${text}' is not a value of ${type.name}`);
      return text;
    }
    switch (type.scalar) {
      case 'string':
      case 'bytes': {
        const m = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
        if (!m) throw new SchemaError(`${where}: string default must be quoted`);
        return JSON.parse(`"${m[1]}"`) as string;
      }
      case 'bool':
        if (text !== 'true' && text !== 'false') throw new SchemaError(`${where}: bad bool default '${text}'`);
        return text === 'true';
      default: {
        const n = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
        if (Number.isNaN(n)) throw new SchemaError(`${where}: bad numeric default '${text}'`);
        return n;
      }
    }
  }
}

function buildEnum(pkg: string, local: string, lines: readonly string[]): EnumType {
  const fullName = `${pkg}.${local}`;
  const values = new Map<string, number>();
  for (const line of lines) {
    const m = ENUM_VALUE_RE.exec(line);
    if (!m) throw new SchemaError(`${fullName}: cannot parse enum value '${line}'`);
    if (values.has(m[1]!)) throw new SchemaError(`${fullName}: value '${m[1]}' declared twice`);
    values.set(m[1]!, Number(m[2]));
  }
  if (values.size === 0) throw new SchemaError(`${fullName}: an enum needs at least one value`);
  return { kind: 'enum', fullName, package: pkg, localName: local, values, names: [...values.keys()] };
}

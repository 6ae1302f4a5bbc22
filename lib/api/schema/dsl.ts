// The schema DSL: how mesos-ts declares the Mesos v1 messages it speaks.
//
// Mesos defines its APIs in proto2. We do not ship Mesos's .proto files; we declare the facts the
// wire formats depend on (field names, numbers, types, labels, defaults, deprecation, declaration
// order) in this compact form, and everything else is derived from it: the JSON dialect codec
// (lib/api/codec.ts) walks it, and the types in lib/types are generated from it
// (`npm run gen:types`).
//
// A package is a map from a message or enum name (dotted for nesting, as in proto:
// `FrameworkInfo.Capability.Type`) to its declaration:
//
//   - a message is an array of field lines, in Mesos's declaration order (the JSON encoder emits
//     fields in this order):
//       'required string user = 1'
//       'optional double failover_timeout = 4 [default = 0]'
//       'optional string role = 6 [default = "*", deprecated]'
//       'repeated Capability capabilities = 10'
//       'map<string, Value.Scalar> limits = 20'
//     Type names resolve as in proto: first inside the message's own scope, then outward, then as
//     a full name (`mesos.v1.Resource`). Scalar types: double float int32 int64 uint32 uint64
//     sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes.
//   - an enum is `{ enum: ['UNKNOWN = 0', 'REVOCABLE_RESOURCES = 1', ...] }`.
//
// An empty message is `[]`.

export type FieldLabel = 'required' | 'optional' | 'repeated';

export interface EnumDecl {
  readonly enum: readonly string[];
}

export type MessageDecl = readonly string[];

export type Decl = MessageDecl | EnumDecl;

export interface PackageDecl {
  /** The proto package, e.g. `mesos.v1` or `mesos.v1.scheduler`. */
  readonly package: string;
  readonly types: Readonly<Record<string, Decl>>;
}

/** Declares one proto package; several files may declare parts of the same package. */
export function proto(pkg: string, types: Record<string, Decl>): PackageDecl {
  return { package: pkg, types };
}

export function isEnumDecl(decl: Decl): decl is EnumDecl {
  return !Array.isArray(decl);
}

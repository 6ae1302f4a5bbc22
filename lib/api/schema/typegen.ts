// Generates the type-only modules in lib/types from the schema (`npm run gen:types`). A test
// regenerates them in memory and fails if the committed files differ, so the types can never
// drift from what the codec accepts.
//
// Shape of the output, for package mesos.v1 (lib/types/mesos.ts):
//   - each message becomes an interface with its proto field names; nested messages and enums
//     live in a namespace merged with it: `FrameworkInfo.Capability.Type`;
//   - enums become unions of their value names; int64 is `number`; bytes are base64 `string`;
//     maps are `Record<string, V>`; every field is optional except required ones;
//   - a message shaped like Mesos's Call and Event (an enum field `type` whose values name
//     sibling payload fields, e.g. SUBSCRIBED -> `subscribed`) also gets `<Message>.Typed`: a
//     discriminated union on `type` in which each variant's payload is present.
// References always go through the package's namespace import (`v1.Resource`) so that a nested
// name can never shadow another.

import type { Field, MessageType, NamedType, Registry } from './registry.ts';

export interface GeneratedFile {
  /** Path relative to lib/types. */
  readonly file: string;
  readonly text: string;
}

/** The lib/types file and import alias of each package. */
export function packageModule(pkg: string): { file: string; alias: string } {
  if (pkg === 'mesos.v1') return { file: 'mesos.ts', alias: 'v1' };
  const last = pkg.slice(pkg.lastIndexOf('.') + 1);
  return { file: `${last.replace(/_/g, '-')}.ts`, alias: last };
}

interface Node {
  name: string;
  type?: NamedType;
  children: Map<string, Node>;
}

export function generateTypes(registry: Registry): GeneratedFile[] {
  const byPackage = new Map<string, NamedType[]>();
  for (const t of registry.all()) {
    const list = byPackage.get(t.package) ?? [];
    list.push(t);
    byPackage.set(t.package, list);
  }
  const files: GeneratedFile[] = [];
  for (const [pkg, types] of byPackage) files.push(generatePackage(registry, pkg, types));
  files.push(generateRegistry(registry, [...byPackage.keys()]));
  return files;
}

function generatePackage(registry: Registry, pkg: string, types: NamedType[]): GeneratedFile {
  const { file, alias } = packageModule(pkg);
  // Build the nesting tree from dotted local names.
  const root: Node = { name: '', children: new Map() };
  for (const t of types) {
    let node = root;
    for (const part of t.localName.split('.')) {
      let child = node.children.get(part);
      if (!child) {
        child = { name: part, children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.type = t;
  }
  const imports = new Set<string>([pkg]);
  const out: string[] = [];
  for (const node of root.children.values()) emitNode(registry, node, pkg, imports, out, '');
  const header = [
    '// Generated from lib/api/schema by `npm run gen:types`. Do not edit.',
    `// Package ${pkg}: Mesos v1 messages with Mesos's field names. Type-only.`,
    '',
    ...[...imports].sort().map((p) => {
      const m = packageModule(p);
      return `import type * as ${m.alias} from './${m.file}';`;
    }),
    '',
  ];
  void alias;
  return { file, text: `${[...header, ...out].join('\n').trimEnd()}\n` };
}

function emitNode(registry: Registry, node: Node, pkg: string, imports: Set<string>, out: string[], indent: string): void {
  const t = node.type;
  if (t?.kind === 'enum') {
    out.push(`${indent}export type ${node.name} =`);
    t.names.forEach((n, i) => out.push(`${indent}  | '${n}'${i === t.names.length - 1 ? ';' : ''}`));
  } else if (t?.kind === 'message') {
    if (t.fields.length === 0) {
      out.push(`${indent}export interface ${node.name} {}`);
    } else {
      out.push(`${indent}export interface ${node.name} {`);
      for (const f of t.fields) out.push(`${indent}  ${fieldDecl(registry, f, imports)};`);
      out.push(`${indent}}`);
    }
  }
  const typed = t?.kind === 'message' ? typedUnion(registry, t, imports, `${indent}  `) : undefined;
  if (node.children.size > 0 || typed) {
    out.push(`${indent}export namespace ${node.name} {`);
    for (const child of node.children.values()) emitNode(registry, child, pkg, imports, out, `${indent}  `);
    if (typed) out.push(...typed);
    out.push(`${indent}}`);
  }
  if (indent === '') out.push('');
}

function fieldDecl(registry: Registry, f: Field, imports: Set<string>): string {
  const opt = f.label === 'required' ? '' : '?';
  const deprecated = f.deprecated ? '/** @deprecated */ ' : '';
  return `${deprecated}${f.name}${opt}: ${fieldTypeExpr(registry, f, imports)}`;
}

function fieldTypeExpr(registry: Registry, f: Field, imports: Set<string>): string {
  const single = singleTypeExpr(registry, f, imports);
  if (f.mapKey !== undefined) return `Record<string, ${single}>`;
  if (f.label === 'repeated') return single.includes('|') ? `(${single})[]` : `${single}[]`;
  return single;
}

function singleTypeExpr(registry: Registry, f: Field, imports: Set<string>): string {
  const t = f.type;
  if (t.kind === 'scalar') {
    switch (t.scalar) {
      case 'string':
        return 'string';
      case 'bytes':
        return 'string /* base64 */';
      case 'bool':
        return 'boolean';
      default:
        return 'number';
    }
  }
  const named = t.kind === 'message' ? registry.message(t.name) : registry.enumType(t.name);
  imports.add(named.package);
  return `${packageModule(named.package).alias}.${named.localName}`;
}

/**
 * `Call.Typed`: for each value V of the `type` enum with a sibling field named lower(V), a
 * variant `{ type: 'V'; v: Payload }` plus the message's other fields; values without a payload
 * field get a variant with just `type`. UNKNOWN is left out: it is never valid to act on.
 */
function typedUnion(registry: Registry, t: MessageType, imports: Set<string>, indent: string): string[] | undefined {
  const typeField = t.byName.get('type');
  if (!typeField || typeField.type.kind !== 'enum' || typeField.label === 'repeated') return undefined;
  const values = registry.enumType(typeField.type.name).names.filter((n) => n !== 'UNKNOWN');
  const payloadNames = new Set(values.map((v) => v.toLowerCase()));
  if (!values.some((v) => t.byName.has(v.toLowerCase()))) return undefined;
  const common = t.fields.filter((f) => f.name !== 'type' && !payloadNames.has(f.name));
  const commonDecl = common.map((f) => ` ${fieldDecl(registry, f, imports)};`).join('');
  const lines = [`${indent}/** ${t.localName} narrowed on \`type\`: each variant carries its payload. */`, `${indent}export type Typed =`];
  values.forEach((v, i) => {
    const payload = t.byName.get(v.toLowerCase());
    const payloadDecl = payload ? ` ${payload.name}: ${fieldTypeExpr(registry, payload, imports)};` : '';
    lines.push(`${indent}  | {${commonDecl} type: '${v}';${payloadDecl} }${i === values.length - 1 ? ';' : ''}`);
  });
  return lines;
}

function generateRegistry(registry: Registry, packages: string[]): GeneratedFile {
  const lines = [
    '// Generated from lib/api/schema by `npm run gen:types`. Do not edit.',
    '// Maps each message\'s full proto name to its type, for the codec\'s typed entry points.',
    '',
    ...packages.map((p) => {
      const m = packageModule(p);
      return `import type * as ${m.alias} from './${m.file}';`;
    }),
    '',
    'export interface MessageTypes {',
  ];
  for (const t of registry.all()) {
    if (t.kind !== 'message') continue;
    lines.push(`  '${t.fullName}': ${packageModule(t.package).alias}.${t.localName};`);
  }
  lines.push('}');
  return { file: 'registry.ts', text: `${lines.join('\n')}\n` };
}

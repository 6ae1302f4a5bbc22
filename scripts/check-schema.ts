// Loads the schema declarations and prints a summary, or the first error. Used while editing
// lib/api/schema/. With --lenient, references to types not declared yet are listed instead of
// failing (handy while several packages are being written).
import { PACKAGES } from '../lib/api/schema/packages.ts';
import { Registry } from '../lib/api/schema/registry.ts';

const lenient = process.argv.includes('--lenient');
const registry = new Registry(PACKAGES, { lenient });
let messages = 0;
let enums = 0;
const perPackage = new Map<string, number>();
for (const t of registry.all()) {
  if (t.kind === 'message') messages++;
  else enums++;
  perPackage.set(t.package, (perPackage.get(t.package) ?? 0) + 1);
}
console.log(`schema ok: ${messages} messages, ${enums} enums`);
for (const [pkg, n] of perPackage) console.log(`  ${pkg}: ${n} types`);
if (registry.unresolved.length > 0) {
  console.log(`${registry.unresolved.length} unresolved references:`);
  for (const u of registry.unresolved) console.log(`  ${u}`);
  process.exitCode = 1;
}

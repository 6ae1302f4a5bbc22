// Regenerates lib/types/*.ts from the schema in lib/api/schema. `--check` only reports whether
// the committed files are current (exit 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schema } from '../lib/api/schema/index.ts';
import { generateTypes } from '../lib/api/schema/typegen.ts';

const typesDir = fileURLToPath(new URL('../lib/types/', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const { file, text } of generateTypes(schema)) {
  const path = `${typesDir}${file}`;
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // Missing counts as stale.
  }
  if (current === text) continue;
  stale++;
  if (check) console.log(`stale: lib/types/${file}`);
  else {
    writeFileSync(path, text);
    console.log(`wrote lib/types/${file}`);
  }
}
if (check && stale > 0) process.exitCode = 1;

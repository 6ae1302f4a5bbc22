import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERRORS, MesosError, exitCode, httpStatus, type ErrorCode } from '../../../lib/common/errors.ts';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

function documentedRows(): Map<string, { status: number; exit: number; doc: string }> {
  const rows = new Map<string, { status: number; exit: number; doc: string }>();
  for (const m of doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d+) \| (\d+) \| (.*) \|$/gm)) {
    rows.set(m[1]!, { status: Number(m[2]), exit: Number(m[3]), doc: m[4]! });
  }
  return rows;
}

test('docs/errors.md documents every code with its status, exit code and text', () => {
  const rows = documentedRows();
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.equal(rows.get(code), { status: spec.status, exit: spec.exit, doc: spec.doc }, `docs/errors.md row for ${code}`);
  }
});

test('docs/errors.md documents no code that does not exist', () => {
  for (const code of documentedRows().keys()) assert.ok(Object.hasOwn(ERRORS, code), `${code} is documented but not registered`);
});

test('statuses are client or server errors and exit codes are non-zero', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.ok(spec.status >= 400 && spec.status < 600, `${code} status`);
    assert.ok(spec.exit > 0 && spec.exit < 126, `${code} exit code`);
  }
});

test('errors map to statuses and exit codes in one place, unknown errors are internal', () => {
  const err = new MesosError('INVALID_MESSAGE', 'x: required');
  assert.is(httpStatus(err), 400);
  assert.is(exitCode(err), 65);
  assert.is(httpStatus(new Error('boom')), 500);
  assert.is(exitCode(new Error('boom')), 70);
  assert.is(httpStatus(Object.assign(new Error('x'), { code: 'RECORDIO_TOO_LARGE' satisfies ErrorCode })), 413);
  assert.is(httpStatus(Object.assign(new Error('x'), { code: 'ENOENT' })), 500);
});

test.run();

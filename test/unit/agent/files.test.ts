// The /files endpoints (lib/agent/files.ts) over real temporary directories, through the shared
// HTTP server on port 0 where status, headers and body text matter, and directly where only the
// answer does. The sandbox holds what a hostile task could leave: symlinks out of it (to a file,
// to a directory), a dangling one, a FIFO; next to it are a secret and a sibling directory whose
// name starts like the sandbox's.

import { execFileSync } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { SandboxFiles, modeString, parseReadQuery, readWindow, type FileInfo } from '../../../lib/agent/files.ts';
import { HttpServer, Router } from '../../../lib/common/http.ts';
import { rejectsAsync } from '../../helpers/assert-error.ts';

// ---------------------------------------------------------------------------------------------
// Fixture

const VIRTUAL = '/frameworks/F/executors/E/runs/latest';
const SECRET = 'top secret, outside the sandbox';
const BIG_SIZE = 100 * 1024;
const UTF8 = 'h\u00e9llo w\u00f6rld \u2713\n';
const IS_ROOT = process.getuid?.() === 0;

interface Fixture {
  dir: string;
  sandbox: string;
  files: SandboxFiles;
  server: HttpServer;
  base: string;
}

let fx: Fixture;

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesos-ts-files-'));
  const sandbox = join(dir, 'sandbox');
  const outside = join(dir, 'outside');
  const sibling = join(dir, 'sandbox2');
  await Promise.all([mkdir(sandbox), mkdir(outside), mkdir(sibling)]);
  await writeFile(join(outside, 'secret'), SECRET);
  await writeFile(join(sibling, 'secret'), SECRET);
  await writeFile(join(sandbox, 'stdout'), 'hello\n');
  await writeFile(join(sandbox, 'utf8.txt'), UTF8);
  await writeFile(join(sandbox, 'big'), Buffer.alloc(BIG_SIZE, 'abcdefghij'));
  await writeFile(join(sandbox, 'empty'), '');
  await mkdir(join(sandbox, 'sub'));
  await writeFile(join(sandbox, 'sub', 'nested.txt'), 'nested');
  await symlink('stdout', join(sandbox, 'link-in'));
  await symlink('sub', join(sandbox, 'dir-in'));
  await symlink(join(outside, 'secret'), join(sandbox, 'link-out'));
  await symlink('../outside', join(sandbox, 'dir-out'));
  await symlink('../sandbox2', join(sandbox, 'sibling-out'));
  await symlink('nowhere', join(sandbox, 'dangling'));
  execFileSync('mkfifo', [join(sandbox, 'fifo')]);

  const files = new SandboxFiles();
  await files.attach(sandbox, VIRTUAL);
  await files.attach(sandbox);
  const server = new HttpServer(files.routes(new Router()), { log: () => {} });
  const { port } = await server.listen(0, '127.0.0.1');
  fx = { dir, sandbox, files, server, base: `http://127.0.0.1:${port}` };
});

test.after(async () => {
  await fx.server.close(0);
  await rm(fx.dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

async function get(endpoint: string, query: Record<string, string> | string): Promise<Answer> {
  const search = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  const response = await fetch(`${fx.base}${endpoint}?${search}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

async function browse(path: string): Promise<FileInfo[]> {
  const answer = await get('/files/browse', { path });
  assert.is(answer.status, 200, answer.text);
  return JSON.parse(answer.text) as FileInfo[];
}

async function read(query: Record<string, string>): Promise<{ data: string; offset: number }> {
  const answer = await get('/files/read', query);
  assert.is(answer.status, 200, answer.text);
  return JSON.parse(answer.text) as { data: string; offset: number };
}

async function assertStatus(endpoint: string, query: Record<string, string> | string, status: number, body?: string): Promise<void> {
  const answer = await get(endpoint, query);
  assert.is(answer.status, status, `${endpoint}?${JSON.stringify(query)}: ${answer.text}`);
  if (body !== undefined) assert.is(answer.text, body);
  assert.not.ok(answer.text.includes(SECRET), 'the secret must never be served');
}

// ---------------------------------------------------------------------------------------------
// Pure pieces

test('readWindow: Mesos\'s answers for offset and length', () => {
  const max = 65_536;
  assert.equal(readWindow(10, -1, -1, max), { offset: 10, bytes: 0 });
  assert.equal(readWindow(10, -1, 5, max), { offset: 10, bytes: 0 });
  assert.equal(readWindow(10, 0, -1, max), { offset: 0, bytes: 10 });
  assert.equal(readWindow(10, 4, -1, max), { offset: 4, bytes: 6 });
  assert.equal(readWindow(10, 4, 3, max), { offset: 4, bytes: 3 });
  assert.equal(readWindow(10, 4, 100, max), { offset: 4, bytes: 6 });
  assert.equal(readWindow(10, 4, 0, max), { offset: 4, bytes: 0 });
  assert.equal(readWindow(10, 10, -1, max), { offset: 10, bytes: 0 });
  assert.equal(readWindow(10, 12, 3, max), { offset: 12, bytes: 0 });
  assert.equal(readWindow(1 << 20, 0, -1, max), { offset: 0, bytes: max });
  assert.equal(readWindow(10, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, max), { offset: Number.MAX_SAFE_INTEGER, bytes: 0 });
  assert.equal(readWindow(1 << 20, 0, Number.MAX_SAFE_INTEGER, max), { offset: 0, bytes: max });
});

test('parseReadQuery: Mesos\'s order and messages', () => {
  const parse = (query: string) => parseReadQuery(new URLSearchParams(query));
  assert.equal(parse('path=/a'), { ok: true, value: { path: '/a', offset: -1, length: -1 } });
  assert.equal(parse('path=/a&offset=%2B5&length=0'), { ok: true, value: { path: '/a', offset: 5, length: 0 } });
  assert.equal(parse('path=/a&offset=9007199254740991'), { ok: true, value: { path: '/a', offset: Number.MAX_SAFE_INTEGER, length: -1 } });
  const errors: Array<[string, string]> = [
    ['', "Expecting 'path=value' in query."],
    ['path=&offset=x', "Expecting 'path=value' in query."],
    ['path=/a&offset=abc', "Failed to parse offset: Failed to convert 'abc' to number."],
    ['path=/a&offset=', "Failed to parse offset: Failed to convert '' to number."],
    ['path=/a&offset=1.5', "Failed to parse offset: Failed to convert '1.5' to number."],
    ['path=/a&offset=1e3', "Failed to parse offset: Failed to convert '1e3' to number."],
    ['path=/a&offset=%201', "Failed to parse offset: Failed to convert ' 1' to number."],
    ['path=/a&offset=9007199254740992', "Failed to parse offset: Failed to convert '9007199254740992' to number."],
    ['path=/a&offset=99999999999999999999999999', "Failed to parse offset: Failed to convert '99999999999999999999999999' to number."],
    ['path=/a&offset=-2', 'Negative offset provided: -2.'],
    ['path=/a&offset=x&length=-2', "Failed to parse offset: Failed to convert 'x' to number."],
    ['path=/a&length=-5', 'Negative length provided: -5.'],
    ['path=/a&length=0x10', "Failed to parse length: Failed to convert '0x10' to number."],
  ];
  for (const [query, message] of errors) assert.equal(parse(query), { ok: false, error: message }, query);
  // A huge value is quoted truncated, so the message stays short.
  const huge = parse(`path=/a&offset=${'9'.repeat(10_000)}`);
  assert.ok(!huge.ok && huge.error.length < 100);
});

test('modeString: type letter and rwx bits, as ls -l (no setuid/sticky letters)', () => {
  assert.is(modeString(0o100644), '-rw-r--r--');
  assert.is(modeString(0o40755), 'drwxr-xr-x');
  assert.is(modeString(0o120777), 'lrwxrwxrwx');
  assert.is(modeString(0o10600), 'prw-------');
  assert.is(modeString(0o20620), 'crw--w----');
  assert.is(modeString(0o60660), 'brw-rw----');
  assert.is(modeString(0o140755), 'srwxr-xr-x');
  assert.is(modeString(0o104755), '-rwxr-xr-x');
  assert.is(modeString(0o000), '----------');
});

// ---------------------------------------------------------------------------------------------
// browse

test('browse: sorted FileInfo entries with Mesos\'s fields, keys and types', async () => {
  const answer = await get('/files/browse', { path: VIRTUAL });
  assert.is(answer.status, 200);
  assert.is(answer.contentType, 'application/json');
  // Keys in Mesos's order (a sorted JSON::Object).
  assert.match(answer.text, /^\[\{"gid":"[^"]+","mode":"[^"]+","mtime":\d+,"nlink":\d+,"path":"[^"]+","size":\d+,"uid":"[^"]+"\}/);
  const listing = JSON.parse(answer.text) as FileInfo[];
  // No 'dangling' (stat fails, as in Mesos).
  assert.equal(
    listing.map((entry) => entry.path),
    ['big', 'dir-in', 'dir-out', 'empty', 'fifo', 'link-in', 'link-out', 'sibling-out', 'stdout', 'sub', 'utf8.txt'].map((name) => `${VIRTUAL}/${name}`),
  );
  const byName = new Map(listing.map((entry) => [entry.path.slice(VIRTUAL.length + 1), entry]));
  const stdout = byName.get('stdout')!;
  assert.is(stdout.mode, '-rw-r--r--');
  assert.is(stdout.size, 6);
  assert.is(stdout.nlink, 1);
  assert.is(stdout.uid, userInfo().username);
  assert.type(stdout.gid, 'string');
  assert.ok(Math.abs(stdout.mtime - Date.now() / 1000) < 3600, 'mtime in seconds');
  assert.is(byName.get('sub')!.mode, 'drwxr-xr-x');
  assert.is(byName.get('fifo')!.mode.charAt(0), 'p');
  // Symlinks inside are followed (as Mesos's stat); those leading out show as the link itself.
  assert.is(byName.get('link-in')!.size, 6);
  assert.is(byName.get('dir-in')!.mode.charAt(0), 'd');
  for (const name of ['link-out', 'dir-out', 'sibling-out']) {
    const entry = byName.get(name)!;
    assert.is(entry.mode, 'lrwxrwxrwx', name);
    assert.not.equal(entry.size, SECRET.length, `${name} must not show its target's size`);
  }
});

test('browse: a subdirectory, a symlinked directory inside, the real-path attachment, file:// and trailing slashes', async () => {
  assert.equal((await browse(`${VIRTUAL}/sub`)).map((e) => e.path), [`${VIRTUAL}/sub/nested.txt`]);
  assert.equal((await browse(`${VIRTUAL}/dir-in/`)).map((e) => e.path), [`${VIRTUAL}/dir-in/nested.txt`]);
  assert.equal((await browse(`${fx.sandbox}/sub`)).map((e) => e.path), [`${fx.sandbox}/sub/nested.txt`]);
  assert.equal((await browse(`file://${VIRTUAL}/sub`)).map((e) => e.path), [`${VIRTUAL}/sub/nested.txt`]);
  assert.equal((await browse(`${VIRTUAL}//sub/./`)).map((e) => e.path), [`${VIRTUAL}/sub/nested.txt`]);
});

test('browse: a file lists as [] (Mesos\'s os::ls fails and it answers the empty listing)', async () => {
  assert.equal(await browse(`${VIRTUAL}/stdout`), []);
  assert.equal(await browse(`${VIRTUAL}/fifo`), []);
});

test('browse: a missing or empty path is 400; JSONP wraps; a bad callback is 400; POST is 405', async () => {
  await assertStatus('/files/browse', '', 400, "Expecting 'path=value' in query.");
  await assertStatus('/files/browse', 'path=', 400, "Expecting 'path=value' in query.");
  const wrapped = await get('/files/browse', { path: `${VIRTUAL}/sub`, jsonp: 'angular.callbacks._0' });
  assert.is(wrapped.status, 200);
  assert.is(wrapped.contentType, 'text/javascript');
  assert.match(wrapped.text, /^angular\.callbacks\._0\(\[\{"gid":.*"path":"\/frameworks\/F\/executors\/E\/runs\/latest\/sub\/nested.txt".*\}\]\);$/);
  await assertStatus('/files/browse', { path: VIRTUAL, jsonp: 'alert(1)' }, 400);
  const post = await fetch(`${fx.base}/files/browse?path=${VIRTUAL}`, { method: 'POST' });
  assert.is(post.status, 405);
});

// ---------------------------------------------------------------------------------------------
// Confinement: every way out is 404, like a missing file

const ESCAPES = (): string[] => [
  '/nope',
  `${VIRTUAL}/missing`,
  `${VIRTUAL}/../../../../..${fx.dir}/outside`,
  `${VIRTUAL}/../../../../..${fx.dir}/outside/secret`,
  `${VIRTUAL}/sub/../../outside/secret`,
  `${fx.sandbox}/../outside/secret`,
  `${fx.sandbox}/../sandbox2/secret`,
  `${fx.dir}/sandbox2/secret`,
  `${fx.dir}/outside`,
  '/etc/passwd',
  '/',
  `${VIRTUAL}/link-out`,
  `${VIRTUAL}/dir-out`,
  `${VIRTUAL}/dir-out/secret`,
  `${VIRTUAL}/sibling-out/secret`,
  `${VIRTUAL}/dangling`,
  `${VIRTUAL}/stdout/under-a-file`,
  `relative${VIRTUAL}`,
  'frameworks/F',
  `${VIRTUAL}/\0`,
  `${VIRTUAL}/${'x'.repeat(5000)}`,
];

test('confinement: .., absolute paths outside, symlinks out, prefix siblings, NUL: all 404 for browse and read', async () => {
  for (const path of ESCAPES()) {
    await assertStatus('/files/browse', { path }, 404);
    await assertStatus('/files/read', { path, offset: '0' }, 404);
  }
  // Percent-encoded traversal: decoded once by the query parser, then normalised like the rest.
  await assertStatus('/files/read', `path=${encodeURIComponent(`${VIRTUAL}/../../../../..${fx.dir}/outside/secret`)}&offset=0`, 404);
  await assertStatus('/files/read', `path=%2Fframeworks%2F..%2F..%2Fetc%2Fpasswd&offset=0`, 404);
  // Encoded twice: the '%2e%2e' stays a literal name, which does not exist.
  await assertStatus('/files/read', `path=${VIRTUAL}%2F%252e%252e%2F%252e%252e&offset=0`, 404);
});

test('confinement through the API: FILE_NOT_FOUND with one message for missing and outside alike', async () => {
  await rejectsAsync(fx.files.read(`${VIRTUAL}/missing`, 0), 'FILE_NOT_FOUND', `No file or directory at '${VIRTUAL}/missing'`);
  await rejectsAsync(fx.files.read(`${VIRTUAL}/link-out`, 0), 'FILE_NOT_FOUND', `No file or directory at '${VIRTUAL}/link-out'`);
  await rejectsAsync(fx.files.browse(`${VIRTUAL}/dir-out`), 'FILE_NOT_FOUND');
});

test('symlinks that stay inside are served', async () => {
  assert.equal(await read({ path: `${VIRTUAL}/link-in`, offset: '0' }), { data: 'hello\n', offset: 0 });
  assert.equal(await read({ path: `${VIRTUAL}/dir-in/nested.txt`, offset: '0' }), { data: 'nested', offset: 0 });
  assert.equal(await read({ path: `${VIRTUAL}/sub/../stdout`, offset: '0' }), { data: 'hello\n', offset: 0 });
});

// ---------------------------------------------------------------------------------------------
// read

test('read: offset -1 (or none) answers the size; offset and length select bytes', async () => {
  const path = `${VIRTUAL}/stdout`;
  assert.equal(await read({ path }), { data: '', offset: 6 });
  assert.equal(await read({ path, offset: '-1' }), { data: '', offset: 6 });
  assert.equal(await read({ path, offset: '-1', length: '-1' }), { data: '', offset: 6 });
  assert.equal(await read({ path, offset: '0' }), { data: 'hello\n', offset: 0 });
  assert.equal(await read({ path, offset: '0', length: '-1' }), { data: 'hello\n', offset: 0 });
  assert.equal(await read({ path, offset: '1', length: '3' }), { data: 'ell', offset: 1 });
  assert.equal(await read({ path, offset: '2', length: '0' }), { data: '', offset: 2 });
  assert.equal(await read({ path: `${fx.sandbox}/stdout`, offset: '0', length: '5' }), { data: 'hello', offset: 0 });
  assert.equal(await read({ path: `${VIRTUAL}/empty`, offset: '0' }), { data: '', offset: 0 });
  assert.equal(await read({ path: `${VIRTUAL}/utf8.txt`, offset: '0' }), { data: UTF8, offset: 0 });
});

test('read: an offset at or past the end answers no data and the offset asked for (files.cpp)', async () => {
  const path = `${VIRTUAL}/stdout`;
  assert.equal(await read({ path, offset: '6' }), { data: '', offset: 6 });
  assert.equal(await read({ path, offset: '1000', length: '10' }), { data: '', offset: 1000 });
  // The largest offset and length accepted allocate nothing.
  assert.equal(await read({ path, offset: '9007199254740991', length: '9007199254740991' }), { data: '', offset: Number.MAX_SAFE_INTEGER });
});

test('read: one read returns at most 16 pages (64 KiB), whatever the length asked', async () => {
  const path = `${VIRTUAL}/big`;
  const first = await read({ path, offset: '0' });
  assert.is(first.data.length, 65_536);
  assert.is(first.data.slice(0, 12), 'abcdefghijab');
  const huge = await read({ path, offset: '1', length: '9007199254740991' });
  assert.is(huge.data.length, 65_536);
  assert.is(huge.data.slice(0, 3), 'bcd');
  const tail = await read({ path, offset: String(BIG_SIZE - 4) });
  assert.equal(tail, { data: 'ghij', offset: BIG_SIZE - 4 });
  assert.equal(await read({ path }), { data: '', offset: BIG_SIZE });
});

test('read: the cap is an option', async () => {
  const files = new SandboxFiles({ maxReadBytes: 4 });
  await files.attach(fx.sandbox, '/s');
  assert.equal(await files.read('/s/stdout', 1), { data: 'ello', offset: 1 });
  assert.throws(() => new SandboxFiles({ maxReadBytes: 0 }), /maxReadBytes/);
});

test('read: bad offsets and lengths are 400 with Mesos\'s messages', async () => {
  const path = `${VIRTUAL}/stdout`;
  await assertStatus('/files/read', { path, offset: 'abc' }, 400, "Failed to parse offset: Failed to convert 'abc' to number.");
  await assertStatus('/files/read', { path, offset: '-2' }, 400, 'Negative offset provided: -2.');
  await assertStatus('/files/read', { path, length: '-2' }, 400, 'Negative length provided: -2.');
  await assertStatus('/files/read', { path, length: 'x' }, 400, "Failed to parse length: Failed to convert 'x' to number.");
  await assertStatus('/files/read', { path, offset: '9007199254740992' }, 400, "Failed to parse offset: Failed to convert '9007199254740992' to number.");
  await assertStatus('/files/read', { offset: '0' }, 400, "Expecting 'path=value' in query.");
  // Through the API as well.
  await rejectsAsync(fx.files.read(path, -2), 'BAD_REQUEST', 'The offset must be an integer >= -1, got -2.');
  await rejectsAsync(fx.files.read(path, 0, 1.5), 'BAD_REQUEST', 'The length must be an integer >= -1, got 1.5.');
});

test('read: a directory is 400 "Cannot read a directory."', async () => {
  await assertStatus('/files/read', { path: VIRTUAL, offset: '0' }, 400, 'Cannot read a directory.');
  await assertStatus('/files/read', { path: `${VIRTUAL}/dir-in`, offset: '0' }, 400, 'Cannot read a directory.');
});

test('read: a FIFO is never opened (it would block): it reads as empty', async () => {
  const answer = await Promise.race([
    read({ path: `${VIRTUAL}/fifo`, offset: '0' }),
    new Promise((_, reject) => setTimeout(() => reject(new Error('reading a FIFO blocked')), 5000).unref()),
  ]);
  assert.equal(answer, { data: '', offset: 0 });
  assert.equal(await read({ path: `${VIRTUAL}/fifo` }), { data: '', offset: 0 });
});

test('read: JSONP wraps the answer', async () => {
  const answer = await get('/files/read', { path: `${VIRTUAL}/stdout`, offset: '0', jsonp: 'cb' });
  assert.is(answer.contentType, 'text/javascript');
  assert.is(answer.text, 'cb({"data":"hello\\n","offset":0});');
});

test('read: an owner without a name shows as a number', async () => {
  if (!IS_ROOT) return;
  const path = join(fx.sandbox, 'sub', 'owned');
  await writeFile(path, '');
  await chown(path, 54_321, 54_322);
  try {
    const entry = (await browse(`${VIRTUAL}/sub`)).find((e) => e.path.endsWith('/owned'))!;
    assert.equal([entry.uid, entry.gid], ['54321', '54322']);
  } finally {
    await rm(path);
  }
});

// ---------------------------------------------------------------------------------------------
// attach and detach

test('attach: a missing path fails; a file can be attached and has nothing below it', async () => {
  const files = new SandboxFiles();
  await rejectsAsync(files.attach(join(fx.dir, 'nope'), '/x'), 'FILE_NOT_FOUND', /^Failed to attach '.*nope': ENOENT/);
  await files.attach(join(fx.sandbox, 'stdout'), '/slave/log');
  assert.equal(await files.read('/slave/log', 0), { data: 'hello\n', offset: 0 });
  await rejectsAsync(files.read('/slave/log/x', 0), 'FILE_NOT_FOUND');
  assert.equal(await files.browse('/slave/log'), []);
  await rejectsAsync(files.attach(fx.sandbox, 'relative'), 'INTERNAL', /must be absolute/);
});

test('detach: by virtual path, or by the attached path with all its aliases', async () => {
  const files = new SandboxFiles();
  await files.attach(fx.sandbox, '/a');
  await files.attach(fx.sandbox, '/b/');
  await files.attach(fx.sandbox);
  assert.equal([...files.attached().keys()].sort(), ['/a', '/b', fx.sandbox].sort());
  files.detach('/a');
  await rejectsAsync(files.read('/a/stdout', 0), 'FILE_NOT_FOUND');
  assert.equal(await files.read('/b/stdout', 0), { data: 'hello\n', offset: 0 });
  files.detach(`${fx.sandbox}/`);
  assert.equal(files.attached().size, 0);
  await rejectsAsync(files.read('/b/stdout', 0), 'FILE_NOT_FOUND');
});

test('the longest attached prefix wins', async () => {
  const files = new SandboxFiles();
  await files.attach(fx.sandbox, '/s');
  await files.attach(join(fx.sandbox, 'sub'), '/s/stdout');
  // '/s/stdout' is now the sub directory, not the file.
  assert.equal(await files.read('/s/stdout/nested.txt', 0), { data: 'nested', offset: 0 });
  assert.equal(await files.read('/s/utf8.txt', 0, 1), { data: 'h', offset: 0 });
});

test.run();

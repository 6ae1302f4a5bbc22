// The fetcher (lib/agent/fetcher.ts) against a real HTTP server on port 0 and real temporary
// sandboxes: downloads, local copies, every archive format (made here with tar/gzip/bzip2/xz, and
// zips with a small writer below, so that only unzip is needed), and hostile names and archives,
// each checked by looking at what landed next to the sandbox. Formats whose tools are missing
// are skipped with a printed reason; the cases that fetch as another user need root.

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { archiveKind, fetchUris, planFetch, type FetchOptions } from '../../../lib/agent/fetcher.ts';
import type { CommandInfo } from '../../../lib/types/mesos.ts';
import { rejectsAsync } from '../../helpers/assert-error.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

const NOBODY = { uid: 65534, gid: 65534 };
const IS_ROOT = process.getuid?.() === 0;

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAVE = { unzip: hasTool('unzip'), bzip2: hasTool('bzip2'), xz: hasTool('xz') };
for (const [tool, present] of Object.entries(HAVE)) {
  if (!present) console.log(`# skip: '${tool}' is not installed; its archive cases are skipped`);
}
if (!IS_ROOT) console.log('# skip: not running as root; the cases that fetch as another user are skipped');

interface Work {
  /** The temporary directory holding everything below. */
  readonly dir: string;
  readonly sandbox: string;
  /** A sibling of the sandbox that hostile input aims at; it must stay as it was. */
  readonly outside: string;
  /** Local sources. */
  readonly src: string;
}

async function withWork(body: (work: Work) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mesos-ts-fetcher-'));
  const work = { dir, sandbox: join(dir, 'sandbox'), outside: join(dir, 'outside'), src: join(dir, 'src') };
  await Promise.all([mkdir(work.sandbox), mkdir(work.outside), mkdir(work.src)]);
  await writeFile(join(work.outside, 'target'), 'original');
  try {
    await body(work);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every path under `dir`, relative, sorted, directories with a trailing '/', symlinks as 'a -> b'. */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) out.push(`${prefix}${name} -> ${await readlink(path)}`);
    else if (stats.isDirectory()) out.push(`${prefix}${name}/`, ...(await tree(path, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

/** Nothing was written next to the sandbox, and `outside` still holds only its original file. */
async function assertNothingEscaped(work: Work): Promise<void> {
  assert.equal(await tree(work.outside), ['target'], 'the outside directory is untouched');
  assert.is(await readFile(join(work.outside, 'target'), 'utf8'), 'original');
  assert.equal((await readdir(work.dir)).sort(), ['outside', 'sandbox', 'src'], 'nothing beside the sandbox');
  // Also where absolute member names would land if not stripped.
  assert.not.ok(existsSync('/escape') || existsSync('/escape2'), 'nothing at the filesystem root');
}

/** No staging directories or temporary files left in the sandbox. */
async function assertNoLeftovers(sandbox: string): Promise<void> {
  const names = await tree(sandbox);
  assert.ok(!names.some((name) => /(^|\/)\.fetch-/.test(name)), `leftovers: ${names.join(', ')}`);
}

async function modeOf(path: string): Promise<number> {
  return (await lstat(path)).mode & 0o7777;
}

function uri(value: string, extra: Partial<CommandInfo.URI> = {}): CommandInfo.URI {
  return { value, ...extra };
}

// --- A tiny ustar writer, for archives GNU tar itself would refuse to create.

interface TarMember {
  readonly name: string;
  readonly type?: '0' | '1' | '2' | '3' | '5';
  readonly data?: string;
  readonly linkname?: string;
  readonly mode?: number;
  readonly devmajor?: number;
  readonly devminor?: number;
}

function tarArchive(members: readonly TarMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const data = Buffer.from(member.data ?? '');
    const header = Buffer.alloc(512);
    const put = (offset: number, length: number, value: string): void => {
      header.write(value.slice(0, length), offset, 'latin1');
    };
    const octal = (offset: number, length: number, value: number): void => put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
    put(0, 100, member.name);
    octal(100, 8, member.mode ?? 0o644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, member.type === undefined || member.type === '0' ? data.length : 0);
    octal(136, 12, 1_700_000_000);
    header.fill(0x20, 148, 156);
    put(156, 1, member.type ?? '0');
    put(157, 100, member.linkname ?? '');
    put(257, 6, 'ustar\0');
    put(263, 2, '00');
    octal(329, 8, member.devmajor ?? 0);
    octal(337, 8, member.devminor ?? 0);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header);
    if (member.type === undefined || member.type === '0') {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

// --- A tiny zip writer (stored entries, Unix modes), for ordinary and hostile zips alike.

interface ZipEntry {
  readonly name: string;
  readonly data?: string;
  /** Unix mode with type bits; 0o100644 by default, 0o120777 makes `data` a symlink target. */
  readonly mode?: number;
}

function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.data ?? '');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes are a mode
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A tar of `files` (name → content) made by the system tar with `flags` (e.g. -z). */
async function systemTar(work: Work, flags: string[], files: Record<string, string>): Promise<Buffer> {
  const from = await mkdtemp(join(work.dir, 'tar-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(from, name, '..'), { recursive: true });
      await writeFile(join(from, name), content);
      if (name.endsWith('.sh')) await chmod(join(from, name), 0o755);
    }
    return execFileSync('tar', ['-c', ...flags, '-f', '-', '-C', from, ...Object.keys(files)]);
  } finally {
    await rm(from, { recursive: true, force: true });
  }
}

// --- The HTTP server.

interface Served {
  server: Server;
  base: string;
  files: Map<string, Buffer>;
  acceptEncodings: string[];
}

let served: Served;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  served.acceptEncodings.push(String(req.headers['accept-encoding']));
  const path = decodeURIComponent(url.pathname);
  if (path.startsWith('/files/')) {
    const body = served.files.get(path.slice('/files/'.length));
    if (body === undefined) {
      res.writeHead(404).end('no such file');
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  } else if (path.startsWith('/redirect/')) {
    res.writeHead(302, { Location: `/files/${path.slice('/redirect/'.length)}` }).end();
  } else if (path === '/stall') {
    // Headers and a few bytes, then nothing.
    res.writeHead(200);
    res.write('partial');
  } else if (path === '/hang') {
    // Never answers.
  } else if (path === '/no-content') {
    res.writeHead(204).end();
  } else {
    res.writeHead(500).end('unexpected');
  }
}

test.before(async () => {
  const server = createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  served = { server, base: `http://127.0.0.1:${port}`, files: new Map(), acceptEncodings: [] };
});

test.after(async () => {
  served.server.closeAllConnections();
  served.server.close();
  await once(served.server, 'close');
});

async function fetchInto(work: Work, uris: CommandInfo.URI[], options: FetchOptions = {}): Promise<void> {
  await fetchUris(uris, work.sandbox, options);
}

// ---------------------------------------------------------------------------------------------
// Plans (pure)

test('planFetch: sources, output names and what follows the download', () => {
  const plan = (value: string, extra: Partial<CommandInfo.URI> = {}) => {
    const result = planFetch(uri(value, extra));
    if (!result.ok) throw new Error(result.error);
    const { source, ...rest } = result.value;
    return { kind: source.kind, ...(source.kind === 'local' ? { path: source.path } : {}), ...rest };
  };
  assert.equal(plan('http://h/a/b.tar.gz?x=1'), { kind: 'http', output: 'b.tar.gz', executable: false, extract: 'tar' });
  assert.equal(plan('  https://h/my%20app.zip'), { kind: 'http', output: 'my app.zip', executable: false, extract: 'zip' });
  assert.equal(plan('/opt/x/run.sh', { executable: true }), { kind: 'local', path: '/opt/x/run.sh', output: 'run.sh', executable: true, extract: undefined });
  assert.equal(plan('file:///opt/a%20b/c.gz'), { kind: 'local', path: '/opt/a b/c.gz', output: 'c.gz', executable: false, extract: 'gz' });
  assert.equal(plan('file://localhost/opt/c.txz', { extract: false }), { kind: 'local', path: '/opt/c.txz', output: 'c.txz', executable: false, extract: undefined });
  assert.equal(plan('http://h/x', { output_file: './a//b/./c.tgz' }), { kind: 'http', output: 'a/b/c.tgz', executable: false, extract: 'tar' });
  // The output name decides, not the URI (as Mesos extracts the destination path).
  assert.equal(plan('http://h/x.tar', { output_file: 'plain' }).extract, undefined);
  assert.equal(plan('http://h/x.tar.gz', { executable: true }).extract, undefined);
});

test('archiveKind: Mesos\'s suffixes, case-sensitive', () => {
  for (const name of ['a.tar', 'a.tgz', 'a.tar.gz', 'a.tbz2', 'a.tar.bz2', 'a.txz', 'a.tar.xz']) assert.is(archiveKind(name), 'tar', name);
  assert.is(archiveKind('a.zip'), 'zip');
  assert.is(archiveKind('a.gz'), 'gz');
  for (const name of ['a.TAR', 'a.jar', 'a.bz2', 'a.xz', 'a', 'tar']) assert.is(archiveKind(name), undefined, name);
});

test('planFetch: refuses bad URIs and output names with a reason', () => {
  const cases: Array<[CommandInfo.URI, RegExp]> = [
    [uri('ftp://h/a'), /^unsupported URI scheme 'ftp'$/],
    [uri('hdfs://nn/a'), /^unsupported URI scheme 'hdfs'$/],
    [uri('s3://bucket/a'), /^unsupported URI scheme 's3'$/],
    [uri('relative/path'), /relative path/],
    [uri('/a\0b'), /Illegal characters/],
    [uri('file://otherhost/a'), /Malformed file URI/],
    [uri('file:///a%2Fb'), /Malformed file URI/],
    [uri('http://h/dir/'), /no file name/],
    [uri('http://h'), /no file name/],
    [uri('http://h/a%2Fb'), /contains '\/'/],
    [uri('http://h/%E0%A4%A'), /not valid percent-encoding/],
    [uri('/'), /no file name/],
    [uri('http://h/a', { output_file: '' }), /^URI output file path is empty$/],
    [uri('http://h/a', { output_file: '/etc/passwd' }), /^URI output file must be within the sandbox directory$/],
    [uri('http://h/a', { output_file: '../x' }), /contains '\.\.'/],
    [uri('http://h/a', { output_file: 'a/../../x' }), /contains '\.\.'/],
    [uri('http://h/a', { output_file: 'a/..' }), /contains '\.\.'/],
    [uri('http://h/a', { output_file: 'dir/' }), /names a directory/],
    [uri('http://h/a', { output_file: './.' }), /names no file/],
  ];
  for (const [input, reason] of cases) {
    const result = planFetch(input);
    assert.not.ok(result.ok, `${JSON.stringify(input)} should be refused`);
    if (!result.ok) assert.match(result.error, reason, JSON.stringify(input));
  }
});

// ---------------------------------------------------------------------------------------------
// Downloads

test('http 200: saved under the URI\'s name with mode 0644, the body as served', async () => {
  await withWork(async (work) => {
    served.files.set('hello.txt', Buffer.from('hello world\n'));
    served.files.set('my file.txt', Buffer.from('spaced'));
    served.acceptEncodings.length = 0;
    await fetchInto(work, [uri(`${served.base}/files/hello.txt`), uri(`${served.base}/files/my%20file.txt`)]);
    assert.is(await readFile(join(work.sandbox, 'hello.txt'), 'utf8'), 'hello world\n');
    assert.is(await readFile(join(work.sandbox, 'my file.txt'), 'utf8'), 'spaced');
    assert.is(await modeOf(join(work.sandbox, 'hello.txt')), 0o644);
    // Raw bytes: fetch must not ask for (and then undo) a Content-Encoding.
    assert.equal(served.acceptEncodings, ['identity', 'identity']);
    await assertNoLeftovers(work.sandbox);
  });
});

test('http 404 and other non-200 answers fail naming the URI and the status', async () => {
  await withWork(async (work) => {
    const missing = `${served.base}/files/missing`;
    await rejectsAsync(fetchInto(work, [uri(missing)]), 'FETCH_FAILED', `Failed to fetch '${missing}': Error downloading resource, received HTTP return code 404`);
    // Mesos accepts only 200 (net::download's result must be 200).
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/no-content`)]), 'FETCH_FAILED', /received HTTP return code 204$/);
    assert.equal(await tree(work.sandbox), []);
  });
});

test('http redirects are followed; the file is named after the URI asked for', async () => {
  await withWork(async (work) => {
    served.files.set('target.bin', Buffer.from('redirected'));
    await fetchInto(work, [uri(`${served.base}/redirect/target.bin`)]);
    assert.is(await readFile(join(work.sandbox, 'target.bin'), 'utf8'), 'redirected');
  });
});

test('http stall timeout: no bytes for stallTimeoutMs fails, mid-body or before the headers; no partial file', async () => {
  await withWork(async (work) => {
    const stall = `${served.base}/stall`;
    await rejectsAsync(
      fetchInto(work, [uri(stall)], { stallTimeoutMs: 300 }),
      'FETCH_FAILED',
      `Failed to fetch '${stall}': Error downloading resource: no data received for 300 ms (stall timeout)`,
    );
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/hang`)], { stallTimeoutMs: 300 }), 'FETCH_FAILED', /stall timeout/);
    assert.equal(await tree(work.sandbox), []);
  });
});

test('http: a refused connection fails with the reason', async () => {
  await withWork(async (work) => {
    // A port that was just free.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    await rejectsAsync(fetchInto(work, [uri(`http://127.0.0.1:${port}/x`)]), 'FETCH_FAILED', /Error downloading resource: fetch failed: .*ECONNREFUSED/);
  });
});

test('an abort signal stops a download in progress', async () => {
  await withWork(async (work) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/stall`)], { signal: controller.signal }), 'FETCH_FAILED', /the fetch was aborted$/);
    assert.equal(await tree(work.sandbox), []);
  });
});

// ---------------------------------------------------------------------------------------------
// Local sources

test('local sources: absolute paths and file:// URIs are copied, mode 0644', async () => {
  await withWork(async (work) => {
    await writeFile(join(work.src, 'a b.txt'), 'local');
    await chmod(join(work.src, 'a b.txt'), 0o600);
    await writeFile(join(work.src, 'c.txt'), 'via file uri');
    await fetchInto(work, [
      uri(join(work.src, 'a b.txt')),
      uri(pathToFileURL(join(work.src, 'c.txt')).href, { output_file: 'd.txt' }),
      uri(`file://localhost${join(work.src, 'c.txt')}`),
    ]);
    assert.is(await readFile(join(work.sandbox, 'a b.txt'), 'utf8'), 'local');
    assert.is(await modeOf(join(work.sandbox, 'a b.txt')), 0o644);
    assert.is(await readFile(join(work.sandbox, 'd.txt'), 'utf8'), 'via file uri');
    assert.is(await readFile(join(work.sandbox, 'c.txt'), 'utf8'), 'via file uri');
  });
});

test('local sources: a missing file or a directory fails with the reason', async () => {
  await withWork(async (work) => {
    const missing = join(work.src, 'nope');
    await rejectsAsync(fetchInto(work, [uri(missing)]), 'FETCH_FAILED', new RegExp(`^Failed to fetch '${missing}': Failed to copy '${missing}': 'cat' exited with status 1: .*No such file or directory$`));
    await rejectsAsync(fetchInto(work, [uri(work.src)]), 'FETCH_FAILED', /Is a directory/);
    assert.equal(await tree(work.sandbox), []);
  });
});

test('every URI is checked before anything is fetched', async () => {
  await withWork(async (work) => {
    served.files.set('first.txt', Buffer.from('1'));
    await rejectsAsync(
      fetchInto(work, [uri(`${served.base}/files/first.txt`), uri('ftp://h/second')]),
      'FETCH_FAILED',
      "Failed to fetch 'ftp://h/second': unsupported URI scheme 'ftp'",
    );
    assert.equal(await tree(work.sandbox), []);
  });
});

test('a missing sandbox fails clearly', async () => {
  await withWork(async (work) => {
    served.files.set('x', Buffer.from('x'));
    await rejectsAsync(fetchUris([uri(`${served.base}/files/x`)], join(work.dir, 'nope')), 'FETCH_FAILED', /^Failed to fetch into the sandbox '.*nope': ENOENT/);
  });
});

// ---------------------------------------------------------------------------------------------
// Output names

test('output_file: subdirectories are created; the file lands there', async () => {
  await withWork(async (work) => {
    served.files.set('x', Buffer.from('nested'));
    await fetchInto(work, [uri(`${served.base}/files/x`, { output_file: 'a/b/c.txt' })]);
    assert.equal(await tree(work.sandbox), ['a/', 'a/b/', 'a/b/c.txt']);
    assert.is(await readFile(join(work.sandbox, 'a/b/c.txt'), 'utf8'), 'nested');
    assert.is(await modeOf(join(work.sandbox, 'a/b')), 0o755);
  });
});

test('output_file: hostile names are refused and nothing escapes', async () => {
  await withWork(async (work) => {
    served.files.set('x', Buffer.from('x'));
    const base = `${served.base}/files/x`;
    for (const output_file of ['../escape', '../../escape', '/etc/escape', 'a/../../escape', '']) {
      await rejectsAsync(fetchInto(work, [uri(base, { output_file })]), 'FETCH_FAILED', new RegExp(`^Failed to fetch '${base}': URI output file`));
    }
    assert.equal(await tree(work.sandbox), []);
    await assertNothingEscaped(work);
  });
});

test('output_file through a symlink already in the sandbox is refused, not followed', async () => {
  await withWork(async (work) => {
    await symlink(work.outside, join(work.sandbox, 'lnk'));
    served.files.set('x', Buffer.from('x'));
    await rejectsAsync(
      fetchInto(work, [uri(`${served.base}/files/x`, { output_file: 'lnk/sub/target' })]),
      'FETCH_FAILED',
      /'lnk' in the sandbox is a symbolic link; refusing to write through it$/,
    );
    await assertNothingEscaped(work);
  });
});

test('a symlink at the destination is replaced, not written through', async () => {
  await withWork(async (work) => {
    await symlink(join(work.outside, 'target'), join(work.sandbox, 'target'));
    served.files.set('target', Buffer.from('new'));
    await fetchInto(work, [uri(`${served.base}/files/target`)]);
    assert.ok((await lstat(join(work.sandbox, 'target'))).isFile());
    assert.is(await readFile(join(work.sandbox, 'target'), 'utf8'), 'new');
    await assertNothingEscaped(work);
  });
});

test('a directory at the destination fails the fetch', async () => {
  await withWork(async (work) => {
    await mkdir(join(work.sandbox, 'x'));
    served.files.set('x', Buffer.from('x'));
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/x`)]), 'FETCH_FAILED', /cannot write 'x': a directory is in the way$/);
    await assertNoLeftovers(work.sandbox);
  });
});

// ---------------------------------------------------------------------------------------------
// executable and extract

test('executable: mode 0755 and never extracted', async () => {
  await withWork(async (work) => {
    served.files.set('run.sh', Buffer.from('#!/bin/sh\necho hi\n'));
    served.files.set('tool.tar.gz', await systemTar(work, ['-z'], { inner: 'x' }));
    await fetchInto(work, [uri(`${served.base}/files/run.sh`, { executable: true }), uri(`${served.base}/files/tool.tar.gz`, { executable: true })]);
    assert.is(await modeOf(join(work.sandbox, 'run.sh')), 0o755);
    assert.is(await modeOf(join(work.sandbox, 'tool.tar.gz')), 0o755);
    assert.equal(await tree(work.sandbox), ['run.sh', 'tool.tar.gz']);
  });
});

test('extract: false keeps an archive as it is; a file that is no archive is just saved', async () => {
  await withWork(async (work) => {
    served.files.set('keep.tgz', await systemTar(work, ['-z'], { inner: 'x' }));
    served.files.set('notes.txt', Buffer.from('text'));
    await fetchInto(work, [uri(`${served.base}/files/keep.tgz`, { extract: false }), uri(`${served.base}/files/notes.txt`, { extract: true })]);
    assert.equal(await tree(work.sandbox), ['keep.tgz', 'notes.txt']);
  });
});

const TAR_FORMATS: Array<{ suffix: string; flags: string[]; needs?: keyof typeof HAVE }> = [
  { suffix: '.tar', flags: [] },
  { suffix: '.tar.gz', flags: ['-z'] },
  { suffix: '.tgz', flags: ['-z'] },
  { suffix: '.tar.bz2', flags: ['-j'], needs: 'bzip2' },
  { suffix: '.tbz2', flags: ['-j'], needs: 'bzip2' },
  { suffix: '.tar.xz', flags: ['-J'], needs: 'xz' },
  { suffix: '.txz', flags: ['-J'], needs: 'xz' },
];

for (const format of TAR_FORMATS) {
  test(`extract ${format.suffix}: unpacked into the sandbox root, modes kept, the archive kept`, async () => {
    if (format.needs !== undefined && !HAVE[format.needs]) return;
    await withWork(async (work) => {
      const name = `app${format.suffix}`;
      served.files.set(name, await systemTar(work, format.flags, { 'bin/start.sh': '#!/bin/sh\n', 'conf/app.conf': 'k=v\n' }));
      // Through an output_file in a subdirectory: Mesos still extracts into the sandbox root.
      await fetchInto(work, [uri(`${served.base}/files/${name}`, { output_file: `dl/${name}` })]);
      assert.equal(await tree(work.sandbox), ['bin/', 'bin/start.sh', 'conf/', 'conf/app.conf', 'dl/', `dl/${name}`]);
      assert.is(await readFile(join(work.sandbox, 'conf/app.conf'), 'utf8'), 'k=v\n');
      assert.is(await modeOf(join(work.sandbox, 'bin/start.sh')), 0o755);
    });
  });
}

test('extract: archives made from "." and archives sharing directories merge into the sandbox', async () => {
  await withWork(async (work) => {
    const from = join(work.dir, 'tree');
    await mkdir(join(from, 'lib'), { recursive: true });
    await writeFile(join(from, 'lib', 'a.so'), 'a');
    // Members "./", "./lib/", "./lib/a.so", as `tar -C dir .` writes them.
    served.files.set('dot.tgz', execFileSync('tar', ['-c', '-z', '-f', '-', '-C', from, '.']));
    await rm(from, { recursive: true });
    served.files.set('more.tar', await systemTar(work, [], { 'lib/b.so': 'b', 'stdout': 'replaced' }));
    await writeFile(join(work.sandbox, 'stdout'), 'agent');
    await fetchInto(work, [uri(`${served.base}/files/dot.tgz`), uri(`${served.base}/files/more.tar`)]);
    assert.equal(await tree(work.sandbox), ['dot.tgz', 'lib/', 'lib/a.so', 'lib/b.so', 'more.tar', 'stdout']);
    assert.is(await readFile(join(work.sandbox, 'stdout'), 'utf8'), 'replaced');
    await assertNoLeftovers(work.sandbox);
  });
});

test('extract .zip: unpacked into the sandbox root, the archive kept', async () => {
  if (!HAVE.unzip) return;
  await withWork(async (work) => {
    served.files.set('site.zip', zipArchive([
      { name: 'www/', mode: 0o40755 },
      { name: 'www/index.html', data: '<p>hi</p>' },
      { name: 'run.sh', data: '#!/bin/sh\n', mode: 0o100755 },
    ]));
    await fetchInto(work, [uri(`${served.base}/files/site.zip`)]);
    assert.equal(await tree(work.sandbox), ['run.sh', 'site.zip', 'www/', 'www/index.html']);
    assert.is(await readFile(join(work.sandbox, 'www/index.html'), 'utf8'), '<p>hi</p>');
    assert.is(await modeOf(join(work.sandbox, 'run.sh')), 0o755);
  });
});

test('extract .gz: gunzipped to the name without .gz, in the sandbox root', async () => {
  await withWork(async (work) => {
    served.files.set('data.csv.gz', gzipSync('a,b\n1,2\n'));
    await fetchInto(work, [uri(`${served.base}/files/data.csv.gz`, { output_file: 'sub/data.csv.gz' })]);
    assert.equal(await tree(work.sandbox), ['data.csv', 'sub/', 'sub/data.csv.gz']);
    assert.is(await readFile(join(work.sandbox, 'data.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.is(await modeOf(join(work.sandbox, 'data.csv')), 0o644);
    // "..gz" would gunzip to ".": refused.
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/data.csv.gz`, { output_file: '..gz' })]), 'FETCH_FAILED', /has no file name/);
  });
});

test('a corrupt archive fails with the tool\'s message and leaves no staging directory', async () => {
  await withWork(async (work) => {
    served.files.set('bad.tar.gz', Buffer.from('this is not gzip'));
    served.files.set('bad.gz', Buffer.from('nor this'));
    const bad = `${served.base}/files/bad.tar.gz`;
    await rejectsAsync(fetchInto(work, [uri(bad)]), 'FETCH_FAILED', new RegExp(`^Failed to fetch '${bad}': Failed to extract archive 'bad.tar.gz': 'tar' exited with status 2: tar: `));
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/bad.gz`)]), 'FETCH_FAILED', /Failed to extract archive 'bad.gz': 'gzip' exited with status 1: gzip: stdin: not in gzip format/);
    if (HAVE.unzip) {
      served.files.set('bad.zip', Buffer.from('PK but not really'));
      await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/bad.zip`)]), 'FETCH_FAILED', /Failed to extract archive 'bad.zip': 'unzip' exited with status 9/);
    }
    await assertNoLeftovers(work.sandbox);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile archives

test('hostile tar: .. members, absolute names, a symlink out and a file through it: refused, nothing escapes', async () => {
  await withWork(async (work) => {
    served.files.set('evil.tar', tarArchive([
      { name: '../escape', data: 'dotdot' },
      { name: `${work.outside}/abs`, data: 'absolute' },
      { name: 'sub/../../escape2', data: 'dotdot2' },
      { name: 'link', type: '2', linkname: work.outside },
      { name: 'link/through', data: 'through' },
      { name: 'rel', type: '2', linkname: '../outside' },
      { name: 'rel/through2', data: 'through2' },
      { name: 'hard', type: '1', linkname: `${work.outside}/target` },
      { name: 'hard2', type: '1', linkname: '../outside/target' },
    ]));
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/evil.tar`)]), 'FETCH_FAILED', /Failed to extract archive 'evil.tar': 'tar' exited with status 2: .*Member name contains '\.\.'/);
    await assertNothingEscaped(work);
    await assertNoLeftovers(work.sandbox);
    // A failed extraction merges nothing.
    assert.equal(await tree(work.sandbox), ['evil.tar']);
  });
});

test('hostile tar across two archives: a symlink left by the first is not written through by the second', async () => {
  await withWork(async (work) => {
    served.files.set('one.tar', tarArchive([{ name: 'link', type: '2', linkname: work.outside }]));
    served.files.set('two.tar', tarArchive([{ name: 'link/through', data: 'through' }]));
    await fetchInto(work, [uri(`${served.base}/files/one.tar`), uri(`${served.base}/files/two.tar`)]);
    await assertNothingEscaped(work);
    // The second archive's directory replaced the symlink.
    assert.equal(await tree(work.sandbox), ['link/', 'link/through', 'one.tar', 'two.tar']);
  });
});

test('hostile tar: device nodes are refused; setuid and setgid bits are cleared', async () => {
  await withWork(async (work) => {
    served.files.set('dev.tar', tarArchive([{ name: 'mem', type: '3', devmajor: 1, devminor: 1, mode: 0o666 }]));
    // As root tar makes the node and the check refuses it; otherwise tar cannot make it at all.
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/dev.tar`)]), 'FETCH_FAILED', IS_ROOT ? /the member 'mem' is a device node/ : /'tar' exited/);
    assert.equal(await tree(work.sandbox), ['dev.tar']);

    served.files.set('suid.tar', tarArchive([{ name: 'su', data: '#!/bin/sh\n', mode: 0o6755 }]));
    await fetchInto(work, [uri(`${served.base}/files/suid.tar`)]);
    assert.is(await modeOf(join(work.sandbox, 'su')), 0o755);
  });
});

test('hostile zip: .. and absolute names, a symlink out and a file through it: refused, nothing escapes', async () => {
  if (!HAVE.unzip) return;
  await withWork(async (work) => {
    served.files.set('names.zip', zipArchive([
      { name: '../escape', data: 'dotdot' },
      { name: `${work.outside}/abs`, data: 'absolute' },
    ]));
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/names.zip`)]), 'FETCH_FAILED', /Failed to extract archive 'names.zip': 'unzip' exited with status 1/);
    served.files.set('link.zip', zipArchive([
      { name: 'link', data: work.outside, mode: 0o120777 },
      { name: 'link/through', data: 'through' },
    ]));
    await rejectsAsync(fetchInto(work, [uri(`${served.base}/files/link.zip`)]), 'FETCH_FAILED', /Failed to extract archive 'link.zip': 'unzip' exited/);
    // Two zips: the symlink left by the first is replaced by the second's directory.
    served.files.set('one.zip', zipArchive([{ name: 'link', data: work.outside, mode: 0o120777 }]));
    served.files.set('two.zip', zipArchive([{ name: 'link/through', data: 'through' }]));
    await fetchInto(work, [uri(`${served.base}/files/one.zip`), uri(`${served.base}/files/two.zip`)]);
    await assertNothingEscaped(work);
    await assertNoLeftovers(work.sandbox);
    assert.ok((await lstat(join(work.sandbox, 'link'))).isDirectory());
  });
});

// ---------------------------------------------------------------------------------------------
// The task user

test('user: everything fetched is owned by the task user; helpers run as that user', async () => {
  if (!IS_ROOT) return;
  await withWork(async (work) => {
    served.files.set('x.txt', Buffer.from('x'));
    served.files.set('pkg.tgz', await systemTar(work, ['-z'], { 'lib/a.so': 'a' }));
    // Readable by all, along a path the task user can walk (mkdtemp makes the top 0700).
    await chmod(work.dir, 0o755);
    await writeFile(join(work.src, 'shared.txt'), 'readable by all');
    await fetchInto(
      work,
      [
        uri(`${served.base}/files/x.txt`, { output_file: 'deep/er/x.txt' }),
        uri(`${served.base}/files/pkg.tgz`),
        uri(join(work.src, 'shared.txt')),
      ],
      { user: NOBODY },
    );
    for (const path of ['deep', 'deep/er', 'deep/er/x.txt', 'pkg.tgz', 'lib', 'lib/a.so', 'shared.txt']) {
      const stats = await lstat(join(work.sandbox, path));
      assert.equal([stats.uid, stats.gid], [NOBODY.uid, NOBODY.gid], path);
    }
  });
});

test('user: a local file the task user cannot read is not copied', async () => {
  if (!IS_ROOT) return;
  await withWork(async (work) => {
    const secret = join(work.src, 'secret');
    await chmod(work.dir, 0o755);
    await writeFile(secret, 'root only');
    await chmod(secret, 0o600);
    await rejectsAsync(fetchInto(work, [uri(secret)], { user: NOBODY }), 'FETCH_FAILED', /Permission denied/);
    assert.equal(await tree(work.sandbox), []);
  });
});

test.run();

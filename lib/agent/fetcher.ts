// The agent's fetcher: puts a task's `CommandInfo.uris` into its sandbox before the executor
// starts, as Mesos's `mesos-fetcher` does (src/launcher/fetcher.cpp, docs/fetcher.md).
//
//   uris ──► planFetch (pure: source, output name, what to do after) ──► every plan valid?
//                                                                            │
//     one URI after another ◄────────────────────────────────────────────────┘
//       │
//       ├─ http(s)://  Node's fetch, redirects followed, 200 only, stall timeout ─┐
//       ├─ /abs/path, file://  copied by `cat`, run as the task user if given ───┤
//       │                                                                        ▼
//       │            <sandbox>/<output>  written to a temporary name, then renamed into place
//       │                                                                        │
//       └─ executable: chmod 0755 ── or ── extract (default): .tar* ─► tar ─┐    │
//                                                          .zip  ─► unzip ─┤    │
//                                                          .gz   ─► gzip -d ┼──► <sandbox>/<name>
//                                                                           ▼
//                      a fresh staging directory, checked, then merged into the sandbox
//
// Every failure is a MesosError FETCH_FAILED whose message names the URI, in Mesos's words:
// "Failed to fetch 'http://x/y': Error downloading resource, received HTTP return code 404".
//
// Why nothing lands outside the sandbox (the sandbox belongs to an untrusted framework, and the
// agent usually runs as root):
//   - output names are relative, without `..`, and the directories leading to them are created
//     one component at a time, refusing any component that is not a real directory (a symlink
//     left by an earlier archive is not followed);
//   - files are written to a new name (O_EXCL | O_NOFOLLOW) and renamed into place, so a
//     symlink or hard link already at the destination is replaced, never written through;
//   - archives are extracted into an empty staging directory of their own. GNU tar refuses
//     members with `..`, strips leading `/`, and defers symlinks that point up or out until the
//     end of the run, so within one run nothing is written through a symlink; unzip strips `../`
//     and `/` and refuses to write through a symlink. Across runs there would be a hole (archive
//     1 leaves `link -> /etc`, archive 2 writes `link/passwd`), which the staging directory
//     closes: each run starts empty. The staging tree is then checked (no device nodes; setuid
//     and setgid bits cleared) and merged into the sandbox with rename(2), descending only into
//     destinations that lstat says are real directories;
//   - with `options.user`, `cat`, `tar`, `unzip` and `gzip` run as that user (libuv also drops
//     supplementary groups), so a local path the task user could not read cannot be copied, as
//     Mesos's fetcher runs as the task user; everything written is owned by the user.
//
// Differences from Mesos, on purpose: the output name of an http(s) URI is the URL-decoded last
// segment of its path (Mesos cuts at the last '/', query string included); ftp(s) and Hadoop
// URIs (hdfs, s3, ...) are not supported; relative local paths are refused (Mesos resolves them
// against --frameworks_home); there is no fetcher cache (`cache` is ignored).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, open, readdir, realpath, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

import { MesosError } from '../common/errors.ts';
import { fail, ok, type Result } from '../common/result.ts';
import type { CommandInfo } from '../types/mesos.ts';
import { errnoCode, procFdDirectory } from './files.ts';

/** Mesos's `--fetcher_stall_timeout` default: a download that receives nothing for this long fails. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** The task user, who owns what is fetched and as whom the helper programs run. */
export interface FetchUser {
  readonly uid: number;
  readonly gid: number;
}

export interface FetchOptions {
  /** A download that receives no bytes for this long fails. Default 60 s. */
  readonly stallTimeoutMs?: number;
  /** Fetch as this user (the agent must be root). Default: as the agent. */
  readonly user?: FetchUser;
  /** Aborts the fetch in progress: downloads stop and helper programs are killed. */
  readonly signal?: AbortSignal;
}

export type FetchSource =
  | { readonly kind: 'http'; readonly url: URL }
  | { readonly kind: 'local'; readonly path: string };

/** How an archive is unpacked: with `tar` (which detects the compression), `unzip`, or `gzip -d`. */
export type ArchiveKind = 'tar' | 'zip' | 'gz';

/** What fetching one URI does, decided before any I/O. */
export interface FetchPlan {
  readonly source: FetchSource;
  /** Where the download goes, relative to the sandbox: `/`-separated, no `.`, `..` or empty parts. */
  readonly output: string;
  /** chmod 0755 instead of 0644; an executable is never extracted. */
  readonly executable: boolean;
  /** The archive to unpack into the sandbox after the download, if any. */
  readonly extract: ArchiveKind | undefined;
}

// ---------------------------------------------------------------------------------------------
// Decisions (pure)

// Mesos's list (src/launcher/fetcher.cpp `extract`), matched case-sensitively on the output name.
const TAR_SUFFIXES = ['.tar', '.tgz', '.tar.gz', '.tbz2', '.tar.bz2', '.txz', '.tar.xz'];

/** The archive kind an output name denotes, or undefined for a plain file. */
export function archiveKind(name: string): ArchiveKind | undefined {
  if (TAR_SUFFIXES.some((suffix) => name.endsWith(suffix))) return 'tar';
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.gz')) return 'gz';
  return undefined;
}

/** Decides how to fetch `uri`, or says why it cannot be fetched. */
export function planFetch(uri: CommandInfo.URI): Result<FetchPlan> {
  // Mesos trims leading whitespace from the URI before anything else.
  const source = parseSource(uri.value.trimStart());
  if (!source.ok) return source;
  const output = uri.output_file !== undefined ? checkOutputFile(uri.output_file) : defaultOutput(source.value);
  if (!output.ok) return output;
  const executable = uri.executable === true;
  const extract = !executable && uri.extract !== false ? archiveKind(posix.basename(output.value)) : undefined;
  return ok({ source: source.value, output: output.value, executable, extract });
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

function parseSource(value: string): Result<FetchSource> {
  if (value.includes('\0')) return fail('Illegal characters in URI');
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // No scheme: a local path, which must be absolute.
    if (!value.startsWith('/')) {
      return fail('A relative path was passed for the resource; only absolute paths, file:// and http(s):// URIs can be fetched');
    }
    return ok({ kind: 'local', path: value });
  }
  if (scheme === 'http' || scheme === 'https') {
    try {
      return ok({ kind: 'http', url: new URL(value) });
    } catch {
      return fail('Malformed URI');
    }
  }
  if (scheme === 'file') {
    try {
      // Accepts file:///p and file://localhost/p, decodes %XX, refuses other hosts and %2F.
      return ok({ kind: 'local', path: fileURLToPath(value) });
    } catch (err) {
      return fail(`Malformed file URI: ${(err as Error).message}`);
    }
  }
  return fail(`unsupported URI scheme '${quote(scheme, 40)}'`);
}

function defaultOutput(source: FetchSource): Result<string> {
  let name: string;
  if (source.kind === 'local') {
    name = posix.basename(source.path);
  } else {
    const segment = source.url.pathname.slice(source.url.pathname.lastIndexOf('/') + 1);
    try {
      name = decodeURIComponent(segment);
    } catch {
      return fail(`Malformed URI: the last path segment '${quote(segment)}' is not valid percent-encoding`);
    }
  }
  return checkName(name, 'the URI');
}

/** A single file name: not empty, not `.` or `..`, no `/` or NUL. */
function checkName(name: string, from: string): Result<string> {
  if (name === '' || name === '.' || name === '..') {
    return fail(`${from} has no file name to save it under (set output_file)`);
  }
  if (name.includes('/') || name.includes('\0')) {
    return fail(`the file name '${quote(name)}' taken from ${from} contains '/' or NUL`);
  }
  return ok(name);
}

function checkOutputFile(file: string): Result<string> {
  // The first two messages are Mesos's (`Fetcher::validateOutputFile`).
  if (file === '') return fail('URI output file path is empty');
  if (file.startsWith('/')) return fail('URI output file must be within the sandbox directory');
  if (file.includes('\0')) return fail('URI output file contains a NUL character');
  if (file.endsWith('/')) return fail(`URI output file '${quote(file)}' names a directory, not a file`);
  const parts = file.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return fail(`URI output file '${quote(file)}' must be within the sandbox directory (it contains '..')`);
  if (parts.length === 0) return fail(`URI output file '${quote(file)}' names no file`);
  return ok(parts.join('/'));
}

// ---------------------------------------------------------------------------------------------
// Fetching (I/O)

/**
 * Fetches `uris` into `sandbox`, one after another, as Mesos's fetcher does. Every URI is checked
 * before anything is fetched. Throws a MesosError FETCH_FAILED naming the first URI that failed;
 * what earlier URIs fetched stays in the sandbox (the task fails anyway).
 */
export async function fetchUris(uris: readonly CommandInfo.URI[], sandbox: string, options: FetchOptions = {}): Promise<void> {
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!Number.isSafeInteger(stallTimeoutMs) || stallTimeoutMs <= 0) {
    throw new RangeError(`stallTimeoutMs must be a positive integer number of milliseconds, got ${stallTimeoutMs}`);
  }
  const plans: FetchPlan[] = [];
  for (const uri of uris) {
    const plan = planFetch(uri);
    if (!plan.ok) throw fetchFailed(uri.value, plan.error);
    plans.push(plan.value);
  }
  if (plans.length === 0) return;

  let root: string;
  try {
    root = await realpath(sandbox);
    if (!(await lstat(root)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new MesosError('FETCH_FAILED', `Failed to fetch into the sandbox '${quote(sandbox)}': ${describe(err)}`, { cause: err });
  }

  const ctx: FetchContext = { root, stallTimeoutMs, user: options.user, signal: options.signal };
  for (const [i, plan] of plans.entries()) {
    const value = uris[i]!.value;
    try {
      if (ctx.signal?.aborted) throw new FetchStepError('the fetch was aborted');
      await fetchOne(plan, ctx);
    } catch (err) {
      throw fetchFailed(value, ctx.signal?.aborted ? 'the fetch was aborted' : describe(err), err);
    }
  }
}

interface FetchContext {
  /** The sandbox's real path: no symlinks in it. */
  readonly root: string;
  readonly stallTimeoutMs: number;
  readonly user: FetchUser | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A failure whose message is already the reason to report. */
class FetchStepError extends Error {
  override name = 'FetchStepError';
}

function fetchFailed(uri: string, reason: string, cause?: unknown): MesosError {
  return new MesosError('FETCH_FAILED', `Failed to fetch '${quote(uri)}': ${reason}`, { cause });
}

async function fetchOne(plan: FetchPlan, ctx: FetchContext): Promise<void> {
  const dir = await makeParents(ctx, posix.dirname(plan.output));
  const name = posix.basename(plan.output);
  const mode = plan.executable ? 0o755 : 0o644;
  await writeAtomically(ctx, dir, name, mode, async (file) => {
    if (plan.source.kind === 'http') {
      await download(plan.source.url, file, ctx);
    } else {
      const path = plan.source.path;
      await runTool(ctx, { command: 'cat', args: ['--', path], stdout: file.fd }, `Failed to copy '${quote(path)}'`);
    }
  });
  if (plan.extract !== undefined) await extract(plan.extract, posix.join(dir, name), plan.output, ctx);
}

/**
 * Creates the directories of `relativeDir` under the sandbox one at a time and returns the real
 * path of the last. An existing component must be a real directory: a symlink (which an earlier
 * archive may have left pointing anywhere) is refused rather than followed.
 */
async function makeParents(ctx: FetchContext, relativeDir: string): Promise<string> {
  let dir = ctx.root;
  if (relativeDir === '.') return dir;
  for (const part of relativeDir.split('/')) {
    dir = posix.join(dir, part);
    const existing = await lstatIfExists(dir);
    if (existing === undefined) {
      try {
        await mkdir(dir, { mode: 0o755 });
      } catch (err) {
        if (errnoCode(err) !== 'EEXIST') throw err;
      }
      const made = await lstat(dir);
      if (!made.isDirectory()) throw notADirectory(ctx, dir, made);
      if (ctx.user !== undefined) await chown(dir, ctx.user.uid, ctx.user.gid);
    } else if (!existing.isDirectory()) {
      throw notADirectory(ctx, dir, existing);
    }
  }
  return dir;
}

function notADirectory(ctx: FetchContext, path: string, stats: Stats): FetchStepError {
  const what = stats.isSymbolicLink() ? 'a symbolic link' : 'not a directory';
  return new FetchStepError(`'${quote(posix.relative(ctx.root, path))}' in the sandbox is ${what}; refusing to write through it`);
}

/**
 * Writes `dir/name` through `write` into a new temporary file (created exclusively, never
 * following a symlink), sets its mode and owner, and renames it into place, so that whatever was
 * at `dir/name` (a file, a symlink) is replaced rather than written through. Nothing is left
 * behind on failure.
 */
async function writeAtomically(
  ctx: FetchContext,
  dir: string,
  name: string,
  mode: number,
  write: (file: FileHandle) => Promise<void>,
): Promise<void> {
  const temp = posix.join(dir, `.fetch-${randomBytes(8).toString('hex')}.tmp`);
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
  const file = await open(temp, flags, 0o600);
  let closed = false;
  try {
    await write(file);
    // Explicitly, so that the agent's umask does not decide.
    await file.chmod(mode);
    if (ctx.user !== undefined) await file.chown(ctx.user.uid, ctx.user.gid);
    await file.close();
    closed = true;
    const target = posix.join(dir, name);
    try {
      await rename(temp, target);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new FetchStepError(`cannot write '${quote(posix.relative(ctx.root, target))}': a directory is in the way`);
      }
      throw err;
    }
  } catch (err) {
    if (!closed) await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
}

/**
 * Downloads `url` into `file` as Mesos's `net::download` (libcurl) does: redirects followed,
 * success only on a final 200, and failure when no byte arrives for the stall timeout, be it
 * while waiting for the response or in the middle of the body.
 */
async function download(url: URL, file: FileHandle, ctx: FetchContext): Promise<void> {
  const controller = new AbortController();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, ctx.stallTimeoutMs);
  };
  const onAbort = (): void => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  arm();
  try {
    const response = await fetch(url, {
      redirect: 'follow',
      signal: controller.signal,
      // The bytes as the server stores them: fetch would otherwise undo a Content-Encoding, and
      // a .tar.gz served with `Content-Encoding: gzip` would be saved as a plain tar.
      headers: { 'accept-encoding': 'identity' },
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new FetchStepError(`Error downloading resource, received HTTP return code ${response.status}`);
    }
    if (response.body !== null) {
      for await (const chunk of response.body) {
        arm();
        await file.write(chunk);
        arm();
      }
    }
  } catch (err) {
    if (err instanceof FetchStepError) throw err;
    if (stalled) throw new FetchStepError(`Error downloading resource: no data received for ${ctx.stallTimeoutMs} ms (stall timeout)`);
    if (ctx.signal?.aborted) throw new FetchStepError('the fetch was aborted');
    throw new FetchStepError(`Error downloading resource: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}

// ---------------------------------------------------------------------------------------------
// Extraction

/**
 * Unpacks the archive at `archivePath` (written to the sandbox as `output`) into the sandbox
 * root, where Mesos extracts every archive whatever its output_file. The archive stays.
 */
async function extract(kind: ArchiveKind, archivePath: string, output: string, ctx: FetchContext): Promise<void> {
  const what = `Failed to extract archive '${quote(output)}'`;
  const archive = await open(archivePath, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    if (kind === 'gz') {
      // A bare .gz becomes its name without .gz, in the sandbox root (`gunzip -d -c`, as Mesos).
      const name = checkName(posix.basename(output).slice(0, -'.gz'.length), `the archive name '${quote(output)}'`);
      if (!name.ok) throw new FetchStepError(`${what}: ${name.error}`);
      await writeAtomically(ctx, ctx.root, name.value, 0o644, (file) =>
        runTool(ctx, { command: 'gzip', args: ['-d', '-c'], stdin: archive.fd, stdout: file.fd }, what),
      );
      return;
    }

    const staging = await mkdtemp(posix.join(ctx.root, '.fetch-'));
    try {
      if (ctx.user !== undefined) await chown(staging, ctx.user.uid, ctx.user.gid);
      // The tool reads the archive from our descriptor, so that a task user needs no access to
      // the directories above the sandbox. tar detects the compression only from a file it
      // opens itself (not from a stdin pipe), hence /proc/self/fd/0 where Linux has it.
      const source = procFdDirectory() !== undefined ? '/proc/self/fd/0' : archivePath;
      const args = kind === 'tar' ? ['-x', '-f', source, '--no-same-owner'] : ['-o', '-q', source];
      await runTool(ctx, { command: kind === 'tar' ? 'tar' : 'unzip', args, cwd: staging, stdin: archive.fd }, what);
      await checkExtracted(staging, what);
      await mergeInto(staging, ctx.root);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    await archive.close();
  }
}

/**
 * Walks a staging tree without following symlinks: refuses device nodes (an archive extracted
 * by root could otherwise hand the task /dev/mem) and clears setuid and setgid bits on files.
 * Iterative, so that a hostile archive nested thousands of levels deep cannot exhaust the stack.
 */
async function checkExtracted(staging: string, what: string): Promise<void> {
  const pending = [staging];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const name of await readdir(dir)) {
      const path = posix.join(dir, name);
      const stats = await lstat(path);
      if (stats.isDirectory()) {
        pending.push(path);
      } else if (stats.isBlockDevice() || stats.isCharacterDevice()) {
        throw new FetchStepError(`${what}: the member '${quote(posix.relative(staging, path))}' is a device node; device nodes are not extracted`);
      } else if (stats.isFile() && (stats.mode & 0o6000) !== 0) {
        // A plain file by lstat, and nothing else writes to the staging tree: chmod is safe.
        await chmod(path, stats.mode & 0o1777);
      }
    }
  }
}

/**
 * Moves every entry of `staging` into `root`, merging directories that already exist there.
 * A destination is descended into only when lstat says it is a real directory; anything else in
 * the way (a file, a symlink) is replaced by rename(2), which never follows it. The invariant:
 * every path touched is `root` plus names, through real directories only. Nothing but the
 * fetcher writes to the sandbox before the executor starts.
 */
async function mergeInto(staging: string, root: string): Promise<void> {
  const pending: Array<[from: string, to: string]> = [[staging, root]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [fromDir, toDir] = next;
    for (const name of await readdir(fromDir)) {
      const from = posix.join(fromDir, name);
      const to = posix.join(toDir, name);
      const source = await lstat(from);
      const existing = await lstatIfExists(to);
      if (source.isDirectory() && existing?.isDirectory()) {
        pending.push([from, to]);
        continue;
      }
      if (existing?.isDirectory()) {
        throw new FetchStepError(`cannot replace the directory '${quote(posix.relative(root, to))}' in the sandbox with a non-directory from the archive`);
      }
      // rename(2) cannot put a directory over a non-directory: remove that first.
      if (existing !== undefined && source.isDirectory()) await unlink(to);
      await rename(from, to);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helper programs

interface ToolRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** A file descriptor for the program's stdin; /dev/null if absent. */
  readonly stdin?: number;
  /** A file descriptor for the program's stdout; /dev/null if absent. */
  readonly stdout?: number;
}

// A fixed environment: stable (English) messages, and no GZIP/UNZIP/TAR_OPTIONS from the agent's.
const TOOL_ENV = { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' };
const MAX_STDERR_CHARS = 400;

/**
 * Runs a helper program, never through a shell, as the task user if there is one, killed if the
 * fetch is aborted. Rejects with `what`, plus the program's first error lines, when it cannot be
 * started or exits with anything but 0.
 */
function runTool(ctx: FetchContext, run: ToolRun, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      if (err === undefined) resolve();
      else reject(err);
    };
    let stderr = '';
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env: TOOL_ENV,
      stdio: [run.stdin ?? 'ignore', run.stdout ?? 'ignore', 'pipe'],
      signal: ctx.signal,
      ...(ctx.user !== undefined ? { uid: ctx.user.uid, gid: ctx.user.gid } : {}),
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 4 * MAX_STDERR_CHARS) stderr += chunk;
    });
    child.once('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ENOENT') settle(new FetchStepError(`${what}: '${run.command}' is not installed (not found on PATH)`));
      else if (code === 'ABORT_ERR') settle(new FetchStepError('the fetch was aborted'));
      else if (code === 'EPERM' && ctx.user !== undefined) {
        settle(new FetchStepError(`${what}: cannot run '${run.command}' as uid ${ctx.user.uid} (the agent must run as root to fetch as another user)`));
      } else settle(new FetchStepError(`${what}: cannot run '${run.command}': ${describe(err)}`));
    });
    child.once('close', (code, signal) => {
      if (code === 0) return settle();
      const said = stderr.trim().split('\n').map((line) => line.trim()).filter((line) => line !== '').join('; ');
      const status = signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
      settle(new FetchStepError(`${what}: '${run.command}' ${status}${said === '' ? '' : `: ${truncate(said, MAX_STDERR_CHARS)}`}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** An error's message, with the cause fetch() hides behind "fetch failed". */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause !== undefined && cause !== err.message ? `${err.message}: ${cause}` : err.message;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A user-supplied string as quoted in an error message: bounded, so messages stay short. */
function quote(s: string, max = 200): string {
  return truncate(s, max);
}

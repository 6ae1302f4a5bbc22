// Mesos's `/files` endpoints (src/files/files.cpp): browse and read the files of attached
// directories (executor sandboxes, the agent's log) by a virtual path, the way the web UI's
// sandbox browser and pailer do.
//
//   ?path=/frameworks/F/executors/E/runs/latest/stdout
//        │  strip file://, lexical normalisation (no `..` left)
//        ▼
//   longest attached prefix ──► real root + suffix ──► realpath ──► inside the root? ──► 404 if not
//        │
//        ▼
//   open(O_NOFOLLOW | O_NONBLOCK) ──► the descriptor still inside the root (/proc/self/fd) and the
//                                     same file as checked (dev + ino)? ──► read or list through it
//
// Confinement: the sandbox belongs to an untrusted task, which can plant symlinks and swap path
// components while we look. A path is served only if its real path (after the task's symlinks)
// is inside the real path of the attached directory, and only through a descriptor checked after
// opening, so a swap between the check and the open is caught. Anything outside (`..`, an
// absolute host path, a symlink out of the sandbox) is 404, exactly like a missing file: Mesos
// answers a symlink out of its "chroot" with 400 "'<host path>' is inaccessible", which tells
// the task whether an arbitrary host path exists and shows the host layout; a 404 tells nothing.
//
// HTTP semantics follow files.cpp (Mesos 1.11 / master):
//   - missing or empty `path`: 400 "Expecting 'path=value' in query.";
//   - browse: a sorted array of FileInfo (`model(FileInfo)` in src/common/http.cpp); a path that
//     is a file lists as `[]` (os::ls fails and Mesos returns the empty listing);
//   - read: `offset` defaults to -1, which answers `{"data":"","offset":<size>}`; `length` -1 or
//     absent reads to the end; both must be integers >= -1 ("Failed to parse offset: ...",
//     "Negative offset provided: -2."); one read returns at most 16 pages (Mesos:
//     16 × os::pagesize(), 64 KiB with 4 KiB pages); an offset at or past the end answers no data
//     and the requested offset; a directory is 400 "Cannot read a directory.".
//   - `?jsonp=<callback>` wraps the JSON replies.
// Not served: `/files/download` (it needs a streamed file reply, which the HTTP layer does not
// have) and `/files/debug` (it shows host paths and Mesos guards it with authorization).

import { constants as fsConstants, existsSync, type Stats } from 'node:fs';
import { access, lstat, open, readFile, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';

import { MesosError } from '../common/errors.ts';
import { valueReply, type Router } from '../common/http.ts';
import { fail, ok, type Result } from '../common/result.ts';

/** Mesos caps one read at 16 pages; with 4 KiB pages that is 64 KiB. */
export const DEFAULT_MAX_READ_BYTES = 16 * 4096;

/** One entry of a `/files/browse` listing, Mesos's `model(FileInfo)`; keys in Mesos's (sorted) order. */
export interface FileInfo {
  /** The owning group's name, or its number when it has none. */
  readonly gid: string;
  /** As `ls -l` shows it: type and the nine permission bits, e.g. `-rw-r--r--`, `drwxr-xr-x`. */
  readonly mode: string;
  /** Modification time, whole seconds since the epoch. */
  readonly mtime: number;
  readonly nlink: number;
  /** The virtual path: the browsed path joined with the entry's name. */
  readonly path: string;
  readonly size: number;
  /** The owner's name, or its number when it has none. */
  readonly uid: string;
}

/** A `/files/read` answer. */
export interface ReadResult {
  readonly data: string;
  readonly offset: number;
}

export interface SandboxFilesOptions {
  /** The most one read returns, in bytes. Default 64 KiB. */
  readonly maxReadBytes?: number;
}

interface Mount {
  /** The path given to attach(), normalised: detach() accepts it as well as the virtual path. */
  readonly source: string;
  /** The real path of the attached file or directory: no symlinks in it. */
  readonly root: string;
  readonly isDirectory: boolean;
}

interface Resolved {
  readonly mount: Mount;
  /** The requested path, normalised. */
  readonly virtual: string;
  /** Its real path, inside `mount.root`. */
  readonly real: string;
}

/** The attached directories and files, and the `/files` endpoints over them. */
export class SandboxFiles {
  readonly maxReadBytes: number;
  // Keyed by virtual path: absolute, normalised, no trailing '/'.
  readonly #mounts = new Map<string, Mount>();

  constructor(options: SandboxFilesOptions = {}) {
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    if (!Number.isSafeInteger(this.maxReadBytes) || this.maxReadBytes < 1) {
      throw new RangeError(`maxReadBytes must be a positive integer, got ${this.maxReadBytes}`);
    }
  }

  /**
   * Serves `path` (a sandbox directory, or a file such as a log) under `virtualPath`, by default
   * `path` itself, as Mesos attaches each sandbox under both its real path and
   * `/frameworks/<F>/executors/<E>/runs/latest`. Attaching a virtual path again replaces it.
   * Throws FILE_NOT_FOUND when `path` does not exist or cannot be read.
   */
  async attach(path: string, virtualPath: string = path): Promise<void> {
    const source = normaliseVirtual(fromUri(path));
    const key = normaliseVirtual(fromUri(virtualPath));
    if (source === undefined || key === undefined) {
      throw new MesosError('INTERNAL', `cannot attach '${quote(path)}' as '${quote(virtualPath)}': both must be absolute paths`);
    }
    let root: string;
    let stats: Stats;
    try {
      root = await realpath(source);
      stats = await stat(root);
      await access(root, fsConstants.R_OK);
    } catch (err) {
      throw new MesosError('FILE_NOT_FOUND', `Failed to attach '${quote(path)}': ${(err as Error).message}`, { cause: err });
    }
    this.#mounts.set(key, { source, root, isDirectory: stats.isDirectory() });
  }

  /** Stops serving `path`, which is a virtual path or a path given to attach() (all its aliases go). */
  detach(path: string): void {
    const key = normaliseVirtual(fromUri(path));
    if (key === undefined) return;
    for (const [virtual, mount] of this.#mounts) {
      if (virtual === key || mount.source === key) this.#mounts.delete(virtual);
    }
  }

  /** Virtual path → real path, for diagnostics. */
  attached(): Map<string, string> {
    return new Map([...this.#mounts].map(([virtual, mount]) => [virtual, mount.root]));
  }

  /**
   * Lists a directory, sorted by name. A file lists as `[]`, as in Mesos. Symlinks are followed
   * where they stay inside the attached directory (so `runs/latest` shows as a directory); one
   * that leaves it is listed as the link itself, never with its target's details; a dangling one
   * is left out, as Mesos does when stat fails. Throws FILE_NOT_FOUND.
   */
  async browse(path: string): Promise<FileInfo[]> {
    const { mount, virtual, real } = await this.#resolve(path);
    let dir: FileHandle;
    try {
      dir = await open(real, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch (err) {
      if (errnoCode(err) === 'ENOTDIR') return [];
      throw this.#openFailed(err, path);
    }
    try {
      await this.#checkOpened(dir, mount, path);
      // Listing through the descriptor pins the directory we checked.
      const proc = procFdDirectory();
      const base = proc !== undefined ? `${proc}/${dir.fd}` : real;
      const names = await readdir(base);
      const owners = await loadOwnerNames();
      const entries: Array<{ name: string; info: FileInfo }> = [];
      for (const name of names) {
        const stats = await this.#entryStats(posix.join(base, name), mount);
        if (stats !== undefined) entries.push({ name, info: fileInfo(joinVirtual(virtual, name), stats, owners) });
      }
      // Mesos sorts by path, byte-wise (a std::map of std::string).
      entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
      return entries.map((entry) => entry.info);
    } finally {
      await dir.close();
    }
  }

  /**
   * Reads up to `length` bytes (-1: to the end; at most `maxReadBytes`) from `offset`
   * (-1: answer the size only). See `readWindow` for the exact answers. Throws FILE_NOT_FOUND,
   * or BAD_REQUEST for a directory or an offset or length that is not an integer >= -1.
   */
  async read(path: string, offset = -1, length = -1): Promise<ReadResult> {
    const { bytes, offset: at } = await this.readBytes(path, offset, length);
    return { data: bytes.toString('utf8'), offset: at };
  }

  /** As `read`, with the bytes as they are in the file (READ_FILE hands them out as base64). */
  async readBytes(path: string, offset = -1, length = -1): Promise<{ bytes: Buffer; offset: number }> {
    for (const [name, value] of [['offset', offset], ['length', length]] as const) {
      if (!Number.isSafeInteger(value) || value < -1) {
        throw new MesosError('BAD_REQUEST', `The ${name} must be an integer >= -1, got ${value}.`);
      }
    }
    const { mount, real } = await this.#resolve(path);
    let checked: Stats;
    try {
      checked = await lstat(real);
    } catch (err) {
      throw this.#openFailed(err, path);
    }
    if (checked.isDirectory()) throw new MesosError('BAD_REQUEST', 'Cannot read a directory.');
    // FIFOs, sockets and devices are never opened (a FIFO would block, a device could be
    // anything): they read as empty, as their stat size says.
    if (!checked.isFile()) return { bytes: Buffer.alloc(0), offset: readWindow(0, offset, length, this.maxReadBytes).offset };

    let file: FileHandle;
    try {
      file = await open(real, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch (err) {
      throw this.#openFailed(err, path);
    }
    try {
      const opened = await file.stat();
      // Not the file we checked: something was swapped in between.
      if (!opened.isFile() || opened.dev !== checked.dev || opened.ino !== checked.ino) throw notFound(path);
      await this.#checkOpened(file, mount, path);
      const window = readWindow(opened.size, offset, length, this.maxReadBytes);
      if (window.bytes === 0) return { bytes: Buffer.alloc(0), offset: window.offset };
      // At most maxReadBytes, however large the offset or length asked for.
      const buffer = Buffer.alloc(window.bytes);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, window.offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { bytes: buffer.subarray(0, filled), offset: window.offset };
    } finally {
      await file.close();
    }
  }

  /** Adds `GET /files/browse` and `GET /files/read` to `router`. */
  routes(router: Router): Router {
    router.add({
      path: '/files/browse',
      methods: ['GET'],
      jsonp: true,
      handler: async (ctx) => {
        const path = requiredPath(ctx.query);
        if (!path.ok) throw new MesosError('BAD_REQUEST', path.error);
        return valueReply(await this.browse(path.value));
      },
    });
    router.add({
      path: '/files/read',
      methods: ['GET'],
      jsonp: true,
      handler: async (ctx) => {
        const query = parseReadQuery(ctx.query);
        if (!query.ok) throw new MesosError('BAD_REQUEST', query.error);
        const { path, offset, length } = query.value;
        return valueReply(await this.read(path, offset, length));
      },
    });
    return router;
  }

  /** The attached prefix `path` falls under and its real path inside it, or FILE_NOT_FOUND. */
  async #resolve(path: string): Promise<Resolved> {
    const virtual = normaliseVirtual(fromUri(path));
    if (virtual === undefined) throw notFound(path);
    // The longest attached prefix, whole components only (as Mesos's `resolve`).
    let prefix = virtual;
    let suffix = '';
    let mount = this.#mounts.get(prefix);
    while (mount === undefined) {
      if (prefix === '/') throw notFound(path);
      const cut = prefix.lastIndexOf('/');
      suffix = suffix === '' ? prefix.slice(cut + 1) : `${prefix.slice(cut + 1)}/${suffix}`;
      prefix = cut === 0 ? '/' : prefix.slice(0, cut);
      mount = this.#mounts.get(prefix);
    }
    if (!mount.isDirectory) {
      // An attached file has nothing below it.
      if (suffix !== '') throw notFound(path);
      return { mount, virtual, real: mount.root };
    }
    // `virtual` is normalised, so `suffix` has no `..`: lexically this stays inside the root.
    const candidate = suffix === '' ? mount.root : `${mount.root}/${suffix}`;
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (err) {
      throw this.#openFailed(err, path);
    }
    if (!isWithin(real, mount.root)) throw notFound(path);
    return { mount, virtual, real };
  }

  /** Where the descriptor really is must still be inside the attached directory. */
  async #checkOpened(handle: FileHandle, mount: Mount, path: string): Promise<void> {
    const proc = procFdDirectory();
    // Without /proc the dev + ino comparison made by the caller is the check.
    if (proc === undefined) return;
    const where = (await readlink(`${proc}/${handle.fd}`)).replace(/ \(deleted\)$/, '');
    if (!isWithin(where, mount.root)) throw notFound(path);
  }

  /** A listing entry's stats, following a symlink only where it stays inside the attached root. */
  async #entryStats(path: string, mount: Mount): Promise<Stats | undefined> {
    try {
      const own = await lstat(path);
      if (!own.isSymbolicLink()) return own;
      const target = await realpath(path);
      return isWithin(target, mount.root) ? await stat(path) : own;
    } catch {
      // Gone since readdir, or a dangling symlink: Mesos leaves out what it cannot stat.
      return undefined;
    }
  }

  #openFailed(err: unknown, path: string): MesosError {
    const code = errnoCode(err);
    // ELOOP: a symlink where O_NOFOLLOW found one (or a loop); the rest: nothing there to serve.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG' || code === 'EACCES') {
      return notFound(path);
    }
    return new MesosError('INTERNAL', `Failed to open '${quote(path)}': ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// Decisions (pure)

/**
 * What a read answers, as files.cpp computes it, for a file of `size` bytes. `offset` and
 * `length` are integers >= -1. Returns the offset to answer with and how many bytes to read
 * there (0: none).
 *
 *   size 10, offset -1            → { offset: 10, bytes: 0 }   the size, no data
 *   size 10, offset 4,  length -1 → { offset: 4,  bytes: 6 }   to the end
 *   size 10, offset 4,  length 3  → { offset: 4,  bytes: 3 }
 *   size 10, offset 12, length 3  → { offset: 12, bytes: 0 }   past the end: the offset asked for
 *   size 1 MiB, offset 0, max 64 KiB → { offset: 0, bytes: 65536 }
 */
export function readWindow(size: number, offset: number, length: number, maxBytes: number): { offset: number; bytes: number } {
  if (offset === -1) return { offset: size, bytes: 0 };
  if (offset >= size) return { offset, bytes: 0 };
  const remaining = size - offset;
  const wanted = length === -1 ? remaining : Math.min(length, remaining);
  return { offset, bytes: Math.min(wanted, maxBytes) };
}

/** `path` from a `/files` query: present and not empty. */
export function requiredPath(query: URLSearchParams): Result<string> {
  const path = query.get('path');
  return path === null || path === '' ? fail("Expecting 'path=value' in query.") : ok(path);
}

/**
 * The `/files/read` query, checked in Mesos's order (path, offset, length) with its messages.
 * Numbers are decimal integers with an optional sign, at most Number.MAX_SAFE_INTEGER.
 */
export function parseReadQuery(query: URLSearchParams): Result<{ path: string; offset: number; length: number }> {
  const path = requiredPath(query);
  if (!path.ok) return path;
  const offset = parseBound(query.get('offset'), 'offset');
  if (!offset.ok) return offset;
  const length = parseBound(query.get('length'), 'length');
  if (!length.ok) return length;
  return ok({ path: path.value, offset: offset.value, length: length.value });
}

function parseBound(raw: string | null, name: string): Result<number> {
  if (raw === null) return ok(-1);
  const value = /^[+-]?\d{1,20}$/.test(raw) ? Number(raw) : Number.NaN;
  // Beyond 2^53 a number is no longer exact; Mesos's int64 limit is further, but no file is that big.
  if (!Number.isSafeInteger(value)) return fail(`Failed to parse ${name}: Failed to convert '${quote(raw, 40)}' to number.`);
  if (value < -1) return fail(`Negative ${name} provided: ${value}.`);
  return ok(value);
}

const FILE_TYPES: ReadonlyArray<[mask: number, letter: string]> = [
  [fsConstants.S_IFREG, '-'],
  [fsConstants.S_IFDIR, 'd'],
  [fsConstants.S_IFCHR, 'c'],
  [fsConstants.S_IFBLK, 'b'],
  [fsConstants.S_IFIFO, 'p'],
  [fsConstants.S_IFLNK, 'l'],
  [fsConstants.S_IFSOCK, 's'],
];

/**
 * A mode as Mesos shows it: the type letter and the nine rwx bits (setuid, setgid and sticky are
 * not shown). 0o100644 → `-rw-r--r--`, 0o40755 → `drwxr-xr-x`.
 */
export function modeString(mode: number): string {
  const type = FILE_TYPES.find(([mask]) => (mode & fsConstants.S_IFMT) === mask)?.[1] ?? '-';
  let bits = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const triple = (mode >> shift) & 7;
    bits += `${triple & 4 ? 'r' : '-'}${triple & 2 ? 'w' : '-'}${triple & 1 ? 'x' : '-'}`;
  }
  return type + bits;
}

interface OwnerNames {
  readonly users: ReadonlyMap<number, string>;
  readonly groups: ReadonlyMap<number, string>;
}

function fileInfo(path: string, stats: Stats, owners: OwnerNames): FileInfo {
  return {
    gid: owners.groups.get(stats.gid) ?? String(stats.gid),
    mode: modeString(stats.mode),
    mtime: Math.floor(stats.mtimeMs / 1000),
    nlink: stats.nlink,
    path,
    size: stats.size,
    uid: owners.users.get(stats.uid) ?? String(stats.uid),
  };
}

/**
 * User and group names from /etc/passwd and /etc/group, read per listing (they are small).
 * Mesos asks getpwuid/getgrgid, which also sees NSS sources (LDAP); those show as numbers here.
 */
async function loadOwnerNames(): Promise<OwnerNames> {
  const table = async (file: string): Promise<Map<number, string>> => {
    const names = new Map<number, string>();
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const [name, , id] = line.split(':');
      const number = Number(id);
      if (name !== undefined && name !== '' && id !== undefined && /^\d+$/.test(id) && !names.has(number)) names.set(number, name);
    }
    return names;
  };
  const [users, groups] = await Promise.all([table('/etc/passwd'), table('/etc/group')]);
  return { users, groups };
}

// ---------------------------------------------------------------------------------------------
// Paths (shared with the fetcher)

/** Mesos's `path::from_uri`: a `file://` prefix is dropped. */
function fromUri(path: string): string {
  return path.startsWith('file://') ? path.slice('file://'.length) : path;
}

/**
 * An absolute virtual path, normalised lexically (`.`, `..` and repeated `/` resolved; `..`
 * cannot climb above `/`) and without a trailing `/`; undefined for a relative path or one
 * with NUL.
 */
function normaliseVirtual(path: string): string | undefined {
  if (!path.startsWith('/') || path.includes('\0')) return undefined;
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function joinVirtual(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Whether the absolute, normalised `path` is `root` or below it (whole components: /a/bc is not in /a/b). */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

let procFd: string | null | undefined;

/**
 * `/proc/self/fd` where the OS has it (Linux), detected once: a descriptor's entry there names
 * where the opened file really is, and opening it reopens that file without walking its path.
 */
export function procFdDirectory(): string | undefined {
  procFd ??= existsSync('/proc/self/fd') ? '/proc/self/fd' : null;
  return procFd ?? undefined;
}

/** The `code` of a Node system error (`ENOENT`), if any. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Missing, outside the attached directories, or a symlink out of them: the same answer for all.
function notFound(path: string): MesosError {
  return new MesosError('FILE_NOT_FOUND', `No file or directory at '${quote(path)}'`);
}

function quote(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

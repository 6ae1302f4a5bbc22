// The embedded durable Store: LevelDB through classic-level (N-API, prebuilt binaries shipped in
// the npm package), in one directory, by default the master's `<work_dir>/registry`.
//
// Durability: every write is a LevelDB write batch with `sync: true`, so LevelDB appends it to its
// log and fsyncs before the promise resolves (store.ts states the contract). A put or delete is a
// batch of one, so there is one write path.
//
// Order: writes go through a queue, one LevelDB write at a time, and watchers are told inside the
// queue. LevelDB would accept concurrent writes and group them into one fsync, but their completion
// callbacks can reach JavaScript in another order than LevelDB applied them, and a watcher that
// keeps a cache must see the order of the disk. Registry writes are rare (Mesos's registrar
// itself applies one operation batch at a time), so the lost group commit costs nothing that
// matters.
//
// Locking: LevelDB holds an fcntl lock on `<path>/LOCK` while open, so a second master (or a
// second store in this process) on the same directory fails with STORE_LOCKED. The kernel drops
// the lock when the holder dies, however it dies; the LOCK file left behind is harmless.

import { ClassicLevel } from 'classic-level';
import { truncate } from '../api/numbers.ts';
import { MesosError } from '../common/errors.ts';
import { Watchers, checkDelete, checkKey, checkOps, checkPrefix, checkPut } from './store.ts';
import type { Store, StoreListener, StoreOp } from './store.ts';

// LevelDB's own words appear in messages, cut to this many characters.
const DETAIL_IN_MESSAGE = 300;

interface LevelError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** abstract-level wraps the failure that matters in `cause` (e.g. LEVEL_LOCKED in LEVEL_DATABASE_NOT_OPEN). */
function innermost(err: unknown): LevelError {
  let e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as LevelError;
  while (typeof e.cause === 'object' && e.cause !== null) e = e.cause as LevelError;
  return e;
}

function detail(err: unknown): string {
  return truncate(String(innermost(err).message ?? err), DETAIL_IN_MESSAGE);
}

/** Why LevelDB would not open `path`, as a MesosError. */
function openError(path: string, err: unknown): MesosError {
  const code = innermost(err).code;
  if (code === 'LEVEL_LOCKED') {
    return new MesosError('STORE_LOCKED',
      `Cannot open the store at ${path}: it is locked by another process or another open store (LevelDB's LOCK file): ${detail(err)}`,
      { cause: err });
  }
  if (code === 'LEVEL_CORRUPTION') {
    return new MesosError('STORE_CORRUPT', `Cannot open the store at ${path}: LevelDB reports corruption: ${detail(err)}`, { cause: err });
  }
  return new MesosError('STORE_IO', `Cannot open the store at ${path}: ${detail(err)}`, { cause: err });
}

/**
 * classic-level hands values back as Buffers; callers get plain Uint8Arrays (the same memory, no
 * copy), so that values compare equal whichever backend they came from.
 */
function plain(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export class LevelDbStore implements Store {
  /** The LevelDB directory. */
  readonly path: string;
  readonly #db: ClassicLevel<string, Uint8Array>;
  readonly #watchers = new Watchers();
  #closed = false;
  #closing: Promise<void> | undefined;
  // The last queued write, settled or not; never rejects (failures go to the write's caller).
  #tail: Promise<void> = Promise.resolve();

  private constructor(path: string, db: ClassicLevel<string, Uint8Array>) {
    this.path = path;
    this.#db = db;
  }

  /**
   * Opens (creating it and its parents if missing) the LevelDB store in directory `path`.
   * Rejects with STORE_LOCKED if it is open elsewhere, STORE_IO if the directory cannot be
   * created or read, STORE_CORRUPT if LevelDB finds its files damaged.
   */
  static async open(path: string): Promise<LevelDbStore> {
    if (typeof path !== 'string' || path === '') {
      // The master requires --work_dir before it gets here, so this is a bug.
      throw new MesosError('INTERNAL', 'Cannot open a LevelDB store without a directory path');
    }
    let db: ClassicLevel<string, Uint8Array>;
    try {
      db = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
      await db.open({ createIfMissing: true });
    } catch (err) {
      throw openError(path, err);
    }
    return new LevelDbStore(path, db);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    checkKey(key);
    let value: Uint8Array | undefined;
    try {
      value = await this.#db.get(key);
    } catch (err) {
      throw this.#error('read', err);
    }
    return value === undefined ? undefined : plain(value);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.#write(() => checkPut(key, value));
  }

  delete(key: string): Promise<void> {
    return this.#write(() => checkDelete(key));
  }

  batch(ops: readonly StoreOp[]): Promise<void> {
    return this.#write(() => checkOps(ops));
  }

  async *scan(prefix: string): AsyncIterableIterator<[key: string, value: Uint8Array]> {
    this.#checkOpen();
    checkPrefix(prefix);
    // Keys with a prefix form one run in byte order starting at the prefix itself (UTF-8 keeps
    // string prefixes as byte prefixes), so the scan seeks there and stops at the first key
    // outside. classic-level reads from a snapshot taken here, and fetches entries in batches.
    const iterator = this.#db.iterator(prefix === '' ? {} : { gte: prefix });
    try {
      for (;;) {
        this.#checkOpen();
        let entry: [string, Uint8Array] | undefined;
        try {
          entry = await iterator.next();
        } catch (err) {
          throw this.#error('scan', err);
        }
        if (entry === undefined || !entry[0].startsWith(prefix)) return;
        yield [entry[0], plain(entry[1])];
      }
    } finally {
      // Also runs when the consumer stops early (break, return or a throw in its loop body).
      await iterator.close().catch(() => {});
    }
  }

  watch(prefix: string, listener: StoreListener): () => void {
    this.#checkOpen();
    return this.#watchers.add(prefix, listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    this.#watchers.clear();
    try {
      await this.#db.close();
    } catch (err) {
      throw new MesosError('STORE_IO', `Cannot close the store at ${this.path}: ${detail(err)}`, { cause: err });
    }
  }

  // Validates now (so a bad call rejects at once and a closed store refuses it), then queues the
  // LevelDB write behind earlier ones and tells the watchers once it is on disk.
  #write(validate: () => StoreOp[]): Promise<void> {
    let ops: StoreOp[];
    try {
      this.#checkOpen();
      ops = validate();
    } catch (err) {
      return Promise.reject(err);
    }
    const done = this.#tail.then(async () => {
      try {
        await this.#db.batch(
          ops.map((op) => (op.type === 'put' ? { type: 'put' as const, key: op.key, value: op.value } : { type: 'del' as const, key: op.key })),
          { sync: true },
        );
      } catch (err) {
        throw this.#error('write', err);
      }
      this.#watchers.notify(ops);
    });
    this.#tail = done.catch(() => {});
    return done;
  }

  #error(action: 'read' | 'write' | 'scan', err: unknown): MesosError {
    const code = (err as LevelError | null)?.code;
    if (this.#closed && (code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_ITERATOR_NOT_OPEN')) return this.#closedError();
    if (innermost(err).code === 'LEVEL_CORRUPTION') {
      return new MesosError('STORE_CORRUPT', `Cannot ${action} the store at ${this.path}: LevelDB reports corruption: ${detail(err)}`, { cause: err });
    }
    return new MesosError('STORE_IO', `Cannot ${action} the store at ${this.path}: ${detail(err)}`, { cause: err });
  }

  #checkOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): MesosError {
    return new MesosError('STORE_CLOSED', `The store at ${this.path} is closed`);
  }
}

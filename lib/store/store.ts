// The one storage seam of mesos-ts: the master's registry (admitted, unreachable and gone agents,
// weights, quota, maintenance; see docs/ARCHITECTURE.md section 5) goes through a `Store`, and
// nothing above this interface knows which backend holds the bytes. Backends: LevelDB under the
// master's work_dir (leveldb.ts, the default), in memory for `--registry=in_memory` (memory.ts),
// and later etcd for high availability. `openStore()` in index.ts picks one.
//
// The durability contract, which every durable backend keeps and every caller may rely on:
// state that was acknowledged is on disk first. A `put`, `delete` or `batch` resolves only after
// its data is on disk (fsync'd), so a master that answers a request after awaiting the write
// never forgets it, whatever kills the process afterwards. A write that rejects with
// STORE_INVALID_OP or STORE_CLOSED applied nothing; one that rejects with STORE_IO failed in the
// disk layer and, as with a write the process died in, may or may not be there after a restart.
// The in-memory backend keeps every other guarantee below but none about disks.
//
// Further guarantees, the same for every backend:
// - Writes apply in the order they were called, each atomically (a batch entirely or not at all),
//   and watchers see them in that order.
// - A read sees every write that resolved before the read was called.
// - Keys are non-empty, well-formed strings ordered by their UTF-8 bytes (the same as ordering by
//   Unicode code point, and unlike JavaScript's `<`, which compares UTF-16 code units).
// - Once `close()` has been called, every new call, and the next step of any scan still open,
//   rejects with STORE_CLOSED; writes called before it still complete.

import { truncate } from '../api/numbers.ts';
import { MesosError } from '../common/errors.ts';

/** One write in a batch; also what a watcher is told about a committed write. */
export type StoreOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: string };

/**
 * Called once per committed write with that write's operations whose keys start with the watched
 * prefix (never with an empty list), in the order they appear in the write. A `del` is reported
 * whether or not the key existed. Listeners run after the write is committed and before the
 * write's promise resolves; values are copies the listener may keep. A listener that throws does
 * not fail the write or stop other listeners: its error is rethrown asynchronously, where it
 * surfaces as an uncaught exception like any other bug.
 */
export type StoreListener = (ops: readonly StoreOp[]) => void;

export interface Store {
  /** The value at `key`, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Sets `key` to `value`. Durable when it resolves. */
  put(key: string, value: Uint8Array): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. Durable when it resolves. */
  delete(key: string): Promise<void>;
  /**
   * Applies every operation or none. All operations are validated before anything is written: a
   * batch with an invalid operation rejects with STORE_INVALID_OP and changes nothing. Later
   * operations on the same key win. Durable when it resolves.
   */
  batch(ops: readonly StoreOp[]): Promise<void>;
  /**
   * The entries whose keys start with `prefix` (every entry for ''), in key order. The scan reads
   * a snapshot taken when iteration starts: writes made during the scan are not seen.
   */
  scan(prefix: string): AsyncIterableIterator<[key: string, value: Uint8Array]>;
  /**
   * Tells `listener` about every later write under `prefix` (see StoreListener). Returns the
   * function that stops it. Absent on backends that cannot watch.
   */
  watch?(prefix: string, listener: StoreListener): () => void;
  /**
   * Waits for writes already called, then releases the backend (for LevelDB, its directory lock).
   * Calling it again does nothing.
   */
  close(): Promise<void>;
}

// Keys appear in error messages cut to this many characters.
const KEY_IN_MESSAGE = 100;

/** A key as error messages quote it. */
export function quoteKey(key: string): string {
  return `'${truncate(key, KEY_IN_MESSAGE)}'`;
}

// A UTF-16 surrogate without its partner: such a string has no UTF-8 form, so it cannot be a key.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws STORE_INVALID_OP unless `key` can be stored. `where` names the key in the message. */
export function checkKey(key: unknown, where = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new MesosError('STORE_INVALID_OP', `Store ${where} must be a string, not ${describe(key)}`);
  if (key === '') throw new MesosError('STORE_INVALID_OP', `Store ${where} must not be empty`);
  if (LONE_SURROGATE.test(key)) {
    throw new MesosError('STORE_INVALID_OP', `Store ${where} ${quoteKey(key)} is not well-formed Unicode (it has a lone surrogate)`);
  }
}

/** Throws STORE_INVALID_OP unless `prefix` can start keys ('' is allowed: it selects every key). */
export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (prefix !== '') checkKey(prefix, 'prefix');
}

function checkValue(value: unknown, where: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new MesosError('STORE_INVALID_OP', `Store value for ${where} must be a Uint8Array, not ${describe(value)}`);
}

/**
 * Validates a batch and returns the operations a backend applies: plain objects with private
 * copies of the values, so that a caller changing its arrays after the call (while the write
 * waits its turn) cannot change what is written. Throws STORE_INVALID_OP naming the first
 * invalid operation.
 */
export function checkOps(ops: unknown): StoreOp[] {
  if (!Array.isArray(ops)) throw new MesosError('STORE_INVALID_OP', `Store batch must be an array of operations, not ${describe(ops)}`);
  return ops.map((op: unknown, i): StoreOp => {
    const where = `operation ${i}`;
    if (typeof op !== 'object' || op === null) throw new MesosError('STORE_INVALID_OP', `Store batch ${where} must be an object, not ${describe(op)}`);
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown };
    checkKey(key, `batch ${where} key`);
    if (type === 'del') return { type, key };
    if (type !== 'put') throw new MesosError('STORE_INVALID_OP', `Store batch ${where} has type ${describe(type)}; expected 'put' or 'del'`);
    checkValue(value, `batch ${where} (key ${quoteKey(key)})`);
    return { type, key, value: value.slice() };
  });
}

/** `checkOps` for a single put. */
export function checkPut(key: unknown, value: unknown): StoreOp[] {
  checkKey(key);
  checkValue(value, `key ${quoteKey(key)}`);
  return [{ type: 'put', key, value: value.slice() }];
}

/** `checkOps` for a single delete. */
export function checkDelete(key: unknown): StoreOp[] {
  checkKey(key);
  return [{ type: 'del', key }];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${truncate(value, KEY_IN_MESSAGE)}'`;
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * The watchers of one store. Both embedded backends notify through this after each commit, so
 * that prefix filtering, copying and listener errors behave the same everywhere.
 */
export class Watchers {
  #listeners = new Set<{ readonly prefix: string; readonly listener: StoreListener }>();

  add(prefix: string, listener: StoreListener): () => void {
    checkPrefix(prefix);
    if (typeof listener !== 'function') throw new MesosError('STORE_INVALID_OP', `Store watch listener must be a function, not ${describe(listener)}`);
    // A fresh entry per call, so watching twice with the same function means two subscriptions.
    const entry = { prefix, listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Tells every matching listener about one committed write. */
  notify(ops: readonly StoreOp[]): void {
    for (const { prefix, listener } of [...this.#listeners]) {
      const matching = ops
        .filter((op) => op.key.startsWith(prefix))
        .map((op): StoreOp => (op.type === 'put' ? { type: 'put', key: op.key, value: op.value.slice() } : op));
      if (matching.length === 0) continue;
      try {
        listener(matching);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

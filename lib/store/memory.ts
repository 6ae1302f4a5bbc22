// The in-memory Store, for `--registry=in_memory` (as Mesos's in_memory registry: tests and
// throwaway masters). Everything in store.ts holds except durability: the data goes with the
// process, and with `close()`.

import { MesosError } from '../common/errors.ts';
import { Watchers, checkDelete, checkKey, checkOps, checkPrefix, checkPut } from './store.ts';
import type { Store, StoreListener, StoreOp } from './store.ts';

/**
 * Orders keys as LevelDB does, by their UTF-8 bytes, which is Unicode code point order.
 * JavaScript's `<` compares UTF-16 code units instead, and the two disagree when a code point
 * above U+FFFF (a surrogate pair, units D800-DFFF) meets one in U+E000..U+FFFF: for example
 * '\u{10000}' (D800 DC00; UTF-8 F0 90 80 80) sorts after '\uFFFF' (UTF-8 EF BF BF), though
 * 0xD800 < 0xFFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Keys are well-formed and share everything before i, so either both units are surrogates of
    // the same kind (compared as they are) or a surrogate meets a unit outside D800-DFFF; then
    // the surrogate stands for a code point of at least U+10000 and must sort above any unit.
    if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
    return x - y;
  }
  return a.length - b.length;
}

// Moves surrogates (D800-DFFF) above E000-FFFF, keeping order within each group.
function fixup(unit: number): number {
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

export class MemoryStore implements Store {
  // Stored values are private copies and are never changed in place: a put replaces the array.
  #entries = new Map<string, Uint8Array>();
  #watchers = new Watchers();
  #closed = false;

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    checkKey(key);
    return this.#entries.get(key)?.slice();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#checkOpen();
    this.#apply(checkPut(key, value));
  }

  async delete(key: string): Promise<void> {
    this.#checkOpen();
    this.#apply(checkDelete(key));
  }

  async batch(ops: readonly StoreOp[]): Promise<void> {
    this.#checkOpen();
    this.#apply(checkOps(ops));
  }

  async *scan(prefix: string): AsyncIterableIterator<[key: string, value: Uint8Array]> {
    this.#checkOpen();
    checkPrefix(prefix);
    // The snapshot: the matching keys and the arrays they hold now. Sorting on each scan is
    // O(n log n), which is fine for a registry of test size.
    const snapshot: [string, Uint8Array][] = [];
    for (const [key, value] of this.#entries) if (key.startsWith(prefix)) snapshot.push([key, value]);
    snapshot.sort(([a], [b]) => compareKeys(a, b));
    for (const [key, value] of snapshot) {
      this.#checkOpen();
      yield [key, value.slice()];
    }
  }

  watch(prefix: string, listener: StoreListener): () => void {
    this.#checkOpen();
    return this.#watchers.add(prefix, listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    this.#entries.clear();
  }

  // Applies validated operations; they are synchronous, so writes apply in call order.
  #apply(ops: readonly StoreOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.#entries.set(op.key, op.value);
      else this.#entries.delete(op.key);
    }
    this.#watchers.notify(ops);
  }

  #checkOpen(): void {
    if (this.#closed) throw new MesosError('STORE_CLOSED', 'The in-memory store is closed');
  }
}

// Opening a Store by kind: the one place that maps the master's `--registry` choice to a backend.
// `leveldb` is the durable default under `<work_dir>/registry`; `in_memory` is Mesos's
// `--registry=in_memory`, for tests.

import { MesosError } from '../common/errors.ts';
import { LevelDbStore } from './leveldb.ts';
import { MemoryStore } from './memory.ts';
import type { Store } from './store.ts';

export type StoreKind = 'leveldb' | 'in_memory';

export interface StoreOptions {
  readonly kind: StoreKind;
  /** The LevelDB directory; required for `leveldb`, ignored for `in_memory`. */
  readonly path?: string;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  switch (options.kind) {
    case 'leveldb':
      return LevelDbStore.open(options.path ?? '');
    case 'in_memory':
      return new MemoryStore();
    default:
      throw new MesosError('INTERNAL', `Unknown store kind '${String((options as { kind: unknown }).kind)}'; expected 'leveldb' or 'in_memory'`);
  }
}

export { LevelDbStore } from './leveldb.ts';
export { MemoryStore, compareKeys } from './memory.ts';
export { decodeJson, encodeJson, getJson, putJson, putJsonOp } from './json.ts';
export type { Store, StoreListener, StoreOp } from './store.ts';

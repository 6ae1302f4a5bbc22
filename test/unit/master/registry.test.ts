// The master's registry (lib/master/registry.ts), one suite run over both embedded stores: every
// operation, what it writes (or, when it does not apply, that it writes nothing), recovery of
// exactly what was written, ordering of concurrent calls, failed writes, corrupt entries, pruning,
// and the maintenance schedule with its DOWN machines. Then a LevelDB durability check: a writer SIGKILLed in the middle of registry
// mutations loses none that it had acknowledged. Every test works in its own temporary directory.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MesosError } from '../../../lib/common/errors.ts';
import { NO_MAINTENANCE, machineKey, machineMode } from '../../../lib/master/maintenance.ts';
import { REGISTRY_KEY_PREFIXES, REGISTRY_PREFIX, REGISTRY_SCHEDULE_KEY, Registry, registryKey } from '../../../lib/master/registry.ts';
import type { RegistrySnapshot } from '../../../lib/master/registry.ts';
import { LevelDbStore, MemoryStore, decodeJson } from '../../../lib/store/index.ts';
import type { Store, StoreListener, StoreOp } from '../../../lib/store/index.ts';
import type * as maintenance from '../../../lib/types/maintenance.ts';
import type * as v1 from '../../../lib/types/mesos.ts';
import type { QuotaConfig } from '../../../lib/types/quota.ts';
import { rejectsAsync } from '../../helpers/assert-error.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mesos-ts-registry-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function agent(id: string, extra: Partial<v1.AgentInfo> = {}): v1.AgentInfo {
  return { hostname: `host-of-${id}`, id: { value: id }, ...extra };
}

function cpus(value: number): v1.Resource[] {
  return [{ name: 'cpus', type: 'SCALAR', scalar: { value } }];
}

// The stored form of an admitted agent whose info is `agent(id)` plus the port the codec fills in.
function storedAgent(id: string, deactivated = false, extra: Record<string, unknown> = {}): unknown {
  return { info: { hostname: `host-of-${id}`, port: 5051, ...extra, id: { value: id } }, deactivated };
}

function storedRemoved(id: string, nanoseconds: number): unknown {
  return { id: { value: id }, timestamp: { nanoseconds } };
}

// Maintenance fixtures: machines with both fields, as an agent's machine has them.
function machine(hostname: string, ip: string): v1.MachineID {
  return { hostname, ip };
}
const M1 = machine('machine1', '10.0.0.1');
const M2 = machine('machine2', '10.0.0.2');
const M3 = machine('machine3', '10.0.0.3');
const M4 = machine('machine4', '10.0.0.4');
const HOUR_NS = 3_600_000_000_000;

function window(ids: v1.MachineID[], startNs: number, durationNs?: number): maintenance.Window {
  return { machine_ids: ids, unavailability: { start: { nanoseconds: startNs }, ...(durationNs === undefined ? {} : { duration: { nanoseconds: durationNs } }) } };
}

/** [M1, M2] from 1000 for an hour, then [M3] from 5000 with no duration. */
function schedule(): maintenance.Schedule {
  return { windows: [window([M1, M2], 1000, HOUR_NS), window([M3], 5000)] };
}

const downKey = (id: v1.MachineID): string => registryKey('downMachines', machineKey(id));

/** Every entry under `registry/`, values parsed, in key order. */
async function dump(store: Store): Promise<[string, unknown][]> {
  const out: [string, unknown][] = [];
  for await (const [key, value] of store.scan('registry/')) out.push([key, decodeJson(key, value)]);
  return out;
}

interface Plain {
  agents: Record<string, unknown>;
  unreachable: Record<string, unknown>;
  gone: Record<string, unknown>;
  weights: Record<string, unknown>;
  quotas: Record<string, unknown>;
  schedule: unknown;
  /** Sorted: the set's order is the order machines went down, or the store's after a recover. */
  downMachines: string[];
}

/** Nothing stored: what `plain` gives for a fresh registry. */
const EMPTY: Plain = { agents: {}, unreachable: {}, gone: {}, weights: {}, quotas: {}, schedule: {}, downMachines: [] };

/** The snapshot as plain data, for deep comparison. */
function plain(snapshot: RegistrySnapshot): Plain {
  return {
    agents: Object.fromEntries(snapshot.agents),
    unreachable: Object.fromEntries(snapshot.unreachable),
    gone: Object.fromEntries(snapshot.gone),
    weights: Object.fromEntries(snapshot.weights),
    quotas: Object.fromEntries(snapshot.quotas),
    schedule: snapshot.schedule,
    downMachines: [...snapshot.downMachines].sort(),
  };
}

/** Records every committed write under `registry/`, each as the keys it touched. */
function recordWrites(store: Store): string[][] {
  const writes: string[][] = [];
  store.watch!('registry/', (ops) => writes.push(ops.map((op) => `${op.type} ${op.key}`)));
  return writes;
}

/**
 * A store that passes everything to `inner` but can be told to fail the next batch (as a disk
 * error would, with STORE_IO) or to delay batches, and counts how many are in flight at once.
 */
class FaultyStore implements Store {
  readonly inner: Store;
  failNext = 0;
  delayMs = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(inner: Store) {
    this.inner = inner;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.batch([{ type: 'put', key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ type: 'del', key }]);
  }

  async batch(ops: readonly StoreOp[]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.delayMs));
      if (this.failNext > 0) {
        this.failNext--;
        throw new MesosError('STORE_IO', 'Cannot write the store: injected failure');
      }
      await this.inner.batch(ops);
    } finally {
      this.inFlight--;
    }
  }

  scan(prefix: string): AsyncIterableIterator<[string, Uint8Array]> {
    return this.inner.scan(prefix);
  }

  watch(prefix: string, listener: StoreListener): () => void {
    return this.inner.watch!(prefix, listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Over both backends.

interface Backend {
  readonly name: string;
  open(dir: string): Promise<Store>;
  /** Whether a closed store's data can be opened again (only LevelDB's outlives `close`). */
  readonly durable: boolean;
}

const backends: Backend[] = [
  { name: 'in_memory', open: async () => new MemoryStore(), durable: false },
  { name: 'leveldb', open: (dir) => LevelDbStore.open(join(dir, 'registry')), durable: true },
];

interface Context {
  readonly store: Store;
  readonly registry: Registry;
  /**
   * A new Registry recovered from what was written: from the store closed and opened again for
   * LevelDB, from the same store for the in-memory one (whose data goes with close).
   */
  reopen(): Promise<Registry>;
}

for (const backend of backends) {
  const registryTest = (name: string, fn: (ctx: Context) => Promise<void>): void =>
    test(`${backend.name}: ${name}`, () =>
      withTempDir(async (dir) => {
        let store = await backend.open(dir);
        try {
          const registry = await Registry.recover(store);
          await fn({
            get store() {
              return store;
            },
            registry,
            reopen: async () => {
              if (backend.durable) {
                await store.close();
                store = await backend.open(dir);
              }
              return Registry.recover(store);
            },
          });
        } finally {
          await store.close();
        }
      }));

  registryTest('a fresh store gets the version record and an empty registry', async ({ store, registry }) => {
    assert.equal(await dump(store), [['registry/version', 1]]);
    assert.equal(plain(registry.snapshot), EMPTY);
  });

  registryTest('admitAgent stores the agent once; a known id in any state is not admitted again', async ({ store, registry }) => {
    const writes = recordWrites(store);
    assert.is(await registry.admitAgent(agent('a1')), true);
    assert.equal(writes, [['put registry/agents/a1']]);
    // The stored and remembered info is the codec's: defaults filled in (port 5051).
    assert.equal(registry.snapshot.agents.get('a1'), { info: { hostname: 'host-of-a1', port: 5051, id: { value: 'a1' } }, deactivated: false });
    assert.equal(await dump(store), [['registry/agents/a1', storedAgent('a1')], ['registry/version', 1]]);

    assert.is(await registry.admitAgent(agent('a1', { hostname: 'other' })), false);
    await registry.admitAgent(agent('u'));
    await registry.markUnreachable('u', 10);
    await registry.admitAgent(agent('g'));
    await registry.markGone('g', 20);
    writes.length = 0;
    const before = await dump(store);
    assert.is(await registry.admitAgent(agent('u')), false);
    assert.is(await registry.admitAgent(agent('g')), false);
    assert.equal(writes, []);
    assert.equal(await dump(store), before);
    assert.is(registry.snapshot.agents.get('a1')!.info.hostname, 'host-of-a1');
  });

  registryTest('markUnreachable moves an admitted agent; anything else is false and writes nothing', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1'));
    const writes = recordWrites(store);
    assert.is(await registry.markUnreachable('a1', 1_700_000_000_000_000_000), true);
    assert.equal(writes, [['del registry/agents/a1', 'put registry/unreachable/a1']]);
    assert.equal(await dump(store), [['registry/unreachable/a1', storedRemoved('a1', 1_700_000_000_000_000_000)], ['registry/version', 1]]);
    assert.equal(plain(registry.snapshot).unreachable, { a1: { id: 'a1', timestampNs: 1_700_000_000_000_000_000 } });
    assert.is(registry.snapshot.agents.size, 0);

    await registry.admitAgent(agent('g'));
    await registry.markGone('g', 5);
    writes.length = 0;
    assert.is(await registry.markUnreachable('a1', 2), false); // already unreachable
    assert.is(await registry.markUnreachable('g', 2), false);
    assert.is(await registry.markUnreachable('never', 2), false);
    assert.equal(writes, []);
    assert.is(registry.snapshot.unreachable.get('a1')!.timestampNs, 1_700_000_000_000_000_000);
  });

  registryTest('markReachable admits an unreachable or unknown agent; a gone or admitted one is false', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1', { resources: cpus(1) }));
    await registry.setDeactivated('a1', true);
    await registry.markUnreachable('a1', 100);
    const writes = recordWrites(store);
    // It comes back with the info it brought, and active.
    assert.is(await registry.markReachable(agent('a1', { resources: cpus(2) })), true);
    assert.equal(writes, [['del registry/unreachable/a1', 'put registry/agents/a1']]);
    assert.equal(registry.snapshot.agents.get('a1')!.info.resources, cpus(2));
    assert.is(registry.snapshot.agents.get('a1')!.deactivated, false);
    assert.is(registry.snapshot.unreachable.size, 0);

    // An id the registry does not know (its unreachable entry pruned, say) is admitted.
    writes.length = 0;
    assert.is(await registry.markReachable(agent('pruned')), true);
    assert.equal(writes, [['put registry/agents/pruned']]);

    await registry.admitAgent(agent('g'));
    await registry.markGone('g', 5);
    writes.length = 0;
    assert.is(await registry.markReachable(agent('g')), false);
    // Already admitted: false, and the info is not changed (that is updateAgentInfo's job).
    assert.is(await registry.markReachable(agent('a1', { resources: cpus(3) })), false);
    assert.equal(writes, []);
    assert.equal(registry.snapshot.agents.get('a1')!.info.resources, cpus(2));
    assert.equal(await dump(store), [
      ['registry/agents/a1', storedAgent('a1', false, { resources: cpus(2) })],
      ['registry/agents/pruned', storedAgent('pruned')],
      ['registry/gone/g', storedRemoved('g', 5)],
      ['registry/version', 1],
    ]);
  });

  registryTest('markGone takes an admitted or unreachable agent; an unknown or gone one is false', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1'));
    await registry.admitAgent(agent('a2'));
    await registry.markUnreachable('a2', 7);
    const writes = recordWrites(store);
    assert.is(await registry.markGone('a1', 10), true);
    assert.is(await registry.markGone('a2', 11), true);
    assert.equal(writes, [['del registry/agents/a1', 'put registry/gone/a1'], ['del registry/unreachable/a2', 'put registry/gone/a2']]);
    assert.equal(plain(registry.snapshot), { ...EMPTY, gone: { a1: { id: 'a1', timestampNs: 10 }, a2: { id: 'a2', timestampNs: 11 } } });
    writes.length = 0;
    assert.is(await registry.markGone('a1', 12), false);
    assert.is(await registry.markGone('never', 12), false);
    assert.equal(writes, []);
    assert.is(registry.snapshot.gone.get('a1')!.timestampNs, 10);
  });

  registryTest('removeAgent forgets an admitted agent; anything else is false', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1'));
    await registry.admitAgent(agent('u'));
    await registry.markUnreachable('u', 1);
    const writes = recordWrites(store);
    assert.is(await registry.removeAgent('a1'), true);
    assert.equal(writes, [['del registry/agents/a1']]);
    assert.is(await registry.removeAgent('a1'), false);
    assert.is(await registry.removeAgent('u'), false);
    assert.equal(writes.length, 1);
    assert.equal(await dump(store), [['registry/unreachable/u', storedRemoved('u', 1)], ['registry/version', 1]]);
    // Once forgotten, the id can be admitted again.
    assert.is(await registry.admitAgent(agent('a1')), true);
  });

  registryTest('updateAgentInfo replaces an admitted agent\'s info, keeping deactivated; no change is false', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1', { resources: cpus(1) }));
    await registry.setDeactivated('a1', true);
    const writes = recordWrites(store);
    assert.is(await registry.updateAgentInfo(agent('a1', { resources: cpus(4) })), true);
    assert.equal(writes, [['put registry/agents/a1']]);
    assert.equal(registry.snapshot.agents.get('a1'), { info: { hostname: 'host-of-a1', port: 5051, resources: cpus(4), id: { value: 'a1' } }, deactivated: true });
    assert.equal(await dump(store), [['registry/agents/a1', storedAgent('a1', true, { resources: cpus(4) })], ['registry/version', 1]]);

    writes.length = 0;
    // The same info, with or without the default the codec fills in, is no change.
    assert.is(await registry.updateAgentInfo(agent('a1', { resources: cpus(4) })), false);
    assert.is(await registry.updateAgentInfo(agent('a1', { resources: cpus(4), port: 5051 })), false);
    assert.is(await registry.updateAgentInfo(agent('never')), false);
    await registry.admitAgent(agent('u'));
    await registry.markUnreachable('u', 1);
    writes.length = 0;
    assert.is(await registry.updateAgentInfo(agent('u')), false);
    assert.equal(writes, []);
  });

  registryTest('setDeactivated flips an admitted agent; the same state or another agent is false', async ({ store, registry }) => {
    await registry.admitAgent(agent('a1'));
    const writes = recordWrites(store);
    assert.is(await registry.setDeactivated('a1', false), false);
    assert.is(await registry.setDeactivated('a1', true), true);
    assert.is(await registry.setDeactivated('a1', true), false);
    assert.equal(await dump(store), [['registry/agents/a1', storedAgent('a1', true)], ['registry/version', 1]]);
    assert.is(registry.snapshot.agents.get('a1')!.deactivated, true);
    assert.is(await registry.setDeactivated('a1', false), true);
    assert.is(registry.snapshot.agents.get('a1')!.deactivated, false);
    assert.is(await registry.setDeactivated('never', true), false);
    assert.equal(writes, [['put registry/agents/a1'], ['put registry/agents/a1']]);
  });

  registryTest('updateWeights stores weights other than 1 and removes those set to 1', async ({ store, registry }) => {
    const writes = recordWrites(store);
    await registry.updateWeights({ dev: 2.5, 'eng/web': 0.5, ops: 1 });
    // Setting ops to the default it already has writes nothing for it.
    assert.equal(writes, [['put registry/weights/dev', 'put registry/weights/eng/web']]);
    assert.equal(plain(registry.snapshot).weights, { dev: 2.5, 'eng/web': 0.5 });
    assert.equal(await dump(store), [
      ['registry/version', 1],
      ['registry/weights/dev', { weight: 2.5, role: 'dev' }],
      ['registry/weights/eng/web', { weight: 0.5, role: 'eng/web' }],
    ]);

    writes.length = 0;
    // Roles not named keep their weights; one batch for the whole update.
    await registry.updateWeights({ dev: 1, prod: 3 });
    assert.equal(writes, [['del registry/weights/dev', 'put registry/weights/prod']]);
    assert.equal(plain(registry.snapshot).weights, { 'eng/web': 0.5, prod: 3 });
    writes.length = 0;
    await registry.updateWeights({ prod: 3, dev: 1 });
    await registry.updateWeights({});
    assert.equal(writes, []);

    for (const [weights, message] of [
      [{ dev: 0 }, /^Cannot store weight 0 for role 'dev': a weight must be a positive finite number$/],
      [{ dev: -1 }, /weight -1 /],
      [{ dev: Infinity }, /weight Infinity /],
      [{ dev: Number.NaN }, /weight NaN /],
      [{ dev: '2' }, /weight 2 /],
      [{ ok: 2, '-bad': 2 }, /^Cannot store weights for an invalid role: Role component '-bad' is invalid because it starts with a dash$/],
      [{ '': 2 }, /invalid role: Role names cannot be the empty string$/],
    ] as [Record<string, number>, RegExp][]) {
      await rejectsAsync(registry.updateWeights(weights), 'STORE_INVALID_OP', message);
    }
    assert.equal(writes, []);
    assert.equal(plain(registry.snapshot).weights, { 'eng/web': 0.5, prod: 3 });
  });

  registryTest('updateQuotas stores configs with guarantees or limits and removes empty ones', async ({ store, registry }) => {
    const writes = recordWrites(store);
    const dev: QuotaConfig = { role: 'dev', guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 4 }, mem: { value: 1024 } } };
    const ops: QuotaConfig = { role: 'ops', limits: { gpus: { value: 1 } } };
    await registry.updateQuotas([dev, ops, { role: 'none' }]);
    assert.equal(writes, [['put registry/quotas/dev', 'put registry/quotas/ops']]);
    assert.equal(plain(registry.snapshot).quotas, { dev, ops });
    assert.equal(await dump(store), [['registry/quotas/dev', dev], ['registry/quotas/ops', ops], ['registry/version', 1]]);

    writes.length = 0;
    await registry.updateQuotas([{ role: 'dev', guarantees: {}, limits: {} }, { role: 'ops', limits: { gpus: { value: 2 } } }]);
    assert.equal(writes, [['del registry/quotas/dev', 'put registry/quotas/ops']]);
    assert.equal(plain(registry.snapshot).quotas, { ops: { role: 'ops', limits: { gpus: { value: 2 } } } });
    writes.length = 0;
    await registry.updateQuotas([{ role: 'ops', limits: { gpus: { value: 2 } } }, { role: 'dev' }]);
    await registry.updateQuotas([]);
    assert.equal(writes, []);

    await rejectsAsync(registry.updateQuotas([ops, { role: 'ops' }]), 'STORE_INVALID_OP', 'Cannot store quota for role \'ops\' twice in one update');
    await rejectsAsync(registry.updateQuotas([{ role: 'a b', limits: {} }]), 'STORE_INVALID_OP', /^Cannot store quotas for an invalid role: /);
    await rejectsAsync(registry.updateQuotas([{ role: 'x', limits: { cpus: { value: Number.NaN } } }]), 'STORE_INVALID_OP',
      /^Cannot store the quota for role 'x' in the registry: .*NaN/);
    await rejectsAsync(registry.updateQuotas([{} as QuotaConfig]), 'STORE_INVALID_OP', 'Cannot store a quota config without a role');
    assert.equal(writes, []);
  });

  registryTest('prune drops unreachable and gone entries by age, then the oldest beyond the count', async ({ store, registry }) => {
    const mark = async (id: string, at: number, gone: boolean): Promise<void> => {
      await registry.admitAgent(agent(id));
      assert.ok(gone ? await registry.markGone(id, at) : await registry.markUnreachable(id, at));
    };
    // The worked example of Registry.prune, for the unreachable list.
    for (const [id, at] of [['u850', 850], ['u950', 950], ['u960', 960], ['u990', 990]] as const) await mark(id, at, false);
    // The gone list is trimmed on its own: two young entries fit the count, so none goes.
    await mark('g-b', 995, true);
    await mark('g-a', 995, true);
    await registry.admitAgent(agent('live'));
    const writes = recordWrites(store);
    assert.is(await registry.prune({ maxAgeNs: 100, maxCount: 2, nowNs: 1000 }), 2);
    assert.equal(writes, [['del registry/unreachable/u850', 'del registry/unreachable/u950']]);
    assert.equal([...registry.snapshot.unreachable.keys()].sort(), ['u960', 'u990']);
    assert.equal([...registry.snapshot.gone.keys()].sort(), ['g-a', 'g-b']);

    // Nothing to drop: 0, and nothing written. An entry exactly maxAgeNs old stays.
    writes.length = 0;
    assert.is(await registry.prune({ maxAgeNs: 40, maxCount: 2, nowNs: 1000 }), 0);
    assert.equal(writes, []);

    // A count of 1: the older of each list goes; equal times are broken by id, so g-a goes.
    assert.is(await registry.prune({ maxAgeNs: 1e18, maxCount: 1, nowNs: 1000 }), 2);
    assert.equal(writes, [['del registry/unreachable/u960', 'del registry/gone/g-a']]);
    assert.equal(await dump(store), [
      ['registry/agents/live', storedAgent('live')],
      ['registry/gone/g-b', storedRemoved('g-b', 995)],
      ['registry/unreachable/u990', storedRemoved('u990', 990)],
      ['registry/version', 1],
    ]);

    // Everything old enough goes, whatever the count; admitted agents are never pruned.
    assert.is(await registry.prune({ maxAgeNs: 0, maxCount: 100, nowNs: 2000 }), 2);
    assert.equal(plain(registry.snapshot), { ...EMPTY, agents: { live: registry.snapshot.agents.get('live') } });

    await rejectsAsync(registry.prune({ maxAgeNs: -1, maxCount: 1, nowNs: 0 }), 'STORE_INVALID_OP', /maxAgeNs -1/);
    await rejectsAsync(registry.prune({ maxAgeNs: 1, maxCount: 1.5, nowNs: 0 }), 'STORE_INVALID_OP', /maxCount 1.5/);
    await rejectsAsync(registry.prune({ maxAgeNs: 1, maxCount: 1, nowNs: Number.NaN }), 'STORE_INVALID_OP', /nowNs NaN/);
  });

  registryTest('recover sees exactly what was written, including odd ids and roles', async (ctx) => {
    const { registry } = ctx;
    // Ids with slashes and ids that look like other keys stay distinct: the id is the rest of the key.
    const ids = ['a1', 'a1/x', 'agents/a1', 'gone/a1', 'sp ace', 'é\u{1F600}', '..', 'x/'];
    for (const id of ids) assert.ok(await registry.admitAgent(agent(id, { resources: cpus(1), attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }] })));
    await registry.markUnreachable('a1/x', 1_700_000_000_123_456_789);
    await registry.markGone('agents/a1', 42);
    await registry.setDeactivated('a1', true);
    await registry.updateAgentInfo(agent('sp ace', { resources: cpus(8) }));
    await registry.removeAgent('..');
    await registry.updateWeights({ dev: 2, 'dev/a': 0.25 });
    await registry.updateQuotas([{ role: 'dev', guarantees: { cpus: { value: 1.5 } } }, { role: 'dev/a', limits: { mem: { value: 64 } } }]);
    const before = plain(registry.snapshot);
    assert.equal(Object.keys(before.agents).sort(), ['a1', 'gone/a1', 'sp ace', 'x/', 'é\u{1F600}']);

    const recovered = await ctx.reopen();
    assert.equal(plain(recovered.snapshot), before);
    // The recovered registry carries on where the first left off.
    assert.is(await recovered.markReachable(agent('a1/x')), true);
    assert.is(await recovered.admitAgent(agent('agents/a1')), false);
    const again = await ctx.reopen();
    assert.ok(again.snapshot.agents.has('a1/x'));
    assert.is(again.snapshot.unreachable.size, 0);
    assert.equal(again.snapshot.gone.get('agents/a1'), { id: 'agents/a1', timestampNs: 42 });
  });

  registryTest('concurrent calls apply in call order, one write at a time', async ({ store }) => {
    const faulty = new FaultyStore(store);
    faulty.delayMs = 5;
    const registry = await Registry.recover(faulty);
    const writes = recordWrites(store);
    // None awaited: each decides against the state the calls before it left.
    const results = await Promise.all([
      registry.markUnreachable('a', 1), // false: not admitted yet
      registry.admitAgent(agent('a')),
      registry.admitAgent(agent('a')), // false: admitted by the call before
      registry.markUnreachable('a', 2),
      registry.markReachable(agent('a', { resources: cpus(2) })),
      registry.setDeactivated('a', true),
      registry.updateWeights({ r: 2 }),
      registry.markGone('a', 3),
      registry.markReachable(agent('a')), // false: gone
      registry.admitAgent(agent('b')),
      registry.removeAgent('b'),
      registry.prune({ maxAgeNs: 0, maxCount: 0, nowNs: 10 }),
    ]);
    assert.equal(results, [false, true, false, true, true, true, undefined, true, false, true, true, 1]);
    assert.is(faulty.maxInFlight, 1);
    assert.equal(writes, [
      ['put registry/agents/a'],
      ['del registry/agents/a', 'put registry/unreachable/a'],
      ['del registry/unreachable/a', 'put registry/agents/a'],
      ['put registry/agents/a'],
      ['put registry/weights/r'],
      ['del registry/agents/a', 'put registry/gone/a'],
      ['put registry/agents/b'],
      ['del registry/agents/b'],
      ['del registry/gone/a'],
    ]);
    assert.equal(await dump(store), [['registry/version', 1], ['registry/weights/r', { weight: 2, role: 'r' }]]);
  });

  registryTest('a failed write rejects with the store\'s error and leaves the snapshot unchanged', async ({ store }) => {
    const faulty = new FaultyStore(store);
    const registry = await Registry.recover(faulty);
    await registry.admitAgent(agent('a'));
    await registry.updateWeights({ r: 2 });
    const before = plain(registry.snapshot);
    const stored = await dump(store);
    faulty.failNext = 1;
    await rejectsAsync(registry.markUnreachable('a', 5), 'STORE_IO', /injected failure/);
    assert.equal(plain(registry.snapshot), before);
    assert.equal(await dump(store), stored);

    // A failure in the middle of a queue: the calls after it decide against the unchanged state.
    faulty.failNext = 1;
    const failed = registry.markUnreachable('a', 5);
    const next = registry.markGone('a', 6);
    await rejectsAsync(failed, 'STORE_IO', /injected failure/);
    assert.is(await next, true);
    assert.equal(registry.snapshot.gone.get('a'), { id: 'a', timestampNs: 6 });
    assert.is(registry.snapshot.unreachable.size, 0);

    // A closed store: every mutation that applies rejects with STORE_CLOSED and nothing changes.
    const beforeClose = plain(registry.snapshot);
    await store.close();
    await rejectsAsync(registry.admitAgent(agent('b')), 'STORE_CLOSED');
    await rejectsAsync(registry.updateWeights({ r: 1 }), 'STORE_CLOSED');
    await rejectsAsync(registry.updateQuotas([{ role: 'q', limits: { cpus: { value: 1 } } }]), 'STORE_CLOSED');
    await rejectsAsync(registry.prune({ maxAgeNs: 0, maxCount: 0, nowNs: 100 }), 'STORE_CLOSED');
    assert.equal(plain(registry.snapshot), beforeClose);
    // One that does not apply does not touch the store, so it still answers.
    assert.is(await registry.removeAgent('never'), false);
  });

  registryTest('bad arguments reject at call time and write nothing; the call keeps its own copy', async ({ store, registry }) => {
    const writes = recordWrites(store);
    await rejectsAsync(registry.admitAgent({ hostname: 'h' }), 'STORE_INVALID_OP', 'Cannot admit an agent without an id');
    await rejectsAsync(registry.admitAgent(agent('')), 'STORE_INVALID_OP', 'Cannot admit an agent without an id');
    await rejectsAsync(registry.admitAgent({ id: { value: 'x' } } as v1.AgentInfo), 'STORE_INVALID_OP',
      'Cannot store the AgentInfo of agent \'x\' in the registry: hostname: required');
    await rejectsAsync(registry.admitAgent(agent('a\uD800')), 'STORE_INVALID_OP', /not well-formed Unicode/);
    await rejectsAsync(registry.markUnreachable('x', 1.5), 'STORE_INVALID_OP',
      'Cannot store timestamp 1.5 for agent \'x\': expected whole nanoseconds since the epoch');
    await rejectsAsync(registry.markGone('x', -1), 'STORE_INVALID_OP', /timestamp -1/);
    await rejectsAsync(registry.removeAgent(''), 'STORE_INVALID_OP', 'Cannot remove an agent without an id');
    await rejectsAsync(registry.setDeactivated('x', 'yes' as unknown as boolean), 'STORE_INVALID_OP', /expected a boolean/);
    assert.equal(writes, []);

    // What is written is what was passed at the call, not what the object holds later.
    const info = agent('a', { resources: cpus(1) });
    const pending = registry.admitAgent(info);
    info.hostname = 'changed';
    info.resources![0]!.scalar!.value = 99;
    assert.is(await pending, true);
    assert.equal(registry.snapshot.agents.get('a')!.info.resources, cpus(1));
    assert.equal((await dump(store))[0], ['registry/agents/a', storedAgent('a', false, { resources: cpus(1) })]);
  });

  registryTest('updateSchedule stores the schedule as one entry; the same one is false, the empty one deletes it', async ({ store, registry }) => {
    const writes = recordWrites(store);
    assert.is(await registry.updateSchedule(schedule()), true);
    assert.equal(writes, [['put registry/schedule']]);
    assert.equal(registry.snapshot.schedule, schedule());
    assert.equal(await dump(store), [['registry/schedule', schedule()], ['registry/version', 1]]);
    assert.is(machineMode({ schedule: registry.snapshot.schedule, down: registry.snapshot.downMachines }, M1), 'DRAINING');

    // The same schedule, in the same or in its stored form, writes nothing.
    writes.length = 0;
    assert.is(await registry.updateSchedule(schedule()), false);
    assert.is(await registry.updateSchedule(JSON.parse(JSON.stringify(schedule())) as maintenance.Schedule), false);
    assert.equal(writes, []);

    // Another spelling of a machine is another schedule to store (GET echoes what was posted).
    const respelled: maintenance.Schedule = { windows: [window([machine('MACHINE1', '10.0.0.1'), M2], 1000, HOUR_NS), window([M3], 5000)] };
    assert.is(await registry.updateSchedule(respelled), true);
    assert.equal(registry.snapshot.schedule, respelled);

    // The empty schedule cancels maintenance: the entry goes, and {} with no windows is no change.
    writes.length = 0;
    assert.is(await registry.updateSchedule({ windows: [] }), true);
    assert.equal(writes, [['del registry/schedule']]);
    assert.equal(registry.snapshot.schedule, {});
    assert.is(await registry.updateSchedule({}), false);
    assert.equal(writes.length, 1);
    assert.equal(await dump(store), [['registry/version', 1]]);
  });

  registryTest('startMaintenance marks DRAINING machines DOWN; unscheduled or DOWN ones are passed over', async ({ store, registry }) => {
    await registry.updateSchedule(schedule());
    const writes = recordWrites(store);
    // The entry holds the machine as the schedule spells it, whatever the spelling of the call.
    assert.is(await registry.startMaintenance([machine('MACHINE2', '10.0.0.2')]), true);
    assert.equal(writes, [['put registry/down-machines/{"hostname":"machine2","ip":"10.0.0.2"}']]);
    assert.equal([...registry.snapshot.downMachines], [machineKey(M2)]);
    assert.equal((await dump(store))[0], [downKey(M2), M2]);

    // M2 is DOWN already and M4 is not scheduled: only M1 is written, in one batch with M3.
    writes.length = 0;
    assert.is(await registry.startMaintenance([M2, M4, M1, M3]), true);
    assert.equal(writes, [[`put ${downKey(M1)}`, `put ${downKey(M3)}`]]);
    writes.length = 0;
    assert.is(await registry.startMaintenance([M1, M2]), false);
    assert.is(await registry.startMaintenance([M4]), false);
    assert.equal(writes, []);
    const state = { schedule: registry.snapshot.schedule, down: registry.snapshot.downMachines };
    assert.equal([M1, M2, M3, M4].map((id) => machineMode(state, id)), ['DOWN', 'DOWN', 'DOWN', 'UP']);
    // Going DOWN does not change the schedule.
    assert.equal(registry.snapshot.schedule, schedule());
  });

  registryTest('stopMaintenance brings DOWN machines UP and takes them out of the schedule in one batch', async ({ store, registry }) => {
    await registry.updateSchedule(schedule());
    await registry.startMaintenance([M1, M3]);
    const writes = recordWrites(store);
    // M2 is DRAINING and M4 unscheduled: passed over. M3 leaves, and with it its window.
    assert.is(await registry.stopMaintenance([machine('Machine3', '10.0.0.3'), M2, M4]), true);
    assert.equal(writes, [[`del ${downKey(M3)}`, 'put registry/schedule']]);
    assert.equal(registry.snapshot.schedule, { windows: [window([M1, M2], 1000, HOUR_NS)] });
    assert.equal([...registry.snapshot.downMachines], [machineKey(M1)]);
    writes.length = 0;
    assert.is(await registry.stopMaintenance([M2, M3, M4]), false);
    assert.equal(writes, []);

    // M1 leaves; M2, still DRAINING, keeps the window.
    assert.is(await registry.stopMaintenance([M1]), true);
    assert.equal(registry.snapshot.schedule, { windows: [window([M2], 1000, HOUR_NS)] });
    // The last machine of the schedule leaves: the schedule entry goes in the same batch.
    await registry.startMaintenance([M2]);
    writes.length = 0;
    assert.is(await registry.stopMaintenance([M2]), true);
    assert.equal(writes, [[`del ${downKey(M2)}`, 'del registry/schedule']]);
    assert.equal(plain(registry.snapshot), EMPTY);
    assert.equal(await dump(store), [['registry/version', 1]]);
  });

  registryTest('updateSchedule keeps DOWN machines DOWN, and refuses at its turn to drop one', async ({ store, registry }) => {
    await registry.updateSchedule(schedule());
    await registry.startMaintenance([M2]);
    // M2 moves to a new window, respelled; M1 and M3 leave (UP), M4 comes (DRAINING).
    const next: maintenance.Schedule = { windows: [window([M4, machine('MACHINE2', '10.0.0.2')], 9000, HOUR_NS)] };
    assert.is(await registry.updateSchedule(next), true);
    const state = { schedule: registry.snapshot.schedule, down: registry.snapshot.downMachines };
    assert.equal([M1, M2, M3, M4].map((id) => machineMode(state, id)), ['UP', 'DOWN', 'UP', 'DRAINING']);

    const writes = recordWrites(store);
    const before = plain(registry.snapshot);
    await rejectsAsync(registry.updateSchedule({ windows: [window([M4], 9000)] }), 'STORE_INVALID_OP',
      'Cannot update the maintenance schedule: Machine \'{"hostname":"MACHINE2","ip":"10.0.0.2"}\' is deactivated and cannot be removed from the schedule');
    await rejectsAsync(registry.updateSchedule({}), 'STORE_INVALID_OP', /is deactivated and cannot be removed from the schedule$/);
    assert.equal(writes, []);
    assert.equal(plain(registry.snapshot), before);

    // The check is made at the mutation's turn: a schedule that was valid when called is refused
    // once a startMaintenance called before it has taken its machine DOWN.
    const down = registry.startMaintenance([M4]);
    const dropping = registry.updateSchedule({ windows: [window([M2], 9000)] });
    assert.is(await down, true);
    await rejectsAsync(dropping, 'STORE_INVALID_OP', 'Cannot update the maintenance schedule: Machine \'{"hostname":"machine4","ip":"10.0.0.4"}\' is deactivated and cannot be removed from the schedule');
    assert.equal(registry.snapshot.schedule, next);
  });

  registryTest('maintenance mutations reject bad arguments at call time and write nothing', async ({ store, registry }) => {
    await registry.updateSchedule(schedule());
    const writes = recordWrites(store);
    const bad: [Promise<unknown>, string | RegExp][] = [
      [registry.updateSchedule({ windows: [{ machine_ids: [M1] } as maintenance.Window] }),
        'Cannot store the maintenance schedule in the registry: windows[0].unavailability: required'],
      [registry.updateSchedule(null as unknown as maintenance.Schedule), /^Cannot store the maintenance schedule in the registry: /],
      [registry.updateSchedule({ windows: [window([], 0)] }),
        'Cannot store the maintenance schedule in the registry: List of machines in the maintenance window is empty'],
      [registry.updateSchedule({ windows: [window([M1], 0, -1)] }),
        'Cannot store the maintenance schedule in the registry: Unavailability \'duration\' is negative'],
      [registry.updateSchedule({ windows: [window([M1], 0), window([machine('Machine1', '10.0.0.1')], 0)] }),
        'Cannot store the maintenance schedule in the registry: Machine \'{"hostname":"Machine1","ip":"10.0.0.1"}\' appears more than once in the schedule'],
      [registry.updateSchedule({ windows: [window([{ ip: '10.0.0.1.2' }], 0)] }),
        'Cannot store the maintenance schedule in the registry: Failed to parse IPv4: 10.0.0.1.2'],
      [registry.startMaintenance([]), 'Cannot start maintenance: List of machines is empty'],
      [registry.startMaintenance('m1' as unknown as v1.MachineID[]), 'Cannot start maintenance on string; expected an array of MachineID'],
      [registry.startMaintenance([M1, { hostname: '' }]), 'Cannot start maintenance: Both \'hostname\' and \'ip\' for a machine are empty'],
      [registry.startMaintenance([M1, 7 as unknown as v1.MachineID]), /^Cannot store the machine at index 1 in the registry: /],
      [registry.stopMaintenance([M1, machine('MACHINE1', '10.0.0.1')]),
        'Cannot stop maintenance: Machine \'{"hostname":"MACHINE1","ip":"10.0.0.1"}\' appears more than once in the schedule'],
      [registry.stopMaintenance(null as unknown as v1.MachineID[]), 'Cannot stop maintenance on null; expected an array of MachineID'],
    ];
    for (const [promise, message] of bad) await rejectsAsync(promise, 'STORE_INVALID_OP', message);
    assert.equal(writes, []);
    assert.equal(registry.snapshot.schedule, schedule());

    // What is written is what was passed at the call, not what the objects hold later.
    const posted = schedule();
    const pending = registry.updateSchedule({ windows: [...posted.windows!, window([M4], 7000)] });
    posted.windows![0]!.machine_ids!.push(machine('late', '10.9.9.9'));
    assert.is(await pending, true);
    assert.equal(registry.snapshot.schedule, { windows: [...schedule().windows!, window([M4], 7000)] });
  });

  registryTest('maintenance: recover sees exactly what was written', async (ctx) => {
    const { registry } = ctx;
    const posted: maintenance.Schedule = {
      windows: [
        window([machine('Machine1', '10.0.0.1'), { hostname: 'only-a-name' }], -5, 0),
        window([{ ip: '10.0.0.9' }, { hostname: 'sl/ash', ip: '10.0.0.8' }, { hostname: '\u00e9\u{1F600}', ip: '10.0.0.7' }], 1_700_000_000_123_456_789, HOUR_NS),
      ],
    };
    await registry.updateSchedule(posted);
    await registry.startMaintenance([{ ip: '10.0.0.9' }, { hostname: 'SL/ASH', ip: '10.0.0.8' }, { hostname: '\u00e9\u{1F600}', ip: '10.0.0.7' }]);
    await registry.stopMaintenance([{ ip: '10.0.0.9' }]);
    await registry.admitAgent(agent('a1'));
    const before = plain(registry.snapshot);
    assert.equal(before.downMachines, [machineKey({ hostname: '\u00e9\u{1F600}', ip: '10.0.0.7' }), machineKey({ hostname: 'sl/ash', ip: '10.0.0.8' })].sort());

    const recovered = await ctx.reopen();
    assert.equal(plain(recovered.snapshot), before);
    assert.ok(Object.isFrozen(recovered.snapshot.schedule.windows![1]!.machine_ids![0]));
    // The recovered registry carries on where the first left off.
    await rejectsAsync(recovered.updateSchedule({ windows: [window([{ hostname: 'only-a-name' }], 0)] }), 'STORE_INVALID_OP', /is deactivated/);
    assert.is(await recovered.stopMaintenance([{ hostname: 'sl/ash', ip: '10.0.0.8' }, { hostname: '\u00e9\u{1F600}', ip: '10.0.0.7' }]), true);
    const again = await ctx.reopen();
    assert.equal(plain(again.snapshot), { ...before, schedule: { windows: [posted.windows![0]!] }, downMachines: [] });
  });

  registryTest('a failed maintenance write rejects and leaves the snapshot unchanged', async ({ store }) => {
    const faulty = new FaultyStore(store);
    const registry = await Registry.recover(faulty);
    await registry.updateSchedule(schedule());
    await registry.startMaintenance([M1]);
    const before = plain(registry.snapshot);
    const stored = await dump(store);
    for (const call of [
      () => registry.updateSchedule({ windows: [window([M1], 1)] }),
      () => registry.startMaintenance([M2]),
      () => registry.stopMaintenance([M1]),
    ]) {
      faulty.failNext = 1;
      await rejectsAsync(call(), 'STORE_IO', /injected failure/);
    }
    assert.equal(plain(registry.snapshot), before);
    assert.equal(await dump(store), stored);
  });

  registryTest('the snapshot cannot be changed from outside', async ({ registry }) => {
    await registry.admitAgent(agent('a', { resources: cpus(1) }));
    await registry.updateWeights({ r: 2 });
    const snapshot = registry.snapshot;
    assert.is((snapshot.agents as unknown as { set?: unknown }).set, undefined);
    assert.ok(Object.isFrozen(snapshot));
    const admitted = snapshot.agents.get('a')!;
    assert.throws(() => {
      (admitted as { deactivated: boolean }).deactivated = true;
    });
    assert.throws(() => {
      admitted.info.resources![0]!.scalar!.value = 2;
    });
    // Nor its maintenance state: the schedule is frozen, the DOWN set has no add.
    await registry.updateSchedule(schedule());
    await registry.startMaintenance([M1]);
    const { schedule: posted, downMachines } = snapshot;
    assert.throws(() => {
      posted.windows![0]!.machine_ids!.push(M4);
    });
    assert.throws(() => {
      posted.windows![0]!.unavailability.start.nanoseconds = 0;
    });
    assert.is((downMachines as unknown as { add?: unknown }).add, undefined);
    assert.throws(() => {
      (snapshot as { schedule: maintenance.Schedule }).schedule = {};
    });
    // The maps, the set and the schedule are live views of the registry.
    await registry.startMaintenance([M2]);
    assert.is(downMachines.size, 2);
    assert.ok(downMachines.has(machineKey(M2)));
    await registry.updateSchedule({ windows: [window([M1, M2, M3], 0)] });
    assert.equal(snapshot.schedule, { windows: [window([M1, M2, M3], 0)] });
    assert.is(posted.windows!.length, 2);
    const visited: string[] = [];
    downMachines.forEach((key, same, set) => {
      assert.is(key, same);
      assert.is(set, downMachines);
      visited.push(key);
    });
    assert.equal(visited, [M1, M2].map(machineKey));
    await registry.admitAgent(agent('b'));
    assert.is(snapshot.agents.size, 2);
    const seen: string[] = [];
    snapshot.agents.forEach((value, key, map) => {
      assert.is(map, snapshot.agents);
      seen.push(key);
    });
    assert.equal(seen, ['a', 'b']);
  });

  // Corrupt stored data: each case writes raw bytes beside a valid registry, and recover must
  // refuse with STORE_CORRUPT naming the key.
  const corruptCases: [name: string, key: string, value: string, message: RegExp][] = [
    ['not JSON', 'registry/agents/a', '{"info":', /^The value stored at key 'registry\/agents\/a' is not valid UTF-8 JSON: /],
    ['an AgentInfo without hostname', 'registry/agents/a', '{"info":{"id":{"value":"a"}},"deactivated":false}',
      /^The registry entry at key 'registry\/agents\/a' is invalid: info: hostname: required$/],
    ['an agent whose id is not the key\'s', 'registry/agents/a', JSON.stringify(storedAgent('b')),
      /^The registry entry at key 'registry\/agents\/a' is invalid: info.id is 'b', not the id in the key$/],
    ['deactivated that is not a boolean', 'registry/agents/a', '{"info":{"hostname":"h","id":{"value":"a"}},"deactivated":"no"}',
      /key 'registry\/agents\/a' is invalid: deactivated must be a boolean$/],
    ['an agent that is an array', 'registry/agents/a', '[]', /key 'registry\/agents\/a' is invalid: an admitted agent must be an object/],
    ['an unreachable timestamp with a fraction', 'registry/unreachable/u', '{"id":{"value":"u"},"timestamp":{"nanoseconds":1.5}}',
      /^The registry entry at key 'registry\/unreachable\/u' is invalid: timestamp: nanoseconds: expected an integer/],
    ['a gone entry without an id', 'registry/gone/g', '{"timestamp":{"nanoseconds":1}}', /^The registry entry at key 'registry\/gone\/g' is invalid: id: missing$/],
    ['a weight of 0', 'registry/weights/r', '{"role":"r","weight":0}', /key 'registry\/weights\/r' is invalid: weight 0 is not a positive/],
    ['a weight of the default 1', 'registry/weights/r', '{"role":"r","weight":1}', /key 'registry\/weights\/r' is invalid: weight 1/],
    ['a weight for another role', 'registry/weights/r', '{"role":"s","weight":2}', /key 'registry\/weights\/r' is invalid: role is 's'/],
    ['an empty quota', 'registry/quotas/r', '{"role":"r"}', /key 'registry\/quotas\/r' is invalid: the config has neither guarantees nor limits$/],
    ['a quota with a bad scalar', 'registry/quotas/r', '{"role":"r","limits":{"cpus":{"value":"many"}}}', /key 'registry\/quotas\/r' is invalid: limits/],
    ['an unknown kind of key', 'registry/machines/m', '{}', /^The registry entry at key 'registry\/machines\/m' is invalid: it is not a registry key this master knows$/],
    ['a key naming no agent', 'registry/agents/', '{}', /key 'registry\/agents\/' is invalid: it names no agent$/],
    ['an agent both admitted and gone', 'registry/gone/live', JSON.stringify(storedRemoved('live', 1)),
      /key 'registry\/gone\/live' is invalid: the agent is also admitted$/],
    ['an unknown version', 'registry/version', '2', /^The registry has version 2 at key 'registry\/version'; this master reads only version 1$/],
    ['a version that is not JSON', 'registry/version', 'one', /^The value stored at key 'registry\/version' is not valid UTF-8 JSON/],
  ];
  // Maintenance entries: the cases are written beside a schedule of [M1, M2] with M2 DOWN.
  const stored = (value: unknown): string => JSON.stringify(value);
  const schedule12 = { windows: [window([M1, M2], 0)] };
  corruptCases.push(
    ['a schedule that does not decode', REGISTRY_SCHEDULE_KEY, stored({ windows: [{ machine_ids: [M1] }] }),
      /^The registry entry at key 'registry\/schedule' is invalid: windows\[0\].unavailability: required$/],
    ['a schedule without windows', REGISTRY_SCHEDULE_KEY, stored({ windows: [] }),
      /^The registry entry at key 'registry\/schedule' is invalid: the schedule has no windows$/],
    ['a schedule with a machine twice', REGISTRY_SCHEDULE_KEY, stored({ windows: [window([M1, M2], 0), window([machine('MACHINE1', '10.0.0.1')], 0)] }),
      /key 'registry\/schedule' is invalid: Machine '\{"hostname":"MACHINE1","ip":"10.0.0.1"\}' appears more than once in the schedule$/],
    ['a schedule with a negative duration', REGISTRY_SCHEDULE_KEY, stored({ windows: [window([M1, M2], 0, -1)] }),
      /key 'registry\/schedule' is invalid: Unavailability 'duration' is negative$/],
    // Which of the two is wrong cannot be told; the DOWN entry is named, as it would be were the
    // schedule to drop M2.
    ['a DOWN machine outside the schedule', downKey(M3), stored(M3),
      /key 'registry\/down-machines\/\{"hostname":"machine3","ip":"10.0.0.3"\}' is invalid: the machine is DOWN but not in the maintenance schedule$/],
    ['a DOWN machine that is not the key\'s', downKey(M1), stored(M3),
      /key 'registry\/down-machines\/\{"hostname":"machine1","ip":"10.0.0.1"\}' is invalid: the machine is \{"hostname":"machine3","ip":"10.0.0.3"\}, not the one in the key$/],
    ['a DOWN machine keyed without lowering its hostname', registryKey('downMachines', JSON.stringify(machine('Machine1', '10.0.0.1'))), stored(machine('Machine1', '10.0.0.1')),
      /is invalid: the machine is \{"hostname":"Machine1","ip":"10.0.0.1"\}, not the one in the key$/],
    ['a DOWN machine that is not a MachineID', downKey(M1), '[]', /key 'registry\/down-machines\/.*' is invalid: expected an object for MachineID, got an array$/],
    ['a key naming no machine', 'registry/down-machines/', stored(M1), /key 'registry\/down-machines\/' is invalid: it names no machine$/],
  );
  for (const [name, key, value, message] of corruptCases) {
    registryTest(`recover refuses ${name} with STORE_CORRUPT naming the key`, async ({ store, registry }) => {
      await registry.admitAgent(agent('live'));
      await registry.updateSchedule(schedule12);
      await registry.startMaintenance([M2]);
      await store.put(key, bytes(value));
      const err = await rejectsAsync(Registry.recover(store), 'STORE_CORRUPT', message);
      assert.ok(err.message.includes(`'${key}'`), err.message);
    });
  }

  registryTest('recover refuses entries without a version record, and ignores keys outside registry/', async ({ store, registry }) => {
    await registry.admitAgent(agent('a'));
    await store.put('other/thing', bytes('not json at all'));
    assert.equal(plain((await Registry.recover(store)).snapshot).agents, plain(registry.snapshot).agents);
    await store.delete('registry/version');
    await rejectsAsync(Registry.recover(store), 'STORE_CORRUPT',
      'The registry has entries (the first at key \'registry/agents/a\') but no version record at key \'registry/version\'');
  });

  registryTest('recover on a closed store rejects with STORE_CLOSED', async ({ store }) => {
    await store.close();
    await rejectsAsync(Registry.recover(store), 'STORE_CLOSED');
  });
}

test('no kind\'s key prefix is a prefix of another\'s or of a single entry\'s key', () => {
  const prefixes = Object.values(REGISTRY_KEY_PREFIXES);
  for (const prefix of prefixes) {
    assert.ok(prefix.startsWith(REGISTRY_PREFIX) && prefix.endsWith('/'), prefix);
    for (const other of prefixes) if (other !== prefix) assert.not.ok(other.startsWith(prefix), `${prefix} ${other}`);
    for (const single of ['registry/version', REGISTRY_SCHEDULE_KEY]) assert.not.ok(single.startsWith(prefix), `${prefix} ${single}`);
  }
  assert.equal(NO_MAINTENANCE.schedule, {});
});

// ---------------------------------------------------------------------------------------------
// LevelDB durability: a process killed with SIGKILL keeps every mutation it acknowledged.

// Runs in a child process: recovers the registry in the directory given, then admits agents
// `agent-<i>` with a few calls in flight and marks each odd one unreachable, printing a line once
// each mutation has resolved. It never finishes on its own: the test kills it.
const WRITER = `
const [dir, registryUrl, storeUrl] = process.argv.slice(1);
const { Registry } = await import(registryUrl);
const { LevelDbStore } = await import(storeUrl);
const registry = await Registry.recover(await LevelDbStore.open(dir));
let next = 0;
async function worker() {
  for (;;) {
    const i = next++;
    const id = 'agent-' + String(i).padStart(8, '0');
    await registry.admitAgent({ hostname: 'h' + i, id: { value: id } });
    process.stdout.write('admitted ' + id + '\\n');
    if (i % 2 === 1) {
      await registry.markUnreachable(id, i);
      process.stdout.write('unreachable ' + id + '\\n');
    }
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
`;

test('leveldb: every mutation a registry acknowledged before it was SIGKILLed is there after recover', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'registry');
    const url = (file: string): string => pathToFileURL(join(root, file)).href;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, path, url('lib/master/registry.ts'), url('lib/store/index.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          const parts = (partial + chunk).split('\n');
          partial = parts.pop()!;
          lines.push(...parts);
          if (lines.length >= 200) resolve();
        });
        child.on('close', (code, signal) => reject(new Error(`the writer exited early (${code ?? signal}) after ${lines.length} lines: ${stderr}`)));
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await closed;
    }
    assert.is(child.signalCode, 'SIGKILL');

    const store = await LevelDbStore.open(path);
    try {
      const { snapshot } = await Registry.recover(store);
      for (const line of lines) {
        const [what, id] = line.split(' ') as [string, string];
        if (what === 'unreachable') assert.ok(snapshot.unreachable.has(id), line);
        else assert.ok(snapshot.agents.has(id) || snapshot.unreachable.has(id), line);
      }
      // Mutations are written one at a time in call order, so what survived is every agent up to
      // some point, each odd one past its unreachable mark except perhaps the last few.
      const known = [...snapshot.agents.keys(), ...snapshot.unreachable.keys()].sort();
      assert.equal(known, Array.from({ length: known.length }, (_, i) => `agent-${String(i).padStart(8, '0')}`));
      assert.ok(known.length >= lines.filter((line) => line.startsWith('admitted')).length);
    } finally {
      await store.close();
    }
  }));

test.run();

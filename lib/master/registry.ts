// The master's registry: the cluster state that must survive a master failover, as Mesos's
// registrar keeps it (docs/ARCHITECTURE.md section 5, mesos-api.md section 8). It holds the
// admitted, unreachable and gone agents, role weights, quota configs, and the maintenance schedule
// with the machines that are DOWN (Mesos's `schedules` and `machines`). Frameworks, tasks and
// offers are not here: agents and schedulers bring them back when they reregister and resubscribe.
//
// Layout in the Store, one entry per item so that a change writes only what changed:
//
//   registry/version                   1 (the layout below; anything else is refused on recover)
//   registry/agents/<id>               {"info": AgentInfo, "deactivated": bool}
//   registry/unreachable/<id>          {"id": AgentID, "timestamp": TimeInfo}
//   registry/gone/<id>                 {"id": AgentID, "timestamp": TimeInfo}
//   registry/weights/<role>            WeightInfo
//   registry/quotas/<role>             QuotaConfig
//   registry/down-machines/<machine>   MachineID, of a machine that is DOWN
//   registry/schedule                  maintenance.Schedule, with at least one window
//
// <machine> is maintenance.ts's machineKey: the machine's JSON with its hostname lowered, e.g.
// `registry/down-machines/{"hostname":"agent1","ip":"10.0.0.1"}`. The schedule is one entry, as
// the operator replaces it whole; no schedule (the empty one) is no entry. A machine is DRAINING
// when it is in the schedule and has no down-machines entry, and every down-machines entry is a
// machine of the schedule (maintenance.ts's MaintenanceState); which of the two, the schedule or
// the entries, changes with each mutation is said on the mutation.
//
// Keys are unambiguous for any agent id, role and machine: no kind's prefix (which ends in a slash)
// is a prefix of another's or of a single entry's key (version, schedule), and the id, role or
// machine is the whole rest of the key, slashes and all. So an id `a/b` is the key
// `registry/agents/a/b` and nothing else can be, and nothing else may ever be nested under a
// kind's prefix. Values are Mesos messages in their JSON dialect, written through
// the codec (lib/api/codec.ts) and read back through it, so a value that the codec would not
// accept never reaches the disk, and one that has gone bad on the disk is caught on recover.
//
// One Registry owns its keys: it is the leading master's, and no other writer may touch
// `registry/` while it is in use, because the in-memory view is trusted to mirror the disk.
//
// Mutations are registrar operations: each decides whether it applies against the state left by
// the mutations called before it, writes one synced batch, and only then changes the in-memory
// view. One that does not apply resolves false and writes nothing, as Mesos's operations return
// false to mean "no change". One called with arguments it cannot store (the wrong shape, or for
// maintenance a rule of Mesos's that the master should have checked first) rejects with
// STORE_INVALID_OP and writes nothing. A mutation whose write fails rejects with the store's error
// and leaves the view as it was; after STORE_IO the disk may or may not hold the write (see
// lib/store/store.ts), so the master should then stop trusting this Registry and recover a new
// one, as Mesos's master aborts when a registrar operation fails.

import * as codec from '../api/codec.ts';
import type { MessageName } from '../api/codec.ts';
import { truncate } from '../api/numbers.ts';
import { validateRole } from '../api/roles.ts';
import { MesosError } from '../common/errors.ts';
import { decodeJson, encodeJson, putJsonOp } from '../store/json.ts';
import { checkKey, quoteKey } from '../store/store.ts';
import type { Store, StoreOp } from '../store/store.ts';
import type * as maintenance from '../types/maintenance.ts';
import type * as v1 from '../types/mesos.ts';
import type { QuotaConfig } from '../types/quota.ts';
import type { MessageTypes } from '../types/registry.ts';
import {
  NO_MAINTENANCE,
  formatMachine,
  machineKey,
  removeMachines,
  scheduledMachines,
  validateMachines,
  validateSchedule,
} from './maintenance.ts';
import type { MaintenanceState } from './maintenance.ts';

/** The layout version this code reads and writes, stored at `registry/version`. */
export const REGISTRY_VERSION = 1;

/** Every registry key starts with this. */
export const REGISTRY_PREFIX = 'registry/';
const VERSION_KEY = `${REGISTRY_PREFIX}version`;

/** The key of the maintenance schedule, a single entry. */
export const REGISTRY_SCHEDULE_KEY = `${REGISTRY_PREFIX}schedule`;

/**
 * The key prefix of each kind of entry; the rest of the key is the agent id, the role, or the
 * machine's machineKey.
 */
export const REGISTRY_KEY_PREFIXES = {
  agents: `${REGISTRY_PREFIX}agents/`,
  unreachable: `${REGISTRY_PREFIX}unreachable/`,
  gone: `${REGISTRY_PREFIX}gone/`,
  weights: `${REGISTRY_PREFIX}weights/`,
  quotas: `${REGISTRY_PREFIX}quotas/`,
  downMachines: `${REGISTRY_PREFIX}down-machines/`,
} as const;

export type RegistryKind = keyof typeof REGISTRY_KEY_PREFIXES;

/** The key of the entry of `kind` for agent id, role or machine key `name`. */
export function registryKey(kind: RegistryKind, name: string): string {
  return REGISTRY_KEY_PREFIXES[kind] + name;
}

// Codec messages quoted in our errors are cut to this many characters.
const DETAIL_IN_MESSAGE = 300;

/** An agent the master has admitted: registered, and not since marked unreachable or gone. */
export interface AdmittedAgent {
  /** The agent's info as last stored, with its id. */
  readonly info: v1.AgentInfo;
  /** An operator deactivated it: the master sends it no offers until it is reactivated. */
  readonly deactivated: boolean;
}

/** An unreachable or gone agent: the registry keeps only its id and when it was marked. */
export interface RemovedAgent {
  readonly id: string;
  /** When the agent was marked, in nanoseconds since the epoch (Mesos's TimeInfo). */
  readonly timestampNs: number;
}

/**
 * What the registry holds. An agent id appears in at most one of `agents`, `unreachable` and
 * `gone`. `weights` holds only roles whose weight is not the default 1, and `quotas` only roles
 * with guarantees or limits. `schedule` and `downMachines` are a MaintenanceState
 * (maintenance.ts): every key in `downMachines` is the machineKey of a machine of `schedule`.
 */
export interface RegistrySnapshot {
  readonly agents: ReadonlyMap<string, AdmittedAgent>;
  readonly unreachable: ReadonlyMap<string, RemovedAgent>;
  readonly gone: ReadonlyMap<string, RemovedAgent>;
  readonly weights: ReadonlyMap<string, number>;
  readonly quotas: ReadonlyMap<string, QuotaConfig>;
  /**
   * The maintenance schedule, `{}` when there is none, deeply frozen. The property is live (it
   * reads the current schedule); the object it returns is replaced, never changed, by a mutation.
   */
  readonly schedule: maintenance.Schedule;
  /** The machineKey of every machine that is DOWN. */
  readonly downMachines: ReadonlySet<string>;
}

/** The GC limits of Mesos's `--registry_max_agent_age` and `--registry_max_agent_count`. */
export interface PruneOptions {
  /** Entries marked more than this long before `nowNs` are dropped. */
  readonly maxAgeNs: number;
  /** Each of the unreachable and gone lists keeps at most this many entries, the newest. */
  readonly maxCount: number;
  /** The current time, in nanoseconds since the epoch. */
  readonly nowNs: number;
}

/**
 * A read-only window onto one of the registry's maps. The snapshot hands these out rather than the
 * maps themselves so that no caller can change the registry's state without a write to the store.
 * It is live: it shows every mutation that completes after it was taken.
 */
class ReadonlyMapView<K, V> implements ReadonlyMap<K, V> {
  readonly #map: Map<K, V>;

  constructor(map: Map<K, V>) {
    this.#map = map;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#map.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries(): MapIterator<[K, V]> {
    return this.#map.entries();
  }

  keys(): MapIterator<K> {
    return this.#map.keys();
  }

  values(): MapIterator<V> {
    return this.#map.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map.entries();
  }
}

/** A read-only, live window onto one of the registry's sets, as ReadonlyMapView is for maps. */
class ReadonlySetView<T> implements ReadonlySet<T> {
  readonly #set: Set<T>;

  constructor(set: Set<T>) {
    this.#set = set;
  }

  get size(): number {
    return this.#set.size;
  }

  has(value: T): boolean {
    return this.#set.has(value);
  }

  forEach(callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    this.#set.forEach((value) => callback.call(thisArg, value, value, this));
  }

  entries(): SetIterator<[T, T]> {
    return this.#set.entries();
  }

  keys(): SetIterator<T> {
    return this.#set.keys();
  }

  values(): SetIterator<T> {
    return this.#set.values();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.#set.values();
  }
}

// What a mutation does once it has decided that it applies: the batch to write, and the change to
// the in-memory view to make once the batch is on disk.
interface Change {
  readonly ops: readonly StoreOp[];
  readonly apply: () => void;
}

// The shape of a stored admitted agent, before its info has been through the codec.
interface StoredAgent {
  info: unknown;
  deactivated: unknown;
}

export class Registry {
  readonly #store: Store;

  // These maps mirror the entries under their key prefixes exactly, as of the last completed
  // write; nothing changes them except `#load` during recover and a Change after its write. An
  // agent id is a key of at most one of #agents, #unreachable and #gone, because every mutation
  // that moves an agent deletes its old entry in the same batch that puts its new one. #weights
  // never holds the default weight 1 and #quotas never holds a config with neither guarantees nor
  // limits: those are written as deletions. Values are deeply frozen, so callers may keep them.
  // #schedule mirrors the schedule entry (the frozen `{}` when there is none, never a stored
  // schedule without windows) and #down the keys under the down-machines prefix; every key in #down
  // is a machine of #schedule, because recover checks it, updateSchedule refuses to drop a DOWN
  // machine, and stopMaintenance takes a machine out of both in one batch.
  readonly #agents = new Map<string, AdmittedAgent>();
  readonly #unreachable = new Map<string, RemovedAgent>();
  readonly #gone = new Map<string, RemovedAgent>();
  readonly #weights = new Map<string, number>();
  readonly #quotas = new Map<string, QuotaConfig>();
  #schedule: maintenance.Schedule = NO_MAINTENANCE.schedule;
  readonly #down = new Set<string>();
  readonly #snapshot: RegistrySnapshot = this.#createSnapshot();
  /** Whether recover found no registry and started a new one (the cluster's bootstrap). */
  #created = false;

  // The last queued mutation, settled or not. It never rejects: failures go to that mutation's
  // caller, and the next mutation runs against the unchanged state.
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Loads everything under `registry/` from `store`. A fresh store (no registry keys at all) gets
   * the version record. Rejects with STORE_CORRUPT, naming the key, when a value does not decode
   * or contradicts its key or another entry, when a key is not one of the registry's, and when
   * the version is missing or not one this code knows; and with the store's error when it
   * cannot be read.
   */
  static async recover(store: Store): Promise<Registry> {
    const registry = new Registry(store);
    // The version is read first, so that a registry of another layout is reported as that rather
    // than as a pile of entries that do not decode.
    const versionBytes = await store.get(VERSION_KEY);
    const version = versionBytes === undefined ? undefined : decodeJson(VERSION_KEY, versionBytes);
    if (version !== undefined && version !== REGISTRY_VERSION) {
      throw new MesosError('STORE_CORRUPT',
        `The registry has version ${truncate(JSON.stringify(version) ?? String(version))} at key ${quoteKey(VERSION_KEY)}; this master reads only version ${REGISTRY_VERSION}`);
    }
    let firstKey: string | undefined;
    for await (const [key, bytes] of store.scan(REGISTRY_PREFIX)) {
      if (key === VERSION_KEY) continue;
      firstKey ??= key;
      if (key === REGISTRY_SCHEDULE_KEY) registry.#loadSchedule(decodeJson(key, bytes));
      else registry.#load(key, decodeJson(key, bytes));
    }
    if (version === undefined) {
      if (firstKey !== undefined) {
        throw new MesosError('STORE_CORRUPT',
          `The registry has entries (the first at key ${quoteKey(firstKey)}) but no version record at key ${quoteKey(VERSION_KEY)}`);
      }
      await store.put(VERSION_KEY, encodeJson(VERSION_KEY, REGISTRY_VERSION));
      registry.#created = true;
    }
    registry.#checkDisjoint();
    registry.#checkMaintenance();
    return registry;
  }

  /**
   * True when recover found no registry in the store and wrote a new one: the first start of a
   * cluster, when Mesos seeds the registry from the deprecated `--weights` flag.
   */
  get created(): boolean {
    return this.#created;
  }

  /** The current state, as of the mutations that have completed. The maps are live read-only views. */
  get snapshot(): RegistrySnapshot {
    return this.#snapshot;
  }

  /**
   * Admits a newly registered agent. False if its id is already known in any state: an admitted
   * agent is updated with `updateAgentInfo`, an unreachable one comes back with `markReachable`,
   * and a gone one never comes back.
   */
  admitAgent(info: v1.AgentInfo): Promise<boolean> {
    return this.#mutate(() => {
      const agent = admitted(info, 'admit');
      const op = putJsonOp(registryKey('agents', agent.id), agent.stored);
      return () => {
        if (this.#known(agent.id)) return undefined;
        return { ops: [op], apply: () => this.#agents.set(agent.id, agent.value) };
      };
    });
  }

  /** Moves an admitted agent to the unreachable list. False unless the agent is admitted. */
  markUnreachable(agentId: string, timestampNs: number): Promise<boolean> {
    return this.#mutate(() => {
      const removed = removedAgent(agentId, timestampNs, 'mark unreachable');
      const ops = [deleteOp('agents', agentId), putJsonOp(registryKey('unreachable', agentId), storedRemoved(removed))];
      return () => {
        if (!this.#agents.has(agentId)) return undefined;
        return {
          ops,
          apply: () => {
            this.#agents.delete(agentId);
            this.#unreachable.set(agentId, removed);
          },
        };
      };
    });
  }

  /**
   * Admits an agent that reregistered after being marked unreachable, with the info it brought.
   * An id the registry does not know (its unreachable entry may have been pruned) is admitted too.
   * False if the agent is gone, or already admitted: this changes no admitted agent's info, which
   * is `updateAgentInfo`'s job, so that each call does one thing and reports whether it did it.
   * The agent comes back active: deactivation is not remembered across unreachability here.
   */
  markReachable(info: v1.AgentInfo): Promise<boolean> {
    return this.#mutate(() => {
      const agent = admitted(info, 'mark reachable');
      const put = putJsonOp(registryKey('agents', agent.id), agent.stored);
      return () => {
        if (this.#agents.has(agent.id) || this.#gone.has(agent.id)) return undefined;
        const wasUnreachable = this.#unreachable.has(agent.id);
        return {
          ops: wasUnreachable ? [deleteOp('unreachable', agent.id), put] : [put],
          apply: () => {
            this.#unreachable.delete(agent.id);
            this.#agents.set(agent.id, agent.value);
          },
        };
      };
    });
  }

  /** Marks an admitted or unreachable agent gone, for good. False if it is neither. */
  markGone(agentId: string, timestampNs: number): Promise<boolean> {
    return this.#mutate(() => {
      const removed = removedAgent(agentId, timestampNs, 'mark gone');
      const put = putJsonOp(registryKey('gone', agentId), storedRemoved(removed));
      return () => {
        const from = this.#agents.has(agentId) ? 'agents' : this.#unreachable.has(agentId) ? 'unreachable' : undefined;
        if (from === undefined) return undefined;
        return {
          ops: [deleteOp(from, agentId), put],
          apply: () => {
            this.#agents.delete(agentId);
            this.#unreachable.delete(agentId);
            this.#gone.set(agentId, removed);
          },
        };
      };
    });
  }

  /** Forgets an admitted agent entirely, as when it unregisters. False unless it is admitted. */
  removeAgent(agentId: string): Promise<boolean> {
    return this.#mutate(() => {
      checkAgentId(agentId, 'remove');
      const ops = [deleteOp('agents', agentId)];
      return () => {
        if (!this.#agents.has(agentId)) return undefined;
        return { ops, apply: () => this.#agents.delete(agentId) };
      };
    });
  }

  /**
   * Replaces an admitted agent's info (its resources or attributes changed when it reregistered),
   * keeping whether it is deactivated. False if the agent is not admitted or the info is the same
   * as stored (compared in its stored form, so defaults the caller left out do not count).
   */
  updateAgentInfo(info: v1.AgentInfo): Promise<boolean> {
    return this.#mutate(() => {
      const agent = admitted(info, 'update');
      return () => {
        const current = this.#agents.get(agent.id);
        if (current === undefined || sameMessage('mesos.v1.AgentInfo', current.info, agent.value.info)) return undefined;
        const value = deepFreeze({ info: agent.value.info, deactivated: current.deactivated });
        return {
          ops: [putJsonOp(registryKey('agents', agent.id), storedAgent(value))],
          apply: () => this.#agents.set(agent.id, value),
        };
      };
    });
  }

  /** Deactivates or reactivates an admitted agent. False if it is not admitted or already so. */
  setDeactivated(agentId: string, deactivated: boolean): Promise<boolean> {
    return this.#mutate(() => {
      checkAgentId(agentId, deactivated ? 'deactivate' : 'reactivate');
      if (typeof deactivated !== 'boolean') {
        throw new MesosError('STORE_INVALID_OP', `Cannot set agent ${quoteKey(agentId)} deactivated to ${typeof deactivated}; expected a boolean`);
      }
      return () => {
        const current = this.#agents.get(agentId);
        if (current === undefined || current.deactivated === deactivated) return undefined;
        const value = deepFreeze({ info: current.info, deactivated });
        return {
          ops: [putJsonOp(registryKey('agents', agentId), storedAgent(value))],
          apply: () => this.#agents.set(agentId, value),
        };
      };
    });
  }

  /**
   * Sets the weights of the roles given, leaving other roles' weights alone. A weight of 1, the
   * default, removes the role's entry. Writes nothing when nothing changes.
   */
  async updateWeights(weights: Readonly<Record<string, number>>): Promise<void> {
    await this.#mutate(() => {
      if (typeof weights !== 'object' || weights === null) {
        throw new MesosError('STORE_INVALID_OP', `Cannot update weights from ${weights === null ? 'null' : typeof weights}; expected an object of role to weight`);
      }
      const wanted = Object.entries(weights).map(([role, weight]) => {
        checkRole(role, 'weights');
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
          throw new MesosError('STORE_INVALID_OP', `Cannot store weight ${truncate(String(weight))} for role ${quoteKey(role)}: a weight must be a positive finite number`);
        }
        return [role, weight] as const;
      });
      return () => {
        const changed = wanted.filter(([role, weight]) => (this.#weights.get(role) ?? 1) !== weight);
        if (changed.length === 0) return undefined;
        return {
          ops: changed.map(([role, weight]) =>
            weight === 1 ? deleteOp('weights', role) : putJsonOp(registryKey('weights', role), storedWeight(role, weight))),
          apply: () => {
            for (const [role, weight] of changed) {
              if (weight === 1) this.#weights.delete(role);
              else this.#weights.set(role, weight);
            }
          },
        };
      };
    });
  }

  /**
   * Sets the quota configs of the roles given, leaving other roles' alone. A config with neither
   * guarantees nor limits removes the role's entry, as Mesos's UPDATE_QUOTA does. A role may appear
   * once per call. Writes nothing when nothing changes.
   */
  async updateQuotas(configs: readonly QuotaConfig[]): Promise<void> {
    await this.#mutate(() => {
      if (!Array.isArray(configs)) throw new MesosError('STORE_INVALID_OP', `Cannot update quotas from ${typeof configs}; expected an array of QuotaConfig`);
      const seen = new Set<string>();
      const wanted = configs.map((config) => {
        const role = (config as Partial<QuotaConfig> | null)?.role;
        if (typeof role !== 'string') throw new MesosError('STORE_INVALID_OP', 'Cannot store a quota config without a role');
        checkRole(role, 'quotas');
        if (seen.has(role)) throw new MesosError('STORE_INVALID_OP', `Cannot store quota for role ${quoteKey(role)} twice in one update`);
        seen.add(role);
        const value = normalize('mesos.v1.quota.QuotaConfig', config, `quota for role ${quoteKey(role)}`);
        return { role, value: isEmptyQuota(value) ? undefined : deepFreeze(value) };
      });
      return () => {
        const changed = wanted.filter(({ role, value }) => {
          const current = this.#quotas.get(role);
          if (current === undefined || value === undefined) return current !== value;
          return !sameMessage('mesos.v1.quota.QuotaConfig', current, value);
        });
        if (changed.length === 0) return undefined;
        return {
          ops: changed.map(({ role, value }) =>
            value === undefined ? deleteOp('quotas', role) : putJsonOp(registryKey('quotas', role), codec.encodeValue('mesos.v1.quota.QuotaConfig', value))),
          apply: () => {
            for (const { role, value } of changed) {
              if (value === undefined) this.#quotas.delete(role);
              else this.#quotas.set(role, value);
            }
          },
        };
      };
    });
  }

  /**
   * Garbage-collects unreachable and gone entries, as Mesos's registry GC does with
   * `--registry_max_agent_age` and `--registry_max_agent_count`. Each list is trimmed on its own:
   * entries marked more than `maxAgeNs` before `nowNs` go, and then the oldest go until at most
   * `maxCount` remain. Resolves with the number of entries dropped (0 writes nothing).
   *
   * Worked example, maxAgeNs 100, maxCount 2, nowNs 1000, unreachable marked at 850, 950, 960,
   * 990: the entry of 850 is 150 old and goes by age; three remain, one over the count, so the
   * oldest of them (950) goes too; 960 and 990 stay, and prune resolves 2.
   */
  prune(options: PruneOptions): Promise<number> {
    let dropped = 0;
    return this.#mutate(() => {
      const { maxAgeNs, maxCount, nowNs } = checkPruneOptions(options);
      return () => {
        const unreachable = expired(this.#unreachable, maxAgeNs, maxCount, nowNs);
        const gone = expired(this.#gone, maxAgeNs, maxCount, nowNs);
        dropped = unreachable.length + gone.length;
        if (dropped === 0) return undefined;
        return {
          ops: [...unreachable.map((id) => deleteOp('unreachable', id)), ...gone.map((id) => deleteOp('gone', id))],
          apply: () => {
            for (const id of unreachable) this.#unreachable.delete(id);
            for (const id of gone) this.#gone.delete(id);
          },
        };
      };
    }).then(() => dropped);
  }

  // Maintenance. These are Mesos's UpdateSchedule, StartMaintenance and StopMaintenance
  // (src/master/maintenance.cpp). The Mesos rules are maintenance.ts's, and the master checks them
  // with those functions first, against the snapshot, to answer 400 in Mesos's words. The registry
  // calls the same functions again as a guard on its own invariants: at call time the rules that
  // do not depend on the state (STORE_INVALID_OP, nothing queued), and for updateSchedule, at its
  // turn, the one that does (a DOWN machine must stay in the schedule). startMaintenance and
  // stopMaintenance apply at their turn to those of the machines they can, as Mesos's operations
  // do, so a race with another mutation makes them do less, never something the rules forbid.

  /**
   * Replaces the maintenance schedule. Machines new to it become DRAINING, machines left out of it
   * UP, and DOWN machines stay DOWN; the empty schedule cancels all maintenance (and deletes the
   * entry). Rejects with STORE_INVALID_OP when the schedule breaks validateSchedule: at call time
   * for the rules about the schedule itself, at its turn when it leaves out a machine that is DOWN.
   * False when the schedule is the one stored (compared in its stored form).
   */
  updateSchedule(schedule: maintenance.Schedule): Promise<boolean> {
    return this.#mutate(() => {
      const value = checkedSchedule(schedule);
      const op = scheduleOp(value);
      return () => {
        const error = validateSchedule(value, this.#maintenance());
        if (error !== undefined) throw new MesosError('STORE_INVALID_OP', `Cannot update the maintenance schedule: ${error}`);
        if (sameMessage('mesos.v1.maintenance.Schedule', this.#schedule, value)) return undefined;
        return { ops: [op], apply: () => (this.#schedule = value) };
      };
    });
  }

  /**
   * Takes machines DOWN, writing a down-machines entry for each (with the machine as the schedule
   * spells it). At its turn it applies to the listed machines that are DRAINING; ones not in the
   * schedule or already DOWN are passed over, and when that is all of them it resolves false and
   * writes nothing. Rejects with STORE_INVALID_OP at call time when the list breaks
   * validateMachines (empty, an invalid machine, one listed twice).
   */
  startMaintenance(machineIds: readonly v1.MachineID[]): Promise<boolean> {
    return this.#mutate(() => {
      const keys = checkedMachines(machineIds, 'start');
      return () => {
        const scheduled = scheduledMachines(this.#schedule);
        const going = keys.filter((key) => scheduled.has(key) && !this.#down.has(key));
        if (going.length === 0) return undefined;
        return {
          ops: going.map((key) => putJsonOp(registryKey('downMachines', key), codec.encodeValue('mesos.v1.MachineID', scheduled.get(key)!.id))),
          apply: () => {
            for (const key of going) this.#down.add(key);
          },
        };
      };
    });
  }

  /**
   * Brings DOWN machines UP: deletes their down-machines entries and takes them out of the schedule,
   * dropping the windows that leaves empty (and the schedule entry, if that is all of them), in one
   * batch. At its turn it applies to the listed machines that are DOWN; the others are passed over
   * (Mesos's StopMaintenance would take a DRAINING one out of the schedule too, but its master never
   * asks: a machine must be DOWN to be brought up), and when that is all of them it resolves false
   * and writes nothing. Rejects with STORE_INVALID_OP at call time when the list breaks
   * validateMachines.
   */
  stopMaintenance(machineIds: readonly v1.MachineID[]): Promise<boolean> {
    return this.#mutate(() => {
      const keys = checkedMachines(machineIds, 'stop');
      return () => {
        const coming = new Set(keys.filter((key) => this.#down.has(key)));
        if (coming.size === 0) return undefined;
        const schedule = deepFreeze(removeMachines(this.#schedule, coming));
        return {
          ops: [...[...coming].map((key) => deleteOp('downMachines', key)), scheduleOp(schedule)],
          apply: () => {
            for (const key of coming) this.#down.delete(key);
            this.#schedule = schedule;
          },
        };
      };
    });
  }

  // Queues a mutation. `prepare` runs now, at call time: it validates and encodes the arguments,
  // so that a bad call rejects without waiting and a caller changing its objects afterwards cannot
  // change what is written. The function it returns runs in turn, after every mutation called
  // earlier has completed, and decides against that state whether the mutation applies.
  #mutate(prepare: () => () => Change | undefined): Promise<boolean> {
    let decide: () => Change | undefined;
    try {
      decide = prepare();
    } catch (err) {
      return Promise.reject(err);
    }
    const result = this.#tail.then(async () => {
      const change = decide();
      if (change === undefined) return false;
      await this.#store.batch(change.ops);
      change.apply();
      return true;
    });
    this.#tail = result.catch(() => {});
    return result;
  }

  #createSnapshot(): RegistrySnapshot {
    const schedule = (): maintenance.Schedule => this.#schedule;
    return Object.freeze({
      agents: new ReadonlyMapView(this.#agents),
      unreachable: new ReadonlyMapView(this.#unreachable),
      gone: new ReadonlyMapView(this.#gone),
      weights: new ReadonlyMapView(this.#weights),
      quotas: new ReadonlyMapView(this.#quotas),
      get schedule() {
        return schedule();
      },
      downMachines: new ReadonlySetView(this.#down),
    });
  }

  #maintenance(): MaintenanceState {
    return { schedule: this.#schedule, down: this.#down };
  }

  #known(agentId: string): boolean {
    return this.#agents.has(agentId) || this.#unreachable.has(agentId) || this.#gone.has(agentId);
  }

  // Adds one stored entry to the maps during recover, after checking that it decodes and agrees
  // with its key.
  #load(key: string, json: unknown): void {
    const kind = (Object.keys(REGISTRY_KEY_PREFIXES) as RegistryKind[]).find((k) => key.startsWith(REGISTRY_KEY_PREFIXES[k]));
    if (kind === undefined) throw corrupt(key, 'it is not a registry key this master knows');
    const name = key.slice(REGISTRY_KEY_PREFIXES[kind].length);
    if (name === '') throw corrupt(key, `it names no ${kind === 'weights' || kind === 'quotas' ? 'role' : kind === 'downMachines' ? 'machine' : 'agent'}`);
    switch (kind) {
      case 'agents': {
        if (!isPlainObject(json)) throw corrupt(key, 'an admitted agent must be an object with info and deactivated');
        const { info, deactivated } = json as Partial<StoredAgent>;
        if (typeof deactivated !== 'boolean') throw corrupt(key, 'deactivated must be a boolean');
        const decoded = readMessage(key, 'mesos.v1.AgentInfo', info, 'info');
        if (decoded.id?.value !== name) throw corrupt(key, `info.id is ${quoteKey(decoded.id?.value ?? '')}, not the id in the key`);
        this.#agents.set(name, deepFreeze({ info: decoded, deactivated }));
        return;
      }
      case 'unreachable':
      case 'gone': {
        if (!isPlainObject(json)) throw corrupt(key, 'a removed agent must be an object with id and timestamp');
        const id = readMessage(key, 'mesos.v1.AgentID', json.id, 'id').value;
        const timestampNs = readMessage(key, 'mesos.v1.TimeInfo', json.timestamp, 'timestamp').nanoseconds;
        if (id !== name) throw corrupt(key, `id is ${quoteKey(id)}, not the id in the key`);
        (kind === 'gone' ? this.#gone : this.#unreachable).set(name, Object.freeze({ id, timestampNs }));
        return;
      }
      case 'weights': {
        const info = readMessage(key, 'mesos.v1.WeightInfo', json);
        if (info.role !== name) throw corrupt(key, `role is ${quoteKey(info.role ?? '')}, not the role in the key`);
        if (!Number.isFinite(info.weight) || info.weight <= 0 || info.weight === 1) {
          throw corrupt(key, `weight ${info.weight} is not a positive finite number other than the default 1`);
        }
        this.#weights.set(name, info.weight);
        return;
      }
      case 'quotas': {
        const config = readMessage(key, 'mesos.v1.quota.QuotaConfig', json);
        if (config.role !== name) throw corrupt(key, `role is ${quoteKey(config.role)}, not the role in the key`);
        if (isEmptyQuota(config)) throw corrupt(key, 'the config has neither guarantees nor limits');
        this.#quotas.set(name, deepFreeze(config));
        return;
      }
      case 'downMachines': {
        // Whether the machine is in the schedule is checked once everything is loaded.
        const id = readMessage(key, 'mesos.v1.MachineID', json);
        if (machineKey(id) !== name) throw corrupt(key, `the machine is ${formatMachine(id)}, not the one in the key`);
        this.#down.add(name);
        return;
      }
    }
  }

  // The schedule entry, during recover: it must decode, have a window, and keep every rule of
  // validateSchedule that does not depend on the state, because nothing else could have written it.
  #loadSchedule(json: unknown): void {
    const schedule = readMessage(REGISTRY_SCHEDULE_KEY, 'mesos.v1.maintenance.Schedule', json);
    if ((schedule.windows ?? []).length === 0) throw corrupt(REGISTRY_SCHEDULE_KEY, 'the schedule has no windows');
    const error = validateSchedule(schedule, NO_MAINTENANCE);
    if (error !== undefined) throw corrupt(REGISTRY_SCHEDULE_KEY, error);
    this.#schedule = deepFreeze(schedule);
  }

  // A DOWN machine outside the schedule breaks MaintenanceState's invariant; whether it should be
  // UP or scheduled cannot be told, so recover refuses rather than guess.
  #checkMaintenance(): void {
    const scheduled = scheduledMachines(this.#schedule);
    for (const key of this.#down) {
      if (!scheduled.has(key)) throw corrupt(registryKey('downMachines', key), 'the machine is DOWN but not in the maintenance schedule');
    }
  }

  // An id in two states at once can only come from another writer or a damaged disk; which entry
  // is right cannot be told, so recover refuses rather than guess.
  #checkDisjoint(): void {
    for (const id of this.#unreachable.keys()) {
      if (this.#agents.has(id)) throw corrupt(registryKey('unreachable', id), 'the agent is also admitted');
    }
    for (const id of this.#gone.keys()) {
      if (this.#agents.has(id)) throw corrupt(registryKey('gone', id), 'the agent is also admitted');
      if (this.#unreachable.has(id)) throw corrupt(registryKey('gone', id), 'the agent is also unreachable');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Values in and out of the store.

function corrupt(key: string, why: string): MesosError {
  return new MesosError('STORE_CORRUPT', `The registry entry at key ${quoteKey(key)} is invalid: ${why}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes a stored message through the codec; a failure is STORE_CORRUPT naming the key. */
function readMessage<K extends MessageName>(key: string, type: K, json: unknown, field?: string): MessageTypes[K] {
  if (json === undefined && field !== undefined) throw corrupt(key, `${field}: missing`);
  try {
    return codec.decode(type, json);
  } catch (err) {
    const detail = truncate((err as Error).message, DETAIL_IN_MESSAGE);
    throw new MesosError('STORE_CORRUPT',
      `The registry entry at key ${quoteKey(key)} is invalid: ${field === undefined ? '' : `${field}: `}${detail}`, { cause: err });
  }
}

/**
 * `value` as it will be stored and read back: encoded in Mesos's dialect (defaults filled in,
 * unknown properties dropped) and decoded again, which also checks what the encoder does not
 * (required fields, integer ranges). The result is a private copy. A value that fails is the
 * caller's bug, STORE_INVALID_OP.
 */
function normalize<K extends MessageName>(type: K, value: MessageTypes[K], what: string): MessageTypes[K] {
  try {
    return codec.decode(type, codec.encodeValue(type, value));
  } catch (err) {
    const detail = truncate((err as Error).message, DETAIL_IN_MESSAGE);
    throw new MesosError('STORE_INVALID_OP', `Cannot store the ${what} in the registry: ${detail}`, { cause: err });
  }
}

function sameMessage<K extends MessageName>(type: K, a: MessageTypes[K], b: MessageTypes[K]): boolean {
  return codec.encode(type, a) === codec.encode(type, b);
}

function checkAgentId(agentId: unknown, action: string): asserts agentId is string {
  if (typeof agentId !== 'string' || agentId === '') {
    throw new MesosError('STORE_INVALID_OP', `Cannot ${action} an agent without an id`);
  }
  // The id becomes part of a key, so it must be one the store takes (no lone surrogates).
  checkKey(registryKey('agents', agentId));
}

function checkRole(role: string, kind: 'weights' | 'quotas'): void {
  const error = validateRole(role);
  if (error !== undefined) throw new MesosError('STORE_INVALID_OP', `Cannot store ${kind} for an invalid role: ${error}`);
  // The role becomes part of a key, so it must be one the store takes (no lone surrogates).
  checkKey(registryKey(kind, role));
}

function checkTimestamp(timestampNs: unknown, agentId: string): asserts timestampNs is number {
  if (typeof timestampNs !== 'number' || !Number.isInteger(timestampNs) || timestampNs < 0) {
    throw new MesosError('STORE_INVALID_OP',
      `Cannot store timestamp ${truncate(String(timestampNs))} for agent ${quoteKey(agentId)}: expected whole nanoseconds since the epoch`);
  }
}

function checkPruneOptions(options: PruneOptions): PruneOptions {
  const { maxAgeNs, maxCount, nowNs } = options ?? ({} as Partial<PruneOptions>);
  if (typeof maxAgeNs !== 'number' || Number.isNaN(maxAgeNs) || maxAgeNs < 0) {
    throw new MesosError('STORE_INVALID_OP', `Cannot prune the registry with maxAgeNs ${String(maxAgeNs)}: expected a non-negative number`);
  }
  if (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 0) {
    throw new MesosError('STORE_INVALID_OP', `Cannot prune the registry with maxCount ${String(maxCount)}: expected a non-negative integer`);
  }
  if (typeof nowNs !== 'number' || !Number.isFinite(nowNs)) {
    throw new MesosError('STORE_INVALID_OP', `Cannot prune the registry with nowNs ${String(nowNs)}: expected a finite number`);
  }
  return { maxAgeNs, maxCount, nowNs };
}

// An admitted agent from the caller's info, checked, normalized and frozen, with its stored form.
// New and returning agents start active; `updateAgentInfo` keeps the flag it finds.
function admitted(info: v1.AgentInfo, action: string): { id: string; value: AdmittedAgent; stored: unknown } {
  const id = (info as Partial<v1.AgentInfo> | null)?.id?.value;
  checkAgentId(id, action);
  const value = deepFreeze({ info: normalize('mesos.v1.AgentInfo', info, `AgentInfo of agent ${quoteKey(id)}`), deactivated: false });
  return { id, value, stored: storedAgent(value) };
}

function storedAgent(agent: AdmittedAgent): StoredAgent {
  return { info: codec.encodeValue('mesos.v1.AgentInfo', agent.info), deactivated: agent.deactivated };
}

function removedAgent(agentId: string, timestampNs: number, action: string): RemovedAgent {
  checkAgentId(agentId, action);
  checkTimestamp(timestampNs, agentId);
  return Object.freeze({ id: agentId, timestampNs });
}

function storedRemoved(agent: RemovedAgent): unknown {
  return {
    id: codec.encodeValue('mesos.v1.AgentID', { value: agent.id }),
    timestamp: codec.encodeValue('mesos.v1.TimeInfo', { nanoseconds: agent.timestampNs }),
  };
}

function storedWeight(role: string, weight: number): unknown {
  return codec.encodeValue('mesos.v1.WeightInfo', { role, weight });
}

function deleteOp(kind: RegistryKind, name: string): StoreOp {
  return { type: 'del', key: registryKey(kind, name) };
}

// The schedule as it will be stored, checked against the rules of validateSchedule that do not
// depend on the state; frozen, so that its index in maintenance.ts is built once.
function checkedSchedule(schedule: maintenance.Schedule): maintenance.Schedule {
  const value = normalize('mesos.v1.maintenance.Schedule', schedule, 'maintenance schedule');
  const error = validateSchedule(value, NO_MAINTENANCE);
  if (error !== undefined) throw new MesosError('STORE_INVALID_OP', `Cannot store the maintenance schedule in the registry: ${error}`);
  return deepFreeze(value);
}

// The write that leaves `schedule` stored: the empty one is no entry.
function scheduleOp(schedule: maintenance.Schedule): StoreOp {
  if ((schedule.windows ?? []).length === 0) return { type: 'del', key: REGISTRY_SCHEDULE_KEY };
  return putJsonOp(REGISTRY_SCHEDULE_KEY, codec.encodeValue('mesos.v1.maintenance.Schedule', schedule));
}

// The machineKeys of a START or STOP list, checked for shape and against validateMachines.
function checkedMachines(machineIds: readonly v1.MachineID[], action: 'start' | 'stop'): string[] {
  if (!Array.isArray(machineIds)) {
    throw new MesosError('STORE_INVALID_OP', `Cannot ${action} maintenance on ${machineIds === null ? 'null' : typeof machineIds}; expected an array of MachineID`);
  }
  const ids = machineIds.map((id, i) => normalize('mesos.v1.MachineID', id, `machine at index ${i}`));
  const error = validateMachines(ids);
  if (error !== undefined) throw new MesosError('STORE_INVALID_OP', `Cannot ${action} maintenance: ${error}`);
  return ids.map(machineKey);
}

function isEmptyQuota(config: QuotaConfig): boolean {
  return Object.keys(config.guarantees ?? {}).length === 0 && Object.keys(config.limits ?? {}).length === 0;
}

/**
 * The ids in `entries` that prune drops: those older than `maxAgeNs`, then the oldest of the rest
 * beyond `maxCount`. Ties in time are broken by id so that the choice does not depend on the order
 * entries were loaded in.
 */
function expired(entries: ReadonlyMap<string, RemovedAgent>, maxAgeNs: number, maxCount: number, nowNs: number): string[] {
  const oldestFirst = [...entries.values()].sort((a, b) => a.timestampNs - b.timestampNs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Both conditions select a run from the old end of the list, so their union is the longer run.
  const tooMany = Math.max(0, oldestFirst.length - maxCount);
  let tooOld = 0;
  while (tooOld < oldestFirst.length && nowNs - oldestFirst[tooOld]!.timestampNs > maxAgeNs) tooOld++;
  return oldestFirst.slice(0, Math.max(tooMany, tooOld)).map((entry) => entry.id);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

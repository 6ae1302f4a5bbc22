// The allocator facade: what the master talks to. It speaks Mesos's vocabulary (framework ids,
// role names, agent ids, `Resource` messages) and drives one of two cores that speak numbers
// (docs/allocator.md): the native core in the addon, or the TypeScript reference.
//
//   master --calls--> Allocator --EventWriter batches--> core.apply()
//                               <--typed arrays--------- core.allocate()
//
// The facade interns ids and names to dense indices, converts resources to pooled bundles and
// back, applies Mesos's filter-duration rules, buffers events until the next allocate() or
// explain(), and names the reason a framework got nothing.

import { MesosError } from '../common/errors.ts';
import { fromFixedPoint, isRevocable, isShared, reservationRole, toFixedPoint, upgradeResource } from '../api/resources.ts';
import { parseMinAllocatableResources } from '../api/resources-text.ts';
import { validateRole } from '../api/roles.ts';
import { NativeAllocatorCore } from '../native/index.ts';
import type * as v1 from '../types/mesos.ts';
import {
  EventWriter, SKIP_NAMES, addResourceToBundle, emptyBundle, SORTER_DRF, SORTER_RANDOM, StreamReader, UNRESERVED,
  type AllocatorCore, type NameIndex, type Pooled, type SkipName,
} from './protocol.ts';
import { ReferenceAllocatorCore } from './reference/index.ts';

export type { Pooled } from './protocol.ts';

export type CoreKind = 'native' | 'reference';

export interface AllocatorOptions {
  /** Which core runs the cycles, or a core instance. Default: native. */
  core?: CoreKind | AllocatorCore;
  /** Seed of the agent shuffle; the same seed and events give the same decisions. */
  seed?: number;
  /** `--allocation_interval` in ms: the shortest life of an offer filter (MESOS-4302). */
  allocationIntervalMs?: number;
  /** `--min_allocatable_resources`, default `cpus:0.01|mem:32`. */
  minAllocatableResources?: string;
  /** `--fair_sharing_excluded_resource_names`. */
  fairSharingExcludedResourceNames?: readonly string[];
  roleSorter?: 'drf' | 'random';
  frameworkSorter?: 'drf' | 'random';
  /** The clock, in ms; injectable for tests and simulations. */
  now?: () => number;
}

export interface FrameworkOptions {
  roles: readonly string[];
  /** The GPU_RESOURCES capability: without it, agents with GPUs are not offered. */
  gpu?: boolean;
  active?: boolean;
  suppressedRoles?: readonly string[];
  /** `FrameworkInfo.offer_filters[role].min_allocatable_resources`, as quantity groups. */
  minAllocatable?: Readonly<Record<string, readonly Readonly<Record<string, number>>[]>>;
}

/** One offer's worth of resources: what the master turns into an Offer. */
export interface Allocation {
  frameworkId: string;
  role: string;
  agentId: string;
  resources: v1.Resource[];
  /**
   * The same resources in the allocator's own form. Giving an offer back whole (DECLINE, RESCIND)
   * through `recoverAllocation` skips converting them again: at thousands of agents most offers
   * come back declined.
   */
  readonly pooled: Pooled;
}

export type Reason = 'OFFERED' | 'INACTIVE' | 'SUPPRESSED' | 'NO_AGENTS' | 'NOT_SUBSCRIBED' | SkipName;

export interface Explanation {
  frameworkId: string;
  role: string;
  share: number;
  rank: number;
  roleShare: number;
  roleRank: number;
  weight: number;
  active: boolean;
  suppressed: boolean;
  suppressedRoles: string[];
  filters: number;
  filteredAgents: number;
  quota: { role: string; guarantee: Record<string, number>; limit: Record<string, number>; consumed: Record<string, number> };
  offered: Record<string, number>;
  lastCycle: { candidates: number; skips: Record<SkipName, number> };
  reason: Reason;
  message: string;
}

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const DEFAULT_REFUSE_MS = 5000;

/** Interns strings to dense indices in first-seen order. */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  get(name: string): number | undefined {
    return this.ids.get(name);
  }

  intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

interface FrameworkState {
  index: number;
  roles: Set<string>;
  suppressed: Set<string>;
  active: boolean;
}

export class Allocator {
  private readonly core: AllocatorCore;
  private readonly writer = new EventWriter();
  private readonly now: () => number;
  private readonly allocationIntervalMs: number;

  private readonly agents = new Interner();
  private readonly frameworks = new Interner();
  private readonly roles = new Interner();
  private readonly scalars = new Interner();
  private readonly rangeNames = new Interner();
  private readonly setNames = new Interner();
  private readonly setItems = new Interner();
  private readonly frameworkState = new Map<string, FrameworkState>();
  /** The reservation stack last seen for each (agent, role) pool, restored in offers. */
  private readonly reservationStacks = new Map<string, Map<string, v1.Resource.ReservationInfo[]>>();
  private readonly removedAgents = new Set<string>();
  private readonly names: NameIndex = {
    scalar: (name) => this.scalars.intern(name),
    range: (name) => this.rangeNames.intern(name),
    set: (name) => this.setNames.intern(name),
    item: (_name, item) => this.setItems.intern(item),
  };

  constructor(options: AllocatorOptions = {}) {
    this.core = typeof options.core === 'object' ? options.core : createCore(options.core ?? 'native');
    this.now = options.now ?? (() => Date.now());
    this.allocationIntervalMs = options.allocationIntervalMs ?? 1000;
    const groups = parseMinAllocatableResources(options.minAllocatableResources ?? 'cpus:0.01|mem:32');
    if (!groups.ok) throw new MesosError('INVALID_FLAG', groups.error);
    // gpus gets index 0 when nothing else has claimed a scalar yet, so the GPU rule can name it.
    const gpuScalar = this.scalars.intern('gpus');
    this.writer.configure({
      seed: (options.seed ?? 1) >>> 0,
      gpuScalar,
      excluded: (options.fairSharingExcludedResourceNames ?? []).map((n) => this.scalars.intern(n)),
      defaultMinAllocatable: groups.value.map((g) => this.quantities(g)),
      roleSorter: options.roleSorter === 'random' ? SORTER_RANDOM : SORTER_DRF,
      frameworkSorter: options.frameworkSorter === 'random' ? SORTER_RANDOM : SORTER_DRF,
    });
  }

  // ---------------------------------------------------------------------------------------
  // Agents

  addAgent(agentId: string, total: readonly v1.Resource[], options: { activated?: boolean } = {}): void {
    if (this.agents.get(agentId) !== undefined && !this.removedAgents.has(agentId)) {
      throw new MesosError('INTERNAL', `agent ${agentId} is already known to the allocator`);
    }
    this.removedAgents.delete(agentId);
    const index = this.agents.intern(agentId);
    this.writer.addAgent(index, this.pooled(agentId, total, true), options.activated ?? true);
  }

  updateAgent(agentId: string, total: readonly v1.Resource[]): void {
    this.writer.updateAgent(this.agentIndex(agentId), this.pooled(agentId, total, true));
  }

  removeAgent(agentId: string): void {
    this.writer.removeAgent(this.agentIndex(agentId));
    this.removedAgents.add(agentId);
    this.reservationStacks.delete(agentId);
  }

  activateAgent(agentId: string): void {
    this.writer.activateAgent(this.agentIndex(agentId));
  }

  deactivateAgent(agentId: string): void {
    this.writer.deactivateAgent(this.agentIndex(agentId));
  }

  // ---------------------------------------------------------------------------------------
  // Frameworks

  addFramework(frameworkId: string, options: FrameworkOptions): void {
    if (this.frameworkState.has(frameworkId)) throw new MesosError('INTERNAL', `framework ${frameworkId} is already known to the allocator`);
    const index = this.frameworks.intern(frameworkId);
    const roles = new Set(options.roles);
    const suppressed = new Set((options.suppressedRoles ?? []).filter((r) => roles.has(r)));
    const state: FrameworkState = { index, roles, suppressed, active: options.active ?? true };
    this.frameworkState.set(frameworkId, state);
    this.writer.addFramework(index, frameworkId, [...roles].map((r) => this.role(r)), options.gpu ?? false, state.active,
      [...suppressed].map((r) => this.role(r)));
    for (const [role, groups] of Object.entries(options.minAllocatable ?? {})) {
      this.writer.setMinAllocatable(index, this.role(role), groups.map((g) => this.quantities(new Map(Object.entries(g)))));
    }
  }

  updateFramework(frameworkId: string, options: { roles: readonly string[]; suppressedRoles?: readonly string[] }): void {
    const state = this.framework(frameworkId);
    state.roles = new Set(options.roles);
    state.suppressed = new Set((options.suppressedRoles ?? []).filter((r) => state.roles.has(r)));
    this.writer.updateFramework(state.index, [...state.roles].map((r) => this.role(r)), [...state.suppressed].map((r) => this.role(r)));
  }

  removeFramework(frameworkId: string): void {
    const state = this.framework(frameworkId);
    this.writer.removeFramework(state.index);
    this.frameworkState.delete(frameworkId);
  }

  activateFramework(frameworkId: string): void {
    const state = this.framework(frameworkId);
    state.active = true;
    this.writer.activateFramework(state.index);
  }

  deactivateFramework(frameworkId: string): void {
    const state = this.framework(frameworkId);
    state.active = false;
    this.writer.deactivateFramework(state.index);
  }

  /** SUPPRESS: no offers for these roles (all subscribed roles when none are given). */
  suppress(frameworkId: string, roles: readonly string[] = []): void {
    const state = this.framework(frameworkId);
    const targets = roles.length === 0 ? [...state.roles] : roles.filter((r) => state.roles.has(r));
    // Roles the framework is not subscribed to are ignored; an empty list would mean "all".
    if (targets.length === 0) return;
    for (const r of targets) state.suppressed.add(r);
    this.writer.suppress(state.index, targets.map((r) => this.role(r)));
  }

  /** REVIVE: offers again for these roles (all when none are given), clearing their filters. */
  revive(frameworkId: string, roles: readonly string[] = []): void {
    const state = this.framework(frameworkId);
    const targets = roles.length === 0 ? [...state.roles] : roles.filter((r) => state.roles.has(r));
    if (targets.length === 0) return;
    for (const r of targets) state.suppressed.delete(r);
    this.writer.revive(state.index, targets.map((r) => this.role(r)));
  }

  // ---------------------------------------------------------------------------------------
  // Resources

  /** Resources in use that the allocator did not hand out: tasks on a reregistered agent. */
  addAllocation(frameworkId: string, agentId: string, role: string, resources: readonly v1.Resource[]): void {
    this.writer.addAllocation(this.framework(frameworkId).index, this.agentIndex(agentId), this.role(role),
      this.pooled(agentId, resources, false));
  }

  /**
   * Gives resources back: a DECLINE, the unused part of an ACCEPT, a finished task. With
   * `refuseSeconds` (from the call's Filters) the framework is not offered a subset of these
   * resources on this agent again until the filter expires.
   */
  recover(frameworkId: string, agentId: string, role: string, resources: readonly v1.Resource[], refuseSeconds?: number): void {
    const expiry = refuseSeconds === undefined ? 0 : this.filterExpiry(refuseSeconds);
    this.writer.recover(this.framework(frameworkId).index, this.agentIndex(agentId), this.role(role),
      this.pooled(agentId, resources, false), expiry);
  }

  /** Gives back an allocation whole, as `recover` would its `resources`. */
  recoverAllocation(frameworkId: string, agentId: string, role: string, pooled: Pooled, refuseSeconds?: number): void {
    const expiry = refuseSeconds === undefined ? 0 : this.filterExpiry(refuseSeconds);
    this.writer.recover(this.framework(frameworkId).index, this.agentIndex(agentId), this.role(role), pooled, expiry);
  }

  /** A framework's RESERVE/UNRESERVE (or CREATE/DESTROY) on resources it was offered. */
  convert(frameworkId: string, agentId: string, role: string, from: readonly v1.Resource[], to: readonly v1.Resource[]): void {
    this.writer.convert(this.framework(frameworkId).index, this.agentIndex(agentId), this.role(role),
      this.pooled(agentId, from, false), this.pooled(agentId, to, true));
  }

  /**
   * Mesos's filter durations: refuse_seconds capped at 365 days, negative means the default 5 s,
   * 0 means no filter, and a filter lasts at least one allocation interval (MESOS-4302).
   */
  filterExpiry(refuseSeconds: number): number {
    if (Number.isNaN(refuseSeconds)) throw new MesosError('INVALID_MESSAGE', 'filters.refuse_seconds: not a number');
    if (refuseSeconds === 0) return 0;
    const refuseMs = refuseSeconds < 0 ? DEFAULT_REFUSE_MS : Math.min(refuseSeconds * 1000, ONE_YEAR_MS);
    return this.now() + Math.max(refuseMs, this.allocationIntervalMs);
  }

  // ---------------------------------------------------------------------------------------
  // Roles

  updateWeights(weights: Readonly<Record<string, number>>): void {
    for (const [role, weight] of Object.entries(weights)) {
      if (!(weight > 0) || !Number.isFinite(weight)) throw new MesosError('INVALID_MESSAGE', `weight of role '${role}' must be a positive number`);
      this.writer.setWeight(this.role(role), weight);
    }
  }

  /** Quota v2 for a top-level role: guarantees and limits by resource name (scalars only). */
  setQuota(role: string, guarantees: Readonly<Record<string, number>>, limits: Readonly<Record<string, number>>): void {
    if (role === '*' || role.includes('/')) {
      throw new MesosError('INVALID_MESSAGE', `quota can only be set on top-level roles other than '*', not '${role}'`);
    }
    this.writer.setQuota(this.role(role), this.quantities(new Map(Object.entries(guarantees))), this.quantities(new Map(Object.entries(limits))));
  }

  // ---------------------------------------------------------------------------------------
  // Cycles

  /** Applies buffered events. allocate() and explain() flush first; callers rarely need this. */
  flush(): void {
    if (this.writer.length === 0) return;
    const batch = this.writer.take();
    try {
      this.core.apply(batch);
    } catch (err) {
      throw new MesosError('INVALID_ALLOCATOR_EVENT', (err as Error).message, { cause: err });
    }
  }

  /** Runs one allocation cycle and returns its offers, one per (framework, role, agent). */
  allocate(): Allocation[] {
    this.flush();
    const decisions = this.core.allocate(this.now());
    const out: Allocation[] = [];
    const reader = new StreamReader(decisions.payload);
    for (let i = 0; i < decisions.count; i++) {
      const f = decisions.offers[i * 4]!;
      const r = decisions.offers[i * 4 + 1]!;
      const a = decisions.offers[i * 4 + 2]!;
      reader.pos = decisions.offers[i * 4 + 3]!;
      const agentId = this.agents.names[a]!;
      const role = this.roles.names[r]!;
      const pooled = reader.pooled('offer');
      out.push({ frameworkId: this.frameworks.names[f]!, role, agentId, resources: this.resources(agentId, role, pooled), pooled });
    }
    return out;
  }

  /** Why a framework gets what it gets, in its role (or its first role). */
  explain(frameworkId: string, role?: string): Explanation {
    this.flush();
    const state = this.framework(frameworkId);
    const r = role ?? [...state.roles][0];
    if (r === undefined || !state.roles.has(r)) {
      throw new MesosError('INVALID_MESSAGE', `framework ${frameworkId} is not subscribed to role '${role ?? ''}'`);
    }
    const e = this.core.explain(state.index, this.role(r));
    const skips = Object.fromEntries(SKIP_NAMES.map((n, i) => [n, e.skips[i] ?? 0])) as Record<SkipName, number>;
    const offered = this.named(e.offered);
    let reason: Reason;
    if (Object.values(offered).some((v) => v > 0)) reason = 'OFFERED';
    else if (!e.active) reason = 'INACTIVE';
    else if (e.suppressed) reason = 'SUPPRESSED';
    else if (e.candidates === 0) reason = 'NO_AGENTS';
    else {
      // The most frequent skip; ties go to the more specific reason (later in SKIP_NAMES).
      let best: SkipName = 'NOTHING_LEFT';
      let count = 0;
      SKIP_NAMES.forEach((n) => {
        if (skips[n] >= count && skips[n] > 0) {
          best = n;
          count = skips[n];
        }
      });
      reason = best;
    }
    const top = r.split('/')[0]!;
    return {
      frameworkId,
      role: r,
      share: e.share,
      rank: e.rank,
      roleShare: e.roleShare,
      roleRank: e.roleRank,
      weight: e.weight,
      active: e.active,
      suppressed: e.suppressed,
      suppressedRoles: [...state.suppressed],
      filters: e.filters,
      filteredAgents: e.filteredAgents,
      quota: { role: top, guarantee: this.named(e.guarantee), limit: this.named(e.limit), consumed: this.named(e.consumed) },
      offered,
      lastCycle: { candidates: e.candidates, skips },
      reason,
      message: REASON_TEXT[reason],
    };
  }

  // ---------------------------------------------------------------------------------------
  // Conversions

  private framework(frameworkId: string): FrameworkState {
    const state = this.frameworkState.get(frameworkId);
    if (!state) throw new MesosError('INTERNAL', `framework ${frameworkId} is not known to the allocator`);
    return state;
  }

  private agentIndex(agentId: string): number {
    const index = this.agents.get(agentId);
    if (index === undefined || this.removedAgents.has(agentId)) throw new MesosError('INTERNAL', `agent ${agentId} is not known to the allocator`);
    return index;
  }

  /** The index of a role, creating it (ancestors first) on first sight. */
  private role(name: string): number {
    const known = this.roles.get(name);
    if (known !== undefined) return known;
    const error = validateRole(name);
    if (error !== undefined) throw new MesosError('INVALID_ROLE', error);
    const slash = name.lastIndexOf('/');
    const parent = slash < 0 ? -1 : this.role(name.slice(0, slash));
    const index = this.roles.intern(name);
    this.writer.addRole(index, name, parent);
    return index;
  }

  private quantities(q: ReadonlyMap<string, number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const [name, value] of q) {
      if (!(value >= 0) || !Number.isFinite(value)) throw new MesosError('INVALID_RESOURCES', `quantity of '${name}' must be a non-negative number`);
      out.set(this.scalars.intern(name), toFixedPoint(value));
    }
    return out;
  }

  private named(sparse: ReadonlyMap<number, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of [...sparse].sort((x, y) => x[0] - y[0])) out[this.scalars.names[k]!] = fromFixedPoint(v);
    return out;
  }

  /** Mesos resources to pooled bundles. `record` keeps reservation stacks for offers. */
  private pooled(agentId: string, resources: readonly v1.Resource[], record: boolean): Pooled {
    const out: Pooled = new Map();
    for (const raw of resources) {
      const resource = upgradeResource(raw);
      if (isRevocable(resource) || isShared(resource)) {
        throw new MesosError('INVALID_RESOURCES', `resource '${resource.name}': revocable and shared resources are not supported by the allocator yet`);
      }
      const roleName = reservationRole(resource);
      const pool = roleName === undefined ? UNRESERVED : this.role(roleName);
      if (record && roleName !== undefined) {
        let stacks = this.reservationStacks.get(agentId);
        if (!stacks) this.reservationStacks.set(agentId, (stacks = new Map()));
        stacks.set(roleName, resource.reservations ?? []);
      }
      let bundle = out.get(pool);
      if (!bundle) {
        bundle = emptyBundle();
        out.set(pool, bundle);
      }
      addResourceToBundle(bundle, resource, this.names);
    }
    return out;
  }

  /** Pooled bundles back to Mesos resources, allocated to `role`. */
  private resources(agentId: string, role: string, pooled: Pooled): v1.Resource[] {
    const out: v1.Resource[] = [];
    const allocation_info = { role };
    for (const [pool, bundle] of pooled) {
      let reservations: v1.Resource.ReservationInfo[] | undefined;
      if (pool !== UNRESERVED) {
        const roleName = this.roles.names[pool]!;
        reservations = this.reservationStacks.get(agentId)?.get(roleName) ?? [{ type: 'DYNAMIC', role: roleName }];
      }
      // Each resource is built once (allocated() adds to it): a closure per bundle and a copy
      // per resource showed in profiles of big cycles.
      for (const [k, v] of bundle.scalars) {
        if (v > 0) out.push(allocated({ name: this.scalars.names[k]!, type: 'SCALAR', scalar: { value: fromFixedPoint(v) } }, reservations, allocation_info));
      }
      for (const [name, intervals] of bundle.ranges) {
        if (intervals.length > 0) {
          const range = intervals.map(([begin, end]) => ({ begin, end }));
          out.push(allocated({ name: this.rangeNames.names[name]!, type: 'RANGES', ranges: { range } }, reservations, allocation_info));
        }
      }
      for (const [name, items] of bundle.sets) {
        if (items.length > 0) {
          const item = items.map((i) => this.setItems.names[i]!);
          out.push(allocated({ name: this.setNames.names[name]!, type: 'SET', set: { item } }, reservations, allocation_info));
        }
      }
    }
    return out;
  }
}


/** `resource` with its reservation stack (if reserved) and allocation_info set, in place. */
function allocated(
  resource: v1.Resource,
  reservations: v1.Resource.ReservationInfo[] | undefined,
  allocation_info: v1.Resource.AllocationInfo,
): v1.Resource {
  if (reservations !== undefined) resource.reservations = reservations;
  resource.allocation_info = allocation_info;
  return resource;
}

const REASON_TEXT: Record<Reason, string> = {
  OFFERED: 'The framework was offered resources in the last allocation cycle.',
  INACTIVE: 'The framework is inactive (disconnected or deactivated): it gets no offers.',
  SUPPRESSED: 'The framework suppressed offers for this role; REVIVE to get offers again.',
  NO_AGENTS: 'No activated agent was available in the last cycle.',
  NOT_SUBSCRIBED: 'The framework is not subscribed to this role.',
  GPU: 'The remaining agents have GPUs and the framework lacks the GPU_RESOURCES capability.',
  NOTHING_LEFT: 'Frameworks and roles with lower shares took everything that was left.',
  LIMIT: "The role's quota limit is reached: unreserved resources are held back.",
  MIN_ALLOCATABLE: 'What was left on each agent was below the minimum allocatable resources.',
  FILTERED: 'Offer filters from earlier declines cover what was available.',
};

/** The core for a kind; the native one loads the addon on first use. */
function createCore(kind: CoreKind): AllocatorCore {
  return kind === 'native' ? new NativeAllocatorCore() : new ReferenceAllocatorCore();
}

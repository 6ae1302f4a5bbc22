// The reference allocator: state, events, allocation cycles and explain, written straight from
// docs/allocator.md (sections 2, 5, 6, 7, 8). It owns agents, frameworks, roles, quota, filters
// and reservations; the sorters (sorter.ts) only order clients.
//
// Readings of the contract where the text leaves room (each marked "Reading:" below, so the
// native core can match them):
// - The walk of a stage (section 5), precisely:
//     for each candidate agent a:
//       if avail(a) is empty: next agent              (no role snapshot is taken)
//       roles = roleSorter.sort()
//       for each r in roles:
//         if avail(a) is empty: next agent
//         stage 1 only: if top(r) owes nothing: next role   (its turn does not begin)
//         frameworks = frameworkSorter(r).sort()       (taken when r's turn begins)
//         for each f in frameworks:
//           if avail(a) is empty: next agent
//           stage 1 only: if top(r) owes nothing: next role
//           visit(a, r, f)
//   Only random sorters draw from the generator, so with a DRF role sorter a stage 1 in which no
//   role owes anything is skipped outright; that changes no decision and no draw.
// - Allocations exist only in roles the framework is subscribed to: ADD_ALLOCATION in another role
//   is a semantic error, and RECOVER/CONVERT there recover more than is allocated.
// - ADD_ALLOCATION must fit in what the agent has available (else the agent's total would not
//   cover its allocations), and an empty one changes nothing (no allocated() call, no count).
// - RECOVER of nothing adds no filter (Mesos's recoverResources returns early on empty resources).
// - SET_QUOTA on a nested role, an event before CONFIGURE, a second CONFIGURE, a duplicate index
//   in ADD_*, and SUPPRESS/REVIVE/a suppressed list naming a role the framework is not subscribed
//   to are semantic errors (the facade never sends them).

import { MesosError } from '../../common/errors.ts';
import {
  Op, SORTER_RANDOM, Skip, UNRESERVED,
  type CoreExplain, type Decisions,
} from '../protocol.ts';
import {
  addPooledInto, addScalars, cloneBundle, clonePooled, containsPooled, containsScalars, encodePooled,
  isEmpty, scalarSum, sortedScalars, subtractPooledFrom, subtractScalars,
  type Bundle, type Pooled, type Scalars,
} from './bundle.ts';
import { describe, type AllocatorEvent, type Located } from './events.ts';
import { Xorshift32 } from './random.ts';
import { DrfSorter, RandomSorter, type Hierarchy, type ShareContext, type Sorter } from './sorter.ts';

interface Role {
  readonly index: number;
  /** The full path, "a/b"; the sorters compare it. */
  readonly path: string;
  /** -1 for a top-level role. */
  readonly parent: number;
  /** The top-level ancestor, or the role itself. */
  readonly top: number;
  weight: number;
  /** Top-level roles only. No zero entries. */
  guarantee: Scalars;
  /** Top-level roles only. A scalar without an entry is unbounded; an entry of 0 is a limit. */
  limit: Scalars;
  /** The subscribed frameworks. The role is a role-sorter client exactly while this is non-empty. */
  readonly frameworks: Set<number>;
}

interface Agent {
  readonly index: number;
  activated: boolean;
  total: Pooled;
  /** What every framework holds here, summed. Invariant: total ⊇ allocated, pool by pool. */
  allocated: Pooled;
  /** Invariant: total − allocated. */
  available: Pooled;
  /** The scalars of `total`, all pools: this agent's part of the cluster total. */
  totalScalars: Scalars;
}

interface Filter {
  /** Exactly the recovered resources: the filter blocks offers it contains (⊇). */
  readonly resources: Pooled;
  readonly expiry: number;
}

interface Framework {
  readonly index: number;
  readonly name: string;
  readonly gpu: boolean;
  active: boolean;
  readonly roles: Set<number>;
  /** Invariant: a subset of `roles`. */
  suppressed: Set<number>;
  /** Role → agent → resources; only subscribed roles, no empty entries. */
  readonly allocations: Map<number, Map<number, Pooled>>;
  /** Role → agent → filters; only subscribed roles, no empty entries. */
  readonly filters: Map<number, Map<number, Filter[]>>;
  /**
   * Role → minimum groups overriding the default; never an empty list. Kept when the role is
   * dropped: the facade sends overrides once, with ADD_FRAMEWORK.
   */
  readonly minAllocatable: Map<number, Scalars[]>;
}

interface ClientStats {
  /** Scalars offered to (framework, role) in the cycle. */
  readonly offered: Scalars;
  /** Visits ending in each skip reason, indexed by `Skip`. */
  readonly skips: number[];
}

/** What one allocate() decided and saw, for its decisions and for explain. */
class CycleRecord {
  candidates = 0;
  /** "f,r,a" → the merged offer. */
  readonly offers = new Map<string, { framework: number; role: number; agent: number; resources: Pooled }>();
  /** framework → role → stats. */
  private readonly stats = new Map<number, Map<number, ClientStats>>();

  statsOf(framework: number, role: number): ClientStats {
    let byRole = this.stats.get(framework);
    if (byRole === undefined) this.stats.set(framework, (byRole = new Map()));
    let s = byRole.get(role);
    if (s === undefined) byRole.set(role, (s = { offered: new Map(), skips: [0, 0, 0, 0, 0] }));
    return s;
  }

  peek(framework: number, role: number): ClientStats | undefined {
    return this.stats.get(framework)?.get(role);
  }

  offer(framework: number, role: number, agent: number, resources: Pooled, scalars: Scalars): void {
    const key = `${framework},${role},${agent}`;
    const merged = this.offers.get(key);
    if (merged === undefined) this.offers.set(key, { framework, role, agent, resources: clonePooled(resources) });
    else addPooledInto(merged.resources, resources);
    addScalars(this.statsOf(framework, role).offered, scalars);
  }
}

/**
 * The quota quantities of section 2 for one cycle. `consumed`, `required` and `freeUnreserved`
 * start from the state and follow the cycle's unreserved allocations; the rest derive from them.
 *
 * Example: role q has guarantee cpus:4 and has consumed cpus:1, no other role has quota, and the
 * agents have cpus:10 of unreserved resources free. unsatisfied(q) = 3, required = 3, surplus =
 * 10 - 3 = 7. q may take up to 7 + 3 = 10 unreserved cpus (its own need plus the surplus); any
 * other role only up to the surplus, 7, which leaves q's 3 in place.
 */
class QuotaBook {
  private readonly roles: ReadonlyMap<number, Role>;
  private readonly consumed: Map<number, Scalars>;
  private readonly required: Scalars = new Map();
  private readonly freeUnreserved: Scalars = new Map();

  constructor(roles: ReadonlyMap<number, Role>, consumed: Map<number, Scalars>, agents: Iterable<Agent>) {
    this.roles = roles;
    this.consumed = consumed;
    for (const role of roles.values()) {
      for (const k of role.guarantee.keys()) {
        this.required.set(k, (this.required.get(k) ?? 0) + this.unsatisfied(role.index, k));
      }
    }
    for (const agent of agents) addScalars(this.freeUnreserved, agent.available.get(UNRESERVED)?.scalars ?? new Map());
  }

  private consumedOf(top: number, k: number): number {
    return this.consumed.get(top)?.get(k) ?? 0;
  }

  /** max(0, guarantee(t)[k] − consumed(t)[k]). */
  unsatisfied(top: number, k: number): number {
    const guarantee = this.roles.get(top)!.guarantee.get(k) ?? 0;
    return Math.max(0, guarantee - this.consumedOf(top, k));
  }

  /** Whether `top` still has some unsatisfied guarantee. */
  owed(top: number): boolean {
    for (const k of this.roles.get(top)!.guarantee.keys()) if (this.unsatisfied(top, k) > 0) return true;
    return false;
  }

  anyOwed(): boolean {
    for (const v of this.required.values()) if (v > 0) return true;
    return false;
  }

  /** max(0, limit − consumed), Infinity without a limit. */
  limitRoom(top: number, k: number): number {
    const limit = this.roles.get(top)!.limit.get(k);
    return limit === undefined ? Infinity : Math.max(0, limit - this.consumedOf(top, k));
  }

  /** max(0, freeUnreserved − required). */
  surplus(k: number): number {
    return Math.max(0, (this.freeUnreserved.get(k) ?? 0) - (this.required.get(k) ?? 0));
  }

  /** `top` took `unreserved` scalars out of the free unreserved pool. */
  consume(top: number, unreserved: Scalars): void {
    let consumed = this.consumed.get(top);
    if (consumed === undefined) this.consumed.set(top, (consumed = new Map()));
    for (const [k, amount] of unreserved) {
      const before = this.unsatisfied(top, k);
      consumed.set(k, (consumed.get(k) ?? 0) + amount);
      this.required.set(k, (this.required.get(k) ?? 0) + this.unsatisfied(top, k) - before);
      this.freeUnreserved.set(k, (this.freeUnreserved.get(k) ?? 0) - amount);
    }
  }
}

/** A semantic error in an event; apply() adds the event's position. */
class Rejected extends Error {}

function reject(message: string): never {
  throw new Rejected(message);
}

function ascending(values: Iterable<number>): number[] {
  return [...values].sort((x, y) => x - y);
}

export class Allocator {
  private configured = false;
  private gpuScalar = -1;
  private defaultMinAllocatable: Scalars[] = [];
  private roleSorterKind = 0;
  private frameworkSorterKind = 0;
  private rng = new Xorshift32(0);
  private readonly excluded = new Set<number>();
  private readonly ctx: ShareContext = { total: new Map(), excluded: this.excluded, version: 0 };

  private readonly roles = new Map<number, Role>();
  private readonly agents = new Map<number, Agent>();
  private readonly frameworks = new Map<number, Framework>();

  private readonly roleHierarchy: Hierarchy = {
    parentOf: (id) => this.roles.get(id)!.parent,
    pathOf: (id) => this.roles.get(id)!.path,
    weightOf: (id) => this.roles.get(id)!.weight,
  };
  private readonly frameworkHierarchy: Hierarchy = {
    parentOf: () => -1,
    pathOf: (id) => this.frameworks.get(id)!.name,
    weightOf: () => 1,
  };
  private roleSorter: Sorter = new DrfSorter(this.roleHierarchy, this.ctx);
  /** Role → its framework sorter, while the role has subscribed frameworks. */
  private readonly frameworkSorters = new Map<number, Sorter>();

  private last = new CycleRecord();

  // -------------------------------------------------------------------------------------------
  // Events

  /** Applies decoded events in order; a semantic error stops at that event, before it changes anything. */
  apply(events: readonly Located[]): void {
    for (const { event, index, offset } of events) {
      try {
        this.applyOne(event);
      } catch (error) {
        if (!(error instanceof Rejected)) throw error;
        throw new MesosError('INVALID_ALLOCATOR_EVENT', `${describe(index, event.op, offset)}: ${error.message}`);
      }
    }
  }

  // Each handler checks everything first and changes state only once nothing can fail.
  private applyOne(e: AllocatorEvent): void {
    if (e.op !== Op.CONFIGURE && !this.configured) reject('CONFIGURE must come before any other event');
    switch (e.op) {
      case Op.CONFIGURE: {
        if (this.configured) reject('CONFIGURE may come only once');
        this.configured = true;
        this.rng = new Xorshift32(e.seed);
        this.gpuScalar = e.gpuScalar;
        for (const k of e.excluded) this.excluded.add(k);
        this.defaultMinAllocatable = e.defaultMinAllocatable;
        this.roleSorterKind = e.roleSorter;
        this.frameworkSorterKind = e.frameworkSorter;
        this.roleSorter = this.newSorter(this.roleSorterKind, this.roleHierarchy);
        return;
      }
      case Op.ADD_ROLE: {
        if (this.roles.has(e.role)) reject(`role ${e.role} already exists`);
        const parent = e.parent === -1 ? undefined : this.role(e.parent);
        // The facade sends Mesos role names, which are full paths ("a/b"); a bare last element
        // ("b") would be joined to the parent's path.
        const path = parent === undefined || e.name.startsWith(`${parent.path}/`) ? e.name : `${parent.path}/${e.name}`;
        this.roles.set(e.role, {
          index: e.role, path, parent: e.parent, top: parent?.top ?? e.role, weight: 1,
          guarantee: new Map(), limit: new Map(), frameworks: new Set(),
        });
        return;
      }
      case Op.SET_WEIGHT: {
        this.role(e.role).weight = e.weight;
        this.roleSorter.weightsChanged();
        return;
      }
      case Op.SET_QUOTA: {
        const role = this.role(e.role);
        if (role.parent !== -1) reject(`role ${e.role} is nested; quota is set on top-level roles only`);
        role.guarantee = e.guarantee;
        role.limit = e.limit;
        return;
      }
      case Op.ADD_AGENT: {
        if (this.agents.has(e.agent)) reject(`agent ${e.agent} already exists`);
        this.checkPools(e.total);
        const agent: Agent = {
          index: e.agent, activated: e.activated, total: new Map(), allocated: new Map(), available: new Map(), totalScalars: new Map(),
        };
        this.agents.set(e.agent, agent);
        this.setTotal(agent, e.total);
        return;
      }
      case Op.UPDATE_AGENT: {
        const agent = this.agent(e.agent);
        this.checkPools(e.total);
        if (!containsPooled(e.total, agent.allocated)) reject(`the new total of agent ${e.agent} does not cover what is allocated on it`);
        this.setTotal(agent, e.total);
        return;
      }
      case Op.REMOVE_AGENT: {
        const agent = this.agent(e.agent);
        for (const fw of this.frameworks.values()) {
          for (const r of ascending(fw.allocations.keys())) {
            const held = fw.allocations.get(r)!.get(agent.index);
            if (held !== undefined) this.release(fw, r, agent, held);
          }
          for (const [r, byAgent] of fw.filters) {
            byAgent.delete(agent.index);
            if (byAgent.size === 0) fw.filters.delete(r);
          }
        }
        this.setTotal(agent, new Map());
        this.agents.delete(agent.index);
        return;
      }
      case Op.ACTIVATE_AGENT:
        this.agent(e.agent).activated = true;
        return;
      case Op.DEACTIVATE_AGENT:
        this.agent(e.agent).activated = false;
        return;
      case Op.ADD_FRAMEWORK: {
        if (this.frameworks.has(e.framework)) reject(`framework ${e.framework} already exists`);
        for (const r of e.roles) this.role(r);
        this.checkSuppressed(e.suppressed, new Set(e.roles));
        const fw: Framework = {
          index: e.framework, name: e.name, gpu: e.gpu, active: e.active, roles: new Set(), suppressed: new Set(e.suppressed),
          allocations: new Map(), filters: new Map(), minAllocatable: new Map(),
        };
        this.frameworks.set(e.framework, fw);
        for (const r of ascending(new Set(e.roles))) this.subscribe(fw, r);
        this.syncActivity(fw);
        return;
      }
      case Op.UPDATE_FRAMEWORK: {
        const fw = this.framework(e.framework);
        for (const r of e.roles) this.role(r);
        const roles = new Set(e.roles);
        this.checkSuppressed(e.suppressed, roles);
        for (const r of ascending(fw.roles)) if (!roles.has(r)) this.unsubscribe(fw, r);
        for (const r of ascending(roles)) if (!fw.roles.has(r)) this.subscribe(fw, r);
        fw.suppressed = new Set(e.suppressed);
        this.syncActivity(fw);
        return;
      }
      case Op.REMOVE_FRAMEWORK: {
        const fw = this.framework(e.framework);
        for (const r of ascending(fw.roles)) this.unsubscribe(fw, r);
        this.frameworks.delete(fw.index);
        return;
      }
      case Op.ACTIVATE_FRAMEWORK: {
        const fw = this.framework(e.framework);
        fw.active = true;
        this.syncActivity(fw);
        return;
      }
      case Op.DEACTIVATE_FRAMEWORK: {
        const fw = this.framework(e.framework);
        fw.active = false;
        fw.filters.clear();
        this.syncActivity(fw);
        return;
      }
      case Op.SUPPRESS:
      case Op.REVIVE: {
        const fw = this.framework(e.framework);
        this.checkSuppressed(e.roles, fw.roles);
        const roles = e.roles.length === 0 ? [...fw.roles] : e.roles;
        for (const r of roles) {
          if (e.op === Op.SUPPRESS) {
            fw.suppressed.add(r);
          } else {
            fw.suppressed.delete(r);
            fw.filters.delete(r);
          }
        }
        this.syncActivity(fw);
        return;
      }
      case Op.SET_MIN_ALLOCATABLE: {
        const fw = this.framework(e.framework);
        this.role(e.role);
        if (e.groups.length === 0) fw.minAllocatable.delete(e.role);
        else fw.minAllocatable.set(e.role, e.groups);
        return;
      }
      case Op.ADD_ALLOCATION: {
        const fw = this.framework(e.framework);
        const agent = this.agent(e.agent);
        this.role(e.role);
        if (!fw.roles.has(e.role)) reject(`framework ${e.framework} is not subscribed to role ${e.role}`);
        this.checkPools(e.resources);
        if (!containsPooled(agent.available, e.resources)) {
          reject(`the allocation does not fit in what is available on agent ${e.agent}`);
        }
        if (e.resources.size > 0) this.grant(fw, e.role, agent, e.resources);
        return;
      }
      case Op.RECOVER: {
        const fw = this.framework(e.framework);
        const agent = this.agent(e.agent);
        this.role(e.role);
        this.checkHeld(fw, e.role, agent, e.resources, 'recovers');
        if (e.resources.size === 0) return;
        this.release(fw, e.role, agent, e.resources);
        if (e.expiry > 0) {
          let byAgent = fw.filters.get(e.role);
          if (byAgent === undefined) fw.filters.set(e.role, (byAgent = new Map()));
          let list = byAgent.get(agent.index);
          if (list === undefined) byAgent.set(agent.index, (list = []));
          list.push({ resources: clonePooled(e.resources), expiry: e.expiry });
        }
        return;
      }
      case Op.CONVERT: {
        const fw = this.framework(e.framework);
        const agent = this.agent(e.agent);
        this.role(e.role);
        this.checkHeld(fw, e.role, agent, e.from, 'converts');
        this.checkPools(e.to);
        // The agent's total and the framework's allocation both lose `from` and gain `to`; the
        // sorters see the change without an allocated() call, as Mesos's updateAllocation.
        const total = clonePooled(agent.total);
        subtractPooledFrom(total, e.from);
        addPooledInto(total, e.to);
        const held = fw.allocations.get(e.role)!.get(agent.index)!;
        subtractPooledFrom(held, e.from);
        addPooledInto(held, e.to);
        if (held.size === 0) this.forgetHolding(fw, e.role, agent.index);
        subtractPooledFrom(agent.allocated, e.from);
        addPooledInto(agent.allocated, e.to);
        this.setTotal(agent, total);
        const removed = scalarSum(e.from);
        const added = scalarSum(e.to);
        this.frameworkSorters.get(e.role)!.update(fw.index, removed, added);
        this.roleSorter.update(e.role, removed, added);
        return;
      }
    }
  }

  private newSorter(kind: number, hierarchy: Hierarchy): Sorter {
    return kind === SORTER_RANDOM ? new RandomSorter(hierarchy, this.ctx, this.rng) : new DrfSorter(hierarchy, this.ctx);
  }

  private role(index: number): Role {
    return this.roles.get(index) ?? reject(`unknown role ${index}`);
  }

  private agent(index: number): Agent {
    return this.agents.get(index) ?? reject(`unknown agent ${index}`);
  }

  private framework(index: number): Framework {
    return this.frameworks.get(index) ?? reject(`unknown framework ${index}`);
  }

  private checkPools(resources: Pooled): void {
    for (const pool of resources.keys()) {
      if (pool !== UNRESERVED && !this.roles.has(pool)) reject(`reservation to unknown role ${pool}`);
    }
  }

  private checkSuppressed(listed: readonly number[], roles: ReadonlySet<number>): void {
    for (const r of listed) {
      this.role(r);
      if (!roles.has(r)) reject(`role ${r} is not one of the framework's roles`);
    }
  }

  private checkHeld(fw: Framework, role: number, agent: Agent, resources: Pooled, verb: string): void {
    const held = fw.allocations.get(role)?.get(agent.index) ?? new Map<number, Bundle>();
    if (!containsPooled(held, resources)) {
      reject(`${verb} more than framework ${fw.index} holds on agent ${agent.index} in role ${role}`);
    }
  }

  /** Replaces an agent's total (allocated stays; the caller checked total ⊇ allocated). */
  private setTotal(agent: Agent, total: Pooled): void {
    subtractScalars(this.ctx.total, agent.totalScalars);
    agent.total = clonePooled(total);
    agent.totalScalars = scalarSum(agent.total);
    addScalars(this.ctx.total, agent.totalScalars);
    this.ctx.version++;
    agent.available = clonePooled(agent.total);
    subtractPooledFrom(agent.available, agent.allocated);
  }

  private subscribe(fw: Framework, r: number): void {
    const role = this.roles.get(r)!;
    if (role.frameworks.size === 0) {
      this.roleSorter.add(r);
      this.roleSorter.activate(r);
      this.frameworkSorters.set(r, this.newSorter(this.frameworkSorterKind, this.frameworkHierarchy));
    }
    role.frameworks.add(fw.index);
    this.frameworkSorters.get(r)!.add(fw.index);
    fw.roles.add(r);
  }

  /** Gives back what `fw` holds in `r`, drops its filters there, and leaves the role's sorters. */
  private unsubscribe(fw: Framework, r: number): void {
    const byAgent = fw.allocations.get(r);
    if (byAgent !== undefined) {
      for (const a of ascending(byAgent.keys())) this.release(fw, r, this.agents.get(a)!, byAgent.get(a)!);
    }
    fw.filters.delete(r);
    fw.roles.delete(r);
    fw.suppressed.delete(r);
    this.frameworkSorters.get(r)!.remove(fw.index);
    const role = this.roles.get(r)!;
    role.frameworks.delete(fw.index);
    if (role.frameworks.size === 0) {
      this.frameworkSorters.delete(r);
      this.roleSorter.remove(r);
    }
  }

  /** A framework sorter client is active when its framework is active and has not suppressed the role. */
  private syncActivity(fw: Framework): void {
    for (const r of fw.roles) {
      const sorter = this.frameworkSorters.get(r)!;
      if (fw.active && !fw.suppressed.has(r)) sorter.activate(fw.index);
      else sorter.deactivate(fw.index);
    }
  }

  /** Hands `resources` (available on the agent) to `fw` in role `r`. */
  private grant(fw: Framework, r: number, agent: Agent, resources: Pooled): Scalars {
    addPooledInto(agent.allocated, resources);
    subtractPooledFrom(agent.available, resources);
    let byAgent = fw.allocations.get(r);
    if (byAgent === undefined) fw.allocations.set(r, (byAgent = new Map()));
    let held = byAgent.get(agent.index);
    if (held === undefined) byAgent.set(agent.index, (held = new Map()));
    addPooledInto(held, resources);
    const scalars = scalarSum(resources);
    this.frameworkSorters.get(r)!.allocated(fw.index, scalars);
    this.roleSorter.allocated(r, scalars);
    return scalars;
  }

  /** Takes `resources` (held by `fw` in `r` on the agent) back. */
  private release(fw: Framework, r: number, agent: Agent, resources: Pooled): void {
    const gone = clonePooled(resources); // `resources` may be the holding itself
    const held = fw.allocations.get(r)!.get(agent.index)!;
    subtractPooledFrom(held, gone);
    if (held.size === 0) this.forgetHolding(fw, r, agent.index);
    subtractPooledFrom(agent.allocated, gone);
    addPooledInto(agent.available, gone);
    const scalars = scalarSum(gone);
    this.frameworkSorters.get(r)!.unallocated(fw.index, scalars);
    this.roleSorter.unallocated(r, scalars);
  }

  private forgetHolding(fw: Framework, r: number, agent: number): void {
    const byAgent = fw.allocations.get(r)!;
    byAgent.delete(agent);
    if (byAgent.size === 0) fw.allocations.delete(r);
  }

  /**
   * consumed(t) for every top-level role t with some: reservations to t's subtree on every agent,
   * allocated or not, plus unreserved allocations to frameworks in t's subtree.
   */
  private consumption(): Map<number, Scalars> {
    const consumed = new Map<number, Scalars>();
    const add = (r: number, scalars: Scalars): void => {
      const top = this.roles.get(r)!.top;
      let c = consumed.get(top);
      if (c === undefined) consumed.set(top, (c = new Map()));
      addScalars(c, scalars);
    };
    for (const agent of this.agents.values()) {
      for (const [pool, bundle] of agent.total) if (pool !== UNRESERVED) add(pool, bundle.scalars);
    }
    for (const fw of this.frameworks.values()) {
      for (const [r, byAgent] of fw.allocations) {
        for (const held of byAgent.values()) {
          const unreserved = held.get(UNRESERVED);
          if (unreserved !== undefined) add(r, unreserved.scalars);
        }
      }
    }
    return consumed;
  }

  // -------------------------------------------------------------------------------------------
  // The allocation cycle (section 5)

  allocate(now: number): Decisions {
    const cycle = new CycleRecord();
    this.last = cycle;
    this.dropExpiredFilters(now);

    const candidates = ascending([...this.agents.values()].filter((a) => a.activated).map((a) => a.index)).map(
      (a) => this.agents.get(a)!,
    );
    cycle.candidates = candidates.length;
    this.rng.shuffle(candidates);
    const quota = new QuotaBook(this.roles, this.consumption(), this.agents.values());

    // Stage 1: the roles still owed guarantees.
    if (this.roleSorterKind === SORTER_RANDOM || quota.anyOwed()) this.walk(candidates, true, quota, cycle);
    // Stage 2: everyone, in a fresh agent order.
    this.rng.shuffle(candidates);
    this.walk(candidates, false, quota, cycle);

    return encodeDecisions(cycle);
  }

  private dropExpiredFilters(now: number): void {
    for (const fw of this.frameworks.values()) {
      for (const [r, byAgent] of fw.filters) {
        for (const [a, list] of byAgent) {
          const kept = list.filter((f) => f.expiry > now);
          if (kept.length === 0) byAgent.delete(a);
          else byAgent.set(a, kept);
        }
        if (byAgent.size === 0) fw.filters.delete(r);
      }
    }
  }

  /** One stage's walk; see "Reading" at the top of this file for its exact shape. */
  private walk(candidates: readonly Agent[], stage1: boolean, quota: QuotaBook, cycle: CycleRecord): void {
    for (const agent of candidates) {
      if (agent.available.size === 0) continue;
      const roles = this.roleSorter.sort();
      nextRole: for (const r of roles) {
        if (agent.available.size === 0) break;
        const role = this.roles.get(r)!;
        if (stage1 && !quota.owed(role.top)) continue;
        const frameworks = this.frameworkSorters.get(r)!.sort();
        for (const f of frameworks) {
          if (agent.available.size === 0) break nextRole;
          if (stage1 && !quota.owed(role.top)) continue nextRole;
          this.visit(agent, role, this.frameworks.get(f)!, quota, cycle);
        }
      }
    }
  }

  /** Section 6: build the candidate offer, apply the skips in order, or allocate. */
  private visit(agent: Agent, role: Role, fw: Framework, quota: QuotaBook, cycle: CycleRecord): void {
    const skips = cycle.statsOf(fw.index, role.index).skips;

    if (this.gpuScalar >= 0 && (agent.totalScalars.get(this.gpuScalar) ?? 0) > 0 && !fw.gpu) {
      skips[Skip.GPU]!++;
      return;
    }

    const { offer, unreservedScalars, limited } = this.candidateOffer(agent, role, quota);
    if (offer.size === 0) {
      skips[limited ? Skip.LIMIT : Skip.NOTHING_LEFT]!++;
      return;
    }

    const scalars = scalarSum(offer);
    const groups = fw.minAllocatable.get(role.index) ?? this.defaultMinAllocatable;
    // An empty list of groups accepts anything; otherwise the offer must meet one group.
    if (groups.length > 0 && !groups.some((group) => containsScalars(scalars, group))) {
      skips[Skip.MIN_ALLOCATABLE]!++;
      return;
    }

    const filters = fw.filters.get(role.index)?.get(agent.index) ?? [];
    if (filters.some((filter) => containsPooled(filter.resources, offer))) {
      skips[Skip.FILTERED]!++;
      return;
    }

    this.grant(fw, role.index, agent, offer);
    quota.consume(role.top, unreservedScalars);
    cycle.offer(fw.index, role.index, agent.index, offer, scalars);
  }

  /**
   * The candidate offer of `agent` to `role`:
   * - what is available in the pools of the role and its ancestors, whole;
   * - the unreserved ranges and sets, whole;
   * - unreserved scalars, each min(available, limitRoom(top), surplus + unsatisfied(top)).
   * `limited` says every unreserved scalar with something available got a limitRoom of 0, which
   * makes an empty offer a LIMIT skip rather than NOTHING_LEFT.
   */
  private candidateOffer(agent: Agent, role: Role, quota: QuotaBook): { offer: Pooled; unreservedScalars: Scalars; limited: boolean } {
    const offer: Pooled = new Map();
    for (let p = role.index; p !== -1; p = this.roles.get(p)!.parent) {
      const reserved = agent.available.get(p);
      if (reserved !== undefined) offer.set(p, cloneBundle(reserved));
    }
    const unreservedScalars: Scalars = new Map();
    let limited = false;
    const free = agent.available.get(UNRESERVED);
    if (free !== undefined) {
      limited = free.scalars.size > 0;
      for (const [k, available] of free.scalars) {
        const room = quota.limitRoom(role.top, k);
        if (room > 0) limited = false;
        const amount = Math.min(available, room, quota.surplus(k) + quota.unsatisfied(role.top, k));
        if (amount > 0) unreservedScalars.set(k, amount);
      }
      const unreserved = cloneBundle(free);
      unreserved.scalars = new Map(unreservedScalars);
      if (!isEmpty(unreserved)) offer.set(UNRESERVED, unreserved);
    }
    return { offer, unreservedScalars, limited };
  }

  // -------------------------------------------------------------------------------------------
  // Explain (section 8)

  /**
   * Reading: ranks come from the DRF order; with a random sorter there is no standing order and
   * the rank is -1. A framework not subscribed to the role has share 0 and rank -1; a role with no
   * subscribed framework has roleShare 0 and roleRank -1. Filters are counted as stored: expired
   * ones leave at the next cycle.
   */
  explain(framework: number, roleIndex: number): CoreExplain {
    const fw = this.frameworks.get(framework);
    if (fw === undefined) throw new MesosError('INVALID_ALLOCATOR_EVENT', `explain: unknown framework ${framework}`);
    const role = this.roles.get(roleIndex);
    if (role === undefined) throw new MesosError('INVALID_ALLOCATOR_EVENT', `explain: unknown role ${roleIndex}`);
    const subscribed = fw.roles.has(roleIndex);
    const sorter = subscribed ? this.frameworkSorters.get(roleIndex) : undefined;
    const inRoleSorter = this.roleSorter.contains(roleIndex);
    const byAgent = fw.filters.get(roleIndex);
    const top = this.roles.get(role.top)!;
    const stats = this.last.peek(framework, roleIndex);
    return {
      share: sorter?.share(framework) ?? 0,
      rank: sorter?.rank(framework) ?? -1,
      roleShare: inRoleSorter ? this.roleSorter.share(roleIndex) : 0,
      roleRank: inRoleSorter ? this.roleSorter.rank(roleIndex) : -1,
      weight: role.weight,
      active: fw.active,
      suppressed: fw.suppressed.has(roleIndex),
      filters: byAgent === undefined ? 0 : [...byAgent.values()].reduce((n, list) => n + list.length, 0),
      filteredAgents: byAgent?.size ?? 0,
      guarantee: sortedScalars(top.guarantee),
      limit: sortedScalars(top.limit),
      consumed: sortedScalars(this.consumption().get(top.index) ?? new Map()),
      offered: sortedScalars(stats?.offered ?? new Map()),
      skips: stats === undefined ? [0, 0, 0, 0, 0] : stats.skips.slice(),
      candidates: this.last.candidates,
    };
  }
}

/** The cycle's offers sorted by (framework, role, agent), in the protocol's Decisions form. */
function encodeDecisions(cycle: CycleRecord): Decisions {
  const offers = [...cycle.offers.values()].sort((x, y) => x.framework - y.framework || x.role - y.role || x.agent - y.agent);
  const header = new Int32Array(offers.length * 4);
  const payload: number[] = [];
  offers.forEach((o, i) => {
    header[i * 4] = o.framework;
    header[i * 4 + 1] = o.role;
    header[i * 4 + 2] = o.agent;
    header[i * 4 + 3] = payload.length;
    encodePooled(payload, o.resources);
  });
  return { offers: header, payload: Float64Array.from(payload), count: offers.length };
}

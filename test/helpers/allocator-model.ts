// A random driver for the allocator cores, used by the equivalence property test: it generates
// valid event sequences on small clusters, keeps its own bookkeeping of what is allocated and
// filtered (independent of either core), and checks the invariants of docs/allocator.md on every
// cycle's decisions.

import { EventWriter, StreamReader, UNRESERVED, type Bundle, type Decisions, type Pooled } from '../../lib/allocator/protocol.ts';

// Scalars: 0 gpus, 1 cpus, 2 mem. Range names: 0 ports. Set names: 0 zones.
export const GPUS = 0;
const SCALARS = [GPUS, 1, 2];

/** Roles: index, name, parent. Quota only on top-level roles (0, 2, 3). */
export const ROLES: readonly [number, string, number][] = [
  [0, 'a', -1],
  [1, 'a/b', 0],
  [2, 'c', -1],
  [3, '*', -1],
];

export function topOf(role: number): number {
  let r = role;
  while (ROLES[r]![2] !== -1) r = ROLES[r]![2];
  return r;
}

function ancestorsOrSelf(role: number): number[] {
  const out = [role];
  let r = role;
  while (ROLES[r]![2] !== -1) {
    r = ROLES[r]![2];
    out.push(r);
  }
  return out;
}

/** A bundle for bookkeeping: ports as a set of numbers, zones as a set of ids. */
export interface ModelBundle {
  scalars: number[];
  ports: Set<number>;
  zones: Set<number>;
}

export function emptyModel(): ModelBundle {
  return { scalars: SCALARS.map(() => 0), ports: new Set(), zones: new Set() };
}

function addModel(a: ModelBundle, b: ModelBundle): void {
  b.scalars.forEach((v, k) => (a.scalars[k]! += v));
  for (const p of b.ports) a.ports.add(p);
  for (const z of b.zones) a.zones.add(z);
}

function subModel(a: ModelBundle, b: ModelBundle): void {
  b.scalars.forEach((v, k) => (a.scalars[k]! -= v));
  for (const p of b.ports) a.ports.delete(p);
  for (const z of b.zones) a.zones.delete(z);
}

function containsModel(a: ModelBundle, b: ModelBundle): boolean {
  return b.scalars.every((v, k) => a.scalars[k]! >= v) && [...b.ports].every((p) => a.ports.has(p)) && [...b.zones].every((z) => a.zones.has(z));
}

function isEmptyModel(b: ModelBundle): boolean {
  return b.scalars.every((v) => v === 0) && b.ports.size === 0 && b.zones.size === 0;
}

function cloneModel(b: ModelBundle): ModelBundle {
  return { scalars: [...b.scalars], ports: new Set(b.ports), zones: new Set(b.zones) };
}

export type ModelPooled = Map<number, ModelBundle>;

function toIntervals(ports: Set<number>): [number, number][] {
  const sorted = [...ports].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] + 1 === p) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}

export function toBundle(m: ModelBundle): Bundle {
  const b: Bundle = { scalars: new Map(), ranges: new Map(), sets: new Map() };
  m.scalars.forEach((v, k) => v > 0 && b.scalars.set(k, v));
  if (m.ports.size > 0) b.ranges.set(0, toIntervals(m.ports));
  if (m.zones.size > 0) b.sets.set(0, [...m.zones].sort((x, y) => x - y));
  return b;
}

export function toPooled(m: ModelPooled): Pooled {
  const out: Pooled = new Map();
  for (const [pool, b] of m) if (!isEmptyModel(b)) out.set(pool, toBundle(b));
  return out;
}

export function fromPooled(p: Pooled): ModelPooled {
  const out: ModelPooled = new Map();
  for (const [pool, b] of p) {
    const m = emptyModel();
    for (const [k, v] of b.scalars) m.scalars[k] = (m.scalars[k] ?? 0) + v;
    for (const [lo, hi] of b.ranges.get(0) ?? []) for (let x = lo; x <= hi; x++) m.ports.add(x);
    for (const z of b.sets.get(0) ?? []) m.zones.add(z);
    out.set(pool, m);
  }
  return out;
}

function addPooled(a: ModelPooled, b: ModelPooled): void {
  for (const [pool, bundle] of b) {
    const cur = a.get(pool) ?? emptyModel();
    addModel(cur, bundle);
    a.set(pool, cur);
  }
}

function subPooled(a: ModelPooled, b: ModelPooled): void {
  for (const [pool, bundle] of b) {
    const cur = a.get(pool);
    if (!cur) throw new Error(`model: no pool ${pool} to subtract from`);
    subModel(cur, bundle);
  }
}

function containsPooled(a: ModelPooled, b: ModelPooled): boolean {
  for (const [pool, bundle] of b) {
    if (isEmptyModel(bundle)) continue;
    const cur = a.get(pool);
    if (!cur || !containsModel(cur, bundle)) return false;
  }
  return true;
}

function clonePooled(p: ModelPooled): ModelPooled {
  return new Map([...p].map(([k, v]) => [k, cloneModel(v)]));
}

/** Decisions as comparable plain data. */
export function decisionsToPlain(d: Decisions): { f: number; r: number; a: number; resources: ModelPooled }[] {
  const out = [];
  const reader = new StreamReader(d.payload);
  for (let i = 0; i < d.count; i++) {
    reader.pos = d.offers[i * 4 + 3]!;
    out.push({ f: d.offers[i * 4]!, r: d.offers[i * 4 + 1]!, a: d.offers[i * 4 + 2]!, resources: fromPooled(reader.pooled('offer')) });
  }
  return out;
}

/** A tiny deterministic generator for the driver's own choices (fast-check supplies the seed). */
class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = (seed >>> 0) || 1;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x;
  }
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

interface AgentModel {
  total: ModelPooled;
  activated: boolean;
}

interface FrameworkModel {
  roles: number[];
  active: boolean;
  gpu: boolean;
  suppressed: Set<number>;
  /** Per role: does it carry a min_allocatable override? */
}

interface Filter {
  f: number;
  r: number;
  a: number;
  resources: ModelPooled;
  expiry: number;
}

/**
 * Drives a random scenario. Each `step()` writes one event into `writer` (or returns 'allocate'
 * when a cycle is due), keeping the model in step with what the cores must be doing.
 */
export class ScenarioModel {
  readonly rng: Rng;
  now = 1000;
  readonly agents = new Map<number, AgentModel>();
  readonly frameworks = new Map<number, FrameworkModel>();
  /** key `${f}/${a}/${r}` */
  readonly allocations = new Map<string, ModelPooled>();
  filters: Filter[] = [];
  readonly limits = new Map<number, number[]>();
  readonly guarantees = new Map<number, number[]>();
  /** True once any min_allocatable override or default groups exist (the starvation check needs none). */
  readonly minAllocatableDefault: Map<number, number>[];
  minOverrides = false;
  private nextAgent = 0;
  private nextFramework = 0;

  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.minAllocatableDefault = this.rng.chance(0.5) ? [] : [new Map([[1, 10]]), new Map([[2, 32000]])];
  }

  configure(w: EventWriter, seed: number): void {
    w.configure({ seed, gpuScalar: GPUS, excluded: this.rng.chance(0.3) ? [2] : [], defaultMinAllocatable: this.minAllocatableDefault, roleSorter: 0, frameworkSorter: 0 });
    for (const [r, name, parent] of ROLES) w.addRole(r, name, parent);
  }

  private randomBundle(maxScale: number, withGpu: boolean): ModelBundle {
    const b = emptyModel();
    b.scalars[1] = (1 + this.rng.int(8)) * 250 * maxScale;
    b.scalars[2] = (1 + this.rng.int(8)) * 64000 * maxScale;
    if (withGpu) b.scalars[GPUS] = 1000;
    if (this.rng.chance(0.6)) {
      const start = this.rng.int(50);
      for (let p = start; p < start + 1 + this.rng.int(20); p++) b.ports.add(p);
    }
    if (this.rng.chance(0.3)) for (let z = 0; z < 1 + this.rng.int(3); z++) b.zones.add(z);
    return b;
  }

  private agentAllocated(a: number): ModelPooled {
    const out: ModelPooled = new Map();
    for (const [key, pooled] of this.allocations) {
      if (Number(key.split('/')[1]) === a) addPooled(out, pooled);
    }
    return out;
  }

  private avail(a: number): ModelPooled {
    const out = clonePooled(this.agents.get(a)!.total);
    subPooled(out, this.agentAllocated(a));
    return out;
  }

  /** Writes one random event, or returns 'allocate' when the driver chose to run a cycle instead. */
  step(w: EventWriter): 'event' | 'allocate' {
    const roll = this.rng.int(100);
    const agentIds = [...this.agents.keys()];
    const frameworkIds = [...this.frameworks.keys()];
    if (roll < 12 || agentIds.length === 0) {
      const a = this.nextAgent++;
      const total: ModelPooled = new Map([[UNRESERVED, this.randomBundle(2, this.rng.chance(0.15))]]);
      // Reservations go to real roles, never to '*' (role 3).
      if (this.rng.chance(0.35)) total.set(this.rng.pick([0, 1, 2]), this.randomBundle(1, false));
      const activated = this.rng.chance(0.9);
      this.agents.set(a, { total, activated });
      w.addAgent(a, toPooled(total), activated);
      return 'event';
    }
    if (roll < 22 || frameworkIds.length === 0) {
      const f = this.nextFramework++;
      const roles = [0, 1, 2, 3].filter(() => this.rng.chance(0.45));
      if (roles.length === 0) roles.push(this.rng.pick([0, 1, 2, 3]));
      const model: FrameworkModel = { roles, active: this.rng.chance(0.9), gpu: this.rng.chance(0.5), suppressed: new Set() };
      this.frameworks.set(f, model);
      w.addFramework(f, `fw-${String(f).padStart(4, '0')}`, roles, model.gpu, model.active, []);
      return 'event';
    }
    if (roll < 45) return 'allocate';
    if (roll < 60) {
      // Recover part or all of an allocation, sometimes with a filter.
      const keys = [...this.allocations.keys()].filter((k) => [...this.allocations.get(k)!.values()].some((b) => !isEmptyModel(b)));
      if (keys.length === 0) return 'allocate';
      const key = this.rng.pick(keys);
      const [f, a, r] = key.split('/').map(Number) as [number, number, number];
      const held = this.allocations.get(key)!;
      const give: ModelPooled = this.rng.chance(0.6) ? clonePooled(held) : halfOf(held);
      const expiry = this.rng.chance(0.5) ? this.now + 500 + this.rng.int(5000) : 0;
      subPooled(held, give);
      if (expiry > 0) this.filters.push({ f, r, a, resources: give, expiry });
      w.recover(f, a, r, toPooled(give), expiry);
      return 'event';
    }
    if (roll < 64) {
      const f = this.rng.pick(frameworkIds);
      const fw = this.frameworks.get(f)!;
      const roles = this.rng.chance(0.5) ? [] : [this.rng.pick(fw.roles)];
      for (const r of roles.length === 0 ? fw.roles : roles) fw.suppressed.add(r);
      w.suppress(f, roles);
      return 'event';
    }
    if (roll < 69) {
      const f = this.rng.pick(frameworkIds);
      const fw = this.frameworks.get(f)!;
      const roles = this.rng.chance(0.5) ? [] : [this.rng.pick(fw.roles)];
      const targets = roles.length === 0 ? fw.roles : roles;
      for (const r of targets) fw.suppressed.delete(r);
      this.filters = this.filters.filter((x) => !(x.f === f && targets.includes(x.r)));
      w.revive(f, roles);
      return 'event';
    }
    if (roll < 72) {
      const f = this.rng.pick(frameworkIds);
      const fw = this.frameworks.get(f)!;
      if (fw.active) {
        fw.active = false;
        this.filters = this.filters.filter((x) => x.f !== f);
        w.deactivateFramework(f);
      } else {
        fw.active = true;
        w.activateFramework(f);
      }
      return 'event';
    }
    if (roll < 74) {
      const f = this.rng.pick(frameworkIds);
      this.frameworks.delete(f);
      for (const key of [...this.allocations.keys()]) if (Number(key.split('/')[0]) === f) this.allocations.delete(key);
      this.filters = this.filters.filter((x) => x.f !== f);
      w.removeFramework(f);
      return 'event';
    }
    if (roll < 77) {
      const a = this.rng.pick(agentIds);
      const agent = this.agents.get(a)!;
      agent.activated = !agent.activated;
      if (agent.activated) w.activateAgent(a);
      else w.deactivateAgent(a);
      return 'event';
    }
    if (roll < 79) {
      const a = this.rng.pick(agentIds);
      this.agents.delete(a);
      for (const key of [...this.allocations.keys()]) if (Number(key.split('/')[1]) === a) this.allocations.delete(key);
      this.filters = this.filters.filter((x) => x.a !== a);
      w.removeAgent(a);
      return 'event';
    }
    if (roll < 83) {
      const r = this.rng.pick([0, 1, 2, 3]);
      w.setWeight(r, this.rng.pick([0.5, 1, 2, 3]));
      return 'event';
    }
    if (roll < 87) {
      const r = this.rng.pick([0, 2]);
      const guarantee = [0, this.rng.int(3) * 1000, this.rng.int(3) * 128000];
      const limit = [0, 1000 + this.rng.int(6) * 1000, 128000 + this.rng.int(6) * 128000];
      const withLimit = this.rng.chance(0.7);
      this.guarantees.set(r, guarantee);
      if (withLimit) this.limits.set(r, limit);
      else this.limits.delete(r);
      w.setQuota(r, new Map([[1, guarantee[1]!], [2, guarantee[2]!]].filter(([, v]) => v! > 0) as [number, number][]),
        withLimit ? new Map([[1, limit[1]!], [2, limit[2]!]]) : new Map());
      return 'event';
    }
    if (roll < 89) {
      const f = this.rng.pick(frameworkIds);
      const fw = this.frameworks.get(f)!;
      this.minOverrides = true;
      w.setMinAllocatable(f, this.rng.pick(fw.roles), this.rng.chance(0.5) ? [new Map([[1, 2000]])] : [new Map([[2, 1000]])]);
      return 'event';
    }
    if (roll < 93) {
      // The operator reserves some of an agent's free unreserved cpus for a role.
      const a = this.rng.pick(agentIds);
      const free = this.avail(a).get(UNRESERVED);
      if (!free || free.scalars[1]! < 500) return 'allocate';
      const role = this.rng.pick([0, 1, 2]);
      const agent = this.agents.get(a)!;
      const moved = emptyModel();
      moved.scalars[1] = 250;
      subModel(agent.total.get(UNRESERVED)!, moved);
      const pool = agent.total.get(role) ?? emptyModel();
      addModel(pool, moved);
      agent.total.set(role, pool);
      w.updateAgent(a, toPooled(agent.total));
      return 'event';
    }
    if (roll < 96) {
      // A framework reserves unreserved cpus it holds for its role (CONVERT).
      const keys = [...this.allocations.keys()].filter((k) => (this.allocations.get(k)!.get(UNRESERVED)?.scalars[1] ?? 0) >= 250);
      if (keys.length === 0) return 'allocate';
      const key = this.rng.pick(keys);
      const [f, a, r] = key.split('/').map(Number) as [number, number, number];
      if (r === 3) return 'allocate';
      const from: ModelPooled = new Map([[UNRESERVED, { scalars: [0, 250, 0], ports: new Set(), zones: new Set() }]]);
      const to: ModelPooled = new Map([[r, { scalars: [0, 250, 0], ports: new Set(), zones: new Set() }]]);
      const agent = this.agents.get(a)!;
      subPooled(agent.total, from);
      addPooled(agent.total, to);
      const held = this.allocations.get(key)!;
      subPooled(held, from);
      addPooled(held, to);
      w.convert(f, a, r, toPooled(from), toPooled(to));
      return 'event';
    }
    this.now += this.rng.int(3000);
    return 'allocate';
  }

  /**
   * Records a cycle's decisions and checks the invariants; returns the violations found.
   * `now` is the time the cycle ran at.
   */
  recordCycle(decisions: ReturnType<typeof decisionsToPlain>): string[] {
    const problems: string[] = [];
    this.filters = this.filters.filter((x) => x.expiry > this.now);
    for (const d of decisions) {
      const agent = this.agents.get(d.a);
      const fw = this.frameworks.get(d.f);
      if (!agent || !agent.activated) problems.push(`offer on agent ${d.a} which is not an activated agent`);
      if (!fw || !fw.active || fw.suppressed.has(d.r) || !fw.roles.includes(d.r)) problems.push(`offer to framework ${d.f} role ${d.r} which is not eligible`);
      // Reservations go only to their role or its subroles.
      for (const pool of d.resources.keys()) {
        if (pool !== UNRESERVED && !ancestorsOrSelf(d.r).includes(pool)) problems.push(`role ${d.r} offered resources reserved to role ${pool}`);
      }
      // Filtered resources are not offered again before the filter expires.
      for (const filter of this.filters) {
        if (filter.f === d.f && filter.r === d.r && filter.a === d.a && containsPooled(filter.resources, d.resources)) {
          problems.push(`framework ${d.f} role ${d.r} re-offered filtered resources on agent ${d.a}`);
        }
      }
      const key = `${d.f}/${d.a}/${d.r}`;
      const held = this.allocations.get(key) ?? new Map();
      addPooled(held, d.resources);
      this.allocations.set(key, held);
    }
    // No agent is over-allocated.
    for (const [a, agent] of this.agents) {
      if (!containsPooled(agent.total, this.agentAllocated(a))) problems.push(`agent ${a} is over-allocated`);
    }
    // Quota limits are never exceeded by what the allocator hands out. Reservations count as
    // consumption and may already exceed a limit on their own; the allocator must then give the
    // role none of that scalar unreserved, so a scalar is checked only when this cycle gave some.
    for (const [t, limit] of this.limits) {
      const consumed = this.consumed(t);
      for (const k of [1, 2]) {
        const gained = decisions.some((d) => topOf(d.r) === t && (d.resources.get(UNRESERVED)?.scalars[k] ?? 0) > 0);
        if (gained && consumed[k]! > limit[k]!) problems.push(`role ${t} exceeds its ${k === 1 ? 'cpus' : 'mem'} limit: ${consumed[k]} > ${limit[k]}`);
      }
    }
    // No eligible framework is left with nothing while an agent still has something it could use.
    if (this.minAllocatableDefault.length === 0 && !this.minOverrides && this.limits.size === 0 && [...this.guarantees.values()].every((g) => g.every((v) => v === 0))) {
      for (const [f, fw] of this.frameworks) {
        if (!fw.active) continue;
        for (const r of fw.roles) {
          if (fw.suppressed.has(r) || this.filters.some((x) => x.f === f && x.r === r)) continue;
          for (const [a, agent] of this.agents) {
            if (!agent.activated) continue;
            if (!fw.gpu && [...agent.total.values()].some((b) => b.scalars[GPUS]! > 0)) continue;
            const avail = this.avail(a);
            for (const pool of [UNRESERVED, ...ancestorsOrSelf(r)]) {
              const b = avail.get(pool);
              if (b && !isEmptyModel(b)) problems.push(`framework ${f} role ${r} left without agent ${a}'s pool ${pool}`);
            }
          }
        }
      }
    }
    return problems;
  }

  private consumed(top: number): number[] {
    const out = [0, 0, 0];
    for (const agent of this.agents.values()) {
      for (const [pool, b] of agent.total) if (pool !== UNRESERVED && topOf(pool) === top) b.scalars.forEach((v, k) => (out[k]! += v));
    }
    for (const [key, pooled] of this.allocations) {
      const r = Number(key.split('/')[2]);
      if (topOf(r) !== top) continue;
      pooled.get(UNRESERVED)?.scalars.forEach((v, k) => (out[k]! += v));
    }
    return out;
  }
}

function halfOf(p: ModelPooled): ModelPooled {
  const out: ModelPooled = new Map();
  for (const [pool, b] of p) {
    const h = emptyModel();
    b.scalars.forEach((v, k) => (h.scalars[k] = Math.floor(v / 2)));
    [...b.ports].slice(0, Math.floor(b.ports.size / 2)).forEach((x) => h.ports.add(x));
    out.set(pool, h);
  }
  return out;
}

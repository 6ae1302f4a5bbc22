// The allocator benchmarks as data. Each scenario is a cluster (roles, quota, agents, frameworks,
// resources in use at setup) plus a tiny driver saying what happens between two allocation cycles
// (offers declined with or without a filter, frameworks suppressing, tasks launched). The shapes
// are Mesos's own (docs: /work/shared/docs/mesos-api.md section 6), so that the numbers printed
// beside Mesos's published ones compare like with like. measure.ts turns a point into events; the
// driver writes events with EventWriter directly, so a timing is the core's cost, not the facade's.

import { EventWriter, type Decisions } from '../../lib/allocator/protocol.ts';
import { FOREVER_MS, SCALARS, forEachOffer, portFragments, quantities, unreservedScalar } from './cluster.ts';

// ---------------------------------------------------------------------------------------------
// The shape of a scenario

export interface RoleSpec {
  /** `a/b/c`; every ancestor must be listed before it. */
  name: string;
  weight?: number;
  /** Quota in Mesos's quantity text form (`cpus:1;mem:1024`); top-level roles only. */
  guarantee?: string;
  limit?: string;
}

export interface FrameworkSpec {
  name: string;
  roles: readonly string[];
}

export interface Cluster {
  roles: readonly RoleSpec[];
  frameworks: readonly FrameworkSpec[];
  agents: number;
  /** Every agent's total, unreserved, in Mesos's text form. */
  agentResources: string;
  /**
   * Resources already in use on each agent when it is added (Mesos's `addSlave(..., used)`),
   * held by one framework chosen round-robin. Sent as ADD_ALLOCATION right after ADD_AGENT, in
   * the same batch, so "add agents" times what Mesos's addSlave loop times.
   */
  used?: { resources: string; role: string };
}

/** What happens between cycles, for one core's run. A fresh driver is made per core. */
export interface Driver {
  /**
   * Writes the events that precede measured cycle `round` (0-based), given the decisions of the
   * cycle before it (the warm-up cycle for round 0, when the point has one).
   */
  beforeCycle(round: number, previous: Decisions | undefined, w: EventWriter): void;
  /** True once the scenario has reached its goal and needs no more cycles. */
  finished?(): boolean;
  /** Scenario-specific figures for the report (tasks launched, frameworks suppressed, ...). */
  figures?(): Record<string, number>;
}

/** A number Mesos published for the same shape (mesos-api.md section 6.4). */
export interface MesosFigure {
  /** What was measured: `cycle`, `empty cycle`, `add agents`, `add frameworks`, ... */
  what: string;
  /** The figure as published. */
  text: string;
  /** A representative value in ms, for ratios; absent when the figure is not one number. */
  ms?: number;
  /** The measured cycle (0-based) the figure is compared with; the p50 cycle when absent. */
  cycle?: number;
  source: string;
}

export interface Point {
  scenario: string;
  /** The grid point, e.g. `10000x1000`. */
  name: string;
  /** The parameters, for the JSON report. */
  shape: Record<string, number | string | boolean>;
  cluster: Cluster;
  /**
   * An unmeasured first cycle: Mesos makes these offers while the agents are added, and the
   * benchmark's round 0 starts by declining them.
   */
  warmup: boolean;
  /** Measured cycles (an upper bound when the driver can finish early). */
  cycles: number;
  /** At most this many reference cycles, with the reason; the reference is slow on huge shapes. */
  referenceCycles?: { max: number; reason: string };
  /** Do not run the reference at all, and why. */
  referenceSkip?: string;
  driver(): Driver;
  mesos: readonly MesosFigure[];
}

export interface Selection {
  agents?: number;
  frameworks?: number;
}

export interface Scenario {
  name: string;
  /** The Mesos benchmark it reproduces. */
  counterpart: string;
  summary: string;
  /** The default grid, trimmed to what runs in reasonable time. */
  grid(): Point[];
  /** Tiny shapes for the CI smoke run: 2 cycles, well under a second each. */
  quick(): Point[];
  /** The point(s) for `--agents`/`--frameworks`; unspecified parameters take the grid's. */
  select(s: Selection): Point[];
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** The agents of Mesos's HierarchicalAllocator_BENCHMARK_Test (DeclineOffers, SuppressOffers). */
const BENCHMARK_AGENT = 'cpus:24;mem:4096;disk:4096;ports:[31000-32000]';
/** What each of those agents already runs for one framework: DeclineOffers's 16 port fragments. */
const BENCHMARK_USED = `cpus:16;mem:2014;disk:1024;ports:${portFragments(31000, 32000, 16)}`;

const STAR = [{ name: '*' }];

function frameworksIn(count: number, roles: readonly string[], prefix = 'framework'): FrameworkSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}`, roles }));
}

/** Grid point name. */
function ax(agents: number, frameworks: number): string {
  return `${agents}x${frameworks}`;
}

/**
 * Recovers every offer of the previous cycle: with a filter until `expiry`, or none when
 * `expiry` is 0 (an offer declined with refuse_seconds 0, or rescinded).
 */
function recoverAll(previous: Decisions | undefined, w: EventWriter, expiry: number): void {
  if (previous === undefined) return;
  forEachOffer(previous, (o) => w.recover(o.framework, o.agent, o.role, o.resources, expiry));
}

function recoverEveryCycle(expiry: number): () => Driver {
  return () => ({ beforeCycle: (_round, previous, w) => recoverAll(previous, w, expiry) });
}

const nothingBetween = (): Driver => ({ beforeCycle: () => {} });

function cartesian(agents: readonly number[], frameworks: readonly number[]): [number, number][] {
  return agents.flatMap((a) => frameworks.map((f) => [a, f] as [number, number]));
}

/** Published numbers, keyed by `agents x frameworks`. */
type FigureTable = Readonly<Record<string, readonly MesosFigure[]>>;

const C1B42F79 = 'measured here: 2 vCPU, Mesos master c1b42f79 -O2 (mesos-api.md 6.4)';

// ---------------------------------------------------------------------------------------------
// decline-offers: HierarchicalAllocator_BENCHMARK_Test.DeclineOffers

const DECLINE_FIGURES: FigureTable = {
  [ax(10000, 1000)]: [
    { what: 'cycle', text: '1.06 s per allocate (DeclineOffers/21)', ms: 1060, source: 'commit 6ef0df93f, MESOS-9249, --enable-optimize' },
    { what: 'cycle', text: '553 ms avg rounds 0-99; 658 ms rounds 400-499', ms: 553, source: C1B42F79 },
    { what: 'add agents', text: '1.61 s', ms: 1610, source: 'commit 6ef0df93f' },
    { what: 'add frameworks', text: '40.4 ms', ms: 40.4, source: 'commit 6ef0df93f' },
  ],
  [ax(10000, 3000)]: [
    { what: 'cycle', text: '2.47 s median of rounds 0-9 (DeclineOffers/22)', ms: 2470, source: 'commit 6abe32f08 (before; 2.60 s after)' },
    { what: 'add agents', text: '~3.3 s', ms: 3300, source: 'commit 6abe32f08' },
    { what: 'add frameworks', text: '~170 ms', ms: 170, source: 'commit 6abe32f08' },
  ],
  [ax(1000, 100)]: [{ what: 'cycle', text: '33 ms early rounds; ~470 ms once every pair is filtered (DeclineOffers/2)', ms: 33, source: C1B42F79 }],
  [ax(1000, 1000)]: [{ what: 'cycle', text: '42 ms early rounds; ~5.7 s with 1 M filters (DeclineOffers/5)', ms: 42, source: C1B42F79 }],
  [ax(2000, 200)]: [{ what: 'cycle', text: '~2.82-2.92 s per allocate', ms: 2870, source: 'MESOS-4694 (Mesos 0.26-0.28)' }],
  [ax(2000, 2000)]: [{ what: 'cycle', text: '~28.1-28.5 s per allocate', ms: 28300, source: 'MESOS-4694 (Mesos 0.26-0.28)' }],
};

/**
 * Mesos's grid is agents {1k, 5k, 10k, 20k, 30k, 50k} x frameworks {1, 50, 100, 200, 500, 1000,
 * 3000, 6000}; by default we run this subset (any point runs with --agents/--frameworks).
 */
const DECLINE_DEFAULT_GRID: [number, number][] = [
  ...cartesian([1000], [1, 50, 100, 200, 500, 1000]),
  ...cartesian([5000], [100, 1000]),
  ...cartesian([10000], [100, 1000, 3000]),
  ...cartesian([20000], [1000]),
  ...cartesian([50000], [6000]),
];

/**
 * Rounds per point. Mesos runs frameworks x 2 rounds; our 2-vCPU measurement of Mesos averaged
 * rounds 0-99, so we run those.
 */
const DECLINE_ROUNDS = 100;

function declinePoint(agents: number, frameworks: number, cycles: number): Point {
  return {
    scenario: 'decline-offers',
    name: ax(agents, frameworks),
    shape: { agents, frameworks, roles: 1 },
    cluster: { roles: STAR, frameworks: frameworksIn(frameworks, ['*']), agents, agentResources: BENCHMARK_AGENT, used: { resources: BENCHMARK_USED, role: '*' } },
    warmup: true,
    cycles,
    // The reference takes seconds per round on the biggest shapes (and --reference-budget stops
    // it on the others), so there it runs only the first rounds.
    ...(agents * frameworks > 50_000_000 ? { referenceCycles: { max: 5, reason: 'huge shape: the reference runs the first 5 rounds only' } } : {}),
    driver: recoverEveryCycle(FOREVER_MS),
    mesos: DECLINE_FIGURES[ax(agents, frameworks)] ?? [],
  };
}

const declineOffers: Scenario = {
  name: 'decline-offers',
  counterpart: 'HierarchicalAllocator_BENCHMARK_Test.DeclineOffers',
  summary:
    "One role '*'. Every agent runs cpus:16;mem:2014;disk:1024 + 16 port fragments for one framework (round-robin). " +
    'Each round declines every offer of the previous cycle with a filter that never expires, then runs a cycle; ' +
    'the filters pile up, one per agent per round. Mesos runs frameworks x 2 rounds; we run 100 by default (--cycles).',
  grid: () => DECLINE_DEFAULT_GRID.map(([a, f]) => declinePoint(a, f, DECLINE_ROUNDS)),
  quick: () => [declinePoint(100, 10, 2)],
  select: (s) => [declinePoint(s.agents ?? 10000, s.frameworks ?? 1000, DECLINE_ROUNDS)],
};

// ---------------------------------------------------------------------------------------------
// suppress-offers: HierarchicalAllocator_BENCHMARK_Test.SuppressOffers

function suppressPoint(agents: number, frameworks: number, cycles: number): Point {
  return {
    scenario: 'suppress-offers',
    name: ax(agents, frameworks),
    shape: { agents, frameworks, roles: 1, suppressPerRound: Math.floor(frameworks / 5) },
    cluster: { roles: STAR, frameworks: frameworksIn(frameworks, ['*']), agents, agentResources: BENCHMARK_AGENT, used: { resources: BENCHMARK_USED, role: '*' } },
    warmup: true,
    cycles,
    driver: () => {
      // Mesos suppresses frameworks/5 more frameworks before each of its 5 cycles, whatever the
      // cycle count, so the last cycle has (nearly) everyone suppressed.
      const batch = Math.floor(frameworks / 5);
      let suppressed = 0;
      return {
        beforeCycle(_round, previous, w) {
          recoverAll(previous, w, 0);
          for (let j = 0; j < batch && suppressed < frameworks; j++) w.suppress(suppressed++, []);
        },
        figures: () => ({ suppressed }),
      };
    },
    mesos: [],
  };
}

const suppressOffers: Scenario = {
  name: 'suppress-offers',
  counterpart: 'HierarchicalAllocator_BENCHMARK_Test.SuppressOffers',
  summary:
    'DeclineOffers\'s cluster; 5 cycles, before each another frameworks/5 frameworks suppress, and the offers of the ' +
    'previous cycle are recovered without filters.',
  grid: () =>
    [...cartesian([1000], [100, 1000]), ...cartesian([10000], [100, 1000, 3000]), ...cartesian([50000], [6000])].map(([a, f]) => suppressPoint(a, f, 5)),
  quick: () => [suppressPoint(100, 10, 2)],
  select: (s) => [suppressPoint(s.agents ?? 10000, s.frameworks ?? 1000, 5)],
};

// ---------------------------------------------------------------------------------------------
// large-and-small-quota: BENCHMARK_HierarchicalAllocator_WithQuotaParam.LargeAndSmallQuota

const QUOTA_AGENT = 'cpus:2;mem:2048;disk:2048';
const SMALL_QUOTA = 'cpus:1;mem:1024;disk:1024';
const LARGE_QUOTA = 'cpus:4;mem:4096;disk:4096';

const LARGE_AND_SMALL_FIGURES: Readonly<Record<number, readonly MesosFigure[]>> = {
  3000: [
    { what: 'cycle', text: '15.39 s for 3500 allocations (LargeAndSmallQuota/2)', ms: 15390, cycle: 0, source: 'commits de90b2b30..73033130d (2019-08)' },
    { what: 'cycle', text: '13.72 s for the empty cycle', ms: 13720, cycle: 1, source: 'commits de90b2b30..73033130d (2019-08)' },
    { what: 'cycle', text: '6.1-6.9 s for 3500 allocations', ms: 6500, cycle: 0, source: C1B42F79 },
    { what: 'cycle', text: '5.0-6.3 s for the empty cycle', ms: 5650, cycle: 1, source: C1B42F79 },
    { what: 'add frameworks', text: '7.6-17 s for 3000 frameworks', ms: 7600, source: C1B42F79 },
  ],
};

/** `agents = small/5 + large*5` with `small = 5*large` (Mesos's three shapes: 30, 300, 3000 agents). */
function largeAndSmallPoint(agents: number): Point {
  const large = Math.max(1, Math.round(agents / 6));
  const small = 5 * large;
  const total = small / 5 + large * 5;
  const roles: RoleSpec[] = [
    ...Array.from({ length: small }, (_, i) => ({ name: `quota-small-${i}`, guarantee: SMALL_QUOTA, limit: SMALL_QUOTA })),
    ...Array.from({ length: large }, (_, i) => ({ name: `quota-large-${i}`, guarantee: LARGE_QUOTA, limit: LARGE_QUOTA })),
  ];
  return {
    scenario: 'large-and-small-quota',
    name: `${total}`,
    shape: { agents: total, smallQuotaRoles: small, largeQuotaRoles: large, frameworks: small + large, sorter: 'drf' },
    cluster: { roles, frameworks: roles.map((r, i) => ({ name: `framework-${i}`, roles: [r.name] })), agents: total, agentResources: QUOTA_AGENT },
    warmup: false,
    // Mesos prints the allocating cycle, then a second one in which nothing is left to offer.
    cycles: 2,
    driver: nothingBetween,
    mesos: LARGE_AND_SMALL_FIGURES[total] ?? [],
  };
}

const largeAndSmallQuota: Scenario = {
  name: 'large-and-small-quota',
  counterpart: 'BENCHMARK_HierarchicalAllocator_WithQuotaParam.LargeAndSmallQuota/{0,1,2} (drf)',
  summary:
    `(small, large) quota roles = (25,5), (250,50), (2500,500); agents = small/5 + large*5, each ${QUOTA_AGENT}; ` +
    `quota guarantee = limit, small ${SMALL_QUOTA}, large ${LARGE_QUOTA}; one framework per role. ` +
    'Cycle 1 allocates, cycle 2 finds nothing to offer (Mesos prints both).',
  grid: () => [30, 300, 3000].map(largeAndSmallPoint),
  quick: () => [largeAndSmallPoint(30)],
  select: (s) => [largeAndSmallPoint(s.agents ?? 3000)],
};

// ---------------------------------------------------------------------------------------------
// non-quota-vs-quota: BENCHMARK_HierarchicalAllocator_WithNonQuotaVsQuotaParam.NonQuotaVsQuota

function nonQuotaVsQuotaPoint(roleCount: number, withQuota: boolean): Point {
  // Each role's quota is exactly its 2 agents, so no agent is split.
  const quota = 'cpus:4;mem:4096;disk:4096';
  const roles: RoleSpec[] = Array.from({ length: roleCount }, (_, i) => ({
    name: `role-${i}`,
    ...(withQuota ? { guarantee: quota, limit: quota } : {}),
  }));
  return {
    scenario: 'non-quota-vs-quota',
    name: `${roleCount} roles, quota ${withQuota ? 'on' : 'off'}`,
    shape: { roles: roleCount, quota: withQuota, agents: 2 * roleCount, frameworks: 2 * roleCount, sorter: 'drf' },
    cluster: {
      roles,
      frameworks: roles.flatMap((r, i) => [0, 1].map((j) => ({ name: `framework-${i}-${j}`, roles: [r.name] }))),
      agents: 2 * roleCount,
      agentResources: QUOTA_AGENT,
    },
    warmup: false,
    cycles: 2,
    driver: nothingBetween,
    mesos: [],
  };
}

const nonQuotaVsQuota: Scenario = {
  name: 'non-quota-vs-quota',
  counterpart: 'BENCHMARK_HierarchicalAllocator_WithNonQuotaVsQuotaParam.NonQuotaVsQuota (drf)',
  summary:
    `Roles {10, 100, 1000} x quota {off, on}; 2 agents per role (${QUOTA_AGENT}), 2 frameworks per role; with quota each ` +
    'role\'s guarantee = limit = its 2 agents. Cycle 1 allocates, cycle 2 is the following (empty) one.',
  grid: () => [10, 100, 1000].flatMap((r) => [nonQuotaVsQuotaPoint(r, false), nonQuotaVsQuotaPoint(r, true)]),
  quick: () => [nonQuotaVsQuotaPoint(10, false), nonQuotaVsQuotaPoint(10, true)],
  select: (s) => {
    const roles = Math.max(1, Math.round((s.agents ?? 2000) / 2));
    return [nonQuotaVsQuotaPoint(roles, false), nonQuotaVsQuotaPoint(roles, true)];
  },
};

// ---------------------------------------------------------------------------------------------
// multi-framework: BENCHMARK_HierarchicalAllocations.MultiFrameworkAllocations

interface TaskProfile {
  /** Frameworks of this kind, and the role of each. */
  name: string;
  count: number;
  role(i: number): string;
  tasks: number;
  task: string;
  perOffer: number;
}

const MULTI_FRAMEWORK_PROFILES: readonly TaskProfile[] = [
  { name: 'marathon', count: 4, role: (i) => `roleA-${i + 1}`, tasks: 4000, task: 'cpus:0.07;mem:400', perOffer: 100 },
  { name: 'jenkins', count: 500, role: () => 'roleB', tasks: 5, task: 'cpus:0.1;mem:4000', perOffer: 1 },
  { name: 'spark-dispatcher', count: 50, role: (i) => `roleC-${i + 1}`, tasks: 20, task: 'cpus:1;mem:1000', perOffer: 5 },
];

function multiFrameworkPoint(agents: number, cycles: number): Point {
  const frameworks: (FrameworkSpec & { profile: TaskProfile })[] = MULTI_FRAMEWORK_PROFILES.flatMap((p) =>
    Array.from({ length: p.count }, (_, i) => ({ name: `${p.name}-${i}`, roles: [p.role(i)], profile: p })),
  );
  const roleNames = [...new Set(frameworks.map((f) => f.roles[0]!))];
  const totalTasks = frameworks.reduce((n, f) => n + f.profile.tasks, 0);
  return {
    scenario: 'multi-framework',
    name: `${agents} agents`,
    shape: { agents, frameworks: frameworks.length, roles: roleNames.length, tasks: totalTasks },
    cluster: { roles: roleNames.map((name) => ({ name })), frameworks, agents, agentResources: 'cpus:64;mem:488000' },
    warmup: false,
    cycles,
    driver: () => {
      const cpus = SCALARS.cpus!;
      const mem = SCALARS.mem!;
      const sizes = frameworks.map((f) => quantities(f.profile.task));
      const left = frameworks.map((f) => f.profile.tasks);
      let launched = 0;
      let roundsToLaunchAll = -1;
      let rounds = 0;
      return {
        // Each framework launches as many of its tasks as fit in each offer (up to its per-offer
        // limit); the launched tasks keep their resources, the rest is declined without a filter.
        beforeCycle(_round, previous, w) {
          if (previous === undefined) return;
          rounds++;
          forEachOffer(previous, (o) => {
            const f = o.framework;
            const size = sizes[f]!;
            const taskCpus = size.get(cpus) ?? 0;
            const taskMem = size.get(mem) ?? 0;
            const offeredCpus = unreservedScalar(o.resources, cpus);
            const offeredMem = unreservedScalar(o.resources, mem);
            const fit = Math.min(taskCpus > 0 ? Math.floor(offeredCpus / taskCpus) : Infinity, taskMem > 0 ? Math.floor(offeredMem / taskMem) : Infinity);
            const n = Math.max(0, Math.min(frameworks[f]!.profile.perOffer, left[f]!, fit));
            left[f]! -= n;
            launched += n;
            const rest = o.resources.get(-1)!;
            rest.scalars.set(cpus, offeredCpus - n * taskCpus);
            rest.scalars.set(mem, offeredMem - n * taskMem);
            if ([...rest.scalars.values()].some((v) => v > 0) || rest.ranges.size > 0) w.recover(f, o.agent, o.role, o.resources, 0);
          });
          if (launched === totalTasks && roundsToLaunchAll < 0) roundsToLaunchAll = rounds;
        },
        finished: () => launched === totalTasks,
        figures: () => ({ tasksLaunched: launched, tasksTotal: totalTasks, ...(roundsToLaunchAll > 0 ? { roundsToLaunchAll } : {}) }),
      };
    },
    mesos: [],
  };
}

const multiFramework: Scenario = {
  name: 'multi-framework',
  counterpart: 'BENCHMARK_HierarchicalAllocations.MultiFrameworkAllocations',
  summary:
    '80 agents cpus:64;mem:488000; 4 Marathon frameworks (roleA-1..4, 4000 tasks of cpus:0.07;mem:400, <=100 per offer), ' +
    '500 Jenkins in roleB (5 tasks of cpus:0.1;mem:4000, 1 per offer), 50 SparkDispatcher (roleC-1..50, 20 tasks of cpus:1;mem:1000, ' +
    '5 per offer). Each cycle the frameworks launch from their offers and decline the rest without a filter, until all 19,500 ' +
    'tasks run or --cycles is reached (Mesos stops after 30 s).',
  grid: () => [multiFrameworkPoint(80, 200)],
  quick: () => [multiFrameworkPoint(80, 2)],
  select: (s) => [multiFrameworkPoint(s.agents ?? 80, 200)],
};

// ---------------------------------------------------------------------------------------------
// sorter-full-sort: CommonSorterTest.BENCHMARK_FullSort, approximated

const SORTER_AGENTS = [1000, 5000, 10000, 20000, 50000];
const SORTER_CLIENTS = [1, 50, 100, 200, 500, 1000];

function fullSortPoint(agents: number, clients: number, cycles: number): Point {
  return {
    scenario: 'sorter-full-sort',
    name: ax(agents, clients),
    shape: { agents, clients, roles: 1 },
    cluster: {
      roles: STAR,
      frameworks: frameworksIn(clients, ['*'], 'client'),
      agents,
      // FullSort's agents and allocations, without its 100 port ranges: the sorter sees scalars only.
      agentResources: 'cpus:24;mem:4096;disk:4096',
      used: { resources: 'cpus:16;mem:2014;disk:1024', role: '*' },
    },
    warmup: false,
    cycles,
    ...(agents * clients > 10_000_000 ? { referenceCycles: { max: 3, reason: 'huge shape: the reference runs 3 cycles only' } } : {}),
    driver: recoverEveryCycle(0),
    mesos:
      agents === 50000 && clients === 1000
        ? [{ what: 'sorter', text: 'no FullSort time published; add allocations 59 ms, remove allocations 2.4 s', source: C1B42F79 }]
        : [],
  };
}

const sorterFullSort: Scenario = {
  name: 'sorter-full-sort',
  counterpart: 'CommonSorterTest/0.BENCHMARK_FullSort (DRF), approximated',
  summary:
    'Mesos\'s FullSort times the DRF sorter alone; in mesos-ts the sorter lives inside the core, so this reports FULL ' +
    'ALLOCATION CYCLES (which include sorting) over the same agents x clients: one role, every agent cpus:24;mem:4096;disk:4096 ' +
    'with cpus:16;mem:2014;disk:1024 allocated round-robin to the clients, offers recovered without filters between cycles.',
  grid: () => cartesian(SORTER_AGENTS, SORTER_CLIENTS).map(([a, c]) => fullSortPoint(a, c, 5)),
  quick: () => [fullSortPoint(100, 10, 2)],
  select: (s) => [fullSortPoint(s.agents ?? 10000, s.frameworks ?? 1000, 5)],
};

// ---------------------------------------------------------------------------------------------
// hierarchical-roles: no Mesos counterpart with the allocator (HierarchyFullSort is sorter-only)

function hierarchicalPoint(agents: number, height: number, branching: number, cycles: number): Point {
  const roles: RoleSpec[] = [];
  const frameworks: FrameworkSpec[] = [];
  // Weights vary by position so that the shares being compared are not all equal: top-level
  // roles weigh 1..4, deeper ones 1 or 2.
  const grow = (parent: string, depth: number): void => {
    for (let i = 0; i < branching; i++) {
      const name = parent === '' ? `r${i}` : `${parent}/r${i}`;
      roles.push({ name, weight: depth === 1 ? 1 + (i % 4) : 1 + (i % 2) });
      if (depth < height) grow(name, depth + 1);
      // A framework at every leaf, and one at every inner role just above the leaves (so those
      // roles get a virtual `.` leaf in the role sorter).
      if (depth === height || depth === height - 1) frameworks.push({ name: `framework-${frameworks.length}`, roles: [name] });
    }
  };
  grow('', 1);
  return {
    scenario: 'hierarchical-roles',
    name: `${agents} agents, tree ${height}x${branching}`,
    shape: { agents, height, branching, roles: roles.length, frameworks: frameworks.length },
    cluster: { roles, frameworks, agents, agentResources: BENCHMARK_AGENT },
    warmup: false,
    cycles,
    driver: recoverEveryCycle(0),
    mesos: [],
  };
}

const hierarchicalRoles: Scenario = {
  name: 'hierarchical-roles',
  counterpart: 'none (Mesos\'s HierarchyFullSort times the sorter alone)',
  summary:
    'A role tree of height 3 and branching 8 (584 roles) with weights; a framework at each of the 512 leaves and at each of the ' +
    `64 roles above them; 10k agents ${BENCHMARK_AGENT}; offers recovered without filters between cycles.`,
  grid: () => [hierarchicalPoint(10000, 3, 8, 10)],
  quick: () => [hierarchicalPoint(100, 2, 3, 2)],
  select: (s) => [hierarchicalPoint(s.agents ?? 10000, 3, 8, 10)],
};

// ---------------------------------------------------------------------------------------------
// nothing-filtered: the Mesos 1.7 blog's "existing micro-benchmark", all frameworks in one role

const BLOG = 'Mesos 1.7.0 performance blog (chart, +-10%), 1.8.0-dev; 1.7.1 in brackets';
const NOTHING_FILTERED_FIGURES: FigureTable = {
  [ax(1000, 100)]: [{ what: 'cycle', text: '~0.07 s (1.7.1: 0.15 s)', ms: 70, source: BLOG }],
  [ax(5000, 500)]: [{ what: 'cycle', text: '~0.4 s (1.7.1: 0.5 s)', ms: 400, source: BLOG }],
  [ax(10000, 1000)]: [{ what: 'cycle', text: '~1.1 s (1.7.1: 1.45 s)', ms: 1100, source: BLOG }],
  [ax(20000, 2000)]: [{ what: 'cycle', text: '~3.8 s (1.7.1: 4.4 s)', ms: 3800, source: BLOG }],
};

/** The blog's four shapes (10 frameworks per 100 agents), then the 50k x 6k target. */
const NOTHING_FILTERED_GRID: [number, number][] = [[1000, 100], [5000, 500], [10000, 1000], [20000, 2000], [50000, 6000]];

function nothingFilteredPoint(agents: number, frameworks: number, cycles: number): Point {
  return {
    scenario: 'nothing-filtered',
    name: ax(agents, frameworks),
    shape: { agents, frameworks, roles: 1 },
    cluster: { roles: STAR, frameworks: frameworksIn(frameworks, ['*']), agents, agentResources: BENCHMARK_AGENT, used: { resources: BENCHMARK_USED, role: '*' } },
    warmup: false,
    cycles,
    ...(agents * frameworks > 50_000_000 ? { referenceCycles: { max: 3, reason: 'huge shape: the reference runs 3 cycles only' } } : {}),
    driver: recoverEveryCycle(0),
    mesos: NOTHING_FILTERED_FIGURES[ax(agents, frameworks)] ?? [],
  };
}

const nothingFiltered: Scenario = {
  name: 'nothing-filtered',
  counterpart: 'the "existing micro-benchmark" of the Mesos 1.7.0 performance blog (all frameworks in one role, no filtering)',
  summary:
    'DeclineOffers\'s cluster, but every offer is recovered WITHOUT a filter between cycles, so every cycle offers every agent ' +
    'again. Target: <= 20 ms per native cycle at 50,000 agents x 6,000 frameworks.',
  grid: () => NOTHING_FILTERED_GRID.map(([a, f]) => nothingFilteredPoint(a, f, 20)),
  quick: () => [nothingFilteredPoint(100, 10, 2)],
  select: (s) => [nothingFilteredPoint(s.agents ?? 50000, s.frameworks ?? 6000, 20)],
};

// ---------------------------------------------------------------------------------------------

export const SCENARIOS: readonly Scenario[] = [
  declineOffers,
  suppressOffers,
  largeAndSmallQuota,
  nonQuotaVsQuota,
  multiFramework,
  sorterFullSort,
  hierarchicalRoles,
  nothingFiltered,
];

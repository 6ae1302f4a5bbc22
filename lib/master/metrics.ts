// The master's gauges, under Mesos's metric names (src/master/metrics.cpp and the allocator's
// metrics.cpp). Counters (registrations, terminal task states, allocation runs) are incremented
// where things happen, in master.ts; the gauges here are read from the books at snapshot time,
// so they cannot drift from what the operator API shows.

import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { Metrics } from '../common/metrics.ts';
import type * as v1 from '../types/mesos.ts';
import type { Master } from './master.ts';

/** Scalar resources reported per kind, as Mesos's master does. */
const KINDS = ['cpus', 'gpus', 'mem', 'disk'] as const;

/** Task states counted as gauges: the tasks currently in them. */
const LIVE_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'] as const;

// Plain sums of scalar values: cheap for tens of thousands of agents, where building Resources
// per task would not be.
function scalarTotals(resources: Iterable<v1.Resource> | undefined, into: Map<string, number>): void {
  for (const r of resources ?? []) {
    if (r.type === 'SCALAR' && r.scalar !== undefined) into.set(r.name, (into.get(r.name) ?? 0) + r.scalar.value);
  }
}

/** The event-loop delay is reported over windows of this length (the last complete one). */
const LOOP_WINDOW_MS = 60_000;
const LOOP_RESOLUTION_MS = 20;

/**
 * Registers the master's gauges; returns the function that stops what they keep running (the
 * event-loop delay monitor).
 */
export function registerMasterMetrics(metrics: Metrics, master: Master): () => void {
  metrics.gauge('master/uptime_secs', () => Date.now() / 1000 - master.startTime);

  // Ours, not Mesos's: how late the event loop runs what is due, the figure that says whether the
  // master keeps up (every request, event and timer waits behind the loop). Node samples it every
  // 20 ms; the gauges give the last complete minute's percentiles (the current one's until the
  // first minute is over), in milliseconds.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  // Node records each sampling interval whole (about the resolution when the loop is idle); the
  // lag is what exceeds the resolution.
  const lagMs = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  const read = () => ({ p50: lagMs(loop.percentile(50)), p99: lagMs(loop.percentile(99)), max: lagMs(loop.max) });
  let last: { p50: number; p99: number; max: number } | undefined;
  const roll = setInterval(() => {
    last = read();
    loop.reset();
  }, LOOP_WINDOW_MS);
  roll.unref();
  metrics.gaugeSet('master/event_loop', function* () {
    const figures = last ?? read();
    yield ['master/event_loop_delay_ms/p50', figures.p50];
    yield ['master/event_loop_delay_ms/p99', figures.p99];
    yield ['master/event_loop_delay_ms/max', figures.max];
  });
  metrics.gauge('master/elected', () => 1);

  metrics.gaugeSet('master/agents', function* () {
    const books = master.books;
    let connected = 0;
    let active = 0;
    for (const agent of books.agents.values()) {
      if (agent.link !== undefined) connected++;
      if (agent.active) active++;
    }
    yield ['master/slaves_connected', connected];
    yield ['master/slaves_disconnected', books.agents.size - connected];
    yield ['master/slaves_active', active];
    yield ['master/slaves_inactive', books.agents.size - active];
    yield ['master/slaves_unreachable', master.registrySnapshot.unreachable.size];
    yield ['master/outstanding_offers', books.offers.size];
  });

  metrics.gaugeSet('master/frameworks', function* () {
    let connected = 0;
    let total = 0;
    for (const framework of master.books.frameworks.values()) {
      total++;
      if (framework.standing === 'subscribed') connected++;
    }
    yield ['master/frameworks_connected', connected];
    yield ['master/frameworks_disconnected', total - connected];
    yield ['master/frameworks_active', connected];
    yield ['master/frameworks_inactive', total - connected];
  });

  metrics.gaugeSet('master/tasks', function* () {
    const counts = new Map<string, number>(LIVE_STATES.map((s) => [s, 0]));
    let unreachable = 0;
    for (const framework of master.books.frameworks.values()) {
      for (const task of framework.tasks.values()) {
        const state = task.task.state;
        if (counts.has(state)) counts.set(state, counts.get(state)! + 1);
      }
      unreachable += framework.unreachableTasks.size;
    }
    for (const [state, count] of counts) yield [`master/tasks_${state.slice('TASK_'.length).toLowerCase()}`, count];
    yield ['master/tasks_unreachable', unreachable];
  });

  // master/<kind>_total, _used and _percent as Mesos; offered is Mesos's allocator figure
  // (allocator/mesos/resources/<kind>/offered_or_allocated) split into its two parts.
  metrics.gaugeSet('master/resources', function* () {
    const total = new Map<string, number>();
    const used = new Map<string, number>();
    const offered = new Map<string, number>();
    const books = master.books;
    for (const agent of books.agents.values()) scalarTotals(agent.total, total);
    for (const framework of books.frameworks.values()) {
      for (const task of framework.tasks.values()) if (task.holdsResources) scalarTotals(task.task.resources, used);
      for (const executors of framework.executors.values()) {
        for (const executor of executors.values()) if (executor.holdsResources) scalarTotals(executor.info.resources, used);
      }
    }
    for (const offer of books.offers.values()) scalarTotals(offer.resources, offered);
    for (const kind of KINDS) {
      const t = total.get(kind) ?? 0;
      const u = used.get(kind) ?? 0;
      const o = offered.get(kind) ?? 0;
      yield [`master/${kind}_total`, t];
      yield [`master/${kind}_used`, u];
      yield [`master/${kind}_percent`, t > 0 ? u / t : 0];
      yield [`master/${kind}_offered`, o];
      yield [`allocator/mesos/resources/${kind}/total`, t];
      yield [`allocator/mesos/resources/${kind}/offered_or_allocated`, u + o];
    }
  });

  return () => {
    clearInterval(roll);
    loop.disable();
  };
}

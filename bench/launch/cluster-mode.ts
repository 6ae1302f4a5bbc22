// Cluster mode: launches end to end through real processes. A `mesos-master` and a `mesos-agent`
// with the variant's `--isolation` (test/helpers start them on 127.0.0.1, port 0, in temporary
// dirs, with a cgroups root of their own), and a v1 framework that launches `/bin/true` tasks.
//
// Two figures per task:
//   - agent-side: TASK_RUNNING.timestamp - TASK_STARTING.timestamp. The agent stamps both: STARTING
//     when it takes the task, RUNNING once the command has exec'd; in between it makes the
//     sandbox and launches the container. Timestamps are Date.now() / 1000, so 1 ms resolution.
//   - end-to-end: ACCEPT sent -> TASK_RUNNING received by the scheduler. It adds the master, the
//     two HTTP hops and the acknowledgement of STARTING: the agent sends one unacknowledged update
//     per task at a time, so RUNNING leaves the agent only once STARTING is acknowledged (which
//     the benchmark does as soon as STARTING arrives).

import { userInfo } from 'node:os';

import type * as v1 from '../../lib/types/mesos.ts';
import { startAgent } from '../../test/helpers/agent-process.ts';
import { startMaster } from '../../test/helpers/master-process.ts';
import { frameworkInfo, scalarOf, subscribe, taskFor, type SchedulerClient } from '../../test/helpers/scheduler-client.ts';
import { TASK, runResult, since, variantResult, type ModeContext, type RunResult, type VariantResult } from './results.ts';
import type { Variant } from './variants.ts';

/** Enough for 50 concurrent tasks of cpus:0.1;mem:32 many times over. */
const AGENT_RESOURCES = 'cpus:64;mem:65536;disk:4096;ports:[31000-31100]';

/** Generous: waits exist to fail a broken run with a message, not to bound a timing. */
const WAIT_MS = 60_000;

const TERMINAL = new Set<v1.TaskState>(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE']);

/** One task's timeline as the scheduler saw it. */
interface TaskTimes {
  readonly taskId: string;
  /** The agent's TASK_STARTING and TASK_RUNNING timestamps (seconds), when they came. */
  readonly startingTs?: number;
  readonly runningTs?: number;
  /** performance.now() when TASK_RUNNING reached the scheduler. */
  readonly runningAt?: number;
  readonly terminal: v1.TaskStatus;
}

/**
 * Follows one task's updates until a terminal one, acknowledging each at once. Called before the
 * ACCEPT is sent, so a waiter is registered for every update: the stream's parser resolves it
 * synchronously and `performance.now()` right after is the update's arrival.
 */
async function follow(client: SchedulerClient, taskId: string, acks: Promise<unknown>[]): Promise<TaskTimes> {
  let startingTs: number | undefined;
  let runningTs: number | undefined;
  let runningAt: number | undefined;
  for (;;) {
    const status = await client.nextUpdate(taskId, undefined, WAIT_MS);
    const at = performance.now();
    if (status.uuid !== undefined) acks.push(client.acknowledge(status));
    if (status.state === 'TASK_STARTING') startingTs = status.timestamp;
    else if (status.state === 'TASK_RUNNING') {
      runningTs = status.timestamp;
      runningAt = at;
    } else if (TERMINAL.has(status.state)) {
      return {
        taskId,
        ...(startingTs === undefined ? {} : { startingTs }),
        ...(runningTs === undefined ? {} : { runningTs }),
        ...(runningAt === undefined ? {} : { runningAt }),
        terminal: status,
      };
    }
  }
}

/**
 * Offers that hold at least `tasks` tasks' worth of cpus and mem: every OFFERS event queued, then
 * more as they come. All of them go into the next ACCEPT, so no offer is left outstanding (an
 * agent's resources may be split over several offers while tasks end).
 */
async function gatherOffers(client: SchedulerClient, tasks: number): Promise<v1.Offer[]> {
  const offers: v1.Offer[] = [];
  const takeQueued = (): void => {
    for (const event of client.events.discard((e) => e.type === 'OFFERS')) offers.push(...(event.offers?.offers ?? []));
  };
  const enough = (): boolean => {
    const resources = offers.flatMap((o) => o.resources ?? []);
    // A small epsilon: 0.1 cpus summed 50 times is not exactly 5 in binary.
    return scalarOf(resources, 'cpus') + 1e-9 >= tasks * TASK.cpus && scalarOf(resources, 'mem') >= tasks * TASK.memMB;
  };
  takeQueued();
  while (!enough()) {
    const event = await client.next('OFFERS', WAIT_MS);
    offers.push(...(event.offers?.offers ?? []));
    takeQueued();
  }
  return offers;
}

/** Launches `count` tasks in one ACCEPT and follows them to their end. */
async function launchBatch(client: SchedulerClient, prefix: string, count: number): Promise<{ acceptAt: number; times: TaskTimes[] }> {
  const offers = await gatherOffers(client, count);
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const acks: Promise<unknown>[] = [];
  const followers = ids.map((id) => follow(client, id, acks));
  const tasks = ids.map((id) =>
    taskFor(offers[0]!, id, `cpus:${TASK.cpus};mem:${TASK.memMB}`, { command: { shell: false, value: '/bin/true', arguments: ['true'] } }),
  );
  const acceptAt = performance.now();
  // refuse_seconds 0: the default filter (5 s) would hold back what the tasks leave unused.
  await client.launch(offers.map((o) => o.id), tasks, { refuse_seconds: 0 });
  const times = await Promise.all(followers);
  // The terminal acknowledgements let the agent forget the tasks before the next launch.
  await Promise.all(acks);
  return { acceptAt, times };
}

/** The agent-side sample of a task (ms, to the microsecond), or undefined if it never ran. */
function agentSideMs(t: TaskTimes): number | undefined {
  if (t.startingTs === undefined || t.runningTs === undefined) return undefined;
  return Math.round((t.runningTs - t.startingTs) * 1e6) / 1e3;
}

function failed(t: TaskTimes): boolean {
  return agentSideMs(t) === undefined || t.terminal.state !== 'TASK_FINISHED';
}

export async function runClusterVariant(v: Variant, ctx: ModeContext): Promise<VariantResult> {
  const { counts, progress, cleanup: t } = ctx;
  progress.start();
  const master = await startMaster(t);
  await startAgent(t, master, { flags: { isolation: v.isolationFlag, resources: AGENT_RESOURCES } });
  // Tasks run as the benchmark's own user (the agent switches users as root).
  const client = await subscribe(t, master, frameworkInfo({ user: userInfo().username, name: 'mesos-ts launch benchmark' }));
  const errors: string[] = [];
  const noteFailures = (times: TaskTimes[]): number => {
    const bad = times.filter(failed);
    for (const task of bad) {
      const why = `${task.taskId}: ${task.terminal.state}${task.terminal.message ? ` (${task.terminal.message})` : ''}`;
      if (errors.length === 0) progress.note(`cluster ${v.name}: task failed: ${why}`);
      errors.push(why);
    }
    return bad.length;
  };

  // One task first, unmeasured: the agent's first launch pays for cold caches and JIT.
  const warm = await launchBatch(client, 'warmup', 1);
  noteFailures(warm.times);
  const warmupMs = agentSideMs(warm.times[0]!) ?? null;

  const runs: RunResult[] = [];
  if (counts.sequential > 0) {
    const agent: number[] = [];
    const endToEnd: number[] = [];
    let failures = 0;
    const started = performance.now();
    for (let i = 0; i < counts.sequential; i++) {
      progress.update(`cluster ${v.name}: sequential ${i}/${counts.sequential}`);
      const { acceptAt, times } = await launchBatch(client, `seq-${i}`, 1);
      failures += noteFailures(times);
      const task = times[0]!;
      const ms = agentSideMs(task);
      if (ms !== undefined) agent.push(ms);
      if (task.runningAt !== undefined) endToEnd.push(task.runningAt - acceptAt);
    }
    runs.push(runResult('sequential', counts.sequential, failures, agent, endToEnd, since(started)));
  }
  if (counts.concurrent > 0) {
    progress.update(`cluster ${v.name}: ${counts.concurrent} concurrent`, true);
    const { acceptAt, times } = await launchBatch(client, 'conc', counts.concurrent);
    const failures = noteFailures(times);
    const agent = times.map(agentSideMs).filter((ms): ms is number => ms !== undefined);
    const arrivals = times.map((task) => task.runningAt).filter((at): at is number => at !== undefined);
    const endToEnd = arrivals.map((at) => at - acceptAt);
    runs.push(runResult('concurrent', counts.concurrent, failures, agent, endToEnd, arrivals.length > 0 ? Math.max(...arrivals) - acceptAt : 0));
  }
  progress.done();
  return variantResult(v, 'ok', {
    warmupMs,
    runs,
    ...(errors.length > 0 ? { reason: `${errors.length} task(s) failed; first: ${errors[0]}` } : {}),
  });
}

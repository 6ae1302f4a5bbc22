// One simulation at one scale point, start to finish:
//
//   master      start the real mesos-master; sample /proc, /health (and later /metrics)
//   register    agent processes open N links, paced; time from the first connect to the last
//               REGISTERED; master RSS before and after gives memory per agent
//   subscribe   framework processes subscribe F frameworks, suppressed (no offers yet)
//   run         `go`: frameworks revive and tasks arrive; after a warm-up the measured window
//               starts (histograms restart, counters are read), and ends after --duration
//   drain       arrivals stop, frameworks suppress; wait until every launched task has reached a
//               terminal state and every update is acknowledged, then read the master's books
//   stop        children, then the master (SIGTERM, so that a CPU profile is written)
//
// Every child is killed on the way out, whatever happened (and at process exit at the latest).

import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Histogram, type HistogramSummary } from './histogram.ts';
import type { AgentHostReport, FrameworkHostReport, FromChild, HostConfig, HostReport, ToChild } from './ipc.ts';
import { MasterProcess, type LoopSample } from './master.ts';
import { fdLimitOf, machineCpu, spawnNode, stopProcess } from './processes.ts';
import { summarizeProfile, type ProfileSummary } from './profile.ts';
import { derive, validateScenario, type Derived, type Scenario } from './scenario.ts';

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));
const SUBSCRIBE_TIMEOUT_MS = 120_000;
const REPORT_TIMEOUT_MS = 60_000;

/** Every child still running, for the last-resort kill at exit. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A simulator child: agents or frameworks, driven over IPC. */
class ChildHost {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (r: HostReport) => void; reject: (e: Error) => void }>();
  #failure: Error | undefined;

  constructor(config: HostConfig) {
    this.proc = spawnNode({ nodeOptions: ['--import', 'tsx'], args: [CHILD_ENTRY], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(this.proc);
    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.proc.on('message', (message: FromChild) => {
      if (message.type === 'ready') resolveReady();
      else if (message.type === 'report') {
        this.#waiting.get(message.id)?.resolve(message.report);
        this.#waiting.delete(message.id);
      } else if (message.type === 'fatal') this.#fail(new Error(`${config.role} process failed: ${message.message}`));
    });
    this.proc.on('exit', (code, signal) => {
      live.delete(this.proc);
      const err = new Error(`${config.role} process exited (${code ?? signal})`);
      rejectReady(err);
      this.#fail(err);
    });
    this.send({ type: 'start', config });
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const w of this.#waiting.values()) w.reject(err);
    this.#waiting.clear();
  }

  send(message: ToChild): void {
    if (this.proc.connected) this.proc.send(message);
  }

  report(): Promise<HostReport> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no report from a simulator process within ${REPORT_TIMEOUT_MS} ms`));
      }, REPORT_TIMEOUT_MS);
      this.#waiting.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ type: 'report', id });
    });
  }

  async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await stopProcess(this.proc, 5000, 'SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// Sums over children

// A sum has the fields of one child's report: numbers summed, histograms merged, errors joined;
// the agents' first connect and last registration are the earliest and the latest.
type Totals<R, H extends keyof R> = Omit<R, 'role' | H> & { [K in H]: Histogram };
type AgentTotals = Totals<AgentHostReport, 'registrationMs'>;
type FrameworkTotals = Totals<FrameworkHostReport, 'acceptToRunningMs' | 'offerLatencyMs'>;

/** Adds every number field of `report` into `totals`, but those named in `skip`. */
function addNumbers(totals: object, report: object, skip: ReadonlySet<string> = new Set()): void {
  const into = totals as Record<string, unknown>;
  for (const [key, value] of Object.entries(report)) {
    if (typeof value === 'number' && typeof into[key] === 'number' && !skip.has(key)) into[key] = (into[key] as number) + value;
  }
}

const AGENT_EXTREMES = new Set(['firstConnectAt', 'lastRegisteredAt']);

function sumAgents(reports: AgentHostReport[]): AgentTotals {
  const t: AgentTotals = {
    registered: 0, failed: 0, registrationRetries: 0, linksLost: 0, firstConnectAt: Infinity, lastRegisteredAt: 0, registrationMs: new Histogram(),
    tasksRun: 0, tasksFinished: 0, tasksKilled: 0, tasksHeld: 0, tasksLive: 0, updatesSent: 0, updatesResent: 0, acks: 0, unacknowledged: 0,
    pings: 0, usedCpus: 0, usedMem: 0, overcommits: 0, cpuS: 0, rssMB: 0, errors: [],
  };
  for (const r of reports) {
    addNumbers(t, r, AGENT_EXTREMES);
    if (r.firstConnectAt > 0) t.firstConnectAt = Math.min(t.firstConnectAt, r.firstConnectAt);
    t.lastRegisteredAt = Math.max(t.lastRegisteredAt, r.lastRegisteredAt);
    t.registrationMs.merge(r.registrationMs);
    t.errors.push(...r.errors);
  }
  return t;
}

function sumFrameworks(reports: FrameworkHostReport[]): FrameworkTotals {
  const t: FrameworkTotals = {
    subscribed: 0, streamsLost: 0, pending: 0, outstandingOffers: 0, offerEvents: 0, offersReceived: 0, rescinds: 0, accepts: 0,
    declines: 0, tasksLaunched: 0, tasksLostInCalls: 0, suppresses: 0, revives: 0, tasksActive: 0, tasksRunning: 0, terminal: {}, updates: 0, acks: 0, callErrors: 0, callsInFlight: 0,
    acceptToRunningMs: new Histogram(), offerLatencyMs: new Histogram(), offerOverlaps: 0, cpuS: 0, rssMB: 0, errors: [],
  };
  for (const r of reports) {
    addNumbers(t, r);
    for (const [state, n] of Object.entries(r.terminal)) t.terminal[state] = (t.terminal[state] ?? 0) + n;
    t.acceptToRunningMs.merge(r.acceptToRunningMs);
    t.offerLatencyMs.merge(r.offerLatencyMs);
    t.errors.push(...r.errors);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// The result

export interface PointResult {
  agents: number;
  frameworks: number;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  scenario: Scenario;
  derived: Pick<Derived, 'slots' | 'meanTaskMs' | 'demandPerS' | 'initialBacklog' | 'agentProcesses' | 'frameworkProcesses'>;
  masterFdLimit?: number;
  registration?: { seconds: number; perAgentMs: HistogramSummary; registered: number; failed: number; retries: number };
  /** The measured window. */
  window?: { startS: number; seconds: number };
  /** Tasks whose TASK_RUNNING reached their framework, per second of the window. */
  tasksLaunchedPerS?: number;
  /** Tasks sent in ACCEPTs per second of the window. */
  tasksAcceptedPerS?: number;
  /** UPDATE events frameworks received per second of the window. */
  statusUpdatesPerS?: number;
  acceptToRunningMs?: HistogramSummary;
  offerLatencyMs?: HistogramSummary;
  allocation?: {
    /** The master's timer over its last 1000 cycles, read at the end of the window. */
    runMs: { p50: number; p99: number; max: number; count: number };
    /** `allocation_run_ms` (the last cycle) polled during the window. */
    sampledMs: HistogramSummary;
    cyclesPerS: number;
  };
  master?: {
    rssIdleMB: number;
    rssRegisteredMB: number;
    rssPeakMB: number;
    rssEndMB: number;
    /** (RSS after registration - RSS idle) / agents. */
    memoryPerAgentKB: number;
    /** CPU over the window, in percent of one core. */
    cpuPercent: number;
    /** /health round trips during the window. */
    healthLagMs: HistogramSummary;
    /**
     * Inside the master (loop-probe.mjs), over the window's seconds: event-loop delay (the worst
     * second's p99, and the max) and utilization (mean, and the busiest second).
     */
    loop: { delayP99Ms: number; delayMaxMs: number; utilizationMean: number; utilizationMax: number; seconds: number };
    metricsAtEnd: Record<string, number>;
  };
  simulator?: { agentCpuPercent: number; frameworkCpuPercent: number; agentRssMB: number; frameworkRssMB: number };
  /**
   * The whole machine during the window: CPU busy in percent of all CPUs (100 = every CPU busy),
   * and the load average at its end. Other work on the machine shows here.
   */
  machine?: { cpuBusyPercent: number; loadAverage: number };
  counts?: {
    tasksLaunched: number;
    tasksLostInCalls: number;
    tasksRunning: number;
    terminal: Record<string, number>;
    pendingAtEnd: number;
    offersReceived: number;
    declines: number;
    rescinds: number;
    suppresses: number;
    revives: number;
    updatesResent: number;
    callErrors: number;
    streamsLost: number;
    linksLost: number;
  };
  /** The correctness checks (see README.md). */
  checks?: {
    drained: boolean;
    tasksNotTerminal: number;
    unacknowledgedUpdates: number;
    agentUsedCpus: number;
    agentUsedMem: number;
    masterCpusUsed: number | undefined;
    masterMemUsed: number | undefined;
    overcommits: number;
    offerOverlaps: number;
    passed: boolean;
    /** passed; failed; or not drained (the backlog outlasted --drain, so balances were not judged). */
    verdict: 'passed' | 'failed' | 'not drained';
  };
  errors: string[];
  profile?: ProfileSummary;
  /** Every process the point started (all stopped when runPoint returns). */
  pids: { master?: number; simulators: number[] };
  durationS: number;
}

export interface PointOptions {
  progress: (line: string) => void;
  profileDir?: string;
  masterNodeOptions?: string[];
  /** Run this mesos-master bin instead of this checkout's (to compare builds). */
  masterBin?: string;
  masterFlags?: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh /metrics/snapshot, or `fallback` (with a note) if the master cannot answer: an overloaded
 * master may drop the connection of a request that waited too long.
 */
async function metricsOr(master: MasterProcess, fallback: Record<string, number>, errors: string[]): Promise<Record<string, number>> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await master.metrics();
    } catch (err) {
      last = err;
    }
  }
  errors.push(`/metrics/snapshot failed 3 times (${(last as Error).message}); using the last snapshot polled`);
  return fallback;
}

/** Wall-clock ms of a performance.now() reading. */
function wallAt(now: number): number {
  return performance.timeOrigin + now;
}

function loopOver(samples: readonly LoopSample[], from: number, to: number): NonNullable<PointResult['master']>['loop'] {
  const inWindow = samples.filter((x) => x.at > from && x.at <= to + 1000);
  const n = Math.max(1, inWindow.length);
  return {
    // A second whose 1 s timer ran late by L ms had the loop blocked for L ms: its p99 is at least that.
    delayP99Ms: Math.max(0, ...inWindow.map((x) => Math.max(x.delay.p99, x.lateMs ?? 0))),
    delayMaxMs: Math.max(0, ...inWindow.map((x) => x.delay.max)),
    utilizationMean: inWindow.reduce((sum, x) => sum + x.utilization, 0) / n,
    utilizationMax: Math.max(0, ...inWindow.map((x) => x.utilization)),
    seconds: inWindow.length,
  };
}

function loopText(x: LoopSample | undefined): string {
  return x === undefined ? '' : `loop: busy ${(x.utilization * 100).toFixed(0)}%, delay p99 ${x.delay.p99.toFixed(0)} ms`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export async function runPoint(s: Scenario, options: PointOptions): Promise<PointResult> {
  const started = performance.now();
  const d = derive(s);
  const result: PointResult = {
    agents: s.agents,
    frameworks: s.frameworks,
    status: 'ok',
    scenario: s,
    derived: {
      slots: d.slots, meanTaskMs: d.meanTaskMs, demandPerS: d.demandPerS, initialBacklog: d.initialBacklog,
      agentProcesses: d.agentProcesses, frameworkProcesses: d.frameworkProcesses,
    },
    errors: [],
    pids: { simulators: [] },
    durationS: 0,
  };
  const invalid = validateScenario(s);
  if (invalid !== undefined) return { ...result, status: 'skipped', reason: invalid };
  const say = options.progress;
  const label = `[${fmt(s.agents)} agents, ${fmt(s.frameworks)} frameworks]`;

  let master: MasterProcess | undefined;
  const loopProbeFile = join(tmpdir(), `mesos-sim-loop-${process.pid}-${Date.now()}.jsonl`);
  const agentHosts: ChildHost[] = [];
  const frameworkHosts: ChildHost[] = [];
  try {
    master = await MasterProcess.start({
      scenario: s,
      loopProbeFile,
      ...(options.profileDir !== undefined ? { profileDir: options.profileDir } : {}),
      ...(options.masterNodeOptions ? { nodeOptions: options.masterNodeOptions } : {}),
      ...(options.masterBin ? { masterBin: options.masterBin } : {}),
      ...(options.masterFlags ? { masterFlags: options.masterFlags } : {}),
    });
    result.masterFdLimit = master.fdLimit;
    result.pids.master = master.pid;
    // One descriptor per agent link and scheduler stream, the call connections, and slack.
    const needed = s.agents + s.frameworks + d.frameworkProcesses * s.callConnections + 64;
    if (master.fdLimit !== undefined && needed > master.fdLimit) {
      result.status = 'skipped';
      result.reason = `the master needs ~${fmt(needed)} descriptors but may open ${fmt(master.fdLimit)} ` +
        `(RLIMIT_NOFILE's hard limit here; raising it needs CAP_SYS_RESOURCE)`;
      return result;
    }
    master.startSampling();
    await sleep(500);
    const idle = master.sampleNow();
    say(`${label} master pid ${master.pid} on ${master.endpoint.host}:${master.endpoint.port} (fd limit ${master.fdLimit ?? '?'}), ` +
      `${d.agentProcesses} agent and ${d.frameworkProcesses} framework processes`);

    // --- register
    for (let p = 0; p < d.agentProcesses; p++) {
      const firstIndex = p * s.agentsPerProcess;
      const count = Math.min(s.agentsPerProcess, s.agents - firstIndex);
      agentHosts.push(new ChildHost({
        role: 'agents', endpoint: master.endpoint, firstIndex, count, resources: d.agentResourceJson, totalCpus: d.agentCpus,
        totalMem: d.agentMem, sourceAddresses: d.sourceAddresses, concurrency: s.registrationConcurrency,
        statusRetryMs: s.statusRetryS * 1000, sendStarting: s.sendStarting,
      }));
    }
    result.pids.simulators.push(...agentHosts.map((h) => h.proc.pid!));
    await Promise.all(agentHosts.map((h) => h.ready));
    for (const h of agentHosts) {
      const limit = h.proc.pid === undefined ? undefined : fdLimitOf(h.proc.pid);
      if (limit !== undefined && limit < s.agentsPerProcess + 64) throw new Error(`an agent process may open only ${limit} descriptors`);
    }
    const registerDeadline = Date.now() + Math.max(120_000, s.agents * 10);
    let agents = sumAgents((await Promise.all(agentHosts.map((h) => h.report()))) as AgentHostReport[]);
    while (agents.registered + agents.failed < s.agents) {
      if (Date.now() > registerDeadline) throw new Error(`only ${agents.registered} of ${s.agents} agents registered in time`);
      await sleep(1000);
      agents = sumAgents((await Promise.all(agentHosts.map((h) => h.report()))) as AgentHostReport[]);
      const since = (Date.now() - agents.firstConnectAt) / 1000;
      say(`${label} registering: ${fmt(agents.registered)} / ${fmt(s.agents)} agents after ${since.toFixed(1)} s` +
        `${agents.registrationRetries > 0 ? `, ${agents.registrationRetries} retried` : ''}${agents.failed > 0 ? `, ${agents.failed} failed` : ''}`);
    }
    if (agents.failed > 0) throw new Error(`${agents.failed} agents failed to register: ${agents.errors.slice(0, 3).join('; ')}`);
    const registrationS = (agents.lastRegisteredAt - agents.firstConnectAt) / 1000;
    result.registration = {
      seconds: registrationS, perAgentMs: agents.registrationMs.summary(), registered: agents.registered, failed: agents.failed,
      retries: agents.registrationRetries,
    };
    await sleep(1000);
    const registeredSample = master.sampleNow();
    say(`${label} ${fmt(agents.registered)} agents registered in ${registrationS.toFixed(2)} s; master RSS ${registeredSample?.rssMB.toFixed(0)} MB`);

    // --- subscribe
    const arrivalsPerS = d.demandPerS / s.frameworks;
    const backlog = Math.floor(d.initialBacklog / s.frameworks);
    for (let p = 0; p < d.frameworkProcesses; p++) {
      const firstIndex = p * s.frameworksPerProcess;
      const count = Math.min(s.frameworksPerProcess, s.frameworks - firstIndex);
      frameworkHosts.push(new ChildHost({
        role: 'frameworks', endpoint: master.endpoint, firstIndex, count, task: s.task,
        taskDurationMs: {
          mean: (s.taskDurationS.mean * 1000) / s.timeScale, stddev: (s.taskDurationS.stddev * 1000) / s.timeScale,
          min: (s.taskDurationS.minS * 1000) / s.timeScale,
        },
        arrivalsPerS, initialBacklog: backlog, agentCpus: d.agentCpus, agentMem: d.agentMem,
        refuseSeconds: s.refuseSeconds, suppressIdleMs: s.suppressIdleMs, callConnections: s.callConnections,
        checkOffers: s.checkOffers, offerHoldMs: s.offerHoldMs, seed: s.seed,
      }));
    }
    result.pids.simulators.push(...frameworkHosts.map((h) => h.proc.pid!));
    await Promise.all(frameworkHosts.map((h) => h.ready));
    const subscribeDeadline = Date.now() + SUBSCRIBE_TIMEOUT_MS;
    const frameworkReports = async (): Promise<FrameworkTotals> =>
      sumFrameworks((await Promise.all(frameworkHosts.map((h) => h.report()))) as FrameworkHostReport[]);
    let fws = await frameworkReports();
    while (fws.subscribed < s.frameworks) {
      if (Date.now() > subscribeDeadline) throw new Error(`only ${fws.subscribed} of ${s.frameworks} frameworks subscribed: ${fws.errors.slice(0, 3).join('; ')}`);
      await sleep(250);
      fws = await frameworkReports();
    }
    say(`${label} ${fmt(s.frameworks)} frameworks subscribed; running ${s.durationS} s ` +
      `(demand ${fmt(d.demandPerS)} tasks/s, ${fmt(d.slots)} slots, mean task ${(d.meanTaskMs / 1000).toFixed(1)} s)`);

    // --- run
    for (const h of frameworkHosts) h.send({ type: 'go' });
    const goAt = performance.now();
    const warmupMs = Math.min((s.durationS * 1000) / 3, Math.max(2000, d.meanTaskMs));
    const endAt = goAt + s.durationS * 1000;
    let windowStart: { at: number; fws: FrameworkTotals; agents: AgentTotals; cpuS: number; runs: number; machine?: { busy: number; total: number } } | undefined;
    const sampledCycles = new Histogram();
    // /metrics/snapshot waits behind everything a saturated master has queued: polled on its own,
    // one request at a time, so that a slow answer never holds up the run's clock.
    let metrics: Record<string, number> = {};
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const fresh = await master!.metrics().catch(() => undefined);
        if (fresh !== undefined) {
          metrics = fresh;
          if (windowStart !== undefined && fresh['allocator/mesos/allocation_run_ms'] !== undefined) {
            sampledCycles.record(fresh['allocator/mesos/allocation_run_ms']);
          }
        }
        await sleep(s.metricsEveryS * 1000);
      }
    })();
    let lastProgress = { at: goAt, running: 0, updates: 0 };
    let tick = goAt;
    while (performance.now() < endAt) {
      tick = Math.max(tick + 1000, performance.now());
      await sleep(Math.max(0, tick - performance.now()));
      const now = performance.now();
      const [fw, ag] = await Promise.all([
        frameworkReports(),
        Promise.all(agentHosts.map((h) => h.report())).then((r) => sumAgents(r as AgentHostReport[])),
      ]);
      if (windowStart === undefined && now - goAt >= warmupMs) {
        for (const h of [...frameworkHosts, ...agentHosts]) h.send({ type: 'window' });
        master.healthLag.reset();
        windowStart = {
          at: performance.now(), fws: fw, agents: ag, cpuS: master.sampleNow()?.cpuS ?? 0, runs: metrics['allocator/mesos/allocation_runs'] ?? 0,
          machine: machineCpu(),
        };
        say(`${label} warm-up done after ${((now - goAt) / 1000).toFixed(1)} s; measuring`);
      }
      const dt = (now - lastProgress.at) / 1000;
      const proc = master.samples.at(-1);
      const prev = master.samples.at(-2);
      const cpu = proc && prev ? ((proc.cpuS - prev.cpuS) / ((proc.at - prev.at) / 1000)) * 100 : 0;
      say(`${label} t=${((now - goAt) / 1000).toFixed(0)}s  running ${fmt(ag.tasksLive)}  launched ${fmt((fw.tasksRunning - lastProgress.running) / dt)}/s  ` +
        `updates ${fmt((fw.updates - lastProgress.updates) / dt)}/s  waiting ${fmt(fw.pending)}  master cpu ${cpu.toFixed(0)}% ` +
        `rss ${proc?.rssMB.toFixed(0) ?? '?'} MB  /health p99 ${master.healthLag.percentile(0.99).toFixed(0)} ms  ${loopText(master.loopSamples().at(-1))}` +
        `${fw.callErrors + fw.streamsLost + ag.linksLost > 0 ? `  errors ${fw.callErrors} calls, ${fw.streamsLost} streams, ${ag.linksLost} links` : ''}`);
      lastProgress = { at: now, running: fw.tasksRunning, updates: fw.updates };
    }

    // --- end of the window
    const windowEnd = performance.now();
    const [fwEnd, agEnd] = await Promise.all([
      frameworkReports(),
      Promise.all(agentHosts.map((h) => h.report())).then((r) => sumAgents(r as AgentHostReport[])),
    ]);
    const endSample = master.sampleNow();
    const machineEnd = machineCpu();
    polling = false;
    await poller;
    const metricsEnd = await metricsOr(master, metrics, result.errors);
    const start = windowStart ?? { at: goAt, fws: fws, agents, cpuS: registeredSample?.cpuS ?? 0, runs: 0 };
    const windowS = (windowEnd - start.at) / 1000;
    result.window = { startS: (start.at - goAt) / 1000, seconds: windowS };
    result.tasksLaunchedPerS = (fwEnd.tasksRunning - start.fws.tasksRunning) / windowS;
    result.tasksAcceptedPerS = (fwEnd.tasksLaunched - start.fws.tasksLaunched) / windowS;
    result.statusUpdatesPerS = (fwEnd.updates - start.fws.updates) / windowS;
    result.acceptToRunningMs = fwEnd.acceptToRunningMs.summary();
    result.offerLatencyMs = fwEnd.offerLatencyMs.summary();
    result.allocation = {
      runMs: {
        p50: metricsEnd['allocator/mesos/allocation_run_ms/p50'] ?? 0,
        p99: metricsEnd['allocator/mesos/allocation_run_ms/p99'] ?? 0,
        max: metricsEnd['allocator/mesos/allocation_run_ms/max'] ?? 0,
        count: metricsEnd['allocator/mesos/allocation_run_ms/count'] ?? 0,
      },
      sampledMs: sampledCycles.summary(),
      cyclesPerS: ((metricsEnd['allocator/mesos/allocation_runs'] ?? 0) - start.runs) / windowS,
    };
    const rssPeak = Math.max(...master.samples.map((x) => x.rssMB));
    result.master = {
      rssIdleMB: idle?.rssMB ?? 0,
      rssRegisteredMB: registeredSample?.rssMB ?? 0,
      rssPeakMB: rssPeak,
      rssEndMB: endSample?.rssMB ?? 0,
      memoryPerAgentKB: (((registeredSample?.rssMB ?? 0) - (idle?.rssMB ?? 0)) * 1024) / s.agents,
      cpuPercent: (((endSample?.cpuS ?? 0) - start.cpuS) / windowS) * 100,
      healthLagMs: master.healthLag.summary(),
      loop: loopOver(master.loopSamples(), wallAt(start.at), wallAt(windowEnd)),
      metricsAtEnd: metricsEnd,
    };
    result.simulator = {
      agentCpuPercent: ((agEnd.cpuS - start.agents.cpuS) / windowS) * 100,
      frameworkCpuPercent: ((fwEnd.cpuS - start.fws.cpuS) / windowS) * 100,
      agentRssMB: agEnd.rssMB,
      frameworkRssMB: fwEnd.rssMB,
    };
    if (start.machine !== undefined && machineEnd !== undefined) {
      result.machine = {
        cpuBusyPercent: ((machineEnd.busy - start.machine.busy) / Math.max(1, machineEnd.total - start.machine.total)) * 100,
        loadAverage: loadavg()[0]!,
      };
    }
    say(`${label} window ${windowS.toFixed(1)} s: ${fmt(result.tasksLaunchedPerS)} tasks/s launched, ${fmt(result.statusUpdatesPerS)} updates/s, ` +
      `accept->RUNNING p99 ${result.acceptToRunningMs.p99.toFixed(0)} ms, master cpu ${result.master.cpuPercent.toFixed(0)}%`);

    // --- drain
    let fwFinal = fwEnd;
    let agFinal = agEnd;
    let drained = false;
    if (s.drainS > 0) {
      for (const h of frameworkHosts) h.send({ type: 'drain' });
      const drainDeadline = performance.now() + s.drainS * 1000;
      say(`${label} draining: waiting for ${fmt(agEnd.tasksLive)} running tasks to end`);
      while (performance.now() < drainDeadline) {
        await sleep(500);
        [fwFinal, agFinal] = await Promise.all([
          frameworkReports(),
          Promise.all(agentHosts.map((h) => h.report())).then((r) => sumAgents(r as AgentHostReport[])),
        ]);
        if (fwFinal.tasksActive === 0 && agFinal.tasksHeld === 0 && agFinal.unacknowledged === 0 && fwFinal.callsInFlight === 0) {
          drained = true;
          break;
        }
      }
      say(`${label} ${drained ? 'drained' : `not drained after ${s.drainS} s`}: ${fmt(fwFinal.tasksActive)} tasks not terminal, ` +
        `${fmt(agFinal.unacknowledged)} updates unacknowledged`);
    }
    const metricsFinal = s.drainS > 0 ? await metricsOr(master, metricsEnd, result.errors) : metricsEnd;
    result.counts = {
      tasksLaunched: fwFinal.tasksLaunched,
      tasksLostInCalls: fwFinal.tasksLostInCalls,
      tasksRunning: fwFinal.tasksRunning,
      terminal: fwFinal.terminal,
      pendingAtEnd: fwEnd.pending,
      offersReceived: fwFinal.offersReceived,
      declines: fwFinal.declines,
      rescinds: fwFinal.rescinds,
      suppresses: fwFinal.suppresses,
      revives: fwFinal.revives,
      updatesResent: agFinal.updatesResent,
      callErrors: fwFinal.callErrors,
      streamsLost: fwFinal.streamsLost,
      linksLost: agFinal.linksLost,
    };
    if (s.drainS > 0) {
      const checks = {
        drained,
        tasksNotTerminal: fwFinal.tasksActive,
        unacknowledgedUpdates: agFinal.unacknowledged,
        agentUsedCpus: agFinal.usedCpus,
        agentUsedMem: agFinal.usedMem,
        masterCpusUsed: metricsFinal['master/cpus_used'],
        masterMemUsed: metricsFinal['master/mem_used'],
        overcommits: agFinal.overcommits,
        offerOverlaps: fwFinal.offerOverlaps,
        passed: false,
        verdict: 'failed' as 'passed' | 'failed' | 'not drained',
      };
      checks.passed = drained && checks.tasksNotTerminal === 0 && checks.unacknowledgedUpdates === 0 && checks.agentUsedCpus === 0 &&
        checks.agentUsedMem === 0 && checks.masterCpusUsed === 0 && checks.overcommits === 0 && checks.offerOverlaps === 0;
      // An overloaded master may not finish its backlog within --drain: that is not a wrong
      // answer, but the balance cannot be judged. Double offers and over-commits always fail.
      checks.verdict = checks.passed ? 'passed' : !drained && checks.overcommits === 0 && checks.offerOverlaps === 0 ? 'not drained' : 'failed';
      result.checks = checks;
    }
    result.errors = [...result.errors, ...agFinal.errors, ...fwFinal.errors].slice(0, 20);
  } catch (err) {
    result.status = 'failed';
    result.reason = (err as Error).message;
    if (master) result.errors.push(...master.logTail().slice(-10).map((l) => `master: ${l}`));
  } finally {
    await Promise.all([...frameworkHosts, ...agentHosts].map((h) => h.stop().catch(() => {})));
    if (master) {
      await master.stop();
      const file = master.profileFile();
      if (file !== undefined) {
        try {
          result.profile = summarizeProfile(file);
        } catch (err) {
          result.errors.push(`profile: ${(err as Error).message}`);
        }
      }
    }
    rmSync(loopProbeFile, { force: true });
    result.durationS = (performance.now() - started) / 1000;
  }
  return result;
}

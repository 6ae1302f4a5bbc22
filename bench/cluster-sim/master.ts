// The master under test: a real `mesos-master` process (cli/bin/mesos-master.js) with an
// in-memory registry on a free port, its descriptor limit raised, optionally under
// `node --cpu-prof`; and the outside views of it the simulation samples:
//   - /proc/<pid>: RSS and CPU (processes.ts);
//   - GET /health every 100 ms on one keep-alive connection, pipelined, so that a master that
//     stalls for 1 s shows ten answers late by 1 s .. 0.1 s: the round trip is the event-loop lag
//     the master's clients see (plus ~0.1 ms of loopback and parsing; the master has no lag
//     metric of its own);
//   - GET /metrics/snapshot (allocation cycle times, counts) on another connection.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Histogram } from './histogram.ts';
import { fdLimitOf, sampleProc, spawnNode, stopProcess, type ProcSample } from './processes.ts';
import type { Scenario } from './scenario.ts';
import { CallPool, type Endpoint } from './wire.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MASTER_BIN = join(ROOT, 'cli', 'bin', 'mesos-master.js');
const LOOP_PROBE = fileURLToPath(new URL('./loop-probe.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;
const KEPT_LOG_LINES = 40;
const HEALTH_EVERY_MS = 100;
/** A master stalled for a minute has this many health probes queued; more would only add noise. */
const MAX_HEALTH_IN_FLIGHT = 600;

export interface MasterOptions {
  scenario: Scenario;
  /** Directory for `node --cpu-prof` output; no profile when undefined. */
  profileDir?: string;
  /** Extra node options (e.g. --max-old-space-size). */
  nodeOptions?: string[];
  /** Where loop-probe.mjs, preloaded into the master, appends its event-loop figures. */
  loopProbeFile: string;
  /** Another build of the master to run (its cli/bin/mesos-master.js); default this checkout's. */
  masterBin?: string;
  /** More mesos-master flags, after the simulation's own. */
  masterFlags?: string[];
}

/** One second of the master's event loop, from loop-probe.mjs. */
export interface LoopSample {
  at: number;
  delay: { p50: number; p99: number; max: number };
  lateMs?: number;
  utilization: number;
}

export class MasterProcess {
  readonly child: ChildProcess;
  readonly endpoint: Endpoint;
  readonly pid: number;
  readonly fdLimit: number | undefined;
  readonly profileDir: string | undefined;
  readonly #log: string[];
  readonly #metrics: CallPool;
  readonly #health: CallPool;
  #healthTimer: NodeJS.Timeout | undefined;
  #healthInFlight = 0;
  readonly healthLag = new Histogram();
  readonly samples: ProcSample[] = [];
  #procTimer: NodeJS.Timeout | undefined;

  readonly #loopProbeFile: string;

  private constructor(child: ChildProcess, endpoint: Endpoint, log: string[], profileDir: string | undefined, loopProbeFile: string) {
    this.#loopProbeFile = loopProbeFile;
    this.child = child;
    this.endpoint = endpoint;
    this.pid = child.pid!;
    this.fdLimit = fdLimitOf(this.pid);
    this.#log = log;
    this.profileDir = profileDir;
    this.#metrics = new CallPool(endpoint, 1);
    this.#health = new CallPool(endpoint, 1);
  }

  static async start(options: MasterOptions): Promise<MasterProcess> {
    const s = options.scenario;
    const nodeOptions = ['--import', LOOP_PROBE, ...(options.nodeOptions ?? [])];
    if (options.profileDir !== undefined) {
      mkdirSync(options.profileDir, { recursive: true });
      nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
    }
    const child = spawnNode({
      nodeOptions,
      args: [
        options.masterBin ?? MASTER_BIN,
        '--ip=127.0.0.1',
        '--port=0',
        '--hostname=localhost',
        '--registry=in_memory',
        `--allocation_interval=${s.allocationInterval}`,
        `--agent_ping_timeout=${s.agentPingTimeout}`,
        `--max_agent_ping_timeouts=${s.maxAgentPingTimeouts}`,
        ...(options.masterFlags ?? []),
      ],
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
      env: { ...process.env, MESOS_SIM_LOOP_PROBE: options.loopProbeFile },
    });
    const log: string[] = [];
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '' || line.includes('Registered agent')) continue;
        log.push(line);
        if (log.length > KEPT_LOG_LINES) log.shift();
      }
    };
    child.stderr!.on('data', keep);
    const endpoint = await new Promise<Endpoint>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`mesos-master printed no listening line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${err.message}; its last output:\n${log.join('\n')}`));
      };
      child.on('exit', (code, signal) => fail(new Error(`mesos-master exited (${code ?? signal}) before it listened`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /mesos-master listening on (.+):(\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ host: match[1]!, port: Number(match[2]) });
        }
      });
    });
    // Keep draining stdout so that the master never blocks on a full pipe.
    child.stdout!.on('data', () => {});
    return new MasterProcess(child, endpoint, log, options.profileDir, options.loopProbeFile);
  }

  /** The probe's samples so far (one a second). */
  loopSamples(): LoopSample[] {
    try {
      return readFileSync(this.#loopProbeFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LoopSample);
    } catch {
      return [];
    }
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last lines the master wrote to stderr (agent registrations left out). */
  logTail(): string[] {
    return [...this.#log];
  }

  /** Starts sampling /proc every second and /health every 100 ms. */
  startSampling(): void {
    this.#procTimer = setInterval(() => this.sampleNow(), 1000);
    this.sampleNow();
    this.#healthTimer = setInterval(() => {
      if (this.#healthInFlight >= MAX_HEALTH_IN_FLIGHT || this.exited) return;
      this.#healthInFlight++;
      const sent = performance.now();
      this.#health.get('/health').then(
        () => {
          this.#healthInFlight--;
          this.healthLag.record(performance.now() - sent);
        },
        () => this.#healthInFlight--,
      );
    }, HEALTH_EVERY_MS);
  }

  sampleNow(): ProcSample | undefined {
    const sample = sampleProc(this.pid);
    if (sample !== undefined) this.samples.push(sample);
    return sample;
  }

  async metrics(): Promise<Record<string, number>> {
    const result = await this.#metrics.get('/metrics/snapshot');
    if (result.status !== 200) throw new Error(`/metrics/snapshot answered ${result.status}: ${result.body.slice(0, 200)}`);
    return JSON.parse(result.body) as Record<string, number>;
  }

  /** Stops sampling and the master (SIGTERM: a graceful stop, which writes the CPU profile). */
  async stop(): Promise<void> {
    clearInterval(this.#procTimer);
    clearInterval(this.#healthTimer);
    this.#metrics.close();
    this.#health.close();
    await stopProcess(this.child, STOP_GRACE_MS);
  }

  /**
   * The master's main-thread .cpuprofile, once it has exited. Node writes one per thread, and
   * tsx's module loader runs in a worker thread, so the largest file is the main thread's.
   */
  profileFile(): string | undefined {
    if (this.profileDir === undefined) return undefined;
    const dir = this.profileDir;
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
    return files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  }
}

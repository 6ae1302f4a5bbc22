// `npm run bench:cluster -- [options]`: the real mesos-master against simulated agents and
// frameworks (see README.md). One point (--agents) or a sweep (--sweep 1000,5000,...), a table on
// stdout (or one JSON document with --json), the JSON and an SVG chart written to --out, progress
// on stderr.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { parseCommandLine } from '../common.ts';
import { runPoint, type PointResult } from './point.ts';
import { checkTargets, newReport, toJson, toSvg, toTable } from './report.ts';
import { derive, paperProfile, validateScenario, type Scenario } from './scenario.ts';

const DEFAULTS = paperProfile();

const USAGE = `usage: npm run bench:cluster -- [options]

  --agents N               simulated agents (default ${DEFAULTS.agents})
  --frameworks F           simulated frameworks (default ${DEFAULTS.frameworks}, the Mesos paper's)
  --duration S             seconds of load after registration, warm-up included (default ${DEFAULTS.durationS})
  --sweep N1,N2,...        run these agent counts one after another (e.g. 1000,5000,10000,20000,50000)
  --time-scale X           task durations divided by X (default ${DEFAULTS.timeScale}: N(30 s, 10 s) runs as N(10 s, 3.3 s))
  --load L                 demand: the fraction of all task slots busy in steady state (default ${DEFAULTS.load}; > 1 oversubscribes)
  --demand R               demand in tasks/s over all frameworks, at every size (instead of --load)
  --fill                   start with the cluster's worth of tasks waiting (a burst, as the paper's frameworks filled the cluster)
  --task-duration M,SD     task duration mean and stddev in seconds, before scaling (default ${DEFAULTS.taskDurationS.mean},${DEFAULTS.taskDurationS.stddev})
  --task R                 task resources, cpus:C;mem:M (default cpus:${DEFAULTS.task.cpus};mem:${DEFAULTS.task.mem})
  --agent-resources R      each agent's resources (default ${DEFAULTS.agentResources})
  --allocation-interval D  the master's --allocation_interval (default ${DEFAULTS.allocationInterval})
  --refuse-seconds S       filter on returned and declined offers (default ${DEFAULTS.refuseSeconds})
  --no-starting            agents skip TASK_STARTING (two updates per task instead of three)
  --suppress-idle-ms MS    frameworks SUPPRESS after MS with nothing waiting, REVIVE when tasks arrive (default ${DEFAULTS.suppressIdleMs}; 0: never, as the paper's)
  --offer-hold-ms MS       frameworks answer offers after a random 0..MS (default ${DEFAULTS.offerHoldMs})
  --check-offers           track outstanding offers per agent and flag overlaps
  --drain S                after the run, wait up to S s for every task to end, then check the books (default ${DEFAULTS.drainS}; 0: skip)
  --agents-per-process N   simulated agents per simulator process (default ${DEFAULTS.agentsPerProcess})
  --frameworks-per-process N  (default ${DEFAULTS.frameworksPerProcess})
  --profile-master         run the master under node --cpu-prof and summarize where its time went
  --master-heap MB         the master's --max-old-space-size
  --master-node-options=S more node options for the master, space-separated (e.g. --master-node-options=--max-semi-space-size=64)
  --master-flags=S         more mesos-master flags, space-separated (e.g. --master-flags=--offer_timeout=30secs)
  --master-bin PATH        run this mesos-master.js (another checkout or build) instead of this one's
  --out DIR                where results go (default .mesos-ts/cluster-sim)
  --json                   print the JSON document on stdout instead of the table
  --seed N                 seed of the task durations (default ${DEFAULTS.seed})
  --help                   this text`;

class UsageError extends Error {}

function number(name: string, text: string | undefined, positive = true): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || (positive ? n <= 0 : n < 0)) throw new UsageError(`--${name} must be a ${positive ? 'positive' : 'non-negative'} number, not '${text}'`);
  return n;
}

function integer(name: string, text: string | undefined, positive = true): number | undefined {
  const n = number(name, text, positive);
  if (n !== undefined && !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be an integer, not '${text}'`);
  return n;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      frameworks: { type: 'string' },
      duration: { type: 'string' },
      sweep: { type: 'string' },
      'time-scale': { type: 'string' },
      load: { type: 'string' },
      fill: { type: 'boolean', default: false },
      demand: { type: 'string' },
      'task-duration': { type: 'string' },
      task: { type: 'string' },
      'agent-resources': { type: 'string' },
      'allocation-interval': { type: 'string' },
      'refuse-seconds': { type: 'string' },
      'no-starting': { type: 'boolean', default: false },
      'offer-hold-ms': { type: 'string' },
      'suppress-idle-ms': { type: 'string' },
      'check-offers': { type: 'boolean', default: false },
      drain: { type: 'string' },
      'agents-per-process': { type: 'string' },
      'frameworks-per-process': { type: 'string' },
      'profile-master': { type: 'boolean', default: false },
      'master-heap': { type: 'string' },
      'master-node-options': { type: 'string' },
      'master-flags': { type: 'string' },
      'master-bin': { type: 'string' },
      out: { type: 'string', default: '.mesos-ts/cluster-sim' },
      json: { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const overrides: Partial<Scenario> = {};
  const set = <K extends keyof Scenario>(key: K, value: Scenario[K] | undefined): void => {
    if (value !== undefined) overrides[key] = value;
  };
  set('agents', integer('agents', values.agents));
  set('frameworks', integer('frameworks', values.frameworks));
  set('durationS', number('duration', values.duration));
  set('timeScale', number('time-scale', values['time-scale']));
  set('load', number('load', values.load));
  if (values['task-duration'] !== undefined) {
    const [mean, sd] = values['task-duration'].split(',').map(Number);
    if (!(mean! > 0) || !(sd! >= 0)) throw new UsageError(`--task-duration must be MEAN,STDDEV in seconds, not '${values['task-duration']}'`);
    set('taskDurationS', { mean: mean!, stddev: sd!, minS: Math.min(DEFAULTS.taskDurationS.minS, mean!) });
  }
  if (values.task !== undefined) {
    const cpus = Number(/cpus:([\d.]+)/.exec(values.task)?.[1]);
    const mem = Number(/mem:([\d.]+)/.exec(values.task)?.[1]);
    if (!(cpus > 0) || !(mem > 0)) throw new UsageError(`--task must be cpus:C;mem:M, not '${values.task}'`);
    set('task', { cpus, mem });
  }
  set('agentResources', values['agent-resources']);
  set('allocationInterval', values['allocation-interval']);
  set('refuseSeconds', number('refuse-seconds', values['refuse-seconds'], false));
  if (values['no-starting']) set('sendStarting', false);
  if (values.fill) set('initialFill', true);
  set('offerHoldMs', number('offer-hold-ms', values['offer-hold-ms'], false));
  set('suppressIdleMs', number('suppress-idle-ms', values['suppress-idle-ms'], false));
  if (values['check-offers']) set('checkOffers', true);
  set('drainS', number('drain', values.drain, false));
  set('agentsPerProcess', integer('agents-per-process', values['agents-per-process']));
  set('frameworksPerProcess', integer('frameworks-per-process', values['frameworks-per-process']));
  set('seed', integer('seed', values.seed, false));
  const sweep = values.sweep?.split(',').map((n) => {
    const v = Number(n.trim());
    if (!Number.isSafeInteger(v) || v <= 0) throw new UsageError(`--sweep takes agent counts, not '${n}'`);
    return v;
  });
  if (sweep !== undefined && values.agents !== undefined) throw new UsageError('--sweep and --agents do not go together');
  const demand = number('demand', values.demand);
  if (demand !== undefined && values.load !== undefined) throw new UsageError('--demand and --load do not go together');
  const scenarios = (sweep ?? [overrides.agents ?? DEFAULTS.agents]).map((agents) => {
    const s = paperProfile({ ...overrides, agents });
    // A fixed rate at every size: load = rate x mean duration / slots.
    if (demand !== undefined) s.load = (demand * (derive(s).meanTaskMs / 1000)) / derive(s).slots;
    return s;
  });
  for (const s of scenarios) {
    // A bad scenario is a usage error only when it is bad at every size.
    const problem = validateScenario(s);
    if (problem !== undefined && sweep === undefined) throw new UsageError(problem);
  }
  return {
    help: values.help,
    scenarios,
    json: values.json,
    out: resolve(values.out),
    profileMaster: values['profile-master'],
    masterHeapMB: integer('master-heap', values['master-heap']),
    masterNodeOptions: (values['master-node-options'] ?? '').split(/\s+/).filter((o) => o !== ''),
    masterFlags: (values['master-flags'] ?? '').split(/\s+/).filter((o) => o !== ''),
    masterBin: values['master-bin'] === undefined ? undefined : resolve(values['master-bin']),
    options: { ...values, help: undefined },
  };
}

async function main(): Promise<number> {
  const o = parseCommandLine(parse, USAGE);
  if (typeof o === 'number') return o;
  const started = performance.now();
  const report = newReport(o.options);
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const dir = join(o.out, stamp);
  mkdirSync(dir, { recursive: true });
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    progress('interrupted: stopping the simulation (Ctrl-C again to kill it)');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  for (const scenario of o.scenarios) {
    if (interrupted) break;
    const result: PointResult = await runPoint(scenario, {
      progress,
      ...(o.profileMaster ? { profileDir: join(dir, `master-profile-${scenario.agents}`) } : {}),
      masterFlags: o.masterFlags,
      masterNodeOptions: [...(o.masterHeapMB !== undefined ? [`--max-old-space-size=${o.masterHeapMB}`] : []), ...o.masterNodeOptions],
      ...(o.masterBin !== undefined ? { masterBin: o.masterBin } : {}),
    });
    report.points.push(result);
    if (result.status !== 'ok') progress(`[${scenario.agents} agents] ${result.status}: ${result.reason}`);
    report.targets = checkTargets(report.points);
    report.durationS = (performance.now() - started) / 1000;
    // Written after every point, so that a long sweep that dies keeps what it measured.
    writeFileSync(join(dir, 'results.json'), `${toJson(report)}\n`);
    writeFileSync(join(dir, 'curves.svg'), `${toSvg(report)}\n`);
  }
  progress(`results: ${join(dir, 'results.json')}, chart: ${join(dir, 'curves.svg')}`);
  process.stdout.write(`${o.json ? toJson(report) : toTable(report)}\n`);
  if (interrupted) return 130;
  const failed = report.points.some((p) => p.status === 'failed' || p.checks?.verdict === 'failed');
  return failed ? 1 : 0;
}

process.exitCode = await main();

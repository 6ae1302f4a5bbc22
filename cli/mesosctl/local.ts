// mesosctl local: the dev cluster of `npm start` (a master and an agent on 127.0.0.1) in the
// background, for people who installed the package globally. `up` spawns the mesos-master and
// mesos-agent bins detached, with their state, logs and a record of their pids under one
// directory (lib/cli/local.ts), and returns once the agent has registered; `down` stops the
// recorded pids (SIGTERM, then SIGKILL after a bound), never anything found by name; `status`
// says whether they run and where.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Command } from 'commander';

import { fetchText } from '../../lib/client/http.ts';
import { OperatorClient } from '../../lib/client/operator.ts';
import { contextFor, withExamples } from '../../lib/cli/command.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import {
  DEFAULT_AGENT_PORT, DEFAULT_CGROUPS_ROOT, DEFAULT_MASTER_PORT, agentArgs, defaultLocalDir, isClusterCommandLine, localLayout,
  masterArgs, parsePort, parseRecord, type LocalLayout, type LocalProcess, type LocalRecord,
} from '../../lib/cli/local.ts';
import { validateId } from '../../lib/api/ids.ts';
import { MesosError } from '../../lib/common/errors.ts';

const BIN_DIR = fileURLToPath(new URL('../bin/', import.meta.url));
/** How long `up` waits for the master to answer /health, and then for the agent to register. */
const START_TIMEOUT_MS = 30_000;
/** How long `down` gives a process between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 10_000;
const POLL_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface DirOptions {
  dir?: string;
}

function layoutOf(options: DirOptions): LocalLayout {
  return localLayout(resolve(options.dir ?? defaultLocalDir()));
}

function readRecord(layout: LocalLayout): LocalRecord | undefined {
  let text: string;
  try {
    text = readFileSync(layout.record, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MesosError('STORE_IO', `cannot read ${layout.record}: ${(err as Error).message}`);
  }
  return parseRecord(text, layout.record);
}

function writeRecord(layout: LocalLayout, record: LocalRecord): void {
  writeFileSync(layout.record, `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Whether `pid` is alive and one of this cluster's processes: its command line, read from /proc,
 * names the cluster's directory. A zombie is not alive. Without /proc nothing can be verified, so
 * nothing is signalled (the cluster runs only on Linux anyway): a recorded pid may have been reused.
 */
function isOurs(pid: number, layout: LocalLayout): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may hold anything.
  if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  try {
    return isClusterCommandLine(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), layout);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if the process outlives STOP_GRACE_MS. Resolves once it is gone. */
async function stopProcess(pid: number, layout: LocalLayout): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isOurs(pid, layout)) return 'not running';
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    if (!isOurs(pid, layout)) return 'stopped';
    await sleep(POLL_MS);
  }
  signal('SIGKILL');
  // A process in uninterruptible sleep outlives even SIGKILL for a while: give up after a bound.
  const killDeadline = Date.now() + STOP_GRACE_MS;
  while (isOurs(pid, layout)) {
    if (Date.now() >= killDeadline) {
      throw new MesosError('INTERNAL', `process ${pid} of the local cluster in ${layout.dir} did not exit after SIGKILL; check it with ps`);
    }
    await sleep(POLL_MS);
  }
  return 'killed';
}

function address(p: LocalProcess): string {
  return `${p.host}:${p.port}`;
}

/** The last lines of a log, for an error message: one line, shortened. */
function logTail(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n').filter(Boolean);
    return lines.at(-1)?.slice(-400) ?? '(empty log)';
  } catch {
    return '(no log)';
  }
}

/** Throws LISTEN_FAILED if something listens on 127.0.0.1:`port` already (checked by listening on it). */
function checkPortFree(port: number, what: string): Promise<void> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      fail(new MesosError('LISTEN_FAILED', `the ${what} port 127.0.0.1:${port} is in use (${err.code ?? err.message}): pick another with --${what === 'master' ? 'port' : 'agent-port'}`));
    });
    server.listen(port, '127.0.0.1', () => server.close(() => done()));
  });
}

/** Spawns a bin detached from us, its output appended to `log`. */
function spawnDetached(bin: string, args: readonly string[], log: string, cwd: string): { pid: number; exited: () => boolean } {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(process.execPath, [`${BIN_DIR}${bin}.js`, ...args], { cwd, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new MesosError('INTERNAL', `cannot start ${bin}`);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.unref();
    return { pid: child.pid, exited: () => exited };
  } finally {
    closeSync(fd);
  }
}

/** Waits until `ready` resolves true; fails if the process exits first or the time is up. */
async function waitFor(what: string, log: string, exited: () => boolean, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new MesosError('LISTEN_FAILED', `the ${what} exited while starting: ${logTail(log)}`);
    try {
      if (await ready()) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) throw new MesosError('SERVICE_UNAVAILABLE', `the ${what} did not come up within ${START_TIMEOUT_MS / 1000} s: ${logTail(log)}`);
    await sleep(POLL_MS);
  }
}

/** What `local status` prints with --json (and `up` once the cluster runs). */
interface Status {
  readonly running: boolean;
  readonly dir: string;
  readonly master: (LocalProcess & { alive: boolean; healthy: boolean }) | null;
  readonly agent: (LocalProcess & { alive: boolean; registered: boolean }) | null;
  readonly started: string | null;
  readonly cgroups_root: string | null;
  readonly logs: { master: string; agent: string };
}

async function statusOf(layout: LocalLayout): Promise<Status> {
  const record = readRecord(layout);
  const logs = { master: layout.masterLog, agent: layout.agentLog };
  if (record === undefined) return { running: false, dir: layout.dir, master: null, agent: null, started: null, cgroups_root: null, logs };
  const masterAlive = isOurs(record.master.pid, layout);
  const agentAlive = record.agent !== undefined && isOurs(record.agent.pid, layout);
  let healthy = false;
  let registered = false;
  if (masterAlive) {
    try {
      await fetchText(record.master, { path: '/health', timeoutMs: 5000 });
      healthy = true;
      if (record.agent !== undefined) registered = await agentRegistered(record.master, record.agent.port);
    } catch {
      // Not answering: reported as unhealthy.
    }
  }
  return {
    running: masterAlive && agentAlive,
    dir: layout.dir,
    master: { ...record.master, alive: masterAlive, healthy },
    agent: record.agent === undefined ? null : { ...record.agent, alive: agentAlive, registered },
    started: record.started,
    cgroups_root: record.cgroupsRoot,
    logs,
  };
}

/** Whether the master lists an agent listening on `port` of 127.0.0.1. */
async function agentRegistered(master: LocalProcess, port: number): Promise<boolean> {
  const agents = (await new OperatorClient(master, { timeoutMs: 5000 }).getAgents()).agents ?? [];
  return agents.some((a) => a.pid?.endsWith(`:${port}`) === true || a.agent_info.port === port);
}

function printStatus(ctx: CliContext, status: Status): void {
  if (ctx.json) return ctx.out.printJson(status);
  const out = ctx.out;
  if (status.master === null) {
    out.line(`No local cluster runs from ${status.dir}.`);
    return;
  }
  const state = (alive: boolean, detail: string): string => (alive ? out.paint(detail, 'good') : out.paint('not running', 'bad'));
  out.fields([
    ['Cluster', status.running ? { text: 'running', tone: 'good' } : { text: 'not running', tone: 'bad' }],
    ['Master', `http://${address(status.master)}  pid ${status.master.pid}  ${state(status.master.alive, status.master.healthy ? 'healthy' : 'not answering')}`],
    ...(status.agent === null ? [] : [['Agent', `http://${address(status.agent)}  pid ${status.agent.pid}  ${state(status.agent.alive, status.agent.registered ? 'registered' : 'not registered')}`] as [string, string]]),
    ['State', status.dir],
    ['Logs', `${status.logs.master}, ${status.logs.agent}`],
    ['Started', status.started ?? '-'],
  ]);
}

export function registerLocal(program: Command): void {
  const local = program
    .command('local')
    .description('run a local dev cluster (a master and an agent on 127.0.0.1) in the background')
    .addHelpText('after', [
      '',
      'Examples:',
      '  mesosctl local up',
      '  mesosctl run -- echo hello',
      '  mesosctl local status',
      '  mesosctl local down',
      '',
      `State, logs and the pid record live in --dir (default ${defaultLocalDir()}).`,
    ].join('\n'));

  local
    .command('up')
    .description('start the cluster and wait until its agent has registered')
    .option('--dir <dir>', `state, logs and pid record (default: ${defaultLocalDir()})`)
    .option('--port <port>', 'the master\'s port', String(DEFAULT_MASTER_PORT))
    .option('--agent-port <port>', 'the agent\'s port', String(DEFAULT_AGENT_PORT))
    .option('--cgroups-root <name>', 'the agent\'s cgroup under each hierarchy (as root)', DEFAULT_CGROUPS_ROOT)
    .action(async (options: DirOptions & { port: string; agentPort: string; cgroupsRoot: string }, command: Command) => {
      const masterPort = parsePort(options.port, '--port');
      const agentPort = parsePort(options.agentPort, '--agent-port');
      if (masterPort === agentPort) throw new MesosError('INVALID_FLAG', `--port and --agent-port must differ (both ${masterPort})`);
      const badRoot = validateId(options.cgroupsRoot);
      if (badRoot !== undefined) throw new MesosError('INVALID_FLAG', `invalid --cgroups-root '${options.cgroupsRoot}': ${badRoot}`);
      const ctx = contextFor(command);
      const layout = layoutOf(options);
      const existing = readRecord(layout);
      if (existing !== undefined) {
        const status = await statusOf(layout);
        if (status.running) {
          if (!ctx.json) ctx.out.line(`A local cluster already runs from ${layout.dir}.`);
          return printStatus(ctx, status);
        }
        if (status.master?.alive || status.agent?.alive) {
          throw new MesosError('CONFLICT', `part of a local cluster still runs from ${layout.dir}: stop it with mesosctl local down --dir ${layout.dir}`);
        }
        rmSync(layout.record, { force: true });
      }
      // Checked first, so that another server on the port is never taken for our master.
      await checkPortFree(masterPort, 'master');
      await checkPortFree(agentPort, 'agent');
      mkdirSync(layout.dir, { recursive: true });
      const master: LocalProcess = { pid: 0, host: '127.0.0.1', port: masterPort };
      const record: { master: LocalProcess; agent?: LocalProcess; cgroupsRoot: string; started: string } = {
        master, cgroupsRoot: options.cgroupsRoot, started: new Date().toISOString(),
      };
      // The record is written as soon as each process exists, so that `down` can stop what a
      // failed or interrupted `up` left.
      const cleanUp = async (): Promise<void> => {
        if (record.agent !== undefined) await stopProcess(record.agent.pid, layout);
        if (record.master.pid > 0) await stopProcess(record.master.pid, layout);
        rmSync(layout.record, { force: true });
      };
      try {
        const masterProc = spawnDetached('mesos-master', masterArgs(layout, masterPort), layout.masterLog, layout.dir);
        record.master = { ...master, pid: masterProc.pid };
        writeRecord(layout, record);
        await waitFor('master', layout.masterLog, masterProc.exited, async () => {
          await fetchText(record.master, { path: '/health', timeoutMs: 2000 });
          return true;
        });
        const agentProc = spawnDetached('mesos-agent', agentArgs(layout, masterPort, agentPort, options.cgroupsRoot), layout.agentLog, layout.dir);
        record.agent = { pid: agentProc.pid, host: '127.0.0.1', port: agentPort };
        writeRecord(layout, record);
        await waitFor('agent', layout.agentLog, agentProc.exited, () => agentRegistered(record.master, agentPort));
      } catch (err) {
        await cleanUp();
        throw err;
      }
      const status = await statusOf(layout);
      if (ctx.json) return ctx.out.printJson(status);
      ctx.out.line(`Local cluster running (state in ${layout.dir})`);
      ctx.out.line(`  master:  http://${address(record.master)}  pid ${record.master.pid}  log ${layout.masterLog}`);
      ctx.out.line(`  agent:   http://${address(record.agent!)}  pid ${record.agent!.pid}  log ${layout.agentLog}`);
      ctx.out.line('');
      ctx.out.line(`Try: mesosctl --master ${address(record.master)} run -- echo hello`);
      ctx.out.line(`Stop it with: mesosctl local down${options.dir === undefined ? '' : ` --dir ${layout.dir}`}`);
    });

  local
    .command('down')
    .description('stop the cluster: its running tasks, then the agent and the master (the state is kept)')
    .option('--dir <dir>', `the cluster's directory (default: ${defaultLocalDir()})`)
    .action(async (options: DirOptions, command: Command) => {
      const ctx = contextFor(command);
      const layout = layoutOf(options);
      const record = readRecord(layout);
      if (record === undefined) {
        if (ctx.json) return ctx.out.printJson({ ok: true, dir: layout.dir, was_running: false, containers_killed: 0, agent: 'not running', master: 'not running' });
        return ctx.out.line(`No local cluster runs from ${layout.dir}.`);
      }
      let killed = 0;
      if (record.agent !== undefined && isOurs(record.agent.pid, layout)) killed = await killContainers(record.agent);
      const agent = record.agent === undefined ? 'not running' : await stopProcess(record.agent.pid, layout);
      const master = await stopProcess(record.master.pid, layout);
      rmSync(layout.record, { force: true });
      if (ctx.json) return ctx.out.printJson({ ok: true, dir: layout.dir, was_running: true, containers_killed: killed, agent, master });
      ctx.out.line(`Stopped the local cluster in ${layout.dir} (agent: ${agent}, master: ${master}${killed > 0 ? `, ${killed} container(s) killed` : ''}).`);
    });

  local
    .command('status')
    .description('whether the cluster runs, and where')
    .option('--dir <dir>', `the cluster's directory (default: ${defaultLocalDir()})`)
    .action(async (options: DirOptions, command: Command) => {
      const ctx = contextFor(command);
      printStatus(ctx, await statusOf(layoutOf(options)));
    });
}

/**
 * Kills the agent's running containers (SIGKILL, through KILL_CONTAINER), so that `down` leaves
 * no task running: an agent that stops leaves its containers running, by design. Best effort:
 * an agent that does not answer is stopped anyway.
 */
async function killContainers(agent: LocalProcess): Promise<number> {
  try {
    const client = new OperatorClient(agent, { timeoutMs: 5000 }).agent(agent);
    const containers = (await client.call({ type: 'GET_CONTAINERS' }))?.get_containers?.containers ?? [];
    let killed = 0;
    for (const container of containers) {
      try {
        await client.call({ type: 'KILL_CONTAINER', kill_container: { container_id: container.container_id, signal: 9 } });
        killed++;
      } catch {
        // Already ended.
      }
    }
    return killed;
  } catch {
    return 0;
  }
}

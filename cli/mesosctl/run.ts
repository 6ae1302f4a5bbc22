// mesosctl run: one command task as its own v1 framework, like Mesos's mesos-execute. It
// subscribes, waits for an offer that fits (declining the others), launches the task,
// acknowledges every update, streams the task's stdout and stderr from its sandbox to its own,
// and exits with the task's exit code (lib/cli/run.ts `taskEnd`, docs/mesosctl.md). Ctrl-C and
// SIGTERM kill the task and wait (bounded) for its end. Whatever happens, the framework is torn
// down before mesosctl exits; and since it subscribes with failover_timeout 0, a mesosctl that is
// killed outright loses its framework, and its task, as soon as its stream drops.
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

import type { Command } from 'commander';

import { OperatorClient, agentEndpoint, type AgentClient } from '../../lib/client/operator.ts';
import { SchedulerClient } from '../../lib/client/scheduler.ts';
import { contextFor, withExamples } from '../../lib/cli/command.ts';
import { FileFollower, findSandbox, follow } from '../../lib/cli/logs.ts';
import {
  DEFAULT_CPUS, DEFAULT_MEM, RUN_EXIT, chooseOffer, frameworkInfoFor, isTerminalState, parseRunSpec, resourcesText, taskEnd,
  taskIdFor, taskInfoFor, type KillCause, type RunFlags, type RunSpec,
} from '../../lib/cli/run.ts';
import { formatDuration } from '../../lib/common/duration.ts';
import { MesosError } from '../../lib/common/errors.ts';
import type * as v1 from '../../lib/types/mesos.ts';
import { sandboxReader } from './task.ts';

/** Between polls of the task's output files that found nothing new. */
const LOG_POLL_MS = 200;
/** How long, after killing the task on Ctrl-C or SIGTERM, to wait for its end before tearing down anyway. */
const KILL_WAIT_MS = 15_000;
/** Offers that do not fit are declined for this long; after the launch, for an hour. */
const DECLINE_SECONDS = 5;
const DECLINE_AFTER_LAUNCH_SECONDS = 3600;

interface RunCommandFlags extends RunFlags {
  verbose?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The user to run as when --user is not given: ours, as mesos-execute does. */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] || 'root';
  }
}

export function registerRun(program: Command): void {
  withExamples(
    program
      .command('run')
      .description('run one command task as its own framework, stream its output, and exit with its exit code')
      .argument('[command...]', 'the command, after --')
      .option('--name <name>', 'the task\'s name (default: the program\'s name); the task id is <name>-<random>')
      .option('--cpus <n>', `cpus for the task (default: ${DEFAULT_CPUS})`)
      .option('--mem <mb>', `memory for the task, in MB (default: ${DEFAULT_MEM})`)
      .option('--disk <mb>', 'disk for the task, in MB (default: none)')
      .option('--role <role>', 'the role to run in', '*')
      .option('--env <NAME=VALUE>', 'an environment variable (repeatable)', collect)
      .option('--uri <uri>', 'a URI to fetch into the sandbox first (repeatable)', collect)
      .option('--shell', 'run the words joined by spaces with sh -c (the default)')
      .option('--no-shell', 'run the words as argv, without a shell')
      .option('--user <user>', 'the user the task runs as (default: yours)')
      .option('--checkpoint', 'let the task survive an agent restart')
      .option('--kill-after <duration>', 'kill the task this long after it started running (e.g. 30s)')
      .option('--offer-timeout <duration>', 'give up if no offer fits within this long (default: wait)')
      .option('-v, --verbose', 'say on stderr what happens (subscribed, offers, launch, states)'),
    [
      'mesosctl run -- echo hello',
      'mesosctl run --cpus 0.5 --mem 128 --env GREETING=hi -- \'echo $GREETING; exit 3\'',
      'mesosctl run --no-shell -- python3 -c \'print(1)\'',
      'mesosctl run --kill-after 10s -- sleep 60',
    ],
  )
    .addHelpText('after', [
      '',
      'With the shell (the default), the words are joined by spaces and run with sh -c, as ssh does:',
      'quote a command with pipes or ; as one word. --no-shell runs them as argv.',
      'Exit codes: the task\'s own exit status; 128+N for a signal N; 124 when --kill-after killed it;',
      '130 or 143 when Ctrl-C or SIGTERM did; 121 killed by someone else; 122 lost; 123 invalid task;',
      '125 failed without an exit status; 126 could not start. mesosctl\'s own errors: see docs/errors.md.',
    ].join('\n'))
    .action(async (words: string[], flags: RunCommandFlags, command: Command) => {
      const spec = parseRunSpec(words, flags);
      const ctx = contextFor(command);
      const say = (line: string): void => {
        if (flags.verbose) process.stderr.write(`${ctx.out.paint(`mesosctl: ${line}`, 'dim')}\n`);
      };
      const framework = await SchedulerClient.subscribe(ctx.master, frameworkInfoFor(spec, currentUser(), hostname()));
      say(`subscribed as framework ${framework.frameworkId}`);
      let tornDown: Promise<void> | undefined;
      // Once, whoever asks first (Ctrl-C before a launch, or the end of the run). If the master
      // cannot be told, closing the stream removes the framework anyway (failover_timeout 0).
      const tearDown = (): Promise<void> => (tornDown ??= framework.teardown().then(
        () => say(`tore down framework ${framework.frameworkId}`),
        () => framework.close(),
      ));
      let outcome: RunOutcome;
      try {
        outcome = await runTask(framework, spec, { say, streamOutput: !ctx.json, operator: ctx.client, tearDown });
      } finally {
        await tearDown();
      }
      const end = outcome.status === undefined ? undefined : taskEnd(outcome.status, outcome.killCause);
      // No terminal status: the run was given up after a signal (or --kill-after) killed it.
      const exitCode = end?.exitCode
        ?? (outcome.killCause === 'kill-after' ? RUN_EXIT.killAfter : RUN_EXIT.signalBase + (outcome.killCause === 'SIGTERM' ? 15 : 2));
      if (ctx.json) {
        const status = outcome.status;
        ctx.out.printJson({
          framework_id: framework.frameworkId,
          task_id: outcome.taskId,
          agent_id: outcome.agentId ?? null,
          sandbox: outcome.sandbox ?? null,
          state: status?.state ?? null,
          reason: status?.reason ?? null,
          message: status?.message ?? null,
          exit_code: exitCode,
        });
      } else if (end?.note !== undefined) {
        process.stderr.write(`mesosctl: ${end.note}\n`);
      } else if (end === undefined) {
        process.stderr.write(`mesosctl: ${outcome.launched ? `task ${outcome.taskId} did not report its end` : 'no task was launched'}; the framework was torn down\n`);
      }
      process.exitCode = exitCode;
    });
}

interface RunOutcome {
  readonly taskId: string;
  readonly launched: boolean;
  readonly agentId: string | undefined;
  readonly sandbox: string | undefined;
  /** The terminal status; undefined when the run stopped without one (Ctrl-C before a launch). */
  readonly status: v1.TaskStatus | undefined;
  readonly killCause: KillCause | undefined;
}

interface RunContext {
  readonly say: (line: string) => void;
  /** Copy the task's stdout and stderr to ours (not with --json). */
  readonly streamOutput: boolean;
  /** To find the agent when an offer carries no URL. */
  readonly operator: OperatorClient;
  /** Tears the framework down, which also ends its event stream. */
  readonly tearDown: () => Promise<void>;
}

/**
 * The framework's life with one task: offers until one fits, the launch, updates until a terminal
 * one. Signals and --kill-after kill the task; a second signal, a signal before the launch, or a
 * kill that is not reported within KILL_WAIT_MS stops waiting (the framework is torn down, which
 * kills whatever still runs). Resolves once the task has ended and its output is drained.
 */
async function runTask(framework: SchedulerClient, spec: RunSpec, ctx: RunContext): Promise<RunOutcome> {
  const taskId = taskIdFor(spec.name, randomBytes(4).toString('hex'));
  let launchedOn: v1.Offer | undefined;
  let terminal: v1.TaskStatus | undefined;
  let killCause: KillCause | undefined;
  let stopped = false;
  let over = false;
  let failure: unknown;
  let output: Promise<string | undefined> | undefined;
  const timers: NodeJS.Timeout[] = [];

  /** Ends the event loop: the framework is torn down, and its stream ends. */
  const stop = (): void => {
    stopped = true;
    void ctx.tearDown();
  };
  const kill = (cause: KillCause): void => {
    // Once the run is over (the task ended or the run was given up), a signal only waits for the
    // output to drain: nothing is left to kill, and no timer may be armed after they were cleared.
    if (terminal !== undefined || stopped || over) return;
    if (killCause !== undefined || launchedOn === undefined) {
      killCause ??= cause;
      stop();
      return;
    }
    killCause = cause;
    ctx.say(`killing task ${taskId} (${cause})`);
    framework.kill(taskId, launchedOn.agent_id.value).catch((err: unknown) => {
      failure ??= err;
      stop();
    });
    if (cause !== 'kill-after') timers.push(setTimeout(stop, KILL_WAIT_MS));
  };
  const onSigint = (): void => kill('SIGINT');
  const onSigterm = (): void => kill('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  if (spec.offerTimeoutMs !== undefined) {
    timers.push(setTimeout(() => {
      if (launchedOn !== undefined) return;
      failure ??= new MesosError('SERVICE_UNAVAILABLE', `no offer fit ${resourcesText(spec)} in role '${spec.role}' within ${formatDuration(spec.offerTimeoutMs!)}`);
      stop();
    }, spec.offerTimeoutMs));
  }
  ctx.say(`waiting for an offer that fits ${resourcesText(spec)} in role '${spec.role}'`);

  try {
    for await (const event of framework.events()) {
      if (event.type === 'OFFERS') {
        const offers = event.offers?.offers ?? [];
        if (launchedOn !== undefined || stopped) {
          await framework.decline(offers.map((o) => o.id), { refuse_seconds: DECLINE_AFTER_LAUNCH_SECONDS });
          continue;
        }
        const { launch, decline } = chooseOffer(offers, spec);
        if (decline.length > 0) {
          ctx.say(`declining ${decline.length} offer(s) that ${launch === undefined ? 'do not fit' : 'are not needed'}`);
          await framework.decline(decline, { refuse_seconds: launch === undefined ? DECLINE_SECONDS : DECLINE_AFTER_LAUNCH_SECONDS });
        }
        if (launch === undefined) continue;
        await framework.launch(launch, [taskInfoFor(spec, taskId, launch)]);
        launchedOn = launch;
        ctx.say(`launched task ${taskId} on agent ${launch.agent_id.value} (${launch.hostname})`);
        // No more offers are needed; any still on their way are declined above.
        await framework.suppress();
      } else if (event.type === 'UPDATE' && event.update?.status.task_id.value === taskId) {
        const status = event.update.status;
        ctx.say(`task ${taskId} is ${status.state}${status.message ? `: ${status.message}` : ''}`);
        await framework.acknowledge(status);
        if (output === undefined && status.source !== 'SOURCE_MASTER' && launchedOn !== undefined) {
          output = copyOutput(launchedOn, ctx.operator, framework.frameworkId, taskId, ctx.streamOutput, () => over);
        }
        if (status.state === 'TASK_RUNNING' && spec.killAfterMs !== undefined && killCause === undefined) {
          timers.push(setTimeout(() => kill('kill-after'), spec.killAfterMs));
        }
        if (isTerminalState(status.state)) {
          terminal = status;
          break;
        }
      }
    }
  } catch (err) {
    // Calls cut short by our own teardown (Ctrl-C during a launch) are not the run's failure.
    if (!stopped) failure ??= err;
  } finally {
    over = true;
    for (const timer of timers) clearTimeout(timer);
  }
  // The output is drained once the task has ended (or the run was given up). A signal meanwhile
  // is ignored: the task has ended, and what is left to read is already written.
  let sandbox: string | undefined;
  try {
    sandbox = output === undefined ? undefined : await output;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  if (failure !== undefined && terminal === undefined) throw failure;
  return { taskId, launched: launchedOn !== undefined, agentId: launchedOn?.agent_id.value, sandbox, status: terminal, killCause };
}

/** The agent of an offer: the URL the master put in it, else its registration. */
async function agentOf(offer: v1.Offer, operator: OperatorClient): Promise<AgentClient> {
  const address = offer.url?.address;
  if (address?.port !== undefined && (address.ip ?? address.hostname) !== undefined) {
    return operator.agent({ host: address.ip ?? address.hostname!, port: address.port });
  }
  const agent = (await operator.getAgents()).agents?.find((a) => a.agent_info.id?.value === offer.agent_id.value);
  if (agent === undefined) throw new MesosError('NOT_FOUND', `the agent ${offer.agent_id.value} is not registered with the master`);
  return operator.agent(agentEndpoint(agent));
}

/**
 * Finds the task's sandbox and, with `copy`, copies its stdout and stderr to ours as they grow,
 * until `over()` (the task ended) and both are drained. Resolves with the sandbox (undefined if
 * the agent never listed one). A failure to read is a note on stderr, not the run's failure: the
 * exit code is still the task's.
 */
async function copyOutput(
  offer: v1.Offer, operator: OperatorClient, frameworkId: string, taskId: string, copy: boolean, over: () => boolean,
): Promise<string | undefined> {
  try {
    // Inside the try: an agent that cannot be found is a note, not a reason to kill the task.
    const agent = await agentOf(offer, operator);
    let sandbox: string | undefined;
    // The agent lists the sandbox once it has taken the task; a task that ended before it had one never will.
    for (let attempt = 0; ; attempt++) {
      sandbox = findSandbox(await agent.state(), frameworkId, taskId);
      if (sandbox !== undefined || (over() && attempt >= 2)) break;
      await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS));
    }
    if (sandbox === undefined || !copy) return sandbox;
    const reader = sandboxReader(agent);
    await follow([
      new FileFollower(reader, `${sandbox}/stdout`, (data) => void process.stdout.write(data)),
      new FileFollower(reader, `${sandbox}/stderr`, (data) => void process.stderr.write(data)),
    ], { isDone: over, pollMs: LOG_POLL_MS });
    return sandbox;
  } catch (err) {
    process.stderr.write(`mesosctl: cannot read the output of task ${taskId} from agent ${offer.agent_id.value}: ${(err as Error).message}\n`);
    return undefined;
  }
}

// mesosctl task: list, show and kill tasks, and read their logs. Tasks come from the master's
// GET_TASKS (lib/cli/tasks.ts's TaskSummary is the document, docs/mesosctl.md "task"); a task's
// sandbox and container are on its agent, reached through the agent's own operator API (`/state`
// for the sandbox, READ_FILE for the log, KILL_CONTAINER for a kill).
import type { Command } from 'commander';

import { agentEndpoint, type AgentClient } from '../../lib/client/operator.ts';
import { contextFor, findAgent, findFramework, withExamples } from '../../lib/cli/command.ts';
import type { CliContext } from '../../lib/cli/context.ts';
import { formatAmount, formatTime } from '../../lib/cli/format.ts';
import { FileFollower, findSandbox, follow, tailStart, type SandboxReader } from '../../lib/cli/logs.ts';
import { stateTone } from '../../lib/cli/output.ts';
import { parseDurationFlag } from '../../lib/cli/parse.ts';
import { isTerminal } from '../../lib/cli/summaries.ts';
import {
  TASK_COLUMNS, containerIdOf, filterTasks, findTask, listTasks, parseLineCount, parseTaskState, taskRow, taskSummary,
  type ListedTask, type TaskSummary,
} from '../../lib/cli/tasks.ts';
import { MesosError } from '../../lib/common/errors.ts';
import type * as v1 from '../../lib/types/mesos.ts';

/** Between polls of a followed log that found nothing new. */
const LOG_POLL_MS = 250;
/** Between looks at the master's books while waiting for a killed task to end. */
const STATE_POLL_MS = 250;
/** How often `log --follow` asks the master whether the task has ended. */
const DONE_CHECK_MS = 1000;

interface TaskOptions {
  framework?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The full framework id `--framework` names (an id or a unique prefix), if given. */
async function frameworkOption(ctx: CliContext, given: string | undefined): Promise<string | undefined> {
  if (given === undefined) return undefined;
  return (await findFramework(ctx, given, true)).framework.framework_info.id?.value;
}

async function lookUp(ctx: CliContext, id: string, frameworkId: string | undefined): Promise<ListedTask> {
  return findTask(await ctx.client.getTasks(), id, frameworkId);
}

/** The client of the agent that runs (or ran) `task`. */
async function agentOf(ctx: CliContext, task: v1.Task): Promise<AgentClient> {
  return ctx.client.agent(agentEndpoint(await findAgent(ctx, task.agent_id.value)));
}

/** Sandbox files through an agent's READ_FILE. */
export function sandboxReader(agent: AgentClient): SandboxReader {
  return { read: (path, offset, length) => agent.readFileBytes(path, offset, length) };
}

function showTask(ctx: CliContext, task: TaskSummary): void {
  const out = ctx.out;
  const resources = Object.entries(task.resources).map(([name, value]) => `${name} ${formatAmount(name, value)}`).join(', ');
  out.fields([
    ['ID', task.id],
    ['Name', task.name],
    ['State', { text: task.state, tone: stateTone(task.state) }],
    ['Reason', task.reason ?? '-'],
    ['Message', task.message ?? '-'],
    ['Framework', task.framework_id],
    ['Agent', task.agent_id],
    ['Executor', task.executor_id ?? '-'],
    ['Container', task.container_id ?? '-'],
    ['Resources', resources || '-'],
    ['Started', formatTime(task.started_time ?? undefined)],
    ['Updated', formatTime(task.updated_time ?? undefined)],
    ['Listed', task.list],
  ]);
  if (task.statuses.length === 0) return;
  out.line();
  out.table(['TIME', 'STATE', 'SOURCE', 'REASON', 'MESSAGE'], task.statuses.map((s) => [
    s.time ?? '-',
    { text: s.state, tone: stateTone(s.state) },
    s.source ?? '-',
    s.reason ?? '-',
    s.message ?? '',
  ]));
}

export function registerTask(program: Command): void {
  const task = withExamples(program.command('task').description('list, show and kill tasks, and read their logs'), [
    'mesosctl task list --state running',
    'mesosctl task show echo-1a2b',
    'mesosctl task log --follow echo-1a2b',
    'mesosctl task kill echo-1a2b',
  ]);

  withExamples(
    task
      .command('list')
      .description('tasks on the master\'s books (live ones, and ended ones not acknowledged yet); --all adds completed ones')
      .option('--framework <id>', 'only tasks of this framework (an id or a unique prefix)')
      .option('--agent <id>', 'only tasks on this agent (an id or a unique prefix)')
      .option('--state <state>', 'only tasks in this state (running, TASK_RUNNING, ...)')
      .option('--all', 'include completed tasks'),
    ['mesosctl task list', 'mesosctl task list --all --state failed', "mesosctl task list --json | jq -r '.tasks[].id'"],
  ).action(async (options: { framework?: string; agent?: string; state?: string; all?: boolean }, command: Command) => {
    const state = options.state === undefined ? undefined : parseTaskState(options.state);
    const ctx = contextFor(command);
    const framework = await frameworkOption(ctx, options.framework);
    const agent = options.agent === undefined ? undefined : (await findAgent(ctx, options.agent)).agent_info.id?.value;
    const tasks = filterTasks(listTasks(await ctx.client.getTasks(), options.all === true), {
      ...(framework === undefined ? {} : { framework }),
      ...(agent === undefined ? {} : { agent }),
      ...(state === undefined ? {} : { state }),
    }).map(taskSummary);
    if (ctx.json) return ctx.out.printJson({ tasks });
    const now = Date.now();
    ctx.out.table(TASK_COLUMNS, tasks.map((t) => taskRow(t, now)), options.all ? 'no tasks' : 'no tasks (--all shows completed ones)');
  });

  withExamples(
    task
      .command('show')
      .description('one task: its state, resources, agent, container, and every status it went through')
      .argument('<id>', 'the task id, or a unique prefix of it')
      .option('--framework <id>', 'the task\'s framework, when several use the same task id'),
    ['mesosctl task show echo-1a2b', 'mesosctl task show echo-1a2b --json | jq .statuses'],
  ).action(async (id: string, options: TaskOptions, command: Command) => {
    const ctx = contextFor(command);
    const summary = taskSummary(await lookUp(ctx, id, await frameworkOption(ctx, options.framework)));
    if (ctx.json) return ctx.out.printJson(summary);
    showTask(ctx, summary);
  });

  withExamples(
    task
      .command('kill')
      .description('kill a task through its agent: SIGTERM, then SIGKILL after --grace; waits until the task has ended')
      .argument('<id>', 'the task id, or a unique prefix of it')
      .option('--framework <id>', 'the task\'s framework, when several use the same task id')
      .option('--grace <duration>', 'time between SIGTERM and SIGKILL (0s: SIGKILL at once)', '3secs')
      .option('--timeout <duration>', 'how long to wait for the task to end after SIGKILL', '30secs')
      .addHelpText('after', [
        '',
        'An operator has no KILL call (that is the framework\'s), so this kills the task\'s container',
        'with the agent\'s KILL_CONTAINER. The agent reports the end as for any signal, e.g.',
        'TASK_FAILED "Command terminated with signal Killed". A task of a custom executor shares its',
        'executor\'s container: killing it kills the executor and its other tasks too.',
      ].join('\n')),
    ['mesosctl task kill echo-1a2b', 'mesosctl task kill echo-1a2b --grace 0s'],
  ).action(async (id: string, options: TaskOptions & { grace: string; timeout: string }, command: Command) => {
    const graceMs = parseDurationFlag(options.grace, '--grace');
    const timeoutMs = parseDurationFlag(options.timeout, '--timeout');
    const ctx = contextFor(command);
    const { task: found } = await lookUp(ctx, id, await frameworkOption(ctx, options.framework));
    const taskId = found.task_id.value;
    const frameworkId = found.framework_id.value;
    if (isTerminal(found.state)) throw new MesosError('CONFLICT', `task '${taskId}' has already ended: ${found.state}`);
    const agent = await agentOf(ctx, found);
    const containerId = containerIdOf(found) ?? (await containerFromAgent(agent, found));
    if (containerId === undefined) {
      throw new MesosError('SERVICE_UNAVAILABLE', `task '${taskId}' has no container yet (${found.state}); try again`);
    }
    /** The task once the master reports it ended, or undefined at the deadline. */
    const ended = async (deadline: number): Promise<ListedTask | undefined> => {
      for (;;) {
        const now = await lookUp(ctx, taskId, frameworkId);
        if (isTerminal(now.task.state)) return now;
        if (Date.now() >= deadline) return undefined;
        await sleep(STATE_POLL_MS);
      }
    };
    let last: ListedTask | undefined;
    if (graceMs > 0 && (await killContainer(agent, containerId, 'SIGTERM')) === 'sent') last = await ended(Date.now() + graceMs);
    if (last === undefined) {
      await killContainer(agent, containerId, 'SIGKILL');
      last = await ended(Date.now() + timeoutMs);
    }
    if (last === undefined) {
      throw new MesosError('SERVICE_UNAVAILABLE', `killed container ${containerId} of task '${taskId}', but the master still reports it ${found.state} after ${options.timeout}`);
    }
    const summary = taskSummary(last);
    if (ctx.json) {
      return ctx.out.printJson({
        ok: true, call: 'KILL_CONTAINER', task_id: taskId, framework_id: frameworkId, agent_id: summary.agent_id, container_id: containerId,
        state: summary.state, reason: summary.reason, message: summary.message,
      });
    }
    ctx.out.line(`task ${taskId} killed: ${ctx.out.paint(summary.state, stateTone(summary.state))}${summary.message ? ` (${summary.message})` : ''}`);
  });

  withExamples(
    task
      .command('log')
      .description('print a task\'s stdout (or stderr) from its sandbox; --follow keeps printing until the task ends')
      .argument('<id>', 'the task id, or a unique prefix of it')
      .option('--framework <id>', 'the task\'s framework, when several use the same task id')
      .option('-f, --follow', 'keep printing what the task writes until it has ended (or Ctrl-C)')
      .option('--stderr', 'the task\'s stderr instead of its stdout')
      .option('--tail <n>', 'start with the last n lines'),
    ['mesosctl task log echo-1a2b', 'mesosctl task log --follow --tail 20 echo-1a2b', 'mesosctl task log --stderr echo-1a2b'],
  ).action(async (id: string, options: TaskOptions & { follow?: boolean; stderr?: boolean; tail?: string }, command: Command) => {
    const tail = options.tail === undefined ? undefined : parseLineCount(options.tail, '--tail');
    const ctx = contextFor(command);
    const { task: found } = await lookUp(ctx, id, await frameworkOption(ctx, options.framework));
    const taskId = found.task_id.value;
    const frameworkId = found.framework_id.value;
    const agent = await agentOf(ctx, found);
    const sandbox = findSandbox(await agent.state(), frameworkId, taskId);
    if (sandbox === undefined) {
      throw new MesosError('FILE_NOT_FOUND', `the agent ${found.agent_id.value} has no sandbox for task '${taskId}' (it has not started, or its sandbox was removed)`);
    }
    const reader = sandboxReader(agent);
    const path = `${sandbox}/${options.stderr ? 'stderr' : 'stdout'}`;
    const offset = tail === undefined ? 0 : await tailStart(reader, path, tail);
    const follower = new FileFollower(reader, path, (data) => void process.stdout.write(data), offset);
    if (!options.follow) {
      await follower.poll();
      return;
    }
    let done = isTerminal(found.state);
    let checked = Date.now();
    await follow([follower], {
      pollMs: LOG_POLL_MS,
      // Asked only when a poll found nothing new; the master is asked at most once a second.
      isDone: async () => {
        if (done || Date.now() - checked < DONE_CHECK_MS) return done;
        checked = Date.now();
        done = isTerminal((await lookUp(ctx, taskId, frameworkId)).task.state);
        return done;
      },
    });
  });
}

/** The task's container from the agent's GET_CONTAINERS, when its statuses name none. */
async function containerFromAgent(agent: AgentClient, task: v1.Task): Promise<string | undefined> {
  const executorId = task.executor_id?.value ?? task.task_id.value;
  const containers = (await agent.call({ type: 'GET_CONTAINERS' }))?.get_containers?.containers ?? [];
  const match = containers.find((c) => c.framework_id?.value === task.framework_id.value && c.executor_id?.value === executorId);
  return match?.container_id.value;
}

/**
 * KILL_CONTAINER with `signal`. 'gone' when the agent no longer runs the container (it ended in
 * the meantime); a container still launching takes only SIGKILL, so SIGTERM there is 'skipped'.
 */
async function killContainer(agent: AgentClient, containerId: string, signal: 'SIGTERM' | 'SIGKILL'): Promise<'sent' | 'gone' | 'skipped'> {
  try {
    await agent.call({ type: 'KILL_CONTAINER', kill_container: { container_id: { value: containerId }, signal: signal === 'SIGTERM' ? 15 : 9 } });
    return 'sent';
  } catch (err) {
    if (err instanceof MesosError && err.code === 'NOT_FOUND') return 'gone';
    if (err instanceof MesosError && err.code === 'SERVICE_UNAVAILABLE' && signal === 'SIGTERM') return 'skipped';
    throw err;
  }
}

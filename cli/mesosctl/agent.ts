// mesosctl agent: list, show, drain, deactivate and reactivate agents (GET_STATE, GET_AGENTS,
// DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT). Agents are named by id or a unique id prefix.
// Documents: lib/cli/summaries.ts's AgentSummary (docs/mesosctl.md, "agent").
import type { Command } from 'commander';

import { confirm, contextFor, findAgent, withExamples } from '../../lib/cli/command.ts';
import { formatAge, formatAmount, formatTime, formatUsage } from '../../lib/cli/format.ts';
import type { Tone } from '../../lib/cli/output.ts';
import { parseDurationFlag, protobufDuration } from '../../lib/cli/parse.ts';
import { agentSummaries, agentSummary, reservedTextByRole, tasksPerAgent, type AgentState, type AgentSummary } from '../../lib/cli/summaries.ts';
import { formatDuration } from '../../lib/common/duration.ts';

const STATE_TONE: Record<AgentState, Tone | undefined> = {
  active: 'good', deactivated: 'warn', draining: 'warn', drained: 'dim', disconnected: 'bad',
};

function usageCell(agent: AgentSummary, name: string): string {
  const usage = agent.resources[name];
  return usage === undefined ? '-' : formatUsage(name, usage.used, usage.total);
}

export function registerAgent(program: Command): void {
  const agent = withExamples(program.command('agent').description('list, show, drain, deactivate and reactivate agents'), [
    'mesosctl agent list',
    'mesosctl agent show <id>',
    'mesosctl agent drain <id> --grace 30s',
  ]);

  withExamples(
    agent.command('list').description('every registered agent: state, resources used/total, tasks'),
    ['mesosctl agent list', "mesosctl agent list --json | jq -r '.agents[] | select(.state == \"active\") | .id'"],
  ).action(async (_options: object, command: Command) => {
    const ctx = contextFor(command);
    const agents = agentSummaries(await ctx.client.getState());
    if (ctx.json) {
      ctx.out.printJson({ agents });
      return;
    }
    ctx.out.table(
      ['ID', 'HOSTNAME', 'STATE', 'CPUS', 'MEM', 'DISK', 'TASKS', 'AGE'],
      agents.map((a) => [
        a.id, a.hostname, { text: a.state, tone: STATE_TONE[a.state] },
        usageCell(a, 'cpus'), usageCell(a, 'mem'), usageCell(a, 'disk'), String(a.tasks), formatAge(a.registered_time ?? undefined),
      ]),
      'no agents registered',
    );
  });

  withExamples(
    agent.command('show').description('one agent: address, state, drain, resources (total, used, offered, reserved), attributes').argument('<id>', 'agent id, or a unique prefix of it'),
    ['mesosctl agent show 5c1e...-S0', 'mesosctl agent show 5c1e --json | jq .reserved'],
  ).action(async (given: string, _options: object, command: Command) => {
    const ctx = contextFor(command);
    const found = await findAgent(ctx, given);
    const id = found.agent_info.id?.value ?? '';
    const tasks = tasksPerAgent((await ctx.client.getTasks()).tasks).get(id) ?? 0;
    const a = agentSummary(found, tasks);
    if (ctx.json) {
      ctx.out.printJson(a);
      return;
    }
    const drain = a.drain === null ? '-'
      : `${a.drain.state}${a.drain.max_grace_period_seconds === null ? '' : `, grace ${formatDuration(a.drain.max_grace_period_seconds * 1000)}`}${a.drain.mark_gone ? ', then marked gone' : ''}`;
    ctx.out.fields([
      ['ID', a.id],
      ['Hostname', a.hostname],
      ['Address', a.address],
      ['State', { text: a.state, tone: STATE_TONE[a.state] }],
      ['Drain', drain],
      ['Version', a.version || '-'],
      ['Registered', formatTime(a.registered_time ?? undefined)],
      ['Tasks', String(a.tasks)],
      ['Attributes', Object.entries(a.attributes).map(([k, v]) => `${k}:${v}`).join(';') || '-'],
    ]);
    ctx.out.line();
    ctx.out.table(
      ['RESOURCE', 'USED', 'OFFERED', 'TOTAL'],
      Object.entries(a.resources).map(([name, u]) => [name, formatAmount(name, u.used), formatAmount(name, u.offered), formatAmount(name, u.total)]),
      'no scalar resources',
    );
    const reserved = Object.entries(reservedTextByRole(found.total_resources));
    if (reserved.length > 0) {
      ctx.out.line();
      ctx.out.table(['ROLE', 'RESERVED'], reserved);
    }
  });

  withExamples(
    agent
      .command('drain')
      .description('deactivate an agent and kill its tasks (REASON_AGENT_DRAINING); it is DRAINED once none is left')
      .argument('<id>', 'agent id, or a unique prefix of it')
      .option('--grace <duration>', "the longest kill grace period a task gets, e.g. 30s, 5m or Mesos's 30secs (default: each task's own)")
      .option('--mark-gone', 'mark the agent gone once it is drained: it may never come back'),
    ['mesosctl agent drain 5c1e', 'mesosctl agent drain 5c1e --grace 30s --mark-gone'],
  ).action(async (given: string, options: { grace?: string; markGone?: boolean }, command: Command) => {
    const graceMs = options.grace === undefined ? undefined : parseDurationFlag(options.grace, '--grace');
    const ctx = contextFor(command);
    const id = (await findAgent(ctx, given)).agent_info.id!.value;
    await ctx.client.call({
      type: 'DRAIN_AGENT',
      drain_agent: {
        agent_id: { value: id },
        ...(graceMs === undefined ? {} : { max_grace_period: protobufDuration(graceMs) }),
        ...(options.markGone === true ? { mark_gone: true } : {}),
      },
    });
    const details = `${graceMs === undefined ? '' : `, grace ${formatDuration(graceMs)}`}${options.markGone === true ? ', marked gone once drained' : ''}`;
    confirm(ctx, `agent ${id} draining${details}`, 'DRAIN_AGENT', {
      agent_id: id, max_grace_period_seconds: graceMs === undefined ? null : graceMs / 1000, mark_gone: options.markGone === true,
    });
  });

  withExamples(
    agent.command('deactivate').description('stop offering the agent\'s resources; its tasks keep running').argument('<id>', 'agent id, or a unique prefix of it'),
    ['mesosctl agent deactivate 5c1e'],
  ).action(async (given: string, _options: object, command: Command) => {
    const ctx = contextFor(command);
    const id = (await findAgent(ctx, given)).agent_info.id!.value;
    await ctx.client.call({ type: 'DEACTIVATE_AGENT', deactivate_agent: { agent_id: { value: id } } });
    confirm(ctx, `agent ${id} deactivated`, 'DEACTIVATE_AGENT', { agent_id: id });
  });

  withExamples(
    agent.command('reactivate').description('offer the agent\'s resources again; ends a drain').argument('<id>', 'agent id, or a unique prefix of it'),
    ['mesosctl agent reactivate 5c1e'],
  ).action(async (given: string, _options: object, command: Command) => {
    const ctx = contextFor(command);
    const id = (await findAgent(ctx, given)).agent_info.id!.value;
    await ctx.client.call({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: id } } });
    confirm(ctx, `agent ${id} reactivated`, 'REACTIVATE_AGENT', { agent_id: id });
  });
}

// mesosctl framework: list, show and tear down frameworks, and explain what the allocator gives
// them (GET_STATE, GET_FRAMEWORKS, TEARDOWN, EXPLAIN_ALLOCATION). Frameworks are named by id or a
// unique id prefix. Documents: lib/cli/summaries.ts's FrameworkSummary, and EXPLAIN_ALLOCATION's
// answer as the master sends it (docs/mesosctl.md, "framework").
import type { Command } from 'commander';

import { confirm, contextFor, findFramework, withExamples } from '../../lib/cli/command.ts';
import { explainDocument, explainLines } from '../../lib/cli/explain.ts';
import { formatAge, formatAmount, formatQuantities, formatTime, scalarTotals } from '../../lib/cli/format.ts';
import type { Tone } from '../../lib/cli/output.ts';
import { checkRole } from '../../lib/cli/parse.ts';
import { frameworkSummaries, frameworkSummary, tasksPerFramework, type FrameworkState } from '../../lib/cli/summaries.ts';
import { formatDuration } from '../../lib/common/duration.ts';

const STATE_TONE: Record<FrameworkState, Tone | undefined> = { active: 'good', disconnected: 'warn', recovered: 'warn', completed: 'dim' };

export function registerFramework(program: Command): void {
  const framework = withExamples(program.command('framework').description('list, show, tear down and explain frameworks'), [
    'mesosctl framework list --all',
    'mesosctl framework explain <id>',
    'mesosctl framework teardown <id>',
  ]);

  withExamples(
    framework
      .command('list')
      .description('registered frameworks: roles, state, tasks, resources used')
      .option('--all', 'completed frameworks too'),
    ['mesosctl framework list', 'mesosctl framework list --all --json'],
  ).action(async (options: { all?: boolean }, command: Command) => {
    const ctx = contextFor(command);
    const frameworks = frameworkSummaries(await ctx.client.getState(), options.all === true);
    if (ctx.json) {
      ctx.out.printJson({ frameworks });
      return;
    }
    const used = (f: (typeof frameworks)[number], name: string): string => formatAmount(name, f.resources.used[name] ?? 0);
    ctx.out.table(
      ['ID', 'NAME', 'ROLES', 'STATE', 'TASKS', 'CPUS', 'MEM', 'DISK', 'AGE'],
      frameworks.map((f) => [
        f.id, f.name, f.roles.join(','), { text: f.state, tone: STATE_TONE[f.state] },
        String(f.tasks), used(f, 'cpus'), used(f, 'mem'), used(f, 'disk'), formatAge(f.registered_time ?? undefined),
      ]),
      options.all === true ? 'no frameworks' : 'no frameworks registered (--all shows completed ones)',
    );
  });

  withExamples(
    framework.command('show').description('one framework: info, state, tasks, offers, resources used and offered').argument('<id>', 'framework id, or a unique prefix of it'),
    ['mesosctl framework show 5c1e...-0001', 'mesosctl framework show 5c1e --json | jq .roles'],
  ).action(async (given: string, _options: object, command: Command) => {
    const ctx = contextFor(command);
    const found = await findFramework(ctx, given, true);
    const id = found.framework.framework_info.id?.value ?? '';
    const tasks = found.completed ? 0 : (tasksPerFramework((await ctx.client.getTasks()).tasks).get(id) ?? 0);
    const f = frameworkSummary(found.framework, found.completed, tasks);
    if (ctx.json) {
      ctx.out.printJson(f);
      return;
    }
    ctx.out.fields([
      ['ID', f.id],
      ['Name', f.name],
      ['State', { text: f.state, tone: STATE_TONE[f.state] }],
      ['Roles', f.roles.join(', ')],
      ['User', f.user],
      ['Principal', f.principal ?? '-'],
      ['Hostname', f.hostname ?? '-'],
      ['Web UI', f.webui_url ?? '-'],
      ['Registered', formatTime(f.registered_time ?? undefined)],
      ...(f.unregistered_time === null ? [] : [['Unregistered', formatTime(f.unregistered_time)] as [string, string]]),
      ['Failover timeout', f.failover_timeout_seconds === null ? '-' : f.failover_timeout_seconds === 0 ? '0secs' : formatDuration(f.failover_timeout_seconds * 1000)],
      ['Checkpoint', f.checkpoint ? 'yes' : 'no'],
      ['Capabilities', f.capabilities.join(', ') || '-'],
      ['Tasks', String(f.tasks)],
      ['Offers', String(f.offers)],
      ['Used', formatQuantities(f.resources.used)],
      ['Offered', formatQuantities(f.resources.offered)],
    ]);
  });

  withExamples(
    framework
      .command('teardown')
      .description('remove a framework: its tasks are killed and its offers rescinded; it cannot come back with this id')
      .argument('<id>', 'framework id, or a unique prefix of it'),
    ['mesosctl framework teardown 5c1e...-0001'],
  ).action(async (given: string, _options: object, command: Command) => {
    const ctx = contextFor(command);
    const found = await findFramework(ctx, given);
    const id = found.framework.framework_info.id!.value;
    await ctx.client.call({ type: 'TEARDOWN', teardown: { framework_id: { value: id } } });
    confirm(ctx, `framework ${id} (${found.framework.framework_info.name}) torn down`, 'TEARDOWN', { framework_id: id });
  });

  withExamples(
    framework
      .command('explain')
      .description("the allocator's view of a framework in one role: share, rank, weight, filters, quota, what it was offered, and why it got nothing")
      .argument('<id>', 'framework id, or a unique prefix of it')
      .option('--role <role>', "the role to explain (default: the framework's first role)"),
    ['mesosctl framework explain 5c1e', 'mesosctl framework explain 5c1e --role web --json | jq -r .reason'],
  ).action(async (given: string, options: { role?: string }, command: Command) => {
    if (options.role !== undefined) checkRole(options.role, '--role');
    const ctx = contextFor(command);
    const found = await findFramework(ctx, given);
    const id = found.framework.framework_info.id!.value;
    const explanation = await ctx.client.explain(id, options.role);
    if (ctx.json) {
      ctx.out.printJson(explainDocument(explanation));
      return;
    }
    const lines = explainLines(explanation, {
      offers: (found.framework.offers ?? []).length,
      offered: scalarTotals(found.framework.offered_resources),
    });
    ctx.out.fields(lines.map(([label, text]) => {
      if (label !== 'Reason') return [label, text];
      return [label, { text, tone: explanation.reason === 'OFFERED' ? 'good' : 'bad' }];
    }));
  });
}

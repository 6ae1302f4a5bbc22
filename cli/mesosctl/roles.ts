// mesosctl role, quota and weights: roles with their weights, quota and allocations (GET_ROLES,
// GET_QUOTA, GET_WEIGHTS), quota per top-level role (UPDATE_QUOTA) and weights (UPDATE_WEIGHTS).
// Resources and weights are parsed (lib/cli/parse.ts) before any request, so a typo never reaches
// the master. Documents: lib/cli/summaries.ts (docs/mesosctl.md, "role list", "quota", "weights").
import type { Command } from 'commander';

import { confirm, contextFor, withExamples } from '../../lib/cli/command.ts';
import { formatNumber, formatQuantities } from '../../lib/cli/format.ts';
import { checkRole, parseQuotaResources, parseWeights } from '../../lib/cli/parse.ts';
import { quotaSummaries, quotaSummary, roleSummaries, type QuotaSummary } from '../../lib/cli/summaries.ts';
import { MesosError } from '../../lib/common/errors.ts';
import type * as quota from '../../lib/types/quota.ts';

function quotaText(q: Pick<QuotaSummary, 'guarantees' | 'limits'>): string {
  return `guarantee ${formatQuantities(q.guarantees)}, limit ${formatQuantities(q.limits)}`;
}

export function registerRoles(program: Command): void {
  // ------------------------------------------------------------------ role
  const role = withExamples(program.command('role').description('roles: weights, quota, frameworks and allocations'), ['mesosctl role list']);

  withExamples(
    role.command('list').description('every role the master knows of, with its weight, quota, frameworks and allocation'),
    ['mesosctl role list', 'mesosctl role list --json | jq \'.roles[] | select(.quota != null)\''],
  ).action(async (_options: object, command: Command) => {
    const ctx = contextFor(command);
    const [roles, quotas, weights] = await Promise.all([
      ctx.client.query({ type: 'GET_ROLES' }),
      ctx.client.query({ type: 'GET_QUOTA' }),
      ctx.client.query({ type: 'GET_WEIGHTS' }),
    ]);
    const summaries = roleSummaries(roles.get_roles ?? {}, quotas.get_quota?.status ?? {}, weights.get_weights ?? {});
    if (ctx.json) {
      ctx.out.printJson({ roles: summaries });
      return;
    }
    ctx.out.table(
      ['ROLE', 'WEIGHT', 'FRAMEWORKS', 'ALLOCATED', 'GUARANTEE', 'LIMIT'],
      summaries.map((r) => [
        r.name, formatNumber(r.weight, 3), String(r.frameworks.length), formatQuantities(r.allocated),
        formatQuantities(r.quota?.guarantees), formatQuantities(r.quota?.limits),
      ]),
      'no roles: no framework, weight, quota or reservation names one yet',
    );
  });

  // ------------------------------------------------------------------ quota
  const quotaCommand = withExamples(program.command('quota').description('quota guarantees and limits of top-level roles'), [
    'mesosctl quota get',
    "mesosctl quota set web --guarantee 'cpus:1;mem:512' --limit 'cpus:2;mem:1024'",
    'mesosctl quota remove web',
  ]);

  withExamples(
    quotaCommand.command('get').description('the quota of every role, or of one').argument('[role]', 'only this role'),
    ['mesosctl quota get', 'mesosctl quota get web --json'],
  ).action(async (roleName: string | undefined, _options: object, command: Command) => {
    if (roleName !== undefined) checkRole(roleName);
    const ctx = contextFor(command);
    const all = quotaSummaries((await ctx.client.query({ type: 'GET_QUOTA' })).get_quota?.status ?? {});
    const quotas = roleName === undefined ? all : all.filter((q) => q.role === roleName);
    if (ctx.json) {
      ctx.out.printJson({ quotas });
      return;
    }
    ctx.out.table(
      ['ROLE', 'GUARANTEE', 'LIMIT'],
      quotas.map((q) => [q.role, formatQuantities(q.guarantees), formatQuantities(q.limits)]),
      roleName === undefined ? 'no role has a quota' : `role ${roleName} has no quota`,
    );
  });

  withExamples(
    quotaCommand
      .command('set')
      .summary("set a role's quota guarantee and/or limit")
      .description(
        "set a top-level role's quota guarantee and/or limit (UPDATE_QUOTA). A flag left out keeps its current value; " +
          "an empty one ('') clears it. Scalars only, in the resources text form.",
      )
      .argument('<role>', 'a top-level role')
      .option('--guarantee <resources>', "resources the role is guaranteed, e.g. 'cpus:1;mem:512'")
      .option('--limit <resources>', "the most the role may hold, e.g. 'cpus:2;mem:1024'")
      .option('--force', "skip the master's check that all guarantees fit the cluster"),
    [
      "mesosctl quota set web --guarantee 'cpus:1;mem:512' --limit 'cpus:2;mem:1024'",
      "mesosctl quota set web --limit cpus:4           # keeps the guarantee",
      "mesosctl quota set batch --guarantee cpus:100 --force",
    ],
  ).action(async (roleName: string, options: { guarantee?: string; limit?: string; force?: boolean }, command: Command) => {
    checkRole(roleName);
    if (options.guarantee === undefined && options.limit === undefined) {
      throw new MesosError('INVALID_FLAG', "give --guarantee, --limit or both ('mesosctl quota remove <role>' removes a quota)");
    }
    const guarantees = options.guarantee === undefined ? undefined : parseQuotaResources(options.guarantee, '--guarantee');
    const limits = options.limit === undefined ? undefined : parseQuotaResources(options.limit, '--limit');
    const ctx = contextFor(command);
    // UPDATE_QUOTA replaces a role's whole config: start from the current one so that a flag left
    // out keeps its value.
    const current = (await ctx.client.query({ type: 'GET_QUOTA' })).get_quota?.status.configs?.find((c) => c.role === roleName);
    const config: quota.QuotaConfig = { role: roleName };
    const nextGuarantees = guarantees ?? current?.guarantees ?? {};
    const nextLimits = limits ?? current?.limits ?? {};
    if (Object.keys(nextGuarantees).length > 0) config.guarantees = nextGuarantees;
    if (Object.keys(nextLimits).length > 0) config.limits = nextLimits;
    await ctx.client.call({ type: 'UPDATE_QUOTA', update_quota: { ...(options.force === true ? { force: true } : {}), quota_configs: [config] } });
    const summary = quotaSummary(config);
    const removed = config.guarantees === undefined && config.limits === undefined;
    confirm(ctx, removed ? `quota of role ${roleName} removed` : `quota of role ${roleName} set: ${quotaText(summary)}`, 'UPDATE_QUOTA', { quota: summary });
  });

  withExamples(
    quotaCommand.command('remove').description("remove a role's quota (guarantee and limit)").argument('<role>', 'a top-level role'),
    ['mesosctl quota remove web'],
  ).action(async (roleName: string, _options: object, command: Command) => {
    checkRole(roleName);
    const ctx = contextFor(command);
    // A config with neither guarantees nor limits removes the role's quota.
    await ctx.client.call({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: roleName }] } });
    confirm(ctx, `quota of role ${roleName} removed`, 'UPDATE_QUOTA', { quota: { role: roleName, guarantees: {}, limits: {} } });
  });

  // ------------------------------------------------------------------ weights
  const weights = withExamples(program.command('weights').summary('role weights').description('role weights: a role with weight 2 gets twice the fair share of one with weight 1'), [
    'mesosctl weights get',
    'mesosctl weights set web=2 batch=0.5',
  ]);

  withExamples(
    weights.command('get').description('the weights set by operators (every other role weighs 1)'),
    ['mesosctl weights get', 'mesosctl weights get --json'],
  ).action(async (_options: object, command: Command) => {
    const ctx = contextFor(command);
    const infos = (await ctx.client.query({ type: 'GET_WEIGHTS' })).get_weights?.weight_infos ?? [];
    const list = infos.filter((w) => w.role !== undefined).map((w) => ({ role: w.role!, weight: w.weight }));
    if (ctx.json) {
      ctx.out.printJson({ weights: list });
      return;
    }
    ctx.out.table(['ROLE', 'WEIGHT'], list.map((w) => [w.role, formatNumber(w.weight, 3)]), 'no weights set: every role weighs 1');
  });

  withExamples(
    weights.command('set').description('set the weights of roles (UPDATE_WEIGHTS)').argument('<role=weight...>', 'one or more, e.g. web=2 batch=0.5'),
    ['mesosctl weights set web=2', 'mesosctl weights set web=2 batch=0.5'],
  ).action(async (args: string[], _options: object, command: Command) => {
    const infos = parseWeights(args);
    const ctx = contextFor(command);
    await ctx.client.call({ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: infos } });
    confirm(ctx, `weights set: ${infos.map((w) => `${w.role}=${formatNumber(w.weight, 3)}`).join(', ')}`, 'UPDATE_WEIGHTS', {
      weights: infos.map((w) => ({ role: w.role, weight: w.weight })),
    });
  });
}

// mesosctl cluster status: the leading master, its version, agents and frameworks by state, tasks,
// and resources used, offered and total per kind. One GET_MASTER, GET_VERSION and GET_STATE; the
// document is lib/cli/summaries.ts's clusterStatus (docs/mesosctl.md, "cluster status").
import type { Command } from 'commander';

import { contextFor, withExamples } from '../../lib/cli/command.ts';
import { formatAmount, formatNumber, formatTime } from '../../lib/cli/format.ts';
import { clusterStatus } from '../../lib/cli/summaries.ts';
import { endpointText } from '../../lib/client/http.ts';

export function registerCluster(program: Command): void {
  const cluster = withExamples(program.command('cluster').description('the cluster as a whole'), ['mesosctl cluster status']);

  withExamples(
    cluster
      .command('status')
      .description('leader, version, agents, frameworks, tasks, and resources used/offered/total per kind'),
    ['mesosctl cluster status', 'mesosctl cluster status --json | jq .resources.cpus'],
  ).action(async (_options: object, command: Command) => {
    const ctx = contextFor(command);
    const [getMaster, version, state] = await Promise.all([
      ctx.client.query({ type: 'GET_MASTER' }),
      ctx.client.query({ type: 'GET_VERSION' }),
      ctx.client.getState(),
    ]);
    const status = clusterStatus(endpointText(ctx.master), getMaster.get_master ?? {}, version.get_version, state);
    if (ctx.json) {
      ctx.out.printJson(status);
      return;
    }
    const { agents, frameworks, leader } = status;
    const counts = (entries: [string, number][]): string => entries.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`).join(', ') || 'none';
    const tasks = Object.entries(status.tasks).map(([state, n]): [string, number] => [state.replace(/^TASK_/, '').toLowerCase(), n]);
    ctx.out.fields([
      ['Leader', leader === null ? '-' : `${leader.address}${leader.hostname === null ? '' : ` (${leader.hostname})`}, id ${leader.id}`],
      ['Elected', formatTime(leader?.elected_time ?? undefined)],
      ['Version', status.version],
      ['Agents', `${agents.total}${agents.total > 0 ? ` (${counts([['active', agents.active], ['deactivated', agents.deactivated], ['draining', agents.draining], ['drained', agents.drained], ['disconnected', agents.disconnected]])})` : ''}`],
      ['Frameworks', `${frameworks.total}${frameworks.total > 0 ? ` (${counts([['active', frameworks.active], ['disconnected', frameworks.disconnected], ['recovered', frameworks.recovered]])})` : ''}${frameworks.completed > 0 ? `, ${frameworks.completed} completed` : ''}`],
      ['Tasks', counts(tasks)],
    ]);
    ctx.out.line();
    const percent = (used: number, total: number): string => (total > 0 ? `${formatNumber((used / total) * 100, 0)}%` : '-');
    ctx.out.table(
      ['RESOURCE', 'USED', 'OFFERED', 'TOTAL', 'USED%'],
      Object.entries(status.resources).map(([name, usage]) => [
        name, formatAmount(name, usage.used), formatAmount(name, usage.offered), formatAmount(name, usage.total), percent(usage.used, usage.total),
      ]),
      'no resources: no agent is registered',
    );
  });
}

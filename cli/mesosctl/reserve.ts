// mesosctl reserve and unreserve: dynamic reservations of an agent's unallocated resources for a
// role (RESERVE_RESOURCES, UNRESERVE_RESOURCES). The resources text is parsed and given a DYNAMIC
// reservation for the role before any request (lib/cli/parse.ts), in the refined format the master
// accepts (lib/master/master.ts reserveResources). The master answers 409 when the agent has not
// that much free, or, unreserving, no such reservation.
import type { Command } from 'commander';

import { Resources } from '../../lib/api/resources.ts';
import { confirm, contextFor, findAgent, withExamples } from '../../lib/cli/command.ts';
import { parseReservation } from '../../lib/cli/parse.ts';

interface ReserveOptions {
  principal?: string;
}

function register(program: Command, reserving: boolean): void {
  const verb = reserving ? 'reserve' : 'unreserve';
  const call = reserving ? 'RESERVE_RESOURCES' : 'UNRESERVE_RESOURCES';
  withExamples(
    program
      .command(verb)
      .summary(reserving ? "reserve an agent's resources for a role" : "give back an agent's resources reserved for a role")
      .description(
        reserving
          ? "reserve an agent's unallocated resources for a role (a dynamic reservation): only that role and its subroles are offered them"
          : 'give back resources dynamically reserved for a role, so that every role may be offered them again',
      )
      .argument('<agent-id>', 'agent id, or a unique prefix of it')
      .argument('<role>', 'the role')
      .argument('<resources>', "resources in the text form, without a role: 'cpus:1;mem:512;ports:[31000-31009]'")
      .option('--principal <principal>', reserving ? "the reservation's principal" : 'the principal the reservation was made with'),
    reserving
      ? ["mesosctl reserve 5c1e web 'cpus:1;mem:512'", "mesosctl reserve 5c1e web 'ports:[31000-31009]' --principal ops"]
      : ["mesosctl unreserve 5c1e web 'cpus:1;mem:512'"],
  ).action(async (given: string, role: string, text: string, options: ReserveOptions, command: Command) => {
    const resources = parseReservation(text, role, options.principal);
    const ctx = contextFor(command);
    const agentId = (await findAgent(ctx, given)).agent_info.id!.value;
    await ctx.client.call(reserving
      ? { type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources } }
      : { type: 'UNRESERVE_RESOURCES', unreserve_resources: { agent_id: { value: agentId }, resources } });
    const what = Resources.from(resources).toUnreserved().toString().replace(/; /g, ';');
    confirm(ctx, `${reserving ? 'reserved' : 'unreserved'} ${what} ${reserving ? 'for' : 'from'} role ${role} on agent ${agentId}`, call, {
      agent_id: agentId, role, resources: Object.fromEntries(Resources.from(resources).toQuantities()),
    });
  });
}

export function registerReservations(program: Command): void {
  register(program, true);
  register(program, false);
}

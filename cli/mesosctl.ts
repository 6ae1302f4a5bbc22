// mesosctl: the operator's command line. Each command group lives in cli/mesosctl/<group>.ts as a
// thin shell over lib/ (lib/client for the APIs, lib/cli for the context and output); errors
// become one line and an exit code in cli/run.ts, nowhere else.
import { Command } from 'commander';

import { runCli } from './run.ts';
import { registerAgent } from './mesosctl/agent.ts';
import { registerCluster } from './mesosctl/cluster.ts';
import { registerFramework } from './mesosctl/framework.ts';
import { registerLocal } from './mesosctl/local.ts';
import { registerMaintenance } from './mesosctl/maintenance.ts';
import { registerReservations } from './mesosctl/reserve.ts';
import { registerRoles } from './mesosctl/roles.ts';
import { registerRun } from './mesosctl/run.ts';
import { registerTask } from './mesosctl/task.ts';

const program = new Command('mesosctl')
  .description('Drives a mesos-ts (or Mesos) cluster through its operator API.')
  .option('--master <host:port>', 'the master to talk to (default: MESOS_MASTER, the config file, or 127.0.0.1:5050)')
  .option('--config <file>', 'config file with {"master": "host:port"} (default: ~/.config/mesosctl/config.json)')
  .option('--json', 'print JSON for machines')
  .option('--no-color', 'never color output')
  .showHelpAfterError(false)
  .addHelpText('after', [
    '',
    'Examples:',
    '  mesosctl cluster status',
    '  mesosctl run --cpus 0.5 --mem 64 -- echo hello',
    '  mesosctl task log --follow <task-id>',
    '  MESOS_MASTER=10.0.0.1:5050 mesosctl agent list --json',
  ].join('\n'));

registerCluster(program);
registerAgent(program);
registerFramework(program);
registerTask(program);
registerRun(program);
registerRoles(program);
registerReservations(program);
registerMaintenance(program);
registerLocal(program);

await runCli(program);

// mesosctl cluster: cluster status: leader, version, agents, frameworks, resources (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerCluster(program: Command): void {
  program
    .command('cluster')
    .description('cluster status: leader, version, agents, frameworks, resources')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl cluster' is not built yet");
    });
}

// mesosctl agent: list, show, drain, deactivate and reactivate agents (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('list, show, drain, deactivate and reactivate agents')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl agent' is not built yet");
    });
}

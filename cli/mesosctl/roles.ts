// mesosctl role: roles, quota and weights (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerRoles(program: Command): void {
  program
    .command('role')
    .description('roles, quota and weights')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl role' is not built yet");
    });
}

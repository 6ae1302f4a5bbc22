// mesosctl maintenance: maintenance schedule, status, machines up and down (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerMaintenance(program: Command): void {
  program
    .command('maintenance')
    .description('maintenance schedule, status, machines up and down')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl maintenance' is not built yet");
    });
}

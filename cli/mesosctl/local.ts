// mesosctl local: start and stop a local dev cluster (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerLocal(program: Command): void {
  program
    .command('local')
    .description('start and stop a local dev cluster')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl local' is not built yet");
    });
}

// mesosctl framework: list, show, teardown and explain frameworks (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerFramework(program: Command): void {
  program
    .command('framework')
    .description('list, show, teardown and explain frameworks')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl framework' is not built yet");
    });
}

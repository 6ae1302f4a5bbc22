// mesosctl task: list, show, kill tasks and read their logs (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerTask(program: Command): void {
  program
    .command('task')
    .description('list, show, kill tasks and read their logs')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl task' is not built yet");
    });
}

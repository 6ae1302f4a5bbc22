// mesosctl run: run one command task and stream its output (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one command task and stream its output')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl run' is not built yet");
    });
}

// mesosctl reserve: reserve and unreserve resources on an agent (to be built).
import type { Command } from 'commander';
import { MesosError } from '../../lib/common/errors.ts';

export function registerReservations(program: Command): void {
  program
    .command('reserve')
    .description('reserve and unreserve resources on an agent')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new MesosError('NOT_IMPLEMENTED', "'mesosctl reserve' is not built yet");
    });
}

// The one place where a CLI error becomes a message and an exit code. Commands throw; nothing
// below this calls process.exit.

import { CommanderError, type Command } from 'commander';
import { exitCode, isMesosError } from '../lib/common/errors.ts';

export async function runCli(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  // `mesosctl ... | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  program.exitOverride();
  program.configureOutput({
    // Commander's own usage errors already read "error: unknown option '--x'".
    outputError: (text, write) => write(`${program.name()}: ${text.replace(/^error: /, '')}`),
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : 64;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${program.name()}: ${message}\n`);
    if (!isMesosError(err) && process.env.MESOS_TS_DEBUG) console.error(err);
    process.exitCode = exitCode(err);
  }
}

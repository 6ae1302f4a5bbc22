// The one place where a CLI error becomes a message and an exit code. Commands throw; nothing
// below this calls process.exit. Exit codes come from the error registry (lib/common/errors.ts).

import { CommanderError, type Command } from 'commander';
import { MesosError, exitCode, isMesosError } from '../lib/common/errors.ts';

export async function runCli(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  // `mesosctl ... | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  // Commander copies these settings to a subcommand only when it is created, and the command
  // groups exist before runCli runs: so every command in the tree gets them here. Otherwise a
  // usage error in `mesosctl agent list --bogus` would exit 1 through commander's own
  // process.exit, with its "error: " prefix.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      // Commander's own usage errors already read "error: unknown option '--x'"; a suggestion
      // ("(Did you mean role?)") comes on a line of its own, and joins the one line here.
      outputError: (text, write) => write(`${program.name()}: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help ends here with exit code 0. Usage errors (unknown option, missing value) were
      // printed by commander; they exit as any invalid flag does.
      process.exitCode = err.exitCode === 0 ? 0 : exitCode(new MesosError('INVALID_FLAG', err.message, { cause: err }));
      return;
    }
    // One line per failure: a message quoting a multi-line cause (node-gyp-build's "No native
    // build was found ...\n    loaded from: ...") is joined, and one that already starts with the
    // program's name (`mesos-ts: cannot load ...`) is not prefixed twice.
    const message = (err instanceof Error ? err.message : String(err)).trim().replace(/\s*\n\s*/g, ' ');
    const prefix = `${program.name()}: `;
    process.stderr.write(`${message.startsWith(prefix) ? '' : prefix}${message}\n`);
    if (!isMesosError(err) && process.env.MESOS_TS_DEBUG) console.error(err);
    process.exitCode = exitCode(err);
  }
}

// What every benchmark in bench/ shares: the host description at the top of its JSON report and
// the handling of its command line (a bad option: the message and the usage, exit 2; --help:
// the usage, exit 0).

import { availableParallelism, cpus, totalmem } from 'node:os';

export interface HostInfo {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryMB: number;
}

export function hostInfo(): HostInfo {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
  };
}

/**
 * Parses the command line with `parse`. Returns the options, or the exit code when there is
 * nothing to run: 2 after printing a bad option's message and the usage, 0 after --help.
 */
export function parseCommandLine<T extends { help: boolean }>(parse: (argv: string[]) => T, usage: string): T | number {
  let options: T;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return options;
}

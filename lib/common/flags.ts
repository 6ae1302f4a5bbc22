// Mesos-style command-line flags on top of commander, shared by the bins in cli/.
//
// Mesos's flag loader (stout's flags.hpp) reads `--name=value`. A boolean flag may also be given
// bare (`--name`, meaning true) or negated (`--no-name`), and its value may be true, false, 1 or 0.
// A duration flag takes stout's duration format (`10secs`, see duration.ts). Bad values are
// INVALID_FLAG MesosErrors worded as Mesos words them, naming the flag:
// `Failed to load flag 'strict': Failed to load value 'yes': Expecting a boolean (e.g., true or false)`.

import { Command, Option } from 'commander';
import { parseDuration } from './duration.ts';
import { MesosError } from './errors.ts';

/** The INVALID_FLAG error for flag `name`, worded as stout words it. */
export function invalidFlag(name: string, reason: string): MesosError {
  return new MesosError('INVALID_FLAG', `Failed to load flag '${name}': ${reason}`);
}

/** Parses a boolean flag's value as stout's `parse<bool>`: true, false, 1 or 0. */
export function parseBooleanFlag(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalidFlag(name, `Failed to load value '${value}': Expecting a boolean (e.g., true or false)`);
}

/** Parses an integer flag's value in [min, max]: decimal digits only, as stout's `parse<int>`. */
export function parseIntegerFlag(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw invalidFlag(name, `Failed to load value '${text}': Expecting an integer between ${min} and ${max}`);
  }
  return value;
}

/**
 * Checks a duration flag's value (`10secs`, `1.5hrs`) and keeps its text, so that a given value
 * and the default (which commander never parses) reach the command in the same form.
 */
export function parseDurationFlag(name: string, value: string): string {
  try {
    parseDuration(value);
  } catch (err) {
    throw invalidFlag(name, (err as Error).message);
  }
  return value;
}

/**
 * A commander Command with Mesos's flag kinds as chainable methods:
 * `new MesosCommand('mesos-agent').durationFlag('executor_shutdown_grace_period', '...', '5secs')`.
 */
export class MesosCommand extends Command {
  /** Adds `--name=<duration>`. Without a default the flag is unset unless given. */
  durationFlag(name: string, description: string, defaultValue?: string): this {
    const option = new Option(`--${name} <duration>`, description).argParser((value: string) => parseDurationFlag(name, value));
    return this.addOption(defaultValue === undefined ? option : option.default(defaultValue));
  }

  /**
   * Adds a boolean flag the way Mesos accepts it: `--name`, `--name=true`, `--name=false` (also 1
   * and 0) and `--no-name`; the last one given wins.
   *
   * Commander has no such option kind, so this adds two: `--name [bool]`, whose value is optional,
   * and a hidden `--no-name` that sets the same attribute to false. Help shows them as one line,
   * `--[no-]name[=<bool>]`, as Mesos's help does.
   */
  booleanFlag(name: string, description: string, defaultValue: boolean): this {
    const option = new Option(`--${name} [bool]`, description)
      .default(defaultValue)
      .argParser((value: string) => parseBooleanFlag(name, value));
    // Only help reads `flags` after construction; parsing uses the names derived from it above.
    option.flags = `--[no-]${name}[=<bool>]`;
    return this.addOption(option).addOption(new Option(`--no-${name}`).hideHelp());
  }
}

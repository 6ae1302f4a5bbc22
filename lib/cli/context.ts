// What every mesosctl command starts from: the master to talk to and how to print. The master
// comes from `--master`, else MESOS_MASTER, else the config file's `master`, else
// 127.0.0.1:5050 (the `npm start` and `mesosctl local up` cluster). The config file is
// `--config`, else MESOSCTL_CONFIG, else `$XDG_CONFIG_HOME/mesosctl/config.json` (default
// `~/.config/mesosctl/config.json`), and holds `{"master": "host:port"}`; a missing default file
// is fine, a named file that is missing or malformed is an error.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { Command } from 'commander';

import { OperatorClient } from '../client/operator.ts';
import { parseEndpoint, type Endpoint } from '../client/http.ts';
import { MesosError } from '../common/errors.ts';
import { Output } from './output.ts';

export const DEFAULT_MASTER = '127.0.0.1:5050';

/** The global options, as commander parses them on the root command. */
export interface GlobalOptions {
  master?: string;
  json?: boolean;
  color?: boolean;
  config?: string;
}

export interface CliContext {
  readonly master: Endpoint;
  readonly client: OperatorClient;
  readonly json: boolean;
  readonly out: Output;
}

export interface ConfigFile {
  master?: string;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : join(homedir(), '.config');
  return join(base, 'mesosctl', 'config.json');
}

export function readConfig(path: string, required: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new MesosError('INVALID_FLAG', `cannot read the config file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MesosError('INVALID_JSON', `the config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MesosError('INVALID_FLAG', `the config file ${path} must hold a JSON object, e.g. {"master": "127.0.0.1:5050"}`);
  }
  const master = (json as Record<string, unknown>)['master'];
  if (master !== undefined && typeof master !== 'string') {
    throw new MesosError('INVALID_FLAG', `the config file ${path}: "master" must be a string host:port`);
  }
  return master === undefined ? {} : { master };
}

/** Resolves the global options of the root command `program` into a context. */
export function contextOf(program: Command, env: NodeJS.ProcessEnv = process.env): CliContext {
  const options = program.opts<GlobalOptions>();
  const configPath = options.config ?? env['MESOSCTL_CONFIG'];
  const config = readConfig(configPath ?? defaultConfigPath(env), configPath !== undefined);
  const masterText = options.master ?? (env['MESOS_MASTER'] || undefined) ?? config.master ?? DEFAULT_MASTER;
  const master = parseEndpoint(masterText);
  const json = options.json === true;
  const color = options.color !== false && env['NO_COLOR'] === undefined && process.stdout.isTTY === true;
  return { master, client: new OperatorClient(master), json, out: new Output({ color, json }) };
}

/** The root command of any subcommand, where the global options live. */
export function rootOf(command: Command): Command {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root;
}

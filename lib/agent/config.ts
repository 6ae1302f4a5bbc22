// What an agent is configured with, and the pure rules that turn Mesos's flags into it: the
// isolators named by `--isolation`, and the resources an agent offers when `--resources` leaves a
// kind out (Mesos's `Containerizer::resources`).

import { readFileSync, statfsSync } from 'node:fs';
import { cpus as osCpus, totalmem } from 'node:os';
import { join } from 'node:path';

import { parseResourcesOrThrow } from '../api/resources-text.ts';
import type { Resources } from '../api/resources.ts';
import { invalidFlag } from '../common/flags.ts';
import type * as v1 from '../types/mesos.ts';

/** The isolators this agent implements, by Mesos's names. */
export const ISOLATORS = [
  'cgroups/cpu',
  'cgroups/mem',
  'cgroups/pids',
  'namespaces/pid',
  'namespaces/ipc',
  'filesystem/linux',
  'filesystem/posix',
  'posix/cpu',
  'posix/mem',
] as const;
export type Isolator = (typeof ISOLATORS)[number];

/** Mesos's deprecated aliases (`src/slave/containerizer/mesos/containerizer.cpp`). */
const ALIASES: Readonly<Record<string, readonly Isolator[]>> = {
  process: ['posix/cpu', 'posix/mem'],
  cgroups: ['cgroups/cpu', 'cgroups/mem'],
  'cgroups/all': ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'],
};

/** How containers are isolated, derived from the isolators. */
export interface Isolation {
  readonly isolators: readonly Isolator[];
  /** cgroup controllers the agent manages (`cpu`, `memory`, `pids`); empty: no cgroups. */
  readonly controllers: readonly ('cpu' | 'memory' | 'pids')[];
  /** Namespaces each container is cloned into (`pid` implies `mount`: it needs its own /proc). */
  readonly namespaces: readonly ('pid' | 'mount' | 'ipc' | 'uts' | 'net')[];
}


/** Parses `--isolation` (comma separated, aliases expanded, duplicates dropped). */
export function parseIsolation(text: string): Isolation {
  const isolators: Isolator[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const expanded = ALIASES[name] ?? ((ISOLATORS as readonly string[]).includes(name) ? [name as Isolator] : undefined);
    if (expanded === undefined) {
      throw invalidFlag('isolation', `Unknown or unsupported isolator '${name}' (supported: ${ISOLATORS.join(', ')})`);
    }
    for (const isolator of expanded) if (!isolators.includes(isolator)) isolators.push(isolator);
  }
  return isolationOf(isolators);
}

export function isolationOf(isolators: readonly Isolator[]): Isolation {
  const controllers: ('cpu' | 'memory' | 'pids')[] = [];
  if (isolators.includes('cgroups/cpu')) controllers.push('cpu');
  if (isolators.includes('cgroups/mem')) controllers.push('memory');
  if (isolators.includes('cgroups/pids')) controllers.push('pids');
  const namespaces: ('pid' | 'mount' | 'ipc')[] = [];
  if (isolators.includes('namespaces/pid') || isolators.includes('filesystem/linux')) namespaces.push('mount');
  if (isolators.includes('namespaces/pid')) namespaces.push('pid');
  if (isolators.includes('namespaces/ipc')) namespaces.push('ipc');
  return { isolators, controllers, namespaces };
}

/**
 * The default `--isolation`: everything the host supports. As root with the cgroup controllers
 * mounted, cpu, memory and pids cgroups, pid and ipc namespaces and a mount namespace per
 * container; otherwise (not root) Mesos's own default, `posix/cpu,posix/mem`, which isolates
 * nothing and only accounts.
 */
export function defaultIsolation(root: boolean, availableControllers: readonly string[]): Isolation {
  if (!root) return isolationOf(['posix/cpu', 'posix/mem']);
  const isolators: Isolator[] = [];
  if (availableControllers.includes('cpu')) isolators.push('cgroups/cpu');
  if (availableControllers.includes('memory')) isolators.push('cgroups/mem');
  if (availableControllers.includes('pids')) isolators.push('cgroups/pids');
  isolators.push('namespaces/pid', 'namespaces/ipc', 'filesystem/linux');
  return isolationOf(isolators);
}

/**
 * The cgroup controllers this host offers the agent: the v1 controller mounts, or on a v2-only
 * host the controllers listed in the cgroup2 root's `cgroup.controllers`.
 */
export function hostControllers(layout: { mode: string; v1: Readonly<Record<string, string>>; v2?: string }): string[] {
  if (layout.mode !== 'v2') return Object.keys(layout.v1);
  try {
    return readFileSync(join(layout.v2 ?? '/sys/fs/cgroup', 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * The agent's total resources: `--resources` as given, plus every kind it leaves out among cpus,
 * mem, disk and ports, detected as Mesos does:
 *   cpus  the host's CPUs;
 *   mem   the host's memory less 1 GB for the system, or half of it below 2 GB
 *         (16 GB -> 15360 MB; 1.5 GB -> 768 MB);
 *   disk  the size of the work_dir's filesystem less 5 GB, or half of it below 10 GB;
 *   ports [31000-32000].
 */
export function agentResources(text: string | undefined, workDir: string): Resources {
  const given = text === undefined || text.trim() === '' ? [] : parseResourcesOrThrow(text).toArray();
  const has = (name: string): boolean => given.some((r) => r.name === name);
  const detected: v1.Resource[] = [];
  const scalar = (name: string, value: number): v1.Resource => ({ name, type: 'SCALAR', scalar: { value } });
  if (!has('cpus')) detected.push(scalar('cpus', osCpus().length));
  if (!has('mem')) {
    const total = totalmem();
    const mem = total >= 2 * GB ? total - GB : total / 2;
    detected.push(scalar('mem', Math.floor(mem / MB)));
  }
  if (!has('disk')) {
    const fs = statfsSync(workDir);
    const total = fs.blocks * fs.bsize;
    const disk = total >= 10 * GB ? total - 5 * GB : total / 2;
    detected.push(scalar('disk', Math.floor(disk / MB)));
  }
  if (!has('ports')) detected.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } });
  return parseResourcesOrThrow(JSON.stringify([...given, ...detected]));
}

/**
 * `--attributes=rack:r1;zone:a;slots:[1-4];gpu:1.5`: Mesos's attribute text. A value that parses
 * as a number is SCALAR, `[a-b, ...]` is RANGES, `{a,b}` is SET, anything else TEXT.
 */
export function parseAttributes(text: string): v1.Attribute[] {
  const attributes: v1.Attribute[] = [];
  for (const entry of text.split(';')) {
    if (entry.trim() === '') continue;
    const colon = entry.indexOf(':');
    const name = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 1).trim();
    if (colon <= 0 || name === '' || value === '') {
      throw invalidFlag('attributes', `Invalid attribute '${entry}': expecting <name>:<value>`);
    }
    if (/^-?\d+(\.\d+)?$/.test(value)) {
      attributes.push({ name, type: 'SCALAR', scalar: { value: Number(value) } });
    } else if (value.startsWith('[') && value.endsWith(']')) {
      const range = value.slice(1, -1).split(',').map((part) => {
        const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
        if (!match) throw invalidFlag('attributes', `Invalid range in attribute '${entry}'`);
        return { begin: Number(match[1]), end: Number(match[2]) };
      });
      attributes.push({ name, type: 'RANGES', ranges: { range } });
    } else if (value.startsWith('{') && value.endsWith('}')) {
      attributes.push({ name, type: 'SET', set: { item: value.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean) } });
    } else {
      attributes.push({ name, type: 'TEXT', text: { value } });
    }
  }
  return attributes;
}

/** `--master=host:port` (also `http://host:port`). */
export function parseMasterAddress(text: string): { host: string; port: number } {
  const match = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port > 0 && port < 65536)) {
    throw invalidFlag('master', `Expecting <host>:<port>, got '${text}'`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

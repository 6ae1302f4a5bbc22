// The isolation variants the launch benchmark compares: one row per `--isolation` an agent may
// run with, from no isolation at all to every namespace. Each namespace is measured on top of
// cgroups alone, so that its own cost is the difference between its row and the `cgroups` row.

import { parseIsolation, type Isolation } from '../../lib/agent/config.ts';

export interface Variant {
  /** The name `--variants` takes and the tables print. */
  readonly name: string;
  /** The agent's `--isolation` for this variant, in Mesos's spelling. */
  readonly isolationFlag: string;
  readonly isolation: Isolation;
  /** What the variant adds, for the README and the JSON document. */
  readonly summary: string;
}

const CGROUPS = 'cgroups/cpu,cgroups/mem,cgroups/pids';

function variant(name: string, isolationFlag: string, summary: string): Variant {
  return { name, isolationFlag, isolation: parseIsolation(isolationFlag), summary };
}

export const VARIANTS: readonly Variant[] = [
  variant('none', 'posix/cpu,posix/mem', 'no cgroups, no namespaces (Mesos\'s non-root default)'),
  variant('cgroups', CGROUPS, 'cpu, memory and pids cgroups (freezer too on cgroups v1), no namespaces'),
  variant('pid', `${CGROUPS},namespaces/pid`, 'cgroups + a pid namespace (with the mount namespace and /proc it needs)'),
  variant('ipc', `${CGROUPS},namespaces/ipc`, 'cgroups + an ipc namespace'),
  variant('mount', `${CGROUPS},filesystem/linux`, 'cgroups + a mount namespace (filesystem/linux)'),
  variant('all', `${CGROUPS},namespaces/pid,namespaces/ipc,filesystem/linux`, 'cgroups + pid, ipc and mount namespaces (the root default)'),
];

/** True when the variant creates cgroups or namespaces, which takes root. */
export function needsRoot(v: Variant): boolean {
  return v.isolation.controllers.length > 0 || v.isolation.namespaces.length > 0;
}

/** The variants named in `--variants a,b,c`, in the table's order; throws on an unknown name. */
export function selectVariants(list: string | undefined): Variant[] {
  if (list === undefined) return [...VARIANTS];
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!VARIANTS.some((v) => v.name === name)) {
      throw new Error(`unknown variant '${name}' (variants: ${VARIANTS.map((v) => v.name).join(', ')})`);
    }
  }
  if (names.length === 0) throw new Error('--variants names no variant');
  return VARIANTS.filter((v) => names.includes(v.name));
}

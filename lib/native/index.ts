// The one loader of the native addon (build/Release/mesos_native.node, built from native/ by
// binding.gyp) and its typed surface. Nothing else in the package requires the addon: other
// modules import the functions below, and the raw native handle never leaves this file.
//
// The addon is loaded on first use, not on import, so that modules which merely import this one
// (and tests of the TypeScript reference allocator) work on a checkout whose addon is not built.

import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AllocatorCore, CoreExplain, Decisions, EventBatch } from '../allocator/protocol.ts';
import { MesosError, type ErrorCode } from '../common/errors.ts';

/** How the host's cgroup hierarchies are mounted (see native/cgroups/hierarchy.h). */
export type CgroupsMode =
  /** Only cgroups v1 controller hierarchies. */
  | 'v1'
  /** Only the unified cgroup2 hierarchy carries controllers. */
  | 'v2'
  /** v1 controller hierarchies plus a cgroup2 mount; the controllers are the v1 ones. */
  | 'hybrid';

export interface CgroupsLayout {
  readonly mode: CgroupsMode;
  /** v1 controller name (`cpu`, `memory`, `freezer`, ...) -> mount point. Co-mounted controllers share one. */
  readonly v1: Readonly<Record<string, string>>;
  /** Mount point of the cgroup2 hierarchy, if one is mounted. */
  readonly v2?: string;
}

/** The `code` of every error detectCgroups throws. */
export const CGROUPS_DETECT_FAILED = 'CGROUPS_DETECT_FAILED' satisfies ErrorCode;

/**
 * A failure to read the cgroup layout. The addon throws a plain Error carrying the code and the
 * errno details; detectCgroups re-throws it as this registered MesosError.
 */
export class CgroupsDetectError extends MesosError {
  declare readonly code: typeof CGROUPS_DETECT_FAILED;
  /** The positive C errno (compare with `os.constants.errno`), present when a system call failed. */
  declare readonly errno?: number;
  /** The system call that failed (`open`, `read`, ...), present with errno. */
  declare readonly syscall?: string;
  /** The file at fault (the mountinfo file), when there is one. */
  declare readonly path?: string;

  constructor(message: string, details: { errno?: number; syscall?: string; path?: string; cause?: unknown }) {
    super(CGROUPS_DETECT_FAILED, message, { cause: details.cause });
    this.name = 'CgroupsDetectError';
    if (details.errno !== undefined) this.errno = details.errno;
    if (details.syscall !== undefined) this.syscall = details.syscall;
    if (details.path !== undefined) this.path = details.path;
  }
}

export function isCgroupsDetectError(error: unknown): error is CgroupsDetectError {
  return error instanceof CgroupsDetectError;
}

/** CoreExplain as native/binding/allocator.cc sends it: Maps as [key, value, key, value, ...]. */
interface NativeExplain extends Omit<CoreExplain, 'guarantee' | 'limit' | 'consumed' | 'offered'> {
  guarantee: Float64Array;
  limit: Float64Array;
  consumed: Float64Array;
  offered: Float64Array;
}

/** An instance of the addon's Allocator class (native/binding/allocator.cc). */
interface NativeAllocatorHandle {
  apply(data: Float64Array, strings: readonly string[]): void;
  allocate(now: number): Decisions;
  explain(framework: number, role: number): NativeExplain;
}

/** The addon's exports, exactly as native/binding registers them. Private to this file. */
interface NativeAddon {
  version(): string;
  detectCgroups(mountinfoPath?: string): CgroupsLayout;
  dominantShares(allocated: Float64Array, total: Float64Array, excluded: Uint8Array, weights: Float64Array): Float64Array;
  Allocator: new () => NativeAllocatorHandle;
}

/**
 * The package root: the nearest directory above this file that holds binding.gyp. Walking up
 * (instead of a fixed `../..`) keeps working if this file is ever compiled into another tree.
 */
function findPackageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    if (dirname(dir) === dir) {
      throw new MesosError('NATIVE_LOAD_FAILED', `mesos-ts: no binding.gyp found in ${start} or any directory above it`);
    }
  }
}

let packageRoot: string | undefined;
function root(): string {
  packageRoot ??= findPackageRoot();
  return packageRoot;
}

let addon: NativeAddon | undefined;
function native(): NativeAddon {
  if (addon === undefined) {
    // node-gyp-build is CommonJS; it picks build/Release (or a matching prebuild) under root.
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    try {
      addon = nodeGypBuild(root()) as NativeAddon;
    } catch (cause) {
      throw new MesosError(
        'NATIVE_LOAD_FAILED',
        `mesos-ts: cannot load the native addon from ${root()} (build it with \`npm run build:native\`): ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause },
      );
    }
  }
  return addon;
}

/** The package version the loaded addon was built from; differs from package.json when build/ is stale. */
export function nativeVersion(): string {
  return native().version();
}

/**
 * The host's cgroup layout. Without an argument it reads /proc/self/mountinfo once per process
 * and answers from that; with a path it parses that file (in the kernel's mountinfo format) on
 * every call. Throws a CgroupsDetectError when the file cannot be read, a line is malformed, or
 * no cgroup hierarchy is mounted.
 */
export function detectCgroups(mountinfoPath?: string): CgroupsLayout {
  try {
    return mountinfoPath === undefined ? native().detectCgroups() : native().detectCgroups(mountinfoPath);
  } catch (err) {
    const e = err as { code?: unknown; message?: string; errno?: number; syscall?: string; path?: string };
    if (e?.code !== CGROUPS_DETECT_FAILED) throw err;
    const details: { errno?: number; syscall?: string; path?: string; cause: unknown } = { cause: err };
    if (typeof e.errno === 'number') details.errno = e.errno;
    if (typeof e.syscall === 'string') details.syscall = e.syscall;
    if (typeof e.path === 'string') details.path = e.path;
    throw new CgroupsDetectError(e.message ?? 'cgroup detection failed', details);
  }
}

/**
 * Weighted DRF dominant shares for a batch of clients, computed natively in the fixed-point
 * arithmetic of the allocator (amounts rounded to thousandths).
 *
 * With `names = total.length` and `clients = weights.length`: `allocated` holds clients x names
 * amounts, row-major (client c's amount of name n at `c * names + n`); `excluded` one flag per
 * name (non-zero: not counted in shares); `weights` one positive weight per client. Returns one
 * share per client: the max over counted names with a non-zero total of allocated / total,
 * divided by the client's weight.
 *
 * Throws TypeError for a missing argument or a wrong array type, RangeError for mismatched
 * lengths, amounts that are negative, not finite or above ~9.2e15, and weights that are not > 0.
 */
export function dominantShares(
  allocated: Float64Array,
  total: Float64Array,
  excluded: Uint8Array,
  weights: Float64Array,
): Float64Array {
  return native().dominantShares(allocated, total, excluded, weights);
}

/**
 * The absolute path of the mesos-containerizer executable that binding.gyp builds next to the
 * addon. Throws if it is missing or not executable, naming the path and the command that builds it.
 */
export function containerizerPath(): string {
  const path = join(root(), 'build', 'Release', 'mesos-containerizer');
  try {
    accessSync(path, constants.X_OK);
  } catch (cause) {
    const problem = existsSync(path) ? 'is not executable' : 'does not exist';
    throw new MesosError('NATIVE_LOAD_FAILED', `mesos-ts: ${path} ${problem} (build it with \`npm run build:native\`)`, { cause });
  }
  return path;
}

/** Runs `body`, turning the addon's INVALID_ALLOCATOR_EVENT errors into MesosErrors (the registry's form). */
function rethrowRefusal<T>(body: () => T): T {
  try {
    return body();
  } catch (cause) {
    if ((cause as { code?: unknown } | null)?.code === 'INVALID_ALLOCATOR_EVENT') {
      throw new MesosError('INVALID_ALLOCATOR_EVENT', (cause as Error).message, { cause });
    }
    throw cause;
  }
}

/** [k, v, k, v, ...] as a Map, in the order given (ascending keys from the core). */
function pairsToMap(pairs: Float64Array): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) out.set(pairs[i]!, pairs[i + 1]!);
  return out;
}

/**
 * The native allocator core (native/drf/allocator.h, docs/allocator.md) behind the AllocatorCore
 * interface the facade drives. Batches and decisions cross the boundary as typed arrays; only
 * explain() builds a few Maps.
 *
 * apply() throws a MesosError with code INVALID_ALLOCATOR_EVENT when the core refuses a batch: a
 * malformed batch changes nothing; a semantic error stops at the bad event, which changes
 * nothing, and the events before it stay applied (the message names the event). Wrong argument
 * types throw TypeError, out-of-range values RangeError.
 */
export class NativeAllocatorCore implements AllocatorCore {
  readonly #handle: NativeAllocatorHandle;

  constructor() {
    this.#handle = new (native().Allocator)();
  }

  apply(batch: EventBatch): void {
    rethrowRefusal(() => this.#handle.apply(batch.data, batch.strings));
  }

  allocate(now: number): Decisions {
    return this.#handle.allocate(now);
  }

  /** Throws INVALID_ALLOCATOR_EVENT for an unknown framework or role, as the reference does. */
  explain(framework: number, role: number): CoreExplain {
    const e = rethrowRefusal(() => this.#handle.explain(framework, role));
    return {
      share: e.share,
      rank: e.rank,
      roleShare: e.roleShare,
      roleRank: e.roleRank,
      weight: e.weight,
      active: e.active,
      suppressed: e.suppressed,
      filters: e.filters,
      filteredAgents: e.filteredAgents,
      guarantee: pairsToMap(e.guarantee),
      limit: pairsToMap(e.limit),
      consumed: pairsToMap(e.consumed),
      offered: pairsToMap(e.offered),
      skips: e.skips,
      candidates: e.candidates,
    };
  }
}

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

/** The `code` of every error detectCgroups throws (and openCgroups, when it detects the layout). */
export const CGROUPS_DETECT_FAILED = 'CGROUPS_DETECT_FAILED' satisfies ErrorCode;

/** The `code` of every error a Cgroups manager's operations throw. */
export const CGROUPS_OPERATION_FAILED = 'CGROUPS_OPERATION_FAILED' satisfies ErrorCode;

/** What the addon attaches to a failed system call, next to its code. */
interface NativeFailureDetails {
  errno?: number;
  syscall?: string;
  path?: string;
  cause?: unknown;
}

/** A cgroup failure with the details the addon reports; one subclass per registered code. */
abstract class CgroupsError extends MesosError {
  /** The positive C errno (compare with `os.constants.errno`), present when a system call failed. */
  declare readonly errno?: number;
  /** The system call that failed (`open`, `write`, `rmdir`, ...), present with errno. */
  declare readonly syscall?: string;
  /** The file at fault, when there is one. */
  declare readonly path?: string;

  constructor(code: typeof CGROUPS_DETECT_FAILED | typeof CGROUPS_OPERATION_FAILED, message: string, details: NativeFailureDetails) {
    super(code, message, { cause: details.cause });
    if (details.errno !== undefined) this.errno = details.errno;
    if (details.syscall !== undefined) this.syscall = details.syscall;
    if (details.path !== undefined) this.path = details.path;
  }
}

/**
 * A failure to read the cgroup layout. The addon throws a plain Error carrying the code and the
 * errno details; detectCgroups re-throws it as this registered MesosError.
 */
export class CgroupsDetectError extends CgroupsError {
  declare readonly code: typeof CGROUPS_DETECT_FAILED;

  constructor(message: string, details: NativeFailureDetails) {
    super(CGROUPS_DETECT_FAILED, message, details);
    this.name = 'CgroupsDetectError';
  }
}

export function isCgroupsDetectError(error: unknown): error is CgroupsDetectError {
  return error instanceof CgroupsDetectError;
}

/**
 * A cgroup operation that failed or was refused: a system call on a cgroup file (the message
 * quotes it and the path, like `open("/sys/fs/cgroup/cpu/mesos/c1/cpu.shares"): No such file or
 * directory`), a controller that is not mounted or not enabled, a container id that breaks the
 * naming rules, or processes still alive after kill().
 */
export class CgroupsOperationError extends CgroupsError {
  declare readonly code: typeof CGROUPS_OPERATION_FAILED;

  constructor(message: string, details: NativeFailureDetails) {
    super(CGROUPS_OPERATION_FAILED, message, details);
    this.name = 'CgroupsOperationError';
  }
}

export function isCgroupsOperationError(error: unknown): error is CgroupsOperationError {
  return error instanceof CgroupsOperationError;
}

/** Runs `body`, turning the addon's coded cgroup errors into their registered MesosErrors. */
function rethrowCgroups<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    const e = err as { code?: unknown; message?: string; errno?: unknown; syscall?: unknown; path?: unknown } | null;
    if (e?.code !== CGROUPS_DETECT_FAILED && e?.code !== CGROUPS_OPERATION_FAILED) throw err;
    const details: NativeFailureDetails = { cause: err };
    if (typeof e.errno === 'number') details.errno = e.errno;
    if (typeof e.syscall === 'string') details.syscall = e.syscall;
    if (typeof e.path === 'string') details.path = e.path;
    const message = e.message ?? 'cgroup operation failed';
    throw e.code === CGROUPS_DETECT_FAILED ? new CgroupsDetectError(message, details) : new CgroupsOperationError(message, details);
  }
}

/** The controllers a container can be isolated with; freezer is used on v1 whenever it is mounted. */
export type CgroupController = 'cpu' | 'memory' | 'pids';

export interface CgroupsOptions {
  /** Mesos's --cgroups_root, relative to each hierarchy's mount point; default `mesos`. */
  readonly cgroupsRoot?: string;
  /** The controllers to isolate with; duplicates are ignored. */
  readonly controllers: readonly CgroupController[];
  /** Detect the layout from this mountinfo file instead of /proc/self/mountinfo. */
  readonly mountinfoPath?: string;
  /** Use this layout as is (tests point it at a fake tree of directories); wins over mountinfoPath. */
  readonly layout?: CgroupsLayout;
}

/** A container's limits; each backend applies the part that belongs to a controller it uses. */
export interface CgroupLimits {
  /** The cpus resource, 0 to 1e6: v1 cpu.shares = max(2, floor(1024 cpus)), v2 cpu.weight = clamp(round(100 cpus), 1, 10000). */
  readonly cpus: number;
  /** Enforce a hard CFS quota of max(1 ms, cpus x 100 ms) per 100 ms (--cgroups_enable_cfs); without it the quota is lifted. Default false. */
  readonly cfsQuota?: boolean;
  /** memory.limit_in_bytes (v1, also the soft limit) / memory.max and memory.low (v2), at least 32 MiB; undefined lifts the limit. */
  readonly memoryBytes?: number;
  /** pids.max; undefined lifts it. */
  readonly pidsMax?: number;
}

/** What statistics() reads; fields of a controller the manager does not use are 0 or absent. */
export interface CgroupStatistics {
  readonly cpusUserTimeSecs: number;
  readonly cpusSystemTimeSecs: number;
  /** v1 memory.stat total_rss (or rss), v2 memory.stat anon. */
  readonly memRssBytes: number;
  /** v1 memory.usage_in_bytes, v2 memory.current. */
  readonly memUsageBytes: number;
  /** Absent when unlimited. */
  readonly memLimitBytes?: number;
  /** pids.current, present when the pids controller is used. */
  readonly pidsCurrent?: number;
  /** Processes the OOM killer killed in the container (v1 memory.oom_control, v2 memory.events `oom_kill`). */
  readonly oomKills: number;
  /** v1 memory.oom_control `under_oom`; always false on v2, which has no such state. */
  readonly underOom: boolean;
}

/**
 * The agent's cgroups (native/cgroups/manager.h): the cgroups below `<mount>/<cgroupsRoot>/` of
 * every hierarchy it uses, and nothing else. Container ids must be 1 to 255 characters of
 * [A-Za-z0-9._-], not `.` or `..`. Every method is synchronous (a few small file writes) and
 * throws a CgroupsOperationError on failure, TypeError/RangeError for arguments of the wrong type
 * or range.
 */
export interface Cgroups {
  /** The backend: 'v1' (hybrid hosts too, whose controllers are v1) or 'v2'. */
  readonly mode: 'v1' | 'v2';
  /** Creates `<mount>/<cgroupsRoot>` in every hierarchy; on v2 also enables the controllers for the containers. Idempotent. */
  prepare(): void;
  /** The container's cgroup directories, without touching the disk (same as create() returns). */
  paths(containerId: string): string[];
  /** Creates the container's cgroups; returns the directories whose cgroup.procs its first process must join (v1: one per hierarchy, v2: one). Throws if one exists already. */
  create(containerId: string): string[];
  update(containerId: string, limits: CgroupLimits): void;
  statistics(containerId: string): CgroupStatistics;
  /** The processes in the container's cgroups and below, ascending. */
  pids(containerId: string): number[];
  /**
   * SIGKILLs every process of the container (freezing it around the signals on v1, cgroup.kill on
   * v2) and returns once its cgroups are empty. May block for milliseconds while the freezer
   * settles and processes exit; gives up with an error after about 2 s.
   */
  kill(containerId: string): void;
  /** kill(), then removes the container's cgroups, children first. Idempotent. */
  destroy(containerId: string): void;
  /** The ids of the containers with cgroups under the agent's root (recovery, orphans), ascending. */
  containers(): string[];
}

/** An instance of the addon's CgroupManager class (native/binding/cgroups.cc). */
interface NativeCgroupManagerHandle {
  mode(): 'v1' | 'v2';
  prepare(): void;
  paths(containerId: string): string[];
  create(containerId: string): string[];
  update(containerId: string, cpus: number, cfsQuota: boolean, memoryBytes: number | undefined, pidsMax: number | undefined): void;
  statistics(containerId: string): CgroupStatistics;
  pids(containerId: string): number[];
  kill(containerId: string): void;
  destroy(containerId: string): void;
  containers(): string[];
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
  CgroupManager: new (
    cgroupsRoot: string,
    controllers: readonly string[],
    layout: CgroupsLayout | undefined,
    mountinfoPath: string | undefined,
  ) => NativeCgroupManagerHandle;
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
  return rethrowCgroups(() => (mountinfoPath === undefined ? native().detectCgroups() : native().detectCgroups(mountinfoPath)));
}

/**
 * A Cgroups manager for this host (or for `options.layout`, or the layout in
 * `options.mountinfoPath`). Throws a CgroupsDetectError when the layout cannot be read, a
 * CgroupsOperationError when a controller is not mounted or the cgroups root is refused (absolute,
 * `..`, characters outside [A-Za-z0-9._-/]). Touches nothing on disk; call prepare() next.
 */
export function openCgroups(options: CgroupsOptions): Cgroups {
  return new NativeCgroups(options);
}

class NativeCgroups implements Cgroups {
  readonly #handle: NativeCgroupManagerHandle;
  readonly mode: 'v1' | 'v2';

  constructor(options: CgroupsOptions) {
    const Manager = native().CgroupManager;
    this.#handle = rethrowCgroups(
      () => new Manager(options.cgroupsRoot ?? 'mesos', options.controllers, options.layout, options.mountinfoPath),
    );
    this.mode = this.#handle.mode();
  }

  prepare(): void {
    rethrowCgroups(() => this.#handle.prepare());
  }

  paths(containerId: string): string[] {
    return rethrowCgroups(() => this.#handle.paths(containerId));
  }

  create(containerId: string): string[] {
    return rethrowCgroups(() => this.#handle.create(containerId));
  }

  update(containerId: string, limits: CgroupLimits): void {
    rethrowCgroups(() =>
      this.#handle.update(containerId, limits.cpus, limits.cfsQuota ?? false, limits.memoryBytes, limits.pidsMax),
    );
  }

  statistics(containerId: string): CgroupStatistics {
    return rethrowCgroups(() => this.#handle.statistics(containerId));
  }

  pids(containerId: string): number[] {
    return rethrowCgroups(() => this.#handle.pids(containerId));
  }

  kill(containerId: string): void {
    rethrowCgroups(() => this.#handle.kill(containerId));
  }

  destroy(containerId: string): void {
    rethrowCgroups(() => this.#handle.destroy(containerId));
  }

  containers(): string[] {
    return rethrowCgroups(() => this.#handle.containers());
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

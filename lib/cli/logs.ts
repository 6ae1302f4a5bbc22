// Reading a task's sandbox files (`stdout`, `stderr`) from its agent, for `mesosctl task log`
// and `mesosctl run`: where the sandbox is (from the agent's `/state`), the offset where the
// last N lines start, and a follower that polls a file from its last offset and hands on the
// new bytes until the task has ended and the file is drained.
//
// Bytes are read with the agent's READ_FILE (the v1 operator API's /files/read): it answers the
// file's own bytes (base64) and its size, so a follower never miscounts its offset or splits a
// UTF-8 character the way decoded text could, and the bytes go to the terminal unchanged.

import { MesosError } from '../common/errors.ts';

/** Reads sandbox files. A file that does not exist (yet) throws a MesosError NOT_FOUND. */
export interface SandboxReader {
  read(path: string, offset: number, length: number): Promise<{ data: Buffer; size: number }>;
}

/** What the agent's `/state` says about executors, as far as finding a sandbox goes. */
interface StateExecutor {
  readonly id?: string;
  readonly type?: string;
  readonly directory?: string;
  readonly tasks?: readonly { readonly id?: string }[];
  readonly queued_tasks?: readonly { readonly id?: string }[];
  readonly completed_tasks?: readonly { readonly id?: string }[];
}

interface StateFramework {
  readonly id?: string;
  readonly executors?: readonly StateExecutor[];
  readonly completed_executors?: readonly StateExecutor[];
}

/**
 * The sandbox directory of a task from an agent's `/state` (the shape of Mesos's
 * `/slave(1)/state`), or undefined if the agent does not list it. A command task is its own
 * executor (executor id = task id) and writes in the executor's directory; a task of a task
 * group writes in `<executor directory>/tasks/<task id>`, as Mesos's default executor does.
 * The last match wins: an executor id reused by a later run is the newer sandbox.
 */
export function findSandbox(state: unknown, frameworkId: string, taskId: string): string | undefined {
  const root = (state ?? {}) as { frameworks?: readonly StateFramework[]; completed_frameworks?: readonly StateFramework[] };
  let found: string | undefined;
  for (const framework of [...(root.frameworks ?? []), ...(root.completed_frameworks ?? [])]) {
    if (framework.id !== frameworkId) continue;
    for (const executor of [...(framework.executors ?? []), ...(framework.completed_executors ?? [])]) {
      if (typeof executor.directory !== 'string' || executor.directory === '') continue;
      const listed = [...(executor.tasks ?? []), ...(executor.queued_tasks ?? []), ...(executor.completed_tasks ?? [])].some((t) => t.id === taskId);
      if (executor.type === 'DEFAULT') {
        if (listed) found = `${executor.directory}/tasks/${taskId}`;
      } else if (executor.id === taskId || listed) {
        found = executor.directory;
      }
    }
  }
  return found;
}

/**
 * Where the last `lines` lines of a file start, given a `chunk` of it that begins at `chunkStart`
 * and runs to the end of the file; undefined when the chunk holds fewer lines than that (read
 * further back). A trailing newline ends the last line rather than starting an empty one.
 *
 * Example: "a\nb\nc\n" with lines = 2 starts at 2 ("b\nc\n"); "a\nb\nc" also at 2 ("b\nc").
 */
export function lastLinesOffset(chunk: Buffer, chunkStart: number, lines: number): number | undefined {
  if (lines <= 0) return chunkStart + chunk.length;
  let end = chunk.length;
  if (end > 0 && chunk[end - 1] === 0x0a) end--;
  let seen = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (chunk[i] === 0x0a && ++seen === lines) return chunkStart + i + 1;
  }
  return chunkStart === 0 ? 0 : undefined;
}

/** One READ_FILE answers at most this much (the agent's cap, Mesos's 16 pages). */
export const READ_CHUNK = 64 * 1024;

/** Reads at `offset`, treating a missing file as empty: the task may not have opened it yet. */
async function readOrEmpty(reader: SandboxReader, path: string, offset: number, length: number): Promise<{ data: Buffer; size: number }> {
  try {
    return await reader.read(path, offset, length);
  } catch (err) {
    if (err instanceof MesosError && (err.code === 'NOT_FOUND' || err.code === 'FILE_NOT_FOUND')) return { data: Buffer.alloc(0), size: 0 };
    throw err;
  }
}

/** The offset where the last `lines` lines of `path` start (0 for a short or missing file). */
export async function tailStart(reader: SandboxReader, path: string, lines: number): Promise<number> {
  const { size } = await readOrEmpty(reader, path, 0, 0);
  // Read backwards a chunk at a time, keeping what was read (from `start` to the end).
  let start = size;
  let tail = Buffer.alloc(0);
  while (start > 0) {
    const from = Math.max(0, start - READ_CHUNK);
    const { data } = await readOrEmpty(reader, path, from, start - from);
    if (data.length === 0) return start;
    tail = Buffer.concat([data, tail]);
    start = from;
    const found = lastLinesOffset(tail, start, lines);
    if (found !== undefined) return found;
  }
  return 0;
}

/**
 * Follows one file from `offset`: each `poll()` reads everything written since the last one and
 * hands it to `write`, in order.
 */
export class FileFollower {
  readonly path: string;
  offset: number;
  readonly #reader: SandboxReader;
  readonly #write: (data: Buffer) => void;

  constructor(reader: SandboxReader, path: string, write: (data: Buffer) => void, offset = 0) {
    this.#reader = reader;
    this.path = path;
    this.#write = write;
    this.offset = offset;
  }

  /** Reads to the current end of the file; resolves with how many bytes were new. */
  async poll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { data } = await readOrEmpty(this.#reader, this.path, this.offset, READ_CHUNK);
      if (data.length === 0) return total;
      this.offset += data.length;
      total += data.length;
      this.#write(data);
      if (data.length < READ_CHUNK) return total;
    }
  }
}

export interface FollowOptions {
  /**
   * Whether the writer is done (the task is terminal). Asked only after a poll found nothing
   * new; once it says yes, every file is read to its end once more and following stops.
   */
  readonly isDone: () => boolean | Promise<boolean>;
  /** Time between polls that found nothing new. */
  readonly pollMs: number;
  /** Stops following (Ctrl-C): resolves without the final drain. */
  readonly signal?: AbortSignal;
}

/** Polls `followers` until `isDone` and they are drained, or `signal` aborts. */
export async function follow(followers: readonly FileFollower[], options: FollowOptions): Promise<void> {
  for (;;) {
    if (options.signal?.aborted) return;
    let fresh = 0;
    for (const follower of followers) fresh += await follower.poll();
    if (fresh > 0) continue;
    if (await options.isDone()) {
      // The task has ended: what it wrote is all there. Read it to the end.
      for (const follower of followers) await follower.poll();
      return;
    }
    await sleep(options.pollMs, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

// Containerizer mode: the agent-side cost of a launch in isolation, in this process. A
// Containerizer (lib/agent/containerizer.ts) with the variant's isolation launches `/bin/true`
// again and again; each sample is one launch() call until it resolves, which is the moment the
// agent sends TASK_RUNNING (the launcher has cloned the task, placed it in its cgroups and seen
// its exec succeed). Waiting for the task's end and destroying the container come after the
// sample and are not counted.
//
// Everything it makes is registered with the run's Cleanup: a temporary directory (runtime dir
// and sandboxes), a cgroups root of its own (`mesos-bench-<pid>-<random>`) in every hierarchy,
// and each container until it is destroyed.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Containerizer, type LaunchSpec, type Termination } from '../../lib/agent/containerizer.ts';
import { openCgroups } from '../../lib/native/index.ts';
import { tempDir } from '../../test/helpers/master-process.ts';
import { TASK, runResult, since, variantResult, type ModeContext, type RunResult, type VariantResult } from './results.ts';
import type { Variant } from './variants.ts';

/** The environment the agent gives a command task: its own, less Node's settings, plus Mesos's variables. */
function taskEnvironment(containerId: string, sandbox: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('NODE_') && !name.startsWith('npm_')) env[name] = value;
  }
  env['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return { ...env, MESOS_SANDBOX: sandbox, MESOS_DIRECTORY: sandbox, MESOS_TASK_ID: containerId, MESOS_CONTAINER_ID: containerId };
}

/** The directories of `cgroupsRoot` the variant's cgroups manager uses, one per hierarchy. */
function cgroupRootDirs(v: Variant, cgroupsRoot: string): string[] {
  if (v.isolation.controllers.length === 0) return [];
  const cgroups = openCgroups({ cgroupsRoot, controllers: [...v.isolation.controllers] });
  return [...new Set(cgroups.paths('probe').map((dir) => dirname(dir)))];
}

/** Removes an (empty) cgroup directory, retrying while the kernel still holds a just-emptied child. */
async function removeCgroupDir(dir: string): Promise<void> {
  for (let attempt = 0; existsSync(dir); attempt++) {
    try {
      rmdirSync(dir);
    } catch (err) {
      if (attempt >= 50) throw new Error(`cannot remove the benchmark's cgroup ${dir}: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export async function runContainerizerVariant(v: Variant, ctx: ModeContext): Promise<VariantResult> {
  const { counts, progress, cleanup: t } = ctx;
  const dir = tempDir(t, 'mesos-bench-launch-');
  const cgroupsRoot = `mesos-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  // Registered before the root exists (Containerizer.create makes it), so that it is removed
  // whatever happens next; cleanup runs last-in first-out, after the containers are destroyed.
  const rootDirs = cgroupRootDirs(v, cgroupsRoot);
  t.add(`remove the cgroups root ${cgroupsRoot}`, async () => {
    for (const rootDir of rootDirs) await removeCgroupDir(rootDir);
  });
  const containerizer = Containerizer.create({
    runtimeDir: join(dir, 'runtime'),
    isolation: v.isolation,
    cgroupsRoot,
    enableCfs: false,
    log: (line) => progress.note(`containerizer ${v.name}: ${line}`),
  });
  /** Containers launched and not destroyed yet. */
  const live = new Set<string>();
  t.add(`destroy the containers of ${v.name}`, () => {
    containerizer.stop();
    for (const id of live) containerizer.destroy(id);
    live.clear();
  });

  let serial = 0;
  /** Launches one `true` task: resolves with the sample (ms), or the launch error. */
  const launchOne = async (kind: string): Promise<{ id: string; ms: number } | { id: string; error: string }> => {
    const id = `${kind}-${serial++}`;
    const sandbox = join(dir, 'sandboxes', id);
    mkdirSync(sandbox, { recursive: true });
    const spec: LaunchSpec = {
      containerId: id,
      sandbox,
      command: { shell: false, value: '/bin/true', arguments: ['true'] },
      environment: taskEnvironment(id, sandbox),
      cpus: TASK.cpus,
      memoryBytes: TASK.memMB * 2 ** 20,
    };
    live.add(id);
    const start = performance.now();
    try {
      await containerizer.launch(spec);
    } catch (err) {
      // A failed launch leaves nothing behind (the containerizer removes it).
      live.delete(id);
      return { id, error: (err as Error).message };
    }
    return { id, ms: since(start) };
  };
  /** Waits for the task's end and destroys its container; true if `true` exited 0. */
  const finish = async (id: string): Promise<boolean> => {
    const termination: Termination = await containerizer.wait(id);
    containerizer.destroy(id);
    live.delete(id);
    return termination.exitCode === 0;
  };
  const firstError: string[] = [];
  const noteError = (r: { error: string }): void => {
    if (firstError.length === 0) progress.note(`containerizer ${v.name}: launch failed: ${r.error}`);
    firstError.push(r.error);
  };

  progress.start();
  // The first launch pays for cold caches (the launcher's pages, JIT); it is reported apart.
  const warm = await launchOne('warmup');
  let warmupMs: number | null = null;
  if ('error' in warm) noteError(warm);
  else {
    warmupMs = warm.ms;
    await finish(warm.id);
  }

  const runs: RunResult[] = [];
  if (counts.sequential > 0) {
    const samples: number[] = [];
    let failures = 0;
    const started = performance.now();
    for (let i = 0; i < counts.sequential; i++) {
      progress.update(`containerizer ${v.name}: sequential ${i}/${counts.sequential}`);
      const r = await launchOne('seq');
      if ('error' in r) {
        noteError(r);
        failures++;
        continue;
      }
      samples.push(r.ms);
      if (!(await finish(r.id))) failures++;
    }
    runs.push(runResult('sequential', counts.sequential, failures, samples, null, since(started)));
  }
  if (counts.concurrent > 0) {
    progress.update(`containerizer ${v.name}: ${counts.concurrent} concurrent`, true);
    const started = performance.now();
    // All launch() calls are made in one turn of the event loop. Each runs synchronously up to
    // the launcher's spawn, so the k-th call starts after the first k-1 spawns; its sample is
    // still its own call -> resolution.
    const results = await Promise.all(Array.from({ length: counts.concurrent }, () => launchOne('conc')));
    const wallMs = since(started);
    const samples: number[] = [];
    let failures = 0;
    for (const r of results) {
      if ('error' in r) {
        noteError(r);
        failures++;
      } else {
        samples.push(r.ms);
      }
    }
    const ended = await Promise.all(results.filter((r) => !('error' in r)).map((r) => finish(r.id)));
    failures += ended.filter((ok) => !ok).length;
    runs.push(runResult('concurrent', counts.concurrent, failures, samples, null, wallMs));
  }
  progress.done();
  const failed = runs.reduce((sum, r) => sum + r.failures, 0);
  return variantResult(v, 'ok', {
    warmupMs,
    runs,
    ...(failed > 0 || firstError.length > 0 ? { reason: `${failed} task(s) failed; first error: ${firstError[0] ?? 'a task did not exit 0'}` } : {}),
  });
}

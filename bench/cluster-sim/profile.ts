// Where the master's time went: a summary of the .cpuprofile that `node --cpu-prof` wrote
// (--profile-master). Self time is the time a function was on top of the stack; total time counts
// the time it was anywhere on the stack (once per sample, whatever the recursion). Frames are
// grouped by function name and source location; files are shortened to the repository.

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  location: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
  totalPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Profiled wall time, ms. */
  wallMs: number;
  /** Time with JavaScript, GC or native code running (not idle), ms. */
  busyMs: number;
  idleMs: number;
  gcMs: number;
  /** By self time; percentages are of busy time. */
  topSelf: ProfileEntry[];
  /** By total (inclusive) time, functions of this repository only. */
  topTotal: ProfileEntry[];
  /** Self time per source file. */
  byFile: { file: string; selfMs: number; selfPercent: number }[];
}

function shorten(url: string): string {
  if (url === '') return '(native)';
  const at = url.indexOf('/main/');
  let short = at >= 0 ? url.slice(at + '/main/'.length) : url.replace(/^file:\/\//, '');
  short = short.replace(/^node_modules\//, 'nm/');
  return short;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'}\t${shorten(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  let busyMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    if (name === '(garbage collector)') gcMs += ms;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + ms);
    const f = shorten(node.callFrame.url);
    fileSelf.set(f, (fileSelf.get(f) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  }
  const entry = (key: string): ProfileEntry => {
    const [name, location] = key.split('\t') as [string, string];
    const s = self.get(key) ?? 0;
    const t = total.get(key) ?? 0;
    return { name, location, selfMs: s, selfPercent: busyMs > 0 ? (s / busyMs) * 100 : 0, totalMs: t, totalPercent: busyMs > 0 ? (t / busyMs) * 100 : 0 };
  };
  const topSelf = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k]) => entry(k));
  const topTotal = [...total.entries()]
    .filter(([k]) => /\t(lib|cli)\//.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k]) => entry(k));
  const byFile = [...fileSelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([f, ms]) => ({ file: f, selfMs: ms, selfPercent: busyMs > 0 ? (ms / busyMs) * 100 : 0 }));
  return { file, wallMs: (profile.endTime - profile.startTime) / 1000, busyMs, idleMs, gcMs, topSelf, topTotal, byFile };
}

// Decoding an event batch for the reference core (docs/allocator.md section 7). The whole batch is
// decoded and structurally checked before any event applies, so a malformed stream (truncated, a
// non-integral index, a negative amount, a range that ends before it begins, a non-finite number,
// an unknown opcode) changes nothing. Checks that need the allocator's state (unknown indices,
// reservations, allocations) happen when each event applies.

import { Op, SORTER_DRF, SORTER_RANDOM, StreamReader, type EventBatch, type OpCode } from '../protocol.ts';
import { normalizeScalars, pooledFromWire, type Pooled, type Scalars } from './bundle.ts';

export type AllocatorEvent =
  | {
      op: typeof Op.CONFIGURE;
      seed: number;
      gpuScalar: number;
      excluded: number[];
      defaultMinAllocatable: Scalars[];
      roleSorter: number;
      frameworkSorter: number;
    }
  | { op: typeof Op.ADD_ROLE; role: number; name: string; parent: number }
  | { op: typeof Op.SET_WEIGHT; role: number; weight: number }
  /** `limit` keeps zero entries: a limit of 0 is a limit. */
  | { op: typeof Op.SET_QUOTA; role: number; guarantee: Scalars; limit: Scalars }
  | { op: typeof Op.ADD_AGENT; agent: number; total: Pooled; activated: boolean }
  | { op: typeof Op.UPDATE_AGENT; agent: number; total: Pooled }
  | { op: typeof Op.REMOVE_AGENT | typeof Op.ACTIVATE_AGENT | typeof Op.DEACTIVATE_AGENT; agent: number }
  | { op: typeof Op.ADD_FRAMEWORK; framework: number; name: string; gpu: boolean; active: boolean; roles: number[]; suppressed: number[] }
  | { op: typeof Op.UPDATE_FRAMEWORK; framework: number; roles: number[]; suppressed: number[] }
  | { op: typeof Op.REMOVE_FRAMEWORK | typeof Op.ACTIVATE_FRAMEWORK | typeof Op.DEACTIVATE_FRAMEWORK; framework: number }
  | { op: typeof Op.SUPPRESS | typeof Op.REVIVE; framework: number; roles: number[] }
  | { op: typeof Op.SET_MIN_ALLOCATABLE; framework: number; role: number; groups: Scalars[] }
  | { op: typeof Op.ADD_ALLOCATION; framework: number; agent: number; role: number; resources: Pooled }
  | { op: typeof Op.RECOVER; framework: number; agent: number; role: number; resources: Pooled; expiry: number }
  | { op: typeof Op.CONVERT; framework: number; agent: number; role: number; from: Pooled; to: Pooled };

/** An event and where it sits in its batch, for error messages. */
export interface Located {
  readonly event: AllocatorEvent;
  /** 0-based position among the batch's events. */
  readonly index: number;
  /** Offset of its opcode in the batch's data. */
  readonly offset: number;
}

const OP_NAMES = new Map<number, string>(Object.entries(Op).map(([name, code]) => [code, name]));

export function opName(op: number): string {
  return OP_NAMES.get(op) ?? `opcode ${op}`;
}

/** "event 3 (ADD_AGENT at offset 17)". */
export function describe(index: number, op: number, offset: number): string {
  return `event ${index} (${opName(op)} at offset ${offset})`;
}

/** Decodes every event of the batch; throws RangeError naming the event on a malformed stream. */
export function decodeBatch(batch: EventBatch): Located[] {
  const r = new StreamReader(batch.data);
  const out: Located[] = [];
  while (!r.done) {
    const offset = r.pos;
    const index = out.length;
    const code = r.num();
    try {
      out.push({ event: decodeEvent(r, code, batch.strings), index, offset });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new RangeError(`${describe(index, code, offset)}: ${error.message}`);
    }
  }
  return out;
}

function decodeEvent(r: StreamReader, code: number, strings: readonly string[]): AllocatorEvent {
  const string = (what: string): string => strings[r.int(what, strings.length)]!;
  const flag = (what: string): boolean => {
    const v = r.num();
    if (v !== 0 && v !== 1) throw new RangeError(`${what}: ${v} is not 0 or 1`);
    return v === 1;
  };
  const finite = (what: string): number => {
    const v = r.num();
    if (!Number.isFinite(v)) throw new RangeError(`${what}: ${v} is not a finite number`);
    return v;
  };
  const sorter = (what: string): number => {
    const v = r.num();
    if (v !== SORTER_DRF && v !== SORTER_RANDOM) throw new RangeError(`${what}: ${v} is not a sorter`);
    return v;
  };
  const groups = (what: string): Scalars[] => r.groups(what).map(normalizeScalars);
  const pooled = (what: string): Pooled => pooledFromWire(r.pooled(what));

  switch (code as OpCode) {
    case Op.CONFIGURE:
      return {
        op: Op.CONFIGURE,
        seed: r.int('seed', 2 ** 32),
        gpuScalar: r.intOrNone('gpu scalar'),
        excluded: r.list('excluded scalar'),
        defaultMinAllocatable: groups('default min allocatable'),
        roleSorter: sorter('role sorter'),
        frameworkSorter: sorter('framework sorter'),
      };
    case Op.ADD_ROLE:
      return { op: Op.ADD_ROLE, role: r.int('role'), name: string('role name'), parent: r.intOrNone('parent role') };
    case Op.SET_WEIGHT: {
      const role = r.int('role');
      const weight = finite('weight');
      if (!(weight > 0)) throw new RangeError(`weight: ${weight} is not positive`);
      return { op: Op.SET_WEIGHT, role, weight };
    }
    case Op.SET_QUOTA: {
      const role = r.int('role');
      const guarantee = normalizeScalars(r.sparse('guarantee'));
      return { op: Op.SET_QUOTA, role, guarantee, limit: r.sparse('limit') };
    }
    case Op.ADD_AGENT: {
      const agent = r.int('agent');
      const activated = flag('activated');
      return { op: Op.ADD_AGENT, agent, activated, total: pooled('agent total') };
    }
    case Op.UPDATE_AGENT:
      return { op: Op.UPDATE_AGENT, agent: r.int('agent'), total: pooled('agent total') };
    case Op.REMOVE_AGENT:
    case Op.ACTIVATE_AGENT:
    case Op.DEACTIVATE_AGENT:
      return { op: code as typeof Op.REMOVE_AGENT, agent: r.int('agent') };
    case Op.ADD_FRAMEWORK: {
      const framework = r.int('framework');
      const name = string('framework name');
      const gpu = flag('gpu');
      const active = flag('active');
      const roles = r.list('role');
      return { op: Op.ADD_FRAMEWORK, framework, name, gpu, active, roles, suppressed: r.list('suppressed role') };
    }
    case Op.UPDATE_FRAMEWORK: {
      const framework = r.int('framework');
      const roles = r.list('role');
      return { op: Op.UPDATE_FRAMEWORK, framework, roles, suppressed: r.list('suppressed role') };
    }
    case Op.REMOVE_FRAMEWORK:
    case Op.ACTIVATE_FRAMEWORK:
    case Op.DEACTIVATE_FRAMEWORK:
      return { op: code as typeof Op.REMOVE_FRAMEWORK, framework: r.int('framework') };
    case Op.SUPPRESS:
    case Op.REVIVE:
      return { op: code as typeof Op.SUPPRESS, framework: r.int('framework'), roles: r.list('role') };
    case Op.SET_MIN_ALLOCATABLE: {
      const framework = r.int('framework');
      const role = r.int('role');
      return { op: Op.SET_MIN_ALLOCATABLE, framework, role, groups: groups('min allocatable') };
    }
    case Op.ADD_ALLOCATION: {
      const framework = r.int('framework');
      const agent = r.int('agent');
      const role = r.int('role');
      return { op: Op.ADD_ALLOCATION, framework, agent, role, resources: pooled('allocation') };
    }
    case Op.RECOVER: {
      const framework = r.int('framework');
      const agent = r.int('agent');
      const role = r.int('role');
      const resources = pooled('recovered');
      return { op: Op.RECOVER, framework, agent, role, resources, expiry: finite('filter expiry') };
    }
    case Op.CONVERT: {
      const framework = r.int('framework');
      const agent = r.int('agent');
      const role = r.int('role');
      const from = pooled('converted from');
      return { op: Op.CONVERT, framework, agent, role, from, to: pooled('converted to') };
    }
    default:
      throw new RangeError(`${code} is not an opcode`);
  }
}

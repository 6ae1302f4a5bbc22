// The reference allocator core: plain TypeScript, the oracle the native core (native/drf/) is
// checked against. It follows docs/allocator.md to the letter and prefers obvious code to fast
// code.
//
//   apply(batch) --decodeBatch (events.ts: structural checks)--> Allocator.apply (semantic checks)
//   allocate(now) --> Allocator.allocate: filters, candidates, stage 1, stage 2 --> Decisions
//   explain(f, r) --> counters of the last cycle and the sorters' view
//
// bundle.ts holds the resource arithmetic, sorter.ts the DRF and random sorters, random.ts the
// seeded generator, allocator.ts the state and the cycle.

import { MesosError } from '../../common/errors.ts';
import type { AllocatorCore, CoreExplain, Decisions, EventBatch } from '../protocol.ts';
import { Allocator } from './allocator.ts';
import { decodeBatch } from './events.ts';

export class ReferenceAllocatorCore implements AllocatorCore {
  private readonly allocator = new Allocator();

  /**
   * A malformed batch throws before any event applies. A semantic error throws at its event:
   * the events before it stay applied, the event itself changes nothing (docs/allocator.md
   * section 7). Both throw MesosError INVALID_ALLOCATOR_EVENT naming the event's position.
   */
  apply(batch: EventBatch): void {
    let events;
    try {
      events = decodeBatch(batch);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new MesosError('INVALID_ALLOCATOR_EVENT', `malformed allocator batch: ${error.message}`, { cause: error });
    }
    this.allocator.apply(events);
  }

  allocate(now: number): Decisions {
    return this.allocator.allocate(now);
  }

  explain(framework: number, role: number): CoreExplain {
    return this.allocator.explain(framework, role);
  }
}

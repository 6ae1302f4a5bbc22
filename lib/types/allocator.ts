// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.allocator: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as allocator from './allocator.ts';

export interface InverseOfferStatus {
  status: allocator.InverseOfferStatus.Status;
  framework_id: v1.FrameworkID;
  timestamp: v1.TimeInfo;
}
export namespace InverseOfferStatus {
  export type Status =
    | 'UNKNOWN'
    | 'ACCEPT'
    | 'DECLINE';
}

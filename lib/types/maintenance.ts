// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.maintenance: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as allocator from './allocator.ts';
import type * as maintenance from './maintenance.ts';

export interface Window {
  machine_ids?: v1.MachineID[];
  unavailability: v1.Unavailability;
}

export interface Schedule {
  windows?: maintenance.Window[];
}

export interface ClusterStatus {
  draining_machines?: maintenance.ClusterStatus.DrainingMachine[];
  down_machines?: v1.MachineID[];
}
export namespace ClusterStatus {
  export interface DrainingMachine {
    id: v1.MachineID;
    statuses?: allocator.InverseOfferStatus[];
  }
}

import { proto } from './dsl.ts';

// Mesos v1 `maintenance/maintenance.proto` (package mesos.v1.maintenance).
export default proto('mesos.v1.maintenance', {
  Window: [
    'repeated MachineID machine_ids = 1',
    'required Unavailability unavailability = 2',
  ],
  Schedule: ['repeated Window windows = 1'],
  ClusterStatus: [
    'repeated DrainingMachine draining_machines = 1',
    'repeated MachineID down_machines = 2',
  ],
  // `allocator.InverseOfferStatus` resolves to mesos.v1.allocator.InverseOfferStatus.
  'ClusterStatus.DrainingMachine': [
    'required MachineID id = 1',
    'repeated allocator.InverseOfferStatus statuses = 2',
  ],
});

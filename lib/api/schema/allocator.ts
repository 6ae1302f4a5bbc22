import { proto } from './dsl.ts';

// Mesos v1 `allocator/allocator.proto` (package mesos.v1.allocator).
export default proto('mesos.v1.allocator', {
  InverseOfferStatus: [
    'required Status status = 1',
    'required FrameworkID framework_id = 2',
    'required TimeInfo timestamp = 3',
  ],
  // No zero value in Mesos: UNKNOWN is 1.
  'InverseOfferStatus.Status': { enum: ['UNKNOWN = 1', 'ACCEPT = 2', 'DECLINE = 3'] },
});

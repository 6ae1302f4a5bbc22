import { proto } from './dsl.ts';

// The one well-known type Mesos's v1 APIs use (Call.DrainAgent.max_grace_period in the master API).
// Proto3 fields without a label are declared `optional` here.
export default proto('google.protobuf', {
  'Duration': [
    'optional int64 seconds = 1',
    'optional int32 nanos = 2',
  ],
});

import { proto } from './dsl.ts';

// Mesos v1 `quota/quota.proto` (package mesos.v1.quota).
export default proto('mesos.v1.quota', {
  QuotaInfo: [
    'optional string role = 1',
    'optional string principal = 2',
    'repeated Resource guarantee = 3',
  ],
  QuotaRequest: [
    'optional bool force = 1',
    'optional string role = 2',
    'repeated Resource guarantee = 3',
  ],
  QuotaConfig: [
    'required string role = 1',
    'map<string, Value.Scalar> guarantees = 2',
    'map<string, Value.Scalar> limits = 3',
  ],
  QuotaStatus: [
    'repeated QuotaInfo infos = 1 [deprecated]',
    'repeated QuotaConfig configs = 2',
  ],
});

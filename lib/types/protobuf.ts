// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package google.protobuf: Mesos v1 messages with Mesos's field names. Type-only.

import type * as protobuf from './protobuf.ts';

export interface Duration {
  seconds?: number;
  nanos?: number;
}

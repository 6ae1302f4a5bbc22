// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.quota: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as quota from './quota.ts';

export interface QuotaInfo {
  role?: string;
  principal?: string;
  guarantee?: v1.Resource[];
}

export interface QuotaRequest {
  force?: boolean;
  role?: string;
  guarantee?: v1.Resource[];
}

export interface QuotaConfig {
  role: string;
  guarantees?: Record<string, v1.Value.Scalar>;
  limits?: Record<string, v1.Value.Scalar>;
}

export interface QuotaStatus {
  /** @deprecated */ infos?: quota.QuotaInfo[];
  configs?: quota.QuotaConfig[];
}

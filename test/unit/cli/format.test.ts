// How mesosctl writes amounts, resources and times for people (lib/cli/format.ts).

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  addQuantities, describeQuantities, formatAge, formatAmount, formatMachine, formatMegabytes, formatNumber, formatQuantities,
  formatShare, formatTime, formatUsage, isoSeconds, isoTime, scalarTotals, sortKinds,
} from '../../../lib/cli/format.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

const scalar = (name: string, value: number, role?: string): v1.Resource => ({
  name, type: 'SCALAR', scalar: { value }, ...(role === undefined ? {} : { reservations: [{ type: 'DYNAMIC', role }] }),
});

test('formatNumber: at most the given decimals, no trailing zeros, no negative zero', () => {
  assert.is(formatNumber(4), '4');
  assert.is(formatNumber(0.5), '0.5');
  assert.is(formatNumber(1 / 3), '0.33');
  assert.is(formatNumber(2.999), '3');
  assert.is(formatNumber(0.1 + 0.2), '0.3');
  assert.is(formatNumber(-0.001), '0');
  assert.is(formatNumber(1234.5678, 3), '1234.568');
  assert.is(formatNumber(10, 0), '10');
});

test('formatMegabytes: the largest binary unit keeping a value of at least 1', () => {
  assert.is(formatMegabytes(0), '0');
  assert.is(formatMegabytes(32), '32MB');
  assert.is(formatMegabytes(1023), '1023MB');
  assert.is(formatMegabytes(1024), '1GB');
  assert.is(formatMegabytes(1536), '1.5GB');
  assert.is(formatMegabytes(2048 * 1024), '2TB');
  assert.is(formatMegabytes(0.5), '512KB');
});

test('formatAmount and formatUsage: megabytes for mem and disk only', () => {
  assert.is(formatAmount('mem', 2048), '2GB');
  assert.is(formatAmount('disk', 100), '100MB');
  assert.is(formatAmount('cpus', 2048), '2048');
  assert.is(formatAmount('gpus', 1), '1');
  assert.is(formatUsage('cpus', 0.5, 4), '0.5/4');
  assert.is(formatUsage('mem', 512, 2048), '512MB/2GB');
  assert.is(formatUsage('disk', 0, 4096), '0/4GB');
});

test('sortKinds: cpus, gpus, mem, disk, then the rest by name, without duplicates', () => {
  assert.equal(sortKinds(['zeta', 'disk', 'mem', 'alpha', 'cpus', 'gpus', 'mem']), ['cpus', 'gpus', 'mem', 'disk', 'alpha', 'zeta']);
});

test('formatQuantities: the resources text form, pasteable into quota set; - when empty', () => {
  assert.is(formatQuantities({ mem: 512, cpus: 1 }), 'cpus:1;mem:512');
  assert.is(formatQuantities({ cpus: 0.125 }), 'cpus:0.125');
  assert.is(formatQuantities({ cpus: 0 }), 'cpus:0');
  assert.is(formatQuantities({}), '-');
  assert.is(formatQuantities(undefined), '-');
  assert.is(describeQuantities({ mem: 2048, cpus: 4 }), 'cpus 4, mem 2GB');
  assert.is(describeQuantities({}), '-');
});

test('scalarTotals: sums over roles and reservations, scalars only, in table order, three decimals', () => {
  const resources: v1.Resource[] = [
    scalar('mem', 128),
    scalar('cpus', 0.1),
    scalar('cpus', 0.2, 'web'),
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 10 }] } },
    scalar('disk', 0),
  ];
  assert.equal(scalarTotals(resources), { cpus: 0.3, mem: 128 });
  assert.equal(Object.keys(scalarTotals(resources)), ['cpus', 'mem']);
  assert.equal(scalarTotals(undefined), {});
  assert.equal(addQuantities({ cpus: 0.1 }, { cpus: 0.2, mem: 1 }), { cpus: 0.3, mem: 1 });
});

test('times: RFC 3339 from TimeInfo and seconds; ages kubectl style; never negative', () => {
  assert.is(isoTime({ nanoseconds: 1_767_225_600_500_000_000 }), '2026-01-01T00:00:00.500Z');
  assert.is(isoTime(undefined), undefined);
  assert.is(isoSeconds(1_767_225_600.25), '2026-01-01T00:00:00.250Z');
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.is(formatAge('2026-01-01T11:59:15Z', now), '45s');
  assert.is(formatAge('2026-01-01T11:58:00Z', now), '2m');
  assert.is(formatAge('2026-01-01T11:00:00Z', now), '60m');
  assert.is(formatAge('2026-01-01T09:00:00Z', now), '3h');
  assert.is(formatAge('2025-12-27T12:00:00Z', now), '5d');
  assert.is(formatAge('2026-01-01T12:00:05Z', now), '0s');
  assert.is(formatAge(undefined, now), '-');
  assert.is(formatTime('2026-01-01T11:59:15.123Z', now), '2026-01-01 11:59:15 UTC (44s ago)'); // 44.877 s: whole seconds
  assert.is(formatTime(undefined, now), '-');
});

test('formatShare and formatMachine', () => {
  assert.is(formatShare(0), '0%');
  assert.is(formatShare(0.25), '25%');
  assert.is(formatShare(1 / 3), '33.3%');
  assert.is(formatMachine({ hostname: 'agent1', ip: '10.0.0.1' }), 'agent1 (10.0.0.1)');
  assert.is(formatMachine({ hostname: 'agent1' }), 'agent1');
  assert.is(formatMachine({ ip: '10.0.0.1' }), '10.0.0.1');
});

test.run();

// What operators type on mesosctl's command line, turned into operator-API messages before any
// request (lib/cli/parse.ts): each mistake is one MesosError with the registry code the exit code
// comes from, and a message that names the flag and quotes the input.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  checkRole, parseDurationFlag, parseMachine, parseQuotaResources, parseReservation, parseWeights, protobufDuration, resolveId,
} from '../../../lib/cli/parse.ts';
import { rejects } from '../../helpers/assert-error.ts';

test('parseQuotaResources: scalars of the text form, summed, zeros kept', () => {
  assert.equal(parseQuotaResources('cpus:1;mem:512', '--guarantee'), { cpus: { value: 1 }, mem: { value: 512 } });
  assert.equal(parseQuotaResources(' cpus:1 ; cpus:0.5 ;; ', '--limit'), { cpus: { value: 1.5 } });
  // A limit of 0 is a real limit: the role gets none of it.
  assert.equal(parseQuotaResources('cpus:0;mem:0', '--limit'), { cpus: { value: 0 }, mem: { value: 0 } });
  assert.equal(parseQuotaResources('', '--limit'), {});
  assert.equal(parseQuotaResources('gpus:1;custom:3', '--limit'), { gpus: { value: 1 }, custom: { value: 3 } });
});

test('parseQuotaResources: ranges, sets, roles, bad numbers and JSON are INVALID_RESOURCES naming the flag', () => {
  rejects(() => parseQuotaResources('ports:[1-2]', '--guarantee'), 'INVALID_RESOURCES',
    "invalid --guarantee 'ports:[1-2]': quota takes scalar resources only, and 'ports' is RANGES");
  rejects(() => parseQuotaResources('ports:[]', '--limit'), 'INVALID_RESOURCES', /'ports' is RANGES$/);
  rejects(() => parseQuotaResources('zones:{a,b}', '--limit'), 'INVALID_RESOURCES', /'zones' is SET$/);
  rejects(() => parseQuotaResources('cpus(web):1', '--limit'), 'INVALID_RESOURCES', /quota takes unreserved resources: 'cpus\(web\):1' names a role$/);
  rejects(() => parseQuotaResources('cpus(web):0', '--limit'), 'INVALID_RESOURCES', /names a role$/);
  rejects(() => parseQuotaResources('cpus:x', '--limit'), 'INVALID_RESOURCES', "invalid --limit 'cpus:x': Bad type for resource cpus value x type TEXT");
  rejects(() => parseQuotaResources('cpus:-1', '--limit'), 'INVALID_RESOURCES', /^invalid --limit 'cpus:-1': /);
  rejects(() => parseQuotaResources('cpus', '--limit'), 'INVALID_RESOURCES', /missing or extra ':'/);
  rejects(() => parseQuotaResources('[{"name": "cpus"}]', '--limit'), 'INVALID_RESOURCES', /expected the text form/);
  // A hostile input is quoted shortened.
  rejects(() => parseQuotaResources(`cpus:${'9'.repeat(5000)}x`, '--limit'), 'INVALID_RESOURCES');
});

test('parseWeights: role=weight pairs; bad ones are INVALID_FLAG or INVALID_ROLE', () => {
  assert.equal(parseWeights(['web=2', 'batch=0.5', 'eng/ml=1.5']), [
    { role: 'web', weight: 2 }, { role: 'batch', weight: 0.5 }, { role: 'eng/ml', weight: 1.5 },
  ]);
  rejects(() => parseWeights([]), 'INVALID_FLAG', 'give at least one <role>=<weight>, e.g. web=2');
  rejects(() => parseWeights(['web']), 'INVALID_FLAG', "invalid weight 'web': expected <role>=<weight>, e.g. web=2");
  rejects(() => parseWeights(['=2']), 'INVALID_FLAG', /expected <role>=<weight>/);
  rejects(() => parseWeights(['web=']), 'INVALID_FLAG', "invalid weight 'web=': the weight must be a positive number");
  rejects(() => parseWeights(['web=0']), 'INVALID_FLAG', /must be a positive number/);
  rejects(() => parseWeights(['web=-1']), 'INVALID_FLAG', /must be a positive number/);
  rejects(() => parseWeights(['web=Infinity']), 'INVALID_FLAG', /must be a positive number/);
  rejects(() => parseWeights(['web=2', 'web=3']), 'INVALID_FLAG', "role 'web' is given more than once");
  rejects(() => parseWeights(['a//b=2']), 'INVALID_ROLE', "invalid role 'a//b': Role 'a//b' cannot contain two adjacent slashes");
});

test('parseReservation: each resource gets one DYNAMIC reservation for the role (and principal)', () => {
  assert.equal(parseReservation('cpus:1;mem:512', 'web'), [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'web' }] },
    { name: 'mem', type: 'SCALAR', scalar: { value: 512 }, reservations: [{ type: 'DYNAMIC', role: 'web' }] },
  ]);
  assert.equal(parseReservation('ports:[31000-31004]', 'eng/web', 'ops'), [
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31004 }] }, reservations: [{ type: 'DYNAMIC', role: 'eng/web', principal: 'ops' }] },
  ]);
});

test('parseReservation: refuses roles in the text, the * role, nothing, and bad text', () => {
  rejects(() => parseReservation('cpus(ops):1', 'web'), 'INVALID_RESOURCES', /give them without a role \('cpus:1', not 'cpus\(web\):1'\); the role is 'web'$/);
  rejects(() => parseReservation('cpus:1', '*'), 'INVALID_ROLE', /cannot reserve resources for the '\*' role/);
  rejects(() => parseReservation('cpus:1', '/web'), 'INVALID_ROLE', "invalid role '/web': Role '/web' cannot start with a slash");
  rejects(() => parseReservation('', 'web'), 'INVALID_RESOURCES', "invalid resources '': no resources given, e.g. 'cpus:1;mem:512'");
  rejects(() => parseReservation('cpus:0', 'web'), 'INVALID_RESOURCES', /no resources given/);
  rejects(() => parseReservation('cpus:lots', 'web'), 'INVALID_RESOURCES', "invalid resources 'cpus:lots': Bad type for resource cpus value lots type TEXT");
});

test('parseMachine: host, host:ip and :ip', () => {
  assert.equal(parseMachine('agent1'), { hostname: 'agent1' });
  assert.equal(parseMachine('agent1:10.0.0.1'), { hostname: 'agent1', ip: '10.0.0.1' });
  assert.equal(parseMachine(':10.0.0.1'), { ip: '10.0.0.1' });
  assert.equal(parseMachine('agent1:'), { hostname: 'agent1' });
  rejects(() => parseMachine(':'), 'INVALID_FLAG', "invalid machine ':': expected <host>, <host>:<ip> or :<ip>");
  rejects(() => parseMachine(''), 'INVALID_FLAG');
});

test("parseDurationFlag: Mesos's units and the short ones; protobufDuration splits seconds and nanos", () => {
  assert.is(parseDurationFlag('30secs', '--grace'), 30_000);
  assert.is(parseDurationFlag('30s', '--grace'), 30_000);
  assert.is(parseDurationFlag('5m', '--grace'), 300_000);
  assert.is(parseDurationFlag('1.5h', '--grace'), 5_400_000);
  assert.is(parseDurationFlag('2d', '--grace'), 172_800_000);
  assert.is(parseDurationFlag('100ms', '--grace'), 100);
  rejects(() => parseDurationFlag('forever', '--grace'), 'INVALID_FLAG', "invalid --grace 'forever': expected a duration such as 30s, 5m, 30secs or 5mins");
  rejects(() => parseDurationFlag('30', '--grace'), 'INVALID_FLAG');
  assert.equal(protobufDuration(30_000), { seconds: 30 });
  assert.equal(protobufDuration(1_500), { seconds: 1, nanos: 500_000_000 });
  assert.equal(protobufDuration(0), { seconds: 0 });
});

test('checkRole: valid roles pass through; invalid ones are INVALID_ROLE naming what they are', () => {
  assert.is(checkRole('eng/web'), 'eng/web');
  assert.is(checkRole('*'), '*');
  rejects(() => checkRole('a b', '--role'), 'INVALID_ROLE', "invalid --role 'a b': Role component 'a b' is invalid because it contains backspace or whitespace");
});

test('resolveId: the id itself, or a prefix only one id starts with', () => {
  const ids = ['abc-S0', 'abc-S1', 'abd-S0'];
  assert.is(resolveId('abc-S1', ids, 'agent', 'hint'), 'abc-S1');
  assert.is(resolveId('abd', ids, 'agent', 'hint'), 'abd-S0');
  assert.is(resolveId('abc-S0', ['abc-S0', 'abc-S00'], 'agent', 'hint'), 'abc-S0', 'an exact id wins over a longer one it prefixes');
  rejects(() => resolveId('abc', ids, 'agent', "'mesosctl agent list' shows them"), 'BAD_REQUEST',
    "'abc' is the start of 2 agent ids (abc-S0, abc-S1): give more of it");
  rejects(() => resolveId('x', ids, 'agent', "'mesosctl agent list' shows them"), 'BAD_REQUEST',
    "no agent has the id 'x' ('mesosctl agent list' shows them)");
  rejects(() => resolveId('', ids, 'agent', 'hint'), 'BAD_REQUEST', /no agent has the id ''/);
  rejects(() => resolveId('a', ['a1', 'a2', 'a3', 'a4'], 'agent', 'hint'), 'BAD_REQUEST', /4 agent ids \(a1, a2, a3, \.\.\.\)/);
});

test.run();

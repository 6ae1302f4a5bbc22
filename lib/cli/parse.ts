// What operators type on mesosctl's command line, turned into the operator API's messages before
// any request is made: quota resources, weights, reservations, maintenance machines, durations and
// ids. Pure functions; each throws one MesosError whose message names the flag or argument and
// quotes what was wrong, so a typo never reaches the master.

import { truncate } from '../api/numbers.ts';
import { parseResources, parseValue } from '../api/resources-text.ts';
import { validateRole } from '../api/roles.ts';
import { parseDuration } from '../common/duration.ts';
import { MesosError } from '../common/errors.ts';
import type * as protobuf from '../types/protobuf.ts';
import type * as v1 from '../types/mesos.ts';

/** Throws INVALID_ROLE unless `role` is a valid role name; `what` names it in the message. */
export function checkRole(role: string, what = 'role'): string {
  const invalid = validateRole(role);
  if (invalid !== undefined) throw new MesosError('INVALID_ROLE', `invalid ${what} '${truncate(role)}': ${invalid}`);
  return role;
}

/**
 * Quota quantities from the resources text form, scalars only, unreserved:
 * `cpus:1;mem:512` -> `{cpus: {value: 1}, mem: {value: 512}}`, as QuotaConfig's `guarantees` and
 * `limits` take them. Tokens with the same name add up and zero amounts stay (a limit of 0 is a
 * real limit: the role gets none of that resource). The empty text is the empty map.
 *
 * `what` names the flag in errors: `invalid --limit 'cpus:x': ...`.
 */
export function parseQuotaResources(text: string, what: string): Record<string, v1.Value.Scalar> {
  const fail = (reason: string): never => {
    throw new MesosError('INVALID_RESOURCES', `invalid ${what} '${truncate(text)}': ${reason}`);
  };
  if (text.trim().startsWith('[')) fail("expected the text form, e.g. 'cpus:1;mem:512', not JSON");
  // parseResources drops zero amounts, as Mesos's Resources do; quota keeps them, so zeros are
  // read here and the rest of each token is checked by the shared parser.
  const out: Record<string, number> = {};
  for (const token of text.split(';').map((t) => t.trim()).filter((t) => t !== '')) {
    const parsed = parseResources(token);
    if (!parsed.ok) fail(parsed.error);
    const resources = parsed.ok ? parsed.value.toArray() : [];
    const [head = '', value = ''] = token.split(':');
    const name = head.trim();
    if (resources.length === 0) {
      // Nothing left after parsing: a zero amount (`cpus:0`), valid and kept, or an empty range
      // or set (`ports:[]`), which is not a scalar.
      const kind = parseValue(value);
      if (kind.ok && kind.value.type !== 'SCALAR') fail(`quota takes scalar resources only, and '${truncate(name)}' is ${kind.value.type}`);
      if (/[()]/.test(name)) fail(`quota takes unreserved resources: '${truncate(token)}' names a role`);
      out[name] = out[name] ?? 0;
      continue;
    }
    for (const resource of resources) {
      if (resource.type !== 'SCALAR') fail(`quota takes scalar resources only, and '${truncate(resource.name)}' is ${resource.type}`);
      if ((resource.reservations ?? []).length > 0) fail(`quota takes unreserved resources: '${truncate(token)}' names a role`);
      out[resource.name] = Math.round(((out[resource.name] ?? 0) + resource.scalar!.value) * 1000) / 1000;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([name, value]) => [name, { value }]));
}

/** `role=weight` arguments to WeightInfos: `web=2 ops=0.5`. */
export function parseWeights(args: readonly string[]): v1.WeightInfo[] {
  if (args.length === 0) throw new MesosError('INVALID_FLAG', 'give at least one <role>=<weight>, e.g. web=2');
  const seen = new Set<string>();
  return args.map((arg) => {
    const eq = arg.lastIndexOf('=');
    if (eq <= 0) throw new MesosError('INVALID_FLAG', `invalid weight '${truncate(arg)}': expected <role>=<weight>, e.g. web=2`);
    const role = checkRole(arg.slice(0, eq));
    const text = arg.slice(eq + 1).trim();
    const weight = Number(text);
    if (text === '' || !Number.isFinite(weight) || weight <= 0) {
      throw new MesosError('INVALID_FLAG', `invalid weight '${truncate(arg)}': the weight must be a positive number`);
    }
    if (seen.has(role)) throw new MesosError('INVALID_FLAG', `role '${truncate(role)}' is given more than once`);
    seen.add(role);
    return { role, weight };
  });
}

/**
 * Resources to reserve for (or unreserve from) `role`: the text form without roles
 * (`cpus:1;mem:512;ports:[31000-31009]`), each resource given one DYNAMIC reservation to `role`
 * (and `principal`, when given), in the refined format RESERVE_RESOURCES and UNRESERVE_RESOURCES
 * take. Resources that name a role in the text are refused: the role is the command's argument.
 */
export function parseReservation(text: string, role: string, principal?: string): v1.Resource[] {
  checkRole(role);
  if (role === '*') throw new MesosError('INVALID_ROLE', "cannot reserve resources for the '*' role: it means unreserved");
  const parsed = parseResources(text);
  if (!parsed.ok) throw new MesosError('INVALID_RESOURCES', `invalid resources '${truncate(text)}': ${parsed.error}`);
  const resources = parsed.value.toArray();
  if (resources.length === 0) {
    throw new MesosError('INVALID_RESOURCES', `invalid resources '${truncate(text)}': no resources given, e.g. 'cpus:1;mem:512'`);
  }
  const reservation: v1.Resource.ReservationInfo = { type: 'DYNAMIC', role, ...(principal === undefined ? {} : { principal }) };
  return resources.map((resource) => {
    if ((resource.reservations ?? []).length > 0) {
      throw new MesosError('INVALID_RESOURCES', `invalid resources '${truncate(text)}': give them without a role ('cpus:1', not 'cpus(${role}):1'); the role is '${role}'`);
    }
    return { ...resource, reservations: [reservation] };
  });
}

/**
 * A machine as `host`, `host:ip` or `:ip` (the forms `/machine/down` lists take as MachineIDs):
 * `agent1:10.0.0.1` -> `{hostname: 'agent1', ip: '10.0.0.1'}`. The master checks the IP.
 */
export function parseMachine(text: string): v1.MachineID {
  const colon = text.indexOf(':');
  const hostname = (colon < 0 ? text : text.slice(0, colon)).trim();
  const ip = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (hostname === '' && ip === '') throw new MesosError('INVALID_FLAG', `invalid machine '${truncate(text)}': expected <host>, <host>:<ip> or :<ip>`);
  return { ...(hostname === '' ? {} : { hostname }), ...(ip === '' ? {} : { ip }) };
}

// The short forms people type with kubectl habits, and Mesos's own units.
const SHORT_UNITS: Readonly<Record<string, string>> = { s: 'secs', m: 'mins', h: 'hrs', d: 'days' };

/**
 * A duration flag in milliseconds: Mesos's form (`30secs`, `5mins`, `1.5hrs`) or a short one
 * (`30s`, `5m`, `1h`, `2d`). `what` names the flag in errors.
 */
export function parseDurationFlag(text: string, what: string): number {
  const short = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  try {
    return parseDuration(short === null ? text : `${short[1]}${SHORT_UNITS[short[2]!]}`);
  } catch (err) {
    throw new MesosError('INVALID_FLAG', `invalid ${what} '${truncate(text)}': expected a duration such as 30s, 5m, 30secs or 5mins`, { cause: err });
  }
}

/** Milliseconds as a google.protobuf.Duration (`{seconds, nanos}`), as DRAIN_AGENT takes it. */
export function protobufDuration(ms: number): protobuf.Duration {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos === 0 ? { seconds } : { seconds, nanos };
}

/**
 * The one id among `ids` that `given` names: the id itself, or, nomad style, a prefix that only
 * one id starts with. `what` is `agent` or `framework`; `hint` says where to find the ids.
 * Unknown and ambiguous ids are BAD_REQUEST, as the master answers an unknown id.
 */
export function resolveId(given: string, ids: readonly string[], what: string, hint: string): string {
  if (ids.includes(given)) return given;
  const matches = given === '' ? [] : ids.filter((id) => id.startsWith(given));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new MesosError('BAD_REQUEST', `no ${what} has the id '${truncate(given)}' (${hint})`);
  throw new MesosError('BAD_REQUEST', `'${truncate(given)}' is the start of ${matches.length} ${what} ids (${matches.slice(0, 3).map((id) => truncate(id)).join(', ')}${matches.length > 3 ? ', ...' : ''}): give more of it`);
}

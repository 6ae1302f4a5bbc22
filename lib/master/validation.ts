// What the master checks before it acts on a scheduler's request, as Mesos does in
// src/master/validation.cpp (with the ID, command, container and check rules of
// src/common/validation.cpp): the FrameworkInfo of SUBSCRIBE and UPDATE_FRAMEWORK, the shape of
// every scheduler Call, and each task of a LAUNCH or LAUNCH_GROUP operation.
//
// Every function here is pure: it looks only at its arguments and returns the first rule broken,
// as a message in Mesos's words where Mesos has the rule, or undefined when all hold. The order of
// the rules is Mesos's, so an input with several problems gets the message Mesos would give; later
// rules may also rely on earlier ones (the resource rules assume each resource is valid). Turning a
// message into a 400 response or a TASK_ERROR update is the caller's business.
//
// Messages stay shorter than MAX_MESSAGE_LENGTH: values quoted from the request are shortened, so a
// hostile 10 MB ID does not come back whole inside an error.

import { validateId } from '../api/ids.ts';
import { truncate } from '../api/numbers.ts';
import {
  Resources,
  isDynamicallyReserved,
  isRevocable,
  isUnreserved,
  jsonEqual,
  reservationRole,
  scalarLessOrEqual,
  stringifyResource,
  toFixedPoint,
  upgradeResource,
  validateResources,
} from '../api/resources.ts';
import { validateRole } from '../api/roles.ts';
import type * as v1 from '../types/mesos.ts';
import type * as scheduler from '../types/scheduler.ts';

// ---------------------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------------------

/** No message returned from this module is this long or longer. */
export const MAX_MESSAGE_LENGTH = 1000;

// Quoted request values are cut to this many characters; whole messages to the limit above.
const QUOTE_LIMIT = 200;

function quote(text: string): string {
  return truncate(text, QUOTE_LIMIT);
}

// The exported validators end here, so that no path can hand back an unbounded message (a role
// error, for instance, quotes the whole role name).
function bounded(message: string | undefined): string | undefined {
  return message === undefined ? undefined : truncate(message, MAX_MESSAGE_LENGTH - 4);
}

// Proto2 "has" semantics: the codec maps JSON `null` to "unset", and so do we.
function has<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `value` of an ID message (TaskID, AgentID, ...), or '' when the ID or its value is missing. */
function idValue(id: unknown): string {
  const value = isObject(id) ? id['value'] : undefined;
  return typeof value === 'string' ? value : '';
}

// Runs the rules in order and returns the first error. Order matters twice over: Mesos reports
// the first rule broken, and a later rule may assume that the earlier ones hold.
function firstError(...rules: (() => string | undefined)[]): string | undefined {
  for (const rule of rules) {
    const error = rule();
    if (error !== undefined) return error;
  }
  return undefined;
}

function prefixed(prefix: string, error: string | undefined): string | undefined {
  return error === undefined ? undefined : prefix + error;
}

// stout prints sets as `{ a, b }` and vectors as `[ a, b ]`; Mesos's messages quote them so.
function formatSet(items: readonly string[]): string {
  return `{ ${items.join(', ')} }`;
}

function formatList(items: readonly string[]): string {
  return `[ ${items.join(', ')} ]`;
}

/**
 * Megabytes as stout prints a `Bytes`: in the largest unit that loses nothing. 32 MB prints as
 * `32MB`, 1024 MB as `1GB`, 16.5 MB as `16896KB`.
 */
function formatMegabytes(megabytes: number): string {
  const bytes = Math.trunc(megabytes * 1024 * 1024);
  if (bytes === 0) return '0B';
  for (const [unit, size] of [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['KB', 2 ** 10]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

function resourcesText(resources: Resources): string {
  return quote(resources.toString());
}

// ---------------------------------------------------------------------------------------------
// IDs.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Frameworks.
// ---------------------------------------------------------------------------------------------

export function hasCapability(info: v1.FrameworkInfo, type: v1.FrameworkInfo.Capability.Type): boolean {
  return (info.capabilities ?? []).some((capability) => capability?.type === type);
}

/** The roles a framework subscribes to: `roles` with MULTI_ROLE capability, else [`role` ?? '*']. */
export function frameworkRoles(info: v1.FrameworkInfo): string[] {
  return hasCapability(info, 'MULTI_ROLE') ? [...(info.roles ?? [])] : [info.role ?? '*'];
}

// Protobuf would refuse a FrameworkInfo without these required fields before Mesos looks at it.
// Like protobuf, we require them to be present, not non-empty.
function validateRequiredFrameworkFields(info: v1.FrameworkInfo): string | undefined {
  if (typeof info.user !== 'string') return "'FrameworkInfo.user' must be set";
  if (typeof info.name !== 'string') return "'FrameworkInfo.name' must be set";
  return undefined;
}

function duplicatesOf(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const item of items) {
    if (seen.has(item)) duplicates.add(item);
    seen.add(item);
  }
  return [...duplicates];
}

// A MULTI_ROLE framework names its roles in `roles`; any other framework has exactly one role, in
// the deprecated `role` field. Using the wrong field is an error rather than being ignored, so a
// scheduler never runs under a role it did not mean.
function validateFrameworkRoles(info: v1.FrameworkInfo): string | undefined {
  if (hasCapability(info, 'MULTI_ROLE')) {
    if (has(info.role)) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    const roles = info.roles ?? [];
    const duplicates = duplicatesOf(roles);
    if (duplicates.length > 0) return `'FrameworkInfo.roles' contains duplicate items: ${formatSet(duplicates)}`;
    for (const role of roles) {
      const error = validateRole(role);
      if (error !== undefined) return `'FrameworkInfo.roles' contains invalid role: ${error}`;
    }
    return undefined;
  }
  if ((info.roles ?? []).length > 0) {
    return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  }
  return prefixed("'FrameworkInfo.role' is not a valid role: ", validateRole(info.role ?? '*'));
}

// An empty ID means "new framework" to Mesos, so only a non-empty one is checked.
function validateFrameworkId(info: v1.FrameworkInfo): string | undefined {
  const id = idValue(info.id);
  return id === '' ? undefined : validateId(id);
}

// The smallest normal double; below it (and above zero) a value is subnormal.
const MIN_NORMAL = 2 ** -1022;

/** Mesos's rule for scalars a user types in (common::validation::validateInputScalarValue). */
function validateInputScalarValue(value: unknown): string | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'NaN not supported';
  if (!Number.isFinite(value)) return 'Infinite values not supported';
  if (value !== 0 && Math.abs(value) < MIN_NORMAL) return 'Subnormal values not supported';
  if (value < 0) return 'Negative values not supported';
  return undefined;
}

function validateOfferFilters(info: v1.FrameworkInfo): string | undefined {
  const roles = new Set(frameworkRoles(info));
  for (const [role, filters] of Object.entries(info.offer_filters ?? {})) {
    // Filters are per role the framework subscribes to; any other key could not be applied.
    if (!roles.has(role)) return `'FrameworkInfo.offer_filters' has a role '${quote(role)}' the framework is not subscribed to`;
    for (const quantities of filters?.min_allocatable_resources?.quantities ?? []) {
      const entries = Object.entries(quantities?.quantities ?? {});
      if (entries.length === 0) return 'Resource quantities must contain at least one quantity';
      for (const [name, scalar] of entries) {
        const error = validateInputScalarValue(scalar?.value);
        if (error !== undefined) return `Invalid resource quantity for '${quote(name)}': ${error}`;
      }
    }
  }
  return undefined;
}

// Mesos keeps the timeout as a Duration, int64 nanoseconds, and refuses what does not fit.
const MAX_DURATION_NANOSECONDS = 2 ** 63 - 1;

// Beyond Mesos, a negative or NaN timeout is refused too: Mesos lets a negative one through (it
// then means "fail over at once") and a NaN one slips past its range test; both are bugs in a
// scheduler, better reported than obeyed.
function validateFailoverTimeout(info: v1.FrameworkInfo): string | undefined {
  const timeout: unknown = info.failover_timeout;
  if (!has(timeout)) return undefined;
  if (typeof timeout === 'number' && timeout >= 0 && timeout * 1e9 <= MAX_DURATION_NANOSECONDS) return undefined;
  return `The framework failover_timeout (${quote(String(timeout))}) is invalid`;
}

/**
 * The FrameworkInfo checks Mesos makes at SUBSCRIBE (framework::validate): `user` and `name`
 * present; `role` versus `roles` as the MULTI_ROLE capability says, each role valid and none
 * repeated; a non-empty ID valid as an ID; offer filter quantities finite and non-negative; and
 * `failover_timeout` a Duration, which we also require to be finite and non-negative.
 */
export function validateFrameworkInfo(info: v1.FrameworkInfo): string | undefined {
  return bounded(
    firstError(
      () => validateRequiredFrameworkFields(info),
      () => validateFrameworkRoles(info),
      () => validateFrameworkId(info),
      () => validateOfferFilters(info),
      () => validateFailoverTimeout(info),
    ),
  );
}

/**
 * UPDATE_FRAMEWORK: `next` must be valid on its own, name the framework being updated, and keep
 * `principal`, `user` and `checkpoint`, which Mesos does not let a framework change: the principal
 * is what it was authorized as, and the user and checkpointing are baked into its running
 * executors. (On a re-SUBSCRIBE Mesos rejects only a changed principal and silently keeps the old
 * user and checkpoint; this function is for UPDATE_FRAMEWORK.)
 */
export function validateFrameworkUpdate(current: v1.FrameworkInfo, next: v1.FrameworkInfo): string | undefined {
  return bounded(
    firstError(
      () => validateFrameworkInfo(next),
      () => {
        const [was, now] = [idValue(current.id), idValue(next.id)];
        return was === now
          ? undefined
          : `'FrameworkInfo.id' ('${quote(now)}') differs from the ID of the framework being updated ('${quote(was)}')`;
      },
      // The old principal is not quoted: a scheduler that lost it should not learn it this way.
      () => (current.principal ?? undefined) === (next.principal ?? undefined) ? undefined : "Changing framework's principal is not allowed.",
      () =>
        next.user === current.user
          ? undefined
          : `Updating 'FrameworkInfo.user' is unsupported; attempted to update from '${quote(current.user)}' to '${quote(next.user)}'`,
      () => {
        const [was, now] = [current.checkpoint ?? false, next.checkpoint ?? false];
        return was === now
          ? undefined
          : `Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from '${was}' to '${now}'`;
      },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Scheduler calls.
// ---------------------------------------------------------------------------------------------

// The payload each call type needs; undefined where there is none or it is optional (REVIVE and
// SUPPRESS without a payload mean "all my roles").
const CALL_PAYLOADS: Readonly<Record<scheduler.Call.Type, keyof scheduler.Call | undefined>> = {
  UNKNOWN: undefined,
  SUBSCRIBE: 'subscribe',
  TEARDOWN: undefined,
  ACCEPT: 'accept',
  DECLINE: 'decline',
  ACCEPT_INVERSE_OFFERS: 'accept_inverse_offers',
  DECLINE_INVERSE_OFFERS: 'decline_inverse_offers',
  REVIVE: undefined,
  KILL: 'kill',
  SHUTDOWN: 'shutdown',
  ACKNOWLEDGE: 'acknowledge',
  ACKNOWLEDGE_OPERATION_STATUS: 'acknowledge_operation_status',
  RECONCILE: 'reconcile',
  RECONCILE_OPERATIONS: 'reconcile_operations',
  MESSAGE: 'message',
  REQUEST: 'request',
  SUPPRESS: undefined,
  UPDATE_FRAMEWORK: 'update_framework',
};

// The required fields below a Call in scheduler.proto and mesos.proto, as protobuf paths; `[]`
// marks a repeated field, every element of which is checked. Protobuf checks the required fields
// of a message only when the message is present, so `kill.task_id` matters only when `kill` is
// there, whatever the call's type. The JSON codec enforces the same rules while decoding; these
// catch calls built in code. Operations inside ACCEPT are checked by the launch validators.
const REQUIRED_CALL_FIELDS: readonly string[] = [
  'framework_id.value',
  'subscribe.framework_info',
  'subscribe.framework_info.user',
  'subscribe.framework_info.name',
  'subscribe.framework_info.id.value',
  'accept.offer_ids[].value',
  'decline.offer_ids[].value',
  'accept_inverse_offers.inverse_offer_ids[].value',
  'decline_inverse_offers.inverse_offer_ids[].value',
  'kill.task_id',
  'kill.task_id.value',
  'kill.agent_id.value',
  'shutdown.executor_id',
  'shutdown.executor_id.value',
  'shutdown.agent_id',
  'shutdown.agent_id.value',
  'acknowledge.agent_id',
  'acknowledge.agent_id.value',
  'acknowledge.task_id',
  'acknowledge.task_id.value',
  'acknowledge.uuid',
  'acknowledge_operation_status.agent_id.value',
  'acknowledge_operation_status.resource_provider_id.value',
  'acknowledge_operation_status.uuid',
  'acknowledge_operation_status.operation_id',
  'acknowledge_operation_status.operation_id.value',
  'reconcile.tasks[].task_id',
  'reconcile.tasks[].task_id.value',
  'reconcile.tasks[].agent_id.value',
  'reconcile_operations.operations[].operation_id',
  'reconcile_operations.operations[].operation_id.value',
  'reconcile_operations.operations[].agent_id.value',
  'reconcile_operations.operations[].resource_provider_id.value',
  'message.agent_id',
  'message.agent_id.value',
  'message.executor_id',
  'message.executor_id.value',
  'message.data',
  'update_framework.framework_info',
  'update_framework.framework_info.user',
  'update_framework.framework_info.name',
  'update_framework.framework_info.id.value',
];

// The required paths split once, with the top-level field each hangs under. A path can only
// name a missing field when every field above its last is present, so a call checks only the
// paths under the fields it has: every call pays for its own payload, not for all of them (this
// runs for every call of every framework; the cluster simulator measured it at 7-11% of the
// master's time when every path was walked).
const REQUIRED_CALL_PATHS = REQUIRED_CALL_FIELDS.map((path) => {
  const segments = path.split('.');
  return { top: segments[0]!.replace(/\[\]$/, ''), segments };
});

// Appends the missing fields of one required path to `missing`, named as protobuf names them
// (`reconcile.tasks[1].task_id`). A module function rather than a closure: it runs for every
// call, and tsx names each function it compiles, so a closure made per call costs a
// defineProperty per call.
function walkMissing(node: unknown, index: number, prefix: string, segments: readonly string[], missing: string[]): void {
  const segment = segments[index]!;
  const repeated = segment.endsWith('[]');
  const name = repeated ? segment.slice(0, -2) : segment;
  const value = isObject(node) && Object.hasOwn(node, name) ? node[name] : undefined;
  const here = prefix === '' ? name : `${prefix}.${name}`;
  if (repeated) {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      if (has(value[i])) walkMissing(value[i], index + 1, `${here}[${i}]`, segments, missing);
    }
  } else if (!has(value)) {
    if (index === segments.length - 1) missing.push(here);
  } else if (index < segments.length - 1) {
    walkMissing(value, index + 1, here, segments, missing);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Whether bytes (as the codec keeps them: canonical base64) hold a UUID stout would accept:
 * exactly 16 bytes whose version nibble (the high half of byte 6) is one boost knows, 1 to 5.
 * The nil UUID, version 0, is refused. Every acknowledgement names an update by such a UUID.
 */
function validateUuidBytes(base64: string): string | undefined {
  if (!BASE64.test(base64)) return 'Not a valid UUID';
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 16) return 'Not a valid UUID';
  const version = bytes[6]! >> 4;
  return version >= 1 && version <= 5 ? undefined : 'Not a valid UUID';
}

function isCallType(type: unknown): type is scheduler.Call.Type {
  return typeof type === 'string' && Object.hasOwn(CALL_PAYLOADS, type);
}

/**
 * The checks Mesos makes on every scheduler call before dispatching it (scheduler::call::validate):
 *   - required fields present ("Not initialized: kill.task_id", as protobuf would say);
 *   - a `type` we know (a name the codec did not recognise arrives unset);
 *   - SUBSCRIBE: `subscribe` present, and `framework_id` equal to `subscribe.framework_info.id`
 *     (both unset is equal: a first subscription);
 *   - every other type: `framework_id` present, and the payload its type needs;
 *   - ACKNOWLEDGE and ACKNOWLEDGE_OPERATION_STATUS: a valid 16-byte UUID; the latter also an agent;
 *   - UPDATE_FRAMEWORK: `framework_id` equal to `update_framework.framework_info.id`.
 * An UNKNOWN call passes, as in Mesos, whose handler then answers 501 Not Implemented. The check
 * that an authenticated principal matches `framework_info.principal` needs the request's
 * credentials and is left to the HTTP handler.
 */
export function validateCall(call: scheduler.Call): string | undefined {
  const missing: string[] = [];
  for (const { top, segments } of REQUIRED_CALL_PATHS) {
    if (segments.length > 1 && !has((call as Record<string, unknown>)[top])) continue;
    walkMissing(call, 0, '', segments, missing);
  }
  if (missing.length > 0) return bounded(`Not initialized: ${missing.join(', ')}`);

  const type: unknown = call.type;
  if (!isCallType(type)) return "Expecting 'type' to be present";

  if (type === 'SUBSCRIBE') {
    if (!has(call.subscribe)) return "Expecting 'subscribe' to be present";
    if (idValue(call.framework_id) !== idValue(call.subscribe.framework_info.id)) {
      return "'framework_id' differs from 'subscribe.framework_info.id'";
    }
    return undefined;
  }

  if (!has(call.framework_id)) return "Expecting 'framework_id' to be present";

  const payload = CALL_PAYLOADS[type];
  if (payload !== undefined && !has(call[payload])) return `Expecting '${payload}' to be present`;

  switch (type) {
    case 'ACKNOWLEDGE':
      return validateUuidBytes(call.acknowledge!.uuid);
    case 'ACKNOWLEDGE_OPERATION_STATUS': {
      const acknowledge = call.acknowledge_operation_status!;
      // Operations on external resource providers are not supported, so the agent must be named.
      return validateUuidBytes(acknowledge.uuid) ?? (has(acknowledge.agent_id) ? undefined : "Expecting 'agent_id' to be present");
    }
    case 'UPDATE_FRAMEWORK':
      return idValue(call.framework_id) === idValue(call.update_framework!.framework_info.id)
        ? undefined
        : "'framework_id' differs from 'update_framework.framework_info.id'";
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Commands, containers and checks (src/common/validation.cpp).
// ---------------------------------------------------------------------------------------------

function validateSecret(secret: v1.Secret): string | undefined {
  switch (secret.type) {
    case 'REFERENCE':
      if (!has(secret.reference)) return "Secret of type REFERENCE must have the 'reference' field set";
      if (has(secret.value)) {
        return `Secret '${quote(secret.reference.name)}' of type REFERENCE must not have the 'value' field set`;
      }
      return undefined;
    case 'VALUE':
      if (!has(secret.value)) return "Secret of type VALUE must have the 'value' field set";
      if (has(secret.reference)) return "Secret of type VALUE must not have the 'reference' field set";
      return undefined;
    default:
      return undefined;
  }
}

// An environment variable is either a plain value or a secret the agent resolves, never both.
function validateEnvironment(environment: v1.Environment | undefined): string | undefined {
  for (const variable of environment?.variables ?? []) {
    const name = quote(String(variable.name));
    switch (variable.type ?? 'VALUE') {
      case 'SECRET': {
        if (!has(variable.secret)) return `Environment variable '${name}' of type 'SECRET' must have a secret set`;
        if (has(variable.value)) return `Environment variable '${name}' of type 'SECRET' must not have a value set`;
        const error = validateSecret(variable.secret);
        if (error !== undefined) return `Environment variable '${name}' specifies an invalid secret: ${error}`;
        // A NUL byte would silently cut the value short in the process environment.
        const data = variable.secret.value?.data;
        if (typeof data === 'string' && Buffer.from(data, 'base64').includes(0)) {
          return `Environment variable '${name}' specifies a secret containing null bytes, which is not allowed in the environment`;
        }
        break;
      }
      case 'VALUE':
        if (!has(variable.value)) return `Environment variable '${name}' of type 'VALUE' must have a value set`;
        if (has(variable.secret)) return `Environment variable '${name}' of type 'VALUE' must not have a secret set`;
        break;
      default:
        return "Environment variable of type 'UNKNOWN' is not allowed";
    }
  }
  return undefined;
}

function validateCommandInfo(command: v1.CommandInfo): string | undefined {
  return validateEnvironment(command.environment);
}

// The volume source types and the field each needs.
const VOLUME_SOURCE_FIELDS: Readonly<Record<string, [keyof v1.Volume.Source, string]>> = {
  DOCKER_VOLUME: ['docker_volume', "'source.docker_volume' is not set for DOCKER_VOLUME volume"],
  HOST_PATH: ['host_path', "'source.host_path' is not set for HOST_PATH volume"],
  SANDBOX_PATH: ['sandbox_path', "'source.sandbox_path' is not set for SANDBOX_PATH volume"],
  SECRET: ['secret', "'source.secret' is not set for SECRET volume"],
  CSI_VOLUME: ['csi_volume', "'source.csi_volume' is not set for CSI volume"],
};

// A volume comes from exactly one place: a host path, an image, or a typed source.
function validateVolume(volume: v1.Volume): string | undefined {
  const origins = [volume.host_path, volume.image, volume.source].filter(has).length;
  if (origins !== 1) return "Only one of them should be set: 'host_path', 'image' and 'source'";
  const source = volume.source;
  if (!has(source)) return undefined;
  const type = source.type ?? 'UNKNOWN';
  const rule = Object.hasOwn(VOLUME_SOURCE_FIELDS, type) ? VOLUME_SOURCE_FIELDS[type] : undefined;
  if (rule === undefined) return "'source.type' is unknown";
  const [field, message] = rule;
  if (!has(source[field])) return message;
  if (type === 'CSI_VOLUME' && !has(source.csi_volume?.static_provisioning)) {
    return "'source.csi_volume.static_provisioning' is not set for CSI volume";
  }
  return undefined;
}

function validateContainerInfo(container: v1.ContainerInfo): string | undefined {
  for (const volume of container.volumes ?? []) {
    const error = validateVolume(volume);
    if (error !== undefined) return `Invalid volume: ${error}`;
  }
  if (container.type === 'DOCKER') {
    if (!has(container.docker)) return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
    // The Docker containerizer names its containers itself and finds them again by that name.
    if ((container.docker.parameters ?? []).some((parameter) => parameter?.key === 'name')) {
      return "Parameter in DockerInfo must not be 'name'";
    }
  }
  return undefined;
}

// The first of these durations (in seconds) that is negative or not a number, in Mesos's words.
function validateNonNegativeSeconds(fields: Readonly<Record<string, number | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (has(value) && !(typeof value === 'number' && value >= 0)) return `Expecting '${name}' to be non-negative`;
  }
  return undefined;
}

// Checks and health checks describe their COMMAND, HTTP and TCP probes alike; only the nouns in
// the messages differ (and health checks alone have a scheme and a grace period).
interface ProbeWords {
  readonly kind: string; // "health check" or "check"
  readonly command: string; // "Command health check" or "Command check"
  readonly owner: string; // "Health check's" or "Check's"
}

function validateProbeCommand(command: v1.CommandInfo, words: ProbeWords): string | undefined {
  if (!has(command.value)) {
    return `${words.command} must contain ${command.shell === false ? "'executable path'" : "'shell command'"}`;
  }
  return prefixed(`${words.owner} \`CommandInfo\` is invalid: `, validateCommandInfo(command));
}

function validateProbeHttpPath(path: string | undefined, words: ProbeWords): string | undefined {
  return has(path) && !path.startsWith('/') ? `The path '${quote(path)}' of HTTP ${words.kind} must start with '/'` : undefined;
}

const HEALTH_CHECK_WORDS: ProbeWords = { kind: 'health check', command: 'Command health check', owner: "Health check's" };
const CHECK_WORDS: ProbeWords = { kind: 'check', command: 'Command check', owner: "Check's" };

function validateHealthCheck(check: v1.HealthCheck): string | undefined {
  const words = HEALTH_CHECK_WORDS;
  if (!has(check.type)) return "HealthCheck must specify 'type'";
  switch (check.type) {
    case 'COMMAND': {
      if (!has(check.command)) return "Expecting 'command' to be set for COMMAND health check";
      const error = validateProbeCommand(check.command, words);
      if (error !== undefined) return error;
      break;
    }
    case 'HTTP': {
      const http = check.http;
      if (!has(http)) return "Expecting 'http' to be set for HTTP health check";
      if (has(http.scheme) && http.scheme !== 'http' && http.scheme !== 'https') {
        return `Unsupported HTTP health check scheme: '${quote(http.scheme)}'`;
      }
      const error = validateProbeHttpPath(http.path, words);
      if (error !== undefined) return error;
      break;
    }
    case 'TCP':
      if (!has(check.tcp)) return "Expecting 'tcp' to be set for TCP health check";
      break;
    default:
      return `'${quote(String(check.type))}' is not a valid health check type`;
  }
  return validateNonNegativeSeconds({
    delay_seconds: check.delay_seconds,
    grace_period_seconds: check.grace_period_seconds,
    interval_seconds: check.interval_seconds,
    timeout_seconds: check.timeout_seconds,
  });
}

function validateCheckInfo(check: v1.CheckInfo): string | undefined {
  const words = CHECK_WORDS;
  if (!has(check.type)) return "CheckInfo must specify 'type'";
  switch (check.type) {
    case 'COMMAND': {
      if (!has(check.command)) return "Expecting 'command' to be set for COMMAND check";
      const error = validateProbeCommand(check.command.command ?? {}, words);
      if (error !== undefined) return error;
      break;
    }
    case 'HTTP': {
      if (!has(check.http)) return "Expecting 'http' to be set for HTTP check";
      const error = validateProbeHttpPath(check.http.path, words);
      if (error !== undefined) return error;
      break;
    }
    case 'TCP':
      if (!has(check.tcp)) return "Expecting 'tcp' to be set for TCP check";
      break;
    default:
      return `'${quote(String(check.type))}' is not a valid check type`;
  }
  return validateNonNegativeSeconds({
    delay_seconds: check.delay_seconds,
    interval_seconds: check.interval_seconds,
    timeout_seconds: check.timeout_seconds,
  });
}

// A DurationInfo that is unset, or holds a non-negative number of nanoseconds.
function isNonNegativeDuration(duration: v1.DurationInfo | undefined): boolean {
  if (!has(duration)) return true;
  const nanoseconds: unknown = duration.nanoseconds;
  return typeof nanoseconds === 'number' && nanoseconds >= 0;
}

// ---------------------------------------------------------------------------------------------
// Resources of tasks and executors (resource::validate and its companions).
// ---------------------------------------------------------------------------------------------

// GPUs are whole devices. Scalars have three decimals, so 1.5 is 1500 thousandths.
function validateGpus(resources: Resources): string | undefined {
  return toFixedPoint(resources.gpus() ?? 0) % 1000 === 0 ? undefined : "The 'gpus' resource must be an unsigned integer";
}

// A persistent volume outlives its task, so it must be carved from reserved, non-revocable disk
// and say where to mount it; a disk with DiskInfo but no volume must at least name its source.
function validateDiskInfo(resources: readonly v1.Resource[]): string | undefined {
  for (const resource of resources) {
    const disk = resource.disk;
    if (!has(disk)) continue;
    if (has(disk.persistence)) {
      if (isRevocable(resource)) return 'Persistent volumes cannot be created from revocable resources';
      if (isUnreserved(resource)) return 'Persistent volumes cannot be created from unreserved resources';
      if (!has(disk.volume)) return "Expecting 'volume' to be set for persistent volume";
      if (has(disk.volume.host_path)) return "Expecting 'host_path' to be unset for persistent volume";
      const error = validateId(typeof disk.persistence.id === 'string' ? disk.persistence.id : '');
      if (error !== undefined) return `Invalid persistence ID for persistent volume: ${error}`;
    } else if (has(disk.volume)) {
      return 'Non-persistent volume not supported';
    } else if (!has(disk.source)) {
      return 'DiskInfo is set but empty';
    }
  }
  return undefined;
}

// A reservation is a promise about the future; revocable resources may vanish at any moment.
function validateDynamicReservationInfo(resources: readonly v1.Resource[]): string | undefined {
  for (const resource of resources) {
    if (isDynamicallyReserved(resource) && isRevocable(resource)) {
      return `Dynamically reserved resource ${quote(stringifyResource(resource))} cannot be created from revocable resources`;
    }
  }
  return undefined;
}

/** resource::validate: each resource valid (Resources::validate), then the master's own rules. */
function validateResourceList(resources: readonly v1.Resource[]): string | undefined {
  const error = validateResources(resources);
  if (error !== undefined) return `Invalid resources: ${error}`;
  // The master works on the post-refinement format; the reservation predicates expect it.
  const upgraded = resources.map(upgradeResource);
  return (
    prefixed("Invalid 'gpus' resource: ", validateGpus(Resources.from(upgraded))) ??
    prefixed('Invalid DiskInfo: ', validateDiskInfo(upgraded)) ??
    prefixed('Invalid ReservationInfo: ', validateDynamicReservationInfo(upgraded))
  );
}

// Persistence IDs name directories on the agent, one per reservation role, so one ID cannot
// stand for two volumes of the same role. (Two copies of one shared volume are one volume.)
function validateUniquePersistenceIds(resources: Resources): string | undefined {
  const idsByRole = new Map<string, Set<string>>();
  for (const volume of resources.persistentVolumes()) {
    const role = reservationRole(volume) ?? '';
    const id = volume.disk!.persistence!.id;
    const ids = idsByRole.get(role) ?? new Set<string>();
    if (ids.has(id)) return `Persistence ID '${quote(id)}' is not unique`;
    ids.add(id);
    idsByRole.set(role, ids);
  }
  return undefined;
}

// A task with both kinds of cpus could not be told apart from one whose revocable share was
// revoked, so each resource name is all revocable or all not.
function validateRevocableMixing(resources: Resources): string | undefined {
  for (const name of resources.names()) {
    const named = resources.named(name);
    if (!named.revocable().isEmpty() && !named.nonRevocable().isEmpty()) {
      return `Cannot use both revocable and non-revocable '${quote(name)}' at the same time`;
    }
  }
  return undefined;
}

// Everything one task or executor uses is accounted to one role, and it must be a role of the
// framework. Mesos states only the first rule; the second it leaves to the containment check,
// which would fail later with a less helpful message.
function validateAllocation(resources: readonly v1.Resource[], framework: v1.FrameworkInfo): string | undefined {
  let role: string | undefined;
  for (const resource of resources) {
    const allocated = resource.allocation_info?.role;
    if (!has(allocated)) return 'The resources are not allocated to a role';
    if (role === undefined) {
      role = allocated;
    } else if (allocated !== role) {
      return `The resources have multiple allocation roles ('${quote(allocated)}' and '${quote(role)}') but only one allocation role is allowed`;
    }
  }
  if (role !== undefined && !frameworkRoles(framework).includes(role)) {
    return `The resources are allocated to role '${quote(role)}', which is not a role of the framework`;
  }
  return undefined;
}

// Ranges and sets can overlap between two claimants (both asking for port 8080); then their sum
// holds fewer items than the parts together. Scalars always add up, so only the others are
// compared. (Mesos compares all kinds, which also flags a shared volume used twice; that is
// legitimate, and shared resources are scalars, so comparing only ranges and sets spares it.)
function hasOverlappingRangesOrSets(parts: readonly Resources[]): boolean {
  const separately = new Map<string, number>();
  let together = Resources.EMPTY;
  for (const part of parts) {
    const discrete = part.nonScalars();
    for (const [name, amount] of discrete.toQuantities()) separately.set(name, (separately.get(name) ?? 0) + amount);
    together = together.plus(discrete);
  }
  const combined = together.toQuantities();
  return [...separately].some(([name, amount]) => combined.get(name) !== amount);
}

// ---------------------------------------------------------------------------------------------
// Executors.
// ---------------------------------------------------------------------------------------------

/** The smallest executor Mesos accepts in a task group (MIN_CPUS, MIN_MEM in master/constants). */
const MIN_CPUS = 0.01;
const MIN_MEM_MB = 32;

// The DEFAULT executor is Mesos's own program in a Mesos container; a CUSTOM one is the
// framework's, so it must say how to run it. UNKNOWN (or unset) passes: a newer scheduler may use
// a type we do not know yet, and the launch paths decide what they accept.
function validateExecutorType(executor: v1.ExecutorInfo): string | undefined {
  switch (executor.type) {
    case 'DEFAULT': {
      if (has(executor.command)) return "'ExecutorInfo.command' must not be set for 'DEFAULT' executor";
      const container = executor.container;
      if (has(container)) {
        if (container.type !== 'MESOS') return "'ExecutorInfo.container.type' must be 'MESOS' for 'DEFAULT' executor";
        if (has(container.mesos?.image)) return "'ExecutorInfo.container.mesos.image' must not be set for 'DEFAULT' executor";
      }
      return undefined;
    }
    case 'CUSTOM':
      return has(executor.command) ? undefined : "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
    default:
      return undefined;
  }
}

// executor::validate: the rules that need nothing but the ExecutorInfo.
function validateExecutorInfo(executor: v1.ExecutorInfo): string | undefined {
  return firstError(
    () => validateExecutorType(executor),
    () => validateId(idValue(executor.executor_id)),
    () => isNonNegativeDuration(executor.shutdown_grace_period) ? undefined : "ExecutorInfo's 'shutdown_grace_period' must be non-negative",
    () => (has(executor.command) ? prefixed("Executor's `CommandInfo` is invalid: ", validateCommandInfo(executor.command)) : undefined),
    () => (has(executor.container) ? prefixed("Executor's `ContainerInfo` is invalid: ", validateContainerInfo(executor.container)) : undefined),
  );
}

// Executor equality as Mesos's `==`: field by field, except that resources compare as Resources
// (order and splitting do not matter).
function executorInfosEqual(left: v1.ExecutorInfo, right: v1.ExecutorInfo): boolean {
  const { resources: leftResources, ...leftRest } = left;
  const { resources: rightResources, ...rightRest } = right;
  return jsonEqual(leftRest, rightRest) && Resources.from(leftResources ?? []).equals(rightResources ?? []);
}

function executorText(executor: v1.ExecutorInfo): string {
  return truncate(JSON.stringify(executor), 300);
}

// executor::internal::validate: the general rules, plus those that need the framework and agent.
// For LAUNCH an executor without `framework_id` is validated as the master fills it in (Mesos
// made the field optional late and fills it for LAUNCH); LAUNCH_GROUP must name it.
function validateExecutorOfFramework(executor: v1.ExecutorInfo, ctx: TaskContext, frameworkIdRequired: boolean): string | undefined {
  const frameworkId = idValue(ctx.framework.id);
  const filled: v1.ExecutorInfo = has(executor.framework_id) ? executor : { ...executor, framework_id: { value: frameworkId } };
  const resources = executor.resources ?? [];
  return firstError(
    () => validateExecutorInfo(executor),
    () => {
      if (!has(executor.framework_id)) return frameworkIdRequired ? "'ExecutorInfo.framework_id' must be set" : undefined;
      const actual = idValue(executor.framework_id);
      return actual === frameworkId
        ? undefined
        : `ExecutorInfo has an invalid FrameworkID (Actual: ${quote(actual)} vs Expected: ${quote(frameworkId)})`;
    },
    () => prefixed('Executor uses invalid resources: ', validateResourceList(resources)),
    () => prefixed('Executor uses duplicate persistence ID: ', validateUniquePersistenceIds(Resources.from(resources))),
    () => prefixed('Invalid executor resources: ', validateAllocation(resources, ctx.framework)),
    () => prefixed('Executor mixes revocable and non-revocable resources: ', validateRevocableMixing(Resources.from(resources))),
    () => {
      // One executor ID on an agent is one running process: a second, different description of
      // it cannot be honoured.
      const known = ctx.executor(idValue(executor.executor_id));
      if (known === undefined || executorInfosEqual(filled, known)) return undefined;
      const rule = '-'.repeat(60);
      return (
        'ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.\n' +
        `${rule}\nExisting ExecutorInfo:\n${executorText(known)}\n${rule}\nExecutorInfo:\n${executorText(filled)}\n${rule}\n`
      );
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Tasks.
// ---------------------------------------------------------------------------------------------

/**
 * What `validateTask` and `validateTaskGroup` need to know beyond the task itself.
 *
 * Every task and executor resource must carry `allocation_info`. Inject the offers' role with
 * `injectAllocationInfo` before calling, for non-MULTI_ROLE frameworks (which cannot set it) and,
 * as Mesos's ACCEPT does, for MULTI_ROLE frameworks that left it out: all offers of one call are
 * allocated to one role. A resource without it is invalid ("The resources are not allocated to a
 * role"), and its role must be one of the framework's.
 */
export interface TaskContext {
  /** The framework launching, with its `id` set. */
  framework: v1.FrameworkInfo;
  /** The agent of the offers. */
  agentId: string;
  /** What remains of the offered resources for this task (allocation_info set, the offers' roles). */
  available: Resources;
  /**
   * Whether the master knows this task ID for this framework (active, or pending on any agent,
   * or unreachable). Tasks earlier in the same ACCEPT count: add them as pending before
   * validating the next. Within one task group, validateTaskGroup checks this itself.
   */
  taskIdInUse(taskId: string): boolean;
  /** The executor of this framework with this ID already known on this agent. */
  executor(executorId: string): v1.ExecutorInfo | undefined;
}

// A task's resources on their own (task::internal::validateResources). Mesos requires only that
// the list is not empty; it does not insist on cpus or mem.
function validateTaskResources(task: v1.TaskInfo, framework: v1.FrameworkInfo): string | undefined {
  const raw = task.resources ?? [];
  if (raw.length === 0) return 'Task uses no resources';
  return firstError(
    () => prefixed('Task uses invalid resources: ', validateResourceList(raw)),
    () => prefixed('Task uses duplicate persistence ID: ', validateUniquePersistenceIds(Resources.from(raw))),
    () => prefixed('Invalid task resources: ', validateAllocation(raw, framework)),
    () => prefixed('Task mixes revocable and non-revocable resources: ', validateRevocableMixing(Resources.from(raw))),
  );
}

// Limits let a task burst above its request, so they make sense only for cpus and mem and only
// above a request. An infinite limit ("no limit") is allowed; NaN is not. Whether the agent can
// enforce limits (its TASK_RESOURCE_LIMITS capability) is for the caller to check.
function validateResourceLimits(task: v1.TaskInfo): string | undefined {
  const limits = task.limits ?? {};
  const names = Object.keys(limits);
  if (names.length === 0) return undefined;
  if (names.some((name) => name !== 'cpus' && name !== 'mem')) {
    return "Only cpus and mem may be included in a task's resource limits";
  }
  const requested = Resources.from(task.resources ?? []);
  if (Object.hasOwn(limits, 'cpus')) {
    const cpus = requested.cpus();
    if (cpus === undefined) return 'When a CPU limit is specified, a CPU request must also be specified';
    const limit: unknown = limits['cpus']?.value;
    if (!(typeof limit === 'number' && limit >= cpus)) return 'The cpu limit must be greater than or equal to the cpu request';
  }
  if (Object.hasOwn(limits, 'mem')) {
    const mem = requested.mem();
    if (mem === undefined) return 'When a memory limit is specified, a memory request must also be specified';
    const limit: unknown = limits['mem']?.value;
    if (!(typeof limit === 'number' && limit >= mem)) return 'The memory limit must be greater than or equal to the memory request';
  }
  return undefined;
}

// task::internal::validateTask: the rules for a task's own fields, shared by LAUNCH and
// LAUNCH_GROUP. `idTaken` says whether an ID is already used.
function validateTaskFields(task: v1.TaskInfo, ctx: TaskContext, idTaken: (taskId: string) => boolean): string | undefined {
  const taskId = idValue(task.task_id);
  return firstError(
    () => validateId(taskId),
    () => (idTaken(taskId) ? `Task has duplicate ID: ${taskId}` : undefined),
    () => {
      const agentId = idValue(task.agent_id);
      return agentId === ctx.agentId ? undefined : `Task uses invalid agent ${quote(agentId)} while agent ${quote(ctx.agentId)} is expected`;
    },
    () => isNonNegativeDuration(task.kill_policy?.grace_period ?? undefined) ? undefined : "Task's 'kill_policy.grace_period' must be non-negative",
    () => isNonNegativeDuration(task.max_completion_time) ? undefined : "Task's `max_completion_time` must be non-negative",
    () => (has(task.check) ? prefixed('Task uses invalid check: ', validateCheckInfo(task.check)) : undefined),
    () => (has(task.health_check) ? prefixed('Task uses invalid health check: ', validateHealthCheck(task.health_check)) : undefined),
    () => validateTaskResources(task, ctx.framework),
    () => (has(task.command) ? prefixed("Task's `CommandInfo` is invalid: ", validateCommandInfo(task.command)) : undefined),
    () => (has(task.container) ? prefixed("Task's `ContainerInfo` is invalid: ", validateContainerInfo(task.container)) : undefined),
    () => validateResourceLimits(task),
  );
}

// The task's and its executor's resources together (task::internal::validateTaskAndExecutorResources).
function validateTaskAndExecutorResources(task: v1.TaskInfo): string | undefined {
  const taskResources = task.resources ?? [];
  const executorResources = task.executor?.resources ?? [];
  const all = [...taskResources, ...executorResources];
  const total = Resources.from(all);
  return firstError(
    () => prefixed('Task and its executor use invalid resources: ', validateResourceList(all)),
    () =>
      has(task.executor) && hasOverlappingRangesOrSets([Resources.from(taskResources), Resources.from(executorResources)])
        ? `There are overlapping resources in the task resources ${resourcesText(Resources.from(taskResources))}` +
          ` and executor resources ${resourcesText(Resources.from(executorResources))}`
        : undefined,
    () => prefixed('Task and its executor use duplicate persistence ID: ', validateUniquePersistenceIds(total)),
    () => prefixed('Task and its executor mix revocable and non-revocable resources: ', validateRevocableMixing(total)),
  );
}

// task::internal::validateExecutor for LAUNCH: the task runs under the command executor or under
// a CUSTOM executor of the framework; a new executor's resources are taken from the offers too.
function validateLaunchExecutor(task: v1.TaskInfo, ctx: TaskContext): string | undefined {
  if (has(task.executor) === has(task.command)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  let total = Resources.from(task.resources ?? []);
  const executor = task.executor;
  if (has(executor)) {
    const error = validateExecutorOfFramework(executor, ctx, false);
    if (error !== undefined) return error;
    // LAUNCH cannot name the DEFAULT executor; that is what LAUNCH_GROUP is for.
    if (has(executor.type) && executor.type !== 'CUSTOM') return "'ExecutorInfo.type' must be 'CUSTOM'";
    if (!has(executor.command)) return "'ExecutorInfo.command' must be set";
    const executorResources = Resources.from(executor.resources ?? []);
    // Shared resources are counted per use; the allocator cannot yet account an executor's use.
    if (!executorResources.shared().isEmpty()) {
      return `Executor resources ${resourcesText(executorResources)} should not contain any shared resources`;
    }
    // Tasks live in their executor's cgroups unless they ask otherwise; an executor cannot.
    if (executor.container?.linux_info?.share_cgroups === true) {
      return "The 'share_cgroups' field cannot be set to 'true' on executor containers";
    }
    // Mesos only logs a warning for an executor below MIN_CPUS or MIN_MEM here.
    if (ctx.executor(idValue(executor.executor_id)) === undefined) total = total.plus(executorResources);
  }
  const error = validateTaskAndExecutorResources(task);
  if (error !== undefined) return error;
  if (!ctx.available.contains(total)) {
    return `Total resources ${resourcesText(total)} required by task and its executor is more than available ${resourcesText(ctx.available)}`;
  }
  return undefined;
}

/**
 * Validates one task of a LAUNCH operation, as Mesos's task::validate, in its order:
 *   - the task ID: a valid ID, and not in use (`ctx.taskIdInUse`);
 *   - `agent_id` is `ctx.agentId`;
 *   - kill policy grace period and `max_completion_time` not negative; check and health check
 *     well formed;
 *   - resources: at least one; each valid, whole GPUs, sound persistent volumes and reservations;
 *     no persistence ID twice; all allocated to one role of the framework; no name both revocable
 *     and not;
 *   - command environment and container well formed; limits only for cpus and mem, at or above
 *     the request;
 *   - exactly one of `command` and `executor`; an executor is a valid CUSTOM one of this framework,
 *     with a command, no shared resources, not sharing cgroups, and equal to any executor of the
 *     same ID already on the agent;
 *   - task and executor resources together: valid, no port or set item claimed twice, no
 *     persistence ID twice, no revocable mixing; and the task's resources, plus a new executor's,
 *     contained in `ctx.available`;
 *   - `share_cgroups: false` only inside a task group.
 * Returns the first error, or undefined. Read TaskContext for what the caller prepares.
 */
export function validateTask(task: v1.TaskInfo, ctx: TaskContext): string | undefined {
  return bounded(
    firstError(
      () => validateTaskFields(task, ctx, (taskId) => ctx.taskIdInUse(taskId)),
      () => validateLaunchExecutor(task, ctx),
      () =>
        task.container?.linux_info?.share_cgroups === false
          ? "Only tasks in a task group may have 'share_cgroups' set to 'false'"
          : undefined,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Task groups.
// ---------------------------------------------------------------------------------------------

// task::group::internal::validateTask: a task's own rules, plus what nesting under the group's
// executor implies. (Mesos also requires `TaskInfo.executor`, but its master copies the group's
// executor into each task first; we check the executor is the group's in validateGroupExecutor.)
function validateGroupTask(task: v1.TaskInfo, ctx: TaskContext, idTaken: (taskId: string) => boolean): string | undefined {
  return firstError(
    () => validateTaskFields(task, ctx, idTaken),
    () => {
      const container = task.container;
      if (!has(container)) return undefined;
      const ownNetwork = (container.network_infos ?? []).length > 0;
      const probe = task.health_check?.type;
      // The executor runs health checks from the parent container's network namespace.
      if (ownNetwork && (probe === 'HTTP' || probe === 'TCP')) {
        return "HTTP and TCP health checks are not supported for nested containers not joining parent's network";
      }
      if (container.type === 'DOCKER') return 'Docker ContainerInfo is not supported on the task';
      return undefined;
    },
    () => {
      // A nested task can be limited only in cgroups of its own.
      if (Object.keys(task.limits ?? {}).length === 0) return undefined;
      return task.container?.linux_info?.share_cgroups === false
        ? undefined
        : "Resource limits may only be set for tasks within a task group when the 'share_cgroups' field is set to 'false'.";
    },
  );
}

// task::group::internal::validateTaskGroupAndExecutorResources.
function validateTaskGroupAndExecutorResources(tasks: readonly v1.TaskInfo[], executor: v1.ExecutorInfo): string | undefined {
  const taskResources = tasks.map((task) => Resources.from(task.resources ?? []));
  const executorResources = Resources.from(executor.resources ?? []);
  const total = taskResources.reduce((sum, resources) => sum.plus(resources), executorResources);
  return firstError(
    () => prefixed('Task group and executor use duplicate persistence ID: ', validateUniquePersistenceIds(total)),
    () => prefixed('Task group and executor mix revocable and non-revocable resources: ', validateRevocableMixing(total)),
    () =>
      hasOverlappingRangesOrSets([...taskResources, executorResources])
        ? `There are overlapping resources in the task group's task resources ${quote(formatList(taskResources.map(String)))}` +
          ` and/or executor resources ${resourcesText(executorResources)}`
        : undefined,
  );
}

// task::group::internal::validateExecutor: the group's executor, which the agent starts (unless
// it runs already) to run every task of the group as nested containers.
function validateGroupExecutor(tasks: readonly v1.TaskInfo[], executor: v1.ExecutorInfo, ctx: TaskContext): string | undefined {
  const executorId = quote(idValue(executor.executor_id));
  const executorResources = Resources.from(executor.resources ?? []);
  return firstError(
    () => validateExecutorOfFramework(executor, ctx, true),
    () => (has(executor.type) ? undefined : "'ExecutorInfo.type' must be set"),
    () => (executor.type === 'UNKNOWN' ? 'Unknown executor type' : undefined),
    () => (executor.container?.type === 'DOCKER' ? 'Docker ContainerInfo is not supported on the executor' : undefined),
    () => {
      const stray = tasks.find((task) => has(task.executor) && !executorInfosEqual(task.executor, executor));
      return stray === undefined
        ? undefined
        : `The \`ExecutorInfo\` of task '${quote(idValue(stray.task_id))}' is different from executor '${executorId}'`;
    },
    () => {
      // The executor itself needs room to run beside its tasks.
      const cpus = executorResources.cpus();
      if (cpus === undefined || !scalarLessOrEqual(MIN_CPUS, cpus)) {
        return `Executor '${executorId}' uses less CPUs (${cpus ?? 'None'}) than the minimum required (${MIN_CPUS})`;
      }
      const mem = executorResources.mem();
      if (mem === undefined || !scalarLessOrEqual(MIN_MEM_MB, mem)) {
        const used = mem === undefined ? 'None' : formatMegabytes(mem);
        return `Executor '${executorId}' uses less memory (${used}) than the minimum required (${formatMegabytes(MIN_MEM_MB)})`;
      }
      return executorResources.disk() === undefined ? `Executor '${executorId}' uses no disk` : undefined;
    },
    () => validateTaskGroupAndExecutorResources(tasks, executor),
    () => {
      let total = tasks.reduce((sum, task) => sum.plus(task.resources ?? []), Resources.EMPTY);
      if (ctx.executor(idValue(executor.executor_id)) === undefined) total = total.plus(executorResources);
      return ctx.available.contains(total)
        ? undefined
        : `Total resources ${resourcesText(total)} required by task group and its executor are more than available ${resourcesText(ctx.available)}`;
    },
  );
}

// task::group::internal::validateShareCgroups, for the group itself: an executor never shares
// its cgroups, and the tasks of a group all share them or all have their own. (Mesos also
// compares with the tasks already running under the executor; TaskContext does not carry them.)
function validateGroupShareCgroups(tasks: readonly v1.TaskInfo[], executor: v1.ExecutorInfo): string | undefined {
  if (executor.container?.linux_info?.share_cgroups === true) {
    return "The 'share_cgroups' field cannot be set to 'true' on executor containers";
  }
  const choices = new Set(tasks.map((task) => task.container?.linux_info?.share_cgroups ?? true));
  return choices.size > 1
    ? "If set, the value of 'share_cgroups' must be the same for all tasks in each task group and under a single executor"
    : undefined;
}

/**
 * Validates a LAUNCH_GROUP operation, as Mesos's task::group::validate: the group is not empty
 * (ours); each task passes the task rules of `validateTask` except those about its executor, with
 * IDs unique within the group too, plus the nesting rules (no Docker, no HTTP/TCP health check in
 * a network of its own, limits only with `share_cgroups: false`), reported as "Task 'x' is
 * invalid: ..."; then the executor: valid, of this framework (`framework_id` required here), with
 * a type that is not UNKNOWN (Mesos accepts a CUSTOM one with a command as well as DEFAULT), not
 * Docker, equal to any executor a task carries and to any executor of that ID on the agent, at
 * least 0.01 cpus, 32 MB mem and some disk; the resources of all tasks and the executor without
 * persistence ID twice, revocable mixing or overlaps; all tasks plus a new executor contained in
 * `ctx.available`; and the `share_cgroups` rules.
 */
export function validateTaskGroup(executor: v1.ExecutorInfo, group: v1.TaskGroupInfo, ctx: TaskContext): string | undefined {
  const tasks = group.tasks ?? [];
  if (tasks.length === 0) return 'Task group must contain at least one task';
  const seen = new Set<string>();
  for (const task of tasks) {
    const taskId = idValue(task.task_id);
    const error = validateGroupTask(task, ctx, (id) => ctx.taskIdInUse(id) || seen.has(id));
    if (error !== undefined) return bounded(`Task '${quote(taskId)}' is invalid: ${error}`);
    seen.add(taskId);
  }
  return bounded(
    firstError(
      () => validateGroupExecutor(tasks, executor, ctx),
      () => validateGroupShareCgroups(tasks, executor),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Allocation info.
// ---------------------------------------------------------------------------------------------

/**
 * Mesos's allocation_info injection for the resources of an accepted offer's operations: returns
 * a copy of the resources with `allocation_info: {role}` set where it is absent. A resource that
 * already names an allocation keeps it (and validation then checks it).
 */
export function injectAllocationInfo(resources: readonly v1.Resource[], role: string): v1.Resource[] {
  return resources.map((resource) => {
    const copy = structuredClone(resource);
    if (!has(copy.allocation_info)) copy.allocation_info = { role };
    return copy;
  });
}

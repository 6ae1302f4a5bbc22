// The master's maintenance state and Mesos's rules for changing it (docs/maintenance.md,
// mesos-api.md section 10). An operator posts a schedule: windows, each a list of machines and the
// unavailability they announce. Every machine in the schedule is DRAINING: offers from its agents
// carry the window's unavailability. START_MAINTENANCE (`/machine/down`) takes DRAINING machines
// DOWN: their agents are shut down and may not register again. STOP_MAINTENANCE (`/machine/up`)
// brings DOWN machines UP and takes them out of the schedule. Every other machine is UP.
//
// Everything here is pure, as lib/master/validation.ts is: the validators return the first rule
// broken, in Mesos's words and in Mesos's order, or undefined when all hold. Mesos answers every one
// of them with 400 Bad Request; turning a message into a response is the caller's business.
// Values quoted from the request are shortened, so no message reaches validation.ts's
// MAX_MESSAGE_LENGTH.
//
// Where each rule comes from (apache/mesos):
//   - machine identity, `operator==` and `hash<MachineID>`: include/mesos/type_utils.hpp;
//   - validateMachine, validateMachines, validateUnavailability, validateSchedule:
//     src/master/maintenance.cpp, namespace validation (machine, machines, unavailability,
//     schedule); the IPv4 message is stout's net::IP::parse (3rdparty/stout/include/stout/ip.hpp);
//   - validateStartMaintenance, validateStopMaintenance: src/master/http.cpp, _startMaintenance
//     and _stopMaintenance (the checks after validation::machines);
//   - removeMachines: src/master/maintenance.cpp, StopMaintenance::perform;
//   - clusterStatus: src/master/http.cpp, _getMaintenanceStatus;
//   - machineInfo and machineUnavailability: src/master/http.cpp, ___updateMaintenanceSchedule
//     (which machines get which unavailability) and src/master/master.cpp updateUnavailability.

import * as codec from '../api/codec.ts';
import { truncate } from '../api/numbers.ts';
import type * as allocator from '../types/allocator.ts';
import type * as maintenance from '../types/maintenance.ts';
import type * as v1 from '../types/mesos.ts';

/** Mesos's MachineInfo.Mode: 'UP', 'DRAINING' or 'DOWN'. */
export type MachineMode = v1.MachineInfo.Mode;

/**
 * What the master knows about maintenance, as Mesos's registry keeps it in `schedules` and
 * `machines` (src/master/registry.proto).
 *
 * `schedule` is the schedule as the operator last posted it, less the machines brought up since
 * (`{}` when there is none). Its machines keep the spelling they were posted with.
 *
 * `down` holds the machineKey of every machine that is DOWN. Every one of them is a machine of the
 * schedule: a DOWN machine leaves the schedule only by being brought up, and validateSchedule
 * refuses a schedule that drops one. A machine's mode follows: DOWN if its key is in `down`,
 * DRAINING if it is in the schedule otherwise, UP if it is in neither.
 *
 * The registry's snapshot provides both: `{ schedule: snapshot.schedule, down: snapshot.downMachines }`.
 */
export interface MaintenanceState {
  readonly schedule: maintenance.Schedule;
  readonly down: ReadonlySet<string>;
}

// NO_MAINTENANCE is shared by every caller, so its set refuses to grow even when cast to a Set.
class EmptySet extends Set<string> {
  override add(): this {
    throw new TypeError('NO_MAINTENANCE.down is empty for good');
  }
}

/** No schedule and no machine down: every machine is UP. Deeply frozen. */
export const NO_MAINTENANCE: MaintenanceState = Object.freeze({
  schedule: Object.freeze({}),
  down: Object.freeze(new EmptySet()) as ReadonlySet<string>,
});

/** A machine of a schedule, as scheduledMachines indexes it. */
export interface ScheduledMachine {
  /** The machine as the schedule spells it. */
  readonly id: v1.MachineID;
  /** Its window's unavailability. */
  readonly unavailability: v1.Unavailability;
  /** The index of its window in `schedule.windows`. */
  readonly window: number;
}

// Quoted request values are cut to this many characters, as in validation.ts; every message below
// is a short fixed text around at most one quote, so it stays far below MAX_MESSAGE_LENGTH.
const QUOTE_LIMIT = 200;

function has<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

// ---------------------------------------------------------------------------------------------
// Machine identity.

// strings::lower lowers byte by byte with the C locale's tolower, which changes only A-Z; a
// hostname's other characters (UTF-8 bytes included) are compared as they are.
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/**
 * The canonical key of a machine: two MachineIDs name the same machine exactly when their keys are
 * equal. Mesos's `operator==` requires both fields to agree, set or unset alike, with hostnames
 * compared case-insensitively (ASCII only) and IPs exactly. So `{hostname: "A"}` and
 * `{hostname: "a"}` are one machine; `{hostname: "a"}` and `{hostname: "a", ip: "10.0.0.1"}` are
 * two, and so are `{ip: "10.0.0.1"}` and `{hostname: "", ip: "10.0.0.1"}` (JSON null is unset).
 *
 * The key is the machine's JSON in Mesos's dialect with the hostname lowered, e.g.
 * `{"hostname":"agent1","ip":"10.0.0.1"}`: unambiguous, readable, and always plain ASCII (the codec
 * escapes everything else), so it can end a store key.
 */
export function machineKey(id: v1.MachineID): string {
  const canonical: v1.MachineID = {};
  if (has(id.hostname)) canonical.hostname = asciiLower(id.hostname);
  if (has(id.ip)) canonical.ip = id.ip;
  return codec.encode('mesos.v1.MachineID', canonical);
}

/** Whether two MachineIDs name the same machine (Mesos's `operator==`). */
export function sameMachine(a: v1.MachineID, b: v1.MachineID): boolean {
  return machineKey(a) === machineKey(b);
}

/** A machine as Mesos's messages quote it, `stringify(JSON::protobuf(id))`, shortened. */
export function formatMachine(id: v1.MachineID): string {
  return truncate(codec.encode('mesos.v1.MachineID', id), QUOTE_LIMIT);
}

// What inet_pton(AF_INET) takes, which is what stout's IP::parse(value, AF_INET) asks of it:
// exactly four decimal octets, each at most 255, none with a leading zero ("0" is fine, "01" is
// not), nothing before, between or after but the three dots.
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

// ---------------------------------------------------------------------------------------------
// Validation.

/**
 * Mesos's validation::machine: a machine needs a non-empty hostname or IP, and an IP must be an
 * IPv4 address in dotted-decimal form. An empty string counts as missing here (Mesos tests the
 * values, not whether the fields are set), although machineKey tells it from an unset field.
 */
export function validateMachine(id: v1.MachineID): string | undefined {
  const hostname = id.hostname ?? '';
  const ip = id.ip ?? '';
  if (hostname === '' && ip === '') return 'Both \'hostname\' and \'ip\' for a machine are empty';
  if (ip !== '' && !IPV4.test(ip)) return `Failed to parse IPv4: ${truncate(ip, QUOTE_LIMIT)}`;
  return undefined;
}

/**
 * Mesos's validation::machines, for the list of START_MAINTENANCE and STOP_MAINTENANCE: not empty,
 * every machine valid, none twice. The duplicate message says "schedule" here too, as Mesos's does.
 */
export function validateMachines(ids: readonly v1.MachineID[] | undefined): string | undefined {
  if (ids === undefined || ids.length === 0) return 'List of machines is empty';
  const seen = new Set<string>();
  for (const id of ids) {
    const error = validateMachine(id);
    if (error !== undefined) return error;
    const key = machineKey(id);
    if (seen.has(key)) return `Machine '${formatMachine(id)}' appears more than once in the schedule`;
    seen.add(key);
  }
  return undefined;
}

/**
 * Mesos's validation::unavailability: the duration may not be negative. An unset duration reads as
 * 0 and passes, and the start may be any time, past ones included (docs/maintenance.md: schedule a
 * machine "now or in the past" to take it down at once).
 */
export function validateUnavailability(unavailability: v1.Unavailability): string | undefined {
  if ((unavailability.duration?.nanoseconds ?? 0) < 0) return 'Unavailability \'duration\' is negative';
  return undefined;
}

/**
 * Mesos's validation::schedule, for UPDATE_MAINTENANCE_SCHEDULE and POST /maintenance/schedule,
 * window by window: each window has a machine, a duration that is not negative, and valid machines,
 * and no machine appears in two places. Then every machine that is DOWN in `current` must still be
 * in the new schedule: a DOWN machine comes back only through STOP_MAINTENANCE. The empty schedule
 * `{}` is valid when no machine is DOWN; it cancels all maintenance.
 */
export function validateSchedule(schedule: maintenance.Schedule, current: MaintenanceState): string | undefined {
  const scheduled = new Set<string>();
  for (const window of schedule.windows ?? []) {
    const ids = window.machine_ids ?? [];
    if (ids.length === 0) return 'List of machines in the maintenance window is empty';
    const error = validateUnavailability(window.unavailability);
    if (error !== undefined) return error;
    for (const id of ids) {
      const invalid = validateMachine(id);
      if (invalid !== undefined) return invalid;
      const key = machineKey(id);
      if (scheduled.has(key)) return `Machine '${formatMachine(id)}' appears more than once in the schedule`;
      scheduled.add(key);
    }
  }
  // Mesos walks its machines in hash order; we walk the current schedule, so the machine named is
  // the first dropped one in schedule order. A DOWN machine missing from the current schedule
  // cannot happen (see MaintenanceState), but would be caught by the second loop.
  const dropped = (key: string): boolean => current.down.has(key) && !scheduled.has(key);
  for (const [key, machine] of scheduledMachines(current.schedule)) {
    if (dropped(key)) return deactivated(formatMachine(machine.id));
  }
  for (const key of current.down) {
    if (dropped(key)) return deactivated(truncate(key, QUOTE_LIMIT));
  }
  return undefined;
}

function deactivated(machine: string): string {
  return `Machine '${machine}' is deactivated and cannot be removed from the schedule`;
}

/**
 * What Mesos checks before START_MAINTENANCE and POST /machine/down: validateMachines, then for each
 * machine in order that it is known and DRAINING. A machine the master does not know is "not part
 * of a maintenance schedule"; an UP one that it does know is "not in DRAINING mode", like a DOWN
 * one. Mesos knows a machine when it is scheduled or has a registered agent: pass the keys of the
 * machines of registered agents as `agentMachines` to get Mesos's message for those too.
 */
export function validateStartMaintenance(
  machines: readonly v1.MachineID[] | undefined,
  state: MaintenanceState,
  agentMachines?: ReadonlySet<string>,
): string | undefined {
  return validateTransition(machines, state, agentMachines, 'DRAINING', 'is not in DRAINING mode and cannot be brought down');
}

/**
 * What Mesos checks before STOP_MAINTENANCE and POST /machine/up: validateMachines, then for each
 * machine in order that it is known and DOWN. `agentMachines` is as for validateStartMaintenance.
 */
export function validateStopMaintenance(
  machines: readonly v1.MachineID[] | undefined,
  state: MaintenanceState,
  agentMachines?: ReadonlySet<string>,
): string | undefined {
  return validateTransition(machines, state, agentMachines, 'DOWN', 'is not in DOWN mode and cannot be brought up');
}

function validateTransition(
  machines: readonly v1.MachineID[] | undefined,
  state: MaintenanceState,
  agentMachines: ReadonlySet<string> | undefined,
  from: MachineMode,
  notFrom: string,
): string | undefined {
  const error = validateMachines(machines);
  if (error !== undefined) return error;
  const scheduled = scheduledMachines(state.schedule);
  for (const id of machines!) {
    const key = machineKey(id);
    if (!scheduled.has(key) && !state.down.has(key) && agentMachines?.has(key) !== true) {
      return `Machine '${formatMachine(id)}' is not part of a maintenance schedule`;
    }
    if (modeOf(key, state, scheduled) !== from) return `Machine '${formatMachine(id)}' ${notFrom}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading the state.

// Indexes of deeply frozen schedules (the registry's), which cannot change under their index.
const indexes = new WeakMap<maintenance.Schedule, ReadonlyMap<string, ScheduledMachine>>();

/**
 * The machines of `schedule` by machineKey, in schedule order. In a valid schedule each machine
 * appears once; were one to appear twice, its last window would win, as in Mesos's UpdateSchedule.
 * The index of a deeply frozen schedule is built once and remembered, so that looking up the mode
 * of every agent's machine on every offer stays cheap.
 */
export function scheduledMachines(schedule: maintenance.Schedule): ReadonlyMap<string, ScheduledMachine> {
  const cached = indexes.get(schedule);
  if (cached !== undefined) return cached;
  const index = new Map<string, ScheduledMachine>();
  let frozen = Object.isFrozen(schedule) && (schedule.windows === undefined || Object.isFrozen(schedule.windows));
  (schedule.windows ?? []).forEach((window, i) => {
    frozen &&= Object.isFrozen(window) && Object.isFrozen(window.unavailability) &&
      (window.machine_ids === undefined || Object.isFrozen(window.machine_ids));
    for (const id of window.machine_ids ?? []) {
      frozen &&= Object.isFrozen(id);
      index.set(machineKey(id), { id, unavailability: window.unavailability, window: i });
    }
  });
  if (frozen) indexes.set(schedule, index);
  return index;
}

function modeOf(key: string, state: MaintenanceState, scheduled: ReadonlyMap<string, ScheduledMachine>): MachineMode {
  if (state.down.has(key)) return 'DOWN';
  return scheduled.has(key) ? 'DRAINING' : 'UP';
}

/** The mode of a machine (an agent's is its hostname and IP): 'UP', 'DRAINING' or 'DOWN'. */
export function machineMode(state: MaintenanceState, machineId: v1.MachineID): MachineMode {
  return modeOf(machineKey(machineId), state, scheduledMachines(state.schedule));
}

/**
 * The unavailability of a scheduled machine, which every offer from its agents must carry (Mesos's
 * Offer.unavailability); undefined for an UP machine. It is the window's, and stays with the
 * machine while it is DOWN too, though a DOWN machine has no agents to offer.
 */
export function machineUnavailability(state: MaintenanceState, machineId: v1.MachineID): v1.Unavailability | undefined {
  return scheduledMachines(state.schedule).get(machineKey(machineId))?.unavailability;
}

/** The machine as Mesos's MachineInfo: its id as given, its mode and, when scheduled, its unavailability. */
export function machineInfo(state: MaintenanceState, machineId: v1.MachineID): v1.MachineInfo {
  const key = machineKey(machineId);
  const scheduled = scheduledMachines(state.schedule);
  const unavailability = scheduled.get(key)?.unavailability;
  return {
    id: { ...machineId },
    mode: modeOf(key, state, scheduled),
    ...(unavailability === undefined ? {} : { unavailability }),
  };
}

/**
 * GET_MAINTENANCE_STATUS and /maintenance/status: the DRAINING machines, each with the frameworks'
 * answers to its inverse offers, and the DOWN machines; UP machines are not listed. Machines come in
 * schedule order (Mesos's come in hash order) and as the schedule spells them.
 * `inverseOfferStatuses` maps a machineKey to the latest status of each framework's inverse offer
 * for that machine's agents; until there are inverse offers, every `statuses` is left out (empty).
 */
export function clusterStatus(
  state: MaintenanceState,
  inverseOfferStatuses?: ReadonlyMap<string, readonly allocator.InverseOfferStatus[]>,
): maintenance.ClusterStatus & {
  draining_machines: maintenance.ClusterStatus.DrainingMachine[];
  down_machines: v1.MachineID[];
} {
  const draining: maintenance.ClusterStatus.DrainingMachine[] = [];
  const down: v1.MachineID[] = [];
  for (const [key, machine] of scheduledMachines(state.schedule)) {
    if (state.down.has(key)) {
      down.push({ ...machine.id });
    } else {
      const statuses = inverseOfferStatuses?.get(key) ?? [];
      draining.push(statuses.length === 0 ? { id: { ...machine.id } } : { id: { ...machine.id }, statuses: [...statuses] });
    }
  }
  return { draining_machines: draining, down_machines: down };
}

// ---------------------------------------------------------------------------------------------
// Changing the schedule.

/**
 * `schedule` without the machines whose keys are in `keys`, and without the windows that leaves
 * empty, as Mesos's StopMaintenance leaves it. Returns `schedule` itself when none of them is in it.
 * The result shares the untouched windows with `schedule`.
 */
export function removeMachines(schedule: maintenance.Schedule, keys: ReadonlySet<string>): maintenance.Schedule {
  let changed = false;
  const windows: maintenance.Window[] = [];
  for (const window of schedule.windows ?? []) {
    const ids = window.machine_ids ?? [];
    const kept = ids.filter((id) => !keys.has(machineKey(id)));
    if (kept.length === ids.length) {
      windows.push(window);
      continue;
    }
    changed = true;
    if (kept.length > 0) windows.push({ ...window, machine_ids: kept });
  }
  if (!changed) return schedule;
  return windows.length === 0 ? {} : { ...schedule, windows };
}

// The master's maintenance rules (lib/master/maintenance.ts): machine identity as Mesos compares
// machines, every validation rule with Mesos's message and in Mesos's order, machine modes and the
// unavailability offers carry, the cluster status, and taking machines out of a schedule.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as codec from '../../../lib/api/codec.ts';
import {
  NO_MAINTENANCE,
  clusterStatus,
  formatMachine,
  machineInfo,
  machineKey,
  machineMode,
  machineUnavailability,
  removeMachines,
  sameMachine,
  scheduledMachines,
  validateMachine,
  validateMachines,
  validateSchedule,
  validateStartMaintenance,
  validateStopMaintenance,
  validateUnavailability,
} from '../../../lib/master/maintenance.ts';
import type { MaintenanceState } from '../../../lib/master/maintenance.ts';
import { MAX_MESSAGE_LENGTH } from '../../../lib/master/validation.ts';
import type * as allocator from '../../../lib/types/allocator.ts';
import type * as maintenance from '../../../lib/types/maintenance.ts';
import type * as v1 from '../../../lib/types/mesos.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures: machines as operators post them, with both fields as Mesos's docs show.

function machine(hostname?: string, ip?: string): v1.MachineID {
  return { ...(hostname === undefined ? {} : { hostname }), ...(ip === undefined ? {} : { ip }) };
}

const M1 = machine('machine1', '10.0.0.1');
const M2 = machine('machine2', '10.0.0.2');
const M3 = machine('machine3', '10.0.0.3');
const M4 = machine('machine4', '10.0.0.4');

const SECOND = 1_000_000_000;
const HOUR = 3600 * SECOND;
const T0 = 1_700_000_000 * SECOND;

function window(ids: v1.MachineID[], startNs = T0, durationNs: number | undefined = HOUR): maintenance.Window {
  return { machine_ids: ids, unavailability: { start: { nanoseconds: startNs }, ...(durationNs === undefined ? {} : { duration: { nanoseconds: durationNs } }) } };
}

/** Windows [M1, M2] from T0 and [M3] an hour later, with M2 DOWN unless told otherwise. */
function state(down: v1.MachineID[] = [M2], schedule: maintenance.Schedule = twoWindows()): MaintenanceState {
  return { schedule, down: new Set(down.map(machineKey)) };
}

function twoWindows(): maintenance.Schedule {
  return { windows: [window([M1, M2]), window([M3], T0 + HOUR, 2 * HOUR)] };
}

const json = (id: v1.MachineID): string => JSON.stringify(id);

// ---------------------------------------------------------------------------------------------
// Machine identity.

test('machineKey: hostnames compare without ASCII case, IPs exactly, and both fields must be set alike', () => {
  assert.is(machineKey(machine('Machine1', '10.0.0.1')), '{"hostname":"machine1","ip":"10.0.0.1"}');
  assert.ok(sameMachine(machine('MACHINE1', '10.0.0.1'), M1));
  assert.not.ok(sameMachine(machine('machine1', '10.0.0.10'), M1));
  // Mesos's operator== compares has_hostname and has_ip: a machine posted with its hostname only
  // is not the agent's machine, which always has both.
  assert.not.ok(sameMachine(machine('machine1'), M1));
  assert.not.ok(sameMachine(machine(undefined, '10.0.0.1'), M1));
  // Set to the empty string is set; JSON null (as the codec leaves it) is unset.
  assert.not.ok(sameMachine(machine('', '10.0.0.1'), machine(undefined, '10.0.0.1')));
  assert.ok(sameMachine({ hostname: null, ip: '10.0.0.1' } as unknown as v1.MachineID, machine(undefined, '10.0.0.1')));
  // strings::lower is ASCII only: non-ASCII letters keep their case, and the key stays ASCII.
  assert.not.ok(sameMachine(machine('\u00c9cole'), machine('\u00e9cole')));
  assert.ok(sameMachine(machine('\u00c9COLE'), machine('\u00c9cole')));
  assert.is(machineKey(machine('\u00c9cole')), '{"hostname":"\\u00c9cole"}');
  // A hostname that looks like a field separator cannot forge another machine's key.
  assert.not.ok(sameMachine(machine('a","ip":"1.2.3.4'), machine('a', '1.2.3.4')));
});

test('formatMachine quotes a machine as Mesos does, spelled as given, and shortens a long one', () => {
  assert.is(formatMachine(machine('Machine1', '10.0.0.1')), '{"hostname":"Machine1","ip":"10.0.0.1"}');
  assert.is(formatMachine(machine(undefined, '10.0.0.1')), '{"ip":"10.0.0.1"}');
  const long = formatMachine(machine('h'.repeat(10_000)));
  assert.ok(long.length < 250 && long.endsWith('...'), long);
});

// ---------------------------------------------------------------------------------------------
// validation::machine, machines, unavailability (src/master/maintenance.cpp).

test('validateMachine: a hostname or an IP, and an IP that inet_pton(AF_INET) takes', () => {
  for (const ok of [machine('h'), machine(undefined, '10.0.0.1'), M1, machine('h', ''), machine('', '0.0.0.0'), machine(undefined, '255.255.255.255')]) {
    assert.is(validateMachine(ok), undefined, json(ok));
  }
  for (const empty of [machine(), machine('', ''), machine(''), machine(undefined, '')]) {
    assert.is(validateMachine(empty), 'Both \'hostname\' and \'ip\' for a machine are empty', json(empty));
  }
  for (const ip of ['10.0.0', '10.0.0.1.', '10.0.0.256', '010.0.0.1', '10.00.0.1', '1.2.3.4 ', ' 1.2.3.4', '1..2.3', 'machine1', '::1', '0x0a.0.0.1', '1.2.3.-4']) {
    assert.is(validateMachine(machine('h', ip)), `Failed to parse IPv4: ${ip}`, ip);
  }
  const long = validateMachine(machine(undefined, '9'.repeat(100_000)))!;
  assert.ok(long.startsWith('Failed to parse IPv4: 999') && long.length < 300, long.slice(0, 50));
});

test('validateMachines: not empty, each valid, none twice (the message says "schedule", as Mesos\'s does)', () => {
  assert.is(validateMachines(undefined), 'List of machines is empty');
  assert.is(validateMachines([]), 'List of machines is empty');
  assert.is(validateMachines([M1, M2]), undefined);
  assert.is(validateMachines([M1, machine()]), 'Both \'hostname\' and \'ip\' for a machine are empty');
  // The duplicate is quoted as the later entry spells it.
  assert.is(validateMachines([M1, machine('MACHINE1', '10.0.0.1')]),
    'Machine \'{"hostname":"MACHINE1","ip":"10.0.0.1"}\' appears more than once in the schedule');
  // Machine by machine: a duplicate before an invalid machine is reported first.
  assert.is(validateMachines([M1, M1, machine('h', 'bad')]), `Machine '${json(M1)}' appears more than once in the schedule`);
  assert.is(validateMachines([M1, machine('h', 'bad'), M1]), 'Failed to parse IPv4: bad');
});

test('validateUnavailability: only a negative duration is refused', () => {
  assert.is(validateUnavailability({ start: { nanoseconds: T0 }, duration: { nanoseconds: -1 } }), 'Unavailability \'duration\' is negative');
  assert.is(validateUnavailability({ start: { nanoseconds: T0 }, duration: { nanoseconds: 0 } }), undefined);
  assert.is(validateUnavailability({ start: { nanoseconds: T0 } }), undefined);
  // A start in the past (even before the epoch) is fine: take a machine down now.
  assert.is(validateUnavailability({ start: { nanoseconds: -5 * SECOND }, duration: { nanoseconds: HOUR } }), undefined);
});

// ---------------------------------------------------------------------------------------------
// validation::schedule.

test('NO_MAINTENANCE is shared and cannot be changed', () => {
  assert.throws(() => (NO_MAINTENANCE.down as Set<string>).add(machineKey(M1)), /empty for good/);
  assert.throws(() => {
    (NO_MAINTENANCE.schedule as { windows?: maintenance.Window[] }).windows = [];
  });
  assert.is(NO_MAINTENANCE.down.size, 0);
  assert.equal(NO_MAINTENANCE.schedule, {});
});

test('validateSchedule: the empty schedule, and a good one, are valid', () => {
  assert.is(validateSchedule({}, NO_MAINTENANCE), undefined);
  assert.is(validateSchedule({ windows: [] }, NO_MAINTENANCE), undefined);
  assert.is(validateSchedule(twoWindows(), NO_MAINTENANCE), undefined);
  assert.is(validateSchedule(twoWindows(), state([M2])), undefined);
  // A window may start in the past and have no duration.
  assert.is(validateSchedule({ windows: [window([M1], 0, undefined)] }, NO_MAINTENANCE), undefined);
});

test('validateSchedule: each rule with Mesos\'s message', () => {
  const cases: [string, maintenance.Schedule, string][] = [
    ['a window without machines', { windows: [window([M1]), window([])] }, 'List of machines in the maintenance window is empty'],
    ['a window whose machine_ids is unset', { windows: [{ unavailability: { start: { nanoseconds: T0 } } }] }, 'List of machines in the maintenance window is empty'],
    ['a negative duration', { windows: [window([M1], T0, -1)] }, 'Unavailability \'duration\' is negative'],
    ['a machine with neither field', { windows: [window([M1, machine('', '')])] }, 'Both \'hostname\' and \'ip\' for a machine are empty'],
    ['a bad IP', { windows: [window([machine('h', '10.0.0.300')])] }, 'Failed to parse IPv4: 10.0.0.300'],
    ['a machine twice in a window', { windows: [window([M1, M2, M1])] }, `Machine '${json(M1)}' appears more than once in the schedule`],
    ['a machine in two windows, spelled differently', { windows: [window([M1]), window([machine('Machine1', '10.0.0.1')])] },
      'Machine \'{"hostname":"Machine1","ip":"10.0.0.1"}\' appears more than once in the schedule'],
  ];
  for (const [name, schedule, message] of cases) assert.is(validateSchedule(schedule, NO_MAINTENANCE), message, name);
});

test('validateSchedule: rules go window by window, in Mesos\'s order within each', () => {
  // The first window's duration is checked before the second window is seen to be empty.
  assert.is(validateSchedule({ windows: [window([M1], T0, -1), window([])] }, NO_MAINTENANCE), 'Unavailability \'duration\' is negative');
  // Within a window: empty, then the duration, then the machines in order.
  assert.is(validateSchedule({ windows: [window([machine()], T0, -1)] }, NO_MAINTENANCE), 'Unavailability \'duration\' is negative');
  assert.is(validateSchedule({ windows: [window([M1, M1, machine()])] }, NO_MAINTENANCE), `Machine '${json(M1)}' appears more than once in the schedule`);
  // The DOWN rule comes last: a schedule with another problem gets that problem's message.
  assert.is(validateSchedule({ windows: [window([])] }, state([M2])), 'List of machines in the maintenance window is empty');
});

test('validateSchedule: a DOWN machine must stay in the schedule', () => {
  const current = state([M2, M3]);
  // M2 may move to another window, and be spelled in another case; it stays DOWN.
  assert.is(validateSchedule({ windows: [window([M1]), window([M3, machine('MACHINE2', '10.0.0.2')], T0 + 5 * HOUR)] }, current), undefined);
  // Dropping a DRAINING machine (M1) is fine; dropping a DOWN one is not. The machine is quoted
  // as the current schedule spells it, the first dropped one in schedule order.
  assert.is(validateSchedule({ windows: [window([M2, M3])] }, current), undefined);
  assert.is(validateSchedule({ windows: [window([M1])] }, current), `Machine '${json(M2)}' is deactivated and cannot be removed from the schedule`);
  assert.is(validateSchedule({}, current), `Machine '${json(M2)}' is deactivated and cannot be removed from the schedule`);
  // A machine matched by hostname only is another machine: M2 would be dropped.
  assert.is(validateSchedule({ windows: [window([machine('machine2'), M3])] }, current),
    `Machine '${json(M2)}' is deactivated and cannot be removed from the schedule`);
});

test('validateSchedule: messages stay short whatever the request holds', () => {
  const huge = machine('x'.repeat(1_000_000));
  const messages = [
    validateSchedule({ windows: [window([huge, huge])] }, NO_MAINTENANCE),
    validateSchedule({}, state([huge], { windows: [window([huge])] })),
    validateSchedule({ windows: [window([machine('h', '1'.repeat(1_000_000))])] }, NO_MAINTENANCE),
  ];
  for (const message of messages) {
    assert.type(message, 'string');
    assert.ok(message!.length < MAX_MESSAGE_LENGTH, `${message!.length} characters`);
  }
});

// ---------------------------------------------------------------------------------------------
// START_MAINTENANCE and STOP_MAINTENANCE (src/master/http.cpp _startMaintenance, _stopMaintenance).

test('validateStartMaintenance: listed machines must be valid and DRAINING', () => {
  const current = state([M2]);
  assert.is(validateStartMaintenance([M1, M3], current), undefined);
  assert.is(validateStartMaintenance([machine('MACHINE1', '10.0.0.1')], current), undefined);
  assert.is(validateStartMaintenance([], current), 'List of machines is empty');
  assert.is(validateStartMaintenance(undefined, current), 'List of machines is empty');
  assert.is(validateStartMaintenance([M1, machine('h', '1.2.3')], current), 'Failed to parse IPv4: 1.2.3');
  assert.is(validateStartMaintenance([M1, M1], current), `Machine '${json(M1)}' appears more than once in the schedule`);
  assert.is(validateStartMaintenance([M1, M4], current), `Machine '${json(M4)}' is not part of a maintenance schedule`);
  assert.is(validateStartMaintenance([M1, M2], current), `Machine '${json(M2)}' is not in DRAINING mode and cannot be brought down`);
  // Machine by machine, in the order listed.
  assert.is(validateStartMaintenance([M2, M4], current), `Machine '${json(M2)}' is not in DRAINING mode and cannot be brought down`);
  assert.is(validateStartMaintenance([M4, M2], current), `Machine '${json(M4)}' is not part of a maintenance schedule`);
  // Mesos also knows the machines of registered agents: one of those that is UP is "not in
  // DRAINING mode" rather than "not part of a maintenance schedule".
  assert.is(validateStartMaintenance([M4], current, new Set([machineKey(M4)])),
    `Machine '${json(M4)}' is not in DRAINING mode and cannot be brought down`);
  // With no schedule at all, nothing can go down.
  assert.is(validateStartMaintenance([M1], NO_MAINTENANCE), `Machine '${json(M1)}' is not part of a maintenance schedule`);
});

test('validateStopMaintenance: listed machines must be valid and DOWN', () => {
  const current = state([M2, M3]);
  assert.is(validateStopMaintenance([M2, M3], current), undefined);
  assert.is(validateStopMaintenance([machine('Machine2', '10.0.0.2')], current), undefined);
  assert.is(validateStopMaintenance([], current), 'List of machines is empty');
  assert.is(validateStopMaintenance([machine('')], current), 'Both \'hostname\' and \'ip\' for a machine are empty');
  assert.is(validateStopMaintenance([M2, machine('MACHINE2', '10.0.0.2')], current),
    'Machine \'{"hostname":"MACHINE2","ip":"10.0.0.2"}\' appears more than once in the schedule');
  assert.is(validateStopMaintenance([M2, M4], current), `Machine '${json(M4)}' is not part of a maintenance schedule`);
  assert.is(validateStopMaintenance([M2, M1], current), `Machine '${json(M1)}' is not in DOWN mode and cannot be brought up`);
  assert.is(validateStopMaintenance([M4], current, new Set([machineKey(M4)])), `Machine '${json(M4)}' is not in DOWN mode and cannot be brought up`);
});

// ---------------------------------------------------------------------------------------------
// Reading the state.

test('machineMode, machineUnavailability and machineInfo for UP, DRAINING and DOWN machines', () => {
  const current = state([M2]);
  assert.is(machineMode(current, M1), 'DRAINING');
  assert.is(machineMode(current, machine('MACHINE1', '10.0.0.1')), 'DRAINING');
  assert.is(machineMode(current, M2), 'DOWN');
  assert.is(machineMode(current, M3), 'DRAINING');
  assert.is(machineMode(current, M4), 'UP');
  // An agent's machine has both its hostname and its IP: a schedule entry with one of them only
  // does not match it.
  assert.is(machineMode({ schedule: { windows: [window([machine('machine4')])] }, down: new Set() }, M4), 'UP');
  assert.is(machineMode(NO_MAINTENANCE, M1), 'UP');

  // Offers from a DRAINING machine's agents carry its window's unavailability.
  assert.equal(machineUnavailability(current, M1), { start: { nanoseconds: T0 }, duration: { nanoseconds: HOUR } });
  assert.equal(machineUnavailability(current, M3), { start: { nanoseconds: T0 + HOUR }, duration: { nanoseconds: 2 * HOUR } });
  assert.equal(machineUnavailability(current, M2), { start: { nanoseconds: T0 }, duration: { nanoseconds: HOUR } });
  assert.is(machineUnavailability(current, M4), undefined);

  assert.equal(machineInfo(current, machine('Machine3', '10.0.0.3')), {
    id: machine('Machine3', '10.0.0.3'),
    mode: 'DRAINING',
    unavailability: { start: { nanoseconds: T0 + HOUR }, duration: { nanoseconds: 2 * HOUR } },
  });
  assert.equal(machineInfo(current, M2).mode, 'DOWN');
  assert.equal(machineInfo(current, M4), { id: M4, mode: 'UP' });
  // It is a Mesos MachineInfo, as the codec writes it.
  assert.is(codec.encode('mesos.v1.MachineInfo', machineInfo(current, M4)), '{"id":{"hostname":"machine4","ip":"10.0.0.4"},"mode":"UP"}');
});

test('clusterStatus: DRAINING machines with their inverse offer statuses, then DOWN ones, in schedule order', () => {
  assert.equal(clusterStatus(NO_MAINTENANCE), { draining_machines: [], down_machines: [] });
  assert.is(codec.encode('mesos.v1.maintenance.ClusterStatus', clusterStatus(NO_MAINTENANCE)), '{}');

  const current = state([M2], { windows: [window([M3]), window([M1, machine('Machine2', '10.0.0.2')]), window([M4])] });
  assert.equal(clusterStatus(current), {
    draining_machines: [{ id: M3 }, { id: M1 }, { id: M4 }],
    down_machines: [machine('Machine2', '10.0.0.2')],
  });

  const accepted: allocator.InverseOfferStatus = { status: 'ACCEPT', framework_id: { value: 'fw-1' }, timestamp: { nanoseconds: T0 } };
  const declined: allocator.InverseOfferStatus = { status: 'DECLINE', framework_id: { value: 'fw-2' }, timestamp: { nanoseconds: T0 + SECOND } };
  const statuses = new Map([[machineKey(M1), [accepted, declined]], [machineKey(M4), []], [machineKey(M2), [accepted]]]);
  const status = clusterStatus(current, statuses);
  assert.equal(status.draining_machines, [{ id: M3 }, { id: M1, statuses: [accepted, declined] }, { id: M4 }]);
  // A DOWN machine has no inverse offers to report.
  assert.equal(status.down_machines, [machine('Machine2', '10.0.0.2')]);
  assert.is(codec.encode('mesos.v1.maintenance.ClusterStatus', status),
    '{"draining_machines":[{"id":{"hostname":"machine3","ip":"10.0.0.3"}},' +
    '{"id":{"hostname":"machine1","ip":"10.0.0.1"},"statuses":[{"status":"ACCEPT","framework_id":{"value":"fw-1"},"timestamp":{"nanoseconds":1700000000000000000}},' +
    '{"status":"DECLINE","framework_id":{"value":"fw-2"},"timestamp":{"nanoseconds":1700000001000000000}}]},' +
    '{"id":{"hostname":"machine4","ip":"10.0.0.4"}}],' +
    '"down_machines":[{"hostname":"Machine2","ip":"10.0.0.2"}]}');
  // The result is the caller's: changing it changes neither the state nor the map.
  status.down_machines[0]!.hostname = 'changed';
  status.draining_machines[1]!.statuses!.pop();
  assert.is(current.schedule.windows![1]!.machine_ids![1]!.hostname, 'Machine2');
  assert.is(statuses.get(machineKey(M1))!.length, 2);
});

test('scheduledMachines indexes by machine key; a deeply frozen schedule\'s index is built once', () => {
  const index = scheduledMachines(twoWindows());
  assert.equal([...index.keys()], [M1, M2, M3].map(machineKey));
  assert.equal(index.get(machineKey(M3)), { id: M3, unavailability: twoWindows().windows![1]!.unavailability, window: 1 });
  // In an invalid schedule with a machine twice, the last window wins, as in Mesos's UpdateSchedule.
  assert.is(scheduledMachines({ windows: [window([M1]), window([M1], T0 + HOUR)] }).get(machineKey(M1))!.window, 1);

  const frozen = deepFreeze(twoWindows());
  assert.is(scheduledMachines(frozen), scheduledMachines(frozen));
  // A schedule that can still change is indexed afresh each time, so the answers follow it.
  const open = twoWindows();
  assert.is(machineMode({ schedule: open, down: new Set() }, M4), 'UP');
  open.windows![1]!.machine_ids!.push(M4);
  assert.is(machineMode({ schedule: open, down: new Set() }, M4), 'DRAINING');
  const halfFrozen = twoWindows();
  Object.freeze(halfFrozen);
  Object.freeze(halfFrozen.windows);
  assert.is.not(scheduledMachines(halfFrozen), scheduledMachines(halfFrozen));
});

test('removeMachines takes machines out, drops windows left empty, and the schedule when all are', () => {
  const schedule = twoWindows();
  assert.equal(removeMachines(schedule, new Set([machineKey(M1)])), { windows: [window([M2]), window([M3], T0 + HOUR, 2 * HOUR)] });
  assert.equal(removeMachines(schedule, new Set([machineKey(machine('MACHINE3', '10.0.0.3'))])), { windows: [window([M1, M2])] });
  assert.equal(removeMachines(schedule, new Set([M1, M2, M3].map(machineKey))), {});
  // Nothing to remove: the same schedule, not a copy.
  assert.is(removeMachines(schedule, new Set([machineKey(M4)])), schedule);
  const none: maintenance.Schedule = {};
  assert.is(removeMachines(none, new Set([machineKey(M1)])), none);
  // The input is not changed.
  assert.equal(schedule, twoWindows());
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

test.run();

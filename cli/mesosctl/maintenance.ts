// mesosctl maintenance: the maintenance schedule (GET/UPDATE_MAINTENANCE_SCHEDULE), machine modes
// (GET_MAINTENANCE_STATUS), and taking machines down and up (START/STOP_MAINTENANCE). Machines are
// `host`, `host:ip` or `:ip`; a schedule file is Mesos's JSON (maintenance.proto's Schedule), as
// `/master/maintenance/schedule` takes it. Documents: docs/mesosctl.md, "maintenance".
import { readFileSync } from 'node:fs';

import type { Command } from 'commander';

import { decode, encodeValue, parseJson } from '../../lib/api/codec.ts';
import { confirm, contextFor, withExamples } from '../../lib/cli/command.ts';
import { formatMachine } from '../../lib/cli/format.ts';
import { parseMachine } from '../../lib/cli/parse.ts';
import { formatDuration } from '../../lib/common/duration.ts';
import { MesosError } from '../../lib/common/errors.ts';
import type * as maintenance from '../../lib/types/maintenance.ts';
import type * as v1 from '../../lib/types/mesos.ts';

/** Reads and decodes a schedule file (`-`: standard input); every problem is one MesosError. */
function readSchedule(path: string): maintenance.Schedule {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new MesosError('INVALID_FLAG', `cannot read --file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (err) {
    throw new MesosError('INVALID_JSON', `--file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return decode('mesos.v1.maintenance.Schedule', json);
  } catch (err) {
    throw new MesosError('INVALID_MESSAGE', `--file ${path} is not a maintenance schedule: ${(err as Error).message}`);
  }
}

function machineDoc(id: v1.MachineID): { hostname: string | null; ip: string | null } {
  return { hostname: id.hostname ?? null, ip: id.ip ?? null };
}

function machineList(ids: readonly v1.MachineID[]): string {
  return ids.map(formatMachine).join(', ');
}

export function registerMaintenance(program: Command): void {
  const group = withExamples(program.command('maintenance').description('maintenance windows, and taking machines down and up'), [
    'mesosctl maintenance schedule --file schedule.json',
    'mesosctl maintenance status',
    'mesosctl maintenance down agent1:10.0.0.1',
    'mesosctl maintenance up agent1:10.0.0.1',
  ]);

  withExamples(
    group
      .command('schedule')
      .description('print the maintenance schedule, or replace it with --file (machines in it are DRAINING)')
      .option('--file <file>', "the new schedule: Mesos's JSON, {\"windows\": [...]}; - reads standard input")
      .option('--clear', 'replace the schedule with an empty one (machines that are DOWN must be brought up first)'),
    [
      'mesosctl maintenance schedule',
      'mesosctl maintenance schedule --file schedule.json',
      '  where schedule.json is {"windows": [{"machine_ids": [{"hostname": "agent1", "ip": "10.0.0.1"}],',
      '                          "unavailability": {"start": {"nanoseconds": 1767225600000000000},',
      '                                             "duration": {"nanoseconds": 3600000000000}}}]}',
    ],
  ).action(async (options: { file?: string; clear?: boolean }, command: Command) => {
    if (options.file !== undefined && options.clear === true) throw new MesosError('INVALID_FLAG', 'give --file or --clear, not both');
    const schedule = options.clear === true ? {} : options.file === undefined ? undefined : readSchedule(options.file);
    const ctx = contextFor(command);
    if (schedule !== undefined) {
      await ctx.client.call({ type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule } });
      const windows = schedule.windows ?? [];
      const machines = windows.reduce((n, w) => n + (w.machine_ids ?? []).length, 0);
      confirm(ctx, `maintenance schedule updated: ${windows.length} window${windows.length === 1 ? '' : 's'}, ${machines} machine${machines === 1 ? '' : 's'}`,
        'UPDATE_MAINTENANCE_SCHEDULE', { windows: windows.length, machines });
      return;
    }
    const current = (await ctx.client.query({ type: 'GET_MAINTENANCE_SCHEDULE' })).get_maintenance_schedule?.schedule ?? {};
    if (ctx.json) {
      ctx.out.printJson({ windows: [], ...(encodeValue('mesos.v1.maintenance.Schedule', current) as object) });
      return;
    }
    ctx.out.table(
      ['WINDOW', 'MACHINES', 'START', 'DURATION'],
      (current.windows ?? []).map((w, i) => [
        String(i + 1),
        machineList(w.machine_ids ?? []),
        new Date(w.unavailability.start.nanoseconds / 1e6).toISOString(),
        w.unavailability.duration === undefined ? 'open-ended' : formatDuration(w.unavailability.duration.nanoseconds / 1e6),
      ]),
      'no maintenance scheduled',
    );
  });

  withExamples(
    group.command('status').description('machines in maintenance: DRAINING (scheduled) or DOWN'),
    ['mesosctl maintenance status', 'mesosctl maintenance status --json'],
  ).action(async (_options: object, command: Command) => {
    const ctx = contextFor(command);
    const status = (await ctx.client.query({ type: 'GET_MAINTENANCE_STATUS' })).get_maintenance_status?.status ?? {};
    const draining = status.draining_machines ?? [];
    const down = status.down_machines ?? [];
    if (ctx.json) {
      ctx.out.printJson({
        draining: draining.map((d) => ({ ...machineDoc(d.id), statuses: (d.statuses ?? []).map((s) => encodeValue('mesos.v1.allocator.InverseOfferStatus', s)) })),
        down: down.map(machineDoc),
      });
      return;
    }
    ctx.out.table(
      ['HOSTNAME', 'IP', 'MODE'],
      [
        ...draining.map((d) => [d.id.hostname ?? '-', d.id.ip ?? '-', { text: 'DRAINING', tone: 'warn' as const }]),
        ...down.map((id) => [id.hostname ?? '-', id.ip ?? '-', { text: 'DOWN', tone: 'bad' as const }]),
      ],
      'no machine is in maintenance',
    );
  });

  for (const [verb, call] of [['down', 'START_MAINTENANCE'], ['up', 'STOP_MAINTENANCE']] as const) {
    withExamples(
      group
        .command(verb)
        .description(verb === 'down'
          ? 'take scheduled machines DOWN: their agents are shut down and may not register until brought up'
          : 'bring DOWN machines back UP: they leave the schedule and their agents may register again')
        .argument('<machine...>', 'host, host:ip or :ip, as in the schedule'),
      [`mesosctl maintenance ${verb} agent1:10.0.0.1`, `mesosctl maintenance ${verb} agent1 agent2`],
    ).action(async (args: string[], _options: object, command: Command) => {
      const machines = args.map(parseMachine);
      const ctx = contextFor(command);
      await ctx.client.call(call === 'START_MAINTENANCE'
        ? { type: call, start_maintenance: { machines } }
        : { type: call, stop_maintenance: { machines } });
      confirm(ctx, `${machines.length === 1 ? 'machine' : 'machines'} ${verb}: ${machineList(machines)}`, call, { machines: machines.map(machineDoc) });
    });
  }
}

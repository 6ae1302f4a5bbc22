// The master's legacy (v0) endpoints, which dashboards and scripts poll (mesos-api.md section
// 3.2): each builds the same v1 views as the operator API (views.ts) and hands them to the pure
// v0 converters (legacy.ts). The write endpoints (`/weights` PUT, `/maintenance/schedule` POST,
// `/machine/down`, `/machine/up`, `/teardown`) call the same Master methods as their v1 calls, so
// both paths check and persist alike. Mesos's form endpoints `/reserve`, `/unreserve` and the
// `/quota` POST and DELETE are not served: RESERVE_RESOURCES and UPDATE_QUOTA replace them.

import { MesosError } from '../common/errors.ts';
import { decodeCall, emptyReply, messageReply, parseJsonBody, valueReply, type RequestContext, type Router } from '../common/http.ts';
import { legacyFrameworks, legacyRoles, legacySlaves, legacyState, legacyStateSummary, legacyTasks, type LegacyMasterInput } from './legacy.ts';
import type * as master from '../types/master.ts';
import type { Master } from './master.ts';
import { authorize, versionInfo } from './operator-api.ts';
import { readyMaster, type MasterRef } from './scheduler-api.ts';
import * as views from './views.ts';

function legacyInput(m: Master, flags: Readonly<Record<string, string>>): LegacyMasterInput {
  return { master: views.getMaster(m), version: versionInfo(), flags, unreachableAgents: m.registrySnapshot.unreachable.size };
}

/** A body that must be a JSON array of `type` messages, e.g. the machines of `/machine/down`. */
async function readList<K extends 'mesos.v1.MachineID' | 'mesos.v1.WeightInfo'>(ctx: RequestContext, type: K, what: string) {
  const json = parseJsonBody(await ctx.body());
  if (!Array.isArray(json)) throw new MesosError('BAD_REQUEST', `Failed to convert JSON into ${what}: expected an array`);
  return json.map((item, i) => decodeCall(type, item, `${what}[${i}]`));
}

/** `application/x-www-form-urlencoded` bodies, as Mesos's form endpoints (`/teardown`) take. */
async function readForm(ctx: RequestContext): Promise<URLSearchParams> {
  return new URLSearchParams((await ctx.body()).toString('utf8'));
}

export function addLegacyRoutes(router: Router, ref: MasterRef, context: { flags: Readonly<Record<string, string>> }): void {
  // Each endpoint is authorized as the v1 call that does the same, in operator-api.ts's one
  // authorize(); `caller` is there for when requests carry credentials.
  const caller = { principal: undefined };
  const get = (path: string, as: master.Call.Type, build: (m: Master, ctx: RequestContext) => unknown): void => {
    router.add({
      path,
      methods: ['GET'],
      jsonp: true,
      handler: (ctx) => {
        const m = readyMaster(ref);
        authorize(caller, { type: as });
        return valueReply(build(m, ctx));
      },
    });
  };
  get('/state', 'GET_STATE', (m) => legacyState(views.getState(m), legacyInput(m, context.flags)));
  get('/state-summary', 'GET_STATE', (m) => legacyStateSummary(views.getState(m), legacyInput(m, context.flags)));
  get('/frameworks', 'GET_FRAMEWORKS', (m, ctx) => legacyFrameworks(views.getState(m), ctx.query));
  get('/slaves', 'GET_AGENTS', (m, ctx) => legacySlaves(views.getAgents(m), ctx.query));
  get('/tasks', 'GET_TASKS', (m, ctx) => legacyTasks(views.getTasks(m), ctx.query));
  get('/roles', 'GET_ROLES', (m) => legacyRoles(views.getRoles(m), views.getAgents(m), views.getQuota(m).status));
  get('/maintenance/status', 'GET_MAINTENANCE_STATUS', (m) => m.maintenanceStatus());

  router
    .add({
      path: '/weights',
      methods: ['GET', 'PUT'],
      jsonp: true,
      handler: async (ctx) => {
        const m = readyMaster(ref);
        if (ctx.method === 'GET') {
          authorize(caller, { type: 'GET_WEIGHTS' });
          return valueReply(views.getWeights(m).weight_infos ?? []);
        }
        const weights = await readList(ctx, 'mesos.v1.WeightInfo', 'WeightInfo');
        authorize(caller, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: weights } });
        await m.updateWeights(weights);
        return emptyReply(200);
      },
    })
    .add({
      path: '/quota',
      methods: ['GET'],
      jsonp: true,
      handler: () => {
        const m = readyMaster(ref);
        authorize(caller, { type: 'GET_QUOTA' });
        return messageReply('mesos.v1.quota.QuotaStatus', views.getQuota(m).status);
      },
    })
    .add({
      path: '/maintenance/schedule',
      methods: ['GET', 'POST'],
      jsonp: true,
      handler: async (ctx) => {
        const m = readyMaster(ref);
        if (ctx.method === 'GET') {
          authorize(caller, { type: 'GET_MAINTENANCE_SCHEDULE' });
          return messageReply('mesos.v1.maintenance.Schedule', m.maintenanceSchedule());
        }
        const schedule = decodeCall('mesos.v1.maintenance.Schedule', parseJsonBody(await ctx.body()), 'maintenance::Schedule');
        authorize(caller, { type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule } });
        await m.updateMaintenanceSchedule(schedule);
        return emptyReply(200);
      },
    })
    .add({
      path: '/machine/down',
      methods: ['POST'],
      handler: async (ctx) => {
        const m = readyMaster(ref);
        const machines = await readList(ctx, 'mesos.v1.MachineID', 'MachineID');
        authorize(caller, { type: 'START_MAINTENANCE', start_maintenance: { machines } });
        await m.startMaintenance(machines);
        return emptyReply(200);
      },
    })
    .add({
      path: '/machine/up',
      methods: ['POST'],
      handler: async (ctx) => {
        const m = readyMaster(ref);
        const machines = await readList(ctx, 'mesos.v1.MachineID', 'MachineID');
        authorize(caller, { type: 'STOP_MAINTENANCE', stop_maintenance: { machines } });
        await m.stopMaintenance(machines);
        return emptyReply(200);
      },
    })
    .add({
      path: '/teardown',
      methods: ['POST'],
      handler: async (ctx) => {
        const m = readyMaster(ref);
        const id = (await readForm(ctx)).get('frameworkId');
        if (id === null || id === '') throw new MesosError('BAD_REQUEST', "Missing 'frameworkId' query parameter in the request body");
        authorize(caller, { type: 'TEARDOWN', teardown: { framework_id: { value: id } } });
        m.teardown(id);
        return emptyReply(200);
      },
    });
}

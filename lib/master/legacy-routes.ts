// The master's legacy (v0) endpoints, which dashboards and scripts poll (mesos-api.md section
// 3.2): each builds the same v1 views as the operator API (views.ts) and hands them to the pure
// v0 converters (legacy.ts). The write endpoints (`/weights` PUT, `/quota` POST and DELETE,
// `/maintenance/schedule` POST, `/machine/down`, `/machine/up`, `/teardown`) call the same Master
// methods as their v1 calls, so both paths check and persist alike.

import { MesosError } from '../common/errors.ts';
import { decodeCall, emptyReply, messageReply, parseJsonBody, valueReply, type RequestContext, type Router } from '../common/http.ts';
import { legacyFrameworks, legacyRoles, legacySlaves, legacyState, legacyStateSummary, legacyTasks, type LegacyMasterInput } from './legacy.ts';
import type { Master } from './master.ts';
import { versionInfo } from './operator-api.ts';
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
  const get = (path: string, build: (m: Master, ctx: RequestContext) => unknown): void => {
    router.add({ path, methods: ['GET'], jsonp: true, handler: (ctx) => valueReply(build(readyMaster(ref), ctx)) });
  };
  get('/state', (m) => legacyState(views.getState(m), legacyInput(m, context.flags)));
  get('/state-summary', (m) => legacyStateSummary(views.getState(m), legacyInput(m, context.flags)));
  get('/frameworks', (m, ctx) => legacyFrameworks(views.getState(m), ctx.query));
  get('/slaves', (m, ctx) => legacySlaves(views.getAgents(m), ctx.query));
  get('/tasks', (m, ctx) => legacyTasks(views.getTasks(m), ctx.query));
  get('/roles', (m) => legacyRoles(views.getRoles(m), views.getAgents(m), views.getQuota(m).status));
  get('/maintenance/status', (m) => m.maintenanceStatus());

  router
    .add({
      path: '/weights',
      methods: ['GET', 'PUT'],
      jsonp: true,
      handler: async (ctx) => {
        const m = readyMaster(ref);
        if (ctx.method === 'GET') return valueReply(views.getWeights(m).weight_infos ?? []);
        await m.updateWeights(await readList(ctx, 'mesos.v1.WeightInfo', 'WeightInfo'));
        return emptyReply(200);
      },
    })
    .add({
      path: '/quota',
      methods: ['GET'],
      jsonp: true,
      handler: () => messageReply('mesos.v1.quota.QuotaStatus', views.getQuota(readyMaster(ref)).status),
    })
    .add({
      path: '/maintenance/schedule',
      methods: ['GET', 'POST'],
      jsonp: true,
      handler: async (ctx) => {
        const m = readyMaster(ref);
        if (ctx.method === 'GET') return messageReply('mesos.v1.maintenance.Schedule', m.maintenanceSchedule());
        const schedule = decodeCall('mesos.v1.maintenance.Schedule', parseJsonBody(await ctx.body()), 'maintenance::Schedule');
        await m.updateMaintenanceSchedule(schedule);
        return emptyReply(200);
      },
    })
    .add({
      path: '/machine/down',
      methods: ['POST'],
      handler: async (ctx) => {
        await readyMaster(ref).startMaintenance(await readList(ctx, 'mesos.v1.MachineID', 'MachineID'));
        return emptyReply(200);
      },
    })
    .add({
      path: '/machine/up',
      methods: ['POST'],
      handler: async (ctx) => {
        await readyMaster(ref).stopMaintenance(await readList(ctx, 'mesos.v1.MachineID', 'MachineID'));
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
        m.teardown(id);
        return emptyReply(200);
      },
    });
}

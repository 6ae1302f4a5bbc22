// POST /api/v1 (and /master/api/v1) on the master: Mesos's v1 operator API (master.proto), in
// the order Mesos checks things (mesos-api.md section 3.1):
//   method (the router: 405) -> recovered? (503) -> Content-Type (400/415) -> body (413/408)
//   -> JSON and Call (400) -> the call's own message present (400) -> Accept (406)
//   -> authorization (authorize(), the one place) -> the call: 200 with a Response, 200 or 202
//   with an empty body for actions, 400/409 for requests the cluster cannot take.
//
// SUBSCRIBE answers with a RecordIO stream of master.proto Events: SUBSCRIBED with the whole
// state, then the master's events as they happen, and a HEARTBEAT every heartbeat interval.

import { MesosError } from '../common/errors.ts';
import {
  acceptedReply, emptyReply, messageReply, negotiateJsonAccept, readCall, type Reply, type RequestContext,
} from '../common/http.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import type * as master from '../types/master.ts';
import { MASTER_VERSION, type Master } from './master.ts';
import { readyMaster, type MasterRef } from './scheduler-api.ts';
import * as views from './views.ts';

/** Mesos's `--max_operator_event_stream_subscribers` default. */
export const MAX_OPERATOR_SUBSCRIBERS = 1000;

type EventStream = RecordIOStream<'mesos.v1.master.Event'>;

/** The sub-message each call type must carry, as Mesos's master::call::validate requires. */
const REQUIRED: Partial<Record<master.Call.Type, keyof master.Call>> = {
  SET_LOGGING_LEVEL: 'set_logging_level',
  LIST_FILES: 'list_files',
  READ_FILE: 'read_file',
  UPDATE_WEIGHTS: 'update_weights',
  RESERVE_RESOURCES: 'reserve_resources',
  UNRESERVE_RESOURCES: 'unreserve_resources',
  CREATE_VOLUMES: 'create_volumes',
  DESTROY_VOLUMES: 'destroy_volumes',
  GROW_VOLUME: 'grow_volume',
  SHRINK_VOLUME: 'shrink_volume',
  UPDATE_MAINTENANCE_SCHEDULE: 'update_maintenance_schedule',
  START_MAINTENANCE: 'start_maintenance',
  STOP_MAINTENANCE: 'stop_maintenance',
  DRAIN_AGENT: 'drain_agent',
  DEACTIVATE_AGENT: 'deactivate_agent',
  REACTIVATE_AGENT: 'reactivate_agent',
  UPDATE_QUOTA: 'update_quota',
  SET_QUOTA: 'set_quota',
  REMOVE_QUOTA: 'remove_quota',
  TEARDOWN: 'teardown',
  MARK_AGENT_GONE: 'mark_agent_gone',
  EXPLAIN_ALLOCATION: 'explain_allocation',
};

/** Mesos's master::call::validate: the type, and the message that goes with it. */
export function validateOperatorCall(call: master.Call): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  const field = REQUIRED[call.type];
  if (field !== undefined && call[field] === undefined) return `Expecting '${field}' to be present`;
  return undefined;
}

/** Who is calling: the principal of an authenticated request (authentication comes later). */
export interface Caller {
  readonly principal: string | undefined;
}

/**
 * The one place every operator call is authorized. There is no authorizer yet, so every caller
 * may make every call (Mesos's default with no `--acls`); the ACL check will live here.
 */
export function authorize(_caller: Caller, _call: master.Call): void {}

/** What the operator API needs beyond the master: the HTTP server's flags and process facts. */
export interface OperatorContext {
  readonly flags: Readonly<Record<string, string>>;
}

function response(value: master.Response): Reply {
  return messageReply('mesos.v1.master.Response', value);
}

function durationMs(duration: { seconds?: number; nanos?: number } | undefined): number | undefined {
  if (duration === undefined) return undefined;
  return (duration.seconds ?? 0) * 1000 + (duration.nanos ?? 0) / 1e6;
}

export async function operatorHandler(ref: MasterRef, ctx: RequestContext, context: OperatorContext): Promise<Reply | EventStream> {
  const m = readyMaster(ref);
  const call = await readCall(ctx, 'mesos.v1.master.Call');
  const invalid = validateOperatorCall(call);
  if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Failed to validate master::Call: ${invalid}`);
  negotiateJsonAccept(ctx.header('accept'));
  authorize({ principal: undefined }, call);

  switch (call.type) {
    case 'GET_HEALTH':
      return response({ type: 'GET_HEALTH', get_health: { healthy: true } });
    case 'GET_FLAGS':
      return response({
        type: 'GET_FLAGS',
        get_flags: { flags: Object.entries(context.flags).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => ({ name, value })) },
      });
    case 'GET_VERSION':
      return response({ type: 'GET_VERSION', get_version: { version_info: versionInfo() } });
    case 'GET_METRICS':
      return response({
        type: 'GET_METRICS',
        get_metrics: { metrics: Object.entries(m.metrics.snapshot()).map(([name, value]) => ({ name, value })) },
      });
    case 'GET_LOGGING_LEVEL':
      return response({ type: 'GET_LOGGING_LEVEL', get_logging_level: { level: 0 } });
    case 'SET_LOGGING_LEVEL':
      // The master logs one level of lines; the call is accepted so that tools keep working.
      return emptyReply(200);
    case 'GET_STATE':
      return response({ type: 'GET_STATE', get_state: views.getState(m) });
    case 'GET_AGENTS':
      return response({ type: 'GET_AGENTS', get_agents: views.getAgents(m) });
    case 'GET_FRAMEWORKS':
      return response({ type: 'GET_FRAMEWORKS', get_frameworks: views.getFrameworks(m) });
    case 'GET_EXECUTORS':
      return response({ type: 'GET_EXECUTORS', get_executors: views.getExecutors(m) });
    case 'GET_TASKS':
      return response({ type: 'GET_TASKS', get_tasks: views.getTasks(m) });
    case 'GET_OPERATIONS':
      // No operation feedback yet: no operation is ever tracked.
      return response({ type: 'GET_OPERATIONS', get_operations: {} });
    case 'GET_ROLES':
      return response({ type: 'GET_ROLES', get_roles: views.getRoles(m) });
    case 'GET_WEIGHTS':
      return response({ type: 'GET_WEIGHTS', get_weights: views.getWeights(m) });
    case 'GET_MASTER':
      return response({ type: 'GET_MASTER', get_master: views.getMaster(m) });
    case 'GET_QUOTA':
      return response({ type: 'GET_QUOTA', get_quota: views.getQuota(m) });
    case 'GET_MAINTENANCE_SCHEDULE':
      return response({ type: 'GET_MAINTENANCE_SCHEDULE', get_maintenance_schedule: { schedule: m.maintenanceSchedule() } });
    case 'GET_MAINTENANCE_STATUS':
      return response({ type: 'GET_MAINTENANCE_STATUS', get_maintenance_status: { status: m.maintenanceStatus() } });
    case 'SUBSCRIBE':
      return subscribe(m, ctx);

    case 'UPDATE_WEIGHTS':
      await m.updateWeights(call.update_weights!.weight_infos ?? []);
      return emptyReply(200);
    case 'UPDATE_QUOTA':
      await m.updateQuota(call.update_quota!.quota_configs ?? [], call.update_quota!.force ?? false);
      return emptyReply(200);
    case 'RESERVE_RESOURCES': {
      const reserve = call.reserve_resources!;
      if ((reserve.source ?? []).length > 0) {
        throw new MesosError('NOT_IMPLEMENTED', "RESERVE_RESOURCES with 'source' (reservation updates) is not supported yet");
      }
      m.reserveResources(reserve.agent_id.value, reserve.resources ?? [], true);
      return acceptedReply();
    }
    case 'UNRESERVE_RESOURCES':
      m.reserveResources(call.unreserve_resources!.agent_id.value, call.unreserve_resources!.resources ?? [], false);
      return acceptedReply();
    case 'TEARDOWN':
      m.teardown(call.teardown!.framework_id.value);
      return emptyReply(200);
    case 'DEACTIVATE_AGENT':
      await m.setAgentDeactivated(call.deactivate_agent!.agent_id.value, true);
      return emptyReply(200);
    case 'REACTIVATE_AGENT':
      await m.setAgentDeactivated(call.reactivate_agent!.agent_id.value, false);
      return emptyReply(200);
    case 'DRAIN_AGENT': {
      const drain = call.drain_agent!;
      await m.drainAgent(drain.agent_id.value, durationMs(drain.max_grace_period), drain.mark_gone ?? false);
      return emptyReply(200);
    }
    case 'MARK_AGENT_GONE':
      await m.markAgentGone(call.mark_agent_gone!.agent_id.value);
      return emptyReply(200);
    case 'UPDATE_MAINTENANCE_SCHEDULE':
      await m.updateMaintenanceSchedule(call.update_maintenance_schedule!.schedule);
      return emptyReply(200);
    case 'START_MAINTENANCE':
      await m.startMaintenance(call.start_maintenance!.machines ?? []);
      return emptyReply(200);
    case 'STOP_MAINTENANCE':
      await m.stopMaintenance(call.stop_maintenance!.machines ?? []);
      return emptyReply(200);
    case 'EXPLAIN_ALLOCATION': {
      const { framework_id, role } = call.explain_allocation!;
      return response({ type: 'EXPLAIN_ALLOCATION', explain_allocation: explanation(m, framework_id.value, role) });
    }
    case 'CREATE_VOLUMES':
    case 'DESTROY_VOLUMES':
    case 'GROW_VOLUME':
    case 'SHRINK_VOLUME':
      throw new MesosError('NOT_IMPLEMENTED', `${call.type} is not supported yet: the allocator does not track persistent volumes`);
    case 'LIST_FILES':
    case 'READ_FILE':
      throw new MesosError('NOT_IMPLEMENTED', `${call.type} is not supported on the master: it keeps no log files; use the agent's`);
    case 'SET_QUOTA':
    case 'REMOVE_QUOTA':
      throw new MesosError('NOT_IMPLEMENTED', `${call.type} is deprecated in Mesos and not supported: use UPDATE_QUOTA`);
    default:
      throw new MesosError('NOT_IMPLEMENTED', `Unsupported call type ${call.type ?? 'UNKNOWN'}`);
  }
}

export function versionInfo(): import('../types/mesos.ts').VersionInfo {
  return { version: MASTER_VERSION, build_user: 'mesos-ts', git_tag: `mesos-ts-${MASTER_VERSION}` };
}

export function explanation(m: Master, frameworkId: string, role: string | undefined): master.Response.ExplainAllocation {
  const e = m.explain(frameworkId, role);
  return {
    framework_id: { value: e.frameworkId },
    role: e.role,
    share: e.share,
    rank: e.rank,
    role_share: e.roleShare,
    role_rank: e.roleRank,
    weight: e.weight,
    active: e.active,
    suppressed: e.suppressed,
    suppressed_roles: e.suppressedRoles,
    filters: e.filters,
    filtered_agents: e.filteredAgents,
    quota_role: e.quota.role,
    quota_guarantee: e.quota.guarantee,
    quota_limit: e.quota.limit,
    quota_consumed: e.quota.consumed,
    offered: e.offered,
    candidates: e.lastCycle.candidates,
    skips: e.lastCycle.skips,
    reason: e.reason,
    message: e.message,
  };
}

/**
 * SUBSCRIBE: SUBSCRIBED with the state first, then every event in the order the master made
 * them (events are sent synchronously from the master's handlers, so their order on the stream
 * is the order of the changes), and heartbeats.
 */
function subscribe(m: Master, ctx: RequestContext): EventStream {
  if (m.observerCount >= MAX_OPERATOR_SUBSCRIBERS) {
    throw new MesosError('SERVICE_UNAVAILABLE', `Reached the maximum number of operator event stream subscribers (${MAX_OPERATOR_SUBSCRIBERS})`);
  }
  const stream = ctx.stream('mesos.v1.master.Event', { contentType: negotiateJsonAccept(ctx.header('accept')) });
  const heartbeatSeconds = m.options.heartbeatIntervalMs / 1000;
  stream.send({ type: 'SUBSCRIBED', subscribed: { get_state: views.getState(m), heartbeat_interval_seconds: heartbeatSeconds } });
  stream.send({ type: 'HEARTBEAT' });
  const stop = m.observe((_event, json) => stream.sendJson(json));
  const heartbeat = setInterval(() => stream.send({ type: 'HEARTBEAT' }), m.options.heartbeatIntervalMs);
  heartbeat.unref();
  stream.onClose(() => {
    stop();
    clearInterval(heartbeat);
  });
  return stream;
}

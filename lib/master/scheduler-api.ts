// POST /api/v1/scheduler (and /master/api/v1/scheduler): the HTTP side of the v1 scheduler API,
// in the order Mesos checks things (mesos-api.md section 1.1):
//   method (the router: 405) -> recovered? (503) -> Content-Type (400/415) -> body (413/408)
//   -> JSON (400) -> Call (400) -> scheduler::call::validate (400) -> SUBSCRIBE: no stream id
//   (400), Accept (406), 200 stream | others: framework (400/403), stream id (400), 202 / 200.

import { randomUUID } from 'node:crypto';

import { MesosError } from '../common/errors.ts';
import { acceptedReply, emptyReply, negotiateJsonAccept, readCall, type RequestContext, type Reply } from '../common/http.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import type { Master } from './master.ts';
import { validateCall } from './validation.ts';

export const STREAM_ID_HEADER = 'Mesos-Stream-Id';

/** The master, once its registry is recovered; undefined before. */
export type MasterRef = () => Master | undefined;

export function readyMaster(ref: MasterRef): Master {
  const master = ref();
  if (master === undefined) throw new MesosError('SERVICE_UNAVAILABLE', 'Master has not finished recovery');
  return master;
}

export async function schedulerHandler(ref: MasterRef, ctx: RequestContext): Promise<Reply | RecordIOStream<'mesos.v1.scheduler.Event'>> {
  const master = readyMaster(ref);
  const call = await readCall(ctx, 'mesos.v1.scheduler.Call');
  const invalid = validateCall(call);
  if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Failed to validate scheduler::Call: ${invalid}`);
  const streamId = ctx.header(STREAM_ID_HEADER);

  if (call.type === 'SUBSCRIBE') {
    if (streamId !== undefined) {
      throw new MesosError('BAD_REQUEST', `Subscribe calls should not include the '${STREAM_ID_HEADER}' header`);
    }
    const contentType = negotiateJsonAccept(ctx.header('accept'));
    const id = randomUUID();
    const stream = ctx.stream('mesos.v1.scheduler.Event', { contentType, headers: { [STREAM_ID_HEADER]: id } });
    master.subscribe(call.subscribe!, stream, id);
    return stream;
  }

  const framework = master.frameworkForCall(call.framework_id!.value, streamId);
  if (call.type === 'UPDATE_FRAMEWORK') {
    master.updateFramework(framework, call.update_framework!);
    return emptyReply(200);
  }
  master.call(framework, call);
  return acceptedReply();
}

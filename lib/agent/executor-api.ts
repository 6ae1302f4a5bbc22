// POST /api/v1/executor: the v1 executor API (mesos-api.md section 2), checked in Mesos's order
// (src/slave/http.cpp `Http::executor`): method (the router: 405) -> recovered? (503) ->
// Content-Type (415/400) -> body (413/408) -> JSON and Call (400) -> the executor (400) ->
// SUBSCRIBE: Accept (406), 200 stream | others: subscribed? (403), 202.

import { MesosError } from '../common/errors.ts';
import { acceptedReply, negotiateJsonAccept, readCall, type Reply, type RequestContext } from '../common/http.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import type { Agent } from './agent.ts';

export async function executorHandler(
  ready: () => Agent, ctx: RequestContext,
): Promise<Reply | RecordIOStream<'mesos.v1.executor.Event'>> {
  const agent = ready();
  const call = await readCall(ctx, 'mesos.v1.executor.Call');
  if (call.type === undefined || call.type === 'UNKNOWN') {
    throw new MesosError('NOT_IMPLEMENTED', 'Received an executor call of type UNKNOWN');
  }
  const executor = agent.executorFor(call.framework_id.value, call.executor_id.value);
  switch (call.type) {
    case 'SUBSCRIBE': {
      const contentType = negotiateJsonAccept(ctx.header('accept'));
      const stream = ctx.stream('mesos.v1.executor.Event', { contentType });
      agent.executorSubscribe(executor, call.subscribe ?? {}, stream);
      return stream;
    }
    case 'UPDATE':
      if (!executor.stream) throw new MesosError('FORBIDDEN', 'Executor is not subscribed');
      if (call.update === undefined) throw new MesosError('BAD_REQUEST', "Expecting 'update' to be present");
      agent.executorUpdate(executor, call.update.status);
      return acceptedReply();
    case 'MESSAGE':
      if (!executor.stream) throw new MesosError('FORBIDDEN', 'Executor is not subscribed');
      if (call.message === undefined) throw new MesosError('BAD_REQUEST', "Expecting 'message' to be present");
      agent.executorMessage(executor, call.message.data);
      return acceptedReply();
    case 'HEARTBEAT':
      return acceptedReply();
  }
}

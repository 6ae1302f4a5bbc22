// POST /api/v1/agent_link: the server side of the agent link (docs/agent-link.md). One duplex
// HTTP request per agent: we read its RecordIO body of calls for as long as it lasts and answer
// with a RecordIO stream of events.
//
// Before the stream opens, failures are ordinary HTTP errors (the first record must arrive, parse
// and be a REGISTER). After it opens they are an ERROR event and the end of the link.

import { decodeCall, parseJsonBody } from '../common/http-media.ts';
import { MesosError, isMesosError } from '../common/errors.ts';
import { negotiateJsonAccept, requestContentType, type RequestContext, type Reply } from '../common/http.ts';
import type { RecordIOStream } from '../common/http-stream.ts';
import { RecordIODecoder } from '../api/recordio.ts';
import type * as link from '../types/link.ts';
import type { AgentLink } from './master.ts';
import { readyMaster, type MasterRef } from './scheduler-api.ts';

/** How long an ended link's socket may wait for the agent to close its side. */
const LINGER_MS = 5_000;

/** Calls an agent may send before it is told REGISTERED; a sane agent sends a few at most. */
const MAX_EARLY_RECORDS = 1_000;

export interface AgentLinkOptions {
  /** Largest call record. */
  maxRecordBytes: number;
  /** Time for the first record (REGISTER) to arrive. */
  registerTimeoutMs: number;
  log: (line: string) => void;
}

export async function agentLinkHandler(
  ref: MasterRef, ctx: RequestContext, options: AgentLinkOptions,
): Promise<Reply | RecordIOStream<'mesos.internal.link.Event'>> {
  const master = readyMaster(ref);
  requestContentType(ctx.header('content-type'));
  const contentType = negotiateJsonAccept(ctx.header('accept'));
  const req = ctx.request;
  const decoder = new RecordIODecoder({ maxRecordSize: options.maxRecordBytes });
  const pending: Buffer[] = [];
  const parse = (record: Buffer): link.Call => decodeCall('mesos.internal.link.Call', parseJsonBody(record));

  // The first record, read before anything is answered.
  const first = await new Promise<Buffer>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onEnd);
    };
    const fail = (err: MesosError): void => {
      cleanup();
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      try {
        pending.push(...decoder.push(chunk));
      } catch (err) {
        fail(isMesosError(err) ? err : new MesosError('BAD_REQUEST', String(err)));
        return;
      }
      if (pending.length > 0) {
        cleanup();
        // Hold further data until the stream is set up below.
        req.pause();
        resolve(pending.shift()!);
      }
    };
    const onEnd = (): void => fail(new MesosError('BAD_REQUEST', 'The agent link ended before its REGISTER call'));
    const timer = setTimeout(
      () => fail(new MesosError('REQUEST_TIMEOUT', `No REGISTER call within ${options.registerTimeoutMs} ms`)),
      options.registerTimeoutMs,
    );
    timer.unref();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onEnd);
  });
  const register = parse(first);
  if (register.type !== 'REGISTER' || register.register === undefined) {
    throw new MesosError('BAD_REQUEST', 'Expecting the first call to be REGISTER');
  }
  master.checkRegister(register.register);

  const stream = ctx.stream('mesos.internal.link.Event', { contentType });
  const agentLink: AgentLink = { stream, close: () => stream.close() };
  // Either side ending ends the link: the agent closing its body, or our stream closing. When we
  // end it, the socket is ended after the queued events (an ERROR saying why must arrive), and
  // destroyed if the agent does not close its side soon after.
  stream.onClose((reason) => {
    if (req.destroyed) return;
    if (reason === 'client') {
      req.destroy();
      return;
    }
    // Listeners run before the stream writes its terminating chunk: end the socket after it.
    process.nextTick(() => req.socket.end());
    setTimeout(() => req.destroy(), LINGER_MS).unref();
  });

  // Records that arrive while REGISTER is being admitted wait for it, so that the agent hears
  // REGISTERED before anything its later records cause (an ERROR for a bad one, say).
  let registered = false;
  const queue: Buffer[] = [];
  const handle = (record: Buffer): void => {
    if (stream.isClosed) return;
    try {
      master.agentCall(agentLink, parse(record));
    } catch (err) {
      master.refuseLink(agentLink, (err as Error).message);
    }
  };
  const onRecords = (records: Buffer[]): void => {
    if (registered) for (const record of records) handle(record);
    else if (queue.push(...records) > MAX_EARLY_RECORDS) {
      master.refuseLink(agentLink, `More than ${MAX_EARLY_RECORDS} calls before REGISTERED`);
    }
  };
  req.on('data', (chunk: Buffer) => {
    try {
      onRecords(decoder.push(chunk));
    } catch (err) {
      master.refuseLink(agentLink, (err as Error).message);
    }
  });
  req.on('end', () => agentLink.close());
  req.on('close', () => agentLink.close());
  onRecords(pending.splice(0));
  req.resume();

  const peer = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  try {
    await master.registerAgent(register.register, agentLink, peer);
  } catch (err) {
    options.log(`Refused agent link from ${peer}: ${(err as Error).message}`);
    master.refuseLink(agentLink, (err as Error).message);
    return stream;
  }
  registered = true;
  for (const record of queue.splice(0)) handle(record);
  return stream;
}

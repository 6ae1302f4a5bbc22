// The agent's end of the agent link (docs/agent-link.md): one duplex HTTP request to the master,
// a RecordIO body of calls and a RecordIO response of events.
//
// The link is kept up for the life of the agent: when it drops (the master restarted, the network
// broke, the master closed it, or no PING came for the master's total ping timeout), the agent
// connects again after a backoff (100 ms doubling to 5 s, Mesos's agent uses a registration backoff
// of up to 1 s plus jitter) and sends REGISTER again, with its id and everything it runs.

import { request, type ClientRequest } from 'node:http';

import { decode } from '../api/codec.ts';
import { RecordIODecoder, encodeRecord } from '../api/recordio.ts';
import type * as link from '../types/link.ts';

export interface MasterLinkOptions {
  readonly master: { readonly host: string; readonly port: number };
  /** The REGISTER call for the agent's current books (called on every connection). */
  readonly register: () => link.Call;
  /** Called for every event after REGISTERED (PINGs are answered here and not passed on). */
  readonly onEvent: (event: link.Event) => void;
  /** Called with each REGISTERED, once the link is usable. */
  readonly onRegistered: (registered: link.Event.Registered) => void;
  readonly log: (line: string) => void;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
}

export const LINK_PATH = '/api/v1/agent_link';

export class MasterLink {
  readonly #options: MasterLinkOptions;
  #req: ClientRequest | undefined;
  #registered = false;
  #stopped = false;
  #backoffMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #pingTimeoutMs = 0;

  constructor(options: MasterLinkOptions) {
    this.#options = options;
    this.#backoffMs = options.backoffMinMs ?? 100;
  }

  /** Whether calls can be sent now (the link is open and REGISTERED arrived). */
  get registered(): boolean {
    return this.#registered;
  }

  start(): void {
    this.#connect();
  }

  /** Writes a call; false when the link is not registered (the caller retries later). */
  send(call: link.Call): boolean {
    if (!this.#registered || !this.#req) return false;
    this.#req.write(encodeRecord(JSON.stringify(call)));
    return true;
  }

  /** Drops the current link; a new one is made after the backoff. */
  reconnect(reason: string): void {
    this.#options.log(`Reconnecting to the master: ${reason}`);
    this.#req?.destroy();
  }

  /** Ends the link for good; `last` (UNREGISTER) is written first when given. */
  async stop(last?: link.Call): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pingTimer);
    const req = this.#req;
    if (!req) return;
    if (last && this.#registered) {
      await new Promise<void>((resolve) => req.write(encodeRecord(JSON.stringify(last)), () => resolve()));
      await new Promise<void>((resolve) => {
        req.end(resolve);
        setTimeout(resolve, 1000).unref();
      });
    }
    req.destroy();
  }

  #connect(): void {
    if (this.#stopped) return;
    const { host, port } = this.#options.master;
    const req = request({
      host,
      port,
      method: 'POST',
      path: LINK_PATH,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      agent: false,
    });
    this.#req = req;
    req.setNoDelay(true);
    let ended = false;
    const onEnd = (reason: string): void => {
      if (ended) return;
      ended = true;
      if (this.#req === req) {
        this.#req = undefined;
        this.#registered = false;
        clearTimeout(this.#pingTimer);
      }
      req.destroy();
      if (this.#stopped) return;
      this.#options.log(`The link to the master at ${host}:${port} ended (${reason}); retrying in ${this.#backoffMs} ms`);
      this.#retryTimer = setTimeout(() => this.#connect(), this.#backoffMs);
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.backoffMaxMs ?? 5_000);
    };
    req.on('error', (err) => onEnd(err.message));
    req.on('close', () => onEnd('the connection closed'));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => onEnd(`the master answered ${res.statusCode}: ${body.slice(0, 300)}`));
        res.on('error', () => onEnd(`the master answered ${res.statusCode}`));
        return;
      }
      const decoder = new RecordIODecoder();
      res.on('data', (chunk: Buffer) => {
        let records: Buffer[];
        try {
          records = decoder.push(chunk);
        } catch (err) {
          onEnd(`unreadable events: ${(err as Error).message}`);
          return;
        }
        for (const record of records) {
          if (ended) return;
          let event: link.Event;
          try {
            event = decode('mesos.internal.link.Event', JSON.parse(record.toString('utf8')));
          } catch (err) {
            onEnd(`an unreadable event: ${(err as Error).message}`);
            return;
          }
          this.#onEvent(req, event);
        }
      });
      res.on('end', () => onEnd('the master ended the link'));
      res.on('error', (err) => onEnd(err.message));
    });
    req.write(encodeRecord(JSON.stringify(this.#options.register())));
  }

  #onEvent(req: ClientRequest, event: link.Event): void {
    switch (event.type) {
      case 'REGISTERED': {
        const registered = event.registered!;
        this.#registered = true;
        this.#backoffMs = this.#options.backoffMinMs ?? 100;
        this.#pingTimeoutMs = (registered.total_ping_timeout_seconds ?? 75) * 1000;
        this.#armPingTimer(req);
        this.#options.onRegistered(registered);
        return;
      }
      case 'PING':
        this.#armPingTimer(req);
        if (this.#req === req) req.write(encodeRecord(JSON.stringify({ type: 'PONG' })));
        return;
      case 'ERROR':
        this.#options.log(`The master refused the link: ${event.error?.message ?? ''}`);
        return;
      default:
        this.#options.onEvent(event);
    }
  }

  /** Mesos's agent re-registers when no PING arrives for the master's total ping timeout. */
  #armPingTimer(req: ClientRequest): void {
    clearTimeout(this.#pingTimer);
    if (this.#pingTimeoutMs <= 0) return;
    this.#pingTimer = setTimeout(() => {
      if (this.#req === req) this.reconnect(`no PING from the master within ${this.#pingTimeoutMs} ms`);
    }, this.#pingTimeoutMs);
    this.#pingTimer.unref();
  }
}

// A running master: its store and registry, the Master state machine, and the HTTP endpoints.
//
// Startup order: the HTTP server listens first (so that the port is known and callers get 503
// "Master has not finished recovery" rather than a refused connection), then the registry is
// recovered from the store, then the Master starts serving.

import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';

import { MesosError } from '../common/errors.ts';
import { HttpServer, Router, emptyReply, jsonReply, redirectReply, valueReply } from '../common/http.ts';
import { addMetricsRoutes } from '../common/metrics-routes.ts';
import { addLegacyRoutes } from './legacy-routes.ts';
import { operatorHandler } from './operator-api.ts';
import { openStore, type Store, type StoreKind } from '../store/index.ts';
import { agentLinkHandler } from './agent-link.ts';
import { MASTER_VERSION, Master, type MasterOptions } from './master.ts';
import { Registry } from './registry.ts';
import { readyMaster, schedulerHandler } from './scheduler-api.ts';

export interface MasterServerOptions extends Omit<MasterOptions, 'ip' | 'port' | 'hostname' | 'log' | 'flags'> {
  /** The flags as given, for GET_FLAGS and `/flags`. */
  flags?: Readonly<Record<string, string>>;
  ip: string;
  port: number;
  hostname?: string;
  workDir?: string;
  registry: StoreKind;
  log?: (line: string) => void;
}

export class MasterServer {
  readonly http: HttpServer;
  #master: Master | undefined;
  #store: Store | undefined;
  readonly #log: (line: string) => void;

  private constructor(http: HttpServer, log: (line: string) => void) {
    this.http = http;
    this.#log = log;
  }

  get master(): Master | undefined {
    return this.#master;
  }

  static async start(options: MasterServerOptions): Promise<MasterServer> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    if (options.registry === 'leveldb' && options.workDir === undefined) {
      throw new MesosError('INVALID_FLAG', "Flag '--work_dir' is required when '--registry=leveldb'");
    }
    const router = new Router({ actor: 'master' });
    // The agent link is a long-lived request body, so Node's whole-request timeout is off; the
    // headers timeout and each handler's own body timeout still bound slow clients.
    const http = new HttpServer(router, { requestTimeoutMs: 0, log });
    const server = new MasterServer(http, log);
    const ref = (): Master | undefined => server.#master;
    const flags = options.flags ?? {};
    router
      .add({ path: '/api/v1', methods: ['POST'], handler: (ctx) => operatorHandler(ref, ctx, { flags }) })
      .add({ path: '/flags', methods: ['GET'], jsonp: true, handler: () => valueReply({ flags }) })
      .add({ path: '/api/v1/scheduler', methods: ['POST'], handler: (ctx) => schedulerHandler(ref, ctx) })
      .add({
        path: '/api/v1/agent_link',
        methods: ['POST'],
        handler: (ctx) => agentLinkHandler(ref, ctx, { maxRecordBytes: http.maxBodyBytes, registerTimeoutMs: http.bodyTimeoutMs, log }),
      })
      .add({ path: '/health', methods: ['GET', 'HEAD'], handler: () => emptyReply(200) })
      .add({
        path: '/version',
        methods: ['GET'],
        jsonp: true,
        handler: () => jsonReply(JSON.stringify({ version: MASTER_VERSION, build_user: 'mesos-ts', git_tag: `mesos-ts-${MASTER_VERSION}` })),
      })
      .add({
        path: '/redirect',
        methods: ['GET'],
        handler: () => {
          // This master is always the leader: the redirect points at itself, as a leading Mesos
          // master's does.
          const master = server.#master;
          const address = http.address;
          return redirectReply(master?.options.hostname ?? address.ip, address.port);
        },
      });

    addMetricsRoutes(router, () => readyMaster(ref).metrics);
    addLegacyRoutes(router, ref, { flags });

    const address = await http.listen(options.port, options.ip);
    try {
      const store = await openStore({ kind: options.registry, path: options.workDir === undefined ? undefined : join(options.workDir, 'registry') });
      server.#store = store;
      const registry = await Registry.recover(store);
      // As Mesos: the deprecated --weights flag seeds the registry when the cluster bootstraps;
      // afterwards the registry's weights win and the flag is ignored (Master says so).
      if (registry.created && Object.keys(options.weights).length > 0) await registry.updateWeights(options.weights);
      const advertisedIp = address.ip === '0.0.0.0' || address.ip === '::' ? '127.0.0.1' : address.ip;
      server.#master = Master.create({
        ...options,
        ip: advertisedIp,
        port: address.port,
        hostname: options.hostname ?? osHostname(),
        flags,
        log,
      }, registry);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Graceful stop: timers, then connections (streams end), then the store. */
  async stop(): Promise<void> {
    this.#master?.stop();
    await this.http.close();
    await this.#store?.close();
    this.#log('Master stopped');
  }
}

// A running agent: its checkpoint store, containerizer, the Agent state machine, its metrics and
// its HTTP endpoints (`/state` and `/slave(1)/state`, `/monitor/statistics`, `/files/*`,
// `/health`, `/version`, `/flags`, the operator API `/api/v1`, `/metrics/snapshot`, `/metrics`).
//
// Startup order: the HTTP server listens (the port is part of the agent's info), then the store
// is opened and the agent recovers its checkpoints, then it connects to the master.

import { mkdirSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';

import type { Resources } from '../api/resources.ts';
import { MesosError } from '../common/errors.ts';
import { HttpServer, Router, emptyReply, valueReply } from '../common/http.ts';
import { Metrics } from '../common/metrics.ts';
import { LevelDbStore } from '../store/index.ts';
import type * as v1 from '../types/mesos.ts';
import { Agent } from './agent.ts';
import type { Isolation } from './config.ts';
import { Containerizer } from './containerizer.ts';
import { executorHandler } from './executor-api.ts';
import { SandboxFiles } from './files.ts';
import { operatorHandler, registerAgentMetrics, versionInfo } from './operator-api.ts';
import { addMetricsRoutes } from '../common/metrics-routes.ts';
import { agentState, monitorStatistics } from './state.ts';

export interface AgentServerOptions {
  readonly master: { readonly host: string; readonly port: number };
  readonly ip: string;
  readonly port: number;
  readonly hostname?: string;
  readonly workDir: string;
  readonly runtimeDir: string;
  /** Builds the total once the work dir exists (disk is detected from it). */
  readonly resources: (workDir: string) => Resources;
  readonly attributes: readonly v1.Attribute[];
  readonly isolation: Isolation;
  readonly cgroupsRoot: string;
  readonly enableCfs: boolean;
  readonly pidsMax?: number;
  readonly executorShutdownGracePeriodMs: number;
  /** Default 1 min, as Mesos's --executor_registration_timeout. */
  readonly executorRegistrationTimeoutMs?: number;
  readonly recover: 'reconnect' | 'cleanup';
  readonly strict: boolean;
  readonly switchUser: boolean;
  /** The flags as given, for `/flags` and `/state`. */
  readonly flags: Readonly<Record<string, string>>;
  readonly statusUpdateRetryMinMs?: number;
  readonly log?: (line: string) => void;
  readonly onShutdown?: (message: string) => void;
}

export class AgentServer {
  readonly http: HttpServer;
  #agent: Agent | undefined;
  #store: LevelDbStore | undefined;
  readonly #log: (line: string) => void;

  private constructor(http: HttpServer, log: (line: string) => void) {
    this.http = http;
    this.#log = log;
  }

  get agent(): Agent | undefined {
    return this.#agent;
  }

  static async start(options: AgentServerOptions): Promise<AgentServer> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    const workDir = resolve(options.workDir);
    mkdirSync(join(workDir, 'slaves'), { recursive: true, mode: 0o755 });
    const resources = options.resources(workDir);
    const router = new Router({ actor: 'slave(1)' });
    // Executors' SUBSCRIBE streams last as long as the executor: no whole-request timeout.
    const http = new HttpServer(router, { log, requestTimeoutMs: 0 });
    const server = new AgentServer(http, log);
    // One registry for the process: the agent's counters and the gauges read from its books.
    const metrics = new Metrics();
    registerAgentMetrics(metrics, () => server.#agent, Date.now() / 1000);
    const files = new SandboxFiles();
    // Everything below <work_dir>/slaves is sandboxes; the files endpoints never leave it.
    await files.attach(join(workDir, 'slaves'));
    const address = await http.listen(options.port, options.ip);
    const endpointIp = address.ip === '0.0.0.0' || address.ip === '::' ? '127.0.0.1' : address.ip;
    const ready = (): Agent => {
      const agent = server.#agent;
      if (!agent) throw new MesosError('SERVICE_UNAVAILABLE', 'Agent has not finished recovery');
      return agent;
    };
    router
      .add({ path: '/health', methods: ['GET', 'HEAD'], handler: () => emptyReply(200) })
      .add({
        path: '/version',
        methods: ['GET'],
        jsonp: true,
        handler: () => valueReply(versionInfo()),
      })
      .add({ path: '/flags', methods: ['GET'], jsonp: true, handler: () => valueReply({ flags: options.flags }) })
      .add({
        path: '/state',
        methods: ['GET'],
        jsonp: true,
        handler: () => valueReply(agentState({ agent: ready(), ip: endpointIp, port: address.port, flags: options.flags })),
      })
      .add({ path: '/api/v1/executor', methods: ['POST'], handler: (ctx) => executorHandler(ready, ctx) })
      .add({ path: '/api/v1', methods: ['POST'], handler: (ctx) => operatorHandler(ready, { files, metrics, flags: options.flags }, ctx) })
      .add({ path: '/monitor/statistics', methods: ['GET'], jsonp: true, handler: () => valueReply(monitorStatistics(ready())) });
    files.routes(router);
    addMetricsRoutes(router, () => metrics);

    try {
      const store = await LevelDbStore.open(join(workDir, 'meta', 'store'));
      server.#store = store;
      const containerizer = Containerizer.create({
        runtimeDir: options.runtimeDir,
        isolation: options.isolation,
        cgroupsRoot: options.cgroupsRoot,
        enableCfs: options.enableCfs,
        ...(options.pidsMax === undefined ? {} : { pidsMax: options.pidsMax }),
        log,
      });
      const agent = new Agent({
        master: options.master,
        ...(options.ip === '0.0.0.0' || options.ip === '::' ? {} : { advertisedIp: options.ip }),
        endpointIp,
        port: address.port,
        hostname: options.hostname ?? osHostname(),
        workDir,
        resources,
        attributes: options.attributes,
        executorShutdownGracePeriodMs: options.executorShutdownGracePeriodMs,
        executorRegistrationTimeoutMs: options.executorRegistrationTimeoutMs ?? 60_000,
        recover: options.recover,
        strict: options.strict,
        switchUser: options.switchUser,
        store,
        containerizer,
        log,
        metrics,
        ...(options.statusUpdateRetryMinMs === undefined ? {} : { statusUpdateRetryMinMs: options.statusUpdateRetryMinMs }),
        ...(options.onShutdown ? { onShutdown: options.onShutdown } : {}),
      });
      await agent.recover();
      server.#agent = agent;
      // --recover=cleanup kills what the last run left and stops there, as Mesos's does.
      if (options.recover === 'reconnect') agent.start();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Graceful stop: tasks keep running (a restarted agent recovers them). */
  async stop(options: { unregister?: boolean } = {}): Promise<void> {
    await this.#agent?.stop(options);
    await this.http.close();
    await this.#store?.close();
    this.#log('Agent stopped');
  }
}

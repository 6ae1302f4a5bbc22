// `npm start`: the single-host dev cluster (a master and an agent, with the embedded store),
// like `mesos-local`. State lives under `./.mesos-ts` (or MESOS_TS_HOME). It runs through runCli like every bin, so a busy port or a missing native build is one line and an exit
// code, not a stack trace.
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { agentResources, defaultIsolation, hostControllers } from '../lib/agent/config.ts';
import { AgentServer } from '../lib/agent/server.ts';
import { detectCgroups, nativeVersion } from '../lib/native/index.ts';
import { MasterServer } from '../lib/master/server.ts';
import { runCli } from './run.ts';

const program = new Command('mesos-ts')
  .description('Runs a single-host mesos-ts cluster: a master on :5050 and an agent on :5051, with their state under ./.mesos-ts.')
  .option('--port <port>', 'the master\'s port', '5050')
  .option('--agent-port <port>', 'the agent\'s port', '5051')
  .action(async (options: { port: string; agentPort: string }) => {
    // Load the addon first: without a native build this is the one-line error that says how to
    // build it, before anything listens.
    const version = nativeVersion();
    const home = resolve(process.env.MESOS_TS_HOME ?? '.mesos-ts');
    const server = await MasterServer.start({
      ip: '127.0.0.1',
      port: Number(options.port),
      workDir: join(home, 'master'),
      registry: 'leveldb',
      allocationIntervalMs: 1000,
      agentPingTimeoutMs: 15_000,
      maxAgentPingTimeouts: 5,
      agentReregisterTimeoutMs: 600_000,
      heartbeatIntervalMs: 15_000,
      minAllocatableResources: 'cpus:0.01|mem:32',
      weights: {},
    });
    const { ip, port } = server.http.address;
    const root = process.getuid?.() === 0;
    const agentDir = join(home, 'agent');
    mkdirSync(agentDir, { recursive: true });
    let agent: AgentServer;
    try {
      agent = await AgentServer.start({
        master: { host: ip, port },
        ip: '127.0.0.1',
        port: Number(options.agentPort),
        workDir: agentDir,
        runtimeDir: join(agentDir, 'run'),
        resources: (workDir) => agentResources(undefined, workDir),
        attributes: [],
        isolation: defaultIsolation(root, root ? hostControllers(detectCgroups()) : []),
        cgroupsRoot: 'mesos',
        enableCfs: false,
        executorShutdownGracePeriodMs: 5_000,
        recover: 'reconnect',
        strict: true,
        switchUser: root,
        flags: {},
        log: (line) => process.stderr.write(`agent: ${line}\n`),
      });
    } catch (err) {
      await server.stop();
      throw err;
    }
    const agentAddress = agent.http.address;
    // Handlers first: a SIGTERM right after the banner must stop the cluster, not kill it.
    const stopped = new Promise<void>((done) => {
      const stop = (): void => void agent.stop().then(() => server.stop()).then(done, done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    console.log([
      'mesos-ts dev cluster',
      '',
      `  master:        http://${ip}:${port}  (registry in ${join(home, 'master')})`,
      `  native addon:  version ${version}`,
      `  agent:         http://${agentAddress.ip}:${agentAddress.port}  (sandboxes in ${agentDir})`,
      '',
      'Run a task and see the cluster (in another terminal):',
      `  npx mesosctl --master ${ip}:${port} run -- echo hello`,
      `  npx mesosctl --master ${ip}:${port} cluster status`,
      '',
      'Subscribe a framework (Mesos v1 scheduler API):',
      `  curl -N -H 'Content-Type: application/json' http://${ip}:${port}/api/v1/scheduler \\`,
      `    -d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"hello"}}}'`,
      '',
      'Ctrl-C stops the cluster.',
    ].join('\n'));
    await stopped;
  });

await runCli(program);

// `npm start`: the single-host dev cluster (a master, and from issue 6 an agent, with the
// embedded store), like `mesos-local`. State lives under `./.mesos-ts` (or MESOS_TS_HOME). It runs
// through runCli like every bin, so a busy port or a missing native build is one line and an exit
// code, not a stack trace.
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { nativeVersion } from '../lib/native/index.ts';
import { MasterServer } from '../lib/master/server.ts';
import { runCli } from './run.ts';

const program = new Command('mesos-ts')
  .description('Runs a single-host mesos-ts cluster: a master on :5050 with its registry under ./.mesos-ts.')
  .option('--port <port>', 'the master\'s port', '5050')
  .action(async (options: { port: string }) => {
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
    console.log([
      'mesos-ts dev cluster',
      '',
      `  master:        http://${ip}:${port}  (registry in ${join(home, 'master')})`,
      `  native addon:  version ${version}`,
      '  agent:         not built yet (issue 6): frameworks can subscribe, but get no offers',
      '',
      'Subscribe a framework (Mesos v1 scheduler API):',
      `  curl -N -H 'Content-Type: application/json' http://${ip}:${port}/api/v1/scheduler \\`,
      `    -d '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"hello"}}}'`,
      '',
      'Ctrl-C stops the cluster.',
    ].join('\n'));
    await new Promise<void>((done) => {
      const stop = (): void => void server.stop().then(done, done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });

await runCli(program);

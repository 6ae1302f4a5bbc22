// mesos-agent: runs tasks on this host. Flags use Mesos's names, duration format and boolean forms.
import { mkdirSync } from 'node:fs';
import { Option } from 'commander';
import type { Resources } from '../lib/api/resources.ts';
import { parseDuration } from '../lib/common/duration.ts';
import { MesosCommand, invalidFlag, parseIntegerFlag } from '../lib/common/flags.ts';
import { agentResources, defaultIsolation, hostControllers, parseAttributes, parseIsolation, parseMasterAddress } from '../lib/agent/config.ts';
import { AgentServer } from '../lib/agent/server.ts';
import { detectCgroups } from '../lib/native/index.ts';
import { runCli } from './run.ts';

interface AgentFlags {
  master?: string;
  ip: string;
  port: string;
  hostname?: string;
  work_dir?: string;
  runtime_dir: string;
  resources?: string;
  attributes?: string;
  isolation?: string;
  cgroups_root: string;
  cgroups_enable_cfs: boolean;
  cgroups_pids_max?: string;
  executor_shutdown_grace_period: string;
  recover: 'reconnect' | 'cleanup';
  strict: boolean;
  switch_user: boolean;
}



const program = new MesosCommand('mesos-agent')
  .description('Runs a mesos-ts agent: registers with a master and runs tasks in cgroups and namespaces.')
  .option('--master <host:port>', 'the master to register with (required)')
  .option('--ip <ip>', 'IP address to listen on', '0.0.0.0')
  .option('--port <port>', 'port to listen on (0 picks a free one)', '5051')
  .option('--hostname <name>', 'hostname advertised to the master')
  .option('--work_dir <dir>', 'where sandboxes and checkpoints live (required)')
  .option('--runtime_dir <dir>', 'where runtime state of containers lives', '/var/run/mesos')
  .option('--resources <spec>', 'total resources, e.g. "cpus:4;mem:1024;ports:[31000-32000]" (default: detected)')
  .option('--attributes <spec>', 'attributes, e.g. "rack:r1;zone:a"')
  .option('--isolation <list>', 'isolators, e.g. "cgroups/cpu,cgroups/mem,namespaces/pid" (default: what the host supports)')
  .option('--cgroups_root <name>', 'name of the agent\'s cgroup under each hierarchy', 'mesos')
  .booleanFlag('cgroups_enable_cfs', 'enforce CPU limits with CFS quota', false)
  .option('--cgroups_pids_max <n>', 'pids.max of each container with cgroups/pids (default: no limit)')
  .durationFlag('executor_shutdown_grace_period', 'time tasks have to exit when their framework shuts down', '5secs')
  .addOption(new Option('--recover <mode>', 'reconnect: keep running tasks across restarts; cleanup: kill them and exit').choices(['reconnect', 'cleanup']).default('reconnect'))
  .booleanFlag('strict', 'treat every recovery error as fatal (--no-strict: recover what can be recovered)', true)
  .booleanFlag('switch_user', 'run tasks as their user (needs root)', true)
  .addHelpText('after', '\nExample:\n  mesos-agent --master=127.0.0.1:5050 --work_dir=/var/lib/mesos-agent\n')
  .action(async (flags: AgentFlags) => {
    if (flags.master === undefined) throw invalidFlag('master', 'Flag \'--master\' is required');
    if (flags.work_dir === undefined) throw invalidFlag('work_dir', 'Flag \'--work_dir\' is required');
    const master = parseMasterAddress(flags.master);
    const root = process.getuid?.() === 0;
    const isolation = flags.isolation === undefined
      ? defaultIsolation(root, root ? hostControllers(detectCgroups()) : [])
      : parseIsolation(flags.isolation);
    const attributes = flags.attributes === undefined ? [] : parseAttributes(flags.attributes);
    // The total is checked before anything starts, so a bad --resources is one line naming the flag.
    mkdirSync(flags.work_dir, { recursive: true });
    let resources: Resources;
    try {
      resources = agentResources(flags.resources, flags.work_dir);
    } catch (err) {
      throw invalidFlag('resources', (err as Error).message);
    }
    const given: Record<string, string> = {};
    for (const [name, value] of Object.entries(flags)) given[name] = String(value);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const server = await AgentServer.start({
      master,
      ip: flags.ip,
      port: parseIntegerFlag('port', flags.port, 0, 65535),
      ...(flags.hostname === undefined ? {} : { hostname: flags.hostname }),
      workDir: flags.work_dir,
      runtimeDir: flags.runtime_dir,
      resources: () => resources,
      attributes,
      isolation,
      cgroupsRoot: flags.cgroups_root,
      enableCfs: flags.cgroups_enable_cfs,
      ...(flags.cgroups_pids_max === undefined ? {} : { pidsMax: parseIntegerFlag('cgroups_pids_max', flags.cgroups_pids_max, 1, 4_194_304) }),
      executorShutdownGracePeriodMs: parseDuration(flags.executor_shutdown_grace_period),
      recover: flags.recover,
      strict: flags.strict,
      switchUser: flags.switch_user && root,
      flags: given,
      onShutdown: (message) => {
        process.stderr.write(`mesos-agent: shut down by the master: ${message}\n`);
        done();
      },
    });
    if (flags.recover === 'cleanup') {
      await server.stop();
      process.stdout.write('mesos-agent: --recover=cleanup: killed the tasks of the last run and removed their state\n');
      return;
    }
    const address = server.http.address;
    // The handlers are in place before the line that says the agent serves: whoever waits for
    // that line may stop the agent at once, and a SIGTERM with no handler would kill it outright.
    const stop = (signal: string): void => {
      process.stderr.write(`mesos-agent: ${signal}: shutting down (tasks keep running)\n`);
      done();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.stdout.write(`mesos-agent listening on ${address.ip}:${address.port} (isolation: ${isolation.isolators.join(',')})\n`);
    await finished;
    await server.stop();
  });

await runCli(program);

// mesos-master: the cluster's master. Flags use Mesos's names and duration format.
import { Option } from 'commander';
import { parseDuration } from '../lib/common/duration.ts';
import { MesosCommand, invalidFlag, parseIntegerFlag } from '../lib/common/flags.ts';
import { validateRole } from '../lib/api/roles.ts';
import { MasterServer } from '../lib/master/server.ts';
import type { StoreKind } from '../lib/store/index.ts';
import { runCli } from './run.ts';

interface MasterFlags {
  ip: string;
  port: string;
  hostname?: string;
  work_dir?: string;
  allocation_interval: string;
  offer_timeout?: string;
  agent_ping_timeout: string;
  max_agent_ping_timeouts: string;
  agent_reregister_timeout: string;
  min_allocatable_resources: string;
  weights?: string;
  registry: StoreKind;
  heartbeat_interval: string;
}



/** A duration flag that must be positive (Mesos rejects zero intervals). */
function positiveDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (!(ms > 0)) throw invalidFlag(flag, `Expecting a positive duration, got '${text}'`);
  return ms;
}

/** `--weights=role1=2,role2=3.5` (Mesos's deprecated flag; UPDATE_WEIGHTS supersedes it). */
function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const entry of text.split(',')) {
    const [role, value, ...rest] = entry.split('=');
    const weight = Number(value);
    if (role === undefined || value === undefined || rest.length > 0 || !(weight > 0) || !Number.isFinite(weight)) {
      throw invalidFlag('weights', `Invalid weight '${entry}': expecting <role>=<positive number>`);
    }
    const bad = validateRole(role.trim());
    if (bad !== undefined) throw invalidFlag('weights', bad);
    weights[role.trim()] = weight;
  }
  return weights;
}

const program = new MesosCommand('mesos-master')
  .description('Runs a mesos-ts master: the Mesos v1 scheduler API, the agent link and the DRF allocator.')
  .option('--ip <ip>', 'IP address to listen on', '0.0.0.0')
  .option('--port <port>', 'port to listen on (0 picks a free one)', '5050')
  .option('--hostname <name>', 'hostname advertised to frameworks and agents (default: the host name)')
  .option('--work_dir <dir>', 'where the registry lives (required with --registry=leveldb)')
  .durationFlag('allocation_interval', 'time between batched allocation runs', '1secs')
  .durationFlag('offer_timeout', 'rescind offers unused for this long (default: never)')
  .durationFlag('agent_ping_timeout', 'time to wait for an agent pong before counting a miss', '15secs')
  .option('--max_agent_ping_timeouts <n>', 'missed pings before an agent is unreachable', '5')
  .durationFlag('agent_reregister_timeout', 'time agents have to reregister after a master failover', '10mins')
  .option('--min_allocatable_resources <spec>', 'smallest offer, e.g. "cpus:0.01|mem:32"', 'cpus:0.01|mem:32')
  .option('--weights <spec>', 'role weights, e.g. "role1=2,role2=3" (deprecated in Mesos: use UPDATE_WEIGHTS)')
  .addOption(new Option('--registry <kind>', 'registry store').choices(['leveldb', 'in_memory']).default('leveldb'))
  .durationFlag('heartbeat_interval', 'interval of HEARTBEAT events on scheduler streams', '15secs')
  .addHelpText('after', '\nExample:\n  mesos-master --work_dir=/var/lib/mesos --port=5050\n')
  .action(async (flags: MasterFlags) => {
    const given: Record<string, string> = {};
    for (const [name, value] of Object.entries(flags)) if (value !== undefined) given[name] = String(value);
    const server = await MasterServer.start({
      flags: given,
      ip: flags.ip,
      port: parseIntegerFlag('port', flags.port, 0, 65535),
      hostname: flags.hostname,
      workDir: flags.work_dir,
      registry: flags.registry,
      allocationIntervalMs: positiveDuration('allocation_interval', flags.allocation_interval),
      offerTimeoutMs: flags.offer_timeout === undefined ? undefined : positiveDuration('offer_timeout', flags.offer_timeout),
      agentPingTimeoutMs: positiveDuration('agent_ping_timeout', flags.agent_ping_timeout),
      maxAgentPingTimeouts: parseIntegerFlag('max_agent_ping_timeouts', flags.max_agent_ping_timeouts, 1, 1_000_000),
      agentReregisterTimeoutMs: positiveDuration('agent_reregister_timeout', flags.agent_reregister_timeout),
      heartbeatIntervalMs: positiveDuration('heartbeat_interval', flags.heartbeat_interval),
      minAllocatableResources: flags.min_allocatable_resources,
      weights: flags.weights === undefined ? {} : parseWeights(flags.weights),
    });
    const address = server.http.address;
    // The handlers are in place before the line that says the master serves: whoever waits for
    // that line may stop it at once, and a SIGTERM with no handler would kill it outright.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        process.stderr.write(`mesos-master: ${signal}: shutting down\n`);
        server.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    process.stdout.write(`mesos-master listening on ${address.ip}:${address.port}\n`);
    await stopped;
  });

await runCli(program);

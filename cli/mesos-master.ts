// mesos-master: the cluster's master. Flags use Mesos's names and duration format.
import { Option } from 'commander';
import { MesosError } from '../lib/common/errors.ts';
import { MesosCommand } from '../lib/common/flags.ts';
import { runCli } from './run.ts';

const program = new MesosCommand('mesos-master')
  .description('Runs a mesos-ts master: the Mesos v1 scheduler and operator HTTP APIs and the DRF allocator.')
  .option('--ip <ip>', 'IP address to listen on', '0.0.0.0')
  .option('--port <port>', 'port to listen on', '5050')
  .option('--hostname <name>', 'hostname advertised to frameworks and agents')
  .option('--work_dir <dir>', 'where the registry and other state live')
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
  .action(() => {
    throw new MesosError('NOT_IMPLEMENTED', 'the master is not built yet (issue 5); `--help` lists its flags');
  });

await runCli(program);

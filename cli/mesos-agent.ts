// mesos-agent: runs tasks on this host. Flags use Mesos's names, duration format and boolean forms.
import { Option } from 'commander';
import { MesosError } from '../lib/common/errors.ts';
import { MesosCommand } from '../lib/common/flags.ts';
import { runCli } from './run.ts';

const program = new MesosCommand('mesos-agent')
  .description('Runs a mesos-ts agent: registers with a master and runs tasks in cgroups and namespaces.')
  .option('--master <host:port>', 'the master to register with')
  .option('--ip <ip>', 'IP address to listen on', '0.0.0.0')
  .option('--port <port>', 'port to listen on', '5051')
  .option('--hostname <name>', 'hostname advertised to the master')
  .option('--work_dir <dir>', 'where sandboxes and checkpoints live')
  .option('--runtime_dir <dir>', 'where runtime state of containers lives', '/var/run/mesos')
  .option('--resources <spec>', 'total resources, e.g. "cpus:4;mem:1024;ports:[31000-32000]" (default: detected)')
  .option('--attributes <spec>', 'attributes, e.g. "rack:r1;zone:a"')
  .option('--isolation <list>', 'isolators, e.g. "cgroups/cpu,cgroups/mem,namespaces/pid" (default: what the host supports)')
  .option('--cgroups_root <name>', 'name of the agent\'s cgroup under each hierarchy', 'mesos')
  .booleanFlag('cgroups_enable_cfs', 'enforce CPU limits with CFS quota', false)
  .durationFlag('executor_shutdown_grace_period', 'time an executor has to exit after SHUTDOWN', '5secs')
  .addOption(new Option('--recover <mode>', 'what to do with running tasks on restart').choices(['reconnect', 'cleanup']).default('reconnect'))
  .booleanFlag('strict', 'treat every recovery error as fatal (--no-strict: recover what can be recovered)', true)
  .addHelpText('after', '\nExample:\n  mesos-agent --master=127.0.0.1:5050 --work_dir=/var/lib/mesos-agent\n')
  .action(() => {
    throw new MesosError('NOT_IMPLEMENTED', 'the agent is not built yet (issue 6); `--help` lists its flags');
  });

await runCli(program);

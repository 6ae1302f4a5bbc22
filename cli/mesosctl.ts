// mesosctl: the operator's command line (built out in issue 8).
import { Command } from 'commander';
import { MesosError } from '../lib/common/errors.ts';
import { runCli } from './run.ts';

const notYet = (what: string) => () => {
  throw new MesosError('NOT_IMPLEMENTED', `'${what}' is not built yet`);
};

const program = new Command('mesosctl')
  .description('Drives a mesos-ts (or Mesos) cluster through its operator API.')
  .option('--master <host:port>', 'the master to talk to (also MESOS_MASTER)', process.env.MESOS_MASTER ?? '127.0.0.1:5050')
  .option('--json', 'print JSON for machines')
  .option('--no-color', 'never color output')
  .addHelpText('after', '\nExamples:\n  mesosctl cluster status\n  mesosctl run --cpus 0.5 --mem 64 -- echo hello\n');

for (const [name, description] of [
  ['cluster', 'cluster status: leader, version, agents, frameworks, resources'],
  ['agent', 'list, show, drain, deactivate and reactivate agents'],
  ['framework', 'list, show, teardown and explain frameworks'],
  ['task', 'list, show, kill tasks and read their logs'],
  ['run', 'run one command task and stream its output'],
  ['quota', 'get, set and remove role quota'],
  ['weights', 'get and set role weights'],
  ['local', 'start and stop a local dev cluster'],
] as const) {
  program.command(name).description(description).allowUnknownOption().argument('[args...]').action(notYet(`mesosctl ${name}`));
}

await runCli(program);

// `npm start`: the single-host dev cluster (one master, one agent, embedded store), like
// `mesos-local`. The master and agent come in the next issues; until then this reports what the
// checkout can already do. It runs through runCli like every bin, so a missing native build is one
// line and NATIVE_LOAD_FAILED's exit code, not a stack trace.
import { Command } from 'commander';
import { nativeVersion } from '../lib/native/index.ts';
import { runCli } from './run.ts';

const program = new Command('mesos-ts')
  .description('Runs a single-host mesos-ts cluster (for now: reports what this checkout can do).')
  .action(() => {
    const lines = [
      'mesos-ts dev cluster',
      '',
      `  native addon:  loaded (version ${nativeVersion()})`,
      '  data model:    Mesos v1 JSON codec, RecordIO, resources arithmetic',
      '',
      'Not built yet: mesos-master (issue 5), mesos-agent (issue 6), the operator API (issue 7).',
      'When they land, `npm start` runs a master on :5050 and an agent on :5051 on this host.',
      '',
      'Try: npx mesos-master --help | npx mesos-agent --help | npx mesosctl --help',
    ];
    console.log(lines.join('\n'));
  });

await runCli(program);

// `npm start`: the single-host dev cluster (one master, one agent, embedded store), like
// `mesos-local`. The master and agent come in the next issues; until then this reports what the
// checkout can already do.
import { nativeVersion } from '../lib/native/index.ts';

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

// The pure side of `mesosctl local` (lib/cli/local.ts): the layout of a cluster's directory, the
// flags its master and agent run with, its record, and which processes are the cluster's.

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { agentArgs, isClusterCommandLine, localLayout, masterArgs, parsePort, parseRecord } from '../../../lib/cli/local.ts';
import { rejects } from '../../helpers/assert-error.ts';

test('local: layout, flags, the record, and which command lines are the cluster\'s', () => {
  const layout = localLayout('/home/u/.mesos-ts/local');
  assert.equal(masterArgs(layout, 5050), ['--ip=127.0.0.1', '--port=5050', '--work_dir=/home/u/.mesos-ts/local/master']);
  assert.equal(agentArgs(layout, 5050, 5051, 'mesos-local'), [
    '--master=127.0.0.1:5050', '--ip=127.0.0.1', '--port=5051', '--work_dir=/home/u/.mesos-ts/local/agent',
    '--runtime_dir=/home/u/.mesos-ts/local/run', '--cgroups_root=mesos-local',
  ]);
  const ours = ['/usr/bin/node', '/x/cli/bin/mesos-agent.js', ...agentArgs(layout, 5050, 5051, 'mesos-local')].join('\0');
  assert.ok(isClusterCommandLine(ours, layout));
  assert.not.ok(isClusterCommandLine(['/usr/bin/node', 'server.js', '--work_dir=/elsewhere'].join('\0'), layout));
  assert.not.ok(isClusterCommandLine(['vim', '/home/u/.mesos-ts/local/master'].join('\0'), layout));
  assert.is(parsePort('5050', '--port'), 5050);
  rejects(() => parsePort('0', '--port'), 'INVALID_FLAG', "invalid --port '0': expected a port from 1 to 65535");
  rejects(() => parsePort('http', '--agent-port'), 'INVALID_FLAG', /--agent-port/);
  const record = { master: { pid: 10, host: '127.0.0.1', port: 5050 }, cgroupsRoot: 'mesos-local', started: '2026-01-01T00:00:00.000Z' };
  assert.equal(parseRecord(JSON.stringify(record), '/r'), record);
  rejects(() => parseRecord('{', '/r'), 'INVALID_JSON', /the local cluster record \/r is not valid JSON/);
  rejects(() => parseRecord(JSON.stringify({ ...record, master: { pid: -1 } }), '/r'), 'INVALID_JSON', /not one mesosctl wrote/);
});

test.run();

// Mesos-style flags on commander (lib/common/flags.ts): the boolean forms Mesos's flag loader
// accepts, duration flags, and INVALID_FLAG errors that name the flag. Parsed in process; the bins
// themselves are exercised in test/integration/cli.test.ts.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MesosCommand, parseBooleanFlag, parseDurationFlag } from '../../../lib/common/flags.ts';
import { rejects } from '../../helpers/assert-error.ts';

// A command with one flag of each kind, as the agent declares them; returns the parsed options.
function parse(...args: string[]): Record<string, unknown> {
  const command = new MesosCommand('test')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .booleanFlag('cgroups_enable_cfs', 'enforce CPU limits', false)
    .booleanFlag('strict', 'fail on recovery errors', true)
    .durationFlag('executor_shutdown_grace_period', 'grace period', '5secs')
    .durationFlag('offer_timeout', 'rescind unused offers after');
  command.parse(args, { from: 'user' });
  return command.opts();
}

test('boolean flags take their defaults when absent', () => {
  assert.equal(parse(), { cgroups_enable_cfs: false, strict: true, executor_shutdown_grace_period: '5secs' });
});

test('boolean flags accept --x, --x=true, --x=false, --x=1, --x=0 and --no-x', () => {
  const cases: [string[], boolean, boolean][] = [
    [['--cgroups_enable_cfs'], true, true],
    [['--cgroups_enable_cfs=true'], true, true],
    [['--cgroups_enable_cfs=1'], true, true],
    [['--cgroups_enable_cfs=false'], false, true],
    [['--no-cgroups_enable_cfs'], false, true],
    [['--strict=false'], false, false],
    [['--strict=0'], false, false],
    [['--no-strict'], false, false],
    [['--strict'], false, true],
    [['--strict=true'], false, true],
    // The last one given wins.
    [['--no-strict', '--strict'], false, true],
    [['--strict=true', '--no-strict'], false, false],
    [['--cgroups_enable_cfs', '--cgroups_enable_cfs=false', '--strict=false'], false, false],
  ];
  for (const [args, cfs, strict] of cases) {
    const opts = parse(...args);
    assert.is(opts['cgroups_enable_cfs'], cfs, `${args.join(' ')}: cgroups_enable_cfs`);
    assert.is(opts['strict'], strict, `${args.join(' ')}: strict`);
  }
});

test('a boolean flag with another value is an INVALID_FLAG error in Mesos\'s words', () => {
  for (const value of ['yes', 'no', 'TRUE', 'False', '2', '']) {
    rejects(() => parse(`--strict=${value}`), 'INVALID_FLAG',
      `Failed to load flag 'strict': Failed to load value '${value}': Expecting a boolean (e.g., true or false)`);
  }
  assert.is(parseBooleanFlag('x', 'true'), true);
  assert.is(parseBooleanFlag('x', '0'), false);
});

test('duration flags keep valid text and reject the rest, naming the flag', () => {
  assert.is(parse('--executor_shutdown_grace_period=1.5mins')['executor_shutdown_grace_period'], '1.5mins');
  assert.is(parse('--offer_timeout=10secs')['offer_timeout'], '10secs');
  for (const value of ['5', '5 secs', '5x', '-5secs']) {
    rejects(() => parse(`--executor_shutdown_grace_period=${value}`), 'INVALID_FLAG',
      new RegExp(`^Failed to load flag 'executor_shutdown_grace_period': Invalid duration '${value}': expected a number and a unit`));
  }
  assert.is(parseDurationFlag('x', '100ms'), '100ms');
});

test('help shows each boolean flag once, in Mesos\'s --[no-]name form', () => {
  const help = new MesosCommand('test')
    .booleanFlag('cgroups_enable_cfs', 'enforce CPU limits', false)
    .durationFlag('allocation_interval', 'time between allocation runs', '1secs')
    .helpInformation()
    .replace(/\s+/g, ' '); // undo commander's wrapping at 80 columns
  assert.match(help, /--\[no-\]cgroups_enable_cfs\[=<bool>\]\s+enforce CPU limits \(default: false\)/);
  assert.match(help, /--allocation_interval <duration>\s+time between allocation runs \(default: "1secs"\)/);
  assert.not.match(help, /--no-cgroups_enable_cfs/);
});

test.run();

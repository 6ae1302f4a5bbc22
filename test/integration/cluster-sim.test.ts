// A small cluster simulation (bench/cluster-sim): the real master, 200 simulated agents in two
// processes and 10 simulated frameworks, ~10 s of tasks at a compressed time scale, then a drain.
// It asserts correctness, never speed:
//   - every launched task reaches a terminal state (TASK_FINISHED), and every status update is
//     acknowledged;
//   - no resource is offered twice at once: the frameworks (one process, so it sees every offer)
//     hold each offer a random 0-100 ms and track outstanding offers per agent, which must never
//     add up to more than the agent has; and no agent is ever asked to run more than it has;
//   - resources balance at the end: every simulated agent's used resources are back to zero and
//     the master's master/cpus_used and master/mem_used are 0;
//   - every process the simulation started is gone afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { runPoint } from '../../bench/cluster-sim/point.ts';
import { paperProfile } from '../../bench/cluster-sim/scenario.ts';
import { alive } from '../helpers/master-process.ts';

test('a small simulation launches tasks that all end, offers nothing twice and balances resources', async () => {
  const lines: string[] = [];
  const result = await runPoint(
    paperProfile({
      agents: 200,
      frameworks: 10,
      durationS: 10,
      timeScale: 10,
      taskDurationS: { mean: 20, stddev: 10, minS: 2 },
      agentsPerProcess: 100,
      frameworksPerProcess: 10,
      checkOffers: true,
      offerHoldMs: 100,
      drainS: 60,
      allocationInterval: '200ms',
      refuseSeconds: 1,
    }),
    { progress: (line) => lines.push(line) },
  );
  const context = `\n${lines.join('\n')}\nerrors: ${result.errors.join('\n')}`;
  assert.is(result.status, 'ok', `${result.reason}${context}`);
  const counts = result.counts!;
  const checks = result.checks!;
  assert.ok(counts.tasksLaunched > 100, `only ${counts.tasksLaunched} tasks launched${context}`);
  assert.ok(checks.drained, `the tasks did not all end${context}`);
  assert.is(checks.tasksNotTerminal, 0, context);
  const terminal = Object.values(counts.terminal).reduce((a, b) => a + b, 0);
  assert.is(terminal, counts.tasksLaunched, `launched ${counts.tasksLaunched}, terminal ${JSON.stringify(counts.terminal)}${context}`);
  assert.is(counts.terminal.TASK_FINISHED, counts.tasksLaunched, `not all finished: ${JSON.stringify(counts.terminal)}${context}`);
  assert.is(checks.unacknowledgedUpdates, 0, context);
  assert.is(checks.offerOverlaps, 0, `offered twice${context}`);
  assert.is(checks.overcommits, 0, `an agent was asked to run more than it has${context}`);
  assert.is(checks.agentUsedCpus, 0, context);
  assert.is(checks.agentUsedMem, 0, context);
  assert.is(checks.masterCpusUsed, 0, context);
  assert.is(checks.masterMemUsed, 0, context);
  assert.is(counts.callErrors, 0, context);
  assert.is(counts.streamsLost, 0, context);
  assert.is(counts.linksLost, 0, context);
  assert.ok(checks.passed, context);
  assert.ok(result.pids.master !== undefined && result.pids.simulators.length === 3, JSON.stringify(result.pids));
  for (const pid of [result.pids.master!, ...result.pids.simulators]) assert.not.ok(alive(pid), `process ${pid} is still running`);
});

test.run();

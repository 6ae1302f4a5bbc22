// Preloaded into the master (`node --import <this file>`) by the simulator: the master has no
// event-loop metric of its own, and its code is not the simulator's to change, so this measures
// from inside the process without touching it. Plain JavaScript: it loads before any TypeScript
// loader. Every second it appends one JSON line to the file
// named by MESOS_SIM_LOOP_PROBE:
//   { at, delay: { p50, p99, max } (ms, perf_hooks.monitorEventLoopDelay at 10 ms resolution;
//     max also counts how late this 1 s timer itself ran), lateMs (that lateness),
//     utilization (performance.eventLoopUtilization over the second: 1 = never idle) }
// It adds one 10 ms timer and one small synchronous append a second.

import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.MESOS_SIM_LOOP_PROBE;
if (file !== undefined && file !== '') {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let last = performance.eventLoopUtilization();
  let lastTick = performance.now();
  const timer = setInterval(() => {
    // A loop blocked for seconds runs this late; the delay histogram then holds few samples.
    const tickAt = performance.now();
    const lateMs = Math.max(0, tickAt - lastTick - 1000);
    lastTick = tickAt;
    const now = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(now, last);
    last = now;
    const line = {
      at: Date.now(),
      delay: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: Math.max(delay.max / 1e6, lateMs) },
      lateMs,
      utilization: elu.utilization,
    };
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      clearInterval(timer);
    }
  }, 1000);
  timer.unref();
}

// The metrics endpoints, the same on the master and the agent: `/metrics/snapshot` (Mesos's flat
// JSON object of name -> number, with `?jsonp=`) and `/metrics` (the same figures in the
// Prometheus text format).

import { parseDuration } from './duration.ts';
import { MesosError } from './errors.ts';
import { valueReply, type Router } from './http.ts';
import { PROMETHEUS_CONTENT_TYPE, type Metrics } from './metrics.ts';

/**
 * `metrics` returns the registry, or throws (e.g. SERVICE_UNAVAILABLE before recovery).
 * `?timeout=` is Mesos's bound on collecting the figures; ours are read synchronously, so it is
 * checked (a malformed one is a 400, as Mesos's) and otherwise has nothing to bound.
 */
export function addMetricsRoutes(router: Router, metrics: () => Metrics): void {
  router
    .add({
      path: '/metrics/snapshot',
      methods: ['GET'],
      jsonp: true,
      handler: (ctx) => {
        const timeout = ctx.query.get('timeout');
        if (timeout !== null) {
          try {
            parseDuration(timeout);
          } catch {
            const shown = timeout.length > 100 ? `${timeout.slice(0, 100)}…` : timeout;
            throw new MesosError('BAD_REQUEST', `Invalid timeout '${shown}': expected a number and a unit (ns, us, ms, secs, mins, hrs, days, weeks), e.g. '10secs'`);
          }
        }
        return valueReply(metrics().snapshot());
      },
    })
    .add({
      path: '/metrics',
      methods: ['GET'],
      handler: () => ({ status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: metrics().prometheus() }),
    });
}

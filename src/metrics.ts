import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** One registry per process (tests build their own). */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    exactCalls: new Counter({
      name: 'exact_api_calls_total',
      help: 'Calls made to Exact Online by resource and HTTP status',
      labelNames: ['method', 'resource', 'status'],
      registers: [registry],
    }),
    // The service's own time per request is the request's minus this (npm run bench:http reads it).
    exactCallDuration: new Histogram({
      name: 'exact_api_call_duration_seconds',
      help: 'Duration of calls to Exact Online, from sending to the answer read, rate-limit waits excluded',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    exactWebhookCalls: new Counter({
      name: 'exact_webhook_calls_total',
      help: 'Calls Exact Online made to the webhook callback, by outcome (validation, accepted, ignored, rejected: a bad HashCode)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rateLimitWait: new Histogram({
      name: 'exact_rate_limit_wait_seconds',
      help: 'Time spent waiting for Exact rate-limit windows',
      buckets: [0.1, 1, 5, 15, 30, 60, 300, 3600],
      registers: [registry],
    }),
  }
}
export type Metrics = ReturnType<typeof createMetrics>

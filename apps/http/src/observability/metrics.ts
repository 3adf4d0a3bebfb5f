import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxStats } from '@signup/domain';
import type { DispatchEvent } from '@signup/adapters';

export type OutboxStatsSource = () => Promise<OutboxStats>;

/**
 * The service's Prometheus metrics, in a registry of its own (one per app, so
 * several apps in one process, as in tests, never collide).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly registrations = new Counter({
    name: 'signup_registrations_total',
    help: 'Registration attempts by outcome (created or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly activations = new Counter({
    name: 'signup_activations_total',
    help: 'Activation attempts by outcome (activated or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly resends = new Counter({
    name: 'signup_activation_code_resends_total',
    help: 'Requests for a new activation code by outcome (issued or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly shed = new Counter({
    name: 'signup_requests_shed_total',
    help: 'Requests refused with 503 overloaded (password hashing at capacity), by route template',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly dispatched = new Counter({
    name: 'signup_outbox_dispatched_total',
    help: 'Outbox delivery attempts by outcome: sent, retry (failed, rescheduled) or dropped (code expired)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'signup_outbox_delivery_latency_seconds',
    help: 'Time from queueing an activation email to handing it to the transport',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(outboxStats: OutboxStatsSource) {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of ['sent', 'retry', 'dropped']) this.dispatched.inc({ outcome }, 0);

    let pending: Promise<OutboxStats | null> | null = null;
    // One stats query serves both gauges of a scrape; a failure leaves them unset, never fails /metrics.
    const stats = () => {
      pending ??= outboxStats()
        .catch(() => null)
        .finally(() => setImmediate(() => (pending = null)));
      return pending;
    };
    new Gauge({
      name: 'signup_outbox_pending_messages',
      help: 'Activation emails neither sent nor dropped yet',
      registers: [this.registry],
      async collect() {
        const s = await stats();
        if (s) this.set(s.pending);
      },
    });
    new Gauge({
      name: 'signup_outbox_oldest_pending_seconds',
      help: 'Age of the oldest pending activation email in seconds (0 when none)',
      registers: [this.registry],
      async collect() {
        const s = await stats();
        if (s) this.set(s.oldestPendingSeconds);
      },
    });
  }

  /** Feeds dispatcher events into the outbox counters. */
  recordDispatch(event: DispatchEvent): void {
    this.dispatched.inc({ outcome: event.kind });
    if (event.kind === 'sent' && event.latencyMs !== undefined) {
      this.deliveryLatency.observe(event.latencyMs / 1000);
    }
  }
}

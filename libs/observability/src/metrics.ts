import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics every service exposes at /metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventsHandled = new Counter({
    name: 'events_handled_total',
    help: 'Events applied by this service, by type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  readonly eventsPublished = new Counter({
    name: 'events_published_total',
    help: 'Events the outbox relay published',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'events_dead_lettered_total',
    help: 'Messages sent to a DLQ topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly outboxBacklog = new Gauge({
    name: 'outbox_backlog',
    help: 'Events written but not yet published',
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'consumer_lag_seconds',
    help: 'Age of the newest event handled when it was handled',
    labelNames: ['topic'],
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}

/** Injection token of the service's `Transport`. */
export const TRANSPORT: unique symbol = Symbol('clinic.messaging.transport');
/** Injection token of the options given to `MessagingModule.forRoot`. */
export const MESSAGING_OPTIONS: unique symbol = Symbol('clinic.messaging.options');

export interface MessagingModuleOptions {
  /** The service name: Kafka client id, log and metric labels. */
  service: string;
  /** Consume these topics as this group and dispatch events to `@EventPattern('<EventType>')` handlers. */
  consume?: { groupId: string; topics: string[] };
  /** Outbox relay batch size (default 200). */
  relayBatchSize?: number;
  /** Retries of a failing event before it goes to the DLQ (default 3). */
  maxAttempts?: number;
  backoffMs?: number;
  /** Events applied per consumer transaction (default 250). */
  maxEventsPerTransaction?: number;
}

import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, throwError } from 'rxjs';
import type { AnyEvent } from '@clinic/contracts';
import type { Database } from '@clinic/platform';
import { EventConsumer, EventConsumerOptions, EventContext } from '../consumer';
import { MessagingLogger, MessagingMetrics } from '../logger';
import { Transport } from '../transport';

export interface EventBusServerOptions {
  db: Database;
  transport: Transport;
  consume?: { groupId: string; topics: string[] };
  logger?: MessagingLogger;
  metrics?: MessagingMetrics;
  maxAttempts?: number;
  backoffMs?: number;
  maxEventsPerTransaction?: number;
  around?: EventConsumerOptions['around'];
}

/**
 * A custom `@nestjs/microservices` transport strategy over our `EventConsumer`: every consumed
 * event is dispatched to the `@EventPattern('<EventType>')` handler(s), called as
 * `handler(@Payload() event, @Ctx() ctx: EventContext)` inside the batch's transaction (inbox,
 * retries and DLQ included). A handler's error fails the event (it is retried, then
 * dead-lettered). An event type without a handler is acknowledged and recorded in the inbox.
 */
export class EventBusServer extends Server implements CustomTransportStrategy {
  private consumer: EventConsumer | null = null;
  /** Handler per event type, resolved on first use: Nest's pattern lookup normalises the pattern on every call. */
  private readonly handlerByType = new Map<string, ((event: AnyEvent, ctx: EventContext) => Promise<unknown>) | null>();

  constructor(private readonly options: EventBusServerOptions) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    const consume = this.options.consume;
    if (!consume) {
      callback();
      return;
    }
    const consumer = new EventConsumer({
      db: this.options.db,
      transport: this.options.transport,
      groupId: consume.groupId,
      topics: consume.topics,
      logger: this.options.logger,
      metrics: this.options.metrics,
      maxAttempts: this.options.maxAttempts,
      backoffMs: this.options.backoffMs,
      maxEventsPerTransaction: this.options.maxEventsPerTransaction,
      around: this.options.around,
      handle: (event, ctx) => this.dispatch(event, ctx),
    });
    this.consumer = consumer;
    consumer.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.stop();
  }

  /** The patterns (event types) that have a handler. */
  handledTypes(): string[] {
    return [...this.getHandlers().keys()];
  }

  on(): void {
    // No transport-level events to subscribe to.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async dispatch(event: AnyEvent, ctx: EventContext): Promise<void> {
    let handler = this.handlerByType.get(event.type);
    if (handler === undefined) {
      handler = this.getHandlerByPattern(event.type) ?? null;
      this.handlerByType.set(event.type, handler);
    }
    if (!handler) return;
    const result: unknown = await handler(event, ctx);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}

/**
 * Lets a handler's original error reach the consumer (Nest's default RPC filter replaces it with
 * "Internal server error"), so the DLQ records the real reason. Installed on the event-bus
 * microservice only.
 */
@Catch()
export class EventErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

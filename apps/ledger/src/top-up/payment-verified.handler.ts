import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import type { EventContext } from '@clinic/messaging';
import { LedgerEventBatch } from '../account/event-batch';

/** PaymentVerified → CreditsPurchased, then waiting leads are charged oldest first (stale ones expire). */
@Controller()
export class PaymentVerifiedHandler {
  constructor(private readonly batch: LedgerEventBatch) {}

  @EventPattern('PaymentVerified')
  async onPaymentVerified(@Payload() event: Event<'PaymentVerified'>, @Ctx() ctx: EventContext): Promise<void> {
    this.batch.handle(event, ctx);
  }
}

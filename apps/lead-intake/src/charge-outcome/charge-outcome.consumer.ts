import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import type { EventContext } from '@clinic/messaging';
import { ChargeOutcomeHandler } from './charge-outcome.handler';

/** ledger.v1 events about leads, dispatched by the event bus inside the batch's transaction. */
@Controller()
export class ChargeOutcomeConsumer {
  constructor(private readonly handler: ChargeOutcomeHandler) {}

  @EventPattern('CreditsDeducted')
  onCreditsDeducted(@Payload() event: Event<'CreditsDeducted'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.handler.apply(ctx.tx, event);
  }

  @EventPattern('LeadChargeDeclined')
  onLeadChargeDeclined(@Payload() event: Event<'LeadChargeDeclined'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.handler.apply(ctx.tx, event);
  }

  @EventPattern('PendingLeadExpired')
  onPendingLeadExpired(@Payload() event: Event<'PendingLeadExpired'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.handler.apply(ctx.tx, event);
  }
}

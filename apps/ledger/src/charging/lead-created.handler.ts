import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import type { EventContext } from '@clinic/messaging';
import { LedgerEventBatch } from '../account/event-batch';

/** LeadCreated → CreditsDeducted, or LeadChargeDeclined and the lead waits in the pending queue. */
@Controller()
export class LeadCreatedHandler {
  constructor(private readonly batch: LedgerEventBatch) {}

  @EventPattern('LeadCreated')
  async onLeadCreated(@Payload() event: Event<'LeadCreated'>, @Ctx() ctx: EventContext): Promise<void> {
    this.batch.handle(event, ctx);
  }
}

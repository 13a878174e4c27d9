import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import type { EventContext } from '@clinic/messaging';
import { LedgerEventBatch } from '../account/event-batch';

/** DisputeApproved → CreditsRefunded, capped at what the lead cost minus earlier refunds. */
@Controller()
export class DisputeApprovedHandler {
  constructor(private readonly batch: LedgerEventBatch) {}

  @EventPattern('DisputeApproved')
  async onDisputeApproved(@Payload() event: Event<'DisputeApproved'>, @Ctx() ctx: EventContext): Promise<void> {
    this.batch.handle(event, ctx);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Event } from '@clinic/contracts';
import { EventContext } from '@clinic/messaging';
import { LedgerEventsHandler } from './ledger-events.handler';

/** Ledger events (topic ledger.v1, group `disputes`), each applied in the consumed batch's transaction. */
@Controller()
export class LedgerEventsController {
  constructor(private readonly handler: LedgerEventsHandler) {}

  @EventPattern('CreditsDeducted')
  onCreditsDeducted(@Payload() event: Event<'CreditsDeducted'>, @Ctx() ctx: EventContext) {
    return this.handler.onCreditsDeducted(ctx.tx, event);
  }

  @EventPattern('CreditsRefunded')
  onCreditsRefunded(@Payload() event: Event<'CreditsRefunded'>, @Ctx() ctx: EventContext) {
    return this.handler.onCreditsRefunded(ctx.tx, event);
  }
}

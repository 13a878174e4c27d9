import { Module } from '@nestjs/common';
import { AdminDisputesController, ClinicDisputesController } from './browse-disputes/browse-disputes.controller';
import { BrowseDisputesQuery } from './browse-disputes/browse-disputes.query';
import { LedgerEventsController } from './ledger-events/ledger-events.controller';
import { LedgerEventsHandler } from './ledger-events/ledger-events.handler';
import { OpenDisputeController } from './open-dispute/open-dispute.controller';
import { OpenDisputeHandler } from './open-dispute/open-dispute.handler';
import { ResolveDisputeController } from './resolve-dispute/resolve-dispute.controller';
import { ResolveDisputeHandler } from './resolve-dispute/resolve-dispute.handler';

/** The disputes capabilities: open (clinic), browse (clinic/admin), resolve (admin), and what the ledger tells us. */
@Module({
  controllers: [OpenDisputeController, ClinicDisputesController, AdminDisputesController, ResolveDisputeController, LedgerEventsController],
  providers: [OpenDisputeHandler, BrowseDisputesQuery, ResolveDisputeHandler, LedgerEventsHandler],
})
export class DisputesModule {}

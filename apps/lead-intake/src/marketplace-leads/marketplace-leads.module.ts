import { Module } from '@nestjs/common';
import { AcceptLeadModule } from '../accept-lead/accept-lead.module';
import { MarketplaceLeadsController } from './marketplace-leads.controller';

@Module({ imports: [AcceptLeadModule], controllers: [MarketplaceLeadsController] })
export class MarketplaceLeadsModule {}

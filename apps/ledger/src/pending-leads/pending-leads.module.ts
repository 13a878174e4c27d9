import { Module } from '@nestjs/common';
import { PendingLeadsController } from './pending-leads.controller';

@Module({ controllers: [PendingLeadsController] })
export class PendingLeadsModule {}

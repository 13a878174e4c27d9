import { Module } from '@nestjs/common';
import { ClinicLeadsController } from './clinic-leads.controller';

@Module({ controllers: [ClinicLeadsController] })
export class ClinicLeadsModule {}

import { Module } from '@nestjs/common';
import { AcceptLead } from './accept-lead';

@Module({ providers: [AcceptLead], exports: [AcceptLead] })
export class AcceptLeadModule {}

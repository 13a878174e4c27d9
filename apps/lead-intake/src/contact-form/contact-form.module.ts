import { Module } from '@nestjs/common';
import { AcceptLeadModule } from '../accept-lead/accept-lead.module';
import { ContactFormController, ContactFormIpLimit } from './contact-form.controller';
import { RateLimiter } from './rate-limiter';

@Module({ imports: [AcceptLeadModule], controllers: [ContactFormController], providers: [RateLimiter, ContactFormIpLimit] })
export class ContactFormModule {}

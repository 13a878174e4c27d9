import { Module } from '@nestjs/common';
import { RazorpayWebhookController } from './razorpay-webhook.controller';

@Module({ controllers: [RazorpayWebhookController] })
export class RazorpayWebhooksModule {}

import { Body, CanActivate, Controller, ExecutionContext, Inject, Injectable, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@clinic/auth';
import { currentCorrelationId } from '@clinic/observability';
import { Database } from '@clinic/platform';
import { AcceptLead, LeadReceipt } from '../accept-lead/accept-lead';
import { LeadIntakeSettings } from '../config';
import { LEAD_INTAKE_SETTINGS } from '../settings';
import { ContactClinicDto, LeadReceiptDto } from './contact-clinic.dto';
import { ipBucket, phoneBucket, RateLimiter } from './rate-limiter';

const clientIp = (request: Request): string | null => request.ip ?? request.socket.remoteAddress ?? null;

/** Per-IP limit; a guard, so it runs before validation and a flood of garbage is throttled too. */
@Injectable()
export class ContactFormIpLimit implements CanActivate {
  constructor(private readonly limiter: RateLimiter, @Inject(LEAD_INTAKE_SETTINGS) private readonly settings: LeadIntakeSettings) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const response = http.getResponse<Response>();
    await this.limiter.hit(ipBucket(clientIp(http.getRequest<Request>()) ?? 'unknown'), this.settings.contactLimitPerIp, (name, value) => response.setHeader(name, value));
    return true;
  }
}

@ApiTags('public form')
@Controller()
export class ContactFormController {
  constructor(
    private readonly db: Database,
    private readonly acceptLead: AcceptLead,
    private readonly limiter: RateLimiter,
    @Inject(LEAD_INTAKE_SETTINGS) private readonly settings: LeadIntakeSettings,
  ) {}

  /**
   * The marketplace's package page posts a patient's request here (no token). A repeat of the
   * same phone at the same clinic within the duplicate window gets the same answer but is not
   * charged. Bodies over 64 kB are refused with 413.
   */
  @Public()
  @Post('contact-clinic')
  @UseGuards(ContactFormIpLimit)
  @ApiCreatedResponse({ type: LeadReceiptDto })
  @ApiTooManyRequestsResponse({ description: 'Per-IP or per-phone limit reached; see Retry-After' })
  async contactClinic(@Body() body: ContactClinicDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<LeadReceipt> {
    await this.limiter.hit(phoneBucket(body.phone), this.settings.contactLimitPerPhone, (name, value) => response.setHeader(name, value));
    const correlationId = currentCorrelationId();
    return this.db.transaction((tx) =>
      this.acceptLead.accept(tx, {
        source: 'public_form',
        packageId: body.packageId,
        patientName: body.patientName,
        phone: body.phone,
        email: body.email,
        message: body.message,
        consent: { at: new Date(), ip: clientIp(request) },
        meta: correlationId ? { correlationId } : undefined,
      }),
    );
  }
}

import { randomUUID } from 'crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { createEvent, EventMeta, LeadSource } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { AppLogger, maskPhone } from '@clinic/observability';
import { LOGGER, SqlClient, validationFailed } from '@clinic/platform';
import { findPackage } from '../catalog/catalog.sql';
import { LeadIntakeSettings } from '../config';
import { decideIntake } from '../domain/lead';
import { LEAD_INTAKE_SETTINGS } from '../settings';
import { earlierLeadsOfPhone, findByMarketplaceLeadId, insertLead, lockKey } from './leads.sql';

export const PRODUCER = 'lead-intake';

/** A lead as it arrives from any channel, already validated; `phone` is E.164. */
export interface LeadSubmission {
  source: LeadSource;
  packageId: string;
  /** The marketplace names the clinic; the public form leaves it to the catalog. */
  clinicId?: string;
  /** The marketplace's own id: makes its HTTP call and its event idempotent. */
  marketplaceLeadId?: string;
  patientName: string;
  phone: string;
  email?: string | null;
  message?: string | null;
  consent?: { at: Date; ip: string | null };
  /** Correlation of the request or event that brought the lead. */
  meta?: Pick<EventMeta, 'correlationId' | 'causationId'>;
}

/**
 * Identical for a chargeable lead and a duplicate, so the public form does not reveal whether a
 * number was seen before.
 */
export interface LeadReceipt {
  leadId: string;
  receivedAt: string;
}

/**
 * Accepts a lead from any channel inside the caller's transaction: prices it from the catalog,
 * stores it as `new` (and emits LeadCreated through the outbox) or as a `duplicate` (no event,
 * never charged). Safe to repeat with the same marketplace lead id.
 */
@Injectable()
export class AcceptLead {
  constructor(
    @Inject(LEAD_INTAKE_SETTINGS) private readonly settings: LeadIntakeSettings,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  async accept(tx: SqlClient, submission: LeadSubmission, now = new Date()): Promise<LeadReceipt> {
    if (submission.marketplaceLeadId !== undefined) {
      await lockKey(tx, `marketplace-lead:${submission.marketplaceLeadId}`);
      const existing = await findByMarketplaceLeadId(tx, submission.marketplaceLeadId);
      if (existing) {
        const same = existing.packageId === submission.packageId && existing.phone === submission.phone
          && (submission.clinicId === undefined || existing.clinicId === submission.clinicId);
        if (!same) throw new ConflictException({ statusCode: 409, message: 'marketplaceLeadId: already used for a different lead', fields: ['marketplaceLeadId'] });
        return { leadId: existing.leadId, receivedAt: existing.createdAt.toISOString() };
      }
    }

    const pkg = await findPackage(tx, submission.packageId);
    if (!pkg || !pkg.active) throw validationFailed(['packageId: unknown or inactive package']);
    if (submission.clinicId !== undefined && submission.clinicId !== pkg.clinicId) {
      throw validationFailed(['clinicId: the package belongs to another clinic']);
    }

    // Two submissions of one phone to one clinic must not both pass the duplicate check.
    await lockKey(tx, `clinic-phone:${pkg.clinicId}:${submission.phone}`);
    const since = new Date(now.getTime() - this.settings.duplicateWindowDays * 24 * 3600_000);
    const decision = decideIntake(await earlierLeadsOfPhone(tx, pkg.clinicId, submission.phone, since), now, this.settings.duplicateWindowDays);

    const leadId = randomUUID();
    await insertLead(tx, {
      leadId,
      clinicId: pkg.clinicId,
      packageId: pkg.packageId,
      packagePricePaise: pkg.pricePaise,
      source: submission.source,
      marketplaceLeadId: submission.marketplaceLeadId ?? null,
      status: decision.status,
      duplicateOf: decision.status === 'duplicate' ? decision.duplicateOf : null,
      patientName: submission.patientName,
      phone: submission.phone,
      email: submission.email ?? null,
      message: submission.message ?? null,
      consentAt: submission.consent?.at ?? null,
      consentIp: submission.consent?.ip ?? null,
      createdAt: now,
    });

    if (decision.status === 'new') {
      const created = createEvent(
        'LeadCreated',
        { leadId, clinicId: pkg.clinicId, packageId: pkg.packageId, packagePricePaise: pkg.pricePaise, source: submission.source, createdAt: now.toISOString() },
        { producer: PRODUCER, clinicId: pkg.clinicId, ...submission.meta },
      );
      await appendToOutbox(tx, [created]);
    }
    this.logger.info(
      { leadId, clinicId: pkg.clinicId, source: submission.source, status: decision.status, phoneMasked: maskPhone(submission.phone) },
      decision.status === 'new' ? 'lead accepted' : 'lead stored as duplicate (not charged)',
    );
    return { leadId, receivedAt: now.toISOString() };
  }
}

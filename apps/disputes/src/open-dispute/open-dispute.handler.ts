import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { createEvent, DisputeType } from '@clinic/contracts';
import { appendToOutbox } from '@clinic/messaging';
import { AppLogger, currentCorrelationId } from '@clinic/observability';
import { Database, LOGGER, SERVICE_CONFIG } from '@clinic/platform';
import { randomUUID } from 'crypto';
import { DisputesConfig } from '../config';
import { decide, Dispute, evolve } from '../domain/dispute';
import { insertDispute, loadChargedLead, loadDispute } from '../store/dispute-store';
import { rejectionToHttp } from '../store/rejection';

export interface OpenDisputeInput {
  clinicId: string;
  leadId: string;
  disputeType: DisputeType;
  description: string;
}

/** A clinic disputes one of its own charged leads: a pending dispute and DisputeCreated, in one transaction. */
@Injectable()
export class OpenDisputeHandler {
  constructor(
    private readonly db: Database,
    @Inject(SERVICE_CONFIG) private readonly config: DisputesConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  async open(input: OpenDisputeInput, now = new Date()): Promise<Dispute> {
    const dispute = await this.db.transaction(async (tx) => {
      const [chargedLead, existing] = await Promise.all([loadChargedLead(tx, input.leadId), loadDispute(tx, { leadId: input.leadId })]);
      const decision = decide(
        { dispute: existing, chargedLead },
        { type: 'OpenDispute', disputeId: randomUUID(), ...input, now, windowDays: this.config.disputeWindowDays },
      );
      if (!decision.ok) throw rejectionToHttp(decision.rejection);
      const opened = decision.events.reduce<Dispute | null>(evolve, null)!;
      // The unique lead_id settles a race between two requests for the same lead.
      if (!(await insertDispute(tx, opened))) throw new ConflictException(`leadId: lead ${input.leadId} already has a dispute`);
      await appendToOutbox(tx, [
        createEvent(
          'DisputeCreated',
          {
            disputeId: opened.id,
            clinicId: opened.clinicId,
            leadId: opened.leadId,
            disputeType: opened.disputeType,
            description: opened.description,
            chargedCredits: opened.chargedCredits,
          },
          { producer: 'disputes', clinicId: opened.clinicId, correlationId: currentCorrelationId() },
        ),
      ]);
      return opened;
    });
    this.logger.info(
      { event: 'dispute_created', disputeId: dispute.id, leadId: dispute.leadId, clinicId: dispute.clinicId, disputeType: dispute.disputeType },
      `Dispute created: Lead ${dispute.leadId}, Type ${dispute.disputeType}`,
    );
    return dispute;
  }
}

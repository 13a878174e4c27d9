import { Inject, Injectable } from '@nestjs/common';
import { AnyEvent } from '@clinic/contracts';
import { LedgerCommand } from '@clinic/ledger-domain';
import { AppLogger } from '@clinic/observability';
import { LOGGER, SERVICE_CONFIG, SqlClient } from '@clinic/platform';
import type { EventContext } from '@clinic/messaging';
import { LedgerConfig } from '../config';
import { AccountCommand, CreditAccounts } from './credit-accounts';

const BATCH_KEY = 'ledger.commands';

/**
 * Collects the commands of one consumed batch and applies them together just before the batch
 * commits: handlers stay one-event-one-method, the database sees a handful of statements per
 * batch instead of several per event.
 */
@Injectable()
export class LedgerEventBatch {
  constructor(
    private readonly accounts: CreditAccounts,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  get pendingWindowMs(): number {
    return this.config.pendingWindowHours * 3600_000;
  }

  /** Queues `command` (caused by `event`) for the batch that `ctx` belongs to. */
  enqueue(ctx: Pick<EventContext, 'tx' | 'batch'>, event: AnyEvent, clinicId: string, command: LedgerCommand): void {
    let queued = ctx.batch.state.get(BATCH_KEY) as AccountCommand[] | undefined;
    if (!queued) {
      const commands: AccountCommand[] = [];
      queued = commands;
      ctx.batch.state.set(BATCH_KEY, commands);
      ctx.batch.beforeCommit(() => this.apply(ctx.tx, commands));
    }
    queued.push({ clinicId, command, provenance: { actorId: `service:${event.producer}`, correlationId: event.correlationId, causationId: event.eventId } });
  }

  /** Applies commands in one go (also the entry point for tests and the benchmark's direct path). */
  async apply(tx: SqlClient, commands: AccountCommand[]): Promise<void> {
    const outcomes = await this.accounts.execute(tx, commands);
    outcomes.forEach((outcome, index) => {
      const { clinicId, command } = commands[index];
      if (outcome.rejected) this.logger.warn({ clinicId, command: command.type, reason: outcome.rejected.message }, 'ledger command rejected');
      else if (outcome.events.length === 0 && command.type === 'RefundLead') {
        this.logger.info({ clinicId, disputeId: command.disputeId, leadId: command.leadId }, 'refund skipped: already refunded or nothing left to refund for the lead');
      }
    });
  }

  /** The command an incoming event asks for, or null for events the ledger ignores. */
  commandFor(event: AnyEvent): { clinicId: string; command: LedgerCommand } | null {
    switch (event.type) {
      case 'LeadCreated':
        return { clinicId: event.payload.clinicId, command: { type: 'ChargeLead', leadId: event.payload.leadId.toLowerCase(), packagePricePaise: event.payload.packagePricePaise } };
      case 'PaymentVerified':
        return {
          clinicId: event.payload.clinicId,
          command: {
            type: 'PurchaseCredits',
            paymentId: event.payload.paymentId,
            orderId: event.payload.orderId,
            credits: event.payload.credits,
            amountPaise: event.payload.amountPaise,
            pendingWindowMs: this.pendingWindowMs,
          },
        };
      case 'DisputeApproved':
        return {
          clinicId: event.payload.clinicId,
          command: { type: 'RefundLead', disputeId: event.payload.disputeId.toLowerCase(), leadId: event.payload.leadId.toLowerCase(), refundAmount: event.payload.refundAmount },
        };
      default:
        return null;
    }
  }

  /** Convenience for a handler: queue whatever `event` asks for. */
  handle(event: AnyEvent, ctx: Pick<EventContext, 'tx' | 'batch'>): void {
    const wanted = this.commandFor(event);
    if (wanted) this.enqueue(ctx, event, wanted.clinicId, wanted.command);
  }

  /** Applies events directly in `tx` (tests and the benchmark's baseline path), as one batch. */
  async applyEvents(tx: SqlClient, events: AnyEvent[]): Promise<void> {
    const commands: AccountCommand[] = [];
    for (const event of events) {
      const wanted = this.commandFor(event);
      if (wanted) commands.push({ ...wanted, provenance: { actorId: `service:${event.producer}`, correlationId: event.correlationId, causationId: event.eventId } });
    }
    await this.apply(tx, commands);
  }
}

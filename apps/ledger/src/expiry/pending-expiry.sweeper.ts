import { randomUUID } from 'crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '@clinic/observability';
import { Database, LOGGER, SERVICE_CONFIG } from '@clinic/platform';
import { Clock, CreditAccounts, LEDGER_CLOCK } from '../account/credit-accounts';
import { LedgerConfig } from '../config';

const CLINICS_PER_TRANSACTION = 200;

/**
 * Expires leads that waited longer than the pending window even when no top-up comes, so
 * lead-intake hears PendingLeadExpired in time. Each run takes the clinics' locks like any writer.
 */
@Injectable()
export class PendingExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Database,
    private readonly accounts: CreditAccounts,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(LEDGER_CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.expirySweepSeconds ?? 0;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'pending-lead expiry sweep failed; next run retries');
          return 0;
        })
        .finally(() => (this.running = null));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Expires every lead past the window; returns how many expired. */
  async sweepOnce(): Promise<number> {
    const pendingWindowMs = this.config.pendingWindowHours * 3600_000;
    const cutoff = new Date(this.clock().getTime() - pendingWindowMs);
    const { rows } = await this.db.query<{ clinic_id: string }>('SELECT DISTINCT clinic_id FROM pending_leads WHERE waiting_since < $1 ORDER BY clinic_id', [cutoff]);
    let expired = 0;
    for (let i = 0; i < rows.length; i += CLINICS_PER_TRANSACTION) {
      const correlationId = randomUUID();
      const commands = rows.slice(i, i + CLINICS_PER_TRANSACTION).map(({ clinic_id }) => ({
        clinicId: clinic_id,
        command: { type: 'ExpirePendingLeads' as const, pendingWindowMs },
        provenance: { actorId: 'system:expiry-sweeper', correlationId, causationId: null },
      }));
      const outcomes = await this.db.transaction((tx) => this.accounts.execute(tx, commands));
      expired += outcomes.reduce((n, outcome) => n + outcome.events.filter((event) => event.type === 'PendingLeadExpired').length, 0);
    }
    if (expired > 0) this.logger.info({ expired, clinics: rows.length }, 'expired waiting leads past the pending window');
    return expired;
  }
}

import { Client } from 'pg';
import { outboxChannel } from '@clinic/messaging';

export interface CommitSample {
  leadId: string;
  /** Publish → the charge row seen committed (upper bound on commit time, within one query). */
  commitMs: number;
  /** Publish → the ledger's decision time (the row's created_at, stamped before COMMIT): a lower bound. */
  decisionMs: number;
}

/**
 * Watches charges commit, for event-to-commit latency.
 *
 * Every ledger batch inserts into its outbox in the charging transaction, and the outbox trigger
 * NOTIFYs `outbox_<schema>`; Postgres delivers a NOTIFY only when that transaction commits. On each
 * notification (and on a 20 ms fallback timer) the observer asks which of the leads it still
 * waits for now have a charge row, and stamps them with the time taken just before that query:
 * the row was committed at or before then. It reads rows above a position watermark that only
 * moves past gap-free runs of positions: a batch that commits late (lower positions than one
 * already seen) leaves a gap, and the watermark waits below it, so no row is missed — and each
 * query stays small however far the ledger falls behind (looking leads up by id would grow with
 * the backlog and load the very database being measured).
 */
export class CommitObserver {
  private readonly client: Client;
  private readonly waiting = new Map<string, number>();
  readonly samples: CommitSample[] = [];
  private checking = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private failure: unknown = null;
  private watermark = 0;

  constructor(databaseUrl: string, private readonly schema: string) {
    this.client = new Client({ connectionString: databaseUrl, application_name: 'ledger-bench-observer', options: `-c search_path=${schema},public` });
  }

  async start(): Promise<void> {
    await this.client.connect();
    // Started while the ledger is idle: everything up to the current end of the stream is settled.
    const { rows } = await this.client.query<{ position: string }>('SELECT coalesce(max(position), 0)::text AS position FROM credit_transactions');
    this.watermark = Number(rows[0].position);
    this.client.on('notification', () => this.check());
    await this.client.query(`LISTEN ${outboxChannel(this.schema)}`);
    this.timer = setInterval(() => this.check(), 20);
  }

  /** Registers leads published at `publishedAt` (epoch ms). */
  expect(leadIds: string[], publishedAt: number): void {
    for (const leadId of leadIds) this.waiting.set(leadId, publishedAt);
  }

  get outstanding(): number {
    if (this.failure) throw this.failure;
    return this.waiting.size;
  }

  private check(): void {
    if (this.checking) {
      this.again = true;
      return;
    }
    if (this.waiting.size === 0) return;
    this.checking = true;
    void this.lookUp()
      .catch((error: unknown) => (this.failure = error))
      .finally(() => {
        this.checking = false;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  private async lookUp(): Promise<void> {
    const observedAt = Date.now();
    const { rows } = await this.client.query<{ lead_id: string | null; created_ms: number; position: string }>(
      `SELECT lead_id::text AS lead_id, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms, position::text AS position
         FROM credit_transactions WHERE position > $1 ORDER BY position`,
      [this.watermark],
    );
    for (const row of rows) {
      if (Number(row.position) === this.watermark + 1) this.watermark++;
      if (row.lead_id === null) continue;
      const publishedAt = this.waiting.get(row.lead_id);
      if (publishedAt === undefined) continue;
      this.waiting.delete(row.lead_id);
      this.samples.push({ leadId: row.lead_id, commitMs: observedAt - publishedAt, decisionMs: row.created_ms - publishedAt });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client.end().catch(() => undefined);
  }
}

/** The q-quantile (0..1) of `values` by nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

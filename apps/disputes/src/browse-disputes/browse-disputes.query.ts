import { Injectable } from '@nestjs/common';
import { Database } from '@clinic/platform';
import { DisputeStatus } from '../domain/dispute';
import { DISPUTE_COLUMNS, disputeView, DisputeView, loadDispute, toDispute } from '../store/dispute-store';

export interface DisputePage {
  items: DisputeView[];
  page: number;
  pageSize: number;
  total: number;
}

/** Read side: newest first, filtered, paged. */
@Injectable()
export class BrowseDisputesQuery {
  constructor(private readonly db: Database) {}

  async list(filter: { clinicId?: string; status?: DisputeStatus; page?: number; pageSize?: number }): Promise<DisputePage> {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? 20;
    const { rows } = await this.db.query(
      `SELECT ${DISPUTE_COLUMNS}, count(*) OVER ()::int AS total
         FROM lead_disputes
        WHERE ($1::text IS NULL OR clinic_id = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, id
        LIMIT $3 OFFSET $4`,
      [filter.clinicId ?? null, filter.status ?? null, pageSize, (page - 1) * pageSize],
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && page > 1) {
      const counted = await this.db.query<{ total: number }>(
        'SELECT count(*)::int AS total FROM lead_disputes WHERE ($1::text IS NULL OR clinic_id = $1) AND ($2::text IS NULL OR status = $2)',
        [filter.clinicId ?? null, filter.status ?? null],
      );
      total = counted.rows[0].total;
    }
    return { items: rows.map((row) => disputeView(toDispute(row as never))), page, pageSize, total };
  }

  async get(id: string): Promise<DisputeView | null> {
    const dispute = await loadDispute(this.db, { id });
    return dispute ? disputeView(dispute) : null;
  }
}

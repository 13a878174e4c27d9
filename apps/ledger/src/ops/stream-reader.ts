import { SqlClient } from '@clinic/platform';
import { STREAM_COLUMNS, StreamRow } from '../account/stream-row';

/**
 * Every stream row, clinic by clinic, each clinic's rows in version order; read in pages by
 * keyset on the (clinic_id, stream_version) unique index so memory stays flat on big streams.
 */
export async function* readStream(db: SqlClient, pageSize = 20_000): AsyncGenerator<StreamRow[]> {
  let after: [string, number] | null = null;
  for (;;) {
    const result: { rows: StreamRow[] } = after
      ? await db.query<StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM credit_transactions WHERE (clinic_id, stream_version) > ($1, $2) ORDER BY clinic_id, stream_version LIMIT $3`,
        [after[0], after[1], pageSize],
      )
      : await db.query<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM credit_transactions ORDER BY clinic_id, stream_version LIMIT $1`, [pageSize]);
    const { rows } = result;
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1];
    after = [last.clinic_id, last.stream_version];
    if (rows.length < pageSize) return;
  }
}

export async function countStream(db: SqlClient): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM credit_transactions');
  return rows[0].n;
}

import { SqlClient } from '@clinic/platform';
import { LeadStatus } from '../domain/lead';

export interface ClinicLeadRow {
  leadId: string;
  packageId: string;
  packagePricePaise: number;
  source: string;
  status: LeadStatus;
  patientName: string;
  phone: string;
  email: string | null;
  message: string | null;
  creditsCharged: number | null;
  createdAt: Date;
  releasedAt: Date | null;
}

const COLUMNS = `lead_id AS "leadId", package_id AS "packageId", package_price_paise AS "packagePricePaise", source, status,
  patient_name AS "patientName", phone, email, message, credits_charged AS "creditsCharged",
  created_at AS "createdAt", released_at AS "releasedAt"`;

export async function listClinicLeads(
  sql: SqlClient,
  clinicId: string,
  filter: { status?: LeadStatus; page: number; limit: number },
): Promise<{ rows: ClinicLeadRow[]; total: number }> {
  const params = [clinicId, filter.status ?? null];
  const where = 'clinic_id = $1 AND ($2::text IS NULL OR status = $2)';
  const [page, count] = await Promise.all([
    sql.query<ClinicLeadRow>(
      `SELECT ${COLUMNS} FROM leads WHERE ${where} ORDER BY created_at DESC, lead_id DESC LIMIT $3 OFFSET $4`,
      [...params, filter.limit, (filter.page - 1) * filter.limit],
    ),
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM leads WHERE ${where}`, params),
  ]);
  return { rows: page.rows, total: count.rows[0].total };
}

export async function findClinicLead(sql: SqlClient, clinicId: string, leadId: string): Promise<ClinicLeadRow | null> {
  const { rows } = await sql.query<ClinicLeadRow>(`SELECT ${COLUMNS} FROM leads WHERE clinic_id = $1 AND lead_id = $2`, [clinicId, leadId]);
  return rows[0] ?? null;
}

import { LeadSource } from '@clinic/contracts';
import { SqlClient } from '@clinic/platform';
import { EarlierLead, LeadStatus } from '../domain/lead';

export interface NewLeadRow {
  leadId: string;
  clinicId: string;
  packageId: string;
  packagePricePaise: number;
  source: LeadSource;
  marketplaceLeadId: string | null;
  status: LeadStatus;
  duplicateOf: string | null;
  patientName: string;
  phone: string;
  email: string | null;
  message: string | null;
  consentAt: Date | null;
  consentIp: string | null;
  createdAt: Date;
}

export async function insertLead(sql: SqlClient, lead: NewLeadRow): Promise<void> {
  await sql.query(
    `INSERT INTO leads (lead_id, clinic_id, package_id, package_price_paise, source, marketplace_lead_id, status, duplicate_of,
                        patient_name, phone, email, message, consent_at, consent_ip, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      lead.leadId, lead.clinicId, lead.packageId, lead.packagePricePaise, lead.source, lead.marketplaceLeadId, lead.status, lead.duplicateOf,
      lead.patientName, lead.phone, lead.email, lead.message, lead.consentAt, lead.consentIp, lead.createdAt,
    ],
  );
}

export interface MarketplaceLeadRow {
  leadId: string;
  clinicId: string;
  packageId: string;
  phone: string;
  createdAt: Date;
}

export async function findByMarketplaceLeadId(sql: SqlClient, marketplaceLeadId: string): Promise<MarketplaceLeadRow | null> {
  const { rows } = await sql.query<MarketplaceLeadRow>(
    `SELECT lead_id AS "leadId", clinic_id AS "clinicId", package_id AS "packageId", phone, created_at AS "createdAt"
       FROM leads WHERE marketplace_lead_id = $1`,
    [marketplaceLeadId],
  );
  return rows[0] ?? null;
}

/** The same phone's leads at a clinic since `since`, newest first: the input of the duplicate rule. */
export async function earlierLeadsOfPhone(sql: SqlClient, clinicId: string, phone: string, since: Date): Promise<EarlierLead[]> {
  const { rows } = await sql.query<EarlierLead>(
    `SELECT lead_id AS "leadId", status, created_at AS "createdAt"
       FROM leads WHERE clinic_id = $1 AND phone = $2 AND created_at > $3
      ORDER BY created_at DESC`,
    [clinicId, phone, since],
  );
  return rows;
}

/** Serialises intake of one key (a clinic+phone pair, a marketplace lead id) until the transaction ends. */
export async function lockKey(sql: SqlClient, key: string): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

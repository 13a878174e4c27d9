// Loading and saving the dispute aggregate and the charged-lead copy: the one place that knows
// the lead_disputes / charged_leads columns. Every function takes the SqlClient it runs on, so a
// handler composes them inside its own transaction.
import { DisputeType } from '@clinic/contracts';
import { SqlClient } from '@clinic/platform';
import { ChargedLead, Dispute, DisputeStatus } from '../domain/dispute';

interface DisputeRow {
  id: string;
  lead_id: string;
  clinic_id: string;
  dispute_type: DisputeType;
  description: string;
  status: DisputeStatus;
  charged_credits: number;
  admin_notes: string | null;
  refund_amount: number | null;
  created_at: Date;
  resolved_by: string | null;
  approved_at: Date | null;
  resolved_at: Date | null;
  refunded_amount: number | null;
  refund_transaction_id: string | null;
  refunded_at: Date | null;
}

export const DISPUTE_COLUMNS = `id, lead_id, clinic_id, dispute_type, description, status, charged_credits, admin_notes, refund_amount,
  created_at, resolved_by, approved_at, resolved_at, refunded_amount, refund_transaction_id, refunded_at`;

export function toDispute(row: DisputeRow): Dispute {
  return {
    id: row.id,
    leadId: row.lead_id,
    clinicId: row.clinic_id,
    disputeType: row.dispute_type,
    description: row.description,
    status: row.status,
    chargedCredits: row.charged_credits,
    adminNotes: row.admin_notes,
    refundAmount: row.refund_amount,
    createdAt: row.created_at,
    resolvedBy: row.resolved_by,
    approvedAt: row.approved_at,
    resolvedAt: row.resolved_at,
    refundedAmount: row.refunded_amount,
    refundTransactionId: row.refund_transaction_id,
    refundedAt: row.refunded_at,
  };
}

/** `forUpdate` locks the row so two admins resolving at once are serialised. */
export async function loadDispute(sql: SqlClient, where: { id: string } | { leadId: string }, forUpdate = false): Promise<Dispute | null> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['lead_id', where.leadId];
  const { rows } = await sql.query<DisputeRow>(`SELECT ${DISPUTE_COLUMNS} FROM lead_disputes WHERE ${column} = $1${forUpdate ? ' FOR UPDATE' : ''}`, [value]);
  return rows[0] ? toDispute(rows[0]) : null;
}

export async function loadChargedLead(sql: SqlClient, leadId: string, forUpdate = false): Promise<ChargedLead | null> {
  const { rows } = await sql.query<{ lead_id: string; clinic_id: string; credits: number; charged_at: Date; refunded_credits: number }>(
    `SELECT lead_id, clinic_id, credits, charged_at, refunded_credits FROM charged_leads WHERE lead_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [leadId],
  );
  const row = rows[0];
  return row ? { leadId: row.lead_id, clinicId: row.clinic_id, credits: row.credits, chargedAt: row.charged_at, refundedCredits: row.refunded_credits } : null;
}

/** Inserts a new dispute; false when the lead already has one (a concurrent open won the race). */
export async function insertDispute(sql: SqlClient, dispute: Dispute): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO lead_disputes (id, lead_id, clinic_id, dispute_type, description, status, charged_credits, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (lead_id) DO NOTHING`,
    [dispute.id, dispute.leadId, dispute.clinicId, dispute.disputeType, dispute.description, dispute.status, dispute.chargedCredits, dispute.createdAt],
  );
  return rowCount === 1;
}

/** Writes the mutable part of the aggregate back. */
export async function updateDispute(sql: SqlClient, dispute: Dispute): Promise<void> {
  await sql.query(
    `UPDATE lead_disputes
        SET status = $2, admin_notes = $3, refund_amount = $4, resolved_by = $5, approved_at = $6, resolved_at = $7,
            refunded_amount = $8, refund_transaction_id = $9, refunded_at = $10
      WHERE id = $1`,
    [dispute.id, dispute.status, dispute.adminNotes, dispute.refundAmount, dispute.resolvedBy, dispute.approvedAt, dispute.resolvedAt,
      dispute.refundedAmount, dispute.refundTransactionId, dispute.refundedAt],
  );
}

/** The dispute as the HTTP API shows it. */
export function disputeView(dispute: Dispute) {
  return {
    id: dispute.id,
    leadId: dispute.leadId,
    clinicId: dispute.clinicId,
    disputeType: dispute.disputeType,
    description: dispute.description,
    status: dispute.status,
    chargedCredits: dispute.chargedCredits,
    refundAmount: dispute.refundAmount,
    refundedAmount: dispute.refundedAmount,
    refundTransactionId: dispute.refundTransactionId,
    adminNotes: dispute.adminNotes,
    resolvedBy: dispute.resolvedBy,
    createdAt: dispute.createdAt.toISOString(),
    approvedAt: dispute.approvedAt?.toISOString() ?? null,
    resolvedAt: dispute.resolvedAt?.toISOString() ?? null,
    refundedAt: dispute.refundedAt?.toISOString() ?? null,
  };
}
export type DisputeView = ReturnType<typeof disputeView>;

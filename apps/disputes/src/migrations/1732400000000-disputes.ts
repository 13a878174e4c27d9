import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@clinic/messaging';

export class Disputes1732400000000 implements MigrationInterface {
  name = 'Disputes1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(messagingTablesSql());
    await queryRunner.query(`
-- Our copy of the ledger's charges (CreditsDeducted) and how much of each came back (CreditsRefunded):
-- the only facts a dispute may be opened on.
CREATE TABLE charged_leads (
  lead_id          uuid PRIMARY KEY,
  clinic_id        text NOT NULL,
  credits          integer NOT NULL CHECK (credits > 0),
  charged_at       timestamptz NOT NULL,
  transaction_id   uuid NOT NULL UNIQUE,
  refunded_credits integer NOT NULL DEFAULT 0 CHECK (refunded_credits >= 0 AND refunded_credits <= credits),
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX charged_leads_clinic_idx ON charged_leads (clinic_id, charged_at DESC);

-- Every refund the ledger reported, once per ledger transaction (a unique business key behind the inbox).
CREATE TABLE lead_refunds (
  transaction_id uuid PRIMARY KEY,
  dispute_id     uuid NOT NULL UNIQUE,
  lead_id        uuid NOT NULL,
  clinic_id      text NOT NULL,
  credits        integer NOT NULL CHECK (credits > 0),
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- The seed's columns (lead_id ... resolved_at) plus the id, who resolved it and the refund state.
CREATE TABLE lead_disputes (
  id                    uuid PRIMARY KEY,
  lead_id               uuid NOT NULL UNIQUE REFERENCES charged_leads (lead_id),
  clinic_id             text NOT NULL,
  dispute_type          text NOT NULL CHECK (dispute_type IN ('invalid_contact', 'duplicate_lead', 'out_of_service_area', 'fake_or_spam', 'other')),
  description           text NOT NULL CHECK (char_length(description) BETWEEN 10 AND 2000),
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'refunded')),
  charged_credits       integer NOT NULL CHECK (charged_credits > 0),
  admin_notes           text,
  refund_amount         integer CHECK (refund_amount > 0 AND refund_amount <= charged_credits),
  created_at            timestamptz NOT NULL DEFAULT now(),
  resolved_by           text,
  approved_at           timestamptz,
  resolved_at           timestamptz,
  refunded_amount       integer CHECK (refunded_amount > 0),
  refund_transaction_id uuid UNIQUE,
  refunded_at           timestamptz,
  CHECK (status <> 'approved' OR (refund_amount IS NOT NULL AND resolved_by IS NOT NULL)),
  CHECK (status <> 'rejected' OR (admin_notes IS NOT NULL AND resolved_at IS NOT NULL)),
  CHECK (status <> 'refunded' OR (refund_transaction_id IS NOT NULL AND resolved_at IS NOT NULL))
);
CREATE INDEX lead_disputes_clinic_idx ON lead_disputes (clinic_id, created_at DESC);
CREATE INDEX lead_disputes_status_idx ON lead_disputes (status, created_at DESC);
`);
  }

  async down(): Promise<void> {
    // Forward-only: schemas are rebuilt, never rolled back in place.
  }
}

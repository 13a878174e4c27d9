import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@clinic/messaging';

/**
 * The credit stream (`credit_transactions`, append-only, hash-chained per clinic), the read models
 * kept in step with it (`clinic_balances`, `pending_leads`), and the outbox/inbox.
 */
export class LedgerStream1732400000000 implements MigrationInterface {
  name = 'LedgerStream1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(messagingTablesSql());
    await queryRunner.query(`
CREATE TABLE credit_transactions (
  id                  uuid PRIMARY KEY,
  clinic_id           text NOT NULL,
  -- Signed credits: + purchase/refund/grant, - deduction/debit, 0 for a declined or expired lead.
  amount              bigint NOT NULL,
  transaction_type    text NOT NULL CHECK (transaction_type IN ('deduction', 'purchase', 'refund', 'adjustment', 'charge_declined', 'pending_expired')),
  description         text NOT NULL,
  lead_id             uuid,
  payment_id          text,
  order_id            text,
  amount_paise        bigint,
  status              text NOT NULL DEFAULT 'completed',
  created_at          timestamptz NOT NULL,
  stream_version      integer NOT NULL CHECK (stream_version >= 1),
  position            bigserial NOT NULL UNIQUE,
  balance_after       bigint NOT NULL CHECK (balance_after >= 0),
  dispute_id          uuid,
  idempotency_key     text,
  tier                text,
  pricing_version     integer,
  package_price_paise bigint,
  actor_id            text,
  correlation_id      text,
  causation_id        text,
  prev_hash           text NOT NULL,
  hash                text NOT NULL,
  CONSTRAINT credit_transactions_clinic_version_key UNIQUE (clinic_id, stream_version),
  CONSTRAINT credit_transactions_amount_sign CHECK (
    (transaction_type = 'deduction' AND amount < 0) OR
    (transaction_type IN ('purchase', 'refund') AND amount > 0) OR
    (transaction_type = 'adjustment' AND amount <> 0) OR
    (transaction_type IN ('charge_declined', 'pending_expired') AND amount = 0))
);
-- The business keys that make every handler idempotent: one charge (decline, expiry) per lead,
-- one purchase per payment, one refund per dispute, one adjustment per idempotency key.
CREATE UNIQUE INDEX credit_transactions_one_charge_per_lead ON credit_transactions (lead_id) WHERE transaction_type = 'deduction';
CREATE UNIQUE INDEX credit_transactions_one_decline_per_lead ON credit_transactions (lead_id) WHERE transaction_type = 'charge_declined';
CREATE UNIQUE INDEX credit_transactions_one_expiry_per_lead ON credit_transactions (lead_id) WHERE transaction_type = 'pending_expired';
CREATE UNIQUE INDEX credit_transactions_one_purchase_per_payment ON credit_transactions (payment_id) WHERE transaction_type = 'purchase';
CREATE UNIQUE INDEX credit_transactions_one_refund_per_dispute ON credit_transactions (dispute_id) WHERE transaction_type = 'refund';
CREATE UNIQUE INDEX credit_transactions_one_adjustment_per_key ON credit_transactions (idempotency_key) WHERE transaction_type = 'adjustment';
-- Looking up everything known about a batch's leads in one query.
CREATE INDEX credit_transactions_lead_idx ON credit_transactions (lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX credit_transactions_clinic_time_idx ON credit_transactions (clinic_id, created_at);

-- Corrections are new events, never edits: the database refuses to change or remove a row.
CREATE FUNCTION credit_transactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'credit_transactions is append-only: % is not allowed (record a refund or an adjustment instead)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER credit_transactions_no_update_delete BEFORE UPDATE OR DELETE ON credit_transactions
  FOR EACH ROW EXECUTE FUNCTION credit_transactions_append_only();
CREATE TRIGGER credit_transactions_no_truncate BEFORE TRUNCATE ON credit_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION credit_transactions_append_only();

-- Read model, updated in the same transaction as every append; its row is also the per-clinic
-- lock that serialises writers (consumer batches and admin adjustments).
CREATE TABLE clinic_balances (
  clinic_id             text PRIMARY KEY,
  balance               bigint NOT NULL CHECK (balance >= 0),
  version               integer NOT NULL CHECK (version >= 0),
  lifetime_purchased    bigint NOT NULL,
  lifetime_spent        bigint NOT NULL,
  lifetime_refunded     bigint NOT NULL,
  low_balance_threshold bigint NOT NULL CHECK (low_balance_threshold >= 0),
  low_balance           boolean NOT NULL,
  last_hash             text NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Read model: declined leads waiting for credit, oldest first.
CREATE TABLE pending_leads (
  lead_id             uuid PRIMARY KEY,
  clinic_id           text NOT NULL,
  credits             bigint NOT NULL,
  tier                text NOT NULL,
  pricing_version     integer NOT NULL,
  package_price_paise bigint NOT NULL,
  waiting_since       timestamptz NOT NULL,
  stream_version      integer NOT NULL
);
CREATE INDEX pending_leads_queue_idx ON pending_leads (clinic_id, waiting_since, stream_version);
`);
  }

  async down(): Promise<void> {
    // Forward-only: schemas are rebuilt, never rolled back in place.
  }
}

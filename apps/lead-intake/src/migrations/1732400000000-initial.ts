import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@clinic/messaging';

/**
 * Lead intake's tables: the package catalog copy, leads, the public form's rate-limit counters,
 * plus the messaging outbox and inbox.
 */
export class Initial1732400000000 implements MigrationInterface {
  name = 'Initial1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(messagingTablesSql());
    await queryRunner.query(`
CREATE TABLE packages (
  package_id  text PRIMARY KEY,
  clinic_id   text NOT NULL,
  name        text NOT NULL,
  price_paise bigint NOT NULL CHECK (price_paise >= 0),
  active      boolean NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE leads (
  lead_id             uuid PRIMARY KEY,
  clinic_id           text NOT NULL,
  package_id          text NOT NULL REFERENCES packages (package_id),
  -- The price the lead's tier is computed from, frozen when the lead arrived.
  package_price_paise bigint NOT NULL CHECK (package_price_paise >= 0),
  source              text NOT NULL CHECK (source IN ('marketplace', 'public_form', 'api')),
  marketplace_lead_id text UNIQUE,
  status              text NOT NULL CHECK (status IN ('new', 'pending_payment', 'released', 'expired', 'duplicate')),
  duplicate_of        uuid REFERENCES leads (lead_id),
  patient_name        text NOT NULL,
  -- E.164; the clinic's data once charged. Never logged in full.
  phone               text NOT NULL CHECK (phone ~ '^\\+91[6-9][0-9]{9}$'),
  email               text,
  message             text,
  -- Audit of the patient's consent on the public form (the marketplace keeps its own).
  consent_at          timestamptz,
  consent_ip          inet,
  credits_charged     integer CHECK (credits_charged > 0),
  created_at          timestamptz NOT NULL,
  declined_at         timestamptz,
  released_at         timestamptz,
  expired_at          timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL))
);
CREATE INDEX leads_clinic_created_idx ON leads (clinic_id, created_at DESC, lead_id DESC);
CREATE INDEX leads_clinic_phone_idx ON leads (clinic_id, phone, created_at DESC);

-- Fixed-window counters for the public form; in Postgres so every replica shares them.
CREATE TABLE rate_limit_hits (
  bucket       text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
`);
  }

  async down(): Promise<void> {
    // Forward-only: schemas are rebuilt, never rolled back in place.
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesSql } from '@clinic/messaging';

/**
 * Orders (one per Razorpay order we created, with the credits our catalog priced), verified
 * payments (at most one per payment and one per order: this is what makes PaymentVerified
 * exactly-once), failed payment attempts (one PaymentFailed per payment id), and webhook
 * receipts (dedupe by x-razorpay-event-id, plus an audit of what each delivery did).
 */
export class Payments1732400000000 implements MigrationInterface {
  name = 'Payments1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(messagingTablesSql());
    await queryRunner.query(`
CREATE TABLE orders (
  order_id        text PRIMARY KEY,
  clinic_id       text NOT NULL,
  pack_id         text,
  credits         integer NOT NULL CHECK (credits > 0),
  amount_paise    bigint NOT NULL CHECK (amount_paise > 0),
  currency        text NOT NULL CHECK (currency = 'INR'),
  receipt         text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'paid', 'failed')),
  failure_reason  text,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_clinic_newest_idx ON orders (clinic_id, created_at DESC, order_id DESC);

CREATE TABLE payments (
  payment_id    text PRIMARY KEY,
  order_id      text NOT NULL UNIQUE REFERENCES orders (order_id),
  clinic_id     text NOT NULL,
  credits       integer NOT NULL CHECK (credits > 0),
  amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
  currency      text NOT NULL,
  verified_via  text NOT NULL CHECK (verified_via IN ('checkout', 'webhook')),
  event_id      uuid NOT NULL UNIQUE,
  verified_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE failed_payments (
  payment_id    text PRIMARY KEY,
  order_id      text NOT NULL REFERENCES orders (order_id),
  clinic_id     text NOT NULL,
  reason        text NOT NULL,
  error_code    text,
  failed_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_receipts (
  event_id      text PRIMARY KEY,
  event_type    text NOT NULL,
  order_id      text,
  payment_id    text,
  outcome       text NOT NULL,
  detail        text,
  received_at   timestamptz NOT NULL DEFAULT now()
);
`);
  }

  async down(): Promise<void> {
    // Forward-only: schemas are rebuilt, never rolled back in place.
  }
}

/**
 * The messaging tables of one service, created in the current schema (the first on the
 * search_path). Each service's first migration runs this; it is idempotent.
 *
 * - `outbox`: events written in the same transaction as the state change; `txid` lets the relay
 *   read in commit order without skipping a late-committing transaction. An insert NOTIFYs
 *   channel `outbox_<schema>` so the relay wakes within milliseconds.
 * - `inbox`: the eventIds a consumer group has handled (applied or dead-lettered), written in the
 *   handler's transaction so a redelivered event is a no-op.
 */
export function messagingTablesSql(): string {
  return `
CREATE TABLE IF NOT EXISTS outbox (
  position     bigserial PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE,
  topic        text NOT NULL,
  key          text NOT NULL,
  payload      jsonb NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
  txid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON outbox (position) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS inbox (
  consumer_group text NOT NULL,
  event_id       uuid NOT NULL,
  handled_at     timestamptz NOT NULL DEFAULT now(),
  outcome        text NOT NULL DEFAULT 'applied',
  PRIMARY KEY (consumer_group, event_id)
);

CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
`;
}

/** The NOTIFY channel of a schema's outbox. */
export const outboxChannel = (schema: string): string => `outbox_${schema}`;

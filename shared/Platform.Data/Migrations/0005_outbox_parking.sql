-- An outbox row the broker refuses every time (bigger than its max_message_size, or nacked) is parked
-- by the relay with the reason instead of being retried forever in front of every later event.
-- Parked rows show in /api/health (outbox.parked); once the cause is fixed, an operator sends one again
-- with: update <schema>.outbox set parked_at = null, park_reason = null where id = ...;
alter table {schema}.outbox add column if not exists parked_at timestamptz;
alter table {schema}.outbox add column if not exists park_reason text;

drop index if exists {schema}.outbox_unsent;
create index if not exists outbox_unsent on {schema}.outbox (id) where sent_at is null and parked_at is null;
create index if not exists outbox_parked on {schema}.outbox (id) where parked_at is not null;

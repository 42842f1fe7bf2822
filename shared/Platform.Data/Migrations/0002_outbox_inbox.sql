-- Transactional outbox: a service writes its change and its events in one transaction; the relay
-- publishes unsent rows with publisher confirms and marks them sent. The envelope is the exact
-- CloudEvents JSON that goes on the wire.
create table if not exists {schema}.outbox (
    id          bigint      generated always as identity primary key,
    event_id    uuid        not null unique,
    event_type  text        not null,
    envelope    text        not null,
    created_at  timestamptz not null default now(),
    sent_at     timestamptz
);

create index if not exists outbox_unsent on {schema}.outbox (id) where sent_at is null;
create index if not exists outbox_sent_at on {schema}.outbox (sent_at) where sent_at is not null;

-- Inbox: the ids of messages whose effects are committed, written in the same transaction as the
-- effects, so that a redelivered message has no second effect.
create table if not exists {schema}.inbox (
    message_id  text        primary key,
    event_type  text        not null,
    handled_at  timestamptz not null default now()
);

create index if not exists inbox_handled_at on {schema}.inbox (handled_at);

alter table {schema}.outbox enable row level security;
alter table {schema}.inbox enable row level security;
revoke all on {schema}.outbox from anon, authenticated;
revoke all on {schema}.inbox from anon, authenticated;

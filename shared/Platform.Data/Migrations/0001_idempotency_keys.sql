-- Responses of POSTs sent with an Idempotency-Key, so that a retry replays the first answer.
-- The key row is written in the same transaction as the effect it guards.
create table if not exists {schema}.idempotency_keys (
    user_id       uuid        not null,
    key           text        not null check (char_length(key) between 1 and 200),
    request_hash  bytea       not null,
    status_code   int         not null,
    response_body text        not null,
    created_at    timestamptz not null default now(),
    primary key (user_id, key)
);

create index if not exists idempotency_keys_created_at on {schema}.idempotency_keys (created_at);

-- Internal table: row-level security on, no policy, so Supabase's anon and authenticated roles see nothing.
alter table {schema}.idempotency_keys enable row level security;
revoke all on {schema}.idempotency_keys from anon, authenticated;

-- Test migration: a table that the idempotency tests write their effects to.
create table {schema}.widgets (
    id         uuid        primary key,
    user_id    uuid        not null,
    created_at timestamptz not null default now()
);

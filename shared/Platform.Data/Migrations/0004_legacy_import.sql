-- import-legacy: where each table's pass over the original app stands, and what it skipped or repaired.
-- origin names the original database (host:port/database), so imports from two originals never share
-- a checkpoint. One row per origin and source table: a pass that was stopped resumes after after_id with its counts; a
-- finished pass (finished_at set) is followed by a new one from the start. The counts change in the
-- same transaction as the rows they count, so they stay exact through a kill.
create table if not exists {schema}.legacy_import_runs (
    origin      text        not null,
    source      text        not null,
    after_id    uuid,
    read        bigint      not null default 0,
    inserted    bigint      not null default 0,
    updated     bigint      not null default 0,
    unchanged   bigint      not null default 0,
    repaired    bigint      not null default 0,
    skipped     bigint      not null default 0,
    passes      int         not null default 1,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    primary key (origin, source)
);

-- Every original row the import skipped or repaired, with the reason; rewritten for a row each time
-- a pass reads it, so the report always says what the latest pass did with every row.
create table if not exists {schema}.legacy_import_issues (
    origin      text        not null,
    source      text        not null,
    legacy_id   uuid        not null,
    outcome     text        not null check (outcome in ('repaired', 'skipped')),
    reason      text        not null,
    recorded_at timestamptz not null default now(),
    primary key (origin, source, legacy_id, reason)
);

alter table {schema}.legacy_import_runs enable row level security;
alter table {schema}.legacy_import_issues enable row level security;
revoke all on {schema}.legacy_import_runs from anon, authenticated;
revoke all on {schema}.legacy_import_issues from anon, authenticated;

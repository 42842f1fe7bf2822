-- What the test app's handlers received. Written in the handler's transaction (context.Work), the
-- same one that records the message in the inbox: a row here means the effect was committed.
-- No unique key on purpose: a message applied twice must show up as two rows.
create table if not exists {schema}.handled (
    id             bigint      generated always as identity primary key,
    event_id       text        not null,
    event_type     text        not null,
    source         text        not null,
    clr_type       text        not null,
    data           jsonb       not null,
    payload        jsonb       not null,
    correlation_id text,
    traceparent    text,
    trace_id       text,
    baggage_correlation_id text,
    attempt        int         not null,
    handled_by     text        not null,
    handled_at     timestamptz not null default now()
);

create index if not exists handled_event_id on {schema}.handled (event_id);

-- Every attempt of a handler, written on its own connection (autocommit), so that attempts whose
-- transaction rolled back (a failing handler, a killed process) are still visible to the tests.
create table if not exists {schema}.attempts (
    id          bigint      generated always as identity primary key,
    event_id    text        not null,
    event_type  text        not null,
    attempt     int         not null,
    handled_by  text        not null,
    at          timestamptz not null default clock_timestamp()
);

create index if not exists attempts_event_id on {schema}.attempts (event_id);

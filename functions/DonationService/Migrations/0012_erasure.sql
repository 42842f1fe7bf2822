-- Issue 18, account erasure. donation-service owns the saga: one row per erased user, with the time
-- each service answered (donation-service's own part is its files); the erasure is completed once,
-- when the last answer arrives. erased_accounts is the list every service keeps (its tokens are refused).
create table donation.erasures (
    user_id           uuid        primary key,
    requested_by      uuid        not null,
    requested_at      timestamptz not null default now(),
    status            text        not null default 'in_progress' check (status in ('in_progress', 'completed')),
    completed_at      timestamptz,
    donation_done_at  timestamptz,
    request_done_at   timestamptz,
    campaign_done_at  timestamptz,
    messaging_done_at timestamptz,
    check ((status = 'completed') = (completed_at is not null))
);

create table donation.erased_accounts (
    user_id   uuid        primary key,
    seq       bigint      generated always as identity unique,
    erased_at timestamptz not null default now()
);

-- An erased profile keeps its id, role and rating sum (others' records point at it), nothing personal.
alter table donation.profiles add column erased_at timestamptz;

alter table donation.erasures enable row level security;
alter table donation.erased_accounts enable row level security;
revoke all on donation.erasures, donation.erased_accounts from anon, authenticated;

-- request-service owns requests (a recipient asks for a donation; the claim saga decides) and ratings.
create table request.requests (
    id           uuid        primary key,
    donation_id  uuid        not null,
    donor_id     uuid        not null,
    recipient_id uuid        not null,
    message      text        check (char_length(message) <= 1000),
    status       text        not null default 'pending'
                 check (status in ('pending', 'approving', 'approved', 'rejected', 'cancelled', 'completed')),
    reason       text        check (char_length(reason) <= 500),
    version      bigint      not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    -- One request per recipient and donation.
    unique (donation_id, recipient_id),
    check (donor_id <> recipient_id)
);

-- List filters (role=mine, role=received, donation_id, status), newest first with keyset pagination.
create index requests_recipient_keyset on request.requests (recipient_id, created_at desc, id desc);
create index requests_donor_keyset on request.requests (donor_id, created_at desc, id desc);
create index requests_donation on request.requests (donation_id, status);
create index requests_status_keyset on request.requests (status, created_at desc, id desc);
create index requests_keyset on request.requests (created_at desc, id desc);

create table request.ratings (
    id           uuid        primary key,
    request_id   uuid        not null unique references request.requests (id),
    donor_id     uuid        not null,
    recipient_id uuid        not null,
    rating       smallint    not null check (rating between 1 and 5),
    comment      text        check (char_length(comment) <= 1000),
    created_at   timestamptz not null default now()
);

create index ratings_donor_keyset on request.ratings (donor_id, created_at desc, id desc);
create index ratings_keyset on request.ratings (created_at desc, id desc);

-- Blocked users, copied from profile.blocked / profile.unblocked (donation-service owns profiles).
create table request.blocked_users (
    user_id    uuid        primary key,
    blocked    boolean     not null,
    version    bigint      not null,
    updated_at timestamptz not null default now()
);

-- Row-level security: a signed-in user reads the requests they are part of; ratings are public;
-- nothing is written through the Data API.
grant usage on schema request to anon, authenticated;
alter table request.requests enable row level security;
alter table request.ratings enable row level security;
alter table request.blocked_users enable row level security;
revoke all on request.requests, request.ratings, request.blocked_users from anon, authenticated;
grant select on request.requests to authenticated;
grant select on request.ratings to anon, authenticated;
create policy requests_select_party on request.requests
    for select to authenticated
    using (auth.uid() in (recipient_id, donor_id));
create policy ratings_select_all on request.ratings
    for select to anon, authenticated
    using (true);

-- messaging-service owns reports: anyone reports a user, donation, campaign or message; admins
-- review or resolve them with an action that report.resolved carries to the owning service.
create table messaging.reports (
    id              uuid        primary key,
    reporter_id     uuid        not null,
    target_type     text        not null check (target_type in ('user', 'donation', 'campaign', 'message')),
    target_id       uuid        not null,
    -- The user to block when messaging knows it: the reported user, a reported message's sender,
    -- or the owner of a reported donation or campaign learned from events (else null).
    subject_user_id uuid,
    reason          text        not null check (char_length(reason) between 1 and 200),
    description     text        check (char_length(description) <= 2000),
    status          text        not null default 'open' check (status in ('open', 'reviewed', 'resolved')),
    action          text        check (action in ('none', 'block_user', 'remove_donation', 'remove_campaign')),
    resolved_by     uuid,
    resolved_at     timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    check ((status = 'open') = (action is null)),
    check ((action is null) = (resolved_by is null) and (resolved_by is null) = (resolved_at is null)),
    check (action is distinct from 'remove_donation' or target_type = 'donation'),
    check (action is distinct from 'remove_campaign' or target_type = 'campaign'),
    check (target_type <> 'user' or subject_user_id = target_id)
);

-- One open report per reporter and target (a second one is 409 until an admin looked at it).
create unique index reports_open_once on messaging.reports (reporter_id, target_type, target_id) where status = 'open';
-- Lists: a user's own reports; admins all, optionally by status; newest first with keyset pagination.
create index reports_reporter_keyset on messaging.reports (reporter_id, created_at desc, id desc);
create index reports_status_keyset on messaging.reports (status, created_at desc, id desc);
create index reports_keyset on messaging.reports (created_at desc, id desc);

-- Owners of donations and campaigns, learned from the events messaging consumes (donation.reviewed,
-- donation.released/completed, campaign.*), so a report can name the user to block.
create table messaging.target_owners (
    target_type text        not null check (target_type in ('donation', 'campaign')),
    target_id   uuid        not null,
    owner_id    uuid        not null,
    created_at  timestamptz not null default now(),
    primary key (target_type, target_id)
);

-- Row-level security: a signed-in user reads their own reports; the owner copy is internal;
-- nothing is written through the Data API.
alter table messaging.reports enable row level security;
alter table messaging.target_owners enable row level security;
revoke all on messaging.reports, messaging.target_owners from anon, authenticated;
grant select on messaging.reports to authenticated;
create policy reports_select_own on messaging.reports
    for select to authenticated
    using (auth.uid() = reporter_id);

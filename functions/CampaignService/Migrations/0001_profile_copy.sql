-- campaign-service's copy of what it needs from donation-service's profiles: the role, the
-- verification status and the blocked flag, kept from profile.* events. Version orders updates,
-- so an event that arrives late never overwrites a newer state. Role and status are mirrored as
-- donation-service sends them (no check of its vocabulary here, so a new value is never parked).
create table campaign.profile_copies (
    user_id          uuid        primary key,
    role             text        not null check (char_length(role) <= 32),
    recipient_status text        not null check (char_length(recipient_status) <= 32),
    blocked          boolean     not null,
    version          bigint      not null check (version > 0),
    updated_at       timestamptz not null default now()
);

-- Internal table: row-level security on and no policy, so the Data API shows nothing of it.
grant usage on schema campaign to anon, authenticated;
alter table campaign.profile_copies enable row level security;
revoke all on campaign.profile_copies from anon, authenticated;

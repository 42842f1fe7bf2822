-- Issue 17, point 4: owners post short progress updates to their campaign; whoever can see the
-- campaign lists them, newest first (keyset over (created_at, id)); contributors are notified through
-- campaign.update_posted. Updates go with their campaign: a deleted campaign's are not shown (404).
create table campaign.campaign_updates (
    id          uuid        primary key,
    campaign_id uuid        not null references campaign.campaigns (id),
    author_id   uuid        not null,
    body        text        not null check (char_length(body) between 1 and 2000),
    created_at  timestamptz not null default now()
);

-- A campaign's updates newest first; also how many were posted in the last 24 hours (the cap).
create index campaign_updates_keyset on campaign.campaign_updates (campaign_id, created_at desc, id desc);

-- Read through the service only (it decides who may see a campaign).
alter table campaign.campaign_updates enable row level security;
revoke all on campaign.campaign_updates from anon, authenticated;

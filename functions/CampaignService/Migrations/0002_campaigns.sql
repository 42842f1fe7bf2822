-- campaign-service owns campaigns: a verified recipient's money goal that people contribute to.
create table campaign.campaigns (
    id                uuid          primary key,
    recipient_id      uuid          not null,
    title             text          not null check (char_length(title) between 1 and 120),
    description       text          check (char_length(description) <= 5000),
    category          text          not null check (category in ('medical', 'education', 'emergency', 'housing', 'food', 'community', 'animals', 'other')),
    location          text          check (char_length(location) <= 200),
    image_url         text          check (char_length(image_url) <= 2048),
    goal_amount       numeric(12,2) not null check (goal_amount between 0.01 and 10000000),
    collected_amount  numeric(12,2) not null default 0 check (collected_amount >= 0),
    contributor_count int           not null default 0 check (contributor_count >= 0),
    status            text          not null default 'pending' check (status in ('pending', 'active', 'paused', 'completed', 'rejected')),
    pause_reason      text          check (char_length(pause_reason) <= 500),
    review_reason     text          check (char_length(review_reason) <= 500),
    reviewed_by       uuid,
    reviewed_at       timestamptz,
    completed_at      timestamptz,
    version           bigint        not null default 1,
    created_at        timestamptz   not null default now(),
    updated_at        timestamptz   not null default now(),
    deleted_at        timestamptz,
    deleted_by        uuid,
    -- The contribution that reaches the goal completes the campaign (it may overshoot it), and a
    -- campaign is completed only that way: completed exactly when the goal is reached.
    constraint campaigns_completed_iff_goal_reached check ((status = 'completed') = (collected_amount >= goal_amount)),
    constraint campaigns_completed_at check ((status = 'completed') = (completed_at is not null)),
    constraint campaigns_contributors_with_money check ((contributor_count = 0) = (collected_amount = 0)),
    constraint campaigns_deleted_by check ((deleted_at is null) = (deleted_by is null))
);

-- Every list filter (status, category, recipient_id), newest first with keyset pagination; deleted
-- rows never appear in lists, so the indexes leave them out.
create index campaigns_keyset on campaign.campaigns (created_at desc, id desc) where deleted_at is null;
create index campaigns_status_keyset on campaign.campaigns (status, created_at desc, id desc) where deleted_at is null;
create index campaigns_category_keyset on campaign.campaigns (category, status, created_at desc, id desc) where deleted_at is null;
create index campaigns_recipient_keyset on campaign.campaigns (recipient_id, status, created_at desc, id desc) where deleted_at is null;

-- Row-level security: anyone reads listed campaigns (active, paused, completed); an owner also
-- reads their own in every state. Nothing is written through the Data API.
alter table campaign.campaigns enable row level security;
revoke all on campaign.campaigns from anon, authenticated;
grant select on campaign.campaigns to anon, authenticated;
create policy campaigns_select_public on campaign.campaigns
    for select to anon, authenticated
    using (deleted_at is null and status in ('active', 'paused', 'completed'));
create policy campaigns_select_own on campaign.campaigns
    for select to authenticated
    using (deleted_at is null and recipient_id = auth.uid());

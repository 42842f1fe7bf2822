-- donation-service owns donations: physical items a donor lists.
create schema if not exists extensions;
create extension if not exists pg_trgm with schema extensions;

create table donation.donations (
    id           uuid        primary key,
    donor_id     uuid        not null references donation.profiles (id),
    title        text        not null check (char_length(title) between 1 and 120),
    description  text        check (char_length(description) <= 2000),
    category     text        not null check (category in ('clothing', 'furniture', 'electronics', 'books', 'toys', 'kitchen', 'food', 'baby', 'sports', 'household', 'other')),
    location     text        check (char_length(location) <= 200),
    image_url    text        check (char_length(image_url) <= 2048),
    status       text        not null default 'pending' check (status in ('pending', 'available', 'rejected', 'claimed', 'completed')),
    review_reason text       check (char_length(review_reason) <= 500),
    reviewed_by  uuid,
    reviewed_at  timestamptz,
    version      bigint      not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    deleted_at   timestamptz
);

-- Every list filter (status, category, donor_id, q), newest first with keyset pagination; deleted
-- rows never appear in lists, so the indexes leave them out.
create index donations_keyset on donation.donations (created_at desc, id desc) where deleted_at is null;
create index donations_status_keyset on donation.donations (status, created_at desc, id desc) where deleted_at is null;
create index donations_category_keyset on donation.donations (category, status, created_at desc, id desc) where deleted_at is null;
create index donations_donor_keyset on donation.donations (donor_id, created_at desc, id desc) where deleted_at is null;
create index donations_title_trgm on donation.donations using gin (title extensions.gin_trgm_ops) where deleted_at is null;

-- Row-level security: anyone may read listed items (available, claimed, completed); a donor also
-- reads their own in every state. No writes through the Data API.
alter table donation.donations enable row level security;
revoke all on donation.donations from anon, authenticated;
grant select on donation.donations to anon, authenticated;
create policy donations_select_public on donation.donations
    for select to anon, authenticated
    using (deleted_at is null and status in ('available', 'claimed', 'completed'));
create policy donations_select_own on donation.donations
    for select to authenticated
    using (deleted_at is null and donor_id = auth.uid());

-- The original app's campaign database (a second Supabase project), in its shape as this platform
-- reconstructs it: the design notes name only "campaigns (and the contributions recorded on them)",
-- the fields the original's campaign screens show (title, description, category, location, image,
-- goal, collected amount, status) and a verification step before a campaign goes live. ASSUMED here
-- (change import-legacy's column lists in functions/CampaignService/Import if the real one differs):
--   * the owner is public.campaigns.user_id (a profile id of the main database, which is elsewhere);
--   * the collected amount is public.campaigns.current_amount, kept by the original app itself;
--   * status is one of pending / active / paused / completed / closed / rejected (and stray values),
--     verification_status one of unrequested / pending / approved / rejected, as for profiles;
--   * each contribution is a row of public.contributions (campaign_id, user_id, amount, created_at),
--     amounts in the original's one currency (no currency column: import-legacy takes LegacyCurrency).
-- Like the main database: primary keys, no foreign keys, no checks. The index on campaign_id is the
-- one a Supabase foreign-key column usually gets; the import's per-page sums use it (create it in the
-- original before the import if it is missing: it changes nothing for the original app).
create table if not exists public.campaigns (
    id                  uuid primary key default gen_random_uuid(),
    user_id             uuid,
    title               text,
    description         text,
    category            text,
    location            text,
    image_url           text,
    goal_amount         numeric,
    current_amount      numeric default 0,
    status              text default 'pending',
    verification_status text default 'unrequested',
    created_at          timestamptz default now(),
    updated_at          timestamptz default now()
);

create table if not exists public.contributions (
    id          uuid primary key default gen_random_uuid(),
    campaign_id uuid,
    user_id     uuid,
    amount      numeric,
    created_at  timestamptz default now()
);

create index if not exists contributions_campaign_id on public.contributions (campaign_id);

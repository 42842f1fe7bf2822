-- Issue 17: full-text search over campaigns, the list's other orders, and deadlines.
--
-- Search works as in donation-service (its migration 0009): the text search configuration is kept per
-- row and the generated tsvector is computed with it, so the setting Search__TextConfiguration changes
-- without a new migration (migrate's text search step moves the rows). Titles weigh more (A, B).
alter table campaign.campaigns
    add column search_config regconfig not null default 'simple',
    add column search tsvector generated always as (
        setweight(to_tsvector(search_config, title), 'A')
        || setweight(to_tsvector(search_config, coalesce(description, '')), 'B')) stored;

create index campaigns_search on campaign.campaigns using gin (search) where deleted_at is null;

-- Deadlines: an optional ends_at. At the deadline an active or paused campaign becomes 'ended', a new
-- final state (not 'completed': completed means the goal was reached, a constraint of 0002 that stays
-- true), with ended_at, by the deadline sweeper (a hosted service in every instance), which publishes
-- campaign.ended once.
alter table campaign.campaigns
    add column ends_at  timestamptz,
    add column ended_at timestamptz;

alter table campaign.campaigns drop constraint campaigns_status_check;
alter table campaign.campaigns add constraint campaigns_status_check
    check (status in ('pending', 'active', 'paused', 'completed', 'rejected', 'ended'));
alter table campaign.campaigns add constraint campaigns_ended_at check ((status = 'ended') = (ended_at is not null));

-- The sweeper's question: which running campaigns are past their deadline?
create index campaigns_ending on campaign.campaigns (ends_at)
    where deleted_at is null and ends_at is not null and status in ('active', 'paused');

-- The list's orders, with keyset pagination: ending_soon (deadline first, campaigns without one last)
-- and most_funded / least_funded (share of the goal collected, comparable across currencies).
create index campaigns_ending_soon on campaign.campaigns ((coalesce(ends_at, 'infinity'::timestamptz)), id) where deleted_at is null;
create index campaigns_funded on campaign.campaigns (((collected_amount / goal_amount)::float8), id) where deleted_at is null;

-- Ended campaigns stay public like completed ones.
drop policy campaigns_select_public on campaign.campaigns;
create policy campaigns_select_public on campaign.campaigns
    for select to anon, authenticated
    using (deleted_at is null and status in ('active', 'paused', 'completed', 'ended'));
grant select (ends_at, ended_at) on campaign.campaigns to anon, authenticated;

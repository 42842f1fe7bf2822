-- Contributions: money given to an active campaign. The row and the campaign's collected amount
-- change in one transaction that holds the campaign's row lock.
create table campaign.contributions (
    id             uuid          primary key,
    campaign_id    uuid          not null references campaign.campaigns (id),
    contributor_id uuid          not null,
    amount         numeric(12,2) not null check (amount between 0.01 and 1000000),
    created_at     timestamptz   not null default now()
);

-- GET contributions of a campaign (all, or one contributor's), newest first with keyset
-- pagination; the second index also answers "has this contributor given before?".
create index contributions_campaign_keyset on campaign.contributions (campaign_id, created_at desc, id desc);
create index contributions_contributor_keyset on campaign.contributions (campaign_id, contributor_id, created_at desc, id desc);

-- Row-level security: contributors read their own contributions, campaign owners read those of
-- their campaigns. Nothing is written through the Data API.
alter table campaign.contributions enable row level security;
revoke all on campaign.contributions from anon, authenticated;
grant select on campaign.contributions to authenticated;
create policy contributions_select_own on campaign.contributions
    for select to authenticated
    using (contributor_id = auth.uid());
create policy contributions_select_campaign_owner on campaign.contributions
    for select to authenticated
    using (exists (select 1 from campaign.campaigns c where c.id = campaign_id and c.recipient_id = auth.uid()));

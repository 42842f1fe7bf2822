-- Issue 17, item details: how many, in what condition, and an optional expiry (food!). A pending or
-- available donation whose expires_at has passed is made 'expired' by the expiry sweeper (a hosted
-- service in every instance), which publishes donation.expired; it then leaves every public list.
alter table donation.donations
    add column quantity   int         not null default 1 check (quantity between 1 and 1000),
    add column condition  text        check (condition in ('new', 'like_new', 'good', 'fair')),
    add column expires_at timestamptz;

alter table donation.donations drop constraint donations_status_check;
alter table donation.donations add constraint donations_status_check
    check (status in ('pending', 'available', 'rejected', 'claimed', 'completed', 'expired'));

-- The sweeper's question: which live, unclaimed donations are past their expiry?
create index donations_expiring on donation.donations (expires_at)
    where deleted_at is null and expires_at is not null and status in ('pending', 'available');

-- The new public fields are readable through the Data API like the others (pickup_instructions is not).
grant select (quantity, condition, expires_at) on donation.donations to anon, authenticated;

-- legacy_dirty_campaigns(seed): one row of each case the platform refuses or repairs, in the original
-- campaign database (after legacy_generate_campaigns with the same seed and at least 2 users: owners
-- are profile 1 of the main database). docs/MOVING-IN.md lists the report these rows give.
create or replace function public.legacy_dirty_campaigns(seed text) returns void
language plpgsql as $$
begin
    insert into public.campaigns (id, user_id, title, category, goal_amount, current_amount, status, verification_status, created_at, updated_at) values
        -- no owner; an owner with no profile; a goal that is not an amount
        (legacy_id(seed, 'dirty', 61), null, 'Orphan', 'Medical', 1000, 0, 'active', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 62), legacy_id(seed, 'gone', 7), 'Owner gone', 'Medical', 1000, 0, 'active', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 63), legacy_id(seed, 'profile', 1), 'No goal', 'Medical', -5, 0, 'active', 'approved', now(), now()),
        -- repairs: a category the platform lacks; an empty title; closed before its goal; live but never
        -- verified; completed but short of its goal; a current_amount that is not its contributions' sum;
        -- an unknown status; active although its contributions reached the goal
        (legacy_id(seed, 'dirty', 65), legacy_id(seed, 'profile', 1), 'Flood relief', 'Disaster Relief', 1000, 0, 'active', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 66), legacy_id(seed, 'profile', 1), '  ', 'Food', 1000, 0, 'active', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 67), legacy_id(seed, 'profile', 1), 'Closed early', 'Housing', 500, 0, 'closed', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 68), legacy_id(seed, 'profile', 1), 'Never verified', 'Housing', 500, 0, 'active', 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 69), legacy_id(seed, 'profile', 1), 'Completed short', 'Housing', 1000, 100, 'completed', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 70), legacy_id(seed, 'profile', 1), 'Wrong total', 'Community', 1000, 999, 'active', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 71), legacy_id(seed, 'profile', 1), 'Odd status', 'Community', 1000, 0, 'on hold', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 72), legacy_id(seed, 'profile', 1), 'Goal reached', 'Animals', 50, 60, 'active', 'approved', now(), now());

    insert into public.contributions (id, campaign_id, user_id, amount, created_at) values
        -- skipped: a campaign that no longer exists; a campaign that was skipped; no amount; a negative
        -- amount; no contributor
        (legacy_id(seed, 'dirty', 81), legacy_id(seed, 'gone', 8), legacy_id(seed, 'profile', 0), 10, now()),
        (legacy_id(seed, 'dirty', 82), legacy_id(seed, 'dirty', 61), legacy_id(seed, 'profile', 0), 10, now()),
        (legacy_id(seed, 'dirty', 83), legacy_id(seed, 'dirty', 70), legacy_id(seed, 'profile', 0), 0, now()),
        (legacy_id(seed, 'dirty', 84), legacy_id(seed, 'dirty', 70), legacy_id(seed, 'profile', 0), -10, now()),
        (legacy_id(seed, 'dirty', 85), legacy_id(seed, 'dirty', 70), null, 10, now()),
        -- repaired: a fraction of a cent; imported as is: a contributor with no profile
        (legacy_id(seed, 'dirty', 86), legacy_id(seed, 'dirty', 70), legacy_id(seed, 'profile', 0), 12.345, now()),
        (legacy_id(seed, 'dirty', 87), legacy_id(seed, 'dirty', 70), legacy_id(seed, 'gone', 9), 20, now()),
        (legacy_id(seed, 'dirty', 88), legacy_id(seed, 'dirty', 69), legacy_id(seed, 'profile', 0), 100, now()),
        (legacy_id(seed, 'dirty', 89), legacy_id(seed, 'dirty', 72), legacy_id(seed, 'profile', 0), 60, now());
end
$$;

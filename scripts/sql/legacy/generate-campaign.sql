-- legacy_generate_campaigns(seed, users, campaigns, contributions): clean rows in the shape of the
-- original's campaign database (original-campaign.sql), ids md5(seed:kind:n) as in generate-main.sql
-- (so the owners and contributors are the profiles legacy_generate made with the same seed and users).
-- Campaign n belongs to user 3n + 1 (mod users); contribution m goes to campaign m mod campaigns from
-- user 7m (mod users). Statuses are consistent with the amounts, as the original app kept them:
-- completed ones reached their goal (their goal is what they collected), the others did not.
create or replace function public.legacy_id(seed text, kind text, n bigint) returns uuid
    language sql immutable as $$ select md5(seed || ':' || kind || ':' || n)::uuid $$;

create or replace function public.legacy_generate_campaigns(seed text, users int, campaign_count int, contribution_count int) returns void
language plpgsql as $$
declare
    categories text[] := array['Medical', 'Education', 'Emergency', 'Housing', 'Food', 'Community', 'Animals', 'Other'];
    statuses   text[] := array['active', 'active', 'active', 'pending', 'paused', 'completed', 'rejected', 'active'];
begin
    insert into public.campaigns (id, user_id, title, description, category, location, image_url, goal_amount, current_amount,
                                  status, verification_status, created_at, updated_at)
    select legacy_id(seed, 'campaign', n),
           legacy_id(seed, 'profile', (3 * n + 1) % users),
           'Campaign ' || n || ' for ' || (array['surgery', 'school fees', 'a new roof', 'the food bank', 'the shelter'])[1 + n % 5],
           case when n % 2 = 0 then repeat('Every contribution helps. ', 1 + n % 8) end,
           categories[1 + n % 8],
           (array['Addis Ababa', 'Adama', 'Gondar', 'Mekelle', 'Hawassa'])[1 + n % 5],
           case when n % 3 = 0 then 'https://cdn.example.org/campaigns/' || n || '.jpg' end,
           500 + (n % 20) * 250,
           0,
           statuses[1 + n % 8],
           case statuses[1 + n % 8] when 'pending' then (array['unrequested', 'pending'])[1 + n % 2] when 'rejected' then 'rejected' else 'approved' end,
           timestamptz '2024-04-01' + n * interval '13 minutes',
           timestamptz '2024-04-01' + n * interval '13 minutes' + interval '1 day'
      from generate_series(0, campaign_count - 1) as n;

    insert into public.contributions (id, campaign_id, user_id, amount, created_at)
    select legacy_id(seed, 'contribution', m),
           legacy_id(seed, 'campaign', m % campaign_count),
           legacy_id(seed, 'profile', (7 * m) % users),
           5 + (m % 40) * 2.5,
           timestamptz '2024-05-01' + m * interval '1 minute'
      from generate_series(0, contribution_count - 1) as m
     where campaign_count > 0;

    update public.campaigns c set current_amount = t.collected
      from (select campaign_id, sum(amount) as collected from public.contributions group by campaign_id) t
     where t.campaign_id = c.id and c.id in (select legacy_id(seed, 'campaign', n) from generate_series(0, campaign_count - 1) as n);
    -- Consistent states: a completed campaign's goal is what it collected (one with nothing collected is
    -- still active); every other campaign is short of its goal.
    update public.campaigns set status = 'active'
     where status = 'completed' and current_amount = 0 and id in (select legacy_id(seed, 'campaign', n) from generate_series(0, campaign_count - 1) as n);
    update public.campaigns set goal_amount = current_amount
     where status = 'completed' and id in (select legacy_id(seed, 'campaign', n) from generate_series(0, campaign_count - 1) as n);
    update public.campaigns set goal_amount = current_amount + 100
     where status <> 'completed' and current_amount >= goal_amount
       and id in (select legacy_id(seed, 'campaign', n) from generate_series(0, campaign_count - 1) as n);
end
$$;

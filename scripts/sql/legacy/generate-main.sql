-- legacy_generate(seed, users, donations, requests, ratings): realistic, clean rows in the original's
-- shape. Ids are md5(seed:kind:n) as uuid, so a run with the same seed makes the same rows and another
-- seed makes rows no earlier run has made. A third of the users (n divisible by 3) are donors and
-- donations belong to them; request n asks for donation n, by recipient 3 * ((n / donors) % donors) + 1,
-- so no two requests share a donor and recipient; rating n rates request 6n + 4 (a completed one);
-- message n goes from user n to user n + 1 + n % 5 (a third unread, a quarter about a donation); report
-- n by user n names a donation, a user or a campaign in turn.
create or replace function public.legacy_id(seed text, kind text, n bigint) returns uuid
    language sql immutable as $$ select md5(seed || ':' || kind || ':' || n)::uuid $$;

create or replace function public.legacy_generate(
    seed text, users int, donations int, requests int default 0, ratings int default 0, messages int default 0, reports int default 0) returns void
language plpgsql as $$
declare
    categories text[] := array['Clothing', 'Furniture', 'Electronics', 'Books', 'Toys', 'Kitchen', 'Food', 'Baby', 'Sports', 'Household', 'Other'];
    statuses   text[] := array['pending', 'approved', 'approved', 'approved', 'requested', 'claimed', 'donated', 'rejected'];
    states     text[] := array['unrequested', 'unrequested', 'pending', 'approved', 'rejected'];
    donors     int := greatest(users / 3, 1);
begin
    insert into public.profiles (id, email, full_name, phone, avatar_url, location, role, verification_status,
                                 verification_image_url, is_blocked, created_at, updated_at)
    select legacy_id(seed, 'profile', n),
           'user' || n || '.' || seed || '@example.org',
           'User ' || n,
           case when n % 4 = 0 then '+44 7700 ' || lpad((n % 1000000)::text, 6, '0') end,
           case when n % 5 = 0 then 'https://cdn.example.org/avatars/' || n || '.jpg' end,
           (array['Leeds', 'York', 'Hull', 'Bradford', 'Sheffield'])[1 + n % 5],
           case when n % 3 = 0 then (case when n % 30 = 0 then 'Donor' else 'donor' end) else 'recipient' end,
           case when n % 3 = 0 then 'unrequested' else states[1 + n % 5] end,
           case when n % 3 <> 0 and n % 5 >= 2 then 'https://cdn.example.org/ids/' || n || '.jpg' end,
           n % 97 = 0,
           timestamptz '2024-01-01' + n * interval '7 minutes',
           timestamptz '2024-01-01' + n * interval '7 minutes' + interval '1 day'
      from generate_series(0, users - 1) as n;

    insert into public.donations (id, donor_id, title, description, category, location, image_url, status, created_at, updated_at)
    select legacy_id(seed, 'donation', n),
           legacy_id(seed, 'profile', (n % donors) * 3),
           'Item ' || n || ' ' || (array['chair', 'coat', 'lamp', 'novel', 'pram', 'kettle', 'bike'])[1 + n % 7],
           case when n % 2 = 0 then repeat('Good condition, collect from the front door. ', 1 + n % 5) end,
           categories[1 + n % 11],
           (array['Leeds', 'York', 'Hull', 'Bradford', 'Sheffield'])[1 + n % 5],
           case when n % 3 = 0 then 'https://cdn.example.org/items/' || n || '.jpg' end,
           statuses[1 + n % 8],
           timestamptz '2024-02-01' + n * interval '1 minute',
           timestamptz '2024-02-01' + n * interval '1 minute' + interval '2 hours'
      from generate_series(0, donations - 1) as n;

    insert into public.requests (id, donation_id, recipient_id, donor_id, message, status, created_at, updated_at)
    select legacy_id(seed, 'request', n),
           legacy_id(seed, 'donation', n),
           legacy_id(seed, 'profile', 3 * ((n / donors) % donors) + 1),
           legacy_id(seed, 'profile', (n % donors) * 3),
           case when n % 2 = 0 then 'Could I collect it on Saturday?' end,
           (array['pending', 'approved', 'rejected', 'cancelled', 'completed', 'completed'])[1 + n % 6],
           timestamptz '2024-03-01' + n * interval '1 minute',
           timestamptz '2024-03-01' + n * interval '1 minute' + interval '3 hours'
      from generate_series(0, least(requests, donations) - 1) as n;

    insert into public.ratings (id, donor_id, recipient_id, rating, comment, created_at)
    select legacy_id(seed, 'rating', n),
           legacy_id(seed, 'profile', ((6 * n + 4) % donors) * 3),
           legacy_id(seed, 'profile', 3 * (((6 * n + 4) / donors) % donors) + 1),
           1 + n % 5,
           case when n % 3 = 0 then 'Friendly and on time.' end,
           timestamptz '2024-04-01' + n * interval '5 minutes'
      from generate_series(0, least(ratings, (least(requests, donations) - 5) / 6 + 1) - 1) as n;

    insert into public.messages (id, sender_id, receiver_id, donation_id, content, read, created_at)
    select legacy_id(seed, 'message', n),
           legacy_id(seed, 'profile', n % users),
           legacy_id(seed, 'profile', (n + 1 + n % 5) % users),
           case when n % 4 = 0 and donations > 0 then legacy_id(seed, 'donation', n % donations) end,
           (array['Hi, is this still available?', 'Yes, come by after six.', 'Thank you so much!', 'Could you hold it until Friday?'])[1 + n % 4],
           n % 3 <> 0,
           timestamptz '2024-05-01' + n * interval '10 seconds'
      from generate_series(0, messages - 1) as n;

    insert into public.reports (id, reporter_id, reported_user_id, donation_id, campaign_id, reason, description, status, created_at, updated_at)
    select legacy_id(seed, 'report', n),
           legacy_id(seed, 'profile', n % users),
           case when n % 3 = 1 then legacy_id(seed, 'profile', (n + 2) % users) end,
           case when n % 3 = 0 and donations > 0 then legacy_id(seed, 'donation', n % donations) end,
           case when n % 3 = 2 then legacy_id(seed, 'campaign', n) end,
           (array['Spam', 'Inappropriate content', 'Scam', 'Harassment'])[1 + n % 4],
           case when n % 2 = 0 then 'Please have a look.' end,
           (array['pending', 'reviewed', 'resolved', 'dismissed'])[1 + n % 4],
           timestamptz '2024-06-01' + n * interval '1 hour',
           timestamptz '2024-06-01' + n * interval '1 hour' + interval '1 day'
      from generate_series(0, least(reports, users) - 1) as n;
end $$;

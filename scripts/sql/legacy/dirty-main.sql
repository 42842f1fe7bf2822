-- The rows the original's missing constraints let in and the platform refuses or must repair, one of
-- each, with fixed ids (legacy_id(seed, 'dirty', n)) so the tests can find each one in the report.
-- Needs generate-main.sql (legacy_id) and runs after legacy_generate with the same seed.
create or replace function public.legacy_dirty(seed text) returns void
language plpgsql as $$
begin
    insert into public.profiles (id, email, full_name, role, verification_status, is_blocked, created_at, updated_at) values
        (legacy_id(seed, 'dirty', 1), 'odd-role.' || seed || '@example.org', 'Odd Role', 'superuser', 'unrequested', false, now(), now()),
        (legacy_id(seed, 'dirty', 2), 'odd-state.' || seed || '@example.org', 'Odd State', 'recipient', 'maybe', false, now(), now()),
        (legacy_id(seed, 'dirty', 3), 'long-name.' || seed || '@example.org', repeat('Long ', 60), 'donor', 'unrequested', false, now(), now()),
        (legacy_id(seed, 'dirty', 4), repeat('x', 400) || '@example.org', 'Long Email', null, null, false, now(), now()),
        (legacy_id(seed, 'dirty', 5), 'no-created.' || seed || '@example.org', 'No Created', 'donor', 'approved', true, null, null);

    insert into public.donations (id, donor_id, title, category, status, created_at, updated_at) values
        -- a donation whose donor no longer exists (the original deleted the profile, not its items)
        (legacy_id(seed, 'dirty', 11), legacy_id(seed, 'gone', 1), 'Orphan table', 'Furniture', 'approved', now(), now()),
        -- a donation with no donor at all
        (legacy_id(seed, 'dirty', 12), null, 'Nobody''s lamp', 'Electronics', 'approved', now(), now()),
        -- an unknown category, an unknown status, an empty title, an over-long title
        (legacy_id(seed, 'dirty', 13), legacy_id(seed, 'dirty', 3), 'Garden shears', 'Garden Tools', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 14), legacy_id(seed, 'dirty', 3), 'Lost kettle', 'Kitchen', 'lost', now(), now()),
        (legacy_id(seed, 'dirty', 15), legacy_id(seed, 'dirty', 3), '', 'Books', 'approved', now(), now()),
        (legacy_id(seed, 'dirty', 16), legacy_id(seed, 'dirty', 3), repeat('Very long title ', 30), 'Toys', 'approved', now(), now());

    -- Requests (need legacy_generate's donation 0 and profiles 0..2): a donation that no longer exists,
    -- the orphan donation above, a second request of the same recipient for donation 0 (the original had
    -- no unique key), a recipient who does not exist, a donor asking for their own item, and a request
    -- whose donor_id disagrees with its donation and whose status is unknown.
    insert into public.requests (id, donation_id, recipient_id, donor_id, status, created_at, updated_at) values
        (legacy_id(seed, 'dirty', 21), legacy_id(seed, 'gone', 2), legacy_id(seed, 'profile', 1), legacy_id(seed, 'profile', 0), 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 22), legacy_id(seed, 'dirty', 11), legacy_id(seed, 'profile', 1), legacy_id(seed, 'gone', 1), 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 23), legacy_id(seed, 'donation', 0), legacy_id(seed, 'profile', 1), legacy_id(seed, 'profile', 0), 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 24), legacy_id(seed, 'donation', 2), legacy_id(seed, 'gone', 3), legacy_id(seed, 'profile', 6), 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 25), legacy_id(seed, 'donation', 3), legacy_id(seed, 'profile', 9), legacy_id(seed, 'profile', 9), 'pending', now(), now()),
        (legacy_id(seed, 'dirty', 26), legacy_id(seed, 'donation', 5), legacy_id(seed, 'dirty', 2), legacy_id(seed, 'profile', 0), 'on hold', now(), now());

    -- Ratings: out of range both ways, a pair with no completed request (kept as a legacy rating), a
    -- donor who does not exist, and a second rating of the pair of request 4 (one completed request,
    -- which rating 0 also rates: one of the two is linked, the other kept as a legacy rating).
    insert into public.ratings (id, donor_id, recipient_id, rating, comment, created_at) values
        (legacy_id(seed, 'dirty', 31), legacy_id(seed, 'profile', 0), legacy_id(seed, 'profile', 1), 7, null, now()),
        (legacy_id(seed, 'dirty', 32), legacy_id(seed, 'profile', 0), legacy_id(seed, 'profile', 1), 0, null, now()),
        (legacy_id(seed, 'dirty', 33), legacy_id(seed, 'profile', 3), legacy_id(seed, 'dirty', 2), 4, 'Lovely', now()),
        (legacy_id(seed, 'dirty', 34), legacy_id(seed, 'gone', 4), legacy_id(seed, 'profile', 1), 5, null, now()),
        (legacy_id(seed, 'dirty', 35), (select donor_id from public.requests where id = legacy_id(seed, 'request', 4)),
            (select recipient_id from public.requests where id = legacy_id(seed, 'request', 4)), 2, 'Again', now());

    -- Messages: from and to users who do not exist, to oneself, empty, naming both a donation and a
    -- campaign, and too long.
    insert into public.messages (id, sender_id, receiver_id, donation_id, campaign_id, content, read, created_at) values
        (legacy_id(seed, 'dirty', 41), legacy_id(seed, 'gone', 5), legacy_id(seed, 'profile', 1), null, null, 'Hello?', false, now()),
        (legacy_id(seed, 'dirty', 42), legacy_id(seed, 'profile', 1), legacy_id(seed, 'gone', 6), null, null, 'Anyone there?', false, now()),
        (legacy_id(seed, 'dirty', 43), legacy_id(seed, 'profile', 1), legacy_id(seed, 'profile', 1), null, null, 'Note to self', true, now()),
        (legacy_id(seed, 'dirty', 44), legacy_id(seed, 'profile', 1), legacy_id(seed, 'profile', 2), null, null, '   ', false, now()),
        (legacy_id(seed, 'dirty', 45), legacy_id(seed, 'profile', 1), legacy_id(seed, 'profile', 2), legacy_id(seed, 'donation', 0),
            legacy_id(seed, 'campaign', 1), 'About both', true, now()),
        (legacy_id(seed, 'dirty', 46), legacy_id(seed, 'profile', 2), legacy_id(seed, 'profile', 1), null, null, repeat('long ', 1000), false, now());

    -- Reports: a reporter who does not exist, a donation that does not, one naming nothing, the same
    -- open report twice (the original had no unique key), and one with an unknown status, admin notes
    -- and no reason.
    insert into public.reports (id, reporter_id, reported_user_id, donation_id, campaign_id, reason, status, admin_notes, created_at, updated_at) values
        (legacy_id(seed, 'dirty', 51), legacy_id(seed, 'gone', 7), legacy_id(seed, 'profile', 1), null, null, 'Spam', 'pending', null, now(), now()),
        (legacy_id(seed, 'dirty', 52), legacy_id(seed, 'profile', 1), null, legacy_id(seed, 'gone', 8), null, 'Scam', 'pending', null, now(), now()),
        (legacy_id(seed, 'dirty', 53), legacy_id(seed, 'profile', 1), null, null, null, 'Spam', 'pending', null, now(), now()),
        (legacy_id(seed, 'dirty', 54), legacy_id(seed, 'profile', 4), legacy_id(seed, 'profile', 5), null, null, 'Rude', 'pending', null, now(), now()),
        (legacy_id(seed, 'dirty', 55), legacy_id(seed, 'profile', 4), legacy_id(seed, 'profile', 5), null, null, 'Rude again', 'pending', null, now(), now()),
        (legacy_id(seed, 'dirty', 56), legacy_id(seed, 'profile', 5), legacy_id(seed, 'profile', 4), null, null, '', 'escalated', 'called them', now(), now());
end $$;

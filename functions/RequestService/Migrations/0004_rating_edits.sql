-- Issue 17, ratings: a recipient may change their rating and comment within 30 days (a new version,
-- published as rating.changed), and ratings are listed per donation (through their request).
alter table request.ratings
    add column version    bigint      not null default 1,
    add column updated_at timestamptz;

-- Listing by donation joins the request; requests_donation (donation_id, status) finds them.

-- Issue 18 notes that public ratings identify recipients. The HTTP API now shows a rating's
-- recipient_id and request_id only to that recipient, the donor and admins; Supabase's Data API
-- must not show more than the public HTTP view, so anon and authenticated lose those two columns.
revoke select on request.ratings from anon, authenticated;
grant select (id, donor_id, rating, comment, version, created_at, updated_at) on request.ratings to anon, authenticated;

-- Ratings the original app stored without a request (it had no request_id on ratings) and that no
-- completed request of the same donor and recipient could take: kept apart from request.ratings
-- (whose request_id is required and unique), counted in the donor's rating sum like any rating,
-- not listed by GET /api/ratings (which shows each rating with its request). See docs/MOVING-IN.md.
create table request.legacy_ratings (
    id           uuid        primary key,
    donor_id     uuid        not null,
    recipient_id uuid        not null,
    rating       smallint    not null check (rating between 1 and 5),
    comment      text        check (char_length(comment) <= 1000),
    created_at   timestamptz not null
);

create index legacy_ratings_donor on request.legacy_ratings (donor_id);

alter table request.legacy_ratings enable row level security;
revoke all on request.legacy_ratings from anon, authenticated;

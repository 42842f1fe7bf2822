-- Claim saga: which request holds a claimed (or completed) donation.
alter table donation.donations
    add column claimed_request_id uuid,
    add column claimed_by uuid,
    add constraint donations_claim_consistent check ((claimed_request_id is null) = (claimed_by is null));

-- The exact sum of ratings, so the average never drifts with rounding.
alter table donation.profiles
    add column rating_sum bigint not null default 0 check (rating_sum >= 0);

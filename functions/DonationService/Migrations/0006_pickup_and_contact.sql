-- Issue 17, contact after approval: the donor's pickup instructions ("ring at flat 3, after 6 pm").
-- They are private: shown to the donor and admins in donation views, and to the recipient holding
-- the claim through GET /api/donations/{id}/contact. No Data API grant (the column grants of 0004
-- name the public columns), so Supabase's Data API never shows them.
alter table donation.donations
    add column pickup_instructions text check (char_length(pickup_instructions) <= 500);

-- The hand-over contact is looked up by donation id, then decided from claimed_by / donor_id.

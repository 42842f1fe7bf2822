-- Supabase's Data API must not show more of a donation than the HTTP API does: who claimed an item
-- (the recipient), which request holds it and which admin reviewed it stay private. Row policies
-- keep choosing the rows; column grants now choose the fields.
revoke select on donation.donations from anon, authenticated;
grant select (id, donor_id, title, description, category, location, image_url, status, review_reason, version, created_at, updated_at, deleted_at)
    on donation.donations to anon, authenticated;

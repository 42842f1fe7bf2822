-- Issue 18, re-review on edit: a material edit (title, description, category, image URL, a new photo)
-- of an available donation sends it back to review (status pending). resubmitted_at records when an
-- edit last did so; the donor and admins see it in the view. Not granted to the Data API's roles
-- (pending donations are not public anyway).
alter table donation.donations add column resubmitted_at timestamptz;

-- Issue 18, re-review on edit: a material edit (title, description, category, image URL, goal, a new
-- image) of an active or paused campaign sends it back to review (status pending; no contribution is
-- taken until an admin approves it again). resubmitted_at records when an edit last did so. Not
-- granted to the Data API's roles.
alter table campaign.campaigns add column resubmitted_at timestamptz;

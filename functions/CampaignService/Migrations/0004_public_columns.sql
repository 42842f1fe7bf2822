-- Supabase's Data API shows no more of a campaign than the HTTP API: which admin reviewed or
-- deleted it stays private. Row policies keep choosing the rows; column grants choose the fields.
revoke select on campaign.campaigns from anon, authenticated;
grant select (id, recipient_id, title, description, category, location, image_url, goal_amount, collected_amount, contributor_count,
              status, pause_reason, review_reason, completed_at, version, created_at, updated_at, deleted_at)
    on campaign.campaigns to anon, authenticated;

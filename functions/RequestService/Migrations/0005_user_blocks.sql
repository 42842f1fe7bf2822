-- Issue 18, point 4: users block other users in messaging-service (PUT /api/blocks/{user_id}); a
-- blocked user cannot request the blocker's donations. request-service keeps a copy of the blocks
-- from user.blocked / user.unblocked: newest version wins (events may arrive out of order), and an
-- unblock keeps its row (blocked = false) so a late, older block cannot come back.
create table request.user_blocks (
    blocker_id uuid        not null,
    blocked_id uuid        not null,
    blocked    boolean     not null,
    version    bigint      not null,
    updated_at timestamptz not null default now(),
    primary key (blocker_id, blocked_id)
);

alter table request.user_blocks enable row level security;
revoke all on request.user_blocks from anon, authenticated;

-- Issue 17, admin dashboards (GET /api/admin/stats), in this migration too: the ratings' count and
-- average read this index only (requests by status read requests_status_keyset; the daily series a
-- 30-day range of requests_keyset and ratings_keyset).
create index ratings_rating on request.ratings (rating);

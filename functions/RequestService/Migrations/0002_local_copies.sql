-- request-service's copies of what it needs from donation-service, kept from events (newest version
-- wins; events may arrive out of order). They let POST /api/requests skip its two calls to
-- donation-service when the copies already confirm everything; whenever they do not (unknown user
-- or donation, or any refusal), donation-service is still asked. See docs/DESIGN-NOTES.md.

-- Profiles: the role and the blocked flag, from every profile.* event. Replaces blocked_users, which
-- held only the blocked flag (from profile.blocked / profile.unblocked): its rows are carried over
-- with an unknown role, so those users are confirmed by donation-service until their next event.
create table request.profile_copies (
    user_id    uuid        primary key,
    role       text,
    blocked    boolean     not null,
    version    bigint      not null,
    updated_at timestamptz not null default now()
);

insert into request.profile_copies (user_id, role, blocked, version, updated_at)
select user_id, null, blocked, version, updated_at from request.blocked_users;

drop table request.blocked_users;

-- Donations: donor and status, from donation.created / updated / reviewed / claimed / released /
-- completed / deleted (a deleted donation's status here is 'deleted').
create table request.donation_copies (
    donation_id uuid        primary key,
    donor_id    uuid        not null,
    status      text        not null,
    version     bigint      not null,
    updated_at  timestamptz not null default now()
);

alter table request.profile_copies enable row level security;
alter table request.donation_copies enable row level security;
revoke all on request.profile_copies, request.donation_copies from anon, authenticated;

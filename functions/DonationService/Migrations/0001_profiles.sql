-- donation-service owns profiles: who a user is on the platform (role, verification, block, rating).
create table donation.profiles (
    id                     uuid        primary key,
    email                  text        check (char_length(email) <= 320),
    full_name              text        check (char_length(full_name) <= 120),
    phone                  text        check (char_length(phone) <= 32),
    avatar_url             text        check (char_length(avatar_url) <= 2048),
    location               text        check (char_length(location) <= 200),
    role                   text        not null default 'recipient' check (role in ('donor', 'recipient', 'admin')),
    recipient_status       text        not null default 'none' check (recipient_status in ('none', 'requested', 'approved', 'rejected')),
    verification_image_url text        check (char_length(verification_image_url) <= 2048),
    blocked                boolean     not null default false,
    blocked_at             timestamptz,
    rating_avg             numeric(3,2) not null default 0 check (rating_avg between 0 and 5),
    rating_count           int         not null default 0 check (rating_count >= 0),
    version                bigint      not null default 1,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    check (blocked = (blocked_at is not null))
);

-- Admin list filters (recipient_status, blocked, role), newest first with keyset pagination.
create index profiles_recipient_status_keyset on donation.profiles (recipient_status, created_at desc, id desc);
create index profiles_role_keyset on donation.profiles (role, created_at desc, id desc);
create index profiles_blocked_keyset on donation.profiles (blocked, created_at desc, id desc);
create index profiles_keyset on donation.profiles (created_at desc, id desc);

-- Row-level security for clients that talk to Supabase directly: a signed-in user reads only their
-- own row; nobody writes through the Data API (writes go through donation-service, which connects
-- with a privileged role), so role, verification and block status cannot be forged.
alter table donation.profiles enable row level security;
grant usage on schema donation to anon, authenticated;
revoke all on donation.profiles from anon, authenticated;
grant select on donation.profiles to authenticated;
create policy profiles_select_own on donation.profiles
    for select to authenticated
    using (id = auth.uid());

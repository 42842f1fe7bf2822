-- The original app's main database, in its shape: the tables the platform imports, in schema public,
-- with the original's table and column names and values (capitalised categories, 'unrequested' and
-- 'pending' verification states, a 'read' flag, ratings without a request). Like the original it has
-- primary keys but few other constraints: no foreign keys, no checks, no unique (recipient, donation),
-- which is what lets the dirty rows of dirty-main.sql in. Used by the import tests and bench/import.sh
-- to stand for a real deployment; the platform itself never creates these tables.
create table if not exists public.profiles (
    id                     uuid primary key,
    email                  text,
    full_name              text,
    phone                  text,
    avatar_url             text,
    location               text,
    role                   text default 'recipient',
    verification_status    text default 'unrequested',
    verification_image_url text,
    is_blocked             boolean default false,
    created_at             timestamptz default now(),
    updated_at             timestamptz default now()
);

create table if not exists public.donations (
    id          uuid primary key default gen_random_uuid(),
    donor_id    uuid,
    title       text,
    description text,
    category    text,
    location    text,
    image_url   text,
    status      text default 'pending',
    created_at  timestamptz default now(),
    updated_at  timestamptz default now()
);

create table if not exists public.requests (
    id           uuid primary key default gen_random_uuid(),
    donation_id  uuid,
    recipient_id uuid,
    donor_id     uuid,
    message      text,
    status       text default 'pending',
    created_at   timestamptz default now(),
    updated_at   timestamptz default now()
);

create table if not exists public.ratings (
    id           uuid primary key default gen_random_uuid(),
    donor_id     uuid,
    recipient_id uuid,
    rating       int,
    comment      text,
    created_at   timestamptz default now()
);

create table if not exists public.messages (
    id          uuid primary key default gen_random_uuid(),
    sender_id   uuid,
    receiver_id uuid,
    donation_id uuid,
    campaign_id uuid,
    content     text,
    read        boolean default false,
    created_at  timestamptz default now()
);

create table if not exists public.reports (
    id               uuid primary key default gen_random_uuid(),
    reporter_id      uuid,
    reported_user_id uuid,
    donation_id      uuid,
    campaign_id      uuid,
    reason           text,
    description      text,
    status           text default 'pending',
    admin_notes      text,
    created_at       timestamptz default now(),
    updated_at       timestamptz default now()
);

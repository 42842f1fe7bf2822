-- messaging-service owns messages: what two users write to each other, optionally about a donation
-- or a campaign. Nobody messages themselves; a message is about one thing at most.
create table messaging.messages (
    id          uuid        primary key,
    sender_id   uuid        not null,
    receiver_id uuid        not null,
    content     text        not null check (char_length(content) between 1 and 4000),
    donation_id uuid,
    campaign_id uuid,
    read_at     timestamptz,
    created_at  timestamptz not null default now(),
    check (sender_id <> receiver_id),
    check (donation_id is null or campaign_id is null)
);

-- A conversation is the unordered pair of its users: oldest first with keyset pagination over
-- (created_at, id), and its last message by scanning the same index backwards.
create index messages_pair_keyset on messaging.messages
    ((least(sender_id, receiver_id)), (greatest(sender_id, receiver_id)), created_at, id);
-- The partners of a user (index-only scans for the conversation list).
create index messages_sent on messaging.messages (sender_id, receiver_id);
create index messages_received on messaging.messages (receiver_id, sender_id);
-- Unread counts per partner: only unread rows are indexed.
create index messages_unread on messaging.messages (receiver_id, sender_id) where read_at is null;

-- Who is blocked, copied from profile.blocked / profile.unblocked (donation-service owns profiles).
-- A blocked user cannot send messages or file reports.
create table messaging.blocked_users (
    user_id    uuid        primary key,
    blocked    boolean     not null,
    version    bigint      not null,
    updated_at timestamptz not null default now()
);

-- Row-level security: a signed-in user reads the messages they sent or received; nothing is
-- written through the Data API; the blocked copy is internal.
grant usage on schema messaging to anon, authenticated;
alter table messaging.messages enable row level security;
alter table messaging.blocked_users enable row level security;
revoke all on messaging.messages, messaging.blocked_users from anon, authenticated;
grant select on messaging.messages to authenticated;
create policy messages_select_party on messaging.messages
    for select to authenticated
    using (auth.uid() = sender_id or auth.uid() = receiver_id);

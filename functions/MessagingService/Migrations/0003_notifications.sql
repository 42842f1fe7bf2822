-- messaging-service owns notifications: what the platform tells a user, created from the events the
-- catalogue marks "messaging (notify ...)" and from messages sent to them.
create table messaging.notifications (
    id              uuid        primary key,
    user_id         uuid        not null,
    type            text        not null check (char_length(type) between 1 and 100),
    title           text        not null check (char_length(title) between 1 and 200),
    body            text        check (char_length(body) <= 2000),
    data            jsonb       not null default '{}' check (jsonb_typeof(data) = 'object'),
    -- The CloudEvents id of the event it came from (the message id for a message notification).
    source_event_id text        not null check (char_length(source_event_id) between 1 and 200),
    read_at         timestamptz,
    created_at      timestamptz not null default now(),
    -- One notification per event and recipient, even when an event is delivered twice.
    unique (source_event_id, user_id)
);

-- A user's notifications newest first with keyset pagination, and the unread ones alone.
create index notifications_user_keyset on messaging.notifications (user_id, created_at desc, id desc);
create index notifications_unread_keyset on messaging.notifications (user_id, created_at desc, id desc) where read_at is null;

-- Row-level security: a signed-in user reads their own notifications; nothing is written through
-- the Data API.
alter table messaging.notifications enable row level security;
revoke all on messaging.notifications from anon, authenticated;
grant select on messaging.notifications to authenticated;
create policy notifications_select_own on messaging.notifications
    for select to authenticated
    using (auth.uid() = user_id);

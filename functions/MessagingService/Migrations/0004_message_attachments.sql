-- Issue 16: pictures sent with a message, uploaded straight to blob storage (private container
-- message-attachments, blob <sender id>/<blob id>) and attached when the message is sent, at most 3,
-- in order. A blob is attached once, ever (the primary key). No foreign key to the message: a message
-- removed by moderation is deleted at once, and its rows stay until its own message.removed has
-- deleted the blobs (then they go too). Only the HTTP API shows them (read URLs to the two parties),
-- so no Data API grant.
create table messaging.message_attachments (
    blob_id      uuid        primary key,
    message_id   uuid        not null,
    owner_id     uuid        not null,
    position     int         not null check (position between 0 and 2),
    content_type text        not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   bigint      not null check (size_bytes between 1 and 5242880),
    attached_at  timestamptz not null default now(),
    constraint message_attachments_position unique (message_id, position)
);

alter table messaging.message_attachments enable row level security;
revoke all on messaging.message_attachments from anon, authenticated;

-- A report about a message may be resolved by removing the message (and its attachments).
alter table messaging.reports drop constraint reports_action_check;
alter table messaging.reports add constraint reports_action_check
    check (action in ('none', 'block_user', 'remove_donation', 'remove_campaign', 'remove_message'));
alter table messaging.reports add constraint reports_remove_message_target
    check (action is distinct from 'remove_message' or target_type = 'message');

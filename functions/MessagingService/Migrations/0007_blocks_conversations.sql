-- Issue 18, point 4: users block other users, and the conversation list costs the same whatever the
-- number of partners.

-- Who blocked whom. A row stays after an unblock (blocked = false) so that its version keeps growing:
-- user.blocked / user.unblocked carry it and request-service's copy keeps the newest state whatever
-- order they arrive in. blocked_at is when the current block began (the list's order).
create table messaging.user_blocks (
    blocker_id uuid        not null,
    blocked_id uuid        not null,
    blocked    boolean     not null,
    version    bigint      not null,
    blocked_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (blocker_id, blocked_id),
    check (blocker_id <> blocked_id)
);

-- A user's blocks, newest first, keyset over (blocked_at, blocked_id).
create index user_blocks_keyset on messaging.user_blocks (blocker_id, blocked_at desc, blocked_id desc) where blocked;

-- One row per user and conversation partner: the pair's last message and how many of the partner's
-- messages the user has not read. GET /api/conversations reads a range of conversations_user_keyset
-- and joins each row's last message by primary key, so its cost is one page, not one per partner.
-- The rows are kept by the triggers below on every insert, read, change and delete of a message
-- (the API, the legacy import and an admin's remove_message alike).
create table messaging.conversations (
    user_id         uuid        not null,
    partner_id      uuid        not null,
    last_message_id uuid        not null,
    last_at         timestamptz not null,
    unread_count    integer     not null default 0 check (unread_count >= 0),
    primary key (user_id, partner_id)
);

create index conversations_user_keyset on messaging.conversations (user_id, last_at desc, last_message_id desc);

-- Recomputes a pair's two rows from the messages (the pair index backwards for the last message, the
-- partial unread index for each count); used on the rare paths: a deleted or rewritten message.
create function messaging.refresh_conversation(a uuid, b uuid) returns void
language plpgsql as $$
declare
    last_id uuid;
    last_time timestamptz;
begin
    select id, created_at into last_id, last_time
      from messaging.messages
     where least(sender_id, receiver_id) = least(a, b) and greatest(sender_id, receiver_id) = greatest(a, b)
     order by least(sender_id, receiver_id), greatest(sender_id, receiver_id), created_at desc, id desc
     limit 1;
    if last_id is null then
        delete from messaging.conversations where (user_id = a and partner_id = b) or (user_id = b and partner_id = a);
        return;
    end if;
    insert into messaging.conversations as c (user_id, partner_id, last_message_id, last_at, unread_count)
    select v.u, v.p, last_id, last_time,
           (select count(*) from messaging.messages m where m.receiver_id = v.u and m.sender_id = v.p and m.read_at is null)
      from (values (a, b), (b, a)) v(u, p)
     order by v.u
    on conflict (user_id, partner_id) do update
       set last_message_id = excluded.last_message_id, last_at = excluded.last_at, unread_count = excluded.unread_count;
end
$$;

-- A new message: both rows in one statement, in user order (two opposite messages at once cannot
-- deadlock); the newer of the held and the new message is the last one; the receiver's unread count
-- grows by one unless the message arrives read (imported history).
create function messaging.conversations_on_insert() returns trigger
language plpgsql as $$
begin
    insert into messaging.conversations as c (user_id, partner_id, last_message_id, last_at, unread_count)
    select v.u, v.p, new.id, new.created_at, case when v.u = new.receiver_id and new.read_at is null then 1 else 0 end
      from (values (new.sender_id, new.receiver_id), (new.receiver_id, new.sender_id)) v(u, p)
     order by v.u
    on conflict (user_id, partner_id) do update
       set unread_count = c.unread_count + excluded.unread_count,
           last_message_id = case when (excluded.last_at, excluded.last_message_id) > (c.last_at, c.last_message_id)
                                  then excluded.last_message_id else c.last_message_id end,
           last_at = greatest(c.last_at, excluded.last_at);
    return null;
end
$$;

-- A changed message: marking it read is the common case (one row, one less unread); anything else
-- (an import rewriting a row) recomputes the pairs concerned.
create function messaging.conversations_on_update() returns trigger
language plpgsql as $$
begin
    if (old.sender_id, old.receiver_id, old.created_at) = (new.sender_id, new.receiver_id, new.created_at)
       and old.read_at is null and new.read_at is not null then
        update messaging.conversations set unread_count = greatest(unread_count - 1, 0)
         where user_id = new.receiver_id and partner_id = new.sender_id;
    else
        perform messaging.refresh_conversation(old.sender_id, old.receiver_id);
        if least(old.sender_id, old.receiver_id) <> least(new.sender_id, new.receiver_id)
           or greatest(old.sender_id, old.receiver_id) <> greatest(new.sender_id, new.receiver_id) then
            perform messaging.refresh_conversation(new.sender_id, new.receiver_id);
        end if;
    end if;
    return null;
end
$$;

create function messaging.conversations_on_delete() returns trigger
language plpgsql as $$
begin
    perform messaging.refresh_conversation(old.sender_id, old.receiver_id);
    return null;
end
$$;

-- No other statement writes messages while the triggers are created and the rows filled.
lock table messaging.messages in share row exclusive mode;

create trigger messages_conversations_insert after insert on messaging.messages
    for each row execute function messaging.conversations_on_insert();
create trigger messages_conversations_update after update of sender_id, receiver_id, created_at, read_at on messaging.messages
    for each row when ((old.sender_id, old.receiver_id, old.created_at, old.read_at) is distinct from (new.sender_id, new.receiver_id, new.created_at, new.read_at))
    execute function messaging.conversations_on_update();
create trigger messages_conversations_delete after delete on messaging.messages
    for each row execute function messaging.conversations_on_delete();

insert into messaging.conversations (user_id, partner_id, last_message_id, last_at, unread_count)
select x.u, x.p, (array_agg(x.id order by x.created_at desc, x.id desc))[1], max(x.created_at),
       count(*) filter (where x.receiver_id = x.u and x.read_at is null)
  from (select sender_id as u, receiver_id as p, id, created_at, receiver_id, read_at from messaging.messages
        union all
        select receiver_id, sender_id, id, created_at, receiver_id, read_at from messaging.messages) x
 group by x.u, x.p;

-- Internal tables: not readable through the Data API.
alter table messaging.user_blocks enable row level security;
alter table messaging.conversations enable row level security;
revoke all on messaging.user_blocks, messaging.conversations from anon, authenticated;

-- How many pictures a message was sent with (0..3), written with the message. A page of messages
-- without any (nearly all of them) is then answered from the messages row alone, with no second
-- query of message_attachments: that query had cut GET /api/messages to about half its throughput.
-- A removed message's row is deleted, so a count never outlives its pictures; a stale count above 0
-- would only cost that second query, which finds nothing.
alter table messaging.messages
    add column attachment_count smallint not null default 0 check (attachment_count between 0 and 3);

update messaging.messages m
   set attachment_count = a.n
  from (select message_id, count(*)::smallint as n from messaging.message_attachments group by message_id) a
 where a.message_id = m.id;

-- Issue 17, live updates: frontends subscribe with Supabase Realtime (postgres_changes) to their new
-- messages and notifications. Realtime streams the tables of the publication supabase_realtime,
-- which every Supabase project has (scripts/sql/supabase-local.sql makes it locally); a database
-- without it (plain PostgreSQL) is left alone. Who receives a change is decided per subscriber by
-- the table's select policies (messages_select_party, notifications_select_own: only the user's own
-- rows) and column grants, which this schema already has; Realtime also needs the primary key and
-- select on it (both there). See docs/REALTIME.md.
do $$
declare
    t text;
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime' and not puballtables) then
        raise notice 'no supabase_realtime publication (table list): messaging tables not published';
        return;
    end if;
    foreach t in array array['messages', 'notifications'] loop
        if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'messaging' and tablename = t) then
            execute format('alter publication supabase_realtime add table messaging.%I', t);
        end if;
    end loop;
end
$$;

-- Issue 17, admin dashboards (GET /api/admin/stats), in this migration too: messages per day for the
-- last 30 days read a range of this index (reports have reports_keyset and reports_status_keyset).
create index messages_created on messaging.messages (created_at);

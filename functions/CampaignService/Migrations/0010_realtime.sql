-- Issue 17, live updates: the public campaign feed through Supabase Realtime (postgres_changes).
-- Realtime streams the tables of the publication supabase_realtime, which every Supabase project has
-- (scripts/sql/supabase-local.sql makes it locally); a database without it is left alone. Each
-- subscriber receives a change only if the row passes the select policies for its role (anon: listed
-- campaigns; authenticated: listed ones and their own), with the columns it may select.
--
-- The publication carries only the public columns, the ones anon may select (never reviewed_by or
-- deleted_by), so no other reader of the publication's WAL stream (pgoutput) gets them either. The
-- list is read from the grants when this runs; a later migration granting a new public column runs
-- the same block again (the realtime test fails until it does).
-- Generated columns cannot be published (PostgreSQL 15) and are left out.
do $$
declare
    cols text;
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime' and not puballtables) then
        raise notice 'no supabase_realtime publication (table list): campaign.campaigns not published';
        return;
    end if;
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
      from pg_attribute a
     where a.attrelid = 'campaign.campaigns'::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       and has_column_privilege('anon', a.attrelid, a.attnum, 'SELECT');
    if exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'campaign' and tablename = 'campaigns') then
        alter publication supabase_realtime drop table campaign.campaigns;
    end if;
    execute format('alter publication supabase_realtime add table campaign.campaigns (%s)', cols);
end
$$;

-- Issue 17, admin dashboards (GET /api/admin/stats), in this migration too: contributions by status
-- and the money raised per currency (confirmed ones) read one index, and the last 30 days a range of
-- another, without touching the table (index-only scans once vacuumed).
create index contributions_status_currency on campaign.contributions (status, currency) include (amount);
create index contributions_created on campaign.contributions (created_at) include (status);

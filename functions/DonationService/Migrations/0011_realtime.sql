-- Issue 17, live updates: the public donation feed through Supabase Realtime (postgres_changes).
-- Realtime streams the tables of the publication supabase_realtime, which every Supabase project has
-- (scripts/sql/supabase-local.sql makes it locally); a database without it is left alone. Each
-- subscriber receives a change only if the row passes the select policies for its role (anon: listed
-- donations; authenticated: listed ones and their own), with the columns it may select.
--
-- The publication carries only the public columns, the ones anon may select (never claimed_by,
-- reviewed_by or pickup_instructions), so no other reader of the publication's WAL stream (pgoutput)
-- gets them either. The list is read from the grants when this runs; a later migration granting a
-- new public column runs the same block again (the realtime test fails until it does).
-- Generated columns cannot be published (PostgreSQL 15) and are left out.
do $$
declare
    cols text;
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime' and not puballtables) then
        raise notice 'no supabase_realtime publication (table list): donation.donations not published';
        return;
    end if;
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
      from pg_attribute a
     where a.attrelid = 'donation.donations'::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       and has_column_privilege('anon', a.attrelid, a.attnum, 'SELECT');
    if exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'donation' and tablename = 'donations') then
        alter publication supabase_realtime drop table donation.donations;
    end if;
    execute format('alter publication supabase_realtime add table donation.donations (%s)', cols);
end
$$;

-- Issue 18: why a campaign is paused is its owner's and the admins' to see. A public pause_reason of
-- owner_blocked told everyone that the owner had been blocked. The HTTP API shows it to the owner and
-- admins only; the Data API and Realtime (anon's and authenticated's column grants) no longer at all.
revoke select (pause_reason) on campaign.campaigns from anon, authenticated;

-- The publication's column list follows anon's grants (0010_realtime): set again without pause_reason.
do $$
declare
    cols text;
begin
    if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'campaign' and tablename = 'campaigns') then
        return;
    end if;
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
      from pg_attribute a
     where a.attrelid = 'campaign.campaigns'::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       and has_column_privilege('anon', a.attrelid, a.attnum, 'SELECT');
    -- Drop and add (SET TABLE would replace the publication's whole table list, other schemas' tables included).
    alter publication supabase_realtime drop table campaign.campaigns;
    execute format('alter publication supabase_realtime add table campaign.campaigns (%s)', cols);
end
$$;

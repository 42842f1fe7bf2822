-- Issue 17, search: full-text search over title and description, and "near me".
--
-- The text search configuration is kept per row (search_config), and the generated tsvector is
-- computed with it, so changing the setting Search__TextConfiguration needs no new migration: the
-- migrate command's text search step moves search_config (and its default) to the setting, and the
-- generated column and its GIN index follow. 'simple' (the default) neither stems nor drops stop
-- words: words of any language are found as written. Titles weigh more than descriptions (A, B).
alter table donation.donations
    add column search_config regconfig not null default 'simple',
    add column search tsvector generated always as (
        setweight(to_tsvector(search_config, title), 'A')
        || setweight(to_tsvector(search_config, coalesce(description, '')), 'B')) stored;

create index donations_search on donation.donations using gin (search) where deleted_at is null;

-- The trigram index served the old "title contains" search, which full-text search replaces.
drop index if exists donation.donations_title_trgm;

-- Near me: optional coordinates (WGS 84 degrees) on donations and a profile's default location. The
-- point on the earth's surface is a 3-D cube point (the model of the earthdistance extension: a sphere
-- of radius 6,378,168 m), generated from the coordinates with the cube extension's C function only, so
-- that no SQL function resolving names through search_path is evaluated when the index is maintained
-- (earthdistance's ll_to_earth is one: an expression index on it fails to build or to analyze under a
-- restricted search_path, as restores and PostgreSQL 17's maintenance commands use). Both extensions
-- are on Supabase's list; earthdistance is created for ad-hoc queries (earth_distance, earth_box).
create extension if not exists cube with schema extensions;
create extension if not exists earthdistance with schema extensions;

alter table donation.donations
    add column latitude  double precision check (latitude between -90 and 90),
    add column longitude double precision check (longitude between -180 and 180),
    add constraint donations_coordinates_together check ((latitude is null) = (longitude is null)),
    add column earth_point extensions.cube generated always as (
        case when latitude is null or longitude is null then null
        else extensions.cube(array[
            6378168 * cos(radians(latitude)) * cos(radians(longitude)),
            6378168 * cos(radians(latitude)) * sin(radians(longitude)),
            6378168 * sin(radians(latitude))]) end) stored;

create index donations_near on donation.donations using gist (earth_point) where deleted_at is null and earth_point is not null;

alter table donation.profiles
    add column latitude  double precision check (latitude between -90 and 90),
    add column longitude double precision check (longitude between -180 and 180),
    add constraint profiles_coordinates_together check ((latitude is null) = (longitude is null));

-- The coordinates are public like location; the search columns are readable too (no secret in them).
grant select (latitude, longitude) on donation.donations to anon, authenticated;

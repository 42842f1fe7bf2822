#!/bin/sh
# First start of the compose PostgreSQL (docker-entrypoint-initdb.d): the two databases of the
# platform, each made to look like a Supabase project (roles anon/authenticated/service_role and
# auth.uid()), exactly as scripts/stack.sh does for the script-based stack.
set -eu
for db in main campaign; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE \"$db\""
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" -q -f /platform-sql/supabase-local.sql
done

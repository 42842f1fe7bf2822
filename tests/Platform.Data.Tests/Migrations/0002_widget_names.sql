-- Test migration: depends on 0001, so applying it out of order fails.
alter table {schema}.widgets add column name text;

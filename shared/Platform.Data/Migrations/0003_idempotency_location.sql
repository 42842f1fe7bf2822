-- A replayed response carries the first response's Location header too.
alter table {schema}.idempotency_keys add column if not exists response_location text;

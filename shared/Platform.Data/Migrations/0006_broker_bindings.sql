-- Every binding of the platform's events exchange that this service's `migrate` has made: RabbitMQ's
-- AMQP protocol cannot list bindings, so without a record a routing key the service stopped handling
-- (a removed handler) or a queue it stopped using (a renamed Eventing__Queue) stayed bound for ever.
-- `migrate` unbinds what it no longer wants (docs/DESIGN-NOTES.md, Events); unbound_at says since when.
-- Keyed by the broker's virtual host: bindings belong to a vhost, and one database may serve several.
create table if not exists {schema}.broker_bindings (
    vhost text not null,
    queue text not null,
    routing_key text not null,
    bound_at timestamptz not null default now(),
    unbound_at timestamptz,
    primary key (vhost, queue, routing_key));
alter table {schema}.broker_bindings enable row level security;

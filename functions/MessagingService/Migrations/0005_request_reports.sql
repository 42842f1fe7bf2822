-- Reports on requests too (issue 17): a party of a request reports the other side's conduct over it
-- (an abusive request, a donor who asks for money at pickup). The report is about the other party.
alter table messaging.reports drop constraint reports_target_type_check;
alter table messaging.reports add constraint reports_target_type_check
    check (target_type in ('user', 'donation', 'campaign', 'message', 'request'));

-- Who a request is between, learned from the request.* events messaging consumes, so a report about a
-- request can name the other party (and refuse someone who is not a party: the request does not exist
-- for them). A request messaging has not heard of yet is reported with no subject; resolving it looks again.
create table messaging.request_parties (
    request_id   uuid        primary key,
    donation_id  uuid        not null,
    donor_id     uuid        not null,
    recipient_id uuid        not null,
    created_at   timestamptz not null default now()
);

-- Only the service reads it (no policy: Supabase's Data API roles see no row).
alter table messaging.request_parties enable row level security;

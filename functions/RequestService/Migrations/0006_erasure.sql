-- Issue 18, account erasure: the accounts erased (profile.erasure_requested); their tokens are refused here.
create table request.erased_accounts (
    user_id   uuid        primary key,
    seq       bigint      generated always as identity unique,
    erased_at timestamptz not null default now()
);

alter table request.erased_accounts enable row level security;
revoke all on request.erased_accounts from anon, authenticated;

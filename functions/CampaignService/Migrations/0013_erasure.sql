-- Issue 18, account erasure: the accounts erased (profile.erasure_requested); their tokens are refused here.
create table campaign.erased_accounts (
    user_id   uuid        primary key,
    seq       bigint      generated always as identity unique,
    erased_at timestamptz not null default now()
);

alter table campaign.erased_accounts enable row level security;
revoke all on campaign.erased_accounts from anon, authenticated;

-- Real money (issue 19): a contribution is a payment through a provider. It is created pending with
-- a checkout session and counts in the campaign's collected amount only once the provider confirms
-- it (webhook, or the development provider at once). States, in docs/DESIGN-NOTES.md:
--   pending → confirmed | cancelled;  confirmed → refund_pending → refunded.
-- Each campaign keeps the currency it was created in; amounts go to and come from the provider in
-- minor units (amount_minor), and the numeric amount is exactly amount_minor / 100.
alter table campaign.campaigns
    add column currency text not null default 'usd' check (currency ~ '^[a-z]{3}$');

alter table campaign.contributions
    add column status              text        not null default 'confirmed'
        check (status in ('pending', 'confirmed', 'cancelled', 'refund_pending', 'refunded')),
    add column currency            text        not null default 'usd' check (currency ~ '^[a-z]{3}$'),
    add column amount_minor        bigint,
    add column provider            text        not null default 'none' check (char_length(provider) <= 32),
    add column idempotency_key     text        check (char_length(idempotency_key) <= 200),
    add column checkout_session_id text        check (char_length(checkout_session_id) <= 255),
    add column checkout_url        text        check (char_length(checkout_url) <= 2048),
    add column payment_reference   text        check (char_length(payment_reference) <= 255),
    add column refund_reference    text        check (char_length(refund_reference) <= 255),
    add column status_reason       text        check (char_length(status_reason) <= 200),
    add column refund_attempts     int         not null default 0,
    add column next_attempt_at     timestamptz,
    add column confirmed_at        timestamptz,
    add column updated_at          timestamptz not null default now();

-- Contributions made before payments were real were counted at once: they stay confirmed.
update campaign.contributions set amount_minor = (amount * 100)::bigint, confirmed_at = created_at;
alter table campaign.contributions
    alter column amount_minor set not null,
    alter column status set default 'pending',
    alter column provider drop default,
    add constraint contributions_amount_minor check (amount * 100 = amount_minor),
    add constraint contributions_confirmed_at check ((status in ('pending', 'cancelled')) = (confirmed_at is null));

-- One contribution per contributor and Idempotency-Key: a retried POST finds its contribution (and
-- its checkout session) instead of starting a second payment.
create unique index contributions_idempotency on campaign.contributions (contributor_id, idempotency_key) where idempotency_key is not null;
create unique index contributions_checkout_session on campaign.contributions (provider, checkout_session_id) where checkout_session_id is not null;
-- A contributor's own contributions (receipts), newest first.
create index contributions_own_keyset on campaign.contributions (contributor_id, created_at desc, id desc);
-- The refund saga's queue.
create index contributions_refund_queue on campaign.contributions (next_attempt_at) where status = 'refund_pending';

-- The Data API shows contributors and owners the payment state, not the provider's internals.
revoke select on campaign.contributions from authenticated;
grant select (id, campaign_id, contributor_id, amount, currency, amount_minor, status, created_at, confirmed_at)
    on campaign.contributions to authenticated;
grant select (currency) on campaign.campaigns to anon, authenticated;

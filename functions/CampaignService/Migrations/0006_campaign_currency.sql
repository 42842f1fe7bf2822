-- Currency per campaign (issue 19): the owner picks the campaign's currency (functions/CampaignService/
-- Payments/Currencies.cs holds the supported ones). A currency without a minor unit (jpy) counts
-- whole units, so a contribution's amount_minor is amount × 10^minor_unit_digits, not always × 100.
alter table campaign.contributions
    add column minor_unit_digits smallint not null default 2 check (minor_unit_digits in (0, 2));

alter table campaign.contributions
    drop constraint contributions_amount_minor,
    add constraint contributions_amount_minor check (amount * power(10::numeric, minor_unit_digits) = amount_minor);

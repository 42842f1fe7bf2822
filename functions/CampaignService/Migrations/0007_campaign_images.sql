-- Issue 16: images of a campaign, uploaded straight to blob storage (container campaign-images,
-- blob <owner id>/<blob id>) and attached here, at most 5, in order. A blob is attached once, ever
-- (the primary key). The rows of a deleted campaign stay (its blobs are deleted through
-- campaign.deleted); only the HTTP API shows them, so no Data API grant.
create table campaign.campaign_images (
    blob_id      uuid        primary key,
    campaign_id  uuid        not null references campaign.campaigns (id),
    owner_id     uuid        not null,
    position     int         not null check (position between 0 and 4),
    content_type text        not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   bigint      not null check (size_bytes between 1 and 5242880),
    attached_at  timestamptz not null default now(),
    constraint campaign_images_position unique (campaign_id, position) deferrable initially deferred
);

alter table campaign.campaign_images enable row level security;
revoke all on campaign.campaign_images from anon, authenticated;

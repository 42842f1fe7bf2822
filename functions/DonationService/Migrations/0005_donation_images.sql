-- Issue 16: photos of a donation, uploaded straight to blob storage (container donation-images,
-- blob <donor id>/<blob id>) and attached here, at most 5, in order. A blob is attached once, ever
-- (the primary key). The rows of a deleted donation stay (its blobs are deleted through
-- donation.deleted); only the HTTP API shows them, so no Data API grant.
create table donation.donation_images (
    blob_id      uuid        primary key,
    donation_id  uuid        not null references donation.donations (id),
    owner_id     uuid        not null,
    position     int         not null check (position between 0 and 4),
    content_type text        not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    size_bytes   bigint      not null check (size_bytes between 1 and 5242880),
    attached_at  timestamptz not null default now(),
    constraint donation_images_position unique (donation_id, position) deferrable initially deferred
);

alter table donation.donation_images enable row level security;
revoke all on donation.donation_images from anon, authenticated;

-- Issue 16: a recipient's verification documents, uploaded straight to blob storage (private
-- container verification-documents, blob <user id>/<blob id>) and attached by the verification
-- request, one or two, in order. A new request replaces them (the old blobs are deleted after the
-- commit). verification_image_url stays for values written before (read only). Only the HTTP API
-- shows them (to the user and admins), so no Data API grant.
create table donation.verification_documents (
    blob_id      uuid        primary key,
    profile_id   uuid        not null references donation.profiles (id),
    position     int         not null check (position between 0 and 1),
    content_type text        not null check (content_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size_bytes   bigint      not null check (size_bytes between 1 and 5242880),
    attached_at  timestamptz not null default now(),
    constraint verification_documents_position unique (profile_id, position)
);

alter table donation.verification_documents enable row level security;
revoke all on donation.verification_documents from anon, authenticated;

using DonationService.Contacts;
using DonationService.Donations;
using DonationService.Erasure;
using DonationService.Files;
using DonationService.Profiles;
using DonationService.Stats;
using Platform.Blobs;
using Platform.Hosting.OpenApi;

namespace DonationService.OpenApi;

/// <summary>What donation-service's OpenAPI document says about each function (the rules of its bodies, queries and views are on their records).</summary>
public static class DonationApi
{
    public static readonly ApiDescription Description = new ApiDescription(
            DonationServiceSetup.Name,
            "Profiles (roles, recipient verification, blocking) and donated items with their review by admins.")
        .Tag("profiles", "Profiles: one's own, public views, and the request to be verified as a recipient.")
        .Tag("donations", "Donated items: listing, reading, editing and deleting them.")
        .Tag("files", "Files uploaded straight to blob storage (upload slots), then attached: photos to a donation, documents to a verification request.")
        .Operation("GetMyProfile", op => op.Tag("profiles").User()
            .Summary("Own profile")
            .Describe("Created on the first call from the token's sub and email (role from user_metadata.role, else recipient).")
            .Returns<ProfileView>())
        .Operation("UpdateMyProfile", op => op.Tag("profiles").User()
            .Summary("Replace own profile fields")
            .Describe("full_name, phone, avatar_url and location are replaced (absent or null clears them).")
            .Body<UpdateProfileBody>()
            .Returns<ProfileView>()
            .Error(403, "The account is blocked."))
        .Operation("RequestVerification", op => op.Tag("profiles").User()
            .Summary("Ask to be verified as a recipient, with one or two uploaded documents")
            .Describe("recipient_status becomes requested; an admin decides. document_ids are blob_ids of verification_document uploads (POST /api/uploads); "
                + "each must have been uploaded by the caller, be at most 5 MiB and start like a JPEG, PNG, WebP or PDF file. They replace the documents of an "
                + "earlier request (whose files are deleted). Migration: verification_image_url (a free-form URL) is no longer accepted and answers 400 "
                + "with errors.verification_image_url saying to upload. The documents are shown, as read URLs valid a few minutes, only to the user and admins.")
            .Body<VerificationRequestBody>()
            .Returns<ProfileView>()
            .Error(403, "Not a recipient, or blocked.")
            .Error(409, "Verification is already approved.")
            .Error(503, "The database, the broker or file storage is unavailable; retry after Retry-After seconds."))
        .Operation("GetProfile", op => op.Tag("profiles").OptionalUser()
            .Summary("A profile's public view")
            .Describe("Email, phone and verification details only for the user themself and admins (the full ProfileView); `view` says which of the two a response is (`public` or `full`).")
            .Returns<PublicProfileView>().OrReturns<ProfileView>(discriminator: "view"))
        .Operation("ListProfiles", op => op.Tag("admin").Admin()
            .Summary("List profiles")
            .Query<ProfileFilter>()
            .Paged().Returns<ProfileView>())
        .Operation("DecideVerification", op => op.Tag("admin").Admin()
            .Summary("Approve or reject a requested verification")
            .Body<VerificationDecisionBody>()
            .Returns<ProfileView>()
            .Error(409, "The verification is not requested; detail has recipient_status."))
        .Operation("BlockProfile", op => op.Tag("admin").Admin()
            .Summary("Block a user")
            .Describe("A blocked user can read but not write; other services learn it from profile.blocked.")
            .Returns<ProfileView>()
            .Error(403, "Admins cannot be blocked (or the caller is not an admin).")
            .Error(409, "The user is already blocked."))
        .Operation("UnblockProfile", op => op.Tag("admin").Admin()
            .Summary("Unblock a user")
            .Returns<ProfileView>()
            .Error(409, "The user is not blocked."))
        .Operation("EraseMyAccount", op => op.Tag("profiles").User().EvenWhenErased()
            .Summary("Erase own account (the right to be forgotten)")
            .Describe("Starts the erasure of the caller's account and answers 202 with where it stands (Location: /api/profiles/me/erasure, to poll). "
                + "From this call on the account's tokens are refused (401) by every service, except here and on GET /api/profiles/me/erasure. "
                + "Every service then erases or anonymises its part: the profile's personal fields, the user's donations (deleted) and requests "
                + "(open ones cancelled), ratings' comments, messages' content, campaigns (deleted, contributions refunded), every uploaded file; "
                + "contributions stay as anonymous amounts. Asked again, it answers the same erasure as it stands (202), completed or not. "
                + "The Supabase Auth user itself is deleted by the operator (DESIGN-NOTES.md, \"Account erasure\").")
            .Returns<ErasureView>(202, "The erasure, started now or before; follow it at the Location.", location: true)
            .Error(403, "An admin's account cannot be erased (remove the admin role first)."))
        .Operation("GetMyErasure", op => op.Tag("profiles").User().EvenWhenErased()
            .Summary("Where the erasure of one's own account stands")
            .Describe("status is in_progress until every service has erased its part, then completed; services lists when each finished.")
            .Returns<ErasureView>()
            .Error(404, "The account is not being erased."))
        .Operation("EraseUser", op => op.Tag("admin").Admin()
            .Summary("Erase a user's account")
            .Describe("As DELETE /api/profiles/me, for any user who has a profile (Location: /api/admin/users/{id}/erasure). Asked again, answers the erasure as it stands.")
            .Returns<ErasureView>(202, "The erasure, started now or before; follow it at the Location.", location: true)
            .Error(403, "Admins cannot be erased (or the caller is not an admin).")
            .Error(404, "No such user."))
        .Operation("GetUserErasure", op => op.Tag("admin").Admin()
            .Summary("Where the erasure of a user's account stands")
            .Returns<ErasureView>()
            .Error(404, "The user's account is not being erased."))
        .Operation("ListDonations", op => op.Tag("donations").OptionalUser()
            .Summary("List donations, newest first")
            .Describe("Anonymous callers see available, claimed and completed items; owners also their own in any state; admins everything.")
            .Query<DonationFilter>()
            .Paged().Returns<DonationView>())
        .Operation("GetDonation", op => op.Tag("donations").OptionalUser()
            .Summary("A donation")
            .Describe("Same visibility as the list: a donation the caller may not see is 404.")
            .Returns<DonationView>())
        .Operation("CreateDonation", op => op.Tag("donations").User()
            .Summary("List an item (status pending until an admin reviews it)")
            .Body<DonationBody>().Idempotent()
            .Returns<DonationView>(201, location: true)
            .Error(403, "Only donors (and admins) list items; blocked users cannot."))
        .Operation("UpdateDonation", op => op.Tag("donations").User()
            .Summary("Edit own donation")
            .Body<DonationBody>()
            .Returns<DonationView>()
            .Error(403, "Not the donor, or blocked.")
            .Error(409, "Only pending or available donations can be edited; detail has the status."))
        .Operation("DeleteDonation", op => op.Tag("donations").User()
            .Summary("Delete a donation (soft delete; publishes donation.deleted)")
            .ReturnsNothing()
            .Error(403, "Not the donor or an admin, or blocked."))
        .Operation("GetHandOverContact", op => op.Tag("donations").User()
            .Summary("Contact after approval: both sides of the hand-over and where to meet")
            .Describe("For the donor and the recipient of the request that holds the donation, while that request is approved or completed, and for admins: "
                + "name, email and phone of both, the pickup location and the donor's private pickup instructions. "
                + "Everyone else, and everyone before approval or after a cancellation or rejection, gets 404.")
            .Returns<HandOverContactView>()
            .Error(404, "No such donation, no approved or completed request for it, or the caller is not one of its two sides."))
        .Operation("CreateUpload", op => op.Tag("files").User()
            .Summary("An upload slot: a short-lived URL to PUT one file straight to storage")
            .Describe("The slot's upload_url is a create-only SAS URL for one new blob, valid for 10 minutes; PUT the file's bytes to it with the headers listed, "
                + "then attach it by blob_id. The services never carry the bytes. Kinds here: donation_image (donors and admins; JPEG, PNG or WebP, at most 5 MiB) "
                + "and verification_document (recipients who may ask to be verified; JPEG, PNG, WebP or PDF, at most 5 MiB, private). "
                + "Other kinds are issued by the service that owns them (campaign-service, messaging-service). "
                + "Uploads never attached are deleted after 24 hours.")
            .Body<UploadBody>()
            .Returns<UploadSlotView>(201)
            .Error(403, "Not allowed to upload this kind (e.g. not a donor), or blocked.")
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("AttachDonationImage", op => op.Tag("files").User()
            .Summary("Attach an uploaded photo to own donation (appended last; at most 5)")
            .Describe("The blob must have been uploaded by the caller with a donation_image slot, be at most 5 MiB, and start like a JPEG, PNG or WebP file "
                + "(its name and declared type do not count). A file that fails the size or type check is deleted. While pending or available, like editing.")
            .Body<AttachImageBody>()
            .Returns<DonationView>()
            .Error(403, "Not the donor, or blocked.")
            .Error(409, "The donation already has 5 images, the file is already attached, or the donation cannot be edited in its status.")
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("ArrangeDonationImages", op => op.Tag("files").User()
            .Summary("Reorder or detach own donation's photos")
            .Describe("image_ids lists the attached images to keep, in the order to show them; those left out are detached and deleted.")
            .Body<ArrangeImagesBody>()
            .Returns<DonationView>()
            .Error(403, "Not the donor, or blocked.")
            .Error(409, "The donation cannot be edited in its status."))
        .Operation("GetDonationStats", op => op.Tag("admin").Admin()
            .Summary("Admin dashboard: pending reviews and verifications, donations by status, users, the last 30 days")
            .Describe("Counts over the whole table, read from indexes: cheap enough to call every few seconds. Days are UTC calendar days, the last 30 "
                + "(today included, so today's count grows), oldest first; a day without rows counts 0. The other services have their own "
                + "GET /api/admin/stats (requests, campaigns and money raised, reports and messages).")
            .Returns<DonationStatsView>())
        .Operation("ReviewDonation", op => op.Tag("admin").Admin()
            .Summary("Approve (available) or reject a pending donation")
            .Body<ReviewBody>()
            .Returns<DonationView>()
            .Error(409, "The donation is not pending; detail has the status."));
}

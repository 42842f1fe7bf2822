using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.Files;
using CampaignService.Payments;
using CampaignService.Stats;
using Platform.Blobs;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;

namespace CampaignService.OpenApi;

/// <summary>What campaign-service's OpenAPI document says about each function (API.md, DESIGN-NOTES.md); the rules of its bodies, queries and views are on their records.</summary>
public static class CampaignApi
{
    private const string OwnerOnly = "Not the campaign's owner, or blocked.";

    public static readonly ApiDescription Description = new ApiDescription(
            CampaignServiceSetup.Name,
            "Money campaigns of verified recipients, their review by admins, and contributions until the goal is reached.")
        .Tag("campaigns", "Money campaigns of verified recipients: listing, reading, starting, editing, pausing, resuming and deleting them.")
        .Tag("contributions", "Contributions to active campaigns, paid through the payment provider, until the goal is reached; receipts.")
        .Tag("payments", "The payment provider's webhooks.")
        .Tag("files", "Campaign images uploaded straight to blob storage (upload slots), then attached to a campaign.")
        .Operation("ListCampaigns", op => op.Tag("campaigns").OptionalUser()
            .Summary("List campaigns, newest first")
            .Describe("Anonymous callers see active, paused and completed campaigns; owners also their own; admins everything.")
            .Query<CampaignFilter>()
            .Paged().Returns<CampaignView>())
        .Operation("GetCampaign", op => op.Tag("campaigns").OptionalUser()
            .Summary("A campaign, with goal_amount, collected_amount and contributor_count")
            .Returns<CampaignView>())
        .Operation("PostCampaignUpdate", op => op.Tag("campaigns").User()
            .Summary("Post a progress update to own campaign; every contributor is notified once")
            .Describe("Plain text (1 to 2,000 characters, line breaks allowed). Allowed while the campaign is active, paused, completed or ended; "
                + "at most 5 per campaign in 24 hours. Publishes campaign.update_posted, from which messaging-service notifies each contributor "
                + "(confirmed contributions) once.")
            .Body<Updates.CampaignUpdateBody>().Idempotent()
            .Returns<Updates.CampaignUpdateView>(201, location: true)
            .Error(403, "Not the campaign's owner, or blocked.")
            .Error(404, "No such campaign (or one the caller may not see).")
            .Error(409, "The campaign is pending or rejected, or 5 updates were posted in the last 24 hours."))
        .Operation("ListCampaignUpdates", op => op.Tag("campaigns").OptionalUser()
            .Summary("A campaign's progress updates, newest first")
            .Describe("For whoever can see the campaign (anyone for a public one; the owner and admins for a pending or rejected one); others get 404.")
            .Paged().Returns<Updates.CampaignUpdateView>())
        .Operation("CreateCampaign", op => op.Tag("campaigns").User()
            .Summary("Start a campaign (status pending until an admin reviews it)")
            .Body<CampaignBody>().Idempotent()
            .Returns<CampaignView>(201, location: true)
            .Error(403, "Only verified recipients who are not blocked run campaigns."))
        .Operation("UpdateCampaign", op => op.Tag("campaigns").User()
            .Summary("Edit own campaign while pending, active or paused")
            .Body<CampaignBody>()
            .Returns<CampaignView>()
            .Error(403, OwnerOnly)
            .Error(409, "The status does not allow edits, goal_amount would fall below collected_amount, or the currency would change after review."))
        .Operation("PauseCampaign", op => op.Tag("campaigns").User()
            .Summary("Pause an active campaign")
            .Returns<CampaignView>()
            .Error(403, OwnerOnly)
            .Error(409, "The campaign is not active; detail has the status."))
        .Operation("ResumeCampaign", op => op.Tag("campaigns").User()
            .Summary("Resume a paused campaign")
            .Returns<CampaignView>()
            .Error(403, OwnerOnly)
            .Error(409, "The campaign is not paused; detail has the status."))
        .Operation("DeleteCampaign", op => op.Tag("campaigns").User()
            .Summary("Delete a campaign (the owner while it has no contributions; admins always)")
            .ReturnsNothing()
            .Error(403, OwnerOnly)
            .Error(409, "The campaign has contributions: only an admin can delete it."))
        .Operation("ReviewCampaign", op => op.Tag("admin").Admin()
            .Summary("Approve (active) or reject a pending campaign")
            .Body<ReviewBody>()
            .Returns<CampaignView>()
            .Error(409, "The campaign is not pending; detail has the status."))
        .Operation("Contribute", op => op.Tag("contributions").User()
            .Summary("Contribute to an active campaign: a pending contribution and the provider's checkout")
            .Describe("Creates a pending contribution and a checkout session at the payment provider, and answers its checkout_url. "
                + "The contribution counts in collected_amount only once the provider confirms the payment (its webhook); the confirmation "
                + "that reaches the goal completes the campaign. Idempotency-Key also keys the provider's session: a retry answers the same "
                + "contribution and checkout. With the development provider (local runs) the contribution is confirmed at once. "
                + "The amount is in the campaign's currency, within its bounds (400 on amount otherwise): " + Currencies.Describe() + ".")
            .Body<ContributionBody>().Idempotent()
            .Returns<ContributionReceipt>(201, location: true)
            .Error(403, "The account is blocked, or the campaign is the caller's own.")
            .Error(409, "The campaign is not active; detail has the status.")
            .Error(503, "The payment provider, the database or the broker is unavailable, or too many contributions to this campaign at once; "
                + "nothing was recorded. Retry after Retry-After seconds."))
        .Operation("ListContributions", op => op.Tag("contributions").User()
            .Summary("List a campaign's contributions, newest first, with their payment status")
            .Describe("The owner and admins see all of them; anyone else only their own.")
            .Paged().Returns<ContributionView>())
        .Operation("ListOwnContributions", op => op.Tag("contributions").User()
            .Summary("The caller's own contributions, newest first, with status and provider reference")
            .Query<OwnContributionFilter>()
            .Paged().Returns<ContributionView>())
        .Operation("GetContribution", op => op.Tag("contributions").User()
            .Summary("A contribution's receipt: amount, currency, status, provider reference")
            .Describe("Its contributor, the campaign's owner and admins read it; for anyone else it does not exist.")
            .Returns<ContributionView>())
        .Operation("StripeWebhook", op => op.Tag("payments").Anonymous().RateLimit(RateClass.Unlimited)
            .Summary("Stripe's webhook: checkout sessions completed, expired or failed")
            .Describe("Called by Stripe, not by frontends. The Stripe-Signature header is verified by Stripe.net (HMAC-SHA256 with the endpoint's "
                + "secret, at most 300 s old); the amount and currency are Stripe's and must equal the pending contribution's. "
                + "checkout.session.completed (paid) and async_payment_succeeded confirm it; expired and async_payment_failed cancel it; "
                + "other events are acknowledged and change nothing.")
            .Body<StripeWebhookBody>()
            .Returns<WebhookReceipt>()
            .Error(400, "Unsigned, wrongly signed or replayed (timestamp older than the tolerance), or not a Stripe event.")
            .Error(404, "The event names no contribution made through Stripe.")
            .Error(409, "The contribution is already final (a duplicate delivery, or a late one): nothing changed; detail has the status.")
            .Error(422, "The amount, currency or session differs from the pending contribution's: nothing changed."))
        .Operation("GetCampaignStats", op => op.Tag("admin").Admin()
            .Summary("Admin dashboard: pending reviews, campaigns and contributions by status, money raised per currency, the last 30 days")
            .Describe("Counts and sums over the whole tables, read from indexes: cheap enough to call every few seconds. Money is never added across "
                + "currencies. Days are UTC calendar days, the last 30 (today included, so today's counts grow), oldest first; a day without rows counts 0.")
            .Returns<CampaignStatsView>())
        .Operation("CreateUpload", op => op.Tag("files").User()
            .Summary("An upload slot: a short-lived URL to PUT one campaign image straight to storage")
            .Describe("The slot's upload_url is a create-only SAS URL for one new blob, valid for 10 minutes; PUT the file's bytes to it with the headers listed, "
                + "then attach it by blob_id. The services never carry the bytes. Kind here: campaign_image (verified recipients who are not blocked; "
                + "JPEG, PNG or WebP, at most 5 MiB, public). Other kinds are issued by the service that owns them (donation-service, messaging-service). "
                + "Uploads never attached are deleted after 24 hours.")
            .Body<UploadBody>()
            .Returns<UploadSlotView>(201)
            .Error(403, "Not a verified recipient, or blocked.")
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("AttachCampaignImage", op => op.Tag("files").User()
            .Summary("Attach an uploaded image to own campaign (appended last; at most 5)")
            .Describe("The blob must have been uploaded by the caller with a campaign_image slot, be at most 5 MiB, and start like a JPEG, PNG or WebP file "
                + "(its name and declared type do not count). A file that fails the size or type check is deleted. While pending, active or paused.")
            .Body<AttachImageBody>()
            .Returns<CampaignView>()
            .Error(403, OwnerOnly)
            .Error(409, "The campaign already has 5 images, the file is already attached, or the campaign's status does not allow edits.")
            .Error(503, "File storage is unavailable; retry after Retry-After."))
        .Operation("ArrangeCampaignImages", op => op.Tag("files").User()
            .Summary("Reorder or detach own campaign's images")
            .Describe("image_ids lists the attached images to keep, in the order to show them; those left out are detached and deleted.")
            .Body<ArrangeImagesBody>()
            .Returns<CampaignView>()
            .Error(403, OwnerOnly)
            .Error(409, "The campaign's status does not allow edits."));
}

using CampaignService.Campaigns;
using CampaignService.Contributions;
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
        .Tag("contributions", "Contributions to active campaigns, until the goal is reached.")
        .Operation("ListCampaigns", op => op.Tag("campaigns").OptionalUser()
            .Summary("List campaigns, newest first")
            .Describe("Anonymous callers see active, paused and completed campaigns; owners also their own; admins everything.")
            .Query<CampaignFilter>()
            .Paged().Returns<CampaignView>())
        .Operation("GetCampaign", op => op.Tag("campaigns").OptionalUser()
            .Summary("A campaign, with goal_amount, collected_amount and contributor_count")
            .Returns<CampaignView>())
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
            .Error(409, "The status does not allow edits, or goal_amount would fall below collected_amount."))
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
            .Summary("Contribute to an active campaign")
            .Describe("The contribution that reaches the goal completes the campaign. Answers the new totals.")
            .Body<ContributionBody>().Idempotent()
            .Returns<ContributionReceipt>(201, location: true)
            .Error(403, "The account is blocked.")
            .Error(409, "The campaign is not active; detail has the status.")
            .Error(503, "Too many contributions to this campaign at once, or the database or broker is unavailable; nothing was recorded. Retry after Retry-After seconds."))
        .Operation("ListContributions", op => op.Tag("contributions").User()
            .Summary("List a campaign's contributions, newest first")
            .Describe("The owner and admins see all of them; anyone else only their own.")
            .Paged().Returns<ContributionView>());
}

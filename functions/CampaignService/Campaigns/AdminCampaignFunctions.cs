using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>Admins review pending campaigns before anyone else sees them.</summary>
public sealed class AdminCampaignFunctions(IAuthenticator auth, ServiceDatabase database, ICampaignStore campaigns, CampaignWorkflow workflow)
{
    [Function(nameof(ReviewCampaign))]
    public async Task<IActionResult> ReviewCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/campaigns/{id}/review")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireAdminAsync(req, ct);
        if (authResult.Caller is not { } admin)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var campaignId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var body = await JsonBody.ReadAsync<ReviewBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var validation = new Validation();
        var decision = validation.OneOf<ReviewDecision>("decision", body.Value!.Decision, required: true);
        var reason = validation.Text("reason", body.Value.Reason, 1, 500, required: false);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, campaignId, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        var next = CampaignRules.Review(campaign, decision!.Value);
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await workflow.ReviewAsync(uow, campaign, decision.Value, next.Value, reason, admin.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, CampaignView.From(updated));
    }
}

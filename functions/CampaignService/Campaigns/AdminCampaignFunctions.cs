using CampaignService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>Admins review pending campaigns before anyone else sees them.</summary>
public sealed class AdminCampaignFunctions(HttpCalls http, ServiceDatabase database, ICampaignStore campaigns, CampaignWorkflow workflow, CampaignViews views)
{
    [Function(nameof(ReviewCampaign))]
    public async Task<IActionResult> ReviewCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/campaigns/{id}/review")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ReviewBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, call.Id, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        var decision = call.Input.ToDecision();
        var next = CampaignRules.Review(campaign, decision);
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await workflow.ReviewAsync(uow, campaign, decision, next.Value, call.Input.Reason, call.User.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct, call.User));
    }
}

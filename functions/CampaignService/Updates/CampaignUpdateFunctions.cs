using System.Globalization;
using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Updates;

/// <summary>
/// Progress updates (issue 17): the owner posts to their public campaign and its contributors are
/// notified (campaign.update_posted, in the same transaction); whoever can see the campaign lists them.
/// </summary>
public sealed class CampaignUpdateFunctions(
    HttpCalls http, IdempotentWrites writes, ICampaignStore campaigns, IProfileCopyStore profiles, IContributionStore contributions, CampaignUpdates updates)
{
    [Function(nameof(PostCampaignUpdate))]
    public async Task<IActionResult> PostCampaignUpdate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/updates")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<CampaignUpdateBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var caller = call.User;
        return await writes.ExecuteAsync(req, caller.UserId, call.RawBody, async uow =>
        {
            var campaign = await campaigns.LockAsync(uow, call.Id, ct);
            if (campaign is null)
            {
                return Problems.NotFound("No such campaign.");
            }

            if (CampaignRules.CanPostUpdate(campaign, caller, await profiles.GetAsync(uow, caller.UserId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            if (await updates.PostedLastDayAsync(uow, campaign.Id, ct) >= CampaignUpdates.MaxPerDay)
            {
                return Problems.Conflict(string.Create(CultureInfo.InvariantCulture,
                    $"At most {CampaignUpdates.MaxPerDay} updates per campaign in 24 hours (each notifies every contributor); post again later."));
            }

            var update = await updates.InsertAsync(uow, campaign.Id, caller.UserId, call.Input.Body!, ct);
            var contributors = await contributions.ContributorIdsAsync(uow, campaign.Id, ct);
            uow.Publish(new CampaignUpdatePosted(campaign.Snapshot, update.Id, call.Input.ToExcerpt(), contributors));
            return Result.Created(CampaignUpdateView.From(update)).ToResponse(u => $"/api/campaigns/{u.CampaignId}/updates");
        }, ct);
    }

    [Function(nameof(ListCampaignUpdates))]
    public async Task<IActionResult> ListCampaignUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/updates")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var campaign = await campaigns.FindAsync(call.Id, ct);
        if (campaign is null || !CampaignRules.IsVisibleTo(campaign, call.Caller))
        {
            return Problems.NotFound("No such campaign.");
        }

        var rows = await updates.ListAsync(campaign.Id, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, u => new Cursor(u.CreatedAt, u.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<CampaignUpdateView>(result.Items.Select(CampaignUpdateView.From).ToList(), result.NextCursor));
    }
}

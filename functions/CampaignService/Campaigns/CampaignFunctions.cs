using CampaignService.Files;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>Listing, reading and creating campaigns.</summary>
public sealed class CampaignFunctions(
    HttpCalls http, IdempotentWrites writes, ICampaignStore campaigns, IProfileCopyStore profiles, CampaignWorkflow workflow, CampaignViews views)
{
    [Function(nameof(ListCampaigns))]
    public async Task<IActionResult> ListCampaigns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<CampaignFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await campaigns.ListAsync(call.Input, call.Caller, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, c => CampaignStore.CursorOf(c, call.Input.SortBy()));
        return new ApiResponse(StatusCodes.Status200OK, new Page<CampaignView>(await views.ManyAsync(result.Items, ct, call.Caller), result.NextCursor));
    }

    [Function(nameof(GetCampaign))]
    public async Task<IActionResult> GetCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var campaign = await campaigns.FindAsync(call.Id, ct);
        return campaign is not null && CampaignRules.IsVisibleTo(campaign, call.Caller)
            ? new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(campaign, ct, call.Caller))
            : Problems.NotFound("No such campaign.");
    }

    [Function(nameof(CreateCampaign))]
    public async Task<IActionResult> CreateCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<CampaignBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await writes.ExecuteAsync(req, call.User.UserId, call.RawBody, async uow =>
        {
            if (CampaignRules.CanCreate(await profiles.GetAsync(uow, call.User.UserId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            var campaign = await workflow.CreateAsync(uow, call.User.UserId, call.Input.ToFields(), ct);
            return Result.Created(CampaignView.From(campaign, [], call.User)).ToResponse(c => $"/api/campaigns/{c.Id}");
        }, ct);
    }
}

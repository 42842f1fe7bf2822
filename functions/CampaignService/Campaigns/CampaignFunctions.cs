using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>Listing, reading and creating campaigns.</summary>
public sealed class CampaignFunctions(
    IAuthenticator auth, IdempotentWrites writes, ICampaignStore campaigns, IProfileCopyStore profiles, CampaignWorkflow workflow)
{
    [Function(nameof(ListCampaigns))]
    public async Task<IActionResult> ListCampaigns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var filter = new CampaignFilter(query.OneOf<CampaignStatus>("status"), query.OneOf<CampaignCategory>("category"), query.Uuid("recipient_id"));
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await campaigns.ListAsync(filter, authResult.Caller, page, ct);
        var result = rows.ToPage(page.Limit, c => new Cursor(c.CreatedAt, c.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<CampaignView>(result.Items.Select(CampaignView.From).ToList(), result.NextCursor));
    }

    [Function(nameof(GetCampaign))]
    public async Task<IActionResult> GetCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        if (!Ids.TryParse(id, out var campaignId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var campaign = await campaigns.FindAsync(campaignId, ct);
        return campaign is not null && CampaignRules.IsVisibleTo(campaign, authResult.Caller)
            ? new ApiResponse(StatusCodes.Status200OK, CampaignView.From(campaign))
            : Problems.NotFound("No such campaign.");
    }

    [Function(nameof(CreateCampaign))]
    public async Task<IActionResult> CreateCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<CampaignBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var fields = CampaignRules.Validate(body.Value!);
        if (!fields.IsSuccess)
        {
            return fields.ToResponse();
        }

        return await writes.ExecuteAsync(req, caller.UserId, body.Raw, async uow =>
        {
            if (CampaignRules.CanCreate(await profiles.GetAsync(uow, caller.UserId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            var campaign = await workflow.CreateAsync(uow, caller.UserId, fields.Value!, ct);
            return Result.Created(CampaignView.From(campaign)).ToResponse(c => $"/api/campaigns/{c.Id}");
        }, ct);
    }
}

using CampaignService.Campaigns;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>People give money to active campaigns; owners and admins read every contribution, others their own.</summary>
public sealed class ContributionFunctions(
    IAuthenticator auth,
    IdempotentWrites writes,
    ICampaignStore campaigns,
    IContributionStore contributions,
    IProfileCopyStore profiles,
    CampaignWorkflow workflow,
    ContributionGate gate)
{
    [Function(nameof(Contribute))]
    public async Task<IActionResult> Contribute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/contributions")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var campaignId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var body = await JsonBody.ReadAsync<ContributionBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var amount = ContributionRules.ValidateAmount(body.Value!);
        if (!amount.IsSuccess)
        {
            return amount.ToResponse();
        }

        await using var turn = await gate.EnterAsync(campaignId, ct);
        if (turn is null)
        {
            return Problems.Unavailable("Too many contributions to this campaign at once; nothing was recorded. Retry shortly.", retryAfterSeconds: 2);
        }

        return await writes.ExecuteAsync(req, caller.UserId, body.Raw, async uow =>
        {
            // The row lock serialises the contributions of one campaign: no lost update, and only
            // the one that reaches the goal sees the campaign still active.
            var campaign = await campaigns.LockAsync(uow, campaignId, ct);
            if (campaign is null)
            {
                return Problems.NotFound("No such campaign.");
            }

            if (ContributionRules.CanContribute(campaign, caller, await profiles.GetAsync(uow, caller.UserId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            var (contribution, updated) = await workflow.ContributeAsync(uow, campaign, caller.UserId, amount.Value, ct);
            var receipt = new ContributionReceipt(
                contribution.Id, campaign.Id, caller.UserId, contribution.Amount, contribution.CreatedAt,
                updated.CollectedAmount, updated.GoalAmount, updated.ContributorCount, updated.Status);
            return Result.Created(receipt).ToResponse(r => $"/api/campaigns/{r.CampaignId}/contributions");
        }, ct);
    }

    [Function(nameof(ListContributions))]
    public async Task<IActionResult> ListContributions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/contributions")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var campaignId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var validation = new Validation();
        var page = new QueryReader(req, validation).Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var campaign = await campaigns.FindAsync(campaignId, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        var readable = ContributionRules.ReadableContributor(campaign, caller);
        if (!readable.IsSuccess)
        {
            return readable.ToResponse();
        }

        var rows = await contributions.ListAsync(campaignId, readable.Value, page, ct);
        var result = rows.ToPage(page.Limit, c => new Cursor(c.CreatedAt, c.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ContributionView>(result.Items.Select(ContributionView.From).ToList(), result.NextCursor));
    }
}

using CampaignService.Campaigns;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>People give money to active campaigns; owners and admins read every contribution, others their own.</summary>
public sealed class ContributionFunctions(
    HttpCalls http,
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
        var call = await http.BeginAsync<ContributionBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var turn = await gate.EnterAsync(call.Id, ct);
        if (turn is null)
        {
            return Problems.Unavailable("Too many contributions to this campaign at once; nothing was recorded. Retry shortly.", retryAfterSeconds: 2);
        }

        return await writes.ExecuteAsync(req, call.User.UserId, call.RawBody, async uow =>
        {
            // The row lock serialises the contributions of one campaign: no lost update, and only
            // the one that reaches the goal sees the campaign still active.
            var campaign = await campaigns.LockAsync(uow, call.Id, ct);
            if (campaign is null)
            {
                return Problems.NotFound("No such campaign.");
            }

            if (ContributionRules.CanContribute(campaign, call.User, await profiles.GetAsync(uow, call.User.UserId, ct)) is { } refused)
            {
                return refused.ToResponse();
            }

            var (contribution, updated) = await workflow.ContributeAsync(uow, campaign, call.User.UserId, call.Input.Amount!.Value, ct);
            var receipt = new ContributionReceipt(
                contribution.Id, campaign.Id, call.User.UserId, contribution.Amount, contribution.CreatedAt,
                updated.CollectedAmount, updated.GoalAmount, updated.ContributorCount, updated.Status);
            return Result.Created(receipt).ToResponse(r => $"/api/campaigns/{r.CampaignId}/contributions");
        }, ct);
    }

    [Function(nameof(ListContributions))]
    public async Task<IActionResult> ListContributions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/contributions")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var campaign = await campaigns.FindAsync(call.Id, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        var readable = ContributionRules.ReadableContributor(campaign, call.User);
        if (!readable.IsSuccess)
        {
            return readable.ToResponse();
        }

        var rows = await contributions.ListAsync(call.Id, readable.Value, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, c => new Cursor(c.CreatedAt, c.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ContributionView>(result.Items.Select(ContributionView.From).ToList(), result.NextCursor));
    }
}

using CampaignService.Campaigns;
using CampaignService.Payments;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>
/// People give money to active campaigns through the payment provider; owners and admins read every
/// contribution of a campaign, others their own; contributors list their contributions and read receipts.
/// </summary>
public sealed class ContributionFunctions(
    HttpCalls http,
    ICampaignStore campaigns,
    IContributionStore contributions,
    ContributionPayments payments,
    ContributionGate gate)
{
    private const int MaxIdempotencyKeyLength = 200;

    [Function(nameof(Contribute))]
    public async Task<IActionResult> Contribute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/contributions")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ContributionBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var keys = req.Headers[IdempotentWrites.HeaderName];
        var key = keys.Count == 1 ? keys[0] : null;
        if (keys.Count > 0 && (string.IsNullOrEmpty(key) || key.Length > MaxIdempotencyKeyLength || key.Any(c => c < 0x21 || c > 0x7E)))
        {
            return Problems.Validation(IdempotentWrites.HeaderName, $"must be one value of 1 to {MaxIdempotencyKeyLength} visible ASCII characters");
        }

        await using var turn = await gate.EnterAsync(call.Id, ct);
        if (turn is null)
        {
            return Problems.Unavailable("Too many contributions to this campaign at once; nothing was recorded. Retry shortly.", retryAfterSeconds: 2);
        }

        return await payments.StartAsync(call.User, call.Id, call.Input.Amount!.Value, key, ct);
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

    [Function(nameof(ListOwnContributions))]
    public async Task<IActionResult> ListOwnContributions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/contributions")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<OwnContributionFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await contributions.ListOwnAsync(call.User.UserId, call.Input.Status, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, c => new Cursor(c.CreatedAt, c.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ContributionView>(result.Items.Select(ContributionView.From).ToList(), result.NextCursor));
    }

    [Function(nameof(GetContribution))]
    public async Task<IActionResult> GetContribution(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contributions/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var contribution = await contributions.FindAsync(call.Id, ct);
        if (contribution is null)
        {
            return Problems.NotFound("No such contribution.");
        }

        var campaign = await campaigns.FindAsync(contribution.CampaignId, ct);
        return ContributionRules.CanRead(contribution, campaign, call.User)
            ? new ApiResponse(StatusCodes.Status200OK, ContributionView.From(contribution))
            : Problems.NotFound("No such contribution.");
    }
}

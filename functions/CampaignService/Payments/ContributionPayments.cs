using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Payments;

/// <summary>The answer to a webhook that was taken: what it did to which contribution.</summary>
public sealed record WebhookReceipt(
    string EventId,
    string EventType,
    [property: OneOf<PaymentOutcome>] string Outcome,
    Guid? ContributionId,
    [property: OneOf<ContributionStatus>] string? Status);

/// <summary>
/// A contribution as a payment: the create flow (pending row, then the provider's checkout session
/// keyed by the contribution, then the session recorded) and what the provider's word does to it
/// (confirm and count, cancel, or queue a refund). The states are in docs/DESIGN-NOTES.md.
/// </summary>
public sealed class ContributionPayments(
    ServiceDatabase database,
    ICampaignStore campaigns,
    IContributionStore contributions,
    IProfileCopyStore profiles,
    CampaignWorkflow workflow,
    IPaymentProvider provider,
    ILogger<ContributionPayments> logger)
{
    public const string CampaignNotActive = "campaign_not_active";

    /// <summary>POST /api/campaigns/{id}/contributions after its checks: 201 with the receipt, or the problem.</summary>
    public async Task<ApiResponse> StartAsync(Caller caller, Guid campaignId, decimal amount, string? idempotencyKey, CancellationToken ct)
    {
        var campaign = await campaigns.FindAsync(campaignId, ct);
        Contribution? contribution;
        var retry = false;
        await using (var uow = await database.BeginAsync(ct))
        {
            contribution = idempotencyKey is null ? null : await contributions.FindByIdempotencyKeyAsync(uow, caller.UserId, idempotencyKey, ct);
            if (contribution is null)
            {
                if (campaign is null)
                {
                    return Problems.NotFound("No such campaign.");
                }

                if (ContributionRules.CanContribute(campaign, caller, await profiles.GetAsync(uow, caller.UserId, ct), amount) is { } refused)
                {
                    return refused.ToResponse();
                }

                contribution = await contributions.InsertPendingAsync(
                    uow, new NewContribution(campaignId, caller.UserId, Currencies.Of(campaign.Currency).ToMinorUnits(amount), campaign.Currency, provider.Name, idempotencyKey), ct);
                if (contribution is not null)
                {
                    await uow.CommitAsync(ct);
                }
                else
                {
                    // The same key in a parallel request, committed meanwhile: carry on with its contribution.
                    contribution = await contributions.FindByIdempotencyKeyAsync(uow, caller.UserId, idempotencyKey!, ct);
                    retry = true;
                }
            }
            else
            {
                retry = true;
            }
        }

        if (contribution is null)
        {
            return Problems.Unavailable("A contribution with this Idempotency-Key was withdrawn meanwhile; retry.", retryAfterSeconds: 1);
        }

        if (retry && (contribution.CampaignId != campaignId || contribution.Amount != amount))
        {
            return Problems.Unprocessable($"This {IdempotentWrites.HeaderName} was already used with another request body.");
        }

        var answer = contribution.CheckoutSessionId is not null
            ? await ReceiptAsync(contribution, null, ct)
            : await CheckoutAsync(contribution, campaign?.Title ?? string.Empty, ct);
        return retry && answer.IsSuccess ? answer.WithHeader(IdempotentWrites.ReplayedHeader, "true") : answer;
    }

    /// <summary>
    /// Opens the provider's checkout for a pending contribution and records it. The provider's
    /// idempotency key is the contribution (itself keyed by Idempotency-Key): a retry after a lost
    /// answer gets the session the first call opened.
    /// </summary>
    private async Task<ApiResponse> CheckoutAsync(Contribution contribution, string title, CancellationToken ct)
    {
        CheckoutSession session;
        try
        {
            session = await provider.CreateCheckoutAsync(
                new CheckoutRequest(
                    contribution.Id, contribution.CampaignId, contribution.ContributorId, title, contribution.AmountMinor, contribution.Currency,
                    "contribution-" + contribution.Id),
                ct);
        }
        catch (PaymentProviderUnavailableException e)
        {
            // Nobody got a checkout URL, so nobody can pay this session: the pending row goes.
            logger.LogWarning(e, "Checkout for contribution {ContributionId} failed; the pending contribution is removed", contribution.Id);
            await using var undo = await database.BeginAsync(CancellationToken.None);
            await contributions.DeleteWithoutCheckoutAsync(undo, contribution.Id, CancellationToken.None);
            await undo.CommitAsync(CancellationToken.None);
            return Problems.Unavailable(e.CallerDetail ?? "The payment provider is unavailable; nothing was recorded. Retry shortly.", retryAfterSeconds: 5);
        }

        await using (var uow = await database.BeginAsync(ct))
        {
            var recorded = await contributions.SetCheckoutAsync(uow, contribution.Id, session.SessionId, session.Paid ? null : session.Url, ct);
            if (recorded is null)
            {
                return Problems.Unavailable("The contribution was withdrawn meanwhile (the payment provider failed a parallel retry); retry.", retryAfterSeconds: 1);
            }

            await uow.CommitAsync(ct);
            contribution = recorded;
        }

        if (!session.Paid)
        {
            return await ReceiptAsync(contribution, null, ct);
        }

        // Paid at once (the development provider): confirmed now, as a webhook would.
        var paid = new PaymentNotice(
            "checkout-" + session.SessionId, "checkout.paid", PaymentOutcome.Paid, contribution.Id, session.SessionId, session.AmountMinor,
            session.Currency, session.PaymentReference);
        var (applied, campaign, problem) = await ApplyAsync(paid, ct);
        if (problem is not null)
        {
            // A parallel retry of the same key confirmed it first: answer its state.
            return await ReceiptAsync((await contributions.FindAsync(contribution.Id, ct))!, null, ct);
        }

        return applied!.State == ContributionStatus.RefundPending
            ? Problems.Conflict($"The campaign stopped taking contributions meanwhile (status: {campaign?.Status ?? "deleted"}); the payment is refunded.")
            : await ReceiptAsync(applied, campaign, ct);
    }

    /// <summary>A provider webhook: 200 with what it did, or a 4xx problem and no effect.</summary>
    public async Task<ApiResponse> ReceiveAsync(string body, string? signature, CancellationToken ct)
    {
        PaymentNotice notice;
        try
        {
            notice = await provider.ReadWebhookAsync(body, signature, ct);
        }
        catch (InvalidWebhookException e)
        {
            logger.LogWarning("Rejected a {Provider} webhook: {Reason}", provider.Name, e.Message);
            return Problems.BadRequest(e.Message);
        }

        if (notice.Outcome == PaymentOutcome.Ignored)
        {
            return new ApiResponse(StatusCodes.Status200OK, new WebhookReceipt(notice.EventId, notice.EventType, notice.Outcome.ToText(), notice.ContributionId, null));
        }

        var (contribution, _, problem) = await ApplyAsync(notice, ct);
        return problem ?? new ApiResponse(
            StatusCodes.Status200OK, new WebhookReceipt(notice.EventId, notice.EventType, notice.Outcome.ToText(), contribution!.Id, contribution.Status));
    }

    /// <summary>
    /// The provider's word on a pending contribution, under the campaign's row lock (then the
    /// contribution's): paid money is confirmed and counted once, or queued for a refund when the
    /// campaign can no longer take it; a failed payment cancels. Anything else is a problem and no effect.
    /// </summary>
    private async Task<(Contribution? Contribution, Campaign? Campaign, ApiResponse? Problem)> ApplyAsync(PaymentNotice notice, CancellationToken ct)
    {
        if (notice.ContributionId is not { } id || await contributions.FindAsync(id, ct) is not { } known || known.Provider != provider.Name)
        {
            return (null, null, Problems.NotFound("The payment names no contribution of this provider."));
        }

        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, known.CampaignId, ct);
        var contribution = (await contributions.LockAsync(uow, id, ct))!;
        if (contribution.CheckoutSessionId is not null && notice.SessionId != contribution.CheckoutSessionId)
        {
            return (null, null, Problems.Unprocessable("The payment's session is not the contribution's checkout session."));
        }

        if (notice.AmountMinor != contribution.AmountMinor || !string.Equals(notice.Currency, contribution.Currency, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning(
                "Payment for contribution {ContributionId} is {Amount} {Currency}, the contribution {Expected} {ExpectedCurrency}: not applied",
                id, notice.AmountMinor, notice.Currency, contribution.AmountMinor, contribution.Currency);
            return (null, null, Problems.Unprocessable("The payment's amount or currency differs from the contribution's."));
        }

        if (contribution.State != ContributionStatus.Pending)
        {
            return (null, null, Problems.Conflict($"The contribution is already final (status: {contribution.Status})."));
        }

        if (contribution.CheckoutSessionId is null && notice.SessionId is not null)
        {
            // The webhook came before the create call recorded its session.
            await contributions.SetCheckoutAsync(uow, id, notice.SessionId, null, ct);
        }

        Contribution updated;
        if (notice.Outcome == PaymentOutcome.Failed)
        {
            updated = await contributions.SetStatusAsync(uow, id, ContributionStatus.Cancelled, notice.EventType, null, ct);
        }
        else if (campaign is { State: CampaignStatus.Active })
        {
            (updated, campaign) = await workflow.ConfirmAsync(uow, campaign, contribution, notice.PaymentReference, ct);
        }
        else
        {
            // Paid, but the campaign completed, paused or went meanwhile: the money goes back.
            updated = await contributions.SetStatusAsync(uow, id, ContributionStatus.RefundPending, CampaignNotActive, notice.PaymentReference, ct);
        }

        await uow.CommitAsync(ct);
        logger.LogInformation("Contribution {ContributionId}: {Event} → {Status}", id, notice.EventType, updated.Status);
        return (updated, campaign, null);
    }

    private async Task<ApiResponse> ReceiptAsync(Contribution c, Campaign? campaign, CancellationToken ct)
    {
        campaign ??= await campaigns.FindAsync(c.CampaignId, ct);
        return Result.Created(new ContributionReceipt(
                c.Id, c.CampaignId, c.ContributorId, c.Amount, c.AmountMinor, c.Currency, c.Status, c.Provider,
                c.State == ContributionStatus.Pending ? c.CheckoutUrl : null, c.CreatedAt,
                campaign?.CollectedAmount ?? 0, campaign?.GoalAmount ?? 0, campaign?.ContributorCount ?? 0, campaign?.Status ?? "completed"))
            .ToResponse(r => $"/api/contributions/{r.Id}");
    }
}

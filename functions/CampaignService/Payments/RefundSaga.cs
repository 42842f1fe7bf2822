using CampaignService.Contributions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Hosting;

namespace CampaignService.Payments;

/// <summary>
/// Pays back contributions queued for a refund (<c>refund_pending</c>: their campaign was deleted
/// or removed by moderation, or the money arrived after the campaign stopped taking it). Each is
/// taken under its row lock (<c>FOR UPDATE SKIP LOCKED</c>, so instances never take the same one),
/// refunded through the provider with the key <c>refund-{contribution id}</c> and marked
/// <c>refunded</c> in the same transaction. A crash between the provider's refund and the commit
/// leaves it queued; the retry sends the same key, and the provider answers the refund it already
/// made: nothing is refunded twice. An unreachable provider or database is retried with growing
/// delays (up to five minutes), forever: the queue survives any outage. An instance takes only the
/// contributions of its own provider (a contribution records the provider that took its money).
/// </summary>
public sealed class RefundSaga(
    ServiceDatabase database, IContributionStore contributions, IPaymentProvider provider, IOptions<PaymentOptions> options, ILogger<RefundSaga> logger)
    : PeriodicWork(TimeProvider.System, logger)
{
    /// <summary>What a contribution recorded before payments were real carries as provider: there is no money to return.</summary>
    public const string NoProvider = "none";

    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Max(100, options.Value.RefundSweepMs));

    protected override string Description => "Refund sweep";

    /// <summary>Refunds every due contribution, one transaction each.</summary>
    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        while (await RefundNextAsync(cancellationToken))
        {
        }
    }

    /// <summary>Refunds the next due contribution; false when none is due.</summary>
    public async Task<bool> RefundNextAsync(CancellationToken cancellationToken)
    {
        await using var uow = await database.BeginAsync(cancellationToken);
        var due = await contributions.NextRefundAsync(uow, provider.Name, cancellationToken);
        if (due is null)
        {
            return false;
        }

        if (due.Provider == NoProvider)
        {
            await contributions.MarkRefundedAsync(uow, due.Id, "no_payment", cancellationToken);
            await uow.CommitAsync(cancellationToken);
            return true;
        }

        if (due.PaymentReference is null)
        {
            Logger.LogError("Contribution {ContributionId} has no payment reference to refund; retried later", due.Id);
            await contributions.PostponeRefundAsync(uow, due.Id, MaxDelay, cancellationToken);
            await uow.CommitAsync(cancellationToken);
            return true;
        }

        try
        {
            var refund = await provider.RefundAsync(
                new RefundRequest(due.Id, due.PaymentReference, due.AmountMinor, due.Currency, "refund-" + due.Id), cancellationToken);
            await contributions.MarkRefundedAsync(uow, due.Id, refund.RefundId, cancellationToken);
            uow.Publish(new CampaignContributionRefunded(
                due.Id, due.CampaignId, due.ContributorId, due.Amount, due.Currency, due.StatusReason ?? "refunded", refund.RefundId));
            await uow.CommitAsync(cancellationToken);
            Logger.LogInformation("Contribution {ContributionId} refunded ({RefundId}, {Status})", due.Id, refund.RefundId, refund.Status);
        }
        catch (PaymentProviderUnavailableException e)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(due.RefundAttempts, 10))));
            Logger.LogWarning(e, "Refund of contribution {ContributionId} failed (attempt {Attempt}); retrying in {Delay}", due.Id, due.RefundAttempts + 1, delay);
            await contributions.PostponeRefundAsync(uow, due.Id, delay, cancellationToken);
            await uow.CommitAsync(cancellationToken);
        }

        return true;
    }
}

using Microsoft.Extensions.Logging;
using Platform.Data;

namespace CampaignService.Campaigns;

/// <summary>How often the deadline sweeper looks for campaigns past their <c>ends_at</c>.</summary>
public sealed record CampaignDeadlineOptions(TimeSpan Interval)
{
    // The setting: CampaignDeadlines__IntervalSeconds (seconds); absent: 30 s, so a campaign ends within half a minute of its deadline.
    public const int BatchSize = 100;
}

/// <summary>
/// Issue 17: a hosted service in every serving instance (standalone and under the Functions host, like
/// donation-service's expiry sweeper, through the same <see cref="BatchSweeper"/>) that ends active or
/// paused campaigns past their deadline and publishes <c>campaign.ended</c> (outbox, same transaction).
/// <c>FOR UPDATE SKIP LOCKED</c> shares the work between instances: a campaign ends, and its event is
/// published, once. A contribution confirming at the same moment holds the campaign's row lock: the
/// sweep skips it and ends it at the next interval, or the confirmation finds it ended and refunds.
/// </summary>
public sealed class CampaignDeadlineSweeper(ServiceDatabase database, CampaignWorkflow workflow, CampaignDeadlineOptions options, ILogger<CampaignDeadlineSweeper> logger)
    : BatchSweeper(database, options.Interval, CampaignDeadlineOptions.BatchSize, logger)
{
    protected override string Done => "Ended campaigns past their ends_at";

    protected override Task<int> SweepBatchAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken) =>
        workflow.EndDueAsync(uow, batch, cancellationToken);
}

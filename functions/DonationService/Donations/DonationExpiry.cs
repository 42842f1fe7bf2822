using Microsoft.Extensions.Logging;
using Platform.Data;

namespace DonationService.Donations;

/// <summary>How often the expiry sweeper looks for donations past their <c>expires_at</c>.</summary>
public sealed record DonationExpiryOptions(TimeSpan Interval)
{
    // The setting: DonationExpiry__IntervalSeconds (seconds); absent: 30 s, so an item is marked expired within half a minute.
    public const int BatchSize = 200;
}

/// <summary>
/// Issue 17: a hosted service in every serving instance (standalone and under the Functions host, like
/// the retention and blob sweepers) that makes pending or available donations past their expiry
/// <c>expired</c> and publishes <c>donation.expired</c> (outbox, same transaction). Instances share the
/// work through <c>FOR UPDATE SKIP LOCKED</c> (<see cref="BatchSweeper"/>): a donation is expired, and its
/// event published, once.
/// </summary>
public sealed class DonationExpirySweeper(ServiceDatabase database, IDonationStore donations, DonationExpiryOptions options, ILogger<DonationExpirySweeper> logger)
    : BatchSweeper(database, options.Interval, DonationExpiryOptions.BatchSize, logger)
{
    protected override string Done => "Expired donations past their expires_at";

    protected override Task<int> SweepBatchAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken) =>
        donations.ExpireDueAsync(uow, batch, cancellationToken);
}

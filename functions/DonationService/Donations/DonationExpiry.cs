using Microsoft.Extensions.Hosting;
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
/// work through <c>FOR UPDATE SKIP LOCKED</c>: a donation is expired, and its event published, once.
/// </summary>
public sealed class DonationExpirySweeper(ServiceDatabase database, IDonationStore donations, DonationExpiryOptions options, ILogger<DonationExpirySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Donation expiry sweep failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Expires every due donation, a batch per transaction; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int expired;
        do
        {
            await using var uow = await database.BeginAsync(cancellationToken);
            expired = await donations.ExpireDueAsync(uow, DonationExpiryOptions.BatchSize, cancellationToken);
            await uow.CommitAsync(cancellationToken);
            total += expired;
        }
        while (expired == DonationExpiryOptions.BatchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            logger.LogInformation("Expired {Count} donations past their expires_at", total);
        }

        return total;
    }
}

using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Data;

/// <summary>
/// A hosted service that, every <c>interval</c>, applies a time-driven change to the rows that are due
/// (donations past their expiry, campaigns past their deadline), a batch per transaction until fewer
/// than a batch are due. It runs in every serving instance in both hosting modes; the batch's SQL takes
/// its rows with <c>FOR UPDATE SKIP LOCKED</c> and publishes through the unit of work's outbox, so
/// instances share the work and each row changes, and its event is published, once.
/// </summary>
public abstract class BatchSweeper(ServiceDatabase database, TimeSpan interval, int batchSize, ILogger logger)
    : PeriodicWork(TimeProvider.System, logger)
{
    /// <summary>What the sweep does, for the log ("Expired {n} donations past their expires_at").</summary>
    protected abstract string Done { get; }

    protected override TimeSpan Interval => interval;

    protected override string Description => GetType().Name;

    /// <summary>Changes up to <paramref name="batch"/> due rows in <paramref name="uow"/>; returns how many.</summary>
    protected abstract Task<int> SweepBatchAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>Changes every due row, a batch per transaction; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int changed;
        do
        {
            await using var uow = await database.BeginAsync(cancellationToken);
            changed = await SweepBatchAsync(uow, batchSize, cancellationToken);
            await uow.CommitAsync(cancellationToken);
            total += changed;
        }
        while (changed == batchSize && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Logger.LogInformation("{Done}: {Count}", Done, total);
        }

        return total;
    }

    /// <summary>The interval from a setting in seconds (absent, unreadable or not positive: <paramref name="fallbackSeconds"/>).</summary>
    public static TimeSpan IntervalFrom(string? seconds, int fallbackSeconds) =>
        TimeSpan.FromSeconds(int.TryParse(seconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : fallbackSeconds);
}

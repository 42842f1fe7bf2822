using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Data;

/// <summary>How long the platform tables keep rows that have done their job.</summary>
public sealed class RetentionOptions
{
    /// <summary>Sent outbox rows (kept for diagnosis and replays).</summary>
    public TimeSpan Outbox { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Inbox rows: longer than any redelivery or retry can take.</summary>
    public TimeSpan Inbox { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Stored Idempotency-Key responses (clients retry within minutes).</summary>
    public TimeSpan IdempotencyKeys { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The first sweep waits this long after start: rows expire after hours or days, so nothing is lost
    /// by it, and the deletes stay out of the start-up, when the relay and the consumer open their first
    /// connections and drain what piled up while the app was away (in bench/event-pipeline.sh's cold
    /// start, the sweep's three deletes and its connection ran beside them on a two-core machine).
    /// </summary>
    public TimeSpan FirstSweepDelay { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>Deletes expired rows of the outbox, inbox and idempotency tables in small batches.</summary>
internal sealed class RetentionSweeper(ServiceDatabase database, RetentionOptions options, ILogger<RetentionSweeper> logger)
    : PeriodicWork(TimeProvider.System, logger)
{
    private const int BatchSize = 5000;

    protected override TimeSpan Interval => options.Interval;

    protected override TimeSpan FirstDelay => options.FirstSweepDelay;

    protected override string Description => $"Retention sweep of {database.Schema}";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        total += await DeleteAsync($"delete from {database.Schema}.outbox where id in (select id from {database.Schema}.outbox where sent_at < now() - @age limit {BatchSize})", options.Outbox, cancellationToken);
        total += await DeleteAsync($"delete from {database.Schema}.inbox where message_id in (select message_id from {database.Schema}.inbox where handled_at < now() - @age limit {BatchSize})", options.Inbox, cancellationToken);
        total += await DeleteAsync($"delete from {database.Schema}.idempotency_keys where (user_id, key) in (select user_id, key from {database.Schema}.idempotency_keys where created_at < now() - @age limit {BatchSize})", options.IdempotencyKeys, cancellationToken);
        if (total > 0)
        {
            Logger.LogInformation("Retention sweep removed {Count} expired rows from {Schema}", total, database.Schema);
        }

        return total;
    }

    private async Task<int> DeleteAsync(string sql, TimeSpan age, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            deleted = await connection.ExecuteAsync(new CommandDefinition(sql, new { age }, cancellationToken: cancellationToken));
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }
}

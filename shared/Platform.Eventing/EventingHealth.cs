using Dapper;
using Platform.Data;
using Platform.Hosting.Health;

namespace Platform.Eventing;

/// <summary>
/// Health of the broker connection: connected now, or able to connect within the probe's time. While a
/// broker alarm blocks the publishing connection the status is <c>blocked</c> with the broker's reason:
/// the service still serves and commits its events to the outbox, which the <c>outbox</c> check shows
/// growing, and the relay sends them once the alarm ends.
/// </summary>
internal sealed class BrokerHealthProbe(RabbitMqConnector connector) : IHealthProbe
{
    public string Name => "broker";

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        if (!connector.IsConnected)
        {
            try
            {
                await connector.GetPublishingConnectionAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthProbeResult(false, "down", new Dictionary<string, object?> { ["error"] = ex.GetType().Name });
            }
        }

        return connector.BlockedReason is { } reason
            ? new HealthProbeResult(true, "blocked", new Dictionary<string, object?> { ["reason"] = reason })
            : new HealthProbeResult(true, "up");
    }
}

/// <summary>
/// The relay's backlog: unsent outbox rows and the age of the oldest, and rows the relay parked because
/// the broker refused them. Informational for readiness (the service still serves), but a parked row
/// turns the check to <c>parked</c> (healthy false) so that monitoring on this endpoint raises it: an
/// event that will never leave until someone looks.
/// </summary>
internal sealed class OutboxBacklogProbe(ServiceDatabase database) : IHealthProbe
{
    public string Name => "outbox";

    public bool Critical => false;

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var backlog = await connection.QuerySingleAsync<Backlog>(new CommandDefinition(
            $"""
            select count(*) as unsent, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_age_seconds,
                   (select count(*) from {database.Schema}.outbox where parked_at is not null) as parked
              from {database.Schema}.outbox where sent_at is null and parked_at is null
            """,
            cancellationToken: cancellationToken));
        var details = new Dictionary<string, object?>
        {
            ["unsent"] = backlog.Unsent,
            ["oldest_unsent_age_seconds"] = Math.Round(backlog.OldestAgeSeconds, 1),
            ["parked"] = backlog.Parked,
        };
        return backlog.Parked == 0 ? new HealthProbeResult(true, "up", details) : new HealthProbeResult(false, "parked", details);
    }

    private sealed record Backlog(long Unsent, double OldestAgeSeconds, long Parked);
}

/// <summary>
/// This instance's consumer: subscribed or not. Informational: an instance whose consumer is
/// starting or reconnecting still serves HTTP, and the broker probe already fails when the broker
/// is unreachable; taking the instance out of rotation would not bring the consumer back sooner.
/// </summary>
internal sealed class ConsumerHealthProbe(ConsumerState state, EventingOptions options) : IHealthProbe
{
    public string Name => "consumer";

    public bool Critical => false;

    public Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        var now = state.Current;
        var details = new Dictionary<string, object?> { ["queue"] = options.Queue };
        if (now.Since is { } since)
        {
            details["since"] = since;
        }

        if (now.FailuresInARow > 0)
        {
            details["failures_in_a_row"] = now.FailuresInARow;
            details["last_error"] = now.LastError;
        }

        return Task.FromResult(new HealthProbeResult(now.Status == ConsumerStatus.Consuming, now.Status, details));
    }
}

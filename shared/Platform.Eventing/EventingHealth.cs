using Dapper;
using Platform.Data;
using Platform.Hosting.Health;

namespace Platform.Eventing;

/// <summary>Health of the broker connection: connected now, or able to connect within the probe's time.</summary>
internal sealed class BrokerHealthProbe(RabbitMqConnector connector) : IHealthProbe
{
    public string Name => "broker";

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        if (!connector.IsConnected)
        {
            try
            {
                await connector.GetConnectionAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthProbeResult(false, "down", new Dictionary<string, object?> { ["error"] = ex.GetType().Name });
            }
        }

        return new HealthProbeResult(true, "up");
    }
}

/// <summary>The relay's backlog: unsent outbox rows and the age of the oldest. Informational.</summary>
internal sealed class OutboxBacklogProbe(ServiceDatabase database) : IHealthProbe
{
    public string Name => "outbox";

    public bool Critical => false;

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var backlog = await connection.QuerySingleAsync<Backlog>(new CommandDefinition(
            $"select count(*) as unsent, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_age_seconds from {database.Schema}.outbox where sent_at is null",
            cancellationToken: cancellationToken));
        return new HealthProbeResult(true, "up", new Dictionary<string, object?>
        {
            ["unsent"] = backlog.Unsent,
            ["oldest_unsent_age_seconds"] = Math.Round(backlog.OldestAgeSeconds, 1),
        });
    }

    private sealed record Backlog(long Unsent, double OldestAgeSeconds);
}

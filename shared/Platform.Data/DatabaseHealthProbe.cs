using Dapper;
using Platform.Hosting.Health;

namespace Platform.Data;

/// <summary>Health of the service's database: a round trip and the latency it took.</summary>
internal sealed class DatabaseHealthProbe(ServiceDatabase database, TimeProvider clock) : IHealthProbe
{
    public string Name => "database";

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("select 1", cancellationToken: cancellationToken));
            return new HealthProbeResult(true, "up", new Dictionary<string, object?>
            {
                ["latency_ms"] = Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1),
            });
        }
        catch (Exception ex) when (DatabaseSetup.IsTransient(ex) || ex is OperationCanceledException)
        {
            return new HealthProbeResult(false, "down", new Dictionary<string, object?> { ["error"] = ex.GetType().Name });
        }
    }
}

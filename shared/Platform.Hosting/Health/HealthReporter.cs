using Microsoft.AspNetCore.Http;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;

namespace Platform.Hosting.Health;

/// <summary>One dependency's state as health shows it.</summary>
public sealed record HealthProbeResult(bool Healthy, string Status, IReadOnlyDictionary<string, object?>? Details = null);

/// <summary>A dependency that health checks (database, broker, outbox backlog).</summary>
public interface IHealthProbe
{
    string Name { get; }

    /// <summary>False for information that never makes the service unhealthy (e.g. a backlog figure).</summary>
    bool Critical => true;

    Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Runs every probe at once, each with a short time limit: 200 when all critical ones pass, else 503.</summary>
public sealed class HealthReporter(IEnumerable<IHealthProbe> probes, ServiceIdentity identity, TimeProvider clock)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Liveness: 200 whenever the process answers, with no dependency check, for the platform's
    /// health check (App Service replaces an instance that fails it; a broker or database blip must
    /// not recycle every instance). <see cref="ReportAsync"/> is the readiness/dependency view.
    /// </summary>
    public ApiResponse Live() =>
        new ApiResponse(StatusCodes.Status200OK, new LiveBody(identity.Name, "alive", clock.GetUtcNow()))
            .WithHeader("Cache-Control", "no-store");

    public async Task<ApiResponse> ReportAsync(CancellationToken cancellationToken)
    {
        var checks = probes.Select(async probe => (probe, result: await RunAsync(probe, cancellationToken))).ToList();
        var results = await Task.WhenAll(checks);
        var healthy = results.All(r => r.result.Healthy || !r.probe.Critical);
        var body = new HealthBody(
            identity.Name,
            healthy ? "healthy" : "unhealthy",
            clock.GetUtcNow(),
            results.ToDictionary(r => r.probe.Name, r => r.result));
        var response = new ApiResponse(healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, body)
            .WithHeader("Cache-Control", "no-store");
        return healthy ? response : response.WithHeader("Retry-After", "5");
    }

    private static async Task<HealthProbeResult> RunAsync(IHealthProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            // WaitAsync also cuts off a probe stuck in a call that ignores its token.
            return await probe.CheckAsync(timeout.Token).WaitAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthProbeResult(false, "down", new Dictionary<string, object?> { ["error"] = ex.GetType().Name });
        }
    }

    private sealed record LiveBody(string Service, string Status, DateTimeOffset CheckedAt);

    private sealed record HealthBody(string Service, string Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, HealthProbeResult> Checks);
}

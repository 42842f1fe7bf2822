using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Health;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;

namespace Platform.Eventing.TestApp;

public sealed class HealthFunction(HealthReporter health)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        await health.ReportAsync(ct);
}

/// <summary>What this instance's relay has published since it started (to tell two relays apart), and how many of its lanes worked at once.</summary>
public sealed class StatsFunction(OutboxRelay relay, ServiceIdentity identity)
{
    [Function(nameof(Stats))]
    public IActionResult Stats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "testapp/stats")] HttpRequest req) =>
        new ApiResponse(StatusCodes.Status200OK, new { identity.Name, relay.Published, relay.PeakLanes });
}

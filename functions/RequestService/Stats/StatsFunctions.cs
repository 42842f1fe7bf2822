using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Http;

namespace RequestService.Stats;

/// <summary>The admin dashboard: cheap enough to poll every few seconds.</summary>
public sealed class StatsFunctions(HttpCalls http, RequestStatsStore stats)
{
    [Function(nameof(GetRequestStats))]
    public async Task<IActionResult> GetRequestStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/stats")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return new ApiResponse(StatusCodes.Status200OK, await stats.ReadAsync(DateTimeOffset.UtcNow, ct));
    }
}

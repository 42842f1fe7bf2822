using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Platform.Hosting.Hosting;

/// <summary>
/// The response headers a browser frontend must be able to read cross-origin (the created
/// resource's <c>Location</c>, <c>Retry-After</c> on 429/503, the correlation id, the idempotent
/// replay flag). Standalone mode's CORS policy exposes them. Under the Functions host, CORS is the
/// host's (Core Tools' Host.CORS, App Service's CORS setting): it answers preflights and adds
/// Access-Control-Allow-Origin, but exposes no response header, so the worker names them itself on
/// responses to an allowed origin (the same CORS_ALLOWED_ORIGINS list).
/// </summary>
internal sealed class ExposedHeaders
{
    public static readonly string[] Names = ["Location", "Retry-After", Correlation.HeaderName, "Idempotent-Replayed"];

    private const string HeaderName = "Access-Control-Expose-Headers";
    private static readonly string Value = string.Join(",", Names);
    private readonly HashSet<string> _origins;

    public ExposedHeaders(IConfiguration configuration)
    {
        _origins = new HashSet<string>(StandaloneServer.CorsOrigins(configuration[StandaloneServer.CorsSetting]), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Adds the header when the request comes from an allowed origin (or any origin is allowed).</summary>
    public void Apply(HttpContext context)
    {
        if (_origins.Count == 0 || context.Request.Headers.Origin is not [{ Length: > 0 } origin])
        {
            return;
        }

        if (_origins.Contains("*") || _origins.Contains(origin))
        {
            context.Response.Headers[HeaderName] = Value;
        }
    }
}

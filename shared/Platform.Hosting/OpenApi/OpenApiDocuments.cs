using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// Serves an app's OpenAPI document at <c>GET /api/openapi.json</c>: each app has a one-line HTTP
/// function that calls <see cref="Serve"/>, so the document is there under the Functions host and
/// in standalone mode alike. It is generated once per app and cached.
/// </summary>
public static class OpenApiDocuments
{
    public const string Route = "openapi.json";

    private static readonly ConcurrentDictionary<Assembly, byte[]> Cache = new();

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document of the app whose functions live in <paramref name="app"/>.</summary>
    public static OpenApiResult Generate(Assembly app, ApiDescription description) =>
        OpenApiGenerator.Generate(HttpFunctionCatalog.Discover(app), description);

    public static ApiResponse Serve(Assembly app, ApiDescription description)
    {
        var utf8 = Cache.GetOrAdd(app, a => JsonSerializer.SerializeToUtf8Bytes(Generate(a, description).Document, Indented));
        return new ApiResponse(StatusCodes.Status200OK, new RawJson(utf8)).WithHeader("Cache-Control", "public, max-age=300");
    }
}

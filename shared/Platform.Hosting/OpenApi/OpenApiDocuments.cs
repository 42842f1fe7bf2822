using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// Serves an app's OpenAPI document at <c>GET /api/openapi.json</c>: each app has a one-line HTTP
/// function that calls <see cref="Serve"/>, so the document is there under the Functions host and
/// in standalone mode alike. It is generated once per app and cached. <c>dotnet App.dll openapi
/// [FILE]</c> writes it (<see cref="WriteAsync"/>) with no database, broker or setting, for the
/// client generation and linting of scripts/test-extra.d/openapi-clients.sh.
/// </summary>
public static class OpenApiDocuments
{
    public const string Route = "openapi.json";

    private static readonly ConcurrentDictionary<Assembly, byte[]> Cache = new();

    /// <summary>The document of the app whose functions live in <paramref name="app"/>.</summary>
    public static OpenApiResult Generate(Assembly app, ApiDescription description) =>
        OpenApiGenerator.Generate(HttpFunctionCatalog.Discover(app), description);

    public static ApiResponse Serve(Assembly app, ApiDescription description)
    {
        var utf8 = Cache.GetOrAdd(app, a => Encoding.UTF8.GetBytes(OpenApiGenerator.Serialize(Generate(a, description).Document)));
        return new ApiResponse(StatusCodes.Status200OK, new RawJson(utf8)).WithHeader("Cache-Control", "public, max-age=300");
    }

    /// <summary>
    /// Writes the document exactly as the app's <see cref="ApiDescription.DocumentFunction"/> function
    /// serves it, by calling that function with an empty GET request; to standard output when
    /// <paramref name="file"/> is null.
    /// </summary>
    public static async Task WriteAsync(Assembly app, string? file)
    {
        var function = HttpFunctionCatalog.Discover(app).SingleOrDefault(f => f.Name == ApiDescription.DocumentFunction)
            ?? throw new InvalidOperationException($"{app.GetName().Name} has no {ApiDescription.DocumentFunction} function.");
        var target = function.Method.IsStatic ? null : Activator.CreateInstance(function.DeclaringType);
        var arguments = function.Method.GetParameters()
            .Select(p => p.Position == function.Trigger.Position
                ? new DefaultHttpContext().Request
                : throw new InvalidOperationException($"{function.Name} takes more than its request ('{p.Name}')."))
            .ToArray<object?>();
        if (function.Method.Invoke(target, arguments) is not ApiResponse { StatusCode: StatusCodes.Status200OK } response)
        {
            throw new InvalidOperationException($"{function.Name} did not answer 200 with a document.");
        }

        var utf8 = response.SerializeBody();
        if (file is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(utf8);
        }
        else
        {
            await File.WriteAllBytesAsync(file, utf8);
        }
    }
}

using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Hosting;

/// <summary>
/// The standalone mode: a plain ASP.NET Core server that serves every HTTP-triggered function
/// method of the app at the route the Functions host would give it (<c>/api/{route}</c>).
/// </summary>
internal static class StandaloneServer
{
    public const string RoutePrefix = "api";

    /// <summary>
    /// Browser origins allowed to call the API, comma-separated: the same list as Host.CORS under
    /// Core Tools and siteConfig.cors in Azure, which answer CORS there; standalone mode answers it here.
    /// </summary>
    public const string CorsSetting = "CORS_ALLOWED_ORIGINS";

    public static void Configure(WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A little above the API's limit so that JsonBody answers 413 itself with problem+json.
            k.Limits.MaxRequestBodySize = Http.JsonBody.MaxBytes * 4;
            k.AddServerHeader = false;
        });
        builder.Services.Configure<KestrelServerOptions>(o => o.AllowSynchronousIO = false);
        builder.Services.AddMvcCore();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var origins = CorsOrigins(builder.Configuration[CorsSetting]);
        if (origins.Length > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins)
                .WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Idempotency-Key", Correlation.HeaderName)
                .WithExposedHeaders(ExposedHeaders.Names)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            var port = builder.Configuration["PORT"] ?? builder.Configuration["FUNCTIONS_HTTPWORKER_PORT"] ?? "7071";
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
    }

    public static void MapFunctions(WebApplication app, Assembly functionsAssembly)
    {
        app.UseMiddleware<StandaloneErrorMiddleware>();
        if (app.Services.GetService<Microsoft.AspNetCore.Cors.Infrastructure.ICorsService>() is not null)
        {
            app.UseCors(); // before routing: preflights are answered for every route
        }

        app.UseRouting();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StandaloneServer));
        var functions = HttpFunctionCatalog.Discover(functionsAssembly);
        foreach (var function in functions)
        {
            var invoker = new HttpFunctionInvoker(function);
            app.MapMethods($"/{RoutePrefix}/{function.Route}", function.Methods, invoker.InvokeAsync)
                .WithName(function.Name);
        }

        logger.LogInformation("Standalone mode: {Count} functions mapped under /{Prefix}", functions.Count, RoutePrefix);
    }

    /// <summary>The origins of the setting: trimmed, without a trailing slash; "*" alone allows any (never with credentials).</summary>
    internal static string[] CorsOrigins(string? setting)
    {
        var origins = (setting ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        foreach (var origin in origins.Where(o => o != "*"))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new InvalidOperationException($"{CorsSetting}: '{origin}' is not an origin such as https://app.example.org (scheme, host and port only).");
            }
        }

        return origins;
    }
}

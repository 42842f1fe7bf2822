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
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            var port = builder.Configuration["PORT"] ?? builder.Configuration["FUNCTIONS_HTTPWORKER_PORT"] ?? "7071";
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
    }

    public static void MapFunctions(WebApplication app, Assembly functionsAssembly)
    {
        app.UseMiddleware<StandaloneErrorMiddleware>();
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
}

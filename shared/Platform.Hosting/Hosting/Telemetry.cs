using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.Hosting.Hosting;

/// <summary>
/// OpenTelemetry for every service: HttpClient, Npgsql and the platform's RabbitMQ publish/consume
/// spans (trace context travels in the message headers), plus ASP.NET Core requests in standalone
/// mode. Exported to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set,
/// to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to the console when
/// <c>OTEL_CONSOLE_EXPORTER=true</c>. With none of them nothing is collected.
/// <para>
/// Under the Functions host, telemetry is sent once: the host (host.json <c>telemetryMode:
/// OpenTelemetry</c>) records the requests and invocations, the worker joins its traces through
/// <c>UseFunctionsWorkerDefaults</c> (which also tells the host not to forward the worker's logs
/// again) and adds no ASP.NET Core instrumentation of its own.
/// </para>
/// <para>
/// When <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says <c>Authorization=AAD</c> (the Bicep sets
/// <c>ClientId=&lt;identity&gt;;Authorization=AAD</c>, as the host reads it), the Azure Monitor
/// exporters authenticate with that managed identity, so the Application Insights resource can have
/// local (key) authentication off.
/// </para>
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Activity sources of the platform's own code (the eventing layer publishes under this name).</summary>
    public static readonly string[] Sources = ["Platform.Eventing", "Npgsql"];

    public static void Add(IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration, string serviceName, HostingMode mode)
    {
        var appInsights = configuration[ConnectionStringSetting];
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = string.Equals(configuration["OTEL_CONSOLE_EXPORTER"], "true", StringComparison.OrdinalIgnoreCase);
        var azure = !string.IsNullOrWhiteSpace(appInsights);
        if (!azure && !otlp && !console)
        {
            return;
        }

        var credential = azure ? AzureMonitorCredential(configuration[AuthenticationStringSetting]) : null;
        void ConfigureAzureMonitor(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = appInsights;
            if (credential is not null)
            {
                o.Credential = credential;
            }
        }

        var functions = mode == HostingMode.Functions;
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName));
        if (functions)
        {
            builder.UseFunctionsWorkerDefaults();
        }

        builder.WithTracing(tracing =>
            {
                if (!functions)
                {
                    tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/api/health"));
                }

                tracing.AddHttpClientInstrumentation()
                    .AddSource(Sources);
                if (azure)
                {
                    tracing.AddAzureMonitorTraceExporter(ConfigureAzureMonitor);
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                if (!functions)
                {
                    metrics.AddAspNetCoreInstrumentation();
                }

                metrics.AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(Sources);
                if (azure)
                {
                    metrics.AddAzureMonitorMetricExporter(ConfigureAzureMonitor);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        logging.AddOpenTelemetry(options =>
        {
            options.IncludeScopes = true;
            options.IncludeFormattedMessage = true;
            if (azure)
            {
                options.AddAzureMonitorLogExporter(ConfigureAzureMonitor);
            }

            if (otlp)
            {
                options.AddOtlpExporter();
            }
        });
    }

    /// <summary>
    /// The managed identity named by an authentication string such as
    /// <c>ClientId=&lt;client id&gt;;Authorization=AAD</c> (the system-assigned identity without ClientId);
    /// null without <c>Authorization=AAD</c>, i.e. the connection string's key authenticates.
    /// </summary>
    internal static TokenCredential? AzureMonitorCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}

using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.Hosting.Hosting;

/// <summary>
/// OpenTelemetry for every service: ASP.NET Core, HttpClient, Npgsql and the platform's RabbitMQ
/// publish/consume spans (trace context travels in the message headers). Exported to Application
/// Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, to an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to the console when <c>OTEL_CONSOLE_EXPORTER=true</c>.
/// With none of them nothing is collected, so a bare local run pays nothing for it.
/// </summary>
public static class Telemetry
{
    /// <summary>Activity sources of the platform's own code (the eventing layer publishes under this name).</summary>
    public static readonly string[] Sources = ["Platform.Eventing", "Npgsql"];

    public static void Add(IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration, string serviceName)
    {
        var appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = string.Equals(configuration["OTEL_CONSOLE_EXPORTER"], "true", StringComparison.OrdinalIgnoreCase);
        var azure = !string.IsNullOrWhiteSpace(appInsights);
        if (!azure && !otlp && !console)
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/api/health"))
                    .AddHttpClientInstrumentation()
                    .AddSource(Sources);
                if (azure)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
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
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql");
                if (azure)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
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
                options.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights);
            }

            if (otlp)
            {
                options.AddOtlpExporter();
            }
        });
    }
}

using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Blobs;

public static class BlobSetup
{
    /// <summary>
    /// Registers the service's blob kinds and the shared machinery: <see cref="BlobStorage"/> from
    /// <c>BlobStorageConnection</c> (Azurite, account key) or <c>BlobStorageUrl</c> (Azure, managed
    /// identity), the sweeper of uploads never attached (asking <typeparamref name="TAttachments"/>),
    /// the containers created by <c>migrate</c>, and 503 with Retry-After when storage is unreachable.
    /// </summary>
    public static PlatformApplication AddBlobStorage<TAttachments>(this PlatformApplication app, params BlobKind[] kinds)
        where TAttachments : class, IBlobAttachments
    {
        TransientFailure.Register(IsTransient);
        app.Services.TryAddSingleton(TimeProvider.System);
        app.Services.AddSingleton(sp => ReadOptions(app.Configuration));
        app.Services.AddSingleton(sp => new BlobStorage(sp.GetRequiredService<BlobStorageOptions>(), kinds, sp.GetRequiredService<TimeProvider>()));
        app.Services.AddSingleton<IBlobAttachments, TAttachments>();
        app.Services.AddSingleton<BlobSweeper>();
        app.Services.AddSingleton<IDeploymentStep, BlobContainersStep>();
        if (app.Mode is HostingMode.Standalone or HostingMode.Functions)
        {
            app.Services.AddHostedService<BlobSweeperService>();
        }

        return app;
    }

    /// <summary>Storage failures a retry can fix: unreachable, throttled, or 5xx (also inside the SDK's AggregateException of its retries); and storage not configured.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        BlobStorageUnavailableException => true,
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    private static BlobStorageOptions ReadOptions(IConfiguration configuration)
    {
        var url = configuration["BlobStorageUrl"];
        return new BlobStorageOptions
        {
            ConnectionString = configuration["BlobStorageConnection"],
            ServiceUrl = string.IsNullOrWhiteSpace(url) ? null : new Uri(url),
            CorsOrigins = (configuration["CORS_ALLOWED_ORIGINS"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }
}

/// <summary>The <c>migrate</c> step that creates the service's containers (and Azurite's CORS rules); skipped when storage is not configured.</summary>
internal sealed class BlobContainersStep(BlobStorage storage, ILogger<BlobContainersStep> logger) : IDeploymentStep
{
    public string Name => "blob containers";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!storage.Options.IsConfigured)
        {
            logger.LogWarning("BlobStorageConnection and BlobStorageUrl are unset: no blob containers created");
            return;
        }

        await storage.EnsureContainersAsync(cancellationToken);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Auth;
using Platform.Hosting.Health;

namespace Platform.Hosting.Hosting;

public static class PlatformDefaults
{
    /// <summary>Auth, errors, JSON and health: what every service has, in every hosting mode.</summary>
    public static PlatformApplication AddPlatformDefaults(this PlatformApplication app)
    {
        var services = app.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => ReadAuthOptions(app.Configuration));
        services.AddHttpClient<JwksKeyCache>();
        services.AddSingleton<JwksKeyCache>(sp => ActivatorUtilities.CreateInstance<JwksKeyCache>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(JwksKeyCache))));
        services.AddSingleton<SupabaseTokenValidator>();
        services.AddSingleton<IAuthenticator, Authenticator>();
        services.AddSingleton<HealthReporter>();
        if (app.Mode != HostingMode.Migrate)
        {
            Telemetry.Add(services, app.Logging, app.Configuration, app.ServiceName);
        }

        return app;
    }

    internal static SupabaseAuthOptions ReadAuthOptions(IConfiguration configuration)
    {
        var url = configuration["SUPABASE_URL"];
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("Set SUPABASE_URL to the Supabase project URL (e.g. https://<ref>.supabase.co).");
        }

        var secret = configuration["SUPABASE_JWT_SECRET"];
        if (!string.IsNullOrEmpty(secret) && secret.Length < 32)
        {
            throw new InvalidOperationException("SUPABASE_JWT_SECRET must be at least 32 characters.");
        }

        return new SupabaseAuthOptions { Url = url, JwtSecret = secret };
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        services.AddSingleton(_ => ReadAuthOptions(app.Configuration, app.RequiresSecureTransport));
        services.AddHttpClient<JwksKeyCache>();
        services.AddSingleton<JwksKeyCache>(sp => ActivatorUtilities.CreateInstance<JwksKeyCache>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(JwksKeyCache))));
        services.AddSingleton<SupabaseTokenValidator>();
        services.AddSingleton<IAuthenticator, Authenticator>();
        services.AddSingleton<HealthReporter>();

        // HttpClient and Polly write five information lines per outgoing call (request-service calls
        // donation-service twice per create: ten lines, most of that request's CPU in the benchmark).
        // Failures, retries and breaker changes are warnings, so they still show.
        app.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        app.Logging.AddFilter("Polly", LogLevel.Warning);
        if (!app.Mode.IsCommand())
        {
            Telemetry.Add(services, app.Logging, app.Configuration, app.ServiceName, app.Mode);
        }

        return app;
    }

    /// <summary>
    /// The app's HTTP API: its description (the table its OpenAPI document is built from) and
    /// <see cref="Http.HttpCalls"/>, which starts every function from that table, with the app's rate
    /// limits (<see cref="Http.RateLimits"/>, settings <c>RateLimits__*</c>).
    /// </summary>
    public static PlatformApplication AddHttpApi(this PlatformApplication app, OpenApi.ApiDescription description)
    {
        app.Services.AddSingleton(description);
        app.Services.AddSingleton(_ => Http.RateLimitSettings.Read(app.Configuration, behindFunctionsHost: app.Mode == HostingMode.Functions));
        app.Services.AddSingleton<Http.RateLimits>();
        app.Services.AddSingleton(sp => new Http.HttpCalls(
            sp.GetRequiredService<IAuthenticator>(), description, sp.GetRequiredService<Http.RateLimits>(), sp.GetService<ErasedAccounts>()));
        return app;
    }

    /// <summary>The Supabase CLI's published JWT secret (every local Supabase has it): anyone can sign tokens with it.</summary>
    public const string SupabaseCliDemoSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

    internal static SupabaseAuthOptions ReadAuthOptions(IConfiguration configuration, bool secure)
    {
        var url = configuration["SUPABASE_URL"];
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException("Set SUPABASE_URL to the Supabase project URL (e.g. https://<ref>.supabase.co).");
        }

        if (secure && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"SUPABASE_URL must be https outside the Development environment (it is '{uri.Scheme}'): signing keys fetched over http could be replaced on the way.");
        }

        var secret = configuration["SUPABASE_JWT_SECRET"];
        if (!string.IsNullOrEmpty(secret) && secret.Length < 32)
        {
            throw new InvalidOperationException("SUPABASE_JWT_SECRET must be at least 32 characters.");
        }

        if (secure && secret == SupabaseCliDemoSecret)
        {
            throw new InvalidOperationException(
                "SUPABASE_JWT_SECRET is the Supabase CLI's published demo secret, with which anyone can sign tokens: it is accepted only in the "
                + "Development environment. Set the project's own JWT secret, or leave it empty to accept only JWKS-signed tokens.");
        }

        var allowAnonymousWrites = configuration["Auth:AllowAnonymousWrites"];
        return new SupabaseAuthOptions
        {
            Url = url,
            JwtSecret = secret,
            AllowAnonymousWrites = allowAnonymousWrites is not null && bool.TryParse(allowAnonymousWrites, out var allow)
                ? allow
                : allowAnonymousWrites is null ? false : throw new InvalidOperationException($"Auth__AllowAnonymousWrites: '{allowAnonymousWrites}' is not true or false."),
        };
    }
}

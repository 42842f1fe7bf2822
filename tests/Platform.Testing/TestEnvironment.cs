namespace Platform.Testing;

/// <summary>
/// Where the real PostgreSQL and RabbitMQ of the test run are: scripts/test.sh starts them and
/// exports these variables. Running tests without it fails with a message saying so.
/// </summary>
public static class TestEnvironment
{
    public const string LocalJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

    public static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts PostgreSQL and RabbitMQ.");

    public static string MainDb => Require("MainDbAdminConnection");

    public static string CampaignDb => Require("CampaignDbAdminConnection");

    /// <summary>The stack's broker as its administrator (guest): for tests that look at queues or play a forger.</summary>
    public static string RabbitMq => Require("RabbitMQConnection");

    /// <summary>
    /// <paramref name="uri"/> (default <see cref="RabbitMq"/>) as <paramref name="service"/>'s own broker user
    /// (<c>DonationService</c> or <c>donation-service</c>), as scripts/stack.sh makes them locally (password =
    /// name; lib.sh's broker_uri_for): a service started by a test publishes only its own events, like in Azure.
    /// </summary>
    public static string RabbitMqFor(string service, string? uri = null) =>
        new UriBuilder(uri ?? RabbitMq) { UserName = ServiceUser(service), Password = ServiceUser(service) }.Uri.ToString();

    /// <summary><c>DonationService</c> → <c>donation-service</c> (a kebab-case name is kept).</summary>
    public static string ServiceUser(string service) =>
        service.Contains('-', StringComparison.Ordinal)
            ? service
            : string.Concat(service.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string JwtSecret => Environment.GetEnvironmentVariable("SUPABASE_JWT_SECRET") is { Length: > 0 } s ? s : LocalJwtSecret;

    /// <summary>
    /// How the run hosts the services it starts: <c>PLATFORM_TEST_HOSTING=functions</c> launches each
    /// app under the test Functions host (the host protocol, as <c>func start</c> and Azure run it);
    /// unset or <c>standalone</c> runs <c>--standalone</c>. scripts/test.sh runs the HTTP suites in both.
    /// </summary>
    public static TestHosting Hosting =>
        Environment.GetEnvironmentVariable("PLATFORM_TEST_HOSTING")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "standalone" => TestHosting.Standalone,
            "functions" => TestHosting.Functions,
            var other => throw new InvalidOperationException($"PLATFORM_TEST_HOSTING='{other}': expected standalone or functions."),
        };

    public static string BuildConfiguration =>
        Environment.GetEnvironmentVariable("PLATFORM_BUILD_CONFIGURATION") is { Length: > 0 } c ? c :
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The repository root (the folder holding Functions.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The built output folder of a Functions app, e.g. functions/DonationService/bin/Release/net10.0.</summary>
    public static string AppOutput(string service) =>
        Path.Combine(RepoRoot, "functions", service, "bin", BuildConfiguration, "net10.0");

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The two ways a service runs: see <see cref="TestEnvironment.Hosting"/>.</summary>
public enum TestHosting
{
    Standalone,
    Functions,
}

using System.Globalization;

namespace FaultInjection;

/// <summary>What the driver reads from its environment (set by scripts/test-extra.d/fault-injection.sh).</summary>
internal sealed class Settings
{
    /// <summary>Minimum time the load runs (FAULT_SECONDS); it also runs until the last fault has healed plus a tail.</summary>
    public required TimeSpan LoadDuration { get; init; }

    /// <summary>How long to wait for outboxes, queues and sagas to settle once the load stops (FAULT_DRAIN_SECONDS).</summary>
    public required TimeSpan DrainTimeout { get; init; }

    /// <summary>Concurrent load loops (FAULT_WORKERS): donation flows, contributions, messages and reads.</summary>
    public required int Workers { get; init; }

    /// <summary>The services that get SIGKILLed and restarted, one after the other (FAULT_KILL_SERVICE, comma-separated).</summary>
    public required IReadOnlyList<string> KillServices { get; init; }

    /// <summary>Faults to leave out (FAULT_SKIP=rabbit,kill,pg), for debugging the driver itself.</summary>
    public required IReadOnlySet<string> Skip { get; init; }

    public required string StackScript { get; init; }

    /// <summary>Where the script keeps the services' pid files and logs (FAULT_RUN_DIR).</summary>
    public required string RunDir { get; init; }

    public required string Repo { get; init; }

    public required string BuildConfiguration { get; init; }

    /// <summary>Port of each service by name (FAULT_SERVICES=DonationService=7271,RequestService=7272,...).</summary>
    public required IReadOnlyDictionary<string, int> Ports { get; init; }

    public required string MainDb { get; init; }

    public required string CampaignDb { get; init; }

    public required string RabbitUri { get; init; }

    public required string SupabaseUrl { get; init; }

    public required string JwtSecret { get; init; }

    /// <summary>The consumers' delayed-retry queues are named after these delays (Eventing__RetryDelaysMs).</summary>
    public required IReadOnlyList<long> RetryDelaysMs { get; init; }

    public Uri BaseAddress(string service) => new($"http://127.0.0.1:{Ports[service]}/");

    public static Settings FromEnvironment()
    {
        var missing = new List<string>();
        string Required(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                missing.Add(name);
                return string.Empty;
            }

            return value;
        }

        static string Optional(string name, string fallback) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

        static int Number(string name, int fallback, int min, int max) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? Math.Clamp(value, min, max)
                : fallback;

        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in Required("FAULT_SERVICES").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=');
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw new InvalidOperationException($"FAULT_SERVICES: '{pair}' is not Name=port.");
            }

            ports[parts[0]] = port;
        }

        var settings = new Settings
        {
            LoadDuration = TimeSpan.FromSeconds(Number("FAULT_SECONDS", 75, 20, 600)),
            DrainTimeout = TimeSpan.FromSeconds(Number("FAULT_DRAIN_SECONDS", 60, 10, 600)),
            Workers = Number("FAULT_WORKERS", 6, 4, 64),
            KillServices = Optional("FAULT_KILL_SERVICE", "RequestService,MessagingService,DonationService")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Skip = Optional("FAULT_SKIP", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(StringComparer.OrdinalIgnoreCase),
            StackScript = Required("PLATFORM_STACK_SCRIPT"),
            RunDir = Required("FAULT_RUN_DIR"),
            Repo = Required("FAULT_REPO"),
            BuildConfiguration = Optional("PLATFORM_BUILD_CONFIGURATION", "Release"),
            Ports = ports,
            MainDb = Required("MainDbAdminConnection"),
            CampaignDb = Required("CampaignDbAdminConnection"),
            RabbitUri = Required("RabbitMQConnection"),
            SupabaseUrl = Optional("SUPABASE_URL", "http://127.0.0.1:54321"),
            JwtSecret = Required("SUPABASE_JWT_SECRET"),
            RetryDelaysMs = Optional("Eventing__RetryDelaysMs", "1000,5000,30000,120000")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => long.Parse(d, CultureInfo.InvariantCulture))
                .Distinct()
                .ToList(),
        };
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Missing environment: " + string.Join(", ", missing) + " (run scripts/test-extra.d/fault-injection.sh).");
        }

        foreach (var service in ServiceCatalog.All)
        {
            if (!settings.Ports.ContainsKey(service.Name))
            {
                throw new InvalidOperationException($"FAULT_SERVICES has no port for {service.Name}.");
            }
        }

        foreach (var name in settings.KillServices.Where(n => ServiceCatalog.Find(n) is null))
        {
            throw new InvalidOperationException($"FAULT_KILL_SERVICE: no service named {name}.");
        }

        return settings;
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Hosting.Tests.Hosting;

/// <summary>
/// Every setting the code reads appears in local.settings.sample.json (Core Tools) and in the Bicep
/// app settings (Azure), unless allow-listed below with a reason. A new
/// <c>Configuration["NEW"]</c> fails here until it is added to both (or allow-listed).
/// </summary>
public sealed class SettingsCoverageTests
{
    /// <summary>Read by the code but deliberately absent from local.settings.sample.json.</summary>
    private static readonly Dictionary<string, string> OptionalLocally = new(StringComparer.OrdinalIgnoreCase)
    {
        ["urls"] = "standalone listen address (ASP.NET Core); Core Tools picks its own port",
        ["ASPNETCORE_URLS"] = "standalone listen address (ASP.NET Core); Core Tools picks its own port",
        ["PORT"] = "standalone port override; scripts/run.sh sets it per app",
        ["FUNCTIONS_HTTPWORKER_PORT"] = "set by the Functions host itself, read only as a standalone fallback",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "telemetry: export to Application Insights only where set (Azure sets it)",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "telemetry: managed-identity authentication of that export, Azure only",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "telemetry: opt-in OTLP export for a local collector",
        ["OTEL_CONSOLE_EXPORTER"] = "telemetry: opt-in console export",
        ["KEY_VAULT_URI"] = "opt-in: read secrets from a cloud vault instead of local values (docs/DEPLOYMENT.md)",
        ["WEBSITE_INSTANCE_ID"] = "set by App Service on each instance, never by hand",
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "set by the Functions host (Development under Core Tools); read to refuse the development payment provider elsewhere",
        ["Eventing__Queue"] = "tuning knob: defaults to the service name",
        ["Eventing__QueueType"] = "tuning knob: has a default",
        ["Eventing__Prefetch"] = "tuning knob: has a default",
        ["Eventing__Concurrency"] = "tuning knob: has a default",
        ["Eventing__BatchSize"] = "tuning knob: has a default",
        ["Eventing__MaxAttempts"] = "tuning knob: has a default",
        ["Eventing__DeliveryLimit"] = "tuning knob: has a default",
        ["Eventing__RelayBatchSize"] = "tuning knob: has a default",
        ["Eventing__RelayConcurrency"] = "tuning knob: has a default",
        ["Eventing__MaxMessageBytes"] = "tuning knob: has a default (the broker's own 16 MiB)",
        ["Eventing__RetryDelaysMs"] = "tuning knob: has a default",
        ["Eventing__RelaySweepIntervalMs"] = "tuning knob: has a default",
        ["DonationExpiry__IntervalSeconds"] = "tuning knob: has a default (30 s); tests shorten it",
        ["CampaignDeadlines__IntervalSeconds"] = "tuning knob: has a default (30 s); tests shorten it",
        ["Erasure__RefreshSeconds"] = "tuning knob: has a default (2 s): how often an instance reads erasures other instances recorded (issue 18)",
        ["BlobStorageUrl"] = "Azure only: the media account's blob endpoint (managed identity); locally BlobStorageConnection points at Azurite",
        ["LegacyDbConnection"] = "read only by the import-legacy command, set by the operator for the move from the original app (docs/MOVING-IN.md)",
        ["Payments__Stripe__SecretKey"] = "secret, not in the sample: local runs use the development provider (tests point Stripe.net at a fake)",
        ["Payments__Stripe__WebhookSecret"] = "secret, not in the sample: local runs use the development provider",
        ["Database__RootCertificate"] = "Azure only (Supabase's CA, PEM); the local stack speaks plain TCP in Development",
        ["Auth__AllowAnonymousWrites"] = "off by default (anonymous sign-ins read only); an operator sets it to let them write",
        ["LegacyCampaignDbConnection"] = "read only by campaign-service's import-legacy: the original's campaign database (docs/MOVING-IN.md)",
        ["LegacyCurrency"] = "read only by campaign-service's import-legacy: the currency of the original's amounts (docs/MOVING-IN.md)",
        ["RateLimits__Reads__PermitLimit"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits); tests and benchmark rigs set their own",
        ["RateLimits__Reads__WindowSeconds"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits)",
        ["RateLimits__Writes__PermitLimit"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits); tests and benchmark rigs set their own",
        ["RateLimits__Writes__WindowSeconds"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits)",
        ["RateLimits__Messages__PermitLimit"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits); tests and benchmark rigs set their own",
        ["RateLimits__Messages__WindowSeconds"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits)",
        ["RateLimits__Reports__PermitLimit"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits); tests and benchmark rigs set their own",
        ["RateLimits__Reports__WindowSeconds"] = "rate limit: has a default (docs/DESIGN-NOTES.md, Rate limits)",
        ["RateLimits__ForwardedHops"] = "rate limit: 0 standalone, 1 under the Functions host (its forwarder writes X-Forwarded-For); set behind another proxy",
    };

    /// <summary>Read by the code (or in the sample) but deliberately not an app setting in the Bicep.</summary>
    private static readonly Dictionary<string, string> LocalOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        ["urls"] = "standalone only; the Functions host owns the port in Azure",
        ["ASPNETCORE_URLS"] = "standalone only",
        ["PORT"] = "standalone only",
        ["FUNCTIONS_HTTPWORKER_PORT"] = "set by the Functions host itself",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "local collector only; Azure exports to Application Insights",
        ["OTEL_CONSOLE_EXPORTER"] = "local debugging only",
        ["KEY_VAULT_URI"] = "outside App Service only; in Azure Key Vault references resolve the secrets",
        ["WEBSITE_INSTANCE_ID"] = "set by App Service itself",
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "set by the Functions host itself (Production in Azure)",
        ["AzureWebJobsStorage"] = "Azurite locally; in Azure identity-based AzureWebJobsStorage__accountName/__credential/__clientId",
        ["BlobStorageConnection"] = "Azurite's account key locally; Azure has no shared keys and sets BlobStorageUrl (managed identity, user delegation SAS)",
        ["Auth__AllowAnonymousWrites"] = "default (false: anonymous sign-ins read only) used in Azure",
        ["Eventing__Queue"] = "default (service name) used in Azure",
        ["Eventing__QueueType"] = "default used in Azure",
        ["Eventing__Prefetch"] = "default used in Azure",
        ["Eventing__Concurrency"] = "default used in Azure",
        ["Eventing__BatchSize"] = "default used in Azure",
        ["Eventing__MaxAttempts"] = "default used in Azure",
        ["Eventing__DeliveryLimit"] = "default used in Azure",
        ["Eventing__RelayBatchSize"] = "default used in Azure",
        ["Eventing__RelayConcurrency"] = "default used in Azure",
        ["Eventing__MaxMessageBytes"] = "default used in Azure (the broker's own 16 MiB)",
        ["Eventing__RetryDelaysMs"] = "default used in Azure",
        ["Eventing__RelaySweepIntervalMs"] = "default used in Azure",
        ["DonationExpiry__IntervalSeconds"] = "default used in Azure",
        ["CampaignDeadlines__IntervalSeconds"] = "default used in Azure",
        ["Erasure__RefreshSeconds"] = "default used in Azure",
        ["LegacyDbConnection"] = "not an app setting: the operator sets it for one import-legacy run (docs/MOVING-IN.md)",
        ["LegacyCampaignDbConnection"] = "not an app setting: the operator sets it for one import-legacy run (docs/MOVING-IN.md)",
        ["LegacyCurrency"] = "not an app setting: the operator sets it for one import-legacy run (docs/MOVING-IN.md)",
        ["RateLimits__Reads__PermitLimit"] = "default used in Azure (per instance; a global limit belongs in Front Door / API Management)",
        ["RateLimits__Reads__WindowSeconds"] = "default used in Azure",
        ["RateLimits__Writes__PermitLimit"] = "default used in Azure (per instance; a global limit belongs in Front Door / API Management)",
        ["RateLimits__Writes__WindowSeconds"] = "default used in Azure",
        ["RateLimits__Messages__PermitLimit"] = "default used in Azure (per instance; a global limit belongs in Front Door / API Management)",
        ["RateLimits__Messages__WindowSeconds"] = "default used in Azure",
        ["RateLimits__Reports__PermitLimit"] = "default used in Azure (per instance; a global limit belongs in Front Door / API Management)",
        ["RateLimits__Reports__WindowSeconds"] = "default used in Azure",
        ["RateLimits__ForwardedHops"] = "default (1 under the Functions host) used in Azure",
    };

    private static readonly Regex ConfigurationIndexer = new(@"\b[Cc]onfiguration\s*\[\s*(?:""(?<literal>[^""]+)""|(?<name>[A-Za-z_][\w.]*))\s*\]", RegexOptions.Compiled);
    private static readonly Regex ServiceDatabase = new(@"\bAddServiceDatabase\s*\(\s*""(?<literal>[^""]+)""", RegexOptions.Compiled);
    private static readonly Regex SectionVariable = new(@"\bvar\s+(?<variable>\w+)\s*=\s*[\w.]+\.GetSection\s*\(\s*""(?<section>[^""]+)""\s*\)", RegexOptions.Compiled);
    private static readonly Regex Constant = new(@"\bconst\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]+)""", RegexOptions.Compiled);

    [Fact]
    public void The_scan_finds_the_settings_known_to_be_read()
    {
        var read = SettingsRead(SourceFiles());

        foreach (var known in new[]
        {
            "DonationDbConnection", "RequestDbConnection", "CampaignDbConnection", "MessagingDbConnection",
            "RabbitMQConnection", "SUPABASE_URL", "SUPABASE_JWT_SECRET", "DonationServiceUrl",
            "CORS_ALLOWED_ORIGINS", "KEY_VAULT_URI", "Eventing__Prefetch",
        })
        {
            Assert.Contains(known, read, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Every_setting_the_code_reads_is_in_local_settings_sample()
    {
        var missing = MissingFromSample(SettingsRead(SourceFiles()), SampleValues());
        Assert.True(missing.Count == 0, "Read by the code but not in local.settings.sample.json Values (add it, or allow-list it with a reason): " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_setting_the_code_reads_is_a_Bicep_app_setting()
    {
        var missing = MissingFromBicep(SettingsRead(SourceFiles()), BicepText());
        Assert.True(missing.Count == 0, "Read by the code but not an app setting in infra/ (add it, or allow-list it as local-only with a reason): " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_sample_setting_is_a_Bicep_app_setting()
    {
        var missing = MissingFromBicep(SampleValues(), BicepText());
        Assert.True(missing.Count == 0, "In local.settings.sample.json but not an app setting in infra/: " + string.Join(", ", missing));
    }

    [Fact]
    public void Allow_lists_name_only_settings_that_exist()
    {
        var known = SettingsRead(SourceFiles()).Concat(SampleValues()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stale = OptionalLocally.Keys.Concat(LocalOnly.Keys).Where(k => !known.Contains(k)).Distinct().ToList();
        Assert.True(stale.Count == 0, "Allow-listed but neither read by the code nor in the sample (remove): " + string.Join(", ", stale));
        Assert.All(OptionalLocally.Values.Concat(LocalOnly.Values), reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
    }

    [Fact]
    public void A_new_setting_read_anywhere_is_reported_missing()
    {
        var files = SourceFiles().Append(("functions/NewService/NewSetup.cs", """
            const string OtherSetting = "NEW_CONST_SETTING";
            var a = app.Configuration["NEW_SETTING"];
            var b = configuration[OtherSetting];
            app.AddServiceDatabase("NewDbConnection", schema: "new");
            var tuning = configuration.GetSection("Tuning");
            var c = tuning["Knob"];
            """)).ToList();

        var read = SettingsRead(files);
        var expected = new[] { "NEW_SETTING", "NEW_CONST_SETTING", "NewDbConnection", "Tuning__Knob" };

        Assert.Equal(expected, MissingFromSample(read, SampleValues()).Intersect(expected).ToArray());
        Assert.Equal(expected, MissingFromBicep(read, BicepText()).Intersect(expected).ToArray());
    }

    private static List<string> MissingFromSample(IEnumerable<string> read, IReadOnlyCollection<string> sample) =>
        read.Where(s => !OptionalLocally.ContainsKey(s) && !sample.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();

    private static List<string> MissingFromBicep(IEnumerable<string> read, string bicep) =>
        read.Where(s => !LocalOnly.ContainsKey(s)
            && !Regex.IsMatch(bicep, @"^\s*'?" + Regex.Escape(s) + @"'?\s*:", RegexOptions.Multiline | RegexOptions.IgnoreCase)).ToList();

    /// <summary>Setting names (environment-variable form, sections joined with __), in order of discovery.</summary>
    internal static List<string> SettingsRead(IReadOnlyList<(string Path, string Text)> files)
    {
        var constants = files
            .SelectMany(f => Constant.Matches(f.Text))
            .GroupBy(m => m.Groups["name"].Value)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Groups["value"].Value).Distinct().ToList());

        var found = new List<string>();
        void Add(string name)
        {
            name = name.Replace(":", "__", StringComparison.Ordinal); // the environment-variable form
            if (!found.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                found.Add(name);
            }
        }

        foreach (var (_, text) in files)
        {
            foreach (Match m in ConfigurationIndexer.Matches(text))
            {
                if (m.Groups["literal"].Success)
                {
                    Add(m.Groups["literal"].Value);
                }
                else if (constants.TryGetValue(m.Groups["name"].Value.Split('.')[^1], out var values))
                {
                    values.ForEach(Add);
                }
            }

            foreach (Match m in ServiceDatabase.Matches(text))
            {
                Add(m.Groups["literal"].Value);
            }

            foreach (Match section in SectionVariable.Matches(text))
            {
                var indexer = new Regex(@"\b" + Regex.Escape(section.Groups["variable"].Value) + @"\s*\[\s*""(?<key>[^""]+)""\s*\]");
                foreach (Match m in indexer.Matches(text))
                {
                    Add(section.Groups["section"].Value + "__" + m.Groups["key"].Value);
                }
            }
        }

        return found;
    }

    private static IReadOnlyList<(string Path, string Text)> SourceFiles()
    {
        var root = TestEnvironment.RepoRoot;
        var separator = Path.DirectorySeparatorChar;
        return new[] { "functions", "shared" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !p.Contains($"{separator}obj{separator}", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Path.GetRelativePath(root, p), File.ReadAllText(p)))
            .ToList();
    }

    private static IReadOnlyCollection<string> SampleValues()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>Every Bicep file under infra/ (main.bicep, resources.bicep, modules/): app settings live in resources.bicep and function-app.bicep.</summary>
    private static string BicepText() =>
        string.Join("\n", Directory.EnumerateFiles(Path.Combine(TestEnvironment.RepoRoot, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText));
}

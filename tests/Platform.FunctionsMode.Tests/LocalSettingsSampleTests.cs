using System.Text.Json;
using Platform.FunctionsHost;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// local.settings.sample.json is what a developer copies next to an app for <c>func start</c>: with
/// its Values as the app settings (the addresses moved to this run's PostgreSQL and RabbitMQ) and its
/// Host.CORS as the host's CORS, every app starts under the Functions host and is healthy.
/// </summary>
public sealed class LocalSettingsSampleTests
{
    public static TheoryData<string> Apps => new(["DonationService", "RequestService", "CampaignService", "MessagingService"]);

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task Every_app_starts_under_the_host_with_the_sample_settings(string service)
    {
        using var sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
        foreach (var name in values.Keys.Where(n => n.EndsWith("DbConnection", StringComparison.Ordinal) || n == "RabbitMQConnection").ToList())
        {
            values[name] = TestEnvironment.Require(name); // same databases and broker, this run's ports
        }

        await using var host = await FunctionsTestHost.StartAsync(new FunctionsHostOptions
        {
            AppName = service,
            AppDirectory = TestEnvironment.AppOutput(service),
            Settings = values,
            CorsOrigins = sample.RootElement.GetProperty("Host").GetProperty("CORS").GetString(),
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await client.GetAsync("api/health");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, $"{service} with the sample settings: {(int)response.StatusCode} {body}{Environment.NewLine}{host.LogTail}");
        Assert.Empty(host.Failures);
    }
}

using System.Text.Json;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Platform.Hosting.Hosting;
using Platform.Testing;

namespace Platform.Hosting.Tests.Hosting;

/// <summary>Telemetry is sent once and without keys: host.json's mode, and the exporters' credential.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public void The_Functions_host_uses_OpenTelemetry_so_the_worker_joins_its_traces_instead_of_duplicating_them()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "host.json")));

        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
    }

    [Theory]
    [InlineData("ClientId=3f1c0000-0000-0000-0000-000000000001;Authorization=AAD")]
    [InlineData("Authorization=AAD")]
    [InlineData(" authorization = aad ; clientid = 3f1c0000-0000-0000-0000-000000000001 ")]
    public void An_Entra_authentication_string_gives_the_exporters_a_managed_identity(string authentication) =>
        Assert.IsType<ManagedIdentityCredential>(Telemetry.AzureMonitorCredential(authentication));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=3f1c0000-0000-0000-0000-000000000001")]
    [InlineData("Authorization=Key")]
    public void Without_Authorization_AAD_the_connection_string_authenticates(string? authentication) =>
        Assert.Null(Telemetry.AzureMonitorCredential(authentication));

    /// <summary>
    /// The registration builds in both modes with Azure's settings (no export happens: the provider
    /// is resolved, not flushed). In Functions mode the worker adds no ASP.NET Core instrumentation:
    /// the host records the request.
    /// </summary>
    [Theory]
    [InlineData(HostingMode.Functions)]
    [InlineData(HostingMode.Standalone)]
    public void With_Azure_settings_a_tracer_provider_is_registered_in_each_mode(HostingMode mode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [Telemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/",
            [Telemetry.AuthenticationStringSetting] = "ClientId=3f1c0000-0000-0000-0000-000000000001;Authorization=AAD",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => Telemetry.Add(services, logging, configuration, "telemetry-test", mode));

        var registrations = services.Select(d => d.ImplementationType?.FullName ?? d.ServiceType.FullName ?? string.Empty).ToList();
        Assert.Contains(services, d => d.ServiceType == typeof(TracerProvider));
        Assert.Equal(mode == HostingMode.Standalone, registrations.Any(r => r.Contains("AspNetCore", StringComparison.Ordinal) && r.Contains("Instrumentation", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_Bicep_sets_the_authentication_string_and_turns_local_auth_off()
    {
        var infra = Path.Combine(TestEnvironment.RepoRoot, "infra");
        var app = File.ReadAllText(Path.Combine(infra, "modules", "function-app.bicep"));
        var monitoring = File.ReadAllText(Path.Combine(infra, "modules", "monitoring.bicep"));

        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'", app, StringComparison.Ordinal);
        Assert.Contains("DisableLocalAuth: true", monitoring, StringComparison.Ordinal);
    }
}

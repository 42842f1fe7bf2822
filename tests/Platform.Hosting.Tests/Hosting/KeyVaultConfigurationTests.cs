using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Platform.Hosting.Hosting;
using Platform.Testing;

namespace Platform.Hosting.Tests.Hosting;

public sealed class KeyVaultConfigurationTests
{
    private readonly KeyVaultSecretNames _names = new();

    [Theory]
    [InlineData("donation-db-connection", "DonationDbConnection")]
    [InlineData("request-db-connection", "RequestDbConnection")]
    [InlineData("campaign-db-connection", "CampaignDbConnection")]
    [InlineData("messaging-db-connection", "MessagingDbConnection")]
    [InlineData("rabbitmq-campaign-connection", "RabbitMQConnection")]
    [InlineData("supabase-url", "SUPABASE_URL")]
    [InlineData("supabase-jwt-secret", "SUPABASE_JWT_SECRET")]
    [InlineData("SUPABASE-JWT-SECRET", "SUPABASE_JWT_SECRET")]
    [InlineData("DonationDbConnection", "DonationDbConnection")]
    [InlineData("CORS-ALLOWED-ORIGINS", "CORS_ALLOWED_ORIGINS")]
    [InlineData("Eventing--Prefetch", "Eventing:Prefetch")]
    [InlineData("ConnectionStrings--Main-Db", "ConnectionStrings:Main_Db")]
    public void Secret_names_map_to_setting_names(string secret, string setting) =>
        Assert.Equal(setting, _names.GetKey(secret));

    [Fact]
    public void Mapped_keys_are_what_the_code_reads_case_insensitively()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [_names.GetKey("supabase-jwt-secret")] = "x", [_names.GetKey("Eventing--Queue")] = "q" })
            .Build();

        Assert.Equal("x", configuration["SUPABASE_JWT_SECRET"]);
        Assert.Equal("q", configuration.GetSection("Eventing")["Queue"]);
    }

    /// <summary>
    /// The explicit table is the Bicep's: each secret keyvault.bicep stores maps to the app setting
    /// resources.bicep references it from, and nothing else is in the table.
    /// </summary>
    [Fact]
    public void The_table_matches_the_secrets_and_references_of_the_Bicep()
    {
        var vault = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "infra", "modules", "keyvault.bicep"));
        var main = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "infra", "resources.bicep"));

        // resource <symbol> 'Microsoft.KeyVault/vaults/secrets@...' = ... { parent: vault  name: '<secret>'
        var secretOfSymbol = Regex.Matches(vault, @"resource\s+(\w+)\s+'Microsoft\.KeyVault/vaults/secrets@[^']+'[^{]*\{\s*parent:\s*\w+\s*name:\s*'([^']+)'")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        // <output key>: ... keyVaultReference(<symbol>[!].properties.secretUri)
        var symbolOfReference = Regex.Matches(vault, @"^\s*(\w+):[^\n]*?keyVaultReference\((\w+)!?\.properties\.secretUri\)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        // <Setting>: vault.outputs.references.<output key>
        var settingOfReference = Regex.Matches(main, @"^\s*(\w+):\s*vault\.outputs\.references\.(\w+)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);

        Assert.NotEmpty(secretOfSymbol);
        var expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (reference, symbol) in symbolOfReference)
        {
            Assert.True(secretOfSymbol.ContainsKey(symbol), $"keyvault.bicep output {reference} references unknown secret resource {symbol}");
            Assert.True(settingOfReference.ContainsKey(reference), $"resources.bicep uses no app setting for vault.outputs.references.{reference}");
            expected[secretOfSymbol[symbol]] = settingOfReference[reference];
        }

        Assert.Equal(secretOfSymbol.Count, expected.Count);
        Assert.Equal(
            expected.OrderBy(p => p.Key, StringComparer.Ordinal),
            KeyVaultSecretNames.BicepSecrets.OrderBy(p => p.Key, StringComparer.Ordinal));
        foreach (var (secret, setting) in expected)
        {
            Assert.Equal(setting.Replace("__", ":", StringComparison.Ordinal), _names.GetKey(secret));
        }
    }

    [Fact]
    public void Nothing_is_added_without_a_vault_uri()
    {
        using var configuration = new ConfigurationManager();
        var before = ((IConfigurationBuilder)configuration).Sources.Count;

        Assert.False(configuration.AddPlatformKeyVault());
        Assert.Equal(before, ((IConfigurationBuilder)configuration).Sources.Count);
    }

    [Fact]
    public void Nothing_is_added_in_App_Service()
    {
        using var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [KeyVaultConfiguration.VaultUriSetting] = "https://kv-test.vault.azure.net/",
            [KeyVaultConfiguration.AzureInstanceSetting] = "0123456789abcdef",
        });
        var before = ((IConfigurationBuilder)configuration).Sources.Count;

        Assert.False(configuration.AddPlatformKeyVault());
        Assert.Equal(before, ((IConfigurationBuilder)configuration).Sources.Count);
        Assert.DoesNotContain(((IConfigurationBuilder)configuration).Sources, s => s.GetType().Name.Contains("KeyVault", StringComparison.Ordinal));
    }

    [Fact]
    public void The_vault_is_read_when_a_uri_is_set_outside_App_Service()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [KeyVaultConfiguration.VaultUriSetting] = " https://kv-test.vault.azure.net/ " })
            .Build();

        Assert.Equal(new Uri("https://kv-test.vault.azure.net/"), KeyVaultConfiguration.VaultUri(configuration));
    }

    [Theory]
    [InlineData("kv-test")]
    [InlineData("http://kv-test.vault.azure.net/")]
    public void A_malformed_vault_uri_is_refused_with_the_setting_named(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [KeyVaultConfiguration.VaultUriSetting] = value })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => KeyVaultConfiguration.VaultUri(configuration));
        Assert.Contains(KeyVaultConfiguration.VaultUriSetting, error.Message, StringComparison.Ordinal);
    }
}

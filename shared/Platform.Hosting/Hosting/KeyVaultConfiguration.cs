using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace Platform.Hosting.Hosting;

/// <summary>
/// Outside App Service (a developer's machine after <c>az login</c>, a container elsewhere), loads the
/// secrets of the vault named by <see cref="VaultUriSetting"/> as configuration, authenticated with
/// <see cref="DefaultAzureCredential"/>. In Azure the apps get the same values from Key Vault
/// references in their app settings (infra/), resolved by the platform with the managed identity,
/// so nothing is added there (<see cref="AzureInstanceSetting"/> is set).
/// </summary>
public static class KeyVaultConfiguration
{
    /// <summary>The vault URI, e.g. https://kv-abc123.vault.azure.net/ (azd's AZURE_KEY_VAULT_ENDPOINT).</summary>
    public const string VaultUriSetting = "KEY_VAULT_URI";

    /// <summary>Set by App Service / Functions in Azure on every instance.</summary>
    public const string AzureInstanceSetting = "WEBSITE_INSTANCE_ID";

    /// <summary>
    /// Adds the vault as a configuration source when a URI is configured and the process is not in
    /// App Service. Returns whether it did.
    /// </summary>
    public static bool AddPlatformKeyVault(this IConfigurationManager configuration, TokenCredential? credential = null)
    {
        var uri = VaultUri(configuration);
        if (uri is null)
        {
            return false;
        }

        var client = new SecretClient(uri, credential ?? new DefaultAzureCredential());
        configuration.Add(new KeyVaultSecretsSource(client, new KeyVaultSecretNames()));
        return true;
    }

    /// <summary>The vault to read, or null when none is configured or the process runs in App Service.</summary>
    public static Uri? VaultUri(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[AzureInstanceSetting]))
        {
            return null;
        }

        var value = configuration[VaultUriSetting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{VaultUriSetting}: '{value}' is not a vault URI such as https://my-vault.vault.azure.net/.");
        }

        return uri;
    }
}

/// <summary>
/// Maps Key Vault secret names (letters, digits and dashes only) to setting names. The secrets that
/// infra/modules/keyvault.bicep stores map to the app settings infra/main.bicep references them from;
/// any other secret follows the usual rule: <c>--</c> is the section separator <c>:</c> and a single
/// dash stands for an underscore (<c>SUPABASE-JWT-SECRET</c> → <c>SUPABASE_JWT_SECRET</c>;
/// <c>DonationDbConnection</c> stays as it is). Setting names are case-insensitive.
/// </summary>
public class KeyVaultSecretNames
{
    /// <summary>Secret name in the Bicep vault → app setting that references it.</summary>
    public static IReadOnlyDictionary<string, string> BicepSecrets { get; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["donation-db-connection"] = "DonationDbConnection",
            ["request-db-connection"] = "RequestDbConnection",
            ["campaign-db-connection"] = "CampaignDbConnection",
            ["messaging-db-connection"] = "MessagingDbConnection",
            // One broker user per service (issue 18): each app references its own secret only.
            ["rabbitmq-donation-connection"] = "RabbitMQConnection",
            ["rabbitmq-request-connection"] = "RabbitMQConnection",
            ["rabbitmq-campaign-connection"] = "RabbitMQConnection",
            ["rabbitmq-messaging-connection"] = "RabbitMQConnection",
            ["supabase-url"] = "SUPABASE_URL",
            ["supabase-jwt-secret"] = "SUPABASE_JWT_SECRET",
            ["stripe-secret-key"] = "Payments__Stripe__SecretKey",
            ["stripe-webhook-secret"] = "Payments__Stripe__WebhookSecret",
        };

    /// <summary>Whether the secret is loaded at all (enabled, not expired or not yet valid).</summary>
    public virtual bool Load(SecretProperties secret)
    {
        var now = DateTimeOffset.UtcNow;
        return secret.Enabled != false
            && (secret.ExpiresOn is null || secret.ExpiresOn > now)
            && (secret.NotBefore is null || secret.NotBefore <= now);
    }

    /// <summary>The configuration key of a secret.</summary>
    public virtual string GetKey(string secretName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        if (BicepSecrets.TryGetValue(secretName, out var setting))
        {
            // App settings name sections with "__" (Payments__Stripe__SecretKey); configuration with ":".
            return setting.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
        }

        return string.Join(
            ConfigurationPath.KeyDelimiter,
            secretName.Split("--").Select(part => part.Replace('-', '_')));
    }
}

internal sealed class KeyVaultSecretsSource(SecretClient client, KeyVaultSecretNames names) : IConfigurationSource
{
    public SecretClient Client => client;

    public KeyVaultSecretNames Names => names;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new KeyVaultSecretsProvider(client, names);
}

/// <summary>Reads every loadable secret once, at start-up (a restart picks up new versions).</summary>
internal sealed class KeyVaultSecretsProvider(SecretClient client, KeyVaultSecretNames names) : ConfigurationProvider
{
    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var properties in client.GetPropertiesOfSecrets())
        {
            if (!names.Load(properties))
            {
                continue;
            }

            var secret = client.GetSecret(properties.Name).Value;
            data[names.GetKey(properties.Name)] = secret.Value;
        }

        Data = data;
    }
}

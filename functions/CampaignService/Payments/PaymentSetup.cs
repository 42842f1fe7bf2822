using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Hosting.Hosting;

namespace CampaignService.Payments;

/// <summary>Chooses the payment provider from <c>Payments__Provider</c> and refuses the development one outside development.</summary>
public static class PaymentSetup
{
    public static PlatformApplication AddPayments(this PlatformApplication app)
    {
        var development = app.Environment.IsDevelopment()
            || string.Equals(app.Configuration["AZURE_FUNCTIONS_ENVIRONMENT"], Environments.Development, StringComparison.OrdinalIgnoreCase);
        var payments = app.Configuration.GetSection("Payments");
        var chosen = ChooseProvider(payments["Provider"], development);
        app.Services.AddOptions<PaymentOptions>().Bind(payments);
        app.Services.AddHttpClient(StripePaymentProvider.ProviderName, client => client.Timeout = TimeSpan.FromSeconds(20));
        if (chosen == DevelopmentPaymentProvider.ProviderName)
        {
            app.Services.AddSingleton<IPaymentProvider, DevelopmentPaymentProvider>();
        }
        else if (string.IsNullOrWhiteSpace(payments["Stripe:SecretKey"]) || string.IsNullOrWhiteSpace(payments["Stripe:WebhookSecret"]))
        {
            app.Services.AddSingleton<IPaymentProvider, UnconfiguredPaymentProvider>();
        }
        else
        {
            app.Services.AddSingleton<IPaymentProvider, StripePaymentProvider>();
        }

        app.Services.AddSingleton<ContributionPayments>();
        if (app.Mode is HostingMode.Standalone or HostingMode.Functions)
        {
            app.Services.AddHostedService<RefundSaga>();
        }

        return app;
    }

    /// <summary>The provider's name: as set, else development in development and stripe elsewhere; development outside development is refused.</summary>
    public static string ChooseProvider(string? setting, bool development)
    {
        var chosen = string.IsNullOrWhiteSpace(setting)
            ? development ? DevelopmentPaymentProvider.ProviderName : StripePaymentProvider.ProviderName
            : setting.Trim().ToLowerInvariant();
        return chosen switch
        {
            DevelopmentPaymentProvider.ProviderName when !development => throw new InvalidOperationException(
                "Payments__Provider=development confirms every contribution without any payment: it runs only in the Development environment "
                + "(DOTNET_ENVIRONMENT or AZURE_FUNCTIONS_ENVIRONMENT). Set Payments__Provider=stripe and its keys."),
            DevelopmentPaymentProvider.ProviderName or StripePaymentProvider.ProviderName => chosen,
            _ => throw new InvalidOperationException($"Payments__Provider '{setting}' is not a payment provider (stripe, development)."),
        };
    }
}

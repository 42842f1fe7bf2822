using Microsoft.Extensions.Logging;

namespace CampaignService.Payments;

/// <summary>
/// Stripe chosen but its keys not set (e.g. <c>azd up</c> before the operator stored them in Key
/// Vault): the app starts and serves everything else; a contribution answers 503 saying what to set,
/// nothing is recorded, and refunds wait in their saga until the keys are there.
/// </summary>
public sealed class UnconfiguredPaymentProvider : IPaymentProvider
{
    public const string Problem =
        "Payments are not configured on this deployment: set Payments__Stripe__SecretKey and Payments__Stripe__WebhookSecret "
        + "(Bicep parameters stripeSecretKey and stripeWebhookSecret, kept in Key Vault) and restart campaign-service.";

    /// <summary>Said once when the app builds its payments (the refund saga needs the provider at start).</summary>
    public UnconfiguredPaymentProvider(ILogger<UnconfiguredPaymentProvider> logger) => logger.LogError("{Problem}", Problem);

    public string Name => StripePaymentProvider.ProviderName;

    public Task<CheckoutSession> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken) =>
        Task.FromException<CheckoutSession>(new PaymentProviderUnavailableException(Problem, callerDetail: Problem + " Nothing was recorded."));

    public Task<PaymentNotice> ReadWebhookAsync(string body, string? signature, CancellationToken cancellationToken) =>
        Task.FromException<PaymentNotice>(new InvalidWebhookException("No webhook can be verified: " + Problem));

    public Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
        Task.FromException<RefundReceipt>(new PaymentProviderUnavailableException(Problem));
}

namespace CampaignService.Payments;

/// <summary>
/// For local runs only (<c>scripts/run.sh</c>, tests of everything but payments): every checkout is
/// paid at once, so a contribution is confirmed in the same request; refunds always succeed. No
/// money moves. The app refuses to start with it outside the Development environment
/// (<see cref="PaymentSetup"/>).
/// </summary>
public sealed class DevelopmentPaymentProvider : IPaymentProvider
{
    public const string ProviderName = "development";

    public string Name => ProviderName;

    public Task<CheckoutSession> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new CheckoutSession(
            "dev_cs_" + request.ContributionId.ToString("N"), Url: null, Paid: true, "dev_pi_" + request.ContributionId.ToString("N"), request.AmountMinor, request.Currency));

    public Task<PaymentNotice> ReadWebhookAsync(string body, string? signature, CancellationToken cancellationToken) =>
        Task.FromException<PaymentNotice>(new InvalidWebhookException("The development provider sends no webhooks."));

    public Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new RefundReceipt("dev_re_" + request.ContributionId.ToString("N"), "succeeded"));
}

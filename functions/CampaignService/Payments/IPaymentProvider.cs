namespace CampaignService.Payments;

/// <summary>
/// A payment provider behind campaign-service: it opens a hosted checkout for a contribution,
/// tells which of its webhooks are genuine and what they say, and refunds. Stripe
/// (<see cref="StripePaymentProvider"/>) is the real one; <see cref="DevelopmentPaymentProvider"/>
/// confirms at once and exists only for local runs. A regional gateway (e.g. Chapa for ETB and
/// Telebirr) plugs in as a third implementation: docs/DESIGN-NOTES.md, "Payments".
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The provider's name as stored on contributions and used in its webhook route (<c>/api/payments/{name}/webhook</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Opens a checkout session. The same <see cref="CheckoutRequest.IdempotencyKey"/> answers the same
    /// session (a retry never opens a second payment). Throws <see cref="PaymentProviderUnavailableException"/>
    /// when the provider cannot be reached or answers with an error.
    /// </summary>
    Task<CheckoutSession> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies a webhook's signature and reads it. Throws <see cref="InvalidWebhookException"/> for
    /// an unsigned, wrongly signed or stale (replayed) one. Asynchronous so that a gateway whose
    /// webhooks say less than Stripe's can re-read the payment from the gateway.
    /// </summary>
    Task<PaymentNotice> ReadWebhookAsync(string body, string? signature, CancellationToken cancellationToken);

    /// <summary>Refunds a confirmed payment in full; the same key never refunds twice.</summary>
    Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken cancellationToken);
}

public sealed record CheckoutRequest(
    Guid ContributionId, Guid CampaignId, Guid ContributorId, string CampaignTitle, long AmountMinor, string Currency, string IdempotencyKey);

/// <summary>A checkout session; <see cref="Paid"/> when the provider took the money already (the development provider).</summary>
public sealed record CheckoutSession(string SessionId, string? Url, bool Paid, string? PaymentReference, long AmountMinor, string Currency);

public enum PaymentOutcome
{
    /// <summary>The money was taken: confirm the contribution.</summary>
    Paid,

    /// <summary>The session expired or the payment failed: cancel the contribution.</summary>
    Failed,

    /// <summary>A genuine webhook that changes nothing here (another event type, or a session still awaiting an asynchronous payment).</summary>
    Ignored,
}

/// <summary>What a genuine webhook says: the amount and currency are the provider's record, never the client's.</summary>
public sealed record PaymentNotice(
    string EventId, string EventType, PaymentOutcome Outcome, Guid? ContributionId, string? SessionId, long? AmountMinor, string? Currency, string? PaymentReference);

public sealed record RefundRequest(Guid ContributionId, string PaymentReference, long AmountMinor, string Currency, string IdempotencyKey);

public sealed record RefundReceipt(string RefundId, string Status);

/// <summary>
/// The provider could not be reached or refused the call; nothing was recorded by us (503 with
/// Retry-After). <see cref="CallerDetail"/>, when set, is safe to show the caller (what the operator must fix).
/// </summary>
public sealed class PaymentProviderUnavailableException(string message, Exception? inner = null, string? callerDetail = null) : Exception(message, inner)
{
    public string? CallerDetail { get; } = callerDetail;
}

/// <summary>A webhook that is not the provider's, or not any more (400).</summary>
public sealed class InvalidWebhookException(string message, Exception? inner = null) : Exception(message, inner);

namespace CampaignService.Payments;

/// <summary>
/// The <c>Payments__*</c> settings. <c>Payments__Provider</c> is <c>stripe</c> (the default outside
/// development) or <c>development</c> (the default in development; refused elsewhere).
/// </summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    public string? Provider { get; set; }

    /// <summary>Where Stripe's checkout sends the contributor after paying; <c>{CONTRIBUTION_ID}</c> is replaced.</summary>
    public string SuccessUrl { get; set; } = "http://localhost:3000/contributions/{CONTRIBUTION_ID}?paid=1";

    /// <summary>Where Stripe's checkout sends a contributor who gives up.</summary>
    public string CancelUrl { get; set; } = "http://localhost:3000/contributions/{CONTRIBUTION_ID}?cancelled=1";

    /// <summary>How long a checkout session stays open (Stripe accepts 30 minutes to 24 hours).</summary>
    public int CheckoutMinutes { get; set; } = 60;

    /// <summary>How often the refund saga looks for contributions to pay back (milliseconds).</summary>
    public int RefundSweepMs { get; set; } = 2000;

    public StripeSettings Stripe { get; set; } = new();
}

/// <summary>The <c>Payments__Stripe__*</c> settings; in Azure the two secrets are Key Vault references.</summary>
public sealed class StripeSettings
{
    /// <summary>The secret API key (sk_live_… / sk_test_…).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (whsec_…).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Stripe's API base URL; only tests change it (to their local fake of Stripe).</summary>
    public string? ApiBase { get; set; }

    /// <summary>Seconds a webhook's timestamp may be off (Stripe's default tolerance is 300): older ones are replays.</summary>
    public long ToleranceSeconds { get; set; } = 300;

    /// <summary>Retries of a failed call inside Stripe.net (with the same idempotency key); 0 in tests.</summary>
    public int MaxNetworkRetries { get; set; } = 2;
}

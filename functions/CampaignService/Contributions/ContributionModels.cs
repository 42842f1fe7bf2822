using System.ComponentModel;
using CampaignService.Campaigns;
using CampaignService.Payments;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>
/// The states of a contribution (docs/DESIGN-NOTES.md, "A contribution's states"): pending until the
/// provider confirms or cancels it; only confirmed money counts; a confirmed contribution of a
/// campaign that is removed (or that can no longer take it) is refunded through the provider.
/// </summary>
public enum ContributionStatus
{
    Pending,
    Confirmed,
    Cancelled,
    RefundPending,
    Refunded,
}

/// <summary>A contributions row.</summary>
public sealed class Contribution
{
    public Guid Id { get; init; }

    public Guid CampaignId { get; init; }

    public Guid ContributorId { get; init; }

    public decimal Amount { get; init; }

    public long AmountMinor { get; init; }

    public string Currency { get; init; } = "usd";

    public string Status { get; init; } = "pending";

    public string Provider { get; init; } = string.Empty;

    public string? CheckoutSessionId { get; init; }

    public string? CheckoutUrl { get; init; }

    public string? PaymentReference { get; init; }

    public string? RefundReference { get; init; }

    public string? StatusReason { get; init; }

    public int RefundAttempts { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? ConfirmedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public ContributionStatus State => EnumText.Parse<ContributionStatus>(Status);
}

/// <summary>A contribution as its contributor, the campaign's owner or an admin reads it: a receipt.</summary>
public sealed record ContributionView(
    Guid Id,
    Guid CampaignId,
    Guid ContributorId,
    [property: Description("The amount in the campaign's currency, exactly amount_minor / 100.")] decimal Amount,
    [property: Description("The amount in the currency's minor units (cents), as the payment provider charged it.")] long AmountMinor,
    [property: Description("ISO 4217 code, lower case (the campaign's currency).")] string Currency,
    [property: OneOf<ContributionStatus>, Description("pending until the provider confirms the payment; only confirmed money counts in collected_amount.")] string Status,
    [property: Description("Why the contribution was cancelled or refunded, when it was.")] string? StatusReason,
    [property: Description("The payment provider (stripe, or development in local runs).")] string Provider,
    [property: Description("The provider's reference of the payment (Stripe: the checkout session), for support and reconciliation.")] string? ProviderReference,
    [property: Description("The provider's reference of the refund, once refunded.")] string? RefundReference,
    DateTime CreatedAt,
    DateTime? ConfirmedAt)
{
    public static ContributionView From(Contribution c) => new(
        c.Id, c.CampaignId, c.ContributorId, c.Amount, c.AmountMinor, c.Currency, c.Status, c.StatusReason, c.Provider,
        c.PaymentReference ?? c.CheckoutSessionId, c.RefundReference, c.CreatedAt, c.ConfirmedAt);
}

/// <summary>
/// The answer to a new contribution: the pending (or, with the development provider, already
/// confirmed) contribution, where to pay it, and the campaign's totals as they are now.
/// </summary>
public sealed record ContributionReceipt(
    Guid Id,
    Guid CampaignId,
    Guid ContributorId,
    decimal Amount,
    long AmountMinor,
    string Currency,
    [property: OneOf<ContributionStatus>] string Status,
    string Provider,
    [property: Description("Where the contributor pays (the provider's hosted checkout page); null once paid.")] string? CheckoutUrl,
    DateTime CreatedAt,
    decimal CollectedAmount,
    decimal GoalAmount,
    int ContributorCount,
    [property: OneOf<CampaignStatus>] string CampaignStatus);

/// <summary>The body of POST /api/campaigns/{id}/contributions, with its rule: <c>amount</c> is a JSON number.</summary>
public sealed record ContributionBody([property: Required, Money(Currencies.MinContribution, Currencies.MaxContribution)] decimal? Amount);

/// <summary>The list query of GET /api/me/contributions.</summary>
public sealed record OwnContributionFilter([property: Description("Only contributions in this state.")] ContributionStatus? Status);

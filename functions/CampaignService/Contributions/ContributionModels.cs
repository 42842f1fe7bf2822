using CampaignService.Campaigns;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>A contributions row.</summary>
public sealed class Contribution
{
    public Guid Id { get; init; }

    public Guid CampaignId { get; init; }

    public Guid ContributorId { get; init; }

    public decimal Amount { get; init; }

    public DateTime CreatedAt { get; init; }
}

public sealed record ContributionView(Guid Id, Guid CampaignId, Guid ContributorId, decimal Amount, DateTime CreatedAt)
{
    public static ContributionView From(Contribution c) => new(c.Id, c.CampaignId, c.ContributorId, c.Amount, c.CreatedAt);
}

/// <summary>The answer to a contribution: the contribution and the campaign's totals after it.</summary>
public sealed record ContributionReceipt(
    Guid Id,
    Guid CampaignId,
    Guid ContributorId,
    decimal Amount,
    DateTime CreatedAt,
    decimal CollectedAmount,
    decimal GoalAmount,
    int ContributorCount,
    [property: OneOf<CampaignStatus>] string CampaignStatus);

/// <summary>The body of POST /api/campaigns/{id}/contributions, with its rule: <c>amount</c> is a JSON number.</summary>
public sealed record ContributionBody([property: Required, Money(ContributionRules.MinAmount, ContributionRules.MaxAmount)] decimal? Amount);

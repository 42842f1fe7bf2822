using System.ComponentModel;
using Platform.Data.Stats;

namespace CampaignService.Stats;

/// <summary>campaign-service's admin dashboard (issue 17): what waits for an admin, totals, money raised, and the last 30 days.</summary>
public sealed record CampaignStatsView(
    [property: Description("Campaigns waiting for an admin's review (status pending).")] long PendingCampaigns,
    [property: Description("Live (not deleted) campaigns per status, every status listed.")] IReadOnlyList<StatusCount> CampaignsByStatus,
    [property: Description("Contributions per status, every status listed.")] IReadOnlyList<ContributionCount> ContributionsByStatus,
    [property: Description("Money raised: confirmed contributions per currency (refunded and refunding ones are not counted), never summed across currencies.")] IReadOnlyList<RaisedAmount> Raised,
    [property: Description("The last 30 UTC days, oldest first, today (still counting) last.")] IReadOnlyList<CampaignDay> Daily,
    DateTimeOffset GeneratedAt);

/// <summary>How many contributions are in one state.</summary>
public sealed record ContributionCount(string Status, long Count);

/// <summary>The confirmed contributions in one currency.</summary>
public sealed record RaisedAmount(
    [property: Description("ISO 4217 code, lower case as Stripe writes it.")] string Currency,
    [property: Description("Their sum, in the currency's major unit.")] decimal Amount,
    long Contributions);

/// <summary>One UTC day of campaign-service's dashboard.</summary>
public sealed record CampaignDay(
    [property: Description("A UTC calendar day (YYYY-MM-DD).")] DateOnly Day,
    [property: Description("Campaigns created that day (deleted ones left out).")] long Campaigns,
    [property: Description("Contributions started that day, whatever became of them.")] long Contributions,
    [property: Description("Of those, the ones confirmed now.")] long Confirmed);

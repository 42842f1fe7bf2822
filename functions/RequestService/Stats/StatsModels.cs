using System.ComponentModel;
using Platform.Data.Stats;

namespace RequestService.Stats;

/// <summary>request-service's admin dashboard (issue 17): requests by status, ratings, what waits for an admin, and the last 30 days.</summary>
public sealed record RequestStatsView(
    [property: Description("Approvals the claim saga has not finished after 15 minutes (status approving): donation-service may be down or an event parked; an admin looks at the parking queue.")]
    long StuckApprovals,
    [property: Description("Requests per status, every status listed.")] IReadOnlyList<StatusCount> RequestsByStatus,
    [property: Description("Ratings given so far.")] long Ratings,
    [property: Description("The average rating (1 to 5, two decimals), null when there is none.")] decimal? AverageRating,
    [property: Description("The last 30 UTC days, oldest first, today (still counting) last.")] IReadOnlyList<RequestDay> Daily,
    DateTimeOffset GeneratedAt);

/// <summary>One UTC day of request-service's dashboard.</summary>
public sealed record RequestDay(
    [property: Description("A UTC calendar day (YYYY-MM-DD).")] DateOnly Day,
    [property: Description("Requests created that day.")] long Requests,
    [property: Description("Ratings given that day.")] long Ratings);

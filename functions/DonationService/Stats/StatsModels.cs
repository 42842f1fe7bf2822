using System.ComponentModel;
using Platform.Data.Stats;

namespace DonationService.Stats;

/// <summary>donation-service's admin dashboard (issue 17): what waits for an admin, totals, and the last 30 days.</summary>
public sealed record DonationStatsView(
    [property: Description("Donations waiting for an admin's review (status pending).")] long PendingDonations,
    [property: Description("Recipients waiting for an admin to decide their verification (recipient_status requested).")] long PendingVerifications,
    [property: Description("Live (not deleted) donations per status, every status listed.")] IReadOnlyList<StatusCount> DonationsByStatus,
    [property: Description("Profiles per role, every role listed.")] IReadOnlyList<RoleCount> UsersByRole,
    long BlockedUsers,
    [property: Description("The last 30 UTC days, oldest first, today (still counting) last.")] IReadOnlyList<DonationDay> Daily,
    DateTimeOffset GeneratedAt);

/// <summary>How many profiles have one role.</summary>
public sealed record RoleCount(string Role, long Count);

/// <summary>One UTC day of donation-service's dashboard.</summary>
public sealed record DonationDay(
    [property: Description("A UTC calendar day (YYYY-MM-DD).")] DateOnly Day,
    [property: Description("Profiles created that day (a profile is made on a user's first call).")] long NewUsers,
    [property: Description("Donations listed that day (deleted ones left out).")] long Donations);

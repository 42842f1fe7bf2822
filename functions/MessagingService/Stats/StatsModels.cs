using System.ComponentModel;
using Platform.Data.Stats;

namespace MessagingService.Stats;

/// <summary>messaging-service's admin dashboard (issue 17): open reports, totals, and the last 30 days.</summary>
public sealed record MessagingStatsView(
    [property: Description("Reports waiting for an admin (status open).")] long OpenReports,
    [property: Description("Open reports per kind of target, every kind listed.")] IReadOnlyList<TargetCount> OpenReportsByTarget,
    [property: Description("Reports per status, every status listed.")] IReadOnlyList<StatusCount> ReportsByStatus,
    [property: Description("The last 30 UTC days, oldest first, today (still counting) last.")] IReadOnlyList<MessagingDay> Daily,
    DateTimeOffset GeneratedAt);

/// <summary>How many open reports are about one kind of target.</summary>
public sealed record TargetCount(string TargetType, long Count);

/// <summary>One UTC day of messaging-service's dashboard.</summary>
public sealed record MessagingDay(
    [property: Description("A UTC calendar day (YYYY-MM-DD).")] DateOnly Day,
    [property: Description("Messages sent that day.")] long Messages,
    [property: Description("Reports filed that day.")] long Reports);

using MessagingService.Reports;
using Platform.Data;
using Platform.Data.Stats;
using Platform.Hosting.Http;

namespace MessagingService.Stats;

/// <summary>
/// The dashboard's SQL. Each query reads an index: reports_status_keyset (by status; the open ones by
/// target), and 30-day ranges of messages_created and reports_keyset (bench/admin-stats.sh measures them
/// on 100,000 rows).
/// </summary>
public sealed class MessagingStatsStore(ServiceDatabase database)
{
    public const string ReportsByStatus = "select status, count(*) from messaging.reports group by status";
    public const string OpenReportsByTarget = "select target_type, count(*) from messaging.reports where status = 'open' group by target_type";
    public const string MessagesPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from messaging.messages where created_at >= @since group by 1";
    public const string ReportsPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from messaging.reports where created_at >= @since group by 1";

    public async Task<MessagingStatsView> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await AdminStats.ByStatusAsync(connection, ReportsByStatus, EnumText.Names<ReportStatus>(), cancellationToken);
        var byTarget = await AdminStats.ByStatusAsync(connection, OpenReportsByTarget, EnumText.Names<ReportTargetType>(), cancellationToken);
        var messages = await AdminStats.PerDayAsync(connection, MessagesPerDay, now, cancellationToken);
        var reports = await AdminStats.PerDayAsync(connection, ReportsPerDay, now, cancellationToken);
        return new MessagingStatsView(
            byStatus.Of(ReportStatus.Open.ToText()),
            [.. byTarget.Select(c => new TargetCount(c.Status, c.Count))],
            byStatus,
            [.. AdminStats.Last30Days(now).Select(day => new MessagingDay(day, messages.GetValueOrDefault(day), reports.GetValueOrDefault(day)))],
            now);
    }
}

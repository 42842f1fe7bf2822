using System.Data.Common;
using CampaignService.Campaigns;
using CampaignService.Contributions;
using Dapper;
using Platform.Data;
using Platform.Data.Stats;
using Platform.Hosting.Http;

namespace CampaignService.Stats;

/// <summary>
/// The dashboard's SQL. Each query reads an index: campaigns_status_keyset and a 30-day range of
/// campaigns_keyset; contributions_status_currency (by status, and the confirmed ones per currency with
/// their amounts) and a range of contributions_created (bench/admin-stats.sh measures them on 100,000 rows).
/// </summary>
public sealed class CampaignStatsStore(ServiceDatabase database)
{
    public const string CampaignsByStatus = "select status, count(*) from campaign.campaigns where deleted_at is null group by status";
    public const string ContributionsByStatus = "select status, count(*) from campaign.contributions group by status";
    public const string Raised =
        "select currency, sum(amount) as amount, count(*) as contributions from campaign.contributions where status = 'confirmed' group by currency order by currency";
    public const string CampaignsPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from campaign.campaigns where deleted_at is null and created_at >= @since group by 1";
    public const string ContributionsPerDay =
        """
        select date_trunc('day', created_at at time zone 'UTC') as day, count(*) as contributions, count(*) filter (where status = 'confirmed') as confirmed
          from campaign.contributions where created_at >= @since group by 1
        """;

    public async Task<CampaignStatsView> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await AdminStats.ByStatusAsync(connection, CampaignsByStatus, EnumText.Names<CampaignStatus>(), cancellationToken);
        var contributions = await AdminStats.ByStatusAsync(connection, ContributionsByStatus, EnumText.Names<ContributionStatus>(), cancellationToken);
        var raised = await connection.QueryAsync<RaisedAmount>(new CommandDefinition(Raised, cancellationToken: cancellationToken));
        var campaigns = await AdminStats.PerDayAsync(connection, CampaignsPerDay, now, cancellationToken);
        var given = await ContributionsPerDayAsync(connection, now, cancellationToken);
        return new CampaignStatsView(
            byStatus.Of(CampaignStatus.Pending.ToText()),
            byStatus,
            [.. contributions.Select(c => new ContributionCount(c.Status, c.Count))],
            [.. raised],
            [.. AdminStats.Last30Days(now).Select(day => new CampaignDay(
                day, campaigns.GetValueOrDefault(day), given.GetValueOrDefault(day).Contributions, given.GetValueOrDefault(day).Confirmed))],
            now);
    }

    private static async Task<Dictionary<DateOnly, (long Contributions, long Confirmed)>> ContributionsPerDayAsync(
        DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (_, since) = AdminStats.Window(now);
        var rows = await connection.QueryAsync<(DateTime Day, long Contributions, long Confirmed)>(
            new CommandDefinition(ContributionsPerDay, new { since }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => DateOnly.FromDateTime(r.Day), r => (r.Contributions, r.Confirmed));
    }
}

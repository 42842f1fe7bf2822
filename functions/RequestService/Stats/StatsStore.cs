using Dapper;
using Platform.Data;
using Platform.Data.Stats;
using Platform.Hosting.Http;
using RequestService.Requests;

namespace RequestService.Stats;

/// <summary>
/// The dashboard's SQL. Each query reads an index: requests_status_keyset (by status; the approving
/// ones), ratings_rating (count and average, index-only), and 30-day ranges of requests_keyset and
/// ratings_keyset.
/// </summary>
public sealed class RequestStatsStore(ServiceDatabase database)
{
    /// <summary>How long an approval may wait for donation-service's answer before an admin should look.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(15);

    public const string RequestsByStatus = "select status, count(*) from request.requests group by status";
    public const string StuckApprovals = "select count(*) from request.requests where status = 'approving' and updated_at < @before";
    public const string RatingTotals = "select count(*) as count, round(avg(rating), 2) as average from request.ratings";
    public const string RequestsPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from request.requests where created_at >= @since group by 1";
    public const string RatingsPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from request.ratings where created_at >= @since group by 1";

    public async Task<RequestStatsView> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await AdminStats.ByStatusAsync(connection, RequestsByStatus, EnumText.Names<RequestStatus>(), cancellationToken);
        var stuck = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            StuckApprovals, new { before = now - StuckAfter }, cancellationToken: cancellationToken));
        var (count, average) = await connection.QuerySingleAsync<(long Count, decimal? Average)>(new CommandDefinition(RatingTotals, cancellationToken: cancellationToken));
        var requests = await AdminStats.PerDayAsync(connection, RequestsPerDay, now, cancellationToken);
        var ratings = await AdminStats.PerDayAsync(connection, RatingsPerDay, now, cancellationToken);
        return new RequestStatsView(
            stuck,
            byStatus,
            count,
            average,
            [.. AdminStats.Last30Days(now).Select(day => new RequestDay(day, requests.GetValueOrDefault(day), ratings.GetValueOrDefault(day)))],
            now);
    }
}

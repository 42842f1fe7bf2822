using System.Data.Common;
using Dapper;

namespace Platform.Data.Stats;

/// <summary>How many rows are in one state (every state the service knows is listed, zero included).</summary>
public sealed record StatusCount(string Status, long Count);

/// <summary>
/// The parts every service's <c>GET /api/admin/stats</c> shares (issue 17): counts by state, and a
/// 30-day series of UTC days, oldest first, today last, days without rows counted 0 (each view has
/// its own record of a day, one list per type, as the OpenAPI document wants each model once). The services'
/// queries are index-backed (a range of a created_at index; group by over a status index).
/// </summary>
public static class AdminStats
{
    /// <summary>The days of the series.</summary>
    public const int Days = 30;

    /// <summary>The first day of the series ending today (UTC) and its first instant, for <c>created_at &gt;= @since</c>.</summary>
    public static (DateOnly First, DateTime Since) Window(DateTimeOffset now)
    {
        var first = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1 - Days);
        return (first, first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
    }

    /// <summary>The 30 days of the series ending today (UTC), oldest first.</summary>
    public static IReadOnlyList<DateOnly> Last30Days(DateTimeOffset now)
    {
        var (first, _) = Window(now);
        return [.. Enumerable.Range(0, Days).Select(first.AddDays)];
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, which returns <c>(day timestamp, count bigint)</c> rows for <c>@since</c>
    /// onwards (e.g. <c>date_trunc('day', created_at at time zone 'UTC')</c>); the count of each day that has rows.
    /// </summary>
    public static async Task<IReadOnlyDictionary<DateOnly, long>> PerDayAsync(DbConnection connection, string sql, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (_, since) = Window(now);
        var rows = await connection.QueryAsync<(DateTime Day, long Count)>(new CommandDefinition(sql, new { since }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => DateOnly.FromDateTime(r.Day), r => r.Count);
    }

    /// <summary>Runs <paramref name="sql"/>, which returns <c>(status text, count bigint)</c> rows, and lists every known state in order (then any other the rows name).</summary>
    public static async Task<IReadOnlyList<StatusCount>> ByStatusAsync(DbConnection connection, string sql, IEnumerable<string> known, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(sql, cancellationToken: cancellationToken));
        var counts = rows.ToDictionary(r => r.Status, r => r.Count, StringComparer.Ordinal);
        var states = known.ToList();
        return [.. states.Concat(counts.Keys.Except(states).Order(StringComparer.Ordinal)).Select(s => new StatusCount(s, counts.GetValueOrDefault(s)))];
    }

    /// <summary>Runs <paramref name="sql"/>, which returns one count.</summary>
    public static Task<long> CountAsync(DbConnection connection, string sql, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, cancellationToken: cancellationToken));

    /// <summary>The count of the state <paramref name="status"/> in a list from <see cref="ByStatusAsync"/>.</summary>
    public static long Of(this IReadOnlyList<StatusCount> counts, string status) => counts.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
}

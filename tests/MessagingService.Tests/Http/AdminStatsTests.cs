using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// Issue 17, admin dashboards: messaging-service's GET /api/admin/stats. Other tests write at the same
/// time, so totals are checked as "grew by at least"; the 30-day series exactly on a past day that only
/// this test's rows are moved to.
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class AdminStatsTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task Stats_count_open_reports_by_target_reports_by_status_and_the_last_30_days()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-Random.Shared.Next(3, 28));
        var before = await StatsAsync();

        var (alice, bob) = (app.NewUser(), app.NewUser());
        var messages = new[] { IdOf(await app.SendMessageAsync(alice, bob.Id, "one")), IdOf(await app.SendMessageAsync(bob, alice.Id, "two")) };
        var report = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", bob.Token, new { target_type = "message", target_id = messages[0], reason = "spam" }), 201));
        await MoveToDayAsync(day, messages, [report]);

        var after = await StatsAsync();

        Assert.True(after.GetProperty("open_reports").GetInt64() >= before.GetProperty("open_reports").GetInt64() + 1, $"{before}\n{after}");
        Assert.Equal(Of(after, "reports_by_status", "status", "open"), after.GetProperty("open_reports").GetInt64());
        Assert.True(Of(after, "open_reports_by_target", "target_type", "message") >= Of(before, "open_reports_by_target", "target_type", "message") + 1);
        Assert.Equal(["open", "reviewed", "resolved"], Keys(after, "reports_by_status", "status").Take(3));
        Assert.Equal(["user", "donation", "campaign", "message"], Keys(after, "open_reports_by_target", "target_type").Take(4));

        var days = Days(after);
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), days[^1].Day);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => days[0].Day.AddDays(i)), days.Select(d => d.Day));
        var (was, now) = (Days(before).Single(d => d.Day == day), days.Single(d => d.Day == day));
        Assert.Equal((was.Messages + 2, was.Reports + 1), (now.Messages, now.Reports));
    }

    [Fact]
    public async Task Stats_are_for_admins_only()
    {
        var user = app.NewUser();

        Assert.Equal(403, (int)(await app.SendAsync(HttpMethod.Get, "api/admin/stats", user.Token)).StatusCode);
        Assert.Equal(401, (int)(await app.SendAsync(HttpMethod.Get, "api/admin/stats")).StatusCode);
    }

    private async Task<JsonElement> StatsAsync() => await app.GetJsonAsync("api/admin/stats", app.AdminToken);

    private static long Of(JsonElement stats, string list, string key, string value) =>
        stats.GetProperty(list).EnumerateArray().Single(c => c.GetProperty(key).GetString() == value).GetProperty("count").GetInt64();

    private static List<string?> Keys(JsonElement stats, string list, string key) => [.. stats.GetProperty(list).EnumerateArray().Select(c => c.GetProperty(key).GetString())];

    private static List<(DateOnly Day, long Messages, long Reports)> Days(JsonElement stats) =>
    [
        .. stats.GetProperty("daily").EnumerateArray().Select(d => (
            DateOnly.ParseExact(d.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.GetProperty("messages").GetInt64(),
            d.GetProperty("reports").GetInt64())),
    ];

    /// <summary>Moves the rows' creation to noon UTC of <paramref name="day"/>, a day no other test writes to.</summary>
    private static async Task MoveToDayAsync(DateOnly day, Guid[] messages, Guid[] reports)
    {
        var at = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        await using var connection = new NpgsqlConnection(Database);
        Assert.Equal(messages.Length, await connection.ExecuteAsync("update messaging.messages set created_at = @at where id = any(@messages)", new { at, messages }));
        Assert.Equal(reports.Length, await connection.ExecuteAsync("update messaging.reports set created_at = @at where id = any(@reports)", new { at, reports }));
    }
}

using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// Issue 17, admin dashboards: request-service's GET /api/admin/stats. Totals are checked as "grew by";
/// the 30-day series exactly on a past day that only this test's rows are moved to.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AdminStatsTests(StackFixture stack)
{
    [Fact]
    public async Task Stats_count_requests_by_status_stuck_approvals_ratings_and_the_last_30_days()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-Random.Shared.Next(3, 28));
        var donor = await stack.NewUserAsync("donor");
        var (r1, r2) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);
        var before = await StatsAsync();

        var (stuck, rated) = (await stack.RequestIdAsync(r1, donation), await stack.RequestIdAsync(r2, donation));
        await using (var connection = new NpgsqlConnection(TestEnvironment.MainDb))
        {
            // One approval the saga never finished (20 minutes ago), and a rating of 2 for the other request, all on `day`.
            var at = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
            Assert.Equal(1, await connection.ExecuteAsync(
                "update request.requests set status = 'approving', updated_at = now() - interval '20 minutes' where id = @stuck", new { stuck }));
            Assert.Equal(1, await connection.ExecuteAsync(
                """
                insert into request.ratings (id, request_id, donor_id, recipient_id, rating, created_at)
                values (gen_random_uuid(), @rated, @donor, @recipient, 2, @at)
                """,
                new { rated, donor = donor.Id, recipient = r2.Id, at }));
            Assert.Equal(2, await connection.ExecuteAsync("update request.requests set created_at = @at where id = any(@ids)", new { at, ids = new[] { stuck, rated } }));
        }

        var after = await StatsAsync();

        Assert.Equal(Long(before, "stuck_approvals") + 1, Long(after, "stuck_approvals"));
        Assert.Equal(["pending", "approving", "approved", "rejected", "cancelled", "completed"], Keys(after).Take(6));
        Assert.Equal(Of(before, "pending") + 1, Of(after, "pending"));
        Assert.Equal(Of(before, "approving") + 1, Of(after, "approving"));
        Assert.Equal(Long(before, "ratings") + 1, Long(after, "ratings"));
        var average = await StackFixture.ScalarAsync<decimal>("select round(avg(rating), 2) from request.ratings");
        Assert.Equal(average, after.GetProperty("average_rating").GetDecimal());

        var days = Days(after);
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), days[^1].Day);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => days[0].Day.AddDays(i)), days.Select(d => d.Day));
        var (was, now) = (Days(before).Single(d => d.Day == day), days.Single(d => d.Day == day));
        Assert.Equal((was.Requests + 2, was.Ratings + 1), (now.Requests, now.Ratings));
    }

    [Fact]
    public async Task Stats_are_for_admins_only()
    {
        var user = await stack.NewUserAsync();

        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/admin/stats", user.Token), 403);
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/admin/stats"), 401);
    }

    private async Task<JsonElement> StatsAsync() =>
        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/admin/stats", stack.AdminToken), 200);

    private static long Long(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    private static long Of(JsonElement stats, string status) =>
        stats.GetProperty("requests_by_status").EnumerateArray().Single(c => c.GetProperty("status").GetString() == status).GetProperty("count").GetInt64();

    private static List<string?> Keys(JsonElement stats) => [.. stats.GetProperty("requests_by_status").EnumerateArray().Select(c => c.GetProperty("status").GetString())];

    private static List<(DateOnly Day, long Requests, long Ratings)> Days(JsonElement stats) =>
    [
        .. stats.GetProperty("daily").EnumerateArray().Select(d => (
            DateOnly.ParseExact(d.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.GetProperty("requests").GetInt64(),
            d.GetProperty("ratings").GetInt64())),
    ];
}

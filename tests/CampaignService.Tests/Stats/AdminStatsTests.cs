using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Stats;

/// <summary>
/// Issue 17, admin dashboards: campaign-service's GET /api/admin/stats. Other tests write at the same
/// time, so queue and status totals are checked as "grew by at least"; the money raised is checked
/// exactly in a currency no other test contributes in (KES), and the 30-day series exactly on a past
/// day that only this test's rows are moved to.
/// </summary>
[Collection(Http.CampaignServiceCollection.Name)]
public sealed class AdminStatsTests(Http.CampaignServiceFixture api)
{
    [Fact]
    public async Task Stats_count_the_queues_the_states_the_money_raised_per_currency_and_the_last_30_days()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-Random.Shared.Next(3, 28));
        var before = await StatsAsync();

        var owner = await api.VerifiedRecipientAsync();
        var pending = IdOf(await api.CreateCampaignAsync(owner.Token, currency: "kes"));
        var (_, active) = await api.ActiveCampaignAsync(goal: 100_000m, currency: "kes");
        var giver = api.NewUser();
        var gifts = new[]
        {
            IdOf(await api.ExpectAsync(await api.ContributeAsync(active, giver.Token, 250.50m), 201)),
            IdOf(await api.ExpectAsync(await api.ContributeAsync(active, giver.Token, 100.25m), 201)),
        };
        await MoveToDayAsync(day, [pending, active], gifts);

        var after = await StatsAsync();

        // Totals over the whole database move with every other test running at the same time (reviews,
        // refunds, account erasures): they are checked for consistency here, and counted exactly on
        // what only this test touches (its currency and the day its rows were moved to).
        Assert.Equal(Of(after, "campaigns_by_status", "pending"), after.GetProperty("pending_campaigns").GetInt64());
        Assert.True(Of(after, "campaigns_by_status", "active") >= 1);
        Assert.True(Of(after, "contributions_by_status", "confirmed") >= 2);
        Assert.Equal(["pending", "active", "paused", "completed", "rejected"], Keys(after, "campaigns_by_status").Take(5));
        Assert.Equal(["pending", "confirmed", "cancelled", "refund_pending", "refunded"], Keys(after, "contributions_by_status").Take(5));

        var (raisedBefore, raisedAfter) = (Raised(before, "kes"), Raised(after, "kes"));
        Assert.Equal((raisedBefore.Amount + 350.75m, raisedBefore.Contributions + 2), (raisedAfter.Amount, raisedAfter.Contributions));
        var currencies = after.GetProperty("raised").EnumerateArray().Select(r => r.GetProperty("currency").GetString()).ToList();
        Assert.Equal(currencies.Distinct().Order(StringComparer.Ordinal), currencies);

        var days = Days(after);
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), days[^1].Day);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => days[0].Day.AddDays(i)), days.Select(d => d.Day));
        var (was, now) = (Days(before).Single(d => d.Day == day), days.Single(d => d.Day == day));
        Assert.Equal((was.Campaigns + 2, was.Contributions + 2, was.Confirmed + 2), (now.Campaigns, now.Contributions, now.Confirmed));
    }

    [Fact]
    public async Task Stats_are_for_admins_only()
    {
        var owner = await api.VerifiedRecipientAsync();

        Assert.Equal(403, (int)(await api.SendAsync(HttpMethod.Get, "api/admin/stats", owner.Token)).StatusCode);
        Assert.Equal(401, (int)(await api.SendAsync(HttpMethod.Get, "api/admin/stats")).StatusCode);
    }

    private async Task<JsonElement> StatsAsync() => await api.GetJsonAsync("api/admin/stats", api.AdminToken);

    private static long Of(JsonElement stats, string list, string status) =>
        stats.GetProperty(list).EnumerateArray().Single(c => c.GetProperty("status").GetString() == status).GetProperty("count").GetInt64();

    private static List<string?> Keys(JsonElement stats, string list) => [.. stats.GetProperty(list).EnumerateArray().Select(c => c.GetProperty("status").GetString())];

    private static (decimal Amount, long Contributions) Raised(JsonElement stats, string currency) =>
        stats.GetProperty("raised").EnumerateArray().Where(r => r.GetProperty("currency").GetString() == currency)
            .Select(r => (r.GetProperty("amount").GetDecimal(), r.GetProperty("contributions").GetInt64())).SingleOrDefault();

    private static List<(DateOnly Day, long Campaigns, long Contributions, long Confirmed)> Days(JsonElement stats) =>
    [
        .. stats.GetProperty("daily").EnumerateArray().Select(d => (
            DateOnly.ParseExact(d.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.GetProperty("campaigns").GetInt64(),
            d.GetProperty("contributions").GetInt64(),
            d.GetProperty("confirmed").GetInt64())),
    ];

    /// <summary>Moves the rows' creation to noon UTC of <paramref name="day"/>, a day no other test writes to.</summary>
    private static async Task MoveToDayAsync(DateOnly day, Guid[] campaigns, Guid[] contributions)
    {
        var at = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        await using var connection = new NpgsqlConnection(TestEnvironment.CampaignDb);
        Assert.Equal(campaigns.Length, await connection.ExecuteAsync("update campaign.campaigns set created_at = @at where id = any(@campaigns)", new { at, campaigns }));
        Assert.Equal(contributions.Length, await connection.ExecuteAsync("update campaign.contributions set created_at = @at where id = any(@contributions)", new { at, contributions }));
    }
}

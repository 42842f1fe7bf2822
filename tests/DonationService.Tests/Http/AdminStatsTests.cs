using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 17, admin dashboards: GET /api/admin/stats. Other tests write to the same tables at the same
/// time, so totals are checked as "grew by at least"; the 30-day series are checked exactly on a day in
/// the past that only this test writes to (its rows are moved there).
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class AdminStatsTests(DonationServiceFixture api)
{
    [Fact]
    public async Task Stats_count_the_queues_the_states_the_users_and_the_last_30_days()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-Random.Shared.Next(3, 28));
        var before = await StatsAsync();

        var donor = await api.NewUserAsync("donor");
        var recipient = await api.NewUserAsync();
        await api.ExpectAsync(await api.RequestVerificationAsync(recipient), 200);
        var pending = new[] { IdOf(await api.CreateDonationAsync(donor.Token)), IdOf(await api.CreateDonationAsync(donor.Token)) };
        var available = IdOf(await api.CreateDonationAsync(donor.Token));
        await api.ApproveAsync(available);
        var deleted = IdOf(await api.CreateDonationAsync(donor.Token));
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{deleted}", donor.Token), 204);
        await MoveToDayAsync(day, [donor.Id, recipient.Id], [.. pending, available, deleted]);

        var after = await StatsAsync();

        Assert.True(Count(after, "pending_donations") >= Count(before, "pending_donations") + 2, $"{before}\n{after}");
        Assert.True(Count(after, "pending_verifications") >= Count(before, "pending_verifications") + 1);
        Assert.True(Of(after, "donations_by_status", "available") >= Of(before, "donations_by_status", "available") + 1);
        Assert.True(Of(after, "users_by_role", "donor", "role") >= Of(before, "users_by_role", "donor", "role") + 1);
        Assert.Equal(Of(after, "donations_by_status", "pending"), Count(after, "pending_donations"));
        Assert.Equal(["pending", "available", "rejected", "claimed", "completed", "expired"], Statuses(after, "donations_by_status").Take(6));
        Assert.Equal(["donor", "recipient", "admin"], after.GetProperty("users_by_role").EnumerateArray().Select(c => c.GetProperty("role").GetString()).Take(3));

        // The series: 30 UTC days, oldest first, today last; the day the rows moved to grew by exactly them (the deleted donation left out).
        var days = Days(after);
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), days[^1].Day);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => days[0].Day.AddDays(i)), days.Select(d => d.Day));
        var (was, now) = (Days(before).Single(d => d.Day == day), days.Single(d => d.Day == day));
        Assert.Equal((was.NewUsers + 2, was.Donations + 3), (now.NewUsers, now.Donations));
    }

    [Fact]
    public async Task Stats_are_for_admins_only()
    {
        var donor = await api.NewUserAsync("donor");

        await api.AssertProblemAsync(await api.GetAsync("api/admin/stats", donor.Token), 403);
        await api.AssertProblemAsync(await api.GetAsync("api/admin/stats"), 401);
    }

    private async Task<JsonElement> StatsAsync() => await api.GetJsonAsync("api/admin/stats", api.AdminToken());

    private static long Count(JsonElement stats, string name) => stats.GetProperty(name).GetInt64();

    private static long Of(JsonElement stats, string list, string value, string key = "status") =>
        stats.GetProperty(list).EnumerateArray().Single(c => c.GetProperty(key).GetString() == value).GetProperty("count").GetInt64();

    private static List<string?> Statuses(JsonElement stats, string list) => [.. stats.GetProperty(list).EnumerateArray().Select(c => c.GetProperty("status").GetString())];

    private static List<(DateOnly Day, long NewUsers, long Donations)> Days(JsonElement stats) =>
    [
        .. stats.GetProperty("daily").EnumerateArray().Select(d => (
            DateOnly.ParseExact(d.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.GetProperty("new_users").GetInt64(),
            d.GetProperty("donations").GetInt64())),
    ];

    /// <summary>Moves the rows' creation to noon UTC of <paramref name="day"/>, a day no other test writes to.</summary>
    private static async Task MoveToDayAsync(DateOnly day, Guid[] profiles, Guid[] donations)
    {
        var at = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc);
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        Assert.Equal(profiles.Length, await connection.ExecuteAsync("update donation.profiles set created_at = @at where id = any(@profiles)", new { at, profiles }));
        Assert.Equal(donations.Length, await connection.ExecuteAsync("update donation.donations set created_at = @at where id = any(@donations)", new { at, donations }));
    }
}

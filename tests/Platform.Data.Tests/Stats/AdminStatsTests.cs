using Platform.Data.Stats;

namespace Platform.Data.Tests.Stats;

/// <summary>The 30-day window of the admin dashboards: UTC calendar days, today last, whatever the caller's offset.</summary>
public sealed class AdminStatsTests
{
    [Fact]
    public void The_window_is_the_30_utc_days_ending_today_in_utc()
    {
        // 00:30 on 1 March at +02:00 is still 28 February in UTC.
        var now = new DateTimeOffset(2026, 3, 1, 0, 30, 0, TimeSpan.FromHours(2));

        var days = AdminStats.Last30Days(now);
        var (first, since) = AdminStats.Window(now);

        Assert.Equal(30, days.Count);
        Assert.Equal(new DateOnly(2026, 2, 28), days[^1]);
        Assert.Equal(new DateOnly(2026, 1, 30), days[0]);
        Assert.Equal(days[0], first);
        Assert.Equal(new DateTime(2026, 1, 30, 0, 0, 0, DateTimeKind.Utc), since);
        Assert.Equal(DateTimeKind.Utc, since.Kind);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => first.AddDays(i)), days);
    }

    [Fact]
    public void Of_reads_a_state_and_counts_an_absent_one_as_zero()
    {
        IReadOnlyList<StatusCount> counts = [new("pending", 3), new("active", 0)];

        Assert.Equal((3L, 0L, 0L), (counts.Of("pending"), counts.Of("active"), counts.Of("paused")));
    }
}

using System.Text.Json;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Issue 17: campaign search and orders (q, sort) with their cursors, and deadlines (ends_at, the ended state, campaign.ended once).</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class CampaignSearchAndDeadlineTests(CampaignServiceFixture api)
{
    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Q_finds_words_of_titles_and_descriptions_and_relevance_puts_title_matches_first()
    {
        var word = Word();
        var owner = await api.VerifiedRecipientAsync();
        var inDescription = await CreateAsync(owner, title: "Books for pupils", description: $"We need {word} books");
        var inTitle = await CreateAsync(owner, title: $"{word} for the shelter");
        await CreateAsync(owner, title: "Unrelated");
        await api.ReviewAsync(inDescription, "approve");
        await api.ReviewAsync(inTitle, "approve");

        Assert.Equal([inTitle, inDescription], Ids(await api.GetJsonAsync($"api/campaigns?q={word}")));
        Assert.Equal([inTitle, inDescription], Ids(await api.GetJsonAsync($"api/campaigns?q={word}&sort=relevance")));
        Assert.Equal([inDescription], Ids(await api.GetJsonAsync($"api/campaigns?q={Uri.EscapeDataString($"{word} -shelter")}")));
        Assert.Equal([inTitle], Ids(await api.GetJsonAsync($"api/campaigns?q={word}&sort=relevance&limit=1")));
    }

    [Fact]
    public async Task Most_and_least_funded_order_by_the_share_of_the_goal_and_page_with_their_own_cursors()
    {
        var owner = await api.VerifiedRecipientAsync();
        var shares = new[] { (Goal: 100m, Given: 50m), (Goal: 1000m, Given: 100m), (Goal: 200m, Given: 150m), (Goal: 500m, Given: 0m) };
        var ids = new List<Guid>();
        foreach (var (goal, given) in shares)
        {
            var id = await CreateAsync(owner, goal: goal);
            await api.ReviewAsync(id, "approve");
            if (given > 0)
            {
                await api.ExpectAsync(await RetryingUnavailableAsync(() => api.ContributeAsync(id, api.NewUser().Token, given)), 201);
            }

            ids.Add(id);
        }

        // shares: 0.5, 0.1, 0.75, 0
        Assert.Equal([ids[2], ids[0], ids[1], ids[3]], await AllPagesAsync($"api/campaigns?recipient_id={owner.Id}&sort=most_funded&limit=3"));
        Assert.Equal([ids[3], ids[1], ids[0], ids[2]], await AllPagesAsync($"api/campaigns?recipient_id={owner.Id}&sort=least_funded&limit=3"));
    }

    [Fact]
    public async Task Ending_soon_lists_the_nearest_deadline_first_and_campaigns_without_one_last_across_pages()
    {
        var owner = await api.VerifiedRecipientAsync();
        var now = DateTimeOffset.UtcNow;
        var none1 = await CreateAsync(owner);
        var inTenDays = await CreateAsync(owner, endsAt: now.AddDays(10));
        var inTwoDays = await CreateAsync(owner, endsAt: now.AddDays(2));
        var none2 = await CreateAsync(owner);
        var inFiveDays = await CreateAsync(owner, endsAt: now.AddDays(5).AddTicks(1234567));

        var order = await AllPagesAsync($"api/campaigns?recipient_id={owner.Id}&sort=ending_soon&limit=2", owner.Token);

        Assert.Equal([inTwoDays, inFiveDays, inTenDays, .. new[] { none1, none2 }.Order()], order);
        var view = await api.GetJsonAsync($"api/campaigns/{inFiveDays}", owner.Token);
        Assert.Equal(now.AddDays(5).AddTicks(1234567).UtcDateTime, view.GetProperty("ends_at").GetDateTime(), TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("sort=distance", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("q=-only%20-excluded", "q")]
    [InlineData("q=%22%22%20or", "q")]
    [InlineData("q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m", "q")]
    public async Task A_bad_sort_or_q_is_400_naming_the_parameter(string query, string field)
    {
        var problem = await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, "api/campaigns?" + query), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_cursor_of_one_sort_given_with_another_is_400_on_cursor()
    {
        var owner = await api.VerifiedRecipientAsync();
        await CreateAsync(owner);
        await CreateAsync(owner);
        var page = await api.GetJsonAsync($"api/campaigns?recipient_id={owner.Id}&sort=most_funded&limit=1", owner.Token);
        var cursor = page.GetProperty("next_cursor").GetString()!;

        foreach (var other in new[] { string.Empty, "&sort=least_funded", "&sort=ending_soon", "&sort=newest" })
        {
            var problem = await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns?recipient_id={owner.Id}&cursor={cursor}{other}", owner.Token), 400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), problem.ToString());
        }
    }

    [Theory]
    [InlineData("ending_soon", 1e300)]
    [InlineData("ending_soon", -1e300)]
    [InlineData("ending_soon", double.NegativeInfinity)]
    [InlineData("most_funded", double.PositiveInfinity)]
    [InlineData("relevance", -1e-300)]
    public async Task A_forged_cursor_of_the_right_sort_is_answered_never_a_5xx(string sort, double key)
    {
        var cursor = Platform.Hosting.Http.Cursor.Sorted(sort, key, Guid.NewGuid()).Encode();

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns?q=word&sort={sort}&cursor={cursor}"), 200);
    }

    [Fact]
    public async Task Ends_at_must_be_in_the_future_and_at_most_365_days_ahead()
    {
        var owner = await api.VerifiedRecipientAsync();
        foreach (var endsAt in new[] { DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), DateTimeOffset.UtcNow.AddDays(366).ToString("O"), "tomorrow", "2026-13-01T00:00:00Z" })
        {
            var problem = await api.ExpectAsync(
                await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, new { title = "Deadline", category = "food", goal_amount = 100m, ends_at = endsAt }), 400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("ends_at", out _), problem.ToString());
        }
    }

    [Fact]
    public async Task At_its_deadline_an_active_campaign_ends_once_publishes_campaign_ended_and_takes_no_more_money()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = await CreateAsync(owner, goal: 500m, endsAt: DateTimeOffset.UtcNow.AddDays(1));
        var paused = await CreateAsync(owner, goal: 500m, endsAt: DateTimeOffset.UtcNow.AddDays(1));
        var later = await CreateAsync(owner, goal: 500m, endsAt: DateTimeOffset.UtcNow.AddDays(1));
        foreach (var campaign in new[] { id, paused, later })
        {
            await api.ReviewAsync(campaign, "approve");
        }

        var contributor = api.NewUser();
        await api.ExpectAsync(await RetryingUnavailableAsync(() => api.ContributeAsync(id, contributor.Token, 20m)), 201);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{paused}/pause", owner.Token), 200);

        // The deadline passes (moved into the past directly: the API accepts only future deadlines).
        await ScalarAsync<int>(
            "update campaign.campaigns set ends_at = now() - interval '1 second' where id = any(@ids) returning 1",
            new { ids = new[] { id, paused } });

        await api.EventuallyAsync(async () => Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status") == "ended", "the campaign ended");
        await api.EventuallyAsync(async () => Text(await api.GetJsonAsync($"api/campaigns/{paused}"), "status") == "ended", "the paused campaign ended");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // more sweeps pass: none ends it again
        var ended = await api.GetJsonAsync($"api/campaigns/{id}");

        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("ended_at").ValueKind);
        Assert.Equal("20.00", ended.GetProperty("collected_amount").GetRawText());
        Assert.Equal(1, await CountOutboxAsync("campaign.ended", id));
        Assert.Equal(1, await CountOutboxAsync("campaign.ended", paused));
        Assert.Equal(0, await CountOutboxAsync("campaign.ended", later));
        Assert.Equal("active", Text(await api.GetJsonAsync($"api/campaigns/{later}"), "status"));
        Assert.Equal(
            contributor.Id.ToString(),
            await ScalarAsync<string>(
                "select envelope::jsonb #>> '{data,contributor_ids,0}' from campaign.outbox where event_type = 'campaign.ended' and envelope::jsonb #>> '{data,campaign,campaign_id}' = @id",
                new { id = id.ToString() }));

        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 5m), 409);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{paused}/resume", owner.Token), 409);
        await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, new { title = "Again", category = "food", goal_amount = 500m }), 409);
        Assert.Contains(id, Ids(await api.GetJsonAsync($"api/campaigns?recipient_id={owner.Id}&status=ended")));
    }

    [Fact]
    public async Task A_pending_campaign_whose_deadline_passed_cannot_be_approved_and_a_running_one_past_it_takes_no_contribution()
    {
        var owner = await api.VerifiedRecipientAsync();
        var pending = await CreateAsync(owner, endsAt: DateTimeOffset.UtcNow.AddDays(1));
        await ScalarAsync<int>("update campaign.campaigns set ends_at = now() - interval '1 second' where id = @pending returning 1", new { pending });

        var problem = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/admin/campaigns/{pending}/review", api.AdminToken, new { decision = "approve" }), 409);
        Assert.Contains("deadline", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", Text(await api.GetJsonAsync($"api/campaigns/{pending}", owner.Token), "status"));
    }

    private async Task<Guid> CreateAsync(TestUser owner, string? title = null, string? description = null, decimal goal = 1000m, DateTimeOffset? endsAt = null) =>
        IdOf(await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, new
            {
                title = title ?? "Campaign " + Guid.NewGuid().ToString("N")[..8],
                description,
                category = "community",
                goal_amount = goal,
                ends_at = endsAt?.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
            }),
            201));

    private async Task<List<Guid>> AllPagesAsync(string path, string? token = null)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.GetJsonAsync(path + (cursor is null ? string.Empty : "&cursor=" + cursor), token);
            ids.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && ++pages < 10);

        return ids;
    }
}

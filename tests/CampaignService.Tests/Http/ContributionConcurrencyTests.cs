using System.Text.Json;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Contributions racing on one campaign: nothing lost, one completion, one effect per Idempotency-Key.</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class ContributionConcurrencyTests(CampaignServiceFixture api)
{
    [Fact]
    public async Task Five_hundred_concurrent_contributions_add_up_to_their_exact_sum_and_count_distinct_contributors()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 10_000_000m);
        var donors = Enumerable.Range(0, 120).Select(_ => api.NewUser()).ToArray();
        var random = new Random(20250105);
        var gifts = Enumerable.Range(0, 500).Select(i => (Donor: donors[i % donors.Length], Amount: random.Next(1, 100_001) / 100m)).ToArray();

        var responses = await Task.WhenAll(gifts.Select(async g => await api.ExpectAsync(await RetryingUnavailableAsync(() => api.ContributeAsync(id, g.Donor.Token, g.Amount)), 201)));

        var campaign = await api.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(gifts.Sum(g => g.Amount), campaign.GetProperty("collected_amount").GetDecimal());
        Assert.Equal(donors.Length, campaign.GetProperty("contributor_count").GetInt32());
        Assert.Equal("active", Text(campaign, "status"));
        Assert.Equal(gifts.Sum(g => g.Amount), responses.Max(r => r.GetProperty("collected_amount").GetDecimal()));
        Assert.Equal(500, responses.Select(r => r.GetProperty("collected_amount").GetDecimal()).Distinct().Count());
        Assert.Equal(500L, await ScalarAsync<long>("select count(*) from campaign.contributions where campaign_id = @id", new { id }));
        Assert.Equal(500L, await CountOutboxAsync("campaign.contributed", id));
    }

    [Fact]
    public async Task Concurrent_contributions_crossing_the_goal_complete_the_campaign_once()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var donors = Enumerable.Range(0, 60).Select(_ => api.NewUser()).ToArray();

        var statuses = await Task.WhenAll(donors.Select(async d =>
        {
            using var response = await api.ContributeAsync(id, d.Token, 7.00m);
            return (int)response.StatusCode;
        }));

        // 15 × 7.00 = 105.00: the fifteenth reaches the goal (and overshoots it); the rest find the campaign completed.
        Assert.Equal(15, statuses.Count(s => s == 201));
        Assert.Equal(45, statuses.Count(s => s == 409));
        var campaign = await api.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(("completed", 105.00m, 15), (Text(campaign, "status"), campaign.GetProperty("collected_amount").GetDecimal(), campaign.GetProperty("contributor_count").GetInt32()));
        Assert.Equal(1L, await CountOutboxAsync("campaign.completed", id));
        var completed = JsonDocument.Parse(await ScalarAsync<string>(
            "select envelope from campaign.outbox where event_type = 'campaign.completed' and envelope::jsonb #>> '{data,campaign,campaign_id}' = @id",
            new { id = id.ToString() }));
        Assert.Equal(15, completed.RootElement.GetProperty("data").GetProperty("contributor_ids").GetArrayLength());
    }

    [Fact]
    public async Task Twenty_parallel_posts_with_one_idempotency_key_make_one_contribution()
    {
        var (_, id) = await api.ActiveCampaignAsync();
        var donor = api.NewUser();
        var key = "retry-" + Guid.NewGuid().ToString("N");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 33.33m, key), 201)));

        Assert.Single(answers.Select(IdOf).Distinct());
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from campaign.contributions where campaign_id = @id", new { id }));
        Assert.Equal(33.33m, (await api.GetJsonAsync($"api/campaigns/{id}")).GetProperty("collected_amount").GetDecimal());
        Assert.Equal(1L, await CountOutboxAsync("campaign.contributed", id));
    }
}

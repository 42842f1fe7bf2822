using System.Text.Json;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Contributions over HTTP: the answer, who reads them, and refusals.</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class ContributionApiTests(CampaignServiceFixture api)
{
    [Fact]
    public async Task Contribute_answers_201_with_the_new_collected_amount_and_publishes_campaign_contributed()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var donor = api.NewUser();

        await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 12.5m), 201);
        var second = await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 1.01m), 201);

        Assert.Equal(("1.01", "13.51", 1, "active"), (second.GetProperty("amount").GetRawText(), second.GetProperty("collected_amount").GetRawText(),
            second.GetProperty("contributor_count").GetInt32(), Text(second, "campaign_status")));
        Assert.Equal(("confirmed", "development", 101L), (Text(second, "status"), Text(second, "provider"), second.GetProperty("amount_minor").GetInt64()));
        Assert.Equal(2, await CountOutboxAsync("campaign.contributed", id));
    }

    [Theory]
    [InlineData("""{"amount":0.001}""")]
    [InlineData("""{"amount":0.99}""")]
    [InlineData("""{"amount":100000.01}""")]
    [InlineData("""{"amount":1000000.01}""")]
    [InlineData("""{"amount":"5.00"}""")]
    [InlineData("""{"amount":-1}""")]
    public async Task Contribute_is_400_for_a_bad_amount(string body)
    {
        var (_, id) = await api.ActiveCampaignAsync();

        var problem = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/contributions", api.NewUser().Token, body), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty("amount", out _), problem.ToString());
    }

    [Fact]
    public async Task Contribute_is_409_for_a_pending_campaign_an_admin_sees_403_for_its_owner_and_404_for_others()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = IdOf(await api.CreateCampaignAsync(owner.Token));

        Assert.Contains("(status: pending)", Text(await api.ExpectAsync(await api.ContributeAsync(id, api.AdminToken, 5), 409), "detail"), StringComparison.Ordinal);
        Assert.Contains("own campaign", Text(await api.ExpectAsync(await api.ContributeAsync(id, owner.Token, 5), 403), "detail"), StringComparison.Ordinal);
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 5), 404);
        await api.ExpectAsync(await api.ContributeAsync(Guid.NewGuid(), api.NewUser().Token, 5), 404);
    }

    [Fact]
    public async Task Contribute_is_403_for_a_blocked_user()
    {
        var (_, id) = await api.ActiveCampaignAsync();
        var blocked = api.NewUser();
        await SeedProfileAsync(blocked.Id, "donor", "none", blocked: true, version: 1);

        await api.ExpectAsync(await api.ContributeAsync(id, blocked.Token, 5), 403);
    }

    [Fact]
    public async Task ListContributions_shows_the_owner_and_admins_everything_and_others_their_own()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        var a = api.NewUser();
        var b = api.NewUser();
        await api.ExpectAsync(await api.ContributeAsync(id, a.Token, 1), 201);
        await api.ExpectAsync(await api.ContributeAsync(id, b.Token, 2), 201);
        await api.ExpectAsync(await api.ContributeAsync(id, a.Token, 3), 201);

        Assert.Equal(3, Contributors(await api.GetJsonAsync($"api/campaigns/{id}/contributions", owner.Token)).Count);
        Assert.Equal(3, Contributors(await api.GetJsonAsync($"api/campaigns/{id}/contributions", api.AdminToken)).Count);
        Assert.Equal([a.Id, a.Id], Contributors(await api.GetJsonAsync($"api/campaigns/{id}/contributions", a.Token)));
        Assert.Empty(Contributors(await api.GetJsonAsync($"api/campaigns/{id}/contributions", api.NewUser().Token)));
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}/contributions"), 401);

        var page = await api.GetJsonAsync($"api/campaigns/{id}/contributions?limit=2", owner.Token);
        var rest = await api.GetJsonAsync($"api/campaigns/{id}/contributions?limit=2&cursor={Text(page, "next_cursor")}", owner.Token);
        Assert.Equal(["3.00", "2.00", "1.00"], page.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray())
            .Select(c => c.GetProperty("amount").GetRawText()));
    }

    [Fact]
    public async Task Same_idempotency_key_with_another_body_is_422_and_a_retry_replays_the_first_answer()
    {
        var (_, id) = await api.ActiveCampaignAsync();
        var donor = api.NewUser();
        var key = "contribution-" + Guid.NewGuid().ToString("N");

        var first = await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 7.25m, key), 201);
        using var replay = await api.ContributeAsync(id, donor.Token, 7.25m, key);
        var replayed = await api.ExpectAsync(replay, 201);

        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(IdOf(first), IdOf(replayed));
        await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 8, key), 422);
        Assert.Equal(7.25m, await ScalarAsync<decimal>("select collected_amount from campaign.campaigns where id = @id", new { id }));
    }

    private static List<Guid> Contributors(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("contributor_id").GetGuid()).ToList();
}

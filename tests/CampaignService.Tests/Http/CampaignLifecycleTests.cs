using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Pause, resume and delete over HTTP: who may, from which state, and the events.</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class CampaignLifecycleTests(CampaignServiceFixture api)
{
    [Fact]
    public async Task Owner_pauses_and_resumes_and_each_forbidden_transition_is_409_with_the_state()
    {
        var (owner, id) = await api.ActiveCampaignAsync();

        Assert.Equal("paused", Text(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/pause", owner.Token), 200), "status"));
        Assert.Equal("paused", Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status"));
        var again = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/pause", owner.Token), 409);
        Assert.Contains("(status: paused)", Text(again, "detail"), StringComparison.Ordinal);
        Assert.Contains("(status: paused)", Text(await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 1), 409), "detail"), StringComparison.Ordinal);

        Assert.Equal("active", Text(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/resume", owner.Token), 200), "status"));
        Assert.Equal(2, await CountOutboxAsync("campaign.status_changed", id));
    }

    [Fact]
    public async Task The_currency_is_chosen_at_creation_changed_while_pending_kept_when_omitted_and_fixed_after_review()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = IdOf(await api.CreateCampaignAsync(owner.Token, 5000m, currency: "etb"));
        Task<HttpResponseMessage> Edit(object body) => api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, body);

        var changed = await api.ExpectAsync(await Edit(new { title = "Books", category = "education", goal_amount = 5000, currency = "jpy" }), 200);
        var kept = await api.ExpectAsync(await Edit(new { title = "Books", category = "education", goal_amount = 6000 }), 200);
        await api.ReviewAsync(id, "approve");
        var refused = await api.ExpectAsync(await Edit(new { title = "Books", category = "education", goal_amount = 6000, currency = "usd" }), 409);
        var cents = await api.ExpectAsync(await Edit(new { title = "Books", category = "education", goal_amount = 6000.5 }), 400);

        Assert.Equal(("jpy", "jpy"), (Text(changed, "currency"), Text(kept, "currency")));
        Assert.Contains("(status: active, currency: jpy)", Text(refused, "detail"), StringComparison.Ordinal);
        Assert.True(cents.GetProperty("errors").TryGetProperty("goal_amount", out _));
        Assert.Equal(("jpy", 6000m), (Text(await api.GetJsonAsync($"api/campaigns/{id}"), "currency"), (await api.GetJsonAsync($"api/campaigns/{id}")).GetProperty("goal_amount").GetDecimal()));
    }

    [Fact]
    public async Task Pause_is_403_for_someone_else_and_404_for_a_pending_campaign_of_someone_else()
    {
        var (_, active) = await api.ActiveCampaignAsync();
        var owner = await api.VerifiedRecipientAsync();
        var pending = IdOf(await api.CreateCampaignAsync(owner.Token));
        var stranger = api.NewUser();

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{active}/pause", stranger.Token), 403);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{pending}/pause", stranger.Token), 404);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{pending}/resume", owner.Token), 409);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{pending}/pause"), 401);
    }

    [Fact]
    public async Task Owner_deletes_a_campaign_without_contributions_and_then_nobody_sees_it()
    {
        var (owner, id) = await api.ActiveCampaignAsync();

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", owner.Token), 204);

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}", api.AdminToken), 404);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", owner.Token), 404);
        Assert.DoesNotContain(id, Ids(await api.GetJsonAsync($"api/campaigns?recipient_id={owner.Id}", owner.Token)));
        Assert.Equal(1, await CountOutboxAsync("campaign.deleted", id));
    }

    [Fact]
    public async Task Owner_cannot_delete_after_a_contribution_but_an_admin_can()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 10), 201);

        var refused = await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", owner.Token), 409);
        Assert.Contains("(status: active", Text(refused, "detail"), StringComparison.Ordinal);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", api.NewUser().Token), 403);

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", api.AdminToken), 204);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}", owner.Token), 404);
    }
}

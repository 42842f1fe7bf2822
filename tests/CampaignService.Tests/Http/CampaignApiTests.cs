using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Creating, reviewing, reading and listing campaigns over HTTP: rules and visibility.</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class CampaignApiTests(CampaignServiceFixture api)
{
    [Fact]
    public async Task CreateCampaign_by_a_verified_recipient_is_pending_and_visible_only_to_the_owner_and_admins()
    {
        var owner = await api.VerifiedRecipientAsync();

        var created = await api.CreateCampaignAsync(owner.Token, goal: 1500.5m);

        var id = IdOf(created);
        Assert.Equal(("pending", "1500.50", "0.00", 0), (Text(created, "status"), created.GetProperty("goal_amount").GetRawText(),
            created.GetProperty("collected_amount").GetRawText(), created.GetProperty("contributor_count").GetInt32()));
        Assert.Equal(404, (int)(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}")).StatusCode);
        Assert.Equal(404, (int)(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}", api.NewUser().Token)).StatusCode);
        Assert.Equal(id, IdOf(await api.GetJsonAsync($"api/campaigns/{id}", owner.Token)));
        Assert.Equal(id, IdOf(await api.GetJsonAsync($"api/campaigns/{id}", api.AdminToken)));
        Assert.Equal(1, await CountOutboxAsync("campaign.created", id));
    }

    [Fact]
    public async Task CreateCampaign_is_403_saying_verification_is_required_when_no_profile_copy_exists()
    {
        var response = await api.SendAsync(HttpMethod.Post, "api/campaigns", api.NewUser().Token, new { title = "Books", category = "education", goal_amount = 100 });

        var problem = await api.ExpectAsync(response, 403);
        Assert.Contains("verif", Text(problem, "detail"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("recipient", "requested", false)]
    [InlineData("donor", "approved", false)]
    [InlineData("recipient", "approved", true)]
    public async Task CreateCampaign_is_403_unless_the_copy_says_verified_unblocked_recipient(string role, string status, bool blocked)
    {
        var user = api.NewUser();
        await SeedProfileAsync(user.Id, role, status, blocked, version: 1);

        var response = await api.SendAsync(HttpMethod.Post, "api/campaigns", user.Token, new { title = "Books", category = "education", goal_amount = 100 });

        await api.ExpectAsync(response, 403);
    }

    [Fact]
    public async Task CreateCampaign_is_400_for_a_goal_over_ten_million_or_with_three_decimals()
    {
        var owner = await api.VerifiedRecipientAsync();

        var tooBig = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, """{"title":"A","category":"food","goal_amount":10000000.01}"""), 400);
        var tooFine = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, """{"title":"A","category":"food","goal_amount":1.234}"""), 400);

        Assert.True(tooBig.GetProperty("errors").TryGetProperty("goal_amount", out _));
        Assert.True(tooFine.GetProperty("errors").TryGetProperty("goal_amount", out _));
    }

    [Fact]
    public async Task Review_approve_makes_the_campaign_public_and_a_second_review_is_409_with_the_state()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = IdOf(await api.CreateCampaignAsync(owner.Token));

        Assert.Equal("active", Text(await api.ReviewAsync(id, "approve"), "status"));

        Assert.Equal("active", Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status"));
        var again = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/admin/campaigns/{id}/review", api.AdminToken, new { decision = "reject" }), 409);
        Assert.Contains("(status: active)", Text(again, "detail"), StringComparison.Ordinal);
        Assert.Equal(1, await CountOutboxAsync("campaign.reviewed", id));
    }

    [Fact]
    public async Task A_rejected_campaign_stays_private_and_cannot_be_edited()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = IdOf(await api.CreateCampaignAsync(owner.Token));
        await api.ReviewAsync(id, "reject");

        Assert.Equal(404, (int)(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}")).StatusCode);
        var edit = await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, new { title = "New", category = "food", goal_amount = 50 });
        Assert.Contains("(status: rejected)", Text(await api.ExpectAsync(edit, 409), "detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateCampaign_replaces_the_fields_and_publishes_campaign_updated()
    {
        var (owner, id) = await api.ActiveCampaignAsync(goal: 100m);

        var updated = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token,
            new { title = "Roof repair", category = "housing", location = "Leeds", goal_amount = 250.25m }), 200);

        // A new title, category and goal are material: the approved campaign goes back to review (issue 18, ReReviewTests).
        Assert.Equal(("Roof repair", "housing", "Leeds", 250.25m, "pending"),
            (Text(updated, "title"), Text(updated, "category"), Text(updated, "location"), updated.GetProperty("goal_amount").GetDecimal(), Text(updated, "status")));
        Assert.Equal(1, await CountOutboxAsync("campaign.updated", id));
        Assert.Equal(404, (int)(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", api.NewUser().Token, new { title = "X", category = "food", goal_amount = 5 })).StatusCode); // pending again: not visible
        var (_, active) = await api.ActiveCampaignAsync();
        Assert.Equal(403, (int)(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{active}", api.NewUser().Token, new { title = "X", category = "food", goal_amount = 5 })).StatusCode);
    }

    [Fact]
    public async Task UpdateCampaign_is_409_when_the_goal_would_not_exceed_the_collected_amount()
    {
        var (owner, id) = await api.ActiveCampaignAsync(goal: 100m);
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 40.00m), 201);

        var response = await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, new { title = "T", category = "food", goal_amount = 40.00m });

        Assert.Contains("collected_amount: 40.00", Text(await api.ExpectAsync(response, 409), "detail"), StringComparison.Ordinal);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, new { title = "T", category = "food", goal_amount = 40.01m }), 200);
    }

    [Fact]
    public async Task ListCampaigns_filters_and_pages_and_shows_pending_ones_only_to_their_owner()
    {
        var owner = await api.VerifiedRecipientAsync();
        var first = IdOf(await api.CreateCampaignAsync(owner.Token, category: "animals"));
        var second = IdOf(await api.CreateCampaignAsync(owner.Token, category: "animals"));
        var third = IdOf(await api.CreateCampaignAsync(owner.Token, category: "medical"));
        await api.ReviewAsync(first, "approve");

        var mine = $"api/campaigns?recipient_id={owner.Id}";
        Assert.Equal([first], Ids(await api.GetJsonAsync(mine)));
        Assert.Equal([first], Ids(await api.GetJsonAsync(mine, api.NewUser().Token)));
        Assert.Equal([third, second, first], Ids(await api.GetJsonAsync(mine, owner.Token)));
        Assert.Equal([second, first], Ids(await api.GetJsonAsync(mine + "&category=animals", api.AdminToken)));
        Assert.Equal([third, second], Ids(await api.GetJsonAsync(mine + "&status=pending", owner.Token)));

        var page1 = await api.GetJsonAsync(mine + "&limit=2", owner.Token);
        var page2 = await api.GetJsonAsync(mine + "&limit=2&cursor=" + Text(page1, "next_cursor"), owner.Token);
        Assert.Equal([third, second, first], Ids(page1).Concat(Ids(page2)));
        Assert.Null(Text(page2, "next_cursor"));
    }

    [Fact]
    public async Task ListCampaigns_is_400_for_an_unknown_status()
    {
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, "api/campaigns?status=deleted"), 400);
    }
}

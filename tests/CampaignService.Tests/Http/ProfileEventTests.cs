using Platform.Contracts.Events;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>Events from other services, sent through the real broker: the profile copy, blocks and moderation.</summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class ProfileEventTests(CampaignServiceFixture api)
{
    private static readonly object Body = new { title = "Books for pupils", category = "education", goal_amount = 500 };

    [Fact]
    public async Task An_unverified_user_is_refused_then_allowed_once_the_verification_event_has_arrived()
    {
        var user = api.NewUser();
        await api.PublishAndWaitAsync(new ProfileCreated(Snapshot(user.Id, "none", blocked: false, version: 1)));
        var refused = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", user.Token, Body), 403);
        Assert.Contains("verif", Text(refused, "detail"), StringComparison.OrdinalIgnoreCase);

        await api.Events.PublishAsync(new ProfileVerificationDecided(Snapshot(user.Id, "approved", blocked: false, version: 3), "approved", api.AdminId));

        var status = 0;
        await api.EventuallyAsync(async () =>
        {
            using var response = await api.SendAsync(HttpMethod.Post, "api/campaigns", user.Token, Body);
            status = (int)response.StatusCode;
            return status != 403;
        }, "campaign creation allowed after profile.verification_decided");
        Assert.Equal(201, status);
    }

    [Fact]
    public async Task An_older_profile_event_arriving_late_does_not_undo_a_newer_one()
    {
        var user = api.NewUser();
        await api.PublishAndWaitAsync(new ProfileVerificationDecided(Snapshot(user.Id, "approved", blocked: false, version: 5), "approved", api.AdminId));

        await api.PublishAndWaitAsync(new ProfileUpdated(Snapshot(user.Id, "requested", blocked: false, version: 4)));

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", user.Token, Body), 201);
    }

    [Fact]
    public async Task Blocking_a_user_pauses_their_active_campaigns_and_stops_their_writes_until_unblocked()
    {
        var (owner, first) = await api.ActiveCampaignAsync();
        var second = IdOf(await api.CreateCampaignAsync(owner.Token));
        await api.ReviewAsync(second, "approve");
        var pending = IdOf(await api.CreateCampaignAsync(owner.Token));

        await api.PublishAndWaitAsync(new ProfileBlocked(Snapshot(owner.Id, "approved", blocked: true, version: 2), api.AdminId, "spam"));

        foreach (var id in new[] { first, second })
        {
            var campaign = await api.GetJsonAsync($"api/campaigns/{id}", owner.Token);
            Assert.Equal(("paused", "owner_blocked"), (Text(campaign, "status"), Text(campaign, "pause_reason")));
            Assert.Equal("owner_blocked", Text(await api.GetJsonAsync($"api/campaigns/{id}", api.AdminToken), "pause_reason"));
            // Everyone else sees that it is paused, not that its owner was blocked.
            var seen = await api.GetJsonAsync($"api/campaigns/{id}");
            Assert.Equal("paused", Text(seen, "status"));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("pause_reason").ValueKind);
            // Nor through Supabase's Data API or Realtime, which follow the column grants.
            Assert.False(await ScalarAsync<bool>("select has_column_privilege('anon', 'campaign.campaigns', 'pause_reason', 'SELECT')", new { }));
            Assert.False(await ScalarAsync<bool>("select has_column_privilege('authenticated', 'campaign.campaigns', 'pause_reason', 'SELECT')", new { }));
            Assert.Equal(1L, await CountOutboxAsync("campaign.status_changed", id));
        }

        Assert.Equal("pending", Text(await api.GetJsonAsync($"api/campaigns/{pending}", owner.Token), "status"));
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{first}/resume", owner.Token), 403);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, Body), 403);

        await api.PublishAndWaitAsync(new ProfileUnblocked(Snapshot(owner.Id, "approved", blocked: false, version: 3), api.AdminId));

        Assert.Equal("active", Text(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{first}/resume", owner.Token), 200), "status"));
        Assert.Equal("paused", Text(await api.GetJsonAsync($"api/campaigns/{second}"), "status"));
    }

    [Fact]
    public async Task A_resolved_report_with_remove_campaign_deletes_the_campaign()
    {
        var (_, id) = await api.ActiveCampaignAsync();
        var moderator = Guid.NewGuid();

        await api.PublishAndWaitAsync(new ReportResolved(Guid.NewGuid(), "campaign", id, "resolved", "remove_campaign", null, moderator), "/messaging-service");

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}", api.AdminToken), 404);
        Assert.Equal(1L, await CountOutboxAsync("campaign.deleted", id));
        Assert.Equal(moderator, await ScalarAsync<Guid>("select deleted_by from campaign.campaigns where id = @id", new { id }));
    }

    [Fact]
    public async Task A_resolved_report_with_another_action_leaves_the_campaign_alone()
    {
        var (_, id) = await api.ActiveCampaignAsync();

        await api.PublishAndWaitAsync(new ReportResolved(Guid.NewGuid(), "campaign", id, "reviewed", "none", null, Guid.NewGuid()), "/messaging-service");

        Assert.Equal("active", Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status"));
    }

    private static ProfileSnapshot Snapshot(Guid userId, string recipientStatus, bool blocked, long version) =>
        new(userId, "recipient", recipientStatus, blocked, "Test User", version);
}

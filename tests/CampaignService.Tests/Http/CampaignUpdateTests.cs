using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>
/// Issue 17, point 4: the owner posts progress updates to their public campaign; campaign.update_posted
/// names every contributor once; whoever can see the campaign lists the updates newest first.
/// </summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class CampaignUpdateTests(CampaignServiceFixture api)
{
    [Fact]
    public async Task The_owner_posts_updates_contributors_are_named_once_and_anyone_lists_them_newest_first()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        var (a, b) = (api.NewUser(), api.NewUser());
        await api.ExpectAsync(await api.ContributeAsync(id, a.Token, 1), 201);
        await api.ExpectAsync(await api.ContributeAsync(id, b.Token, 2), 201);
        await api.ExpectAsync(await api.ContributeAsync(id, a.Token, 3), 201);

        var long_ = "The first books arrived.\nThank you all! " + new string('x', 200);
        var first = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = "  " + long_ + "  " }), 201);
        Assert.Equal(long_, Text(first, "body"));
        var second = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = "Half way there." }), 201);

        var events = await EventsAsync(id);
        Assert.Equal(2, events.Count);
        Assert.Equal(IdOf(first), events[0].GetProperty("update_id").GetGuid());
        Assert.Equal(new[] { a.Id, b.Id }.Order(), events[0].GetProperty("contributor_ids").EnumerateArray().Select(e => e.GetGuid()).Order());
        Assert.Equal(140, events[0].GetProperty("excerpt").GetString()!.Length);
        Assert.Equal("Half way there.", events[1].GetProperty("excerpt").GetString());

        var page = await api.GetJsonAsync($"api/campaigns/{id}/updates?limit=1");
        var rest = await api.GetJsonAsync($"api/campaigns/{id}/updates?limit=1&cursor={Text(page, "next_cursor")}", api.NewUser().Token);
        Assert.Equal([IdOf(second), IdOf(first)], Ids(page).Concat(Ids(rest)));
        Assert.Null(Text(rest, "next_cursor"));
    }

    [Fact]
    public async Task Only_the_owner_of_a_public_campaign_posts_and_bad_input_is_a_clear_4xx()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        var update = new { body = "News" };

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", api.NewUser().Token, update), 403);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", api.AdminToken, update), 403);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", null, update), 401);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{Guid.NewGuid()}/updates", owner.Token, update), 404);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns/nope/updates", owner.Token, update), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = new string('x', 2001) }), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = "   " }), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = 42 }), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { }), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}/updates?limit=101"), 400);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{Guid.NewGuid()}/updates"), 404);

        // Paused (still public): allowed; pending: 409, and hidden from others (404).
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/pause", owner.Token), 200);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, update), 201);
        var pending = IdOf(await api.CreateCampaignAsync(owner.Token));
        var refused = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{pending}/updates", owner.Token, update), 409);
        Assert.Contains("status: pending", Text(refused, "detail"), StringComparison.Ordinal);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{pending}/updates"), 404);
        Assert.Empty(Ids(await api.GetJsonAsync($"api/campaigns/{pending}/updates", owner.Token)));
    }

    [Fact]
    public async Task A_sixth_update_within_24_hours_is_409_and_nothing_is_published()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        for (var i = 0; i < 5; i++)
        {
            await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = $"update {i}" }), 201);
        }

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/updates", owner.Token, new { body = "one too many" }), 409);
        Assert.Equal(5, (await EventsAsync(id)).Count);
    }

    private static async Task<List<JsonElement>> EventsAsync(Guid campaignId)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.CampaignDb);
        var rows = await connection.QueryAsync<string>(
            "select envelope from campaign.outbox where event_type = 'campaign.update_posted' and (envelope::jsonb -> 'data' -> 'campaign' ->> 'campaign_id') = @id order by id",
            new { id = campaignId.ToString() });
        return [.. rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("data").Clone())];
    }
}

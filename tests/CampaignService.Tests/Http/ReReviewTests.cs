using System.Text.Json;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Http;

/// <summary>
/// Issue 18, re-review on edit: a material edit of an approved (active or paused) campaign sends it
/// back to review: out of public sight, no contribution taken, the copies told by campaign.updated;
/// the location is a safe edit and stays immediate.
/// </summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class ReReviewTests(CampaignServiceFixture api)
{
    private static object Body(string title = "School books", string category = "education", decimal goal = 1000m, string? location = null, string? description = null) =>
        new { title, category, goal_amount = goal, location, description };

    private async Task<(TestUser Owner, Guid Id)> ActiveAsync()
    {
        var owner = await api.VerifiedRecipientAsync();
        var id = IdOf(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/campaigns", owner.Token, Body()), 201));
        await api.ReviewAsync(id, "approve");
        return (owner, id);
    }

    private static Task<long> PublishedWithStatusAsync(Guid id, string status) => ScalarAsync<long>(
        """
        select count(*) from campaign.outbox
         where event_type = 'campaign.updated' and envelope::jsonb #>> '{data,campaign,campaign_id}' = @id
           and envelope::jsonb #>> '{data,campaign,status}' = @status
        """,
        new { id = id.ToString(), status });

    [Fact]
    public async Task A_new_goal_on_an_active_campaign_sends_it_back_to_review_and_no_money_is_taken_until_it_is_approved_again()
    {
        var (owner, id) = await ActiveAsync();

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, Body(goal: 9000m)), 200);

        Assert.Equal("pending", Text(edited, "status"));
        Assert.Equal(JsonValueKind.String, edited.GetProperty("resubmitted_at").ValueKind);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{id}"), 404);
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 10m), 404);
        Assert.Equal(1, await PublishedWithStatusAsync(id, "pending"));

        await api.ReviewAsync(id, "approve");

        Assert.Equal(9000m, (await api.GetJsonAsync($"api/campaigns/{id}")).GetProperty("goal_amount").GetDecimal());
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 10m), 201);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("description")]
    [InlineData("category")]
    public async Task A_new_title_description_or_category_of_a_paused_campaign_sends_it_back_to_review(string field)
    {
        var (owner, id) = await ActiveAsync();
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/pause", owner.Token), 200);
        var body = field switch
        {
            "title" => Body(title: "Send me a deposit"),
            "description" => Body(description: "Pay via this link"),
            _ => Body(category: "medical"),
        };

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, body), 200);

        Assert.Equal("pending", Text(edited, "status"));
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("pause_reason").ValueKind);
    }

    [Fact]
    public async Task A_new_location_or_the_same_fields_again_stay_immediate_and_public()
    {
        var (owner, id) = await ActiveAsync();

        var moved = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{id}", owner.Token, Body(location: "Leeds")), 200);

        Assert.Equal("active", Text(moved, "status"));
        Assert.Equal(JsonValueKind.Null, moved.GetProperty("resubmitted_at").ValueKind);
        Assert.Equal("Leeds", Text(await api.GetJsonAsync($"api/campaigns/{id}"), "location"));
        Assert.Equal(0, await PublishedWithStatusAsync(id, "pending"));
    }
}

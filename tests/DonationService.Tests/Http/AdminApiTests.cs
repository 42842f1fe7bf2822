using System.Text.Json;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>The admin routes: profile list, verification decisions, block/unblock, donation review.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class AdminApiTests(DonationServiceFixture api)
{
    [Fact]
    public async Task ListProfiles_filters_by_blocked_and_role_and_pages_newest_first_without_duplicates()
    {
        var mine = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var user = await api.NewUserAsync("donor");
            await BlockAsync(user.Id);
            mine.Add(user.Id);
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        for (var pages = 0; pages < 50 && !mine.All(id => seen.Any(p => IdOf(p) == id)); pages++)
        {
            var page = await api.GetJsonAsync($"api/admin/profiles?blocked=true&role=donor&limit=2{CursorQuery(cursor)}", api.AdminToken());
            var items = Items(page);
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.True(cursor is not null || mine.All(id => seen.Any(p => IdOf(p) == id)), "the list ended before every blocked donor was seen");
        }

        Assert.All(seen, p => Assert.True(p.GetProperty("blocked").GetBoolean() && Text(p, "role") == "donor", p.ToString()));
        Assert.Equal(seen.Count, seen.Select(IdOf).Distinct().Count());
        var keys = seen.Select(p => (At: p.GetProperty("created_at").GetDateTime(), Id: IdOf(p))).ToList();
        Assert.True(keys.Zip(keys.Skip(1)).All(k => k.First.At > k.Second.At || (k.First.At == k.Second.At && k.First.Id.CompareTo(k.Second.Id) > 0)));
        Assert.Equal(Enumerable.Reverse(mine), seen.Select(IdOf).Where(mine.Contains));
        Assert.True(seen[0].TryGetProperty("email", out _), "admins see the full profile");
    }

    [Fact]
    public async Task ListProfiles_filters_by_recipient_status()
    {
        var requested = await RequestedRecipientAsync();
        var other = await api.NewUserAsync();

        var page = await api.GetJsonAsync("api/admin/profiles?recipient_status=requested&limit=100", api.AdminToken());

        Assert.All(Items(page), p => Assert.Equal("requested", Text(p, "recipient_status")));
        Assert.Contains(requested.Id, Ids(page));
        Assert.DoesNotContain(other.Id, Ids(page));
    }

    [Fact]
    public async Task ListProfiles_returns_403_for_a_non_admin_and_401_for_anonymous()
    {
        var user = await api.NewUserAsync();

        await api.AssertProblemAsync(await api.GetAsync("api/admin/profiles", user.Token), 403);
        await api.AssertProblemAsync(await api.GetAsync("api/admin/profiles"), 401);
    }

    [Theory]
    [InlineData("approve", "approved")]
    [InlineData("reject", "rejected")]
    public async Task DecideVerification_moves_a_requested_verification_to_the_decision(string decision, string expected)
    {
        var user = await RequestedRecipientAsync();

        var profile = await api.ExpectAsync(await DecideAsync(user.Id, decision), 200);

        Assert.Equal(expected, Text(profile, "recipient_status"));
        Assert.Equal(expected, Text(await api.GetJsonAsync("api/profiles/me", user.Token), "recipient_status"));
    }

    [Fact]
    public async Task DecideVerification_returns_409_with_the_current_state_unless_requested()
    {
        var fresh = await api.NewUserAsync();
        var decided = await RequestedRecipientAsync();
        await api.ExpectAsync(await DecideAsync(decided.Id, "approve"), 200);

        using var none = await api.AssertProblemAsync(await DecideAsync(fresh.Id, "approve"), 409);
        using var again = await api.AssertProblemAsync(await DecideAsync(decided.Id, "reject"), 409);

        Assert.Contains("none", none.RootElement.GetProperty("detail").GetString());
        Assert.Contains("approved", again.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task DecideVerification_returns_404_for_an_unknown_profile_and_403_for_a_non_admin()
    {
        var user = await RequestedRecipientAsync();

        await api.AssertProblemAsync(await DecideAsync(Guid.NewGuid(), "approve"), 404);
        await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/verification", user.Token, new { decision = "approve" }), 403);
    }

    [Fact]
    public async Task Block_and_unblock_return_409_when_the_user_is_already_in_that_state()
    {
        var user = await api.NewUserAsync();

        await api.AssertProblemAsync(await ActionAsync(user.Id, "unblock"), 409);

        Assert.True((await api.ExpectAsync(await ActionAsync(user.Id, "block"), 200)).GetProperty("blocked").GetBoolean());
        using var twice = await api.AssertProblemAsync(await ActionAsync(user.Id, "block"), 409);
        Assert.Contains("blocked", twice.RootElement.GetProperty("detail").GetString());
        Assert.False((await api.ExpectAsync(await ActionAsync(user.Id, "unblock"), 200)).GetProperty("blocked").GetBoolean());
    }

    [Fact]
    public async Task Block_returns_404_for_an_unknown_profile_and_403_for_an_admin_profile()
    {
        await api.GetJsonAsync("api/profiles/me", api.AdminToken());

        await api.AssertProblemAsync(await ActionAsync(Guid.NewGuid(), "block"), 404);
        await api.AssertProblemAsync(await ActionAsync(api.AdminId, "block"), 403);
    }

    [Fact]
    public async Task Blocked_user_gets_403_on_every_write_but_can_still_read()
    {
        var donor = await api.NewUserAsync("donor");
        var pending = IdOf(await api.CreateDonationAsync(donor.Token));
        await BlockAsync(donor.Id);

        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", donor.Token, new { full_name = "Still me" }), 403);
        await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, new { title = "Blocked item", category = "books" }), 403);
        await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Put, $"api/donations/{pending}", donor.Token, new { title = "Edited", category = "books" }), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{pending}", donor.Token), 403);

        Assert.True((await api.GetJsonAsync("api/profiles/me", donor.Token)).GetProperty("blocked").GetBoolean());
        Assert.Equal("pending", Text(await api.GetJsonAsync($"api/donations/{pending}", donor.Token), "status"));
        Assert.Equal(new[] { pending }, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)));

        await api.ExpectAsync(await ActionAsync(donor.Id, "unblock"), 200);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{pending}", donor.Token), 204);
    }

    [Fact]
    public async Task Blocked_recipient_gets_403_when_requesting_verification()
    {
        var user = await api.NewUserAsync();
        await BlockAsync(user.Id);

        await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { document_ids = new[] { Guid.NewGuid() } }),
            403);
    }

    [Theory]
    [InlineData("approve", "available")]
    [InlineData("reject", "rejected")]
    public async Task ReviewDonation_moves_a_pending_donation_to_the_decision(string decision, string expected)
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        var reviewed = await api.ReviewAsync(id, decision, "Looks " + decision);

        Assert.Equal(expected, Text(reviewed, "status"));
        Assert.Equal("Looks " + decision, Text(reviewed, "review_reason"));
        Assert.Equal(expected, Text(await api.GetJsonAsync($"api/donations/{id}", donor.Token), "status"));
    }

    [Fact]
    public async Task ReviewDonation_returns_409_with_the_current_state_on_a_second_review()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));
        await api.ApproveAsync(id);

        using var problem = await api.AssertProblemAsync(await ReviewAsync(id, "reject", api.AdminToken()), 409);

        Assert.Contains("available", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ReviewDonation_returns_403_for_a_non_admin_and_404_for_an_unknown_or_deleted_donation()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        await api.AssertProblemAsync(await ReviewAsync(id, "approve", donor.Token), 403);
        await api.AssertProblemAsync(await ReviewAsync(Guid.NewGuid(), "approve", api.AdminToken()), 404);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{id}", donor.Token), 204);
        await api.AssertProblemAsync(await ReviewAsync(id, "approve", api.AdminToken()), 404);
    }

    private Task<HttpResponseMessage> ReviewAsync(Guid id, string decision, string token) =>
        api.SendAsync(HttpMethod.Post, $"api/admin/donations/{id}/review", token, new { decision });

    private Task<HttpResponseMessage> DecideAsync(Guid id, string decision) =>
        api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{id}/verification", api.AdminToken(), new { decision });

    private Task<HttpResponseMessage> ActionAsync(Guid id, string action) =>
        api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{id}/{action}", api.AdminToken());

    private async Task BlockAsync(Guid id) => await api.ExpectAsync(await ActionAsync(id, "block"), 200);

    private async Task<TestUser> RequestedRecipientAsync()
    {
        var user = await api.NewUserAsync();
        await api.ExpectAsync(await api.RequestVerificationAsync(user), 200);
        return user;
    }

    private static string CursorQuery(string? cursor) => cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor);
}

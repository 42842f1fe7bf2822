using System.Text.Json;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>GET/PUT /api/profiles/me, POST /api/profiles/me/verification and GET /api/profiles/{id}.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class ProfileApiTests(DonationServiceFixture api)
{
    [Fact]
    public async Task GetMe_creates_a_recipient_profile_from_the_token_on_first_call()
    {
        var id = Guid.NewGuid();
        var token = api.Tokens.User(id, "first.call@test.local");

        var me = await api.GetJsonAsync("api/profiles/me", token);

        Assert.Equal(id, IdOf(me));
        Assert.Equal("first.call@test.local", Text(me, "email"));
        Assert.Equal("recipient", Text(me, "role"));
        Assert.Equal("none", Text(me, "recipient_status"));
        Assert.False(me.GetProperty("blocked").GetBoolean());
        Assert.Equal(0, me.GetProperty("rating_count").GetInt32());
        var again = await api.GetJsonAsync("api/profiles/me", token);
        Assert.Equal(Text(me, "created_at"), Text(again, "created_at"));
    }

    [Fact]
    public async Task GetMe_starts_with_the_donor_role_chosen_at_sign_up_but_never_admin_from_user_metadata()
    {
        var donorToken = api.Tokens.Mint(Guid.NewGuid(), "signup@test.local", extraClaims: Metadata("donor"));
        var forgedToken = api.Tokens.Mint(Guid.NewGuid(), "forged@test.local", extraClaims: Metadata("admin"));

        Assert.Equal("donor", Text(await api.GetJsonAsync("api/profiles/me", donorToken), "role"));
        Assert.Equal("recipient", Text(await api.GetJsonAsync("api/profiles/me", forgedToken), "role"));
        await api.AssertProblemAsync(await api.GetAsync("api/admin/profiles", forgedToken), 403);
    }

    [Fact]
    public async Task GetMe_mirrors_the_admin_claim_and_the_latest_email_of_the_token()
    {
        var id = Guid.NewGuid();

        Assert.Equal("admin", Text(await api.GetJsonAsync("api/profiles/me", api.Tokens.Admin(id)), "role"));
        var demoted = await api.GetJsonAsync("api/profiles/me", api.Tokens.User(id, "new.address@test.local"));

        Assert.Equal("recipient", Text(demoted, "role"));
        Assert.Equal("new.address@test.local", Text(demoted, "email"));
    }

    [Fact]
    public async Task GetMe_does_not_answer_5xx_when_the_token_email_is_longer_than_a_profile_allows()
    {
        var token = api.Tokens.User(Guid.NewGuid(), new string('a', 330) + "@test.local");

        using var response = await api.GetAsync("api/profiles/me", token);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, api.Describe(response, body, "Expected a 2xx or 4xx for a signed token with a 341-character email"));
    }

    [Fact]
    public async Task GetMe_returns_401_without_a_token()
    {
        await api.AssertProblemAsync(await api.GetAsync("api/profiles/me"), 401);
    }

    [Fact]
    public async Task UpdateMe_returns_200_with_the_new_fields_and_role()
    {
        var user = await api.NewUserAsync();
        var body = new { full_name = "  Ada Lovelace ", phone = "+44 (20) 7946-0000", avatar_url = "https://cdn.test/a.png", location = "London", role = "donor" };

        var updated = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, body), 200);

        Assert.Equal("Ada Lovelace", Text(updated, "full_name"));
        Assert.Equal("+44 (20) 7946-0000", Text(updated, "phone"));
        Assert.Equal("https://cdn.test/a.png", Text(updated, "avatar_url"));
        Assert.Equal("London", Text(updated, "location"));
        Assert.Equal("donor", Text(updated, "role"));
        Assert.Equal("donor", Text(await api.GetJsonAsync("api/profiles/me", user.Token), "role"));
    }

    [Fact]
    public async Task UpdateMe_returns_400_when_role_is_admin()
    {
        var user = await api.NewUserAsync();

        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, new { role = "admin" }), "role");
        Assert.Equal("recipient", Text(await api.GetJsonAsync("api/profiles/me", user.Token), "role"));
    }

    [Fact]
    public async Task UpdateMe_returns_400_when_an_admin_changes_their_role()
    {
        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", api.AdminToken(), new { role = "donor" }), "role");
    }

    [Theory]
    [InlineData("full_name", "")]
    [InlineData("phone", "call me maybe")]
    [InlineData("phone", "12")]
    [InlineData("avatar_url", "javascript:alert(1)")]
    [InlineData("avatar_url", "/relative.png")]
    [InlineData("location", "   ")]
    [InlineData("role", "owner")]
    public async Task UpdateMe_returns_400_naming_the_field_when_it_is_invalid(string field, string value)
    {
        var user = await api.NewUserAsync();
        var body = new Dictionary<string, string> { [field] = value };

        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, body), field);
    }

    [Fact]
    public async Task UpdateMe_returns_400_naming_every_invalid_field_at_once()
    {
        var user = await api.NewUserAsync();

        using var problem = await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, new { full_name = new string('x', 121), phone = "abc" }), 400);

        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("full_name", out _));
        Assert.True(errors.TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task RequestVerification_sets_recipient_status_requested_for_a_recipient()
    {
        var user = await api.NewUserAsync();

        var profile = await api.ExpectAsync(await api.RequestVerificationAsync(user), 200);

        Assert.Equal("requested", Text(profile, "recipient_status"));
        Assert.Single(profile.GetProperty("verification_documents").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("verification_image_url").ValueKind);
    }

    [Fact]
    public async Task RequestVerification_returns_403_when_caller_is_a_donor()
    {
        var donor = await api.NewUserAsync("donor");

        await api.AssertProblemAsync(await RequestVerificationAsync(donor.Token, Guid.NewGuid()), 403);
        Assert.Equal("none", Text(await api.GetJsonAsync("api/profiles/me", donor.Token), "recipient_status"));
    }

    [Fact]
    public async Task RequestVerification_returns_400_when_the_documents_are_missing_or_a_url_is_sent_instead()
    {
        var user = await api.NewUserAsync();

        await api.AssertInvalidFieldAsync(
            await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { }), "document_ids");

        // A client of before sends a URL: a 400 that says to upload, and nothing changes.
        using var problem = await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { verification_image_url = "https://cdn.test/id-card.jpg" }), 400);
        var message = problem.RootElement.GetProperty("errors").GetProperty("verification_image_url")[0].GetString();
        Assert.Contains("upload", message, StringComparison.Ordinal);
        Assert.Contains("document_ids", message, StringComparison.Ordinal);
        Assert.Equal("none", Text(await api.GetJsonAsync("api/profiles/me", user.Token), "recipient_status"));
    }

    [Fact]
    public async Task RequestVerification_returns_409_when_already_approved()
    {
        var user = await api.NewUserAsync();
        await api.ExpectAsync(await api.RequestVerificationAsync(user), 200);
        await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/verification", api.AdminToken(), new { decision = "approve" }), 200);

        using var problem = await api.AssertProblemAsync(await RequestVerificationAsync(user.Token, Guid.NewGuid()), 409);

        Assert.Contains("approved", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetProfile_hides_email_and_phone_from_anonymous_callers_and_other_users()
    {
        var owner = await NewUserWithPhoneAsync();
        var other = await api.NewUserAsync();

        foreach (var token in new[] { null, other.Token })
        {
            var view = await api.GetJsonAsync($"api/profiles/{owner.Id}", token);
            Assert.Equal(owner.Id, IdOf(view));
            Assert.Equal("Public Person", Text(view, "full_name"));
            Assert.Equal("recipient", Text(view, "role"));
            Assert.True(view.TryGetProperty("rating_avg", out _));
            Assert.True(view.TryGetProperty("rating_count", out _));
            Assert.False(view.TryGetProperty("email", out _), view.ToString());
            Assert.False(view.TryGetProperty("phone", out _), view.ToString());
            Assert.False(view.TryGetProperty("verification_image_url", out _), view.ToString());
            Assert.False(view.TryGetProperty("verification_documents", out _), view.ToString());
        }
    }

    [Fact]
    public async Task GetProfile_shows_email_and_phone_to_the_user_themself_and_to_admins()
    {
        var owner = await NewUserWithPhoneAsync();

        foreach (var token in new[] { owner.Token, api.AdminToken() })
        {
            var view = await api.GetJsonAsync($"api/profiles/{owner.Id}", token);
            Assert.Equal(owner.Email, Text(view, "email"));
            Assert.Equal("+1 555 0100", Text(view, "phone"));
        }
    }

    [Fact]
    public async Task GetProfile_returns_404_when_no_profile_has_the_id()
    {
        await api.AssertProblemAsync(await api.GetAsync($"api/profiles/{Guid.NewGuid()}"), 404);
    }

    /// <summary>A request whose refusal comes before storage is asked (the document id need not exist).</summary>
    private Task<HttpResponseMessage> RequestVerificationAsync(string token, Guid documentId) =>
        api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", token, new { document_ids = new[] { documentId } });

    private async Task<TestUser> NewUserWithPhoneAsync()
    {
        var user = await api.NewUserAsync();
        await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, new { full_name = "Public Person", phone = "+1 555 0100" }), 200);
        return user;
    }

    private static Dictionary<string, object> Metadata(string role) =>
        new() { ["user_metadata"] = new Dictionary<string, object> { ["role"] = role } };
}

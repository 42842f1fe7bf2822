using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>POST /api/donations and GET/PUT/DELETE /api/donations/{id}.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class DonationApiTests(DonationServiceFixture api)
{
    [Fact]
    public async Task Create_returns_201_pending_with_location_when_caller_is_a_donor()
    {
        var donor = await api.NewUserAsync("donor");
        var body = new { title = "Winter coat", description = "Size M", category = "clothing", location = "Berlin", image_url = "https://cdn.test/coat.jpg" };

        using var response = await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, body);
        var created = await api.ExpectAsync(response, 201);

        Assert.Equal($"/api/donations/{IdOf(created)}", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", Text(created, "status"));
        Assert.Equal(donor.Id, created.GetProperty("donor_id").GetGuid());
        Assert.Equal(("Winter coat", "Size M", "clothing"), (Text(created, "title"), Text(created, "description"), Text(created, "category")));
        Assert.Equal(("Berlin", "https://cdn.test/coat.jpg"), (Text(created, "location"), Text(created, "image_url")));
        Assert.Equal(IdOf(created), IdOf(await api.GetJsonAsync($"api/donations/{IdOf(created)}", donor.Token)));
    }

    [Fact]
    public async Task Create_returns_201_when_caller_is_an_admin()
    {
        Assert.Equal("pending", Text(await api.CreateDonationAsync(api.AdminToken()), "status"));
    }

    [Fact]
    public async Task Create_returns_403_when_caller_is_a_recipient_and_401_when_anonymous()
    {
        var recipient = await api.NewUserAsync();
        var body = new { title = "Not allowed", category = "books" };

        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/donations", recipient.Token, body), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/donations", null, body), 401);
        Assert.Empty(Items(await api.GetJsonAsync($"api/donations?donor_id={recipient.Id}", api.AdminToken())));
    }

    [Fact]
    public async Task Get_returns_a_pending_donation_to_its_owner_and_admins_and_404_to_anyone_else()
    {
        var donor = await api.NewUserAsync("donor");
        var other = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        Assert.Equal("pending", Text(await api.GetJsonAsync($"api/donations/{id}", donor.Token), "status"));
        Assert.Equal("pending", Text(await api.GetJsonAsync($"api/donations/{id}", api.AdminToken()), "status"));
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}"), 404);
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}", other.Token), 404);
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{Guid.NewGuid()}"), 404);
    }

    [Fact]
    public async Task Update_returns_200_when_the_owner_edits_while_pending_or_available()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        var edited = await api.ExpectAsync(await UpdateAsync(id, donor.Token, "Edited while pending"), 200);
        Assert.Equal(("Edited while pending", "pending"), (Text(edited, "title"), Text(edited, "status")));
        await api.ApproveAsync(id);
        edited = await api.ExpectAsync(await UpdateAsync(id, donor.Token, "Edited while available"), 200);

        // A new title and category are material: the approved donation goes back to review (issue 18, ReReviewApiTests).
        Assert.Equal(("Edited while available", "pending", "kitchen"), (Text(edited, "title"), Text(edited, "status"), Text(edited, "category")));
        await api.ApproveAsync(id);
        Assert.Equal("Edited while available", Text(await api.GetJsonAsync($"api/donations/{id}"), "title"));
    }

    [Fact]
    public async Task Update_returns_403_when_caller_is_not_the_donor_and_can_see_the_donation()
    {
        var (_, id) = await api.AvailableDonationAsync();
        var other = await api.NewUserAsync("donor");

        await api.AssertProblemAsync(await UpdateAsync(id, other.Token, "Hijacked"), 403);
        await api.AssertProblemAsync(await UpdateAsync(id, api.AdminToken(), "Hijacked"), 403);
        Assert.NotEqual("Hijacked", Text(await api.GetJsonAsync($"api/donations/{id}"), "title"));
    }

    [Fact]
    public async Task Update_returns_404_when_caller_cannot_see_the_donation()
    {
        var donor = await api.NewUserAsync("donor");
        var other = await api.NewUserAsync("donor");
        var pending = IdOf(await api.CreateDonationAsync(donor.Token));

        await api.AssertProblemAsync(await UpdateAsync(pending, other.Token, "Hidden"), 404);
        await api.AssertProblemAsync(await UpdateAsync(Guid.NewGuid(), donor.Token, "Nothing"), 404);
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("claimed")]
    [InlineData("completed")]
    public async Task Update_returns_409_with_the_state_when_the_donation_is_not_pending_or_available(string state)
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));
        await api.MoveToStateAsync(id, state);

        using var problem = await api.AssertProblemAsync(await UpdateAsync(id, donor.Token, "Too late"), 409);

        Assert.Contains(state, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Delete_by_owner_returns_204_then_the_donation_is_gone_and_not_listed()
    {
        var (donor, id) = await api.AvailableDonationAsync();

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{id}", donor.Token), 204);

        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}", donor.Token), 404);
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}", api.AdminToken()), 404);
        Assert.Empty(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)));
        Assert.Empty(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}")));
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{id}", donor.Token), 404);
        await api.AssertProblemAsync(await UpdateAsync(id, donor.Token, "Back from the dead"), 404);
    }

    [Fact]
    public async Task Delete_by_admin_returns_204_for_someone_elses_pending_donation()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{id}", api.AdminToken()), 204);

        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}", donor.Token), 404);
    }

    [Fact]
    public async Task Delete_returns_403_when_caller_is_not_the_donor_and_404_when_they_cannot_see_it()
    {
        var (_, available) = await api.AvailableDonationAsync();
        var donor = await api.NewUserAsync("donor");
        var pending = IdOf(await api.CreateDonationAsync(donor.Token));
        var other = await api.NewUserAsync("donor");

        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{available}", other.Token), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{pending}", other.Token), 404);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{available}"), 401);
        await api.GetJsonAsync($"api/donations/{available}");
    }

    private Task<HttpResponseMessage> UpdateAsync(Guid id, string? token, string title) =>
        api.SendAsync(HttpMethod.Put, $"api/donations/{id}", token, new { title, category = "kitchen" });
}

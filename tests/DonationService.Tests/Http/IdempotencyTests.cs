using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>The <c>Idempotency-Key</c> header on POST /api/donations.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class IdempotencyTests(DonationServiceFixture api)
{
    private const string Body = """{"title":"Idempotent lamp","category":"household"}""";

    [Fact]
    public async Task Create_replays_the_first_response_when_the_same_key_and_body_are_sent_again()
    {
        var donor = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(donor.Token, key, Body);
        var firstBody = await first.Content.ReadAsStringAsync();
        using var second = await PostAsync(donor.Token, key, Body);
        var secondBody = await second.Content.ReadAsStringAsync();

        Assert.Equal(201, (int)first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.True(201 == (int)second.StatusCode, api.Describe(second, secondBody, "Expected the replayed 201"));
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(firstBody, secondBody);
        Assert.Single(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)));
    }

    [Fact]
    public async Task Create_replay_carries_the_Location_header_of_the_first_response()
    {
        var donor = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(donor.Token, key, Body);
        using var second = await PostAsync(donor.Token, key, Body);

        Assert.Equal(201, (int)second.StatusCode);
        Assert.NotNull(first.Headers.Location);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task Create_returns_422_when_the_same_key_comes_with_another_body()
    {
        var donor = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();
        await api.ExpectAsync(await PostAsync(donor.Token, key, Body), 201);

        await api.AssertProblemAsync(await PostAsync(donor.Token, key, """{"title":"Another lamp","category":"household"}"""), 422);

        Assert.Single(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)));
    }

    [Fact]
    public async Task Create_creates_one_donation_when_10_requests_with_one_key_arrive_at_once()
    {
        var donor = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(donor.Token, key, Body)));
        var bodies = new List<System.Text.Json.JsonElement>();
        foreach (var response in responses)
        {
            bodies.Add(await api.ExpectAsync(response, 201));
        }

        Assert.Single(bodies.Select(IdOf).Distinct());
        Assert.Equal(9, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(IdOf(bodies[0]), IdOf(Assert.Single(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)))));
    }

    [Fact]
    public async Task Create_scopes_keys_per_user_so_another_donor_with_the_same_key_gets_a_new_donation()
    {
        var first = await api.NewUserAsync("donor");
        var second = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();

        var a = await api.ExpectAsync(await PostAsync(first.Token, key, Body), 201);
        using var response = await PostAsync(second.Token, key, Body);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        var b = await api.ExpectAsync(response, 201);

        Assert.NotEqual(IdOf(a), IdOf(b));
        Assert.Equal(second.Id, b.GetProperty("donor_id").GetGuid());
    }

    [Fact]
    public async Task Create_releases_the_key_when_the_first_attempt_fails_so_a_corrected_retry_succeeds()
    {
        var donor = await api.NewUserAsync("donor");
        var key = Guid.NewGuid().ToString();

        await api.AssertInvalidFieldAsync(await PostAsync(donor.Token, key, """{"title":"","category":"household"}"""), "title");
        var created = await api.ExpectAsync(await PostAsync(donor.Token, key, Body), 201);

        Assert.Equal("Idempotent lamp", Text(created, "title"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    public async Task Create_returns_400_when_the_key_is_not_visible_ascii(string key)
    {
        var donor = await api.NewUserAsync("donor");

        await api.AssertInvalidFieldAsync(await PostAsync(donor.Token, key, Body), "Idempotency-Key");
    }

    [Fact]
    public async Task Create_returns_400_when_the_key_is_longer_than_200_characters()
    {
        var donor = await api.NewUserAsync("donor");

        await api.AssertInvalidFieldAsync(await PostAsync(donor.Token, new string('k', 201), Body), "Idempotency-Key");
        Assert.Empty(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)));
    }

    private Task<HttpResponseMessage> PostAsync(string token, string key, string body) =>
        api.SendAsync(HttpMethod.Post, "api/donations", token, body, new Dictionary<string, string> { ["Idempotency-Key"] = key });
}

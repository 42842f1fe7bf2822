using System.Text.Json;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>Issue 17: GET /api/donations with q (full-text search), sort=relevance|distance, near and radius_km, and their cursors.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class DonationSearchTests(DonationServiceFixture api)
{
    /// <summary>A word no other test uses, so that a search finds only this test's donations.</summary>
    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Q_finds_words_of_titles_and_descriptions_in_web_search_syntax()
    {
        var (word, other) = (Word(), Word());
        var donor = await api.NewUserAsync("donor");
        var inTitle = IdOf(await api.CreateDonationAsync(donor.Token, title: $"Oak chair {word}"));
        var inDescription = IdOf(await api.CreateDonationAsync(donor.Token, title: "Table", description: $"Solid, {word} and {other}"));
        var neither = IdOf(await api.CreateDonationAsync(donor.Token, title: $"Lamp {other}"));
        foreach (var id in new[] { inTitle, inDescription, neither })
        {
            await api.ApproveAsync(id);
        }

        Assert.Equal([inDescription, inTitle], Ids(await Search($"q={word}")));
        Assert.Equal([inDescription, inTitle], Ids(await Search($"q={word.ToUpperInvariant()}")));
        Assert.Equal([inTitle], Ids(await Search($"q={Uri.EscapeDataString($"{word} -{other}")}")));
        Assert.Equal([neither, inDescription, inTitle], Ids(await Search($"q={Uri.EscapeDataString($"{word} or {other}")}")));
        Assert.Equal([inTitle], Ids(await Search($"q={Uri.EscapeDataString($"\"oak chair {word}\"")}")));
        Assert.Empty(Ids(await Search($"q={Uri.EscapeDataString($"\"chair oak {word}\"")}")));
        Assert.Empty(Ids(await Search($"q={word}&donor_id={Guid.NewGuid()}")));
    }

    [Fact]
    public async Task Q_keeps_the_visibility_rules_pending_donations_only_for_their_donor()
    {
        var word = Word();
        var donor = await api.NewUserAsync("donor");
        var pending = IdOf(await api.CreateDonationAsync(donor.Token, title: $"Pending {word}"));

        Assert.Empty(Ids(await Search($"q={word}")));
        Assert.Equal([pending], Ids(await Search($"q={word}", donor.Token)));
    }

    [Fact]
    public async Task Sort_relevance_puts_title_matches_first_and_pages_with_its_own_cursor_without_duplicates()
    {
        var word = Word();
        var donor = await api.NewUserAsync("donor");
        var title = IdOf(await api.CreateDonationAsync(donor.Token, title: $"{word} {word}", description: word));
        var descriptions = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            descriptions.Add(IdOf(await api.CreateDonationAsync(donor.Token, title: $"Thing {i}", description: $"has {word}")));
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.GetJsonAsync($"api/donations?q={word}&sort=relevance&limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor), donor.Token);
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
            if (cursor is not null)
            {
                // The cursor belongs to its sort: the same cursor with the newest order is refused.
                await api.AssertInvalidFieldAsync(await api.GetAsync($"api/donations?q={word}&cursor={cursor}", donor.Token), "cursor");
            }
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(title, seen[0]);
        Assert.Equal(descriptions.Order(), seen.Skip(1).Order());
        Assert.Equal(6, seen.Distinct().Count());
    }

    [Fact]
    public async Task Near_lists_donations_within_the_radius_nearest_first_with_their_distance_and_pages_by_distance()
    {
        var donor = await api.NewUserAsync("donor");
        var word = Word();

        // Along the equator from (0, 0), one degree is 111.3 km on earthdistance's sphere.
        var ids = new List<Guid>();
        foreach (var longitude in new[] { 0.5, 0.01, 0.2, 0.05, 1.5 })
        {
            ids.Add(await CreateAtAsync(donor, word, 0, longitude));
        }

        var far = ids[4];
        var byDistance = new[] { ids[1], ids[3], ids[2], ids[0] };
        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await api.GetJsonAsync(
                $"api/donations?donor_id={donor.Id}&near=0,0&radius_km=100&sort=distance&limit=3" + (cursor is null ? string.Empty : "&cursor=" + cursor), donor.Token);
            seen.AddRange(Items(page));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && seen.Count < 10);

        Assert.Equal(byDistance, seen.Select(IdOf));
        Assert.DoesNotContain(far, seen.Select(IdOf));
        Assert.Equal(1.113, seen[0].GetProperty("distance_km").GetDouble(), 2);
        Assert.Equal(55.66, seen[3].GetProperty("distance_km").GetDouble(), 1);

        // near without sort: distance is its order; with q: both conditions.
        Assert.Equal(byDistance, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&near=0,0&radius_km=100", donor.Token)));
        Assert.Equal(4, Ids(await api.GetJsonAsync($"api/donations?q={word}&near=0,0&radius_km=100", donor.Token)).Count);
        Assert.Equal([ids[1]], Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&near=0,0&radius_km=2", donor.Token)));
        Assert.Equal(5, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&near=0.5,0.5&radius_km=200", donor.Token)).Count);

        // q nearest first (q matched among the nearest candidates): the matches in distance order, page by
        // page, and nothing for a word none of them has.
        var other = await CreateAtAsync(donor, Word(), 0, 0.02);
        var matches = new List<Guid>();
        cursor = null;
        do
        {
            var page = await api.GetJsonAsync(
                $"api/donations?q={word}&near=0,0&radius_km=100&sort=distance&limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor), donor.Token);
            matches.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && matches.Count < 10);
        Assert.Equal(byDistance, matches);
        Assert.DoesNotContain(other, matches);
        Assert.Empty(Ids(await api.GetJsonAsync($"api/donations?q={Word()}&near=0,0&radius_km=100&sort=distance", donor.Token)));
    }

    [Fact]
    public async Task A_donation_without_coordinates_takes_the_donors_default_location_and_is_never_near_without_one()
    {
        var donor = await api.NewUserAsync("donor");
        var plain = IdOf(await api.CreateDonationAsync(donor.Token));
        var profile = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", donor.Token, new { role = "donor", latitude = 9.03, longitude = 38.74 }), 200);
        Assert.Equal(9.03, profile.GetProperty("latitude").GetDouble());

        var placed = await api.CreateDonationAsync(donor.Token);
        var own = await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, new { title = "Own place", category = "books", latitude = 9.5, longitude = 38.74 }), 201);

        Assert.Equal(9.03, placed.GetProperty("latitude").GetDouble());
        Assert.Equal(38.74, placed.GetProperty("longitude").GetDouble());
        Assert.Equal(9.5, own.GetProperty("latitude").GetDouble());
        Assert.Equal(JsonValueKind.Null, (await api.GetJsonAsync($"api/donations/{plain}", donor.Token)).GetProperty("latitude").ValueKind);
        Assert.Equal(
            [IdOf(placed)],
            Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&near=9.03,38.74&radius_km=10", donor.Token)));

        // The default location is private: the public profile does not show it.
        var other = await api.NewUserAsync();
        var publicProfile = await api.GetJsonAsync($"api/profiles/{donor.Id}", other.Token);
        Assert.False(publicProfile.TryGetProperty("latitude", out _));
    }

    private async Task<Guid> CreateAtAsync(TestUser donor, string word, double latitude, double longitude) =>
        IdOf(await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, new { title = $"Near {word}", category = "books", latitude, longitude }), 201));

    private Task<JsonElement> Search(string query, string? token = null) => api.GetJsonAsync("api/donations?" + query, token);
}

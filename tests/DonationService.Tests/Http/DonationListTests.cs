using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>GET /api/donations: visibility by caller, filters, word search and keyset pagination.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class DonationListTests(DonationServiceFixture api)
{
    [Fact]
    public async Task List_shows_anonymous_callers_and_other_users_only_available_claimed_and_completed()
    {
        var (donor, byStatus) = await DonationInEveryStateAsync();
        var other = await api.NewUserAsync();
        var listed = new[] { "available", "claimed", "completed" }.Select(s => byStatus[s]).Order().ToList();

        Assert.Equal(listed, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}")).Order().ToList());
        Assert.Equal(listed, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", other.Token)).Order().ToList());
        Assert.Empty(Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&status=pending")));
    }

    [Fact]
    public async Task List_shows_the_owner_and_admins_every_state()
    {
        var (donor, byStatus) = await DonationInEveryStateAsync();
        var all = byStatus.Values.Order().ToList();

        Assert.Equal(all, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token)).Order().ToList());
        Assert.Equal(all, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", api.AdminToken())).Order().ToList());
        Assert.Equal([byStatus["rejected"]], Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&status=rejected", donor.Token)));
    }

    [Fact]
    public async Task List_filters_by_status_and_category_together()
    {
        var donor = await api.NewUserAsync("donor");
        var toys = IdOf(await api.CreateDonationAsync(donor.Token, category: "toys"));
        var books = IdOf(await api.CreateDonationAsync(donor.Token, category: "books"));
        var pendingToys = IdOf(await api.CreateDonationAsync(donor.Token, category: "toys"));
        await api.ApproveAsync(toys);
        await api.ApproveAsync(books);

        var page = await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&status=available&category=toys", donor.Token);

        Assert.Equal([toys], Ids(page));
        Assert.Equal([pendingToys, toys], Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&category=toys", donor.Token)));
    }

    [Theory]
    [InlineData("100%", "100% cotton")]
    [InlineData("snake_case", "snake_case")]
    [InlineData(@"back\slash", @"back\slash")]
    [InlineData("COTTON", "100% cotton", "1000 cotton")]
    public async Task List_q_searches_whole_words_and_treats_like_wildcards_as_punctuation(string q, params string[] expected)
    {
        var donor = await api.NewUserAsync("donor");
        var ids = new Dictionary<string, Guid>();
        foreach (var title in new[] { "100% cotton", "1000 cotton", "snake_case", "snakeXcase", @"back\slash", "backXslash" })
        {
            ids[title] = IdOf(await api.CreateDonationAsync(donor.Token, title: title));
        }

        var page = await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&q={Uri.EscapeDataString(q)}", donor.Token);

        Assert.Equal(expected.Select(t => ids[t]).Order(), Ids(page).Order());
    }

    [Fact]
    public async Task List_pages_25_items_newest_first_in_3_pages_of_10_without_duplicates()
    {
        var donor = await api.NewUserAsync("donor");
        var created = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            created.Add(IdOf(await api.CreateDonationAsync(donor.Token, title: $"Page item {i}")));
        }

        var pages = new List<List<Guid>>();
        string? cursor = null;
        do
        {
            var query = $"api/donations?donor_id={donor.Id}&limit=10" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await api.GetJsonAsync(query, donor.Token);
            pages.Add(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && pages.Count < 5);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(created), pages.SelectMany(p => p));
    }

    /// <summary>A donor with one donation in each state: pending, available, rejected, claimed, completed.</summary>
    private async Task<(TestUser Donor, Dictionary<string, Guid> ByStatus)> DonationInEveryStateAsync()
    {
        var donor = await api.NewUserAsync("donor");
        var byStatus = new Dictionary<string, Guid>();
        foreach (var state in new[] { "pending", "available", "rejected", "claimed", "completed" })
        {
            byStatus[state] = IdOf(await api.CreateDonationAsync(donor.Token, title: "State " + state));
            await api.MoveToStateAsync(byStatus[state], state);
        }

        return (donor, byStatus);
    }
}

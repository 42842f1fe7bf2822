using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>Racing requests: state changes happen once, the others see the new state.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class ConcurrencyTests(DonationServiceFixture api)
{
    private const int Racers = 8;

    [Fact]
    public async Task GetMe_creates_one_profile_when_first_calls_of_a_new_user_arrive_at_once()
    {
        var id = Guid.NewGuid();
        var token = api.Tokens.User(id);

        var profiles = await Task.WhenAll(Enumerable.Range(0, Racers).Select(async _ => await api.ExpectAsync(await api.GetAsync("api/profiles/me", token), 200)));

        Assert.All(profiles, p => Assert.Equal(id, IdOf(p)));
        Assert.Single(profiles.Select(p => Text(p, "created_at")).Distinct());
    }

    [Fact]
    public async Task GetMe_updates_the_profile_once_when_racing_calls_carry_a_new_admin_claim_and_email()
    {
        var id = Guid.NewGuid();
        await api.ExpectAsync(await api.GetAsync("api/profiles/me", api.Tokens.User(id)), 200);
        var versionBefore = await ScalarAsync<long>("select version from donation.profiles where id = @id", id);

        var profiles = await Task.WhenAll(Enumerable.Range(0, Racers).Select(async _ =>
            await api.ExpectAsync(await api.GetAsync("api/profiles/me", api.Tokens.Admin(id)), 200)));

        Assert.All(profiles, p => Assert.Equal($"{id:N}@admin.local", Text(p, "email")));
        Assert.Equal(versionBefore + 1, await ScalarAsync<long>("select version from donation.profiles where id = @id", id));
        Assert.Equal(1L, await ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'profile.updated' and envelope like '%' || @id::text || '%'", id));
    }

    private static async Task<T> ScalarAsync<T>(string sql, Guid id)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Platform.Testing.TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ReviewDonation_succeeds_once_and_answers_409_to_the_other_racing_reviews()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        var statuses = await RaceAsync(i => api.SendAsync(
            HttpMethod.Post, $"api/admin/donations/{id}/review", api.AdminToken(), new { decision = i % 2 == 0 ? "approve" : "reject" }));

        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(Racers - 1, statuses.Count(s => s == 409));
    }

    [Fact]
    public async Task BlockProfile_succeeds_once_and_answers_409_to_the_other_racing_blocks()
    {
        var user = await api.NewUserAsync();

        var statuses = await RaceAsync(_ => api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/block", api.AdminToken()));

        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(Racers - 1, statuses.Count(s => s == 409));
    }

    [Fact]
    public async Task DeleteDonation_succeeds_once_and_answers_404_to_the_other_racing_deletes()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.CreateDonationAsync(donor.Token));

        var statuses = await RaceAsync(_ => api.SendAsync(HttpMethod.Delete, $"api/donations/{id}", donor.Token));

        Assert.Equal(1, statuses.Count(s => s == 204));
        Assert.Equal(Racers - 1, statuses.Count(s => s == 404));
    }

    private async Task<int[]> RaceAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(send));
        foreach (var response in responses.Where(r => (int)r.StatusCode >= 500))
        {
            Assert.Fail(api.Describe(response, await response.Content.ReadAsStringAsync(), "Expected no 5xx in a race"));
        }

        return responses.Select(r => (int)r.StatusCode).ToArray();
    }
}

using System.Net;
using System.Text.Json;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Testing;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 18, account erasure, on donation-service (the saga's owner) against the real database, broker
/// and Azurite: the routes, donation-service's own part (profile, donations, files), the token refused
/// at once, and the saga's record completed exactly once from the other services' answers, which the
/// test publishes as they would (once, redelivered, and again under a new id).
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class ErasureApiTests(DonationServiceFixture api)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_user_who_erases_their_account_gets_202_their_data_is_gone_their_files_deleted_and_their_token_refused_at_once()
    {
        // A recipient asks to be verified (a document), then becomes a donor with a pending donation with
        // a photo, an available one, and a photo uploaded but never attached.
        var user = await api.NewUserAsync();
        await api.ExpectAsync(await api.RequestVerificationAsync(user), 200);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", user.Token, new { full_name = "Erin Erased", phone = "+44 113 496 0001", location = "Leeds", role = "donor" }), 200);
        var document = Assert.Single((await api.GetJsonAsync("api/profiles/me", user.Token)).GetProperty("verification_documents").EnumerateArray()).GetProperty("url").GetString()!;
        var pending = IdOf(await api.CreateDonationAsync(user.Token, description: "My grandmother's coat", location: "12 Acacia Avenue"));
        var photo = await api.UploadAsync(user, "donation_image", Uploads.Png());
        var withPhoto = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/donations/{pending}/images", user.Token, new { blob_id = photo }), 200);
        var photoUrl = Assert.Single(withPhoto.GetProperty("images").EnumerateArray()).GetProperty("url").GetString()!;
        var available = IdOf(await api.CreateDonationAsync(user.Token));
        await api.ApproveAsync(available);
        var stray = await api.UploadAsync(user, "donation_image", Uploads.Png());
        var strayUrl = $"{Uploads.BlobEndpoint()}/donation-images/{user.Id:D}/{stray:D}";
        foreach (var url in new[] { document, photoUrl, strayUrl })
        {
            Assert.Equal(HttpStatusCode.OK, (await Uploads.ReadAsync(url)).Status);
        }

        var erasure = await EraseAsync(user.Token);
        Assert.Equal("in_progress", erasure.Json.GetProperty("status").GetString());
        Assert.Equal("/api/profiles/me/erasure", erasure.Location);
        Assert.Equal(user.Id, erasure.Json.GetProperty("user_id").GetGuid());
        Assert.Equal(
            ["donation-service", "request-service", "campaign-service", "messaging-service"],
            erasure.Json.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("service").GetString()));

        // The token is refused at once, on reads and writes; only the erasure's own routes still answer it.
        foreach (var (method, path) in new[] { (HttpMethod.Get, "api/profiles/me"), (HttpMethod.Post, "api/donations"), (HttpMethod.Get, "api/donations?limit=5"), (HttpMethod.Post, "api/uploads") })
        {
            using var refused = await api.AssertProblemAsync(await api.SendAsync(method, path, user.Token, method == HttpMethod.Post ? new { kind = "donation_image" } : null), 401);
            Assert.Contains("erased", refused.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        var status = await api.GetJsonAsync("api/profiles/me/erasure", user.Token);
        Assert.Equal(erasure.Json.GetProperty("requested_at").GetDateTime(), status.GetProperty("requested_at").GetDateTime());

        // Asked again: the same erasure, as it stands (nothing started twice).
        var again = await EraseAsync(user.Token);
        Assert.Equal(erasure.Json.GetProperty("requested_at").GetDateTime(), again.Json.GetProperty("requested_at").GetDateTime());
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from donation.outbox where event_type = 'profile.erasure_requested' and envelope like '%' || @id::text || '%'", user.Id));

        // In the database: nothing personal is left on the profile; the donations are deleted and stripped.
        Assert.Equal(0L, await ScalarAsync<long>(
            """
            select count(*) from donation.profiles
             where id = @id and (email is not null or full_name is not null or phone is not null or location is not null or erased_at is null)
            """, user.Id));
        Assert.Equal(0L, await ScalarAsync<long>(
            "select count(*) from donation.donations where donor_id = @id and (deleted_at is null or title <> 'erased' or description is not null or location is not null)", user.Id));
        Assert.Equal(0L, await ScalarAsync<long>("select (select count(*) from donation.verification_documents where profile_id = @id) + (select count(*) from donation.donation_images where owner_id = @id)", user.Id));
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from donation.erased_accounts where user_id = @id", user.Id));

        // Through the API: the donations are gone for everyone; the public profile names nobody.
        foreach (var id in new[] { pending, available })
        {
            await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}", api.AdminToken()), 404);
        }

        var profile = await api.GetJsonAsync($"api/profiles/{user.Id}", api.AdminToken());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("full_name").ValueKind);
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("email").ValueKind);

        // donation-service's own part (its files) follows on its event: every file of the user is deleted from storage.
        await WaitUntilAsync(async () => (await PartsAsync(user)).GetValueOrDefault("donation-service") is not null, "donation-service records its part");
        foreach (var url in new[] { document, photoUrl, strayUrl })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Uploads.ReadAsync(url)).Status);
        }

        Assert.Equal("in_progress", (await api.GetJsonAsync("api/profiles/me/erasure", user.Token)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_erasure_completes_exactly_once_when_the_last_service_answers_whatever_is_redelivered()
    {
        var user = await api.NewUserAsync();
        await EraseAsync(user.Token);
        await WaitUntilAsync(async () => (await PartsAsync(user)).GetValueOrDefault("donation-service") is not null, "donation-service records its part");

        await using var broker = new ServiceEventPublisher(); // each answer over its own service's broker user
        var requestAnswer = Envelope(new RequestUserErased(user.Id, 1, 0), "request-service");
        await broker.PublishEnvelopeAsync(requestAnswer);
        await broker.PublishEnvelopeAsync(requestAnswer); // redelivered: the inbox takes it once
        await broker.PublishEnvelopeAsync(Envelope(new CampaignUserErased(user.Id, 0, 2), "campaign-service"));
        await WaitUntilAsync(async () => (await PartsAsync(user)).Values.Count(at => at is not null) == 3, "three parts recorded");
        var waiting = await api.GetJsonAsync("api/profiles/me/erasure", user.Token);
        Assert.Equal("in_progress", waiting.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("completed_at").ValueKind);

        // The last answer, then the same answer again under a new id (a service that erased twice): completed once.
        await broker.PublishEnvelopeAsync(Envelope(new MessageUserErased(user.Id, 3, 0), "messaging-service"));
        await WaitUntilAsync(async () => (await api.GetJsonAsync("api/profiles/me/erasure", user.Token)).GetProperty("status").GetString() == "completed", "the erasure completes");
        var completed = await api.GetJsonAsync("api/profiles/me/erasure", user.Token);
        var repeated = new[] { Envelope(new MessageUserErased(user.Id, 0, 0), "messaging-service"), Envelope(new RequestUserErased(user.Id, 0, 0), "request-service") };
        foreach (var envelope in repeated)
        {
            await broker.PublishEnvelopeAsync(envelope);
        }

        await WaitUntilAsync(
            async () => await ScalarAsync<long>("select count(*) from donation.inbox where message_id = any(@id)", repeated.Select(e => e.Id).ToArray()) == repeated.Length,
            "the repeated answers are handled");

        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from donation.outbox where event_type = 'profile.erased' and envelope like '%' || @id::text || '%'", user.Id));
        var after = await api.GetJsonAsync("api/profiles/me/erasure", user.Token);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(completed.GetProperty("completed_at").GetDateTime(), after.GetProperty("completed_at").GetDateTime());
        Assert.All(after.GetProperty("services").EnumerateArray(), part => Assert.NotEqual(JsonValueKind.Null, part.GetProperty("erased_at").ValueKind));

        // A completed erasure asked for again still answers 202 with its state.
        Assert.Equal("completed", (await EraseAsync(user.Token)).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_admin_erases_a_user_and_follows_it_while_admins_strangers_and_unknown_users_are_refused()
    {
        var user = await api.NewUserAsync("donor");
        var admin = api.AdminToken();
        await api.AssertProblemAsync(await api.GetAsync($"api/admin/users/{user.Id}/erasure", admin), 404);
        await api.AssertProblemAsync(await api.GetAsync("api/profiles/me/erasure", user.Token), 404);
        var stranger = await api.NewUserAsync();
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/admin/users/{user.Id}", stranger.Token), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/admin/users/{Guid.NewGuid()}", admin), 404);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, "api/admin/users/not-a-uuid", admin), 400);
        await api.ExpectAsync(await api.GetAsync("api/profiles/me", admin), 200);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, $"api/admin/users/{api.AdminId}", admin), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Delete, "api/profiles/me", admin), 403);
        await api.ExpectAsync(await api.GetAsync("api/profiles/me", user.Token), 200); // nothing happened to the user

        using var response = await api.SendAsync(HttpMethod.Delete, $"api/admin/users/{user.Id}", admin);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/admin/users/{user.Id:D}/erasure", response.Headers.Location?.OriginalString);
        var started = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(user.Id, started.GetProperty("user_id").GetGuid());

        await api.AssertProblemAsync(await api.GetAsync("api/profiles/me", user.Token), 401);
        Assert.Equal("in_progress", (await api.GetJsonAsync($"api/admin/users/{user.Id}/erasure", admin)).GetProperty("status").GetString());
        Assert.Equal(user.Id, (await api.GetJsonAsync("api/profiles/me/erasure", user.Token)).GetProperty("user_id").GetGuid());

        // Twice, and by the user themself after the admin: the same erasure.
        using var twice = await api.SendAsync(HttpMethod.Delete, $"api/admin/users/{user.Id}", admin);
        Assert.Equal(HttpStatusCode.Accepted, twice.StatusCode);
        Assert.Equal(started.GetProperty("requested_at").GetDateTime(), (await EraseAsync(user.Token)).Json.GetProperty("requested_at").GetDateTime());
        Assert.Equal(api.AdminId, await ScalarAsync<Guid>("select requested_by from donation.erasures where user_id = @id", user.Id));
    }

    private sealed record Erasure(JsonElement Json, string? Location);

    private async Task<Erasure> EraseAsync(string token)
    {
        using var response = await api.SendAsync(HttpMethod.Delete, "api/profiles/me", token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, api.Describe(response, text, "Expected 202"));
        return new Erasure(JsonDocument.Parse(text).RootElement.Clone(), response.Headers.Location?.OriginalString);
    }

    private async Task<Dictionary<string, DateTime?>> PartsAsync(TestUser user) =>
        (await api.GetJsonAsync("api/profiles/me/erasure", user.Token)).GetProperty("services").EnumerateArray().ToDictionary(
            p => p.GetProperty("service").GetString()!,
            p => p.GetProperty("erased_at").ValueKind == JsonValueKind.Null ? (DateTime?)null : p.GetProperty("erased_at").GetDateTime());

    /// <summary>The answer as <paramref name="service"/>'s relay writes it (the catalogue names the same publisher).</summary>
    private static CloudEvent Envelope(IIntegrationEvent payload, string service) =>
        EventCatalog.TryGetPublisher(EventCatalog.NameOf(payload.GetType()), out var publisher) && Publishers.SourceOf(publisher) == "/" + service
            ? ServiceEventPublisher.Wrap(payload)
            : throw new InvalidOperationException($"{service} does not publish {payload.GetType().Name}");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Eventually, $"Not within {Eventually.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    private static async Task<T> ScalarAsync<T>(string sql, object id)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

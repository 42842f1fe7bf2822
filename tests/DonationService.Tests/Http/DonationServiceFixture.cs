using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Platform.Testing;

namespace DonationService.Tests.Http;

[CollectionDefinition(Name)]
public sealed class DonationServiceCollection : ICollectionFixture<DonationServiceFixture>
{
    public const string Name = "donation-service over HTTP";
}

/// <summary>A user the fixture created: a profile exists and has the requested role.</summary>
public sealed record TestUser(Guid Id, string Token, string Email);

/// <summary>
/// One donation-service process (standalone mode) against the test run's PostgreSQL, verifying
/// tokens with the local HS256 secret and a local JWKS endpoint that publishes one RSA key.
/// </summary>
public sealed class DonationServiceFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task<TestUser>? _sharedDonor;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public LocalJwksServer Jwks { get; private set; } = null!;

    public ServiceProcess Service { get; private set; } = null!;

    public HttpClient Client => Service.Client;

    public TestTokens Tokens { get; private set; } = null!;

    /// <summary>The RSA key the JWKS endpoint publishes (kid <c>test-key-1</c>).</summary>
    public RsaSecurityKey RsaKey { get; } = TestTokens.NewRsaKey("test-key-1");

    public SigningCredentials RsaCredentials => Jwks.Credentials(RsaKey);

    public Guid AdminId { get; } = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        Jwks = await LocalJwksServer.StartAsync();
        Jwks.Publish(RsaKey);
        Tokens = new TestTokens(Jwks.Url, TestEnvironment.JwtSecret);
        Service = await StartServiceAsync(Jwks.Url);
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (Jwks is not null)
        {
            await Jwks.DisposeAsync();
        }
    }

    /// <summary>Starts a donation-service process (database, broker) that trusts the given Supabase URL (its JWKS) and the test secret.</summary>
    public static Task<ServiceProcess> StartServiceAsync(string supabaseUrl) =>
        ServiceProcess.StartAsync("DonationService", new Dictionary<string, string?>
        {
            ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
            ["SUPABASE_URL"] = supabaseUrl,
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
        });

    public string AdminToken() => Tokens.Admin(AdminId);

    /// <summary>One donor for tests that only need some donor (e.g. the bad-input table), created once.</summary>
    public Task<TestUser> SharedDonorAsync()
    {
        lock (_gate)
        {
            return _sharedDonor ??= NewUserAsync("donor");
        }
    }

    /// <summary>A fresh user whose profile exists (GET /me) with the given role (PUT /me).</summary>
    public async Task<TestUser> NewUserAsync(string role = "recipient")
    {
        var id = Guid.NewGuid();
        var email = $"{id:N}@test.local";
        var token = Tokens.User(id, email);
        await ExpectAsync(await SendAsync(HttpMethod.Get, "api/profiles/me", token), 200);
        if (role != "recipient")
        {
            await ExpectAsync(await SendAsync(HttpMethod.Put, "api/profiles/me", token, new { role }), 200);
        }

        return new TestUser(id, token, email);
    }

    /// <summary>Creates a donation as the token's user and returns its JSON (asserting 201).</summary>
    public async Task<JsonElement> CreateDonationAsync(
        string token, string? title = null, string category = "books", string? description = null, string? location = null)
    {
        var body = new { title = title ?? "Item " + Guid.NewGuid().ToString("N")[..8], category, description, location };
        return await ExpectAsync(await SendAsync(HttpMethod.Post, "api/donations", token, body), 201);
    }

    public async Task<JsonElement> ReviewAsync(Guid donationId, string decision, string? reason = null) =>
        await ExpectAsync(
            await SendAsync(HttpMethod.Post, $"api/admin/donations/{donationId}/review", AdminToken(), new { decision, reason }), 200);

    public Task<JsonElement> ApproveAsync(Guid donationId) => ReviewAsync(donationId, "approve");

    /// <summary>A donation that is already available (created by a fresh donor, approved by the admin).</summary>
    public async Task<(TestUser Donor, Guid Id)> AvailableDonationAsync()
    {
        var donor = await NewUserAsync("donor");
        var id = IdOf(await CreateDonationAsync(donor.Token));
        await ApproveAsync(id);
        return (donor, id);
    }

    /// <summary>Moves a pending donation to a state: through the review API, then in the database for the saga's states.</summary>
    public async Task MoveToStateAsync(Guid id, string state)
    {
        if (state != "pending")
        {
            await ReviewAsync(id, state == "rejected" ? "reject" : "approve");
        }

        if (state is "claimed" or "completed")
        {
            await SetDonationStatusAsync(id, state);
        }
    }

    /// <summary>Sets a donation's status in the database, for states only other services reach (claimed, completed).</summary>
    public static async Task SetDonationStatusAsync(Guid id, string status)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("update donation.donations set status = @status where id = @id", connection);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>An upload slot of <paramref name="kind"/> for the user, and the file PUT to it as a browser does; the blob id.</summary>
    public async Task<Guid> UploadAsync(TestUser user, string kind, byte[] bytes, string contentType = "application/octet-stream") =>
        await Uploads.PutAsync(await ExpectAsync(await SendAsync(HttpMethod.Post, "api/uploads", user.Token, new { kind }), 201), bytes, contentType);

    /// <summary>The user asks to be verified with one uploaded PNG document.</summary>
    public async Task<HttpResponseMessage> RequestVerificationAsync(TestUser user) =>
        await SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token,
            new { document_ids = new[] { await UploadAsync(user, "verification_document", Uploads.Png()) } });

    /// <summary>Sends a request. <paramref name="body"/> is an object (serialised snake_case), a string (sent as is) or HttpContent.</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? token = null, object? body = null, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = ContentOf(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, token);

    public async Task<JsonElement> GetJsonAsync(string path, string? token = null) => await ExpectAsync(await GetAsync(path, token), 200);

    public static HttpContent? ContentOf(object? body) => body switch
    {
        null => null,
        HttpContent content => content,
        string text => new StringContent(text, Encoding.UTF8, "application/json"),
        _ => new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json"),
    };

    /// <summary>Asserts the status and returns the JSON body (default when empty); a mismatch shows the body, a 5xx the service log.</summary>
    public async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status)
            {
                Assert.Fail(Describe(response, text, $"Expected {status}"));
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>Asserts an RFC 9457 problem: status, problem+json, title and a trace_id.</summary>
    public async Task<JsonDocument> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != status)
        {
            Assert.Fail(Describe(response, text, $"Expected a {status} problem"));
        }

        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            Describe(response, text, "Expected Content-Type application/problem+json"));
        var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()), "problem without a title: " + text);
        Assert.True(
            root.TryGetProperty("trace_id", out var traceId) && traceId.ValueKind == JsonValueKind.String && traceId.GetString()!.Length > 0,
            "problem without a trace_id: " + text);
        return document;
    }

    /// <summary>Asserts a 400 validation problem that names the field in <c>errors</c>.</summary>
    public async Task AssertInvalidFieldAsync(HttpResponseMessage response, string field)
    {
        using var problem = await AssertProblemAsync(response, 400);
        Assert.True(
            problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"Expected errors.{field} in {problem.RootElement}");
    }

    public string Describe(HttpResponseMessage response, string body, string what) =>
        $"{what}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}"
        + ((int)response.StatusCode >= 500 ? $"{Environment.NewLine}--- service output ---{Environment.NewLine}{Service.OutputTail}" : string.Empty);

    public static Guid IdOf(JsonElement item) => item.GetProperty("id").GetGuid();

    public static string? Text(JsonElement item, string property) => item.GetProperty(property).GetString();

    public static List<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    public static List<Guid> Ids(JsonElement page) => Items(page).Select(IdOf).ToList();
}

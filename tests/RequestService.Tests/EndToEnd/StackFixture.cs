using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace RequestService.Tests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "donation-service and request-service as processes";
}

/// <summary>A user whose donation-service profile exists with the role asked for.</summary>
public sealed record TestUser(Guid Id, string Token);

/// <summary>
/// donation-service and request-service, each a real standalone process against the test run's
/// PostgreSQL and RabbitMQ; request-service calls this donation-service over HTTP. Tokens are HS256
/// with the local secret. Eventual outcomes are polled for at most <see cref="Eventually"/>, and
/// every failure message carries both processes' last output lines.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    public static readonly TimeSpan Eventually = TimeSpan.FromSeconds(15);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private int _donationPort;
    private bool _donationsDown;

    public static string SupabaseUrl =>
        Environment.GetEnvironmentVariable("SUPABASE_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:54321";

    public ServiceProcess Donations { get; private set; } = null!;

    public ServiceProcess Requests { get; private set; } = null!;

    public TestTokens Tokens { get; } = new(SupabaseUrl, TestEnvironment.JwtSecret);

    public Guid AdminId { get; } = Guid.NewGuid();

    public string AdminToken => Tokens.Admin(AdminId);

    public async Task InitializeAsync()
    {
        _donationPort = TestEnvironment.FreePort();
        Donations = await StartDonationServiceAsync();
        try
        {
            Requests = await ServiceProcess.StartAsync("RequestService", new Dictionary<string, string?>
            {
                ["RequestDbConnection"] = TestEnvironment.Require("RequestDbConnection"),
                ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("RequestService"),
                ["SUPABASE_URL"] = SupabaseUrl,
                ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
                ["DonationServiceUrl"] = Donations.BaseAddress.ToString().TrimEnd('/'),
            });
        }
        catch
        {
            await Donations.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Requests is not null)
        {
            await Requests.DisposeAsync();
        }

        if (Donations is not null && !_donationsDown)
        {
            await Donations.DisposeAsync();
        }
    }

    /// <summary>SIGKILLs donation-service, as a crash would.</summary>
    public async Task KillDonationServiceAsync()
    {
        _donationsDown = true;
        Donations.Kill();
        await Donations.DisposeAsync();
    }

    /// <summary>Starts donation-service again on the port request-service is configured with.</summary>
    public async Task RestartDonationServiceAsync()
    {
        if (!_donationsDown)
        {
            return;
        }

        Donations = await StartDonationServiceAsync();
        _donationsDown = false;
    }

    private Task<ServiceProcess> StartDonationServiceAsync() =>
        ServiceProcess.StartAsync(
            "DonationService",
            new Dictionary<string, string?>
            {
                ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
                ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
                ["SUPABASE_URL"] = SupabaseUrl,
                ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
                ["DonationExpiry__IntervalSeconds"] = "1",
            },
            _donationPort);

    // ---- set-up through donation-service ----

    /// <summary>A fresh user whose profile exists (GET /me) with the given role (PUT /me).</summary>
    public async Task<TestUser> NewUserAsync(string role = "recipient")
    {
        var id = Guid.NewGuid();
        var token = Tokens.User(id);
        await ExpectAsync(await SendAsync(Donations, HttpMethod.Get, "api/profiles/me", token), 200);
        if (role != "recipient")
        {
            await ExpectAsync(await SendAsync(Donations, HttpMethod.Put, "api/profiles/me", token, new { role }), 200);
        }

        return new TestUser(id, token);
    }

    /// <summary>A donation listed by <paramref name="donor"/> and approved by the admin.</summary>
    public async Task<Guid> AvailableDonationAsync(TestUser donor)
    {
        var id = await PendingDonationAsync(donor);
        await ApproveDonationAsync(id);
        return id;
    }

    /// <summary>The admin approves a pending donation: it becomes available.</summary>
    public async Task ApproveDonationAsync(Guid donationId) =>
        await ExpectAsync(await SendAsync(Donations, HttpMethod.Post, $"api/admin/donations/{donationId}/review", AdminToken, new { decision = "approve" }), 200);

    /// <summary>Polls request-service's donation copy until it holds <paramref name="status"/>.</summary>
    public async Task WaitForDonationCopyAsync(Guid donationId, string status)
    {
        string? last = null;
        var found = await PollAsync(async () =>
            (last = await ScalarAsync<string?>("select status from request.donation_copies where donation_id = @donationId", new { donationId })) == status);
        Assert.True(found, Describe($"request-service's copy of donation {donationId} did not become {status} within {Eventually.TotalSeconds} s; last seen: {last ?? "no row"}"));
    }

    /// <summary>Polls until request-service's copies hold the user's role and the donation's status.</summary>
    public async Task WaitForCopiesAsync(Guid userId, string role, Guid donationId, string status)
    {
        await WaitForDonationCopyAsync(donationId, status);
        var found = await PollAsync(async () =>
            await ScalarAsync<string?>("select role from request.profile_copies where user_id = @userId", new { userId }) == role);
        Assert.True(found, Describe($"request-service's copy of profile {userId} did not get role {role} within {Eventually.TotalSeconds} s"));
    }

    public async Task<Guid> PendingDonationAsync(TestUser donor)
    {
        var created = await ExpectAsync(
            await SendAsync(Donations, HttpMethod.Post, "api/donations", donor.Token, new { title = "Item " + Guid.NewGuid().ToString("N")[..8], category = "books" }),
            201);
        return created.GetProperty("id").GetGuid();
    }

    // ---- request-service ----

    public Task<HttpResponseMessage> PostRequestAsync(TestUser recipient, Guid donationId, string? message = null, object? extra = null) =>
        SendAsync(Requests, HttpMethod.Post, "api/requests", recipient.Token, extra ?? new { donation_id = donationId, message });

    /// <summary>Creates a request (asserting 201) and returns it.</summary>
    public async Task<JsonElement> CreateRequestAsync(TestUser recipient, Guid donationId, string? message = null) =>
        await ExpectAsync(await PostRequestAsync(recipient, donationId, message), 201);

    public async Task<Guid> RequestIdAsync(TestUser recipient, Guid donationId) =>
        (await CreateRequestAsync(recipient, donationId)).GetProperty("id").GetGuid();

    public Task<HttpResponseMessage> ActAsync(TestUser who, Guid requestId, string action, object? body = null) =>
        SendAsync(Requests, HttpMethod.Post, $"api/requests/{requestId}/{action}", who.Token, body);

    public async Task<JsonElement> GetRequestAsync(TestUser who, Guid requestId) =>
        await ExpectAsync(await SendAsync(Requests, HttpMethod.Get, $"api/requests/{requestId}", who.Token), 200);

    /// <summary>Approves as the donor (asserting 202 and <c>approving</c>) and waits until the saga made it <c>approved</c>.</summary>
    public async Task<JsonElement> ApproveAndWaitAsync(TestUser donor, Guid requestId)
    {
        var accepted = await ExpectAsync(await ActAsync(donor, requestId, "approve"), 202);
        Assert.Equal("approving", accepted.GetProperty("status").GetString());
        return await WaitForRequestAsync(donor, requestId, "approved");
    }

    /// <summary>Polls GET /api/requests/{id} until its status is one of <paramref name="statuses"/>.</summary>
    public async Task<JsonElement> WaitForRequestAsync(TestUser who, Guid requestId, params string[] statuses)
    {
        JsonElement last = default;
        var found = await PollAsync(async () =>
        {
            last = await GetRequestAsync(who, requestId);
            return statuses.Contains(last.GetProperty("status").GetString());
        });
        Assert.True(found, Describe($"request {requestId} did not become {string.Join(" or ", statuses)} within {Eventually.TotalSeconds} s; last seen: {last}"));
        return last;
    }

    /// <summary>Polls donation-service's GET /api/donations/{id} (as the donor, who sees every state) until the status matches.</summary>
    public async Task<JsonElement> WaitForDonationAsync(TestUser donor, Guid donationId, string status)
    {
        JsonElement last = default;
        var found = await PollAsync(async () =>
        {
            last = await ExpectAsync(await SendAsync(Donations, HttpMethod.Get, $"api/donations/{donationId}", donor.Token), 200);
            return last.GetProperty("status").GetString() == status;
        });
        Assert.True(found, Describe($"donation {donationId} did not become {status} within {Eventually.TotalSeconds} s; last seen: {last}"));
        return last;
    }

    /// <summary>Polls a condition every 100 ms for at most <see cref="Eventually"/> (or <paramref name="timeout"/>).</summary>
    public static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed > (timeout ?? Eventually))
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    // ---- HTTP ----

    /// <summary>Sends a request. <paramref name="body"/> is an object (serialised snake_case), a string (sent as is) or HttpContent.</summary>
    public static Task<HttpResponseMessage> SendAsync(ServiceProcess service, HttpMethod method, string path, string? token = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body switch
            {
                null => null,
                HttpContent content => content,
                string text => new StringContent(text, Encoding.UTF8, "application/json"),
                _ => new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json"),
            },
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return service.Client.SendAsync(request);
    }

    /// <summary>Asserts the status and returns the JSON body (default when empty).</summary>
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

    /// <summary>Asserts an RFC 9457 problem: status, problem+json, title, trace_id; returns the body.</summary>
    public async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status)
            {
                Assert.Fail(Describe(response, text, $"Expected a {status} problem"));
            }

            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", Describe(response, text, "Expected application/problem+json"));
            var root = JsonDocument.Parse(text).RootElement.Clone();
            Assert.Equal(status, root.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()), "problem without a title: " + text);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("trace_id").GetString()), "problem without a trace_id: " + text);
            return root;
        }
    }

    public static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? string.Empty;

    public string Describe(HttpResponseMessage response, string body, string what) =>
        Describe($"{what}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");

    /// <summary>A failure message with the last output of both processes.</summary>
    public string Describe(string what) =>
        $"{what}{Environment.NewLine}--- request-service ---{Environment.NewLine}{Requests?.OutputTail}"
        + $"{Environment.NewLine}--- donation-service ---{Environment.NewLine}{Donations?.OutputTail}";

    // ---- database (read-only checks; ids are always fresh, nothing is truncated) ----

    public static async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static async Task<long> CountRequestsOfAsync(Guid recipientId) =>
        await ScalarAsync<long>("select count(*) from request.requests where recipient_id = @recipientId", new { recipientId });
}

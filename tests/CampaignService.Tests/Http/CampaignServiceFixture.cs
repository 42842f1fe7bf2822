using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CampaignService.Tests.Support;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace CampaignService.Tests.Http;

[CollectionDefinition(Name)]
public sealed class CampaignServiceCollection : ICollectionFixture<CampaignServiceFixture>
{
    public const string Name = "campaign-service over HTTP";
}

public sealed record TestUser(Guid Id, string Token);

/// <summary>
/// One campaign-service process (standalone mode) against the test run's campaign database and
/// RabbitMQ, trusting HS256 tokens signed with the local secret; plus a publisher for the events
/// other services would send, and direct SQL for seeding profile copies and reading the outbox.
/// </summary>
public class CampaignServiceFixture : IAsyncLifetime
{
    public const string SupabaseUrl = "http://127.0.0.1:54321";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public ServiceProcess Service { get; private set; } = null!;

    public EventPublisher Events { get; private set; } = null!;

    public TestTokens Tokens { get; } = new(SupabaseUrl, TestEnvironment.JwtSecret);

    public Guid AdminId { get; } = Guid.NewGuid();

    public string AdminToken => Tokens.Admin(AdminId);

    public virtual async Task InitializeAsync()
    {
        Service = await ServiceProcess.StartAsync("CampaignService", Settings());
        Events = await EventPublisher.ConnectAsync();
    }

    /// <summary>Kills the service (no graceful stop: whatever it had not committed is lost) and starts it again.</summary>
    public async Task RestartAsync()
    {
        Service.Kill();
        await Service.DisposeAsync();
        Service = await ServiceProcess.StartAsync("CampaignService", Settings());
    }

    /// <summary>The app settings of the service under test.</summary>
    public virtual Dictionary<string, string?> Settings() => new()
    {
        ["CampaignDbConnection"] = TestEnvironment.Require("CampaignDbConnection"),
        ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("CampaignService"),
        ["SUPABASE_URL"] = SupabaseUrl,
        ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
        ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
        ["CampaignDeadlines__IntervalSeconds"] = "1",
    };

    public virtual async Task DisposeAsync()
    {
        if (Events is not null)
        {
            await Events.DisposeAsync();
        }

        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }

    /// <summary>A fresh user that campaign-service knows nothing about yet.</summary>
    public TestUser NewUser()
    {
        var id = Guid.NewGuid();
        return new TestUser(id, Tokens.User(id));
    }

    /// <summary>A fresh user whose profile copy says verified recipient (written as the profile events would).</summary>
    public async Task<TestUser> VerifiedRecipientAsync()
    {
        var user = NewUser();
        await SeedProfileAsync(user.Id, "recipient", "approved", blocked: false, version: 1);
        return user;
    }

    public static async Task SeedProfileAsync(Guid userId, string role, string recipientStatus, bool blocked, long version)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.CampaignDb);
        await connection.ExecuteAsync(
            "insert into campaign.profile_copies (user_id, role, recipient_status, blocked, version) values (@userId, @role, @recipientStatus, @blocked, @version)",
            new { userId, role, recipientStatus, blocked, version });
    }

    public static async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.CampaignDb);
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("No value: " + sql);
    }

    /// <summary>Outbox rows of one event type about one campaign (every campaign event carries <c>campaign.campaign_id</c> or <c>campaign_id</c>).</summary>
    public static Task<long> CountOutboxAsync(string eventType, Guid campaignId) => ScalarAsync<long>(
        """
        select count(*) from campaign.outbox
         where event_type = @eventType
           and coalesce(envelope::jsonb #>> '{data,campaign,campaign_id}', envelope::jsonb #>> '{data,campaign_id}') = @id
        """,
        new { eventType, id = campaignId.ToString() });

    /// <summary>Creates a campaign as the token's user (asserting 201) and returns its JSON.</summary>
    public async Task<JsonElement> CreateCampaignAsync(string token, decimal goal = 1000m, string category = "education", string? currency = null)
    {
        var title = "Campaign " + Guid.NewGuid().ToString("N")[..8];
        object body = currency is null ? new { title, category, goal_amount = goal } : new { title, category, goal_amount = goal, currency };
        return await ExpectAsync(await SendAsync(HttpMethod.Post, "api/campaigns", token, body), 201);
    }

    public async Task<JsonElement> ReviewAsync(Guid id, string decision) =>
        await ExpectAsync(await SendAsync(HttpMethod.Post, $"api/admin/campaigns/{id}/review", AdminToken, new { decision }), 200);

    /// <summary>An active campaign of a fresh verified recipient.</summary>
    public async Task<(TestUser Owner, Guid Id)> ActiveCampaignAsync(decimal goal = 1000m, string? currency = null)
    {
        var owner = await VerifiedRecipientAsync();
        var id = IdOf(await CreateCampaignAsync(owner.Token, goal, currency: currency));
        await ReviewAsync(id, "approve");
        return (owner, id);
    }

    /// <summary>
    /// Sends as a well-behaved client (or Stripe's redelivery) does on a loaded machine: a 503, which
    /// records nothing, is sent again after its Retry-After, up to five attempts.
    /// </summary>
    public static async Task<HttpResponseMessage> RetryingUnavailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public Task<HttpResponseMessage> ContributeAsync(Guid campaignId, string token, object amount, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, $"api/campaigns/{campaignId}/contributions", token, new { amount },
            idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey });

    /// <summary>Sends a request. <paramref name="body"/> is an object (serialised snake_case), a string (sent as is) or null.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body switch
            {
                null => null,
                string text => new StringContent(text, Encoding.UTF8, "application/json"),
                _ => new StringContent(JsonSerializer.Serialize(body, JsonOptions), Encoding.UTF8, "application/json"),
            },
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Service.Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string? token = null) => await ExpectAsync(await SendAsync(HttpMethod.Get, path, token), 200);

    /// <summary>Asserts the status and returns the JSON body (default when empty); a mismatch shows the body, a 5xx the service log.</summary>
    public async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status)
            {
                Assert.Fail($"Expected {status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}"
                    + ((int)response.StatusCode >= 500 ? Environment.NewLine + Service.OutputTail : string.Empty));
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (events travel through the broker); fails after <paramref name="seconds"/>.</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Not within {seconds} s: {what}{Environment.NewLine}{Service.OutputTail}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Publishes an event as another service would and waits until campaign-service has handled it (its inbox row is committed).</summary>
    public async Task PublishAndWaitAsync(Platform.Contracts.IIntegrationEvent payload, string? source = null)
    {
        var messageId = await Events.PublishAsync(payload, source);
        await EventuallyAsync(
            async () => await ScalarAsync<long>("select count(*) from campaign.inbox where message_id = @messageId", new { messageId }) == 1,
            $"campaign-service handled {messageId}");
    }

    public static Guid IdOf(JsonElement item) => item.GetProperty("id").GetGuid();

    public static string? Text(JsonElement item, string property) => item.GetProperty(property).GetString();

    public static List<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(IdOf).ToList();
}

using System.Net;
using System.Text.Json;
using Platform.Testing;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// A messaging-service process whose rate limits are set low through its settings, so that each
/// class's limit is reached in a few calls (standalone, and under the Functions host when the run is
/// in that mode). Every test uses fresh users: each user has allowances of their own.
/// </summary>
public sealed class RateLimitedMessagingFixture : IAsyncLifetime
{
    public const string Queue = "messaging-service.rate-limit-tests";

    public MessagingServiceFixture App { get; } = new();

    public ServiceProcess Service { get; private set; } = null!;

    private string? _broker;

    public async Task InitializeAsync()
    {
        _broker = await TakeBrokerAsync();
        Service = await ServiceProcess.StartAsync("MessagingService", new Dictionary<string, string?>
        {
            ["MessagingDbConnection"] = Database,
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("MessagingService", _broker),
            ["SUPABASE_URL"] = SupabaseUrl,
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            ["Eventing__Queue"] = Queue,
            ["RateLimits__Messages__PermitLimit"] = "3",
            ["RateLimits__Messages__WindowSeconds"] = "60",
            ["RateLimits__Reports__PermitLimit"] = "2",
            ["RateLimits__Reports__WindowSeconds"] = "600",
            ["RateLimits__Writes__PermitLimit"] = "4",
            ["RateLimits__Writes__WindowSeconds"] = "60",
            ["RateLimits__Reads__PermitLimit"] = "5",
            ["RateLimits__Reads__WindowSeconds"] = "60",
        });
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (_broker is null)
        {
            return;
        }

        await using var broker = await EventBroker.ConnectAsync(_broker);
        await broker.DeleteQueuesAsync([Queue, Queue + ".parking"]);
    }
}

public sealed class RateLimitApiTests(RateLimitedMessagingFixture fixture) : IClassFixture<RateLimitedMessagingFixture>
{
    private readonly MessagingServiceFixture _app = fixture.App;

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body, JsonOptions), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return fixture.Service.Client.SendAsync(request);
    }

    private static async Task<JsonElement> Expect(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task<(JsonElement Problem, string? RetryAfter)> ExpectTooMany(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"expected 429, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(text).RootElement.Clone();
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("trace_id").GetString()));
            return (problem, response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
        }
    }

    [Fact]
    public async Task The_fourth_message_in_a_minute_is_a_429_with_Retry_After_and_is_not_stored_while_another_sender_still_sends()
    {
        var (spammer, other, target) = (_app.NewUser(), _app.NewUser(), _app.NewUser());
        for (var i = 0; i < 3; i++)
        {
            await Expect(await SendAsync(HttpMethod.Post, "api/messages", spammer.Token, new { receiver_id = target.Id, content = $"hi {i}" }), 201);
        }

        var (problem, retryAfter) = await ExpectTooMany(
            await SendAsync(HttpMethod.Post, "api/messages", spammer.Token, new { receiver_id = target.Id, content = "one too many" }));

        Assert.Equal("20", retryAfter); // a message comes back every 60 s / 3
        Assert.Contains("messages", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Expect(await SendAsync(HttpMethod.Post, "api/messages", other.Token, new { receiver_id = target.Id, content = "hello" }), 201);
        var conversation = await Expect(await SendAsync(HttpMethod.Get, $"api/messages?with={spammer.Id}", target.Token), 200);
        Assert.Equal(3, Items(conversation).Count);
    }

    [Fact]
    public async Task The_third_report_in_ten_minutes_is_a_429_and_files_nothing()
    {
        var reporter = _app.NewUser();
        for (var i = 0; i < 2; i++)
        {
            await Expect(await SendAsync(HttpMethod.Post, "api/reports", reporter.Token, new { target_type = "user", target_id = Guid.NewGuid(), reason = "spam" }), 201);
        }

        var (_, retryAfter) = await ExpectTooMany(
            await SendAsync(HttpMethod.Post, "api/reports", reporter.Token, new { target_type = "user", target_id = Guid.NewGuid(), reason = "spam" }));

        Assert.Equal("300", retryAfter);
        Assert.Equal(2, Items(await Expect(await SendAsync(HttpMethod.Get, "api/reports", reporter.Token), 200)).Count);
    }

    [Fact]
    public async Task Writes_are_counted_apart_from_messages_and_reads_apart_from_both()
    {
        var (sender, receiver) = (_app.NewUser(), _app.NewUser());
        var message = IdOf(await Expect(await SendAsync(HttpMethod.Post, "api/messages", sender.Token, new { receiver_id = receiver.Id, content = "hi" }), 201));
        for (var i = 0; i < 4; i++)
        {
            await Expect(await SendAsync(HttpMethod.Post, $"api/messages/{message}/read", receiver.Token), 200);
        }

        var (_, writeRetry) = await ExpectTooMany(await SendAsync(HttpMethod.Post, $"api/messages/{message}/read", receiver.Token));
        Assert.Equal("15", writeRetry);

        // The receiver's messages and reads are untouched by the spent writes.
        await Expect(await SendAsync(HttpMethod.Post, "api/messages", receiver.Token, new { receiver_id = sender.Id, content = "thanks" }), 201);
        for (var i = 0; i < 5; i++)
        {
            await Expect(await SendAsync(HttpMethod.Get, "api/notifications", receiver.Token), 200);
        }

        var (_, readRetry) = await ExpectTooMany(await SendAsync(HttpMethod.Get, "api/notifications", receiver.Token));
        Assert.Equal("12", readRetry);
    }

    [Fact]
    public async Task A_bad_token_is_still_a_401_not_a_429_and_health_is_never_limited()
    {
        for (var i = 0; i < 8; i++)
        {
            await Expect(await SendAsync(HttpMethod.Get, "api/notifications", "not-a-token"), 401);
            using var health = await fixture.Service.Client.GetAsync("api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }
}

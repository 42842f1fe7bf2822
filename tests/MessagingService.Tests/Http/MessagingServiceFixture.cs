using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Testing;

namespace MessagingService.Tests.Http;

[CollectionDefinition(Name)]
public sealed class MessagingServiceCollection : ICollectionFixture<MessagingServiceFixture>
{
    public const string Name = "messaging-service over HTTP";
}

/// <summary>A user of the tests: a fresh random id and a token for it, known to messaging (see <see cref="MessagingServiceFixture.NewUser"/>).</summary>
public sealed record TestUser(Guid Id, string Token);

/// <summary>
/// One messaging-service process (standalone mode) against the test run's PostgreSQL and RabbitMQ.
/// It consumes its own queue with one worker, so events are handled in the order they were published
/// (see <see cref="SettleAsync"/>); the queue is deleted at the end. The broker is a virtual host of
/// its own (<see cref="TakeBrokerAsync"/>).
/// </summary>
public sealed class MessagingServiceFixture : IAsyncLifetime
{
    public const string Queue = "messaging-service.tests";

    /// <summary>This project's vhosts: one per messaging-service process it starts, at most this many at once.</summary>
    private const string VhostPrefix = "messaging-tests";

    private const int Vhosts = 4;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public ServiceProcess Service { get; private set; } = null!;

    public EventBroker Broker { get; private set; } = null!;

    public TestTokens Tokens { get; } = new(SupabaseUrl, TestEnvironment.JwtSecret);

    public Guid AdminId { get; } = Guid.NewGuid();

    public string AdminToken => Tokens.Admin(AdminId);

    public static string SupabaseUrl => Environment.GetEnvironmentVariable("SUPABASE_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:54321";

    public static string Database => TestEnvironment.Require("MessagingDbConnection");

    /// <summary>
    /// A broker URI (as the administrator) of a virtual host no other process of the run uses. In the
    /// shared vhost <c>/</c> every test's event of a messaging type also reached this project's queues,
    /// and one deleted at a class's end while another test published made the broker nack the publish
    /// or close its connection (quorum queues; rabbitmq-server#15333).
    /// </summary>
    public static Task<string> TakeBrokerAsync() => LocalStack.TakeVhostAsync(VhostPrefix, Vhosts);

    public async Task InitializeAsync()
    {
        var broker = await TakeBrokerAsync();
        Service = await ServiceProcess.StartAsync("MessagingService", new Dictionary<string, string?>
        {
            ["MessagingDbConnection"] = Database,
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("MessagingService", broker),
            ["SUPABASE_URL"] = SupabaseUrl,
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            ["Eventing__Queue"] = Queue,
            ["Eventing__Concurrency"] = "1",
            ["Eventing__RetryDelaysMs"] = "500",
            ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
        });
        Broker = await EventBroker.ConnectAsync(broker);
        await Broker.WaitForConsumerAsync(Queue, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DeleteQueuesAsync([Queue, Queue + ".parking", Queue + ".retry.500ms"]);
            await Broker.DisposeAsync();
        }
    }

    /// <summary>
    /// A user messaging knows, as if donation-service had published profile.created (version 0, so any
    /// real profile event wins): messages go only to known users (issue 18).
    /// </summary>
    public TestUser NewUser()
    {
        var user = UnknownUser();
        using var connection = new NpgsqlConnection(Database);
        connection.Execute("insert into messaging.blocked_users (user_id, blocked, version) values (@id, false, 0)", new { id = user.Id });
        return user;
    }

    /// <summary>A signed-in user no profile event has named: messaging does not know them.</summary>
    public TestUser UnknownUser()
    {
        var id = Guid.NewGuid();
        return new TestUser(id, Tokens.User(id));
    }

    /// <summary>
    /// Waits until the events <paramref name="eventIds"/> have been handled and this service has read
    /// everything published before the call. First each event's inbox row, which commits with the
    /// event's effects. Then a sentinel event, for the copies this queue still holds (a redelivery):
    /// its one worker handles the queue in order.
    /// </summary>
    public async Task SettleAsync(params string[] eventIds)
    {
        foreach (var eventId in eventIds)
        {
            await EventuallyAsync(() => Outbox.HandledAsync(eventId), $"event {eventId} was not handled");
        }

        var sentinel = NewUser();
        await Broker.PublishAsync(new ProfileUnblocked(new ProfileSnapshot(sentinel.Id, "recipient", "none", false, null, 1), AdminId));
        await EventuallyAsync(async () => Items(await GetJsonAsync("api/notifications", sentinel.Token)).Count == 1, "the sentinel event was not handled");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (15 s at most).</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Fail($"{failure} within 15 s.{Environment.NewLine}--- service output ---{Environment.NewLine}{Service.OutputTail}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<JsonElement> SendMessageAsync(TestUser from, Guid to, string content = "Hello", Guid? donationId = null) =>
        await ExpectAsync(await SendAsync(HttpMethod.Post, "api/messages", from.Token, new { receiver_id = to, content, donation_id = donationId }), 201);

    /// <summary>Sends a request. <paramref name="body"/> is an object (serialised snake_case) or a string (sent as is).</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? token = null, object? body = null, IDictionary<string, string>? headers = null)
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

    public Task<HttpResponseMessage> PostAsync(string path, string token, object? body = null) => SendAsync(HttpMethod.Post, path, token, body);

    public async Task<JsonElement> GetJsonAsync(string path, string token) => await ExpectAsync(await SendAsync(HttpMethod.Get, path, token), 200);

    /// <summary>Asserts the status (and problem+json for errors) and returns the JSON body.</summary>
    public async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status)
            {
                Assert.Fail(
                    $"Expected {status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}"
                    + ((int)response.StatusCode >= 500 ? $"{Environment.NewLine}--- service output ---{Environment.NewLine}{Service.OutputTail}" : string.Empty));
            }

            if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public static Guid IdOf(JsonElement item) => item.GetProperty("id").GetGuid();

    public static List<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    public static List<Guid> Ids(JsonElement page) => Items(page).Select(IdOf).ToList();

    public static string? NextCursor(JsonElement page) => page.GetProperty("next_cursor").GetString();
}

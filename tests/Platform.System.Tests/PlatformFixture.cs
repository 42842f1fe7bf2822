using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.SystemTests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "the whole platform: four services as processes";
}

/// <summary>The four apps of the platform.</summary>
public enum Service
{
    Donation,
    Request,
    Campaign,
    Messaging,
}

/// <summary>A user the tests made: a token for it and what kind of user it was made as.</summary>
public sealed record TestUser(Guid Id, string Token, string Kind)
{
    public override string ToString() => $"{Kind} {Id}";
}

/// <summary>One HTTP answer, read completely: status, media type, body and the headers the tests look at.</summary>
public sealed record Reply(int Status, string? MediaType, string Body, IReadOnlyDictionary<string, string> Headers, string Request)
{
    private JsonElement? _json;

    public JsonElement Json => _json ??= Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement.Clone();

    public bool IsProblem => MediaType == "application/problem+json";

    public string Detail => IsProblem && Json.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : string.Empty;

    public Guid Id => Json.GetProperty("id").GetGuid();

    public IEnumerable<JsonElement> Items => Json.GetProperty("items").EnumerateArray();

    public override string ToString() => $"{Request} → {Status} {MediaType}: {Excerpt(Body, 600)}";

    public static string Excerpt(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";
}

/// <summary>
/// The whole platform: donation-, request-, campaign- and messaging-service, each a real standalone
/// process (<c>dotnet App.dll --standalone</c>) against the run's PostgreSQL and RabbitMQ, consuming
/// the services' own queues; request-service calls this donation-service over HTTP. Tokens are HS256
/// with the project's secret (plus forged, expired and <c>alg: none</c> ones). Helpers make users of
/// each kind and objects of each kind through the public APIs only; ids are always fresh and nothing
/// is ever truncated, so the stack can be shared.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    /// <summary>How long an eventual outcome (an event crossing services) may take.</summary>
    public static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Not the project's secret: tokens signed with it are forgeries.</summary>
    public const string ForgedSecret = "an-attackers-own-secret-that-is-also-at-least-32-characters";

    private static readonly Dictionary<Service, (string App, string Database, string Queue)> Apps = new()
    {
        [Service.Donation] = ("DonationService", "DonationDbConnection", "donation-service"),
        [Service.Request] = ("RequestService", "RequestDbConnection", "request-service"),
        [Service.Campaign] = ("CampaignService", "CampaignDbConnection", "campaign-service"),
        [Service.Messaging] = ("MessagingService", "MessagingDbConnection", "messaging-service"),
    };

    /// <summary>
    /// Delays before retries 2…5 of a failing event: short, so a test sees a retried effect in time.
    /// </summary>
    private const string RetryDelaysMs = "500,1000,2000,4000";

    private readonly Dictionary<Service, ServiceProcess> _processes = [];

    /// <summary>Each service's environment, to start it again after <see cref="KillAsync"/>.</summary>
    private readonly Dictionary<Service, Dictionary<string, string?>> _environments = [];

    /// <summary>
    /// This run's own queue suffix. The stack may be shared: another run's processes (even an older
    /// build) consuming the services' default queues would take some of the events, and one without
    /// a handler parks them. Own queues get a copy of every event; the services' inboxes make sure
    /// each is handled once in the shared databases. Deleted at the end.
    /// </summary>
    private readonly string _queueSuffix = ".system-tests." + Guid.NewGuid().ToString("N")[..8];

    public static string SupabaseUrl =>
        Environment.GetEnvironmentVariable("SUPABASE_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:54321";

    /// <summary>One client for every service (absolute URIs), with room for the fuzzer's concurrency.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 64,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public TestTokens Tokens { get; } = new(SupabaseUrl, TestEnvironment.JwtSecret);

    public TestTokens ForgedTokens { get; } = new(SupabaseUrl, ForgedSecret);

    public TestUser Admin { get; private set; } = null!;

    public IReadOnlyDictionary<Service, ServiceProcess> Processes => _processes;

    /// <summary>Where reports (matrix, fuzz totals, RLS table) are written: the stack's folder, else the repo's .stack.</summary>
    public static string ReportDirectory
    {
        get
        {
            var stack = Environment.GetEnvironmentVariable("PLATFORM_STACK_DIR") is { Length: > 0 } dir ? dir : Path.Combine(TestEnvironment.RepoRoot, ".stack");
            var reports = Path.Combine(stack, "reports");
            Directory.CreateDirectory(reports);
            return reports;
        }
    }

    public async Task InitializeAsync()
    {
        // request-service is told donation-service's address before either listens, so all four start at once.
        var donationPort = TestEnvironment.FreePort();
        var starts = Apps.ToDictionary(app => app.Key, app =>
        {
            var environment = new Dictionary<string, string?>
            {
                [app.Value.Database] = TestEnvironment.Require(app.Value.Database),
                ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor(app.Value.App),
                ["SUPABASE_URL"] = SupabaseUrl,
                ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
                ["Eventing__Queue"] = app.Value.Queue + _queueSuffix,
                ["Eventing__QueueType"] = "classic",
                ["Eventing__RetryDelaysMs"] = RetryDelaysMs,
                ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
            };
            if (app.Key == Service.Request)
            {
                environment["DonationServiceUrl"] = $"http://127.0.0.1:{donationPort}";
            }

            _environments[app.Key] = environment;

            return ServiceProcess.StartAsync(app.Value.App, environment, app.Key == Service.Donation ? donationPort : null);
        });

        try
        {
            await Task.WhenAll(starts.Values);
        }
        catch
        {
            foreach (var start in starts.Values.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        foreach (var (service, start) in starts)
        {
            _processes[service] = start.Result;
        }

        // Events published before a consumer declared its queue and bindings would be lost on a fresh broker.
        await WaitForConsumersAsync();

        var adminId = Guid.NewGuid();
        Admin = new TestUser(adminId, Tokens.Admin(adminId), "admin");
        await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", Admin.Token), 200);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        Http.Dispose();
        await DeleteQueuesAsync();
    }

    /// <summary>
    /// The events this run's consumers parked (after their retries, or at once when not a valid
    /// envelope): type, message id and failure reason. Read with basic.get and put back.
    /// </summary>
    public async Task<List<string>> ParkedAsync()
    {
        var parked = new List<string>();
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq), ClientProvidedName = "platform-system-tests" };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var (service, app) in Apps)
        {
            await using var channel = await connection.CreateChannelAsync();
            var tags = new List<ulong>();
            while (tags.Count < 50 && await channel.BasicGetAsync(app.Queue + _queueSuffix + ".parking", autoAck: false) is { } message)
            {
                tags.Add(message.DeliveryTag);
                var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
                var reason = headers.TryGetValue("x-failure-reason", out var r) && r is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "?";
                parked.Add($"{service}: {message.BasicProperties.Type} {message.BasicProperties.MessageId}: {reason}");
            }

            foreach (var tag in tags)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            }
        }

        return parked;
    }

    private IEnumerable<string> Queues(string service)
    {
        var queue = service + _queueSuffix;
        return [queue, queue + ".parking", .. RetryDelaysMs.Split(',').Select(ms => $"{queue}.retry.{ms}ms")];
    }

    private async Task DeleteQueuesAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq), ClientProvidedName = "platform-system-tests" };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var queue in Apps.Values.SelectMany(app => Queues(app.Queue)))
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
    }

    public Uri BaseAddress(Service service) => _processes[service].BaseAddress;

    /// <summary>
    /// Kills a service's process without warning (issue 18: a service down during a saga); its queue
    /// keeps the events for it. Not donation-service, whose address request-service holds.
    /// </summary>
    public async Task KillAsync(Service service)
    {
        Assert.NotEqual(Service.Donation, service);
        var process = _processes[service];
        process.Kill();
        await process.DisposeAsync();
    }

    /// <summary>Starts a killed service again, as it was (its own queue, database and storage), and waits until it consumes.</summary>
    public async Task StartAgainAsync(Service service)
    {
        _processes[service] = await ServiceProcess.StartAsync(Apps[service].App, _environments[service]);
        await WaitForConsumersAsync();
    }

    private async Task WaitForConsumersAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq), ClientProvidedName = "platform-system-tests" };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var queue in Apps.Values.Select(app => app.Queue + _queueSuffix))
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await using var channel = await connection.CreateChannelAsync();
                    if ((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount > 0)
                    {
                        break;
                    }
                }
                catch (OperationInterruptedException)
                {
                    // Not declared yet: a passive declare of a missing queue closes the channel.
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"Queue {queue} has no consumer after 30 s.");
                }

                await Task.Delay(100);
            }
        }
    }

    // ---- tokens ----

    public string ExpiredToken(Guid userId) => Tokens.Mint(userId, $"{userId:N}@test.local", expires: DateTime.UtcNow.AddHours(-2));

    public string ForgedToken(Guid userId) => ForgedTokens.Mint(userId, $"{userId:N}@test.local", appRole: "admin");

    public string AlgNoneToken(Guid userId) => Tokens.Unsigned(userId);

    // ---- users ----

    /// <summary>A fresh user whose donation-service profile exists with the role asked for (<c>donor</c> or <c>recipient</c>).</summary>
    public async Task<TestUser> NewUserAsync(string role = "recipient")
    {
        var id = Guid.NewGuid();
        var token = Tokens.User(id);
        await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", token), 200);
        if (role != "recipient")
        {
            await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Put, "api/profiles/me", token, new { role }), 200);
        }

        return new TestUser(id, token, role);
    }

    public Task<TestUser> NewDonorAsync() => NewUserAsync("donor");

    public Task<TestUser> NewRecipientAsync() => NewUserAsync("recipient");

    /// <summary>
    /// A verified recipient: asks for verification, an admin approves it in donation-service, and the
    /// user is returned once campaign-service's copy knows it (POST /api/campaigns stops answering 403;
    /// the campaign that proved it is pending and returned too).
    /// </summary>
    public async Task<(TestUser User, Guid ProbeCampaign)> NewVerifiedRecipientWithProbeAsync()
    {
        var user = await NewRecipientAsync();
        await ExpectAsync(await RequestVerificationAsync(user), 200);
        await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/profiles/{user.Id}/verification", Admin.Token, new { decision = "approve" }), 200);
        Reply last = null!;
        var created = await PollAsync(async () =>
        {
            last = await SendAsync(Service.Campaign, HttpMethod.Post, "api/campaigns", user.Token, CampaignBody());
            return last.Status != 403;
        });
        Assert.True(created && last.Status == 201, Describe($"campaign-service never accepted verified recipient {user.Id} within {Eventually.TotalSeconds} s; last: {last}", Service.Campaign));
        return (user with { Kind = "verified" }, last.Id);
    }

    public async Task<TestUser> NewVerifiedRecipientAsync() => (await NewVerifiedRecipientWithProbeAsync()).User;

    /// <summary>Blocks a user through donation-service's admin route and waits until every service holds the block.</summary>
    public async Task BlockAsync(TestUser user)
    {
        await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/profiles/{user.Id}/block", Admin.Token), 200);
        await WaitUntilBlockedEverywhereAsync(user.Id);
    }

    /// <summary>Polls the copies of the blocked flag that request-, campaign- and messaging-service keep from profile.blocked.</summary>
    public async Task WaitUntilBlockedEverywhereAsync(Guid userId)
    {
        var copies = new (string Database, string Sql)[]
        {
            (TestEnvironment.MainDb, "select coalesce((select blocked from donation.profiles where id = @userId), false)"),
            (TestEnvironment.MainDb, "select coalesce((select blocked from request.profile_copies where user_id = @userId), false)"),
            (TestEnvironment.MainDb, "select coalesce((select blocked from messaging.blocked_users where user_id = @userId), false)"),
            (TestEnvironment.CampaignDb, "select coalesce((select blocked from campaign.profile_copies where user_id = @userId), false)"),
        };
        var missing = new List<string>();
        var done = await PollAsync(async () =>
        {
            missing.Clear();
            foreach (var (database, sql) in copies)
            {
                if (!await ScalarAsync<bool>(database, sql, new { userId }))
                {
                    missing.Add(sql);
                }
            }

            return missing.Count == 0;
        });
        Assert.True(done, $"the block of {userId} did not reach every service within {Eventually.TotalSeconds} s: {string.Join("; ", missing)}");
    }

    // ---- objects ----

    public static object DonationBody(string? title = null) =>
        new { title = title ?? "Item " + Guid.NewGuid().ToString("N")[..8], description = "A test item", category = "books", location = "Leeds" };

    public static object CampaignBody(decimal goal = 1000m, string? title = null) =>
        new { title = title ?? "Campaign " + Guid.NewGuid().ToString("N")[..8], description = "A test campaign", category = "education", goal_amount = goal };

    public async Task<Guid> PendingDonationAsync(TestUser donor) =>
        (await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Post, "api/donations", donor.Token, DonationBody()), 201)).Id;

    /// <summary>A donation_image slot for the donor, with a small PNG PUT to its URL as a browser would (issue 16).</summary>
    /// <summary>An upload slot of <paramref name="kind"/> from <paramref name="service"/> and a small file PUT to it (a PDF for documents, else a PNG); its blob id.</summary>
    public async Task<Guid> UploadedAsync(Service service, TestUser user, string kind) =>
        await Uploads.PutAsync(
            Expect(await SendAsync(service, HttpMethod.Post, "api/uploads", user.Token, new { kind }), 201).Json,
            kind == "verification_document" ? Uploads.Pdf() : Uploads.Png());

    /// <summary>The user asks to be verified with one uploaded document (issue 16: document URLs are refused).</summary>
    public async Task<Reply> RequestVerificationAsync(TestUser user) =>
        await SendAsync(Service.Donation, HttpMethod.Post, "api/profiles/me/verification", user.Token,
            new { document_ids = new[] { await UploadedAsync(Service.Donation, user, "verification_document") } });

    public async Task<Guid> UploadedImageAsync(TestUser donor)
    {
        var slot = Expect(await SendAsync(Service.Donation, HttpMethod.Post, "api/uploads", donor.Token, new { kind = "donation_image" }), 201).Json;
        using var put = new HttpRequestMessage(HttpMethod.Put, slot.GetProperty("upload_url").GetString())
        {
            Content = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]),
        };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await Http.SendAsync(put);
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return slot.GetProperty("blob_id").GetGuid();
    }

    public async Task<Guid> AvailableDonationAsync(TestUser donor)
    {
        var id = await PendingDonationAsync(donor);
        await ExpectAsync(await SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/donations/{id}/review", Admin.Token, new { decision = "approve" }), 200);
        return id;
    }

    public async Task<Guid> RequestAsync(TestUser recipient, Guid donationId) =>
        (await ExpectAsync(await SendAsync(Service.Request, HttpMethod.Post, "api/requests", recipient.Token, new { donation_id = donationId, message = "I would love this" }), 201)).Id;

    /// <summary>A request of <paramref name="recipient"/> for a fresh donation of <paramref name="donor"/>, pending.</summary>
    public async Task<Guid> PendingRequestAsync(TestUser donor, TestUser recipient) => await RequestAsync(recipient, await AvailableDonationAsync(donor));

    /// <summary>A request the donor approved and the claim saga ended <c>approved</c>.</summary>
    public async Task<Guid> ApprovedRequestAsync(TestUser donor, TestUser recipient)
    {
        var id = await PendingRequestAsync(donor, recipient);
        await ExpectAsync(await SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{id}/approve", donor.Token), 202);
        await WaitForAsync(Service.Request, $"api/requests/{id}", donor.Token, r => r.Status == 200 && r.Json.GetProperty("status").GetString() == "approved", "request approved by the saga");
        return id;
    }

    /// <summary>A fresh donation of <paramref name="donor"/> whose request by <paramref name="recipient"/> the claim saga ended <c>approved</c> (issue 17).</summary>
    public async Task<(Guid Donation, Guid Request)> ApprovedDonationAsync(TestUser donor, TestUser recipient)
    {
        var donation = await AvailableDonationAsync(donor);
        var id = await RequestAsync(recipient, donation);
        await ExpectAsync(await SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{id}/approve", donor.Token), 202);
        await WaitForAsync(Service.Request, $"api/requests/{id}", donor.Token, r => r.Status == 200 && r.Json.GetProperty("status").GetString() == "approved", "request approved by the saga");
        return (donation, id);
    }

    /// <summary>A request the donor approved and then marked handed over (issue 17: only these can be rated).</summary>
    public async Task<Guid> CompletedRequestAsync(TestUser donor, TestUser recipient)
    {
        var id = await ApprovedRequestAsync(donor, recipient);
        await ExpectAsync(await SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{id}/complete", donor.Token), 200);
        return id;
    }

    /// <summary>The recipient's rating of a completed request; its id.</summary>
    public async Task<Guid> RatingAsync(TestUser recipient, Guid completedRequest, int stars = 5) =>
        (await ExpectAsync(await SendAsync(Service.Request, HttpMethod.Post, "api/ratings", recipient.Token, new { request_id = completedRequest, rating = stars }), 201)).Id;

    public async Task<Guid> PendingCampaignAsync(TestUser owner, decimal goal = 1000m) =>
        (await ExpectAsync(await SendAsync(Service.Campaign, HttpMethod.Post, "api/campaigns", owner.Token, CampaignBody(goal)), 201)).Id;

    public async Task<Guid> ActiveCampaignAsync(TestUser owner, decimal goal = 1000m)
    {
        var id = await PendingCampaignAsync(owner, goal);
        await ExpectAsync(await SendAsync(Service.Campaign, HttpMethod.Post, $"api/admin/campaigns/{id}/review", Admin.Token, new { decision = "approve" }), 200);
        return id;
    }

    public async Task<Guid> PausedCampaignAsync(TestUser owner)
    {
        var id = await ActiveCampaignAsync(owner);
        await ExpectAsync(await SendAsync(Service.Campaign, HttpMethod.Post, $"api/campaigns/{id}/pause", owner.Token), 200);
        return id;
    }

    public async Task<Guid> ContributionAsync(TestUser contributor, Guid campaignId, decimal amount = 1m) =>
        (await ExpectAsync(await SendAsync(Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaignId}/contributions", contributor.Token, new { amount }), 201)).Id;

    /// <summary>Waits until messaging-service has heard of the user (their profile.created): only then can they be messaged (issue 18).</summary>
    public async Task KnownToMessagingAsync(Guid userId) =>
        Assert.True(
            await PollAsync(async () => await ScalarAsync<bool>(TestEnvironment.MainDb, "select exists (select 1 from messaging.blocked_users where user_id = @userId)", new { userId })),
            $"messaging-service never heard of user {userId} (profile.created)");

    /// <summary>
    /// Sends a message; a receiver whose profile.created has not reached messaging-service yet (404) is
    /// tried again for up to 15 s: messages go only to users messaging knows (issue 18).
    /// </summary>
    public async Task<Guid> MessageAsync(TestUser from, Guid to, string content = "Hello there")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var reply = await SendAsync(Service.Messaging, HttpMethod.Post, "api/messages", from.Token, new { receiver_id = to, content });
            if (reply.Status != 404 || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                return (await ExpectAsync(reply, 201)).Id;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The notification messaging-service made for the receiver of a message (in the same transaction as the message).</summary>
    public async Task<Guid> NotificationOfMessageAsync(TestUser receiver, Guid messageId)
    {
        Guid? found = null;
        await WaitForAsync(Service.Messaging, "api/notifications?unread=true&limit=100", receiver.Token, r =>
        {
            found = r.Status == 200
                ? r.Items.Where(n => n.GetProperty("data").TryGetProperty("message_id", out var m) && m.GetString() == messageId.ToString())
                    .Select(n => (Guid?)n.GetProperty("id").GetGuid()).FirstOrDefault()
                : null;
            return found is not null;
        }, $"a notification of message {messageId}");
        return found!.Value;
    }

    /// <summary>A notification of <paramref name="receiver"/>: made by a fresh message from <paramref name="sender"/>.</summary>
    public async Task<Guid> NotificationAsync(TestUser sender, TestUser receiver) =>
        await NotificationOfMessageAsync(receiver, await MessageAsync(sender, receiver.Id));

    public async Task<Guid> ReportAsync(TestUser reporter, string targetType, Guid targetId, string reason = "abuse") =>
        (await ExpectAsync(await SendAsync(Service.Messaging, HttpMethod.Post, "api/reports", reporter.Token, new { target_type = targetType, target_id = targetId, reason }), 201)).Id;

    // ---- HTTP ----

    /// <summary>Sends a request. <paramref name="body"/> is an object (serialised snake_case), a string (sent as is, JSON) or HttpContent.</summary>
    public async Task<Reply> SendAsync(
        Service service, HttpMethod method, string path, string? token = null, object? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress(service), path))
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
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await ReadAsync(await Http.SendAsync(request), $"{method} {service}:{path}");
    }

    public static async Task<Reply> ReadAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var headers = response.Headers.Concat(response.Content.Headers)
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            return new Reply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, headers, what);
        }
    }

    /// <summary>Asserts the status (a 5xx shows the service's last output lines) and returns the reply.</summary>
    public Reply Expect(Reply reply, int status)
    {
        if (reply.Status != status)
        {
            Assert.Fail(Describe($"Expected {status}: {reply}", ServiceOf(reply)));
        }

        return reply;
    }

    public Task<Reply> ExpectAsync(Reply reply, int status) => Task.FromResult(Expect(reply, status));

    /// <summary>Polls GET <paramref name="path"/> until <paramref name="done"/> holds, for at most <see cref="Eventually"/>.</summary>
    public async Task<Reply> WaitForAsync(Service service, string path, string? token, Func<Reply, bool> done, string what)
    {
        Reply last = null!;
        var ok = await PollAsync(async () => done(last = await SendAsync(service, HttpMethod.Get, path, token)));
        Assert.True(ok, Describe($"Not within {Eventually.TotalSeconds} s: {what}; last: {last}", service));
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

    /// <summary>A failure message with the last output lines of a service (or of all of them).</summary>
    public string Describe(string what, Service? service = null)
    {
        var text = new StringBuilder(what);
        foreach (var (name, process) in _processes.Where(p => service is null || p.Key == service))
        {
            text.AppendLine().Append("--- ").Append(name).Append("-service (last lines) ---").AppendLine().Append(process.OutputTail);
        }

        return text.ToString();
    }

    private static Service? ServiceOf(Reply reply) =>
        Enum.GetValues<Service>().Cast<Service?>().FirstOrDefault(s => reply.Request.Contains($" {s}:", StringComparison.Ordinal));

    // ---- database (read-only checks) ----

    public static async Task<T> ScalarAsync<T>(string database, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(database);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }
}

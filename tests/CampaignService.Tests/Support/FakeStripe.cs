using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing;
using Stripe;

namespace CampaignService.Tests.Support;

/// <summary>
/// A small stateful fake of the Stripe endpoints campaign-service uses, on a loopback port (test
/// support only: Stripe cannot be reached from these machines). Stripe.net is pointed at it with
/// <c>Payments__Stripe__ApiBase</c>. Like Stripe it answers 200 on success and
/// <c>{"error":{…}}</c> otherwise, replays a POST by its Idempotency-Key (first answer kept), and
/// signs webhooks as Stripe does: <c>Stripe-Signature: t=…,v1=HMAC-SHA256(secret, t + "." + body)</c>.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake_for_tests";
    public const string WebhookSecret = "whsec_test_fake_for_tests";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _replays = new();
    private readonly ConcurrentDictionary<string, JsonObject> _sessions = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _refunds = new();
    private readonly ConcurrentDictionary<string, string> _paidIntents = new();
    private readonly SemaphoreSlim _serial = new(1, 1);
    private int _sessionsCreated;
    private int _refundsCreated;

    private FakeStripe(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>While true every call answers 500 with a Stripe error (Stripe down).</summary>
    public bool Down { get; set; }

    /// <summary>When set, a session create records the session (Stripe has done it) and then waits before answering.</summary>
    public Hold? HoldSessions { get; set; }

    /// <summary>When set, a refund is made and recorded, and then waits before answering.</summary>
    public Hold? HoldRefunds { get; set; }

    /// <summary>Sessions Stripe really created (replays by Idempotency-Key not counted).</summary>
    public int SessionsCreated => Volatile.Read(ref _sessionsCreated);

    /// <summary>Refunds Stripe really made (replays not counted).</summary>
    public int RefundsCreated => Volatile.Read(ref _refundsCreated);

    public static async Task<FakeStripe> StartAsync()
    {
        var port = TestEnvironment.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeStripe(app, $"http://127.0.0.1:{port}");
        app.MapPost("/v1/checkout/sessions", (Delegate)fake.CreateSessionAsync);
        app.MapGet("/v1/checkout/sessions/{id}", (string id) => fake._sessions.TryGetValue(id, out var s)
            ? Results.Text(s.ToJsonString(), "application/json")
            : Error(404, "resource_missing", "No such checkout.session"));
        app.MapPost("/v1/refunds", (Delegate)fake.CreateRefundAsync);
        await app.StartAsync();
        return fake;
    }

    public JsonObject Session(string id) => _sessions[id];

    /// <summary>The session opened for a contribution.</summary>
    public JsonObject SessionOf(Guid contributionId) =>
        _sessions.Values.Single(s => (string?)s["client_reference_id"] == contributionId.ToString());

    public IReadOnlyList<JsonObject> RefundsOf(string paymentIntent) =>
        _refunds.TryGetValue(paymentIntent, out var list) ? list : [];

    /// <summary>
    /// The event Stripe sends when the contributor pays (or, for the other types, when the session
    /// expires or the payment fails); <paramref name="change"/> may alter the session object (to forge one).
    /// </summary>
    public string Event(string sessionId, string type = "checkout.session.completed", Action<JsonObject>? change = null, string? eventId = null)
    {
        if (type is "checkout.session.completed" or "checkout.session.async_payment_succeeded")
        {
            Pay(sessionId);
        }

        var session = (JsonObject)_sessions[sessionId].DeepClone();
        if (type == "checkout.session.expired")
        {
            session["status"] = "expired";
        }

        change?.Invoke(session);
        var stripeEvent = new JsonObject
        {
            ["id"] = eventId ?? "evt_" + Guid.NewGuid().ToString("N"),
            ["object"] = "event",
            ["api_version"] = StripeConfiguration.ApiVersion,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = session },
        };
        return stripeEvent.ToJsonString();
    }

    /// <summary>The Stripe-Signature header Stripe would send for <paramref name="body"/> at <paramref name="at"/>.</summary>
    public static string Sign(string body, DateTimeOffset at, string secret = WebhookSecret)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    public async ValueTask DisposeAsync()
    {
        HoldSessions?.Release.TrySetResult();
        HoldRefunds?.Release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _serial.Dispose();
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Text(new JsonObject { ["error"] = new JsonObject { ["type"] = "api_error", ["code"] = code, ["message"] = message } }.ToJsonString(), "application/json", statusCode: status);

    private static IResult Json(int status, string body) => Results.Text(body, "application/json", statusCode: status);

    private async Task<IResult> CreateSessionAsync(HttpContext context)
    {
        if (Down)
        {
            return Error(500, "api_error", "Stripe is down (fake)");
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var form = await context.Request.ReadFormAsync();
        JsonObject session;
        await _serial.WaitAsync();
        try
        {
            if (key.Length > 0 && _replays.TryGetValue("session:" + key, out var replay))
            {
                return Json(replay.Status, replay.Body);
            }

            var id = "cs_test_" + Guid.NewGuid().ToString("N");
            var metadata = new JsonObject();
            foreach (var (name, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            {
                metadata[name["metadata[".Length..^1]] = value.ToString();
            }

            session = new JsonObject
            {
                ["id"] = id,
                ["object"] = "checkout.session",
                ["url"] = "https://checkout.stripe.test/c/pay/" + id,
                ["status"] = "open",
                ["payment_status"] = "unpaid",
                ["mode"] = form["mode"].ToString(),
                ["amount_total"] = long.Parse(form["line_items[0][price_data][unit_amount]"].ToString(), CultureInfo.InvariantCulture),
                ["currency"] = form["line_items[0][price_data][currency]"].ToString(),
                ["client_reference_id"] = form["client_reference_id"].ToString(),
                ["metadata"] = metadata,
                ["payment_intent"] = null,
                ["expires_at"] = long.Parse(form["expires_at"].ToString(), CultureInfo.InvariantCulture),
                ["success_url"] = form["success_url"].ToString(),
                ["cancel_url"] = form["cancel_url"].ToString(),
            };
            _sessions[id] = session;
            Interlocked.Increment(ref _sessionsCreated);
            if (key.Length > 0)
            {
                _replays["session:" + key] = (200, session.ToJsonString());
            }
        }
        finally
        {
            _serial.Release();
        }

        if (HoldSessions is { } hold)
        {
            hold.Reached.TrySetResult((string)session["id"]!);
            await hold.Release.Task;
        }

        return Json(200, session.ToJsonString());
    }

    private async Task<IResult> CreateRefundAsync(HttpContext context)
    {
        if (Down)
        {
            return Error(500, "api_error", "Stripe is down (fake)");
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var form = await context.Request.ReadFormAsync();
        JsonObject refund;
        await _serial.WaitAsync();
        try
        {
            if (key.Length > 0 && _replays.TryGetValue("refund:" + key, out var replay))
            {
                return Json(replay.Status, replay.Body);
            }

            var paymentIntent = form["payment_intent"].ToString();
            if (!_paidIntents.ContainsKey(paymentIntent))
            {
                return Error(400, "resource_missing", "No such payment_intent: " + paymentIntent);
            }

            refund = new JsonObject
            {
                ["id"] = "re_" + Guid.NewGuid().ToString("N"),
                ["object"] = "refund",
                ["amount"] = long.Parse(form["amount"].ToString(), CultureInfo.InvariantCulture),
                ["currency"] = _paidIntents.GetValueOrDefault(paymentIntent, "usd"),
                ["payment_intent"] = paymentIntent,
                ["status"] = "succeeded",
            };
            _refunds.GetOrAdd(paymentIntent, _ => []).Add(refund);
            Interlocked.Increment(ref _refundsCreated);
            if (key.Length > 0)
            {
                _replays["refund:" + key] = (200, refund.ToJsonString());
            }
        }
        finally
        {
            _serial.Release();
        }

        if (HoldRefunds is { } hold)
        {
            hold.Reached.TrySetResult((string)refund["id"]!);
            await hold.Release.Task;
        }

        return Json(200, refund.ToJsonString());
    }

    /// <summary>Marks the session paid at Stripe (what the checkout page does), so its payment intent can be refunded.</summary>
    public void Pay(string sessionId)
    {
        var session = _sessions[sessionId];
        var intent = "pi_" + sessionId[3..];
        session["status"] = "complete";
        session["payment_status"] = "paid";
        session["payment_intent"] = intent;
        _paidIntents[intent] = (string)session["currency"]!;
    }
}

/// <summary>Holds a call of the fake after Stripe did its work: <see cref="Reached"/> says it happened (with the object's id), <see cref="Release"/> lets the answer go.</summary>
public sealed class Hold
{
    public TaskCompletionSource<string> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

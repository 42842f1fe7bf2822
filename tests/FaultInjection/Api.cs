using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FaultInjection;

/// <summary>The final answer to one API call, after the retries a well-behaved frontend makes.</summary>
/// <param name="Status">The last HTTP status, or 0 when no attempt got an answer.</param>
/// <param name="Body">The parsed JSON body (Undefined when there was none).</param>
/// <param name="Attempts">HTTP attempts made for this call.</param>
/// <param name="Uncertain">True when an earlier attempt failed (503 or no answer) and may have taken effect unseen.</param>
internal sealed record ApiResult(int Status, JsonElement Body, int Attempts, bool Uncertain, bool Replayed)
{
    public bool Ok => Status is >= 200 and < 300;

    public Guid Id => Guid.Parse(Text("id") ?? throw new InvalidOperationException("The response has no id: " + Body));

    public string? Text(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public decimal? Number(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    public override string ToString() => Status == 0 ? "no answer" : $"{Status} {Excerpt()}";

    private string Excerpt()
    {
        var text = Body.ValueKind == JsonValueKind.Undefined ? string.Empty : Body.GetRawText();
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}

/// <summary>
/// Calls the services' HTTP APIs like a frontend that copes with outages: a 503 or a failed
/// connection is retried (honouring Retry-After, capped) with the same body and the same
/// Idempotency-Key until the call's time budget runs out. Every attempt is counted in <see cref="Traffic"/>.
/// </summary>
internal sealed class Api : IDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http;
    private readonly Settings _settings;
    private readonly Traffic _traffic;

    public Api(Settings settings, Traffic traffic)
    {
        _settings = settings;
        _traffic = traffic;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            PooledConnectionLifetime = TimeSpan.FromSeconds(20),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = 32,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>How long one call keeps retrying (a frontend's patience); long enough to outlast every fault.</summary>
    public static TimeSpan DefaultBudget { get; } = TimeSpan.FromSeconds(50);

    public Task<ApiResult> GetAsync(string service, string path, string route, User? user, CancellationToken abort, TimeSpan? budget = null) =>
        SendAsync(service, HttpMethod.Get, path, route, user, body: null, idempotencyKey: null, budget ?? DefaultBudget, abort);

    public Task<ApiResult> PostAsync(string service, string path, string route, User user, object? body, string? idempotencyKey, CancellationToken abort, TimeSpan? budget = null) =>
        SendAsync(service, HttpMethod.Post, path, route, user, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body), idempotencyKey, budget ?? DefaultBudget, abort);

    /// <summary>
    /// A create from an impatient client: it gives up on the first attempt after a few milliseconds
    /// (the server may finish it unseen, or be cancelled half-way) and sends it again with the same
    /// Idempotency-Key, sometimes while the first is still running.
    /// </summary>
    public Task<ApiResult> PostImpatientlyAsync(string service, string path, string route, User user, object body, string idempotencyKey, CancellationToken abort) =>
        SendAsync(service, HttpMethod.Post, path, route, user, JsonSerializer.SerializeToUtf8Bytes(body), idempotencyKey, DefaultBudget, abort,
            firstAttemptTimeout: TimeSpan.FromMilliseconds(Random.Shared.Next(5, 80)));

    public Task<ApiResult> PutAsync(string service, string path, string route, User user, object body, CancellationToken abort) =>
        SendAsync(service, HttpMethod.Put, path, route, user, JsonSerializer.SerializeToUtf8Bytes(body), idempotencyKey: null, DefaultBudget, abort);

    /// <summary>One attempt, no retry: for health probes.</summary>
    public Task<ApiResult> ProbeAsync(string service, string path, string route, CancellationToken abort) =>
        SendAsync(service, HttpMethod.Get, path, route, user: null, body: null, idempotencyKey: null, TimeSpan.Zero, abort, attemptTimeout: TimeSpan.FromSeconds(8));

    private async Task<ApiResult> SendAsync(
        string service, HttpMethod method, string path, string route, User? user, byte[]? body, string? idempotencyKey,
        TimeSpan budget, CancellationToken abort, TimeSpan? attemptTimeout = null, TimeSpan? firstAttemptTimeout = null)
    {
        var deadline = DateTime.UtcNow + budget;
        var uri = new Uri(_settings.BaseAddress(service), path);
        var uncertain = false;
        for (var attempt = 1; ; attempt++)
        {
            abort.ThrowIfCancellationRequested();
            TimeSpan? retryAfter;
            using (var request = new HttpRequestMessage(method, uri))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort))
            {
                if (user is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
                }

                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }

                var abandoning = attempt == 1 && firstAttemptTimeout is not null;
                timeout.CancelAfter(abandoning ? firstAttemptTimeout!.Value : attemptTimeout ?? AttemptTimeout);
                try
                {
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    var text = await response.Content.ReadAsStringAsync(timeout.Token);
                    var status = (int)response.StatusCode;
                    _traffic.Response(service, method.Method, path, route, status, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter is not null, text);
                    if (status != (int)HttpStatusCode.ServiceUnavailable || DateTime.UtcNow >= deadline)
                    {
                        return new ApiResult(status, Parse(text), attempt, uncertain, response.Headers.Contains("Idempotent-Replayed"));
                    }

                    // A 503 should mean "nothing happened", but a commit whose answer was lost looks the same.
                    uncertain = true;
                    retryAfter = response.Headers.RetryAfter?.Delta;
                }
                catch (Exception ex) when (!abort.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    // No answer: the request may or may not have been handled.
                    var gaveUp = abandoning && ex is OperationCanceledException;
                    _traffic.NoResponse(method.Method, route, gaveUp ? NoAnswer.Abandoned : ex is OperationCanceledException ? NoAnswer.Timeout : NoAnswer.NoConnection);
                    uncertain = true;
                    if (gaveUp)
                    {
                        // Retry at once or a little later: racing the first attempt, or after it.
                        await Task.Delay(Random.Shared.Next(0, 300), abort);
                        continue;
                    }

                    if (DateTime.UtcNow >= deadline)
                    {
                        return new ApiResult(0, default, attempt, uncertain, Replayed: false);
                    }

                    retryAfter = null;
                }
            }

            var backoff = retryAfter ?? TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(attempt - 1, 3)));
            var delay = TimeSpan.FromMilliseconds(Math.Clamp(backoff.TotalMilliseconds, 200, MaxRetryDelay.TotalMilliseconds) * (0.75 + Random.Shared.NextDouble() / 2));
            await Task.Delay(delay, abort);
        }
    }

    private static JsonElement Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public void Dispose() => _http.Dispose();
}

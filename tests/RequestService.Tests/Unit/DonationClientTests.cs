using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Hosting;
using Platform.Testing;
using RequestService.Donations;

namespace RequestService.Tests.Unit;

/// <summary>
/// The sync call to donation-service: a clear answer is Found (donor id taken from the answer) or
/// NotFound; anything else — 5xx, timeouts, refused connections, garbage — is Unavailable, which the
/// function turns into 503. First against a bare HttpClient, then through the resilience pipeline
/// exactly as <see cref="RequestServiceSetup"/> registers it.
/// </summary>
public sealed class DonationClientTests
{
    private static readonly Guid DonationId = Guid.Parse("0197a2c4-2222-7000-8000-000000000002");
    private static readonly Guid DonorId = Guid.Parse("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");

    private static string DonationJson(Guid donorId, string status = "available") =>
        $$"""
        {"id":"{{DonationId}}","donor_id":"{{donorId}}","title":"Lamp","description":null,"category":"household",
         "location":null,"image_url":null,"status":"{{status}}","review_reason":null,
         "created_at":"2025-06-01T12:00:00Z","updated_at":"2025-06-01T12:00:00Z"}
        """;

    [Fact]
    public async Task Ok_is_Found_with_the_donor_and_status_of_the_answer_asked_with_the_callers_token()
    {
        var handler = new FakeHandler(_ => Json(HttpStatusCode.OK, DonationJson(DonorId, "claimed")));

        var lookup = await Client(handler).GetDonationAsync(DonationId, "caller-token", CancellationToken.None);

        Assert.Equal(new DonationLookup(LookupOutcome.Found, DonorId, "claimed"), lookup);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, sent.Method);
        Assert.Equal($"http://donations.test/base/api/donations/{DonationId}", sent.RequestUri!.ToString());
        Assert.Equal("Bearer caller-token", sent.Authorization);
    }

    [Fact]
    public async Task Not_found_is_NotFound()
    {
        var lookup = await Client(new FakeHandler(_ => Json(HttpStatusCode.NotFound, """{"status":404}"""))).GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.NotFound, lookup.Outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.NoContent)]
    public async Task Any_other_status_is_Unavailable(HttpStatusCode status)
    {
        var lookup = await Client(new FakeHandler(_ => Json(status, "{}"))).GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    public async Task An_unreadable_answer_is_Unavailable(string body)
    {
        var lookup = await Client(new FakeHandler(_ => Json(HttpStatusCode.OK, body))).GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
    }

    /// <summary>
    /// A 200 whose JSON does not fit the expected shape (donation-service changed its contract, a proxy
    /// answered) is not "a clear answer" either: it must be Unavailable (→ 503), not an exception (→ 500).
    /// </summary>
    [Theory]
    [InlineData("""{"id":"x","donor_id":42,"status":"available"}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_well_formed_answer_of_the_wrong_shape_is_Unavailable_not_an_exception(string body)
    {
        var lookup = await Client(new FakeHandler(_ => Json(HttpStatusCode.OK, body))).GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
    }

    [Fact]
    public async Task A_profile_answer_of_the_wrong_shape_is_Unavailable_not_an_exception()
    {
        var profile = await Client(new FakeHandler(_ => Json(HttpStatusCode.OK, """{"id":"x","role":"recipient","blocked":"no"}"""))).GetCallerProfileAsync("t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, profile.Outcome);
    }

    [Fact]
    public async Task A_timeout_is_Unavailable()
    {
        var handler = new FakeHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Json(HttpStatusCode.OK, "{}");
        });
        var client = new DonationClient(new HttpClient(handler) { BaseAddress = new Uri("http://donations.test/"), Timeout = TimeSpan.FromMilliseconds(200) });

        var lookup = await client.GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
    }

    [Fact]
    public async Task A_refused_connection_is_Unavailable()
    {
        var closedPort = TestEnvironment.FreePort();
        var client = new DonationClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{closedPort}/") });

        Assert.Equal(LookupOutcome.Unavailable, (await client.GetDonationAsync(DonationId, "t", CancellationToken.None)).Outcome);
        Assert.Equal(LookupOutcome.Unavailable, (await client.GetCallerProfileAsync("t", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_handler_exception_that_is_a_connection_failure_is_Unavailable()
    {
        var handler = new FakeHandler(_ => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)));

        Assert.Equal(LookupOutcome.Unavailable, (await Client(handler).GetDonationAsync(DonationId, "t", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_swallowed()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var handler = new FakeHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Json(HttpStatusCode.OK, "{}");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(handler).GetDonationAsync(DonationId, "t", cancelled.Token));
    }

    [Fact]
    public async Task The_callers_profile_comes_from_profiles_me()
    {
        var handler = new FakeHandler(_ => Json(HttpStatusCode.OK, $$"""{"id":"{{DonorId}}","email":"a@b.c","role":"recipient","blocked":true,"rating_avg":0,"rating_count":0}"""));

        var profile = await Client(handler).GetCallerProfileAsync("caller-token", CancellationToken.None);

        Assert.Equal(new CallerProfile(LookupOutcome.Found, "recipient", Blocked: true), profile);
        Assert.Equal("http://donations.test/base/api/profiles/me", Assert.Single(handler.Requests).RequestUri!.ToString());
        Assert.Equal("Bearer caller-token", handler.Requests[0].Authorization);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task A_profile_that_cannot_be_read_is_Unavailable(HttpStatusCode status)
    {
        var profile = await Client(new FakeHandler(_ => Json(status, "{}"))).GetCallerProfileAsync("t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, profile.Outcome);
    }

    // ---- through the pipeline RequestServiceSetup registers (standard resilience handler) ----

    [Fact]
    public async Task Pipeline_retries_a_500_and_then_answers_Unavailable()
    {
        var handler = new FakeHandler(_ => Json(HttpStatusCode.InternalServerError, "{}"));
        using var services = Configured(handler);

        var lookup = await services.GetRequiredService<IDonationClient>().GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
        Assert.Equal(3, handler.Requests.Count); // the first attempt and two retries
    }

    [Fact]
    public async Task Pipeline_retries_a_transient_503_into_a_Found()
    {
        var calls = 0;
        var handler = new FakeHandler(_ => Interlocked.Increment(ref calls) == 1
            ? Json(HttpStatusCode.ServiceUnavailable, "{}")
            : Json(HttpStatusCode.OK, DonationJson(DonorId)));
        using var services = Configured(handler);

        var lookup = await services.GetRequiredService<IDonationClient>().GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(new DonationLookup(LookupOutcome.Found, DonorId, "available"), lookup);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Pipeline_does_not_retry_a_404()
    {
        var handler = new FakeHandler(_ => Json(HttpStatusCode.NotFound, "{}"));
        using var services = Configured(handler);

        var lookup = await services.GetRequiredService<IDonationClient>().GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.NotFound, lookup.Outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Pipeline_gives_up_on_a_hanging_donation_service_within_its_total_timeout()
    {
        var handler = new FakeHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Json(HttpStatusCode.OK, "{}");
        });
        using var services = Configured(handler);
        var clock = Stopwatch.StartNew();

        var lookup = await services.GetRequiredService<IDonationClient>().GetDonationAsync(DonationId, "t", CancellationToken.None);

        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8)); // 2 s per attempt, 6 s in all
    }

    [Fact]
    public void A_missing_DonationServiceUrl_is_a_clear_configuration_error()
    {
        using var services = Configured(new FakeHandler(_ => Json(HttpStatusCode.OK, "{}")), baseUrl: string.Empty);

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IDonationClient>());
        Assert.Contains("DonationServiceUrl", error.Message, StringComparison.Ordinal);
    }

    private static DonationClient Client(HttpMessageHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://donations.test/base/") });

    /// <summary>The service's own registration (AddRequestService), with the network replaced by <paramref name="handler"/>.</summary>
    private static ServiceProvider Configured(HttpMessageHandler handler, string baseUrl = "http://donations.test:7071")
    {
        var app = PlatformApplication.Create(RequestServiceSetup.Name, ["--standalone", "--DonationServiceUrl=" + baseUrl]);
        app.AddRequestService();
        app.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        return app.Services.BuildServiceProvider();
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Answers every request with the given function and records what was sent.</summary>
    private sealed class FakeHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer)
            : this((request, _) => Task.FromResult(answer(request)))
        {
        }

        public List<SentRequest> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(new SentRequest(request.Method, request.RequestUri, request.Headers.Authorization?.ToString()));
            }

            return answer(request, cancellationToken);
        }
    }

    private sealed record SentRequest(HttpMethod Method, Uri? RequestUri, string? Authorization);
}

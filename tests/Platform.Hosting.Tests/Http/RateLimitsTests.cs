using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Moq;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class RateLimitsTests
{
    private static readonly Caller Ann = new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), null, false);
    private static readonly Caller Bob = new(Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da"), null, false);

    private static RateLimits Limits(int permits = 2, int windowSeconds = 60, int hops = 0) => new(new RateLimitSettings(
        new RateAllowance(permits, TimeSpan.FromSeconds(windowSeconds)),
        new RateAllowance(permits, TimeSpan.FromSeconds(windowSeconds)),
        new RateAllowance(permits, TimeSpan.FromSeconds(windowSeconds)),
        new RateAllowance(0, TimeSpan.FromSeconds(windowSeconds)),
        hops));

    private static HttpRequest Request(string? peer = "203.0.113.7", params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer is null ? null : IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context.Request;
    }

    [Theory]
    [InlineData("GET", RateClass.Reads)]
    [InlineData("HEAD", RateClass.Reads)]
    [InlineData("POST", RateClass.Writes)]
    [InlineData("PUT", RateClass.Writes)]
    [InlineData("DELETE", RateClass.Writes)]
    public void A_route_without_a_declared_class_spends_by_its_method(string method, RateClass expected)
    {
        Assert.Equal(expected, RateLimits.ClassOf(null, method));
        Assert.Equal(RateClass.Messages, RateLimits.ClassOf(RateClass.Messages, method));
    }

    [Fact]
    public void Standalone_the_client_is_the_connections_peer_whatever_X_Forwarded_For_says()
    {
        Assert.Equal(IPAddress.Parse("203.0.113.7"), RateLimits.ClientAddress(Request("203.0.113.7", "198.51.100.1"), forwardedHops: 0));
    }

    [Theory]
    [InlineData("198.51.100.9", "198.51.100.9")]
    [InlineData("1.1.1.1, 198.51.100.9", "198.51.100.9")] // the client's own entry on the left is not trusted
    [InlineData("1.1.1.1,198.51.100.9:55123", "198.51.100.9")]
    [InlineData("[2001:db8::5]:443", "2001:db8::5")]
    [InlineData("2001:db8::5", "2001:db8::5")]
    [InlineData("not-an-address", "127.0.0.1")] // the peer
    [InlineData("", "127.0.0.1")]
    public void Behind_one_trusted_proxy_the_client_is_the_rightmost_X_Forwarded_For_entry(string header, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), RateLimits.ClientAddress(Request("127.0.0.1", header), forwardedHops: 1));
    }

    [Fact]
    public void Two_trusted_proxies_take_the_second_entry_from_the_right_across_header_lines_and_too_few_entries_fall_back_to_the_peer()
    {
        Assert.Equal(IPAddress.Parse("198.51.100.9"), RateLimits.ClientAddress(Request("127.0.0.1", "6.6.6.6, 198.51.100.9", "10.0.0.4"), forwardedHops: 2));
        Assert.Equal(IPAddress.Parse("127.0.0.1"), RateLimits.ClientAddress(Request("127.0.0.1", "10.0.0.4"), forwardedHops: 2));
        Assert.Equal(IPAddress.Parse("127.0.0.1"), RateLimits.ClientAddress(Request("127.0.0.1"), forwardedHops: 1));
    }

    [Fact]
    public void Addresses_of_one_IPv6_slash_64_share_a_partition_and_IPv4_mapped_is_IPv4()
    {
        var a = RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("2001:db8:1:2::1"));
        var b = RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("2001:db8:1:2:ffff::9"));
        var other = RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("2001:db8:1:3::1"));

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        Assert.Equal(
            RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("192.0.2.1")),
            RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.NotEqual(
            RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("192.0.2.1")),
            RatePartition.ForAddress(RateClass.Reads, IPAddress.Parse("192.0.2.2")));
    }

    [Fact]
    public void A_user_is_counted_by_the_token_subject_not_by_address_and_classes_are_apart()
    {
        using var limits = Limits();
        var fromA = Request("203.0.113.7");
        var fromB = Request("198.51.100.1");

        Assert.Equal(limits.PartitionOf(RateClass.Writes, Ann, fromA), limits.PartitionOf(RateClass.Writes, Ann, fromB));
        Assert.NotEqual(limits.PartitionOf(RateClass.Writes, Ann, fromA), limits.PartitionOf(RateClass.Writes, Bob, fromA));
        Assert.NotEqual(limits.PartitionOf(RateClass.Writes, Ann, fromA), limits.PartitionOf(RateClass.Reads, Ann, fromA));
        Assert.NotEqual(limits.PartitionOf(RateClass.Reads, null, fromA), limits.PartitionOf(RateClass.Reads, null, fromB));
    }

    [Fact]
    public async Task The_call_past_the_allowance_is_a_429_problem_with_Retry_After_and_others_keep_theirs()
    {
        using var limits = Limits(permits: 2, windowSeconds: 60);
        var request = Request();

        Assert.Null(limits.TryAcquire(RateClass.Writes, Ann, request));
        Assert.Null(limits.TryAcquire(RateClass.Writes, Ann, request));
        var refused = await limits.TryAcquire(RateClass.Writes, Ann, request)!.RunAsync();

        Assert.Equal(429, refused.Status);
        Assert.Equal("application/problem+json; charset=utf-8", refused.ContentType);
        Assert.Equal("30", refused.Header("Retry-After")); // one token back every 60 s / 2
        Assert.Contains("at most 2 per 1 min", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(limits.TryAcquire(RateClass.Writes, Bob, request));
        Assert.Null(limits.TryAcquire(RateClass.Reads, Ann, request));
        Assert.Null(limits.TryAcquire(RateClass.Writes, null, request));
    }

    [Fact]
    public void Anonymous_callers_share_their_addresses_allowance_and_a_class_set_to_0_and_unlimited_routes_are_never_refused()
    {
        using var limits = Limits(permits: 1);

        Assert.Null(limits.TryAcquire(RateClass.Reads, null, Request("203.0.113.7")));
        Assert.NotNull(limits.TryAcquire(RateClass.Reads, null, Request("203.0.113.7")));
        Assert.Null(limits.TryAcquire(RateClass.Reads, null, Request("203.0.113.8")));
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(limits.TryAcquire(RateClass.Reports, Ann, Request()));
            Assert.Null(limits.TryAcquire(RateClass.Unlimited, Ann, Request()));
        }
    }

    [Fact]
    public void Admins_are_never_refused()
    {
        using var limits = Limits(permits: 1);
        var admin = new Caller(Guid.NewGuid(), null, IsAdmin: true);

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(limits.TryAcquire(RateClass.Writes, admin, Request()));
        }
    }

    [Fact]
    public void Settings_have_generous_defaults_and_read_overrides_and_refuse_nonsense()
    {
        var defaults = RateLimitSettings.Read(new ConfigurationBuilder().Build(), behindFunctionsHost: false);
        Assert.Equal(RateLimitSettings.DefaultReads, defaults.Reads);
        Assert.Equal(RateLimitSettings.DefaultReports, defaults.Reports);
        Assert.Equal(0, defaults.ForwardedHops);
        Assert.Equal(1, RateLimitSettings.Read(new ConfigurationBuilder().Build(), behindFunctionsHost: true).ForwardedHops);

        var set = RateLimitSettings.Read(Config(("RateLimits:Messages:PermitLimit", "3"), ("RateLimits:Messages:WindowSeconds", "10"), ("RateLimits:ForwardedHops", "2")), false);
        Assert.Equal(new RateAllowance(3, TimeSpan.FromSeconds(10)), set.Messages);
        Assert.Equal(2, set.ForwardedHops);

        var bad = Assert.Throws<InvalidOperationException>(() => RateLimitSettings.Read(Config(("RateLimits:Reads:WindowSeconds", "0")), false));
        Assert.Contains("RateLimits__Reads__WindowSeconds", bad.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => RateLimitSettings.Read(Config(("RateLimits:Writes:PermitLimit", "-1")), false));
    }

    [Fact]
    public async Task The_preamble_refuses_a_spent_caller_after_authentication_and_before_reading_the_body()
    {
        var auth = new Mock<IAuthenticator>();
        auth.Setup(a => a.RequireUserAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new AuthResult(Ann, null));
        using var limits = Limits(permits: 1);
        var calls = new HttpCalls(auth.Object, Api, limits);

        var first = await calls.BeginAsync(Request(), CancellationToken.None, function: "Paint");
        var second = await calls.BeginAsync(Request(), CancellationToken.None, function: "Paint");

        Assert.Null(first.Problem);
        Assert.Equal(429, (await second.Problem!.RunAsync()).Status);
        auth.Verify(a => a.RequireUserAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public void The_document_lists_429_with_Retry_After_for_limited_routes_only()
    {
        var limited = Api.Operations["Paint"];
        var unlimited = Api.Operations["Hook"];

        Assert.Contains(429, OpenApiGenerator.ImpliedErrors(limited, false, "POST"));
        Assert.DoesNotContain(429, OpenApiGenerator.ImpliedErrors(unlimited, false, "POST"));
        Assert.DoesNotContain(429, OpenApiGenerator.ImpliedErrors(Api.Operations[ApiDescription.HealthFunction], false, "GET"));
    }

    private static readonly ApiDescription Api = new ApiDescription("paint-service", "Paint.")
        .Operation("Paint", op => op.User().Summary("Paint"))
        .Operation("Hook", op => op.Anonymous().Summary("Hook").RateLimit(RateClass.Unlimited));

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}

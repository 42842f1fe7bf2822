using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Platform.Hosting.Auth;

namespace Platform.Hosting.Http;

/// <summary>
/// What a route spends from its caller's allowance. A route's class is said once, in the service's
/// API table (<see cref="OpenApi.Operation.RateLimit"/>); without one, a GET or HEAD is
/// <see cref="Reads"/> and anything else <see cref="Writes"/>.
/// </summary>
public enum RateClass
{
    /// <summary>Reads (lists, views, the public feed).</summary>
    Reads,

    /// <summary>Changes: creates, edits, actions, uploads.</summary>
    Writes,

    /// <summary>Sending a message to another user.</summary>
    Messages,

    /// <summary>Filing a report.</summary>
    Reports,

    /// <summary>Not limited (a provider's signed webhook; the platform's health and document).</summary>
    Unlimited,
}

/// <summary>One class's allowance: <see cref="PermitLimit"/> requests per <see cref="Window"/>, refilled evenly; 0 turns the class off.</summary>
public sealed record RateAllowance(int PermitLimit, TimeSpan Window)
{
    public bool IsOff => PermitLimit <= 0;

    /// <summary>The time one request's token takes to come back.</summary>
    public TimeSpan PerToken() => Window / Math.Max(PermitLimit, 1);
}

/// <summary>
/// The rate limits of an app, read from its settings (<c>RateLimits__{Class}__PermitLimit</c>,
/// <c>RateLimits__{Class}__WindowSeconds</c>, <c>RateLimits__ForwardedHops</c>).
/// </summary>
public sealed record RateLimitSettings(
    RateAllowance Reads, RateAllowance Writes, RateAllowance Messages, RateAllowance Reports, int ForwardedHops)
{
    /// <summary>Per caller and instance; generous for people, tight for scripts (docs/DESIGN-NOTES.md, "Rate limits").</summary>
    public static readonly RateAllowance DefaultReads = new(1200, TimeSpan.FromMinutes(1));
    public static readonly RateAllowance DefaultWrites = new(300, TimeSpan.FromMinutes(1));
    public static readonly RateAllowance DefaultMessages = new(60, TimeSpan.FromMinutes(1));
    public static readonly RateAllowance DefaultReports = new(30, TimeSpan.FromMinutes(10));

    public RateAllowance For(RateClass rateClass) => rateClass switch
    {
        RateClass.Reads => Reads,
        RateClass.Writes => Writes,
        RateClass.Messages => Messages,
        RateClass.Reports => Reports,
        _ => Off,
    };

    private static readonly RateAllowance Off = new(0, TimeSpan.Zero);

    /// <summary>
    /// Reads the settings; <paramref name="behindFunctionsHost"/> gives the default of
    /// <c>RateLimits__ForwardedHops</c>: 1 under the Functions host (its forwarder writes
    /// X-Forwarded-For), 0 standalone (the connection's peer is the client).
    /// </summary>
    public static RateLimitSettings Read(IConfiguration configuration, bool behindFunctionsHost) => new(
        Allowance("RateLimits__Reads", configuration["RateLimits:Reads:PermitLimit"], configuration["RateLimits:Reads:WindowSeconds"], DefaultReads),
        Allowance("RateLimits__Writes", configuration["RateLimits:Writes:PermitLimit"], configuration["RateLimits:Writes:WindowSeconds"], DefaultWrites),
        Allowance("RateLimits__Messages", configuration["RateLimits:Messages:PermitLimit"], configuration["RateLimits:Messages:WindowSeconds"], DefaultMessages),
        Allowance("RateLimits__Reports", configuration["RateLimits:Reports:PermitLimit"], configuration["RateLimits:Reports:WindowSeconds"], DefaultReports),
        Whole("RateLimits__ForwardedHops", configuration["RateLimits:ForwardedHops"], behindFunctionsHost ? 1 : 0, 0, 10));

    private static RateAllowance Allowance(string name, string? limit, string? windowSeconds, RateAllowance fallback) => new(
        Whole(name + "__PermitLimit", limit, fallback.PermitLimit, 0, 1_000_000_000),
        TimeSpan.FromSeconds(Whole(name + "__WindowSeconds", windowSeconds, (int)fallback.Window.TotalSeconds, 1, 86_400)));

    private static int Whole(string name, string? value, int fallback, int min, int max) =>
        string.IsNullOrWhiteSpace(value) ? fallback
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max ? number
        : throw new InvalidOperationException($"{name}: '{value}' is not a whole number from {min} to {max}.");
}

/// <summary>
/// Who a limit counts against: a signed-in user by the verified token's subject, an anonymous call by
/// its client address (IPv6 by its /64, which one subscriber usually holds whole). A value type, so the
/// hot path allocates nothing to find a caller's bucket.
/// </summary>
public readonly record struct RatePartition(RateClass Class, bool IsUser, UInt128 Who)
{
    public static RatePartition ForUser(RateClass rateClass, Guid userId)
    {
        Span<byte> bytes = stackalloc byte[16];
        userId.TryWriteBytes(bytes);
        return new RatePartition(rateClass, true, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    public static RatePartition ForAddress(RateClass rateClass, IPAddress? address)
    {
        if (address is null)
        {
            return new RatePartition(rateClass, false, UInt128.Zero);
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes.Clear();
            address.TryWriteBytes(bytes[12..], out _);
            bytes[10] = 0xff;
            bytes[11] = 0xff;
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear(); // the /64
        }

        return new RatePartition(rateClass, false, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }
}

/// <summary>
/// The platform's rate limits: ASP.NET Core's rate limiting primitives (System.Threading.RateLimiting,
/// the limiters <c>AddRateLimiter</c> builds on) applied in the shared preamble
/// (<see cref="HttpCalls"/>), after the token is verified, so that both hostings get the same limits and
/// a user is counted by the token's subject rather than by anything a client could vary. One token
/// bucket per (class, caller): <c>PermitLimit</c> requests at once, refilled evenly over the window; no
/// queueing (an exhausted caller gets 429 with Retry-After at once). Admins are not limited. Buckets idle and full are dropped
/// by the partitioned limiter. Limits hold per instance: several instances allow that many times more
/// (a global limit belongs in front, docs/DESIGN-NOTES.md).
/// </summary>
public sealed class RateLimits : IDisposable
{
    private const string ForwardedFor = "X-Forwarded-For";
    private readonly RateLimitSettings _settings;
    private readonly PartitionedRateLimiter<RatePartition> _limiter;

    public RateLimits(RateLimitSettings settings)
    {
        _settings = settings;
        var options = new Dictionary<RateClass, TokenBucketRateLimiterOptions>();
        foreach (var rateClass in new[] { RateClass.Reads, RateClass.Writes, RateClass.Messages, RateClass.Reports })
        {
            var allowance = settings.For(rateClass);
            if (!allowance.IsOff)
            {
                options[rateClass] = new TokenBucketRateLimiterOptions
                {
                    TokenLimit = allowance.PermitLimit,
                    TokensPerPeriod = allowance.PermitLimit,
                    ReplenishmentPeriod = allowance.Window,
                    QueueLimit = 0,

                    // The partitioned limiter's one timer (every 100 ms) refills every bucket in
                    // proportion to the time passed: PermitLimit per window, evenly.
                    AutoReplenishment = false,
                };
            }
        }

        Func<RatePartition, RateLimiter> create = partition => new TokenBucketRateLimiter(options[partition.Class]);
        _limiter = PartitionedRateLimiter.Create<RatePartition, RatePartition>(partition =>
            options.ContainsKey(partition.Class)
                ? RateLimitPartition.Get(partition, create)
                : RateLimitPartition.GetNoLimiter(partition));
    }

    public RateLimitSettings Settings => _settings;

    /// <summary>The class a route spends: its declared one, else by method.</summary>
    public static RateClass ClassOf(RateClass? declared, string method) =>
        declared ?? (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? RateClass.Reads : RateClass.Writes);

    /// <summary>Who the request counts against: the caller, else its client address.</summary>
    public RatePartition PartitionOf(RateClass rateClass, Caller? caller, HttpRequest request) =>
        caller is not null
            ? RatePartition.ForUser(rateClass, caller.UserId)
            : RatePartition.ForAddress(rateClass, ClientAddress(request, _settings.ForwardedHops));

    /// <summary>
    /// Takes one request from the caller's allowance for the class; null when allowed, else the 429
    /// problem with <c>Retry-After</c> (whole seconds, at least 1).
    /// </summary>
    public ApiResponse? TryAcquire(RateClass rateClass, Caller? caller, HttpRequest request)
    {
        // Admins are staff working a queue (a burst of reviews, a wave of reports to resolve); their
        // tokens are not the ones a script is given, and moderation must never wait on a limit.
        var allowance = _settings.For(rateClass);
        if (allowance.IsOff || caller is { IsAdmin: true })
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(PartitionOf(rateClass, caller, request));
        if (lease.IsAcquired)
        {
            return null;
        }

        // One token comes back every Window / PermitLimit (the lease's own RetryAfter would say a
        // whole window, since the bucket refills the window's tokens as one "period").
        var seconds = (int)Math.Clamp(Math.Ceiling(allowance.PerToken().TotalSeconds), 1, 86_400);
        return Problems.TooManyRequests(
            $"Too many {Name(rateClass)} from this {(caller is null ? "address" : "account")}: at most {allowance.PermitLimit} per "
            + $"{Seconds(allowance.Window)} on this server. Retry after {seconds} s.",
            seconds);
    }

    /// <summary>
    /// The client's address: the connection's peer when <paramref name="forwardedHops"/> is 0;
    /// else the entry that many places from the right of X-Forwarded-For, the one the nearest trusted
    /// proxy wrote (entries further left are the client's to invent). A header with fewer entries, or
    /// one that is not an address, falls back to the peer.
    /// </summary>
    public static IPAddress? ClientAddress(HttpRequest request, int forwardedHops)
    {
        var peer = request.HttpContext.Connection.RemoteIpAddress;
        if (forwardedHops <= 0)
        {
            return peer;
        }

        var headers = request.Headers[ForwardedFor];
        var remaining = forwardedHops;
        for (var h = headers.Count - 1; h >= 0; h--)
        {
            var value = headers[h].AsSpan();
            while (true)
            {
                var comma = value.LastIndexOf(',');
                var entry = value[(comma + 1)..].Trim();
                if (--remaining == 0)
                {
                    return ParseEntry(entry) ?? peer;
                }

                if (comma < 0)
                {
                    break;
                }

                value = value[..comma];
            }
        }

        return peer;
    }

    /// <summary>An X-Forwarded-For entry: an address, optionally with a port (<c>1.2.3.4:5678</c>, <c>[2001:db8::1]:443</c>).</summary>
    internal static IPAddress? ParseEntry(ReadOnlySpan<char> entry)
    {
        if (entry.Length is 0 or > 64)
        {
            return null;
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            return address;
        }

        if (entry[0] == '[' && entry.IndexOf(']') is > 1 and var close)
        {
            return IPAddress.TryParse(entry[1..close], out address) ? address : null;
        }

        var colon = entry.LastIndexOf(':');
        return colon > 0 && entry[..colon].IndexOf(':') < 0 && IPAddress.TryParse(entry[..colon], out address) ? address : null;
    }

    private static string Name(RateClass rateClass) => rateClass switch
    {
        RateClass.Reads => "reads",
        RateClass.Writes => "changes",
        RateClass.Messages => "messages",
        _ => "reports",
    };

    private static string Seconds(TimeSpan window) =>
        window.TotalSeconds % 60 == 0 ? $"{window.TotalMinutes:0} min" : $"{window.TotalSeconds:0} s";

    public void Dispose() => _limiter.Dispose();
}

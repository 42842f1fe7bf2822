using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Platform.SystemTests;

/// <summary>One generated request: everything needed to send it again, and to show it when it fails.</summary>
public sealed record FuzzRequest(
    int Index, ApiRoute Route, string Category, string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, bool Chunked)
{
    public Service Service => Route.Service;

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Index} [{Category}] {Method} {Service}:/{PathAndQuery}  (route {Route.Key})");
        foreach (var (name, value) in Headers)
        {
            text.AppendLine().Append("    ").Append(name).Append(": ").Append(Reply.Excerpt(value, 160));
        }

        if (Body is not null)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"    body ({Body.Length} bytes{(Chunked ? ", chunked" : string.Empty)}): ")
                .Append(Reply.Excerpt(Encoding.UTF8.GetString(Body).Replace("\n", "\\n", StringComparison.Ordinal), 400));
        }

        return text.ToString();
    }
}

/// <summary>The users and objects the fuzzer aims at: its own, so nothing it does disturbs other tests.</summary>
public sealed class FuzzTargets
{
    public required IReadOnlyList<TestUser> Users { get; init; }

    public required TestUser Admin { get; init; }

    public required IReadOnlyDictionary<IdKind, IReadOnlyList<Guid>> Ids { get; init; }
}

/// <summary>
/// Makes hostile requests for the routes of <see cref="ApiCatalogue"/>: request <c>i</c> of seed
/// <c>s</c> is always the same shape (its own <see cref="Random"/>), whatever order they run in, so
/// a failure is reproducible with FUZZ_SEED (and FUZZ_ONLY=i). Ids are those of the run's objects.
/// </summary>
public sealed class Fuzzer(PlatformFixture platform, FuzzTargets targets, int seed)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    private static readonly (string Name, int Weight)[] Categories =
    [
        ("valid", 5), ("field", 30), ("json", 14), ("path-id", 11), ("query", 11), ("method", 7), ("headers", 12), ("auth", 7), ("oversized", 3),
    ];

    private const string SomeId = "0190f1b2c3d44e5f8a9b0c1d2e3f4a5b";
    private static readonly string Long5000 = new('a', 5000);
    private static readonly string Emoji5000 = string.Concat(Enumerable.Repeat("😀", 2500));

    /// <summary>Values for a text field, as JSON literals: empty, long, control characters, emoji, injections…</summary>
    private static readonly string[] Strings =
    [
        "\"\"", "\"   \"", "\"\\t\\n\"", Quote(Long5000), Quote(Emoji5000), Quote(new string('x', 121)), Quote(new string('y', 2001)),
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u0001\\u0002\\u001f\"", "\"\\u007f\\u0085\"", "\"\\u202e\\u200b\\ufeff\"", "\"\\ud800\"", "\"\\udfff\\ud800x\"",
        "\"\\r\\n\\r\\nHTTP/1.1 200 OK\"", "\"'; drop table donation.donations; --\"", "\"' or '1'='1\"", "\"\\\"; select pg_sleep(10); --\"",
        "\"1; delete from messaging.messages\"", "\"%' or title like '%\"", "\"\\\\\"", "\"<script>alert(1)</script>\"", "\"<img src=x onerror=alert(1)>\"",
        "\"{{7*7}}${7*7}\"", "\"${jndi:ldap://127.0.0.1/a}\"", "\"%s%s%n%x\"", "\"../../../../etc/passwd\"", "\"😀🎉👍🏽🏳️‍🌈\"", "\"ß\\u0130\\u0131ﬀ\\u0301\"",
        "\"null\"", "\"true\"", "\"0\"", "\"-1\"", "\"NaN\"", "\"Infinity\"", "\"1e309\"", "\"00000000-0000-0000-0000-000000000000\"", "\"admin\"",
        "\"javascript:alert(1)\"", "\"http://\"", "\"https://\"", "\"ftp://example.org/x\"", "\"file:///etc/passwd\"", "\"data:text/html,<script>alert(1)</script>\"",
        Quote("https://example.org/" + new string('p', 3000)), "\"https://exa mple.org/\"", "\"//example.org/x\"", "\"https://[::1]:99999/\"",
    ];

    /// <summary>Values for a number field, as JSON text: huge, tiny, too precise, overflowing; and tokens JSON does not allow.</summary>
    private static readonly string[] Numbers =
    [
        "0", "-0", "-1", "1", "0.001", "0.005", "0.01", "0.015", "1.999", "123.456", "1e2", "1E-2", "1e308", "-1e308", "1e309", "-1e309", "1e-400",
        "9999999999999999999999999999999", "79228162514264337593543950335", "79228162514264337593543950336", "2147483647", "2147483648", "-2147483649",
        "4.9e-324", "10000000", "10000000.01", "1000000", "1000000.01", "999999.999", "0.1e1", "1.0", "5", "6", "3.5", "1" + new string('0', 400),
        "NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x10", "1_000", "--1", "1e", "undefined", "None", "True", "nul",
    ];

    private static readonly string[] OtherTypes = ["true", "false", "null", "[]", "{}", "[1,\"a\",null]", "{\"a\":1}", "[[[[[]]]]]", "{\"$gt\":\"\"}", "[\"approve\"]"];

    /// <summary>Fields nobody asked for: unknown ones, and attempts at mass assignment.</summary>
    private static readonly string[] ExtraFields =
    [
        "\"zz_unknown\":1", "\"id\":\"00000000-0000-0000-0000-000000000001\"", "\"status\":\"completed\"", "\"donor_id\":\"6f1c9a52-3c37-4a4e-9a57-2f0b4c1d7e10\"",
        "\"collected_amount\":1e9", "\"role\":\"admin\"", "\"blocked\":false", "\"recipient_status\":\"approved\"", "\"__proto__\":{\"admin\":true}",
        "\"constructor\":{\"prototype\":{\"x\":1}}", "\"\":\"\"", "\"TITLE\":\"shouting\"", "\"app_metadata\":{\"role\":\"admin\"}",
    ];

    private static readonly string[] PathIds =
    [
        "", "not-a-uuid", "0", "-1", "00000000-0000-0000-0000-000000000000", "null", "undefined", "1e10", "%00", "%20", "%2e%2e", "..%2F..%2Fhealth",
        "%F0%9F%98%80", new string('a', 1000), "'%20or%201=1--", "%25", "%E2%80%AE", "me", "*", "%0d%0aX-Injected:%201", "%7B%7D", "true",
    ];

    private static readonly string[] QueryValues =
    [
        "", "-1", "0", "1", "100", "101", "1000000000000", "1.5", "abc", "NaN", "true", "false", "TRUE", "maybe", "not-a-uuid", "%00", "%F0%9F%98%80",
        new string('q', 1500), "'%20or%201=1--", "%25%5F", "%3Cscript%3E", "!!!", "AAAA", "%20", "00000000-0000-0000-0000-000000000000",
        B64("x:y"), B64("0:" + SomeId), B64($"{DateTime.MaxValue.Ticks}:{SomeId}"), B64($"{long.MaxValue}:{SomeId}"), B64($"-1:{SomeId}"),
        B64($"{new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks}:{Guid.Empty:N}"), B64($"{DateTime.MinValue.Ticks + 1}:{SomeId}"), B64(":"),
        B64(new string('9', 90)), "pending", "available", "admin",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json; charset=utf-16",
        "application/json; charset=latin1", "application/vnd.api+json", "application/problem+json", "application/json-patch+json", "*/*", "application",
        "application/", "/json", ";;;", "application/json; boundary", "APPLICATION/JSON", "text/json", "garbage", "application/json, text/plain",
        "application/json; charset=\"", "image/png",
    ];

    /// <summary>The route that erases its caller's account (issue 18).</summary>
    private const string ErasesCaller = "DELETE /api/profiles/me";

    private readonly string[] _badAuthorizations = BadAuthorizations(platform);

    /// <summary>The request with this index.</summary>
    public FuzzRequest Make(int index)
    {
        var rng = new Random(Mix(seed, index));
        var route = ApiCatalogue.Routes[rng.Next(ApiCatalogue.Routes.Count)];
        var category = Pick(rng, Categories);
        var method = route.Method;
        var path = route.Route.Replace("{id}", PathId(rng, route.PathId), StringComparison.Ordinal);
        var query = route.Query.Count > 0 && rng.Next(3) == 0 ? ValidQuery(rng, route) : string.Empty;
        var headers = new List<KeyValuePair<string, string>>();
        var token = TokenFor(rng, route);
        byte[]? body = route.HasBody || rng.Next(10) == 0 ? Utf8(ValidBody(rng, route)) : null;
        var chunked = body is not null && rng.Next(12) == 0;

        switch (category)
        {
            case "valid":
                break;
            case "field":
                body = Utf8(MutatedBody(rng, route));
                break;
            case "json":
                body = BrokenJson(rng, route);
                break;
            case "path-id":
                path = route.Route.Contains("{id}", StringComparison.Ordinal)
                    ? route.Route.Replace("{id}", rng.Next(4) == 0 ? Guid.NewGuid().ToString().ToUpperInvariant() : Pick(rng, PathIds), StringComparison.Ordinal)
                    : route.Route + "/" + Pick(rng, PathIds);
                if (rng.Next(5) == 0)
                {
                    path += Pick(rng, ["/", "//", "/extra", "?", "#frag", "%2F"]);
                }

                break;
            case "query":
                query = FuzzedQuery(rng, route);
                break;
            case "method":
                var served = ApiCatalogue.MethodsAt(route.Service, route.Route);
                method = Pick(rng, [.. Methods.Where(m => !served.Contains(m))]);
                if (rng.Next(2) == 0)
                {
                    body = Utf8(MutatedBody(rng, route));
                }

                break;
            case "headers":
                body ??= rng.Next(2) == 0 ? Utf8(ValidBody(rng, route)) : null;
                for (var n = rng.Next(1, 4); n > 0; n--)
                {
                    headers.AddRange(BadHeaders(rng));
                }

                // Stay within Kestrel's limits (32 KiB and 100 header lines), which answer 431 before the app runs.
                headers = [.. headers.Where((h, i) => !(h.Key.StartsWith("X-Junk-", StringComparison.Ordinal) || h.Key == "X-Fuzz-Padding") || headers.FindIndex(o => o.Key == h.Key) == i)];

                break;
            case "auth":
                token = null;
                headers.Add(new("Authorization", Pick(rng, _badAuthorizations)));
                if (rng.Next(8) == 0)
                {
                    headers.Add(new("Authorization", Pick(rng, _badAuthorizations)));
                }

                break;
            case "oversized":
                body = Oversized(rng, route);
                chunked = rng.Next(3) == 0;
                break;
        }

        if (token is not null && !headers.Any(h => h.Key == "Authorization"))
        {
            headers.Insert(0, new("Authorization", "Bearer " + token));
        }

        if (body is not null && !headers.Any(h => h.Key == "Content-Type") && rng.Next(8) != 0)
        {
            headers.Add(new("Content-Type", "application/json"));
        }

        return new FuzzRequest(index, route, category, method, "api/" + path + query, headers, body, chunked);
    }

    // ---- sending ----

    /// <summary>Sends a request; an exception (no answer) is an outcome too.</summary>
    public async Task<(Reply? Reply, Exception? Error)> SendAsync(FuzzRequest request)
    {
        try
        {
            var uri = new Uri(platform.BaseAddress(request.Service), request.PathAndQuery);
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
            if (request.Body is not null)
            {
                message.Content = request.Chunked ? new ChunkedContent(request.Body) : new ByteArrayContent(request.Body);
            }

            foreach (var (name, value) in request.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return (await PlatformFixture.ReadAsync(await platform.Http.SendAsync(message), $"{request.Method} {request.Service}:{request.PathAndQuery}"), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or UriFormatException or InvalidOperationException or FormatException)
        {
            return (null, ex);
        }
    }

    // ---- bodies ----

    private string ValidBody(Random rng, ApiRoute route)
    {
        var fields = route.Body.Where(f => f.Required || rng.Next(10) < 6).Select(f => $"\"{f.Name}\":{ValidValue(rng, f)}");
        return "{" + string.Join(",", fields) + "}";
    }

    private string MutatedBody(Random rng, ApiRoute route)
    {
        var values = route.Body.Where(f => f.Required || rng.Next(2) == 0).ToDictionary(f => f.Name, f => ValidValue(rng, f));
        var broken = route.Body.Count == 0 ? 0 : rng.Next(1, Math.Min(3, route.Body.Count) + 1);
        for (var i = 0; i < broken; i++)
        {
            var field = route.Body[rng.Next(route.Body.Count)];
            values[field.Name] = rng.Next(5) switch
            {
                0 => Pick(rng, OtherTypes),
                1 => field.Kind is FieldKind.Money or FieldKind.Int ? Pick(rng, Strings) : Pick(rng, Numbers),
                _ => field.Kind is FieldKind.Money or FieldKind.Int ? Pick(rng, Numbers) : Pick(rng, Strings),
            };
            if (rng.Next(8) == 0)
            {
                values.Remove(field.Name);
            }
        }

        var members = values.Select(v => $"\"{v.Key}\":{v.Value}").ToList();
        if (route.Body.Count == 0 || rng.Next(4) == 0)
        {
            members.Insert(rng.Next(members.Count + 1), Pick(rng, ExtraFields));
        }

        return "{" + string.Join(",", members) + "}";
    }

    private byte[] BrokenJson(Random rng, ApiRoute route)
    {
        var valid = ValidBody(rng, route);
        return rng.Next(21) switch
        {
            0 => Utf8(valid[..rng.Next(1, Math.Max(2, valid.Length))]),
            1 => RandomBytes(rng, rng.Next(1, 300)),
            2 => Utf8(Pick(rng, ["[]", "null", "\"x\"", "42", "true", "[{}]", "-", "\"", "{", "}", "{}"])),
            3 => Utf8(new string('[', rng.Next(30, 300)) + new string(']', rng.Next(0, 300))),
            4 => Utf8(string.Concat(Enumerable.Repeat("{\"a\":", rng.Next(30, 200))) + "1" + new string('}', rng.Next(0, 200))),
            5 => Utf8(route.Body.Count > 0 ? "{\"" + route.Body[0].Name + "\":" + Pick(rng, Strings) + "," + valid[1..] : "{\"a\":1,\"a\":2}"),
            6 => [0xEF, 0xBB, 0xBF, .. Utf8(valid)],
            7 => Utf8(valid.Length > 2 ? valid[..^1] + ",}" : "{,}"),
            8 => Utf8("/* comment */" + valid + "// trailing"),
            9 => [],
            10 => Utf8(" \n\t\r "),
            11 => Utf8(valid.Replace('"', '\'')),
            12 => [.. Utf8("{\"title\":\"a"), 0xC3, 0x28, 0xFF, .. Utf8("\",\"content\":\"b\"}")],
            13 => Utf8("{\"" + Long5000 + "\":1}"),
            14 => Utf8("{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"k{i}\":{i}")) + "}"),
            15 => Utf8("{\"" + ((route.Body.Count > 0 ? route.Body[0].Name : null) ?? "x") + "\":[" + string.Join(",", Enumerable.Repeat("1", 20000)) + "]}"),
            16 => Utf8("{1:2}"),
            17 => Utf8(valid + "\n" + valid),
            18 => Utf8(valid + "}"),
            19 => [.. Utf8(valid[..(valid.Length / 2)]), 0x00, .. Utf8(valid[(valid.Length / 2)..])],
            _ => Utf8("{\"a\":\"\\x41\",\"b\":\"\\u12\"}"),
        };
    }

    private byte[] Oversized(Random rng, ApiRoute route)
    {
        var size = rng.Next(64 * 1024 + 1, 200 * 1024);
        return rng.Next(3) switch
        {
            0 => Utf8("{\"" + ((route.Body.Count > 0 ? route.Body[0].Name : null) ?? "title") + "\":\"" + new string('z', size) + "\"}"),
            1 => [.. Utf8(ValidBody(rng, route)), .. Enumerable.Repeat((byte)' ', size)],
            _ => RandomBytes(rng, size),
        };
    }

    private string ValidValue(Random rng, Field field) => field.Kind switch
    {
        FieldKind.Text => Quote(rng.Next(2) == 0 ? "Fuzz " + rng.Next(1000) : "A short, ordinary text"),
        FieldKind.Enum => Quote(Pick(rng, field.Values!)),
        FieldKind.Money => Pick(rng, ["1", "2.5", "10", "0.01", "12.34"]),
        FieldKind.Int => rng.Next(1, 6).ToString(CultureInfo.InvariantCulture),
        FieldKind.Url => "\"https://example.org/img.png\"",
        FieldKind.Flag => rng.Next(2) == 0 ? "true" : "false",
        FieldKind.UuidList => rng.Next(2) == 0 ? "[]" : "[" + Quote(Guid.NewGuid().ToString()) + "]",
        FieldKind.FutureTime => Quote(DateTime.UtcNow.AddHours(rng.Next(1, 24 * 300)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
        _ => Quote(IdOf(rng, field.Refers).ToString()),
    };

    // ---- paths and queries ----

    private string PathId(Random rng, IdKind kind) => kind == IdKind.None ? string.Empty : IdOf(rng, kind).ToString();

    private Guid IdOf(Random rng, IdKind kind) =>
        rng.Next(5) != 0 && targets.Ids.TryGetValue(kind, out var ids) && ids.Count > 0 ? ids[rng.Next(ids.Count)] : Guid.NewGuid();

    private string ValidQuery(Random rng, ApiRoute route)
    {
        var parts = route.Query.Where(f => f.Required || rng.Next(3) == 0).Select(f => f.Name + "=" + Uri.EscapeDataString(ValidValue(rng, f).Trim('"')));
        return "?" + string.Join("&", parts);
    }

    private string FuzzedQuery(Random rng, ApiRoute route)
    {
        var names = route.Query.Select(f => f.Name).Concat(["limit", "cursor", "zz", "status", "with"]).Distinct().ToList();
        var parts = new List<string>();
        for (var n = rng.Next(1, 5); n > 0; n--)
        {
            var name = Pick(rng, [.. names]);
            parts.Add(rng.Next(12) switch
            {
                0 => name,
                1 => "=" + Pick(rng, QueryValues),
                2 => $"{name}=1&{name}=2",
                3 => $"{name}[]=a",
                _ => name + "=" + Pick(rng, QueryValues),
            });
        }

        if (route.Query.Any(f => f.Required) && rng.Next(2) == 0)
        {
            var required = route.Query.First(f => f.Required);
            parts.Add(required.Name + "=" + ValidValue(rng, required).Trim('"'));
        }

        return "?" + string.Join(Pick(rng, ["&", "&", "&&", ";"]), parts);
    }

    // ---- headers and tokens ----

    private string? TokenFor(Random rng, ApiRoute route) =>
        rng.Next(14) == 0 ? null
        : route.Key == ErasesCaller ? platform.Tokens.User(Guid.NewGuid()) // a fresh user each time: erasing is final, the fuzzer's users stay
        : route.Access == Access.Admin && rng.Next(7) != 0 ? targets.Admin.Token
        : targets.Users[rng.Next(targets.Users.Count)].Token;

    private static IEnumerable<KeyValuePair<string, string>> BadHeaders(Random rng)
    {
        switch (rng.Next(11))
        {
            case 0:
            case 1:
                yield return new("Content-Type", Pick(rng, ContentTypes));
                break;
            case 2:
            case 3:
                yield return new("Idempotency-Key", Pick(rng, [" ", "x", new string('k', 201), new string('k', 1000), "a b", "fuzz-key-" + rng.Next(5), "fuzz-unique-" + rng.Next(), "\"quoted\""]));
                if (rng.Next(4) == 0)
                {
                    yield return new("Idempotency-Key", "second-" + rng.Next(3));
                }

                break;
            case 4:
                yield return new("X-Correlation-Id", Pick(rng, [" ", new string('c', 129), "a b", "ok-" + rng.Next(), new string('c', 4000)]));
                break;
            case 5:
                yield return new("X-Fuzz-Padding", new string('p', rng.Next(8 * 1024, 16 * 1024)));
                break;
            case 6:
                for (var i = 0; i < 40; i++)
                {
                    yield return new($"X-Junk-{i}", new string('j', rng.Next(1, 200)));
                }

                break;
            case 7:
                yield return new("Accept", Pick(rng, ["application/xml", "*/*;q=0", "text/html", "application/problem+xml", "garbage/"]));
                break;
            case 8:
                yield return new("Content-Encoding", Pick(rng, ["gzip", "br", "deflate", "identity, gzip", "x-unknown"]));
                break;
            case 9:
                yield return new("Expect", "100-continue");
                break;
            default:
                yield return new(Pick(rng, ["If-None-Match", "Range", "Forwarded", "X-Forwarded-For", "Origin", "Cookie"]), Pick(rng, ["*", "bytes=0-1", "for=\"[::1]\"", "1.2.3.4, unknown", "null", "a=b; c"]));
                break;
        }
    }

    private static string[] BadAuthorizations(PlatformFixture platform)
    {
        var someone = Guid.NewGuid();
        static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = Segment($$$"""{"sub":"{{{someone}}}","aud":"authenticated","iss":"{{{platform.Tokens.Issuer}}}","exp":{{{now + 3600}}},"app_metadata":{"role":"admin"}}""");
        return
        [
            "Bearer", "Bearer ", "Bearer x", "Bearer a.b.c", "Bearer ....", "Bearer " + new string('t', 20_000), "Basic dXNlcjpwYXNz", "Token abc",
            "bearer " + platform.Tokens.User(someone), "Bearer " + platform.Tokens.User(someone) + " junk", "Bearer  " + platform.Tokens.User(someone) + "x",
            "Bearer " + platform.ExpiredToken(someone), "Bearer " + platform.ForgedToken(someone), "Bearer " + platform.AlgNoneToken(someone),
            "Bearer " + platform.Tokens.Mint(someone, null, extraClaims: new Dictionary<string, object> { ["sub"] = "not-a-uuid" }),
            "Bearer " + platform.Tokens.Mint(Guid.Empty, null),
            "Bearer " + platform.Tokens.Mint(someone, null, audience: "anon"),
            "Bearer " + platform.Tokens.Mint(someone, null, issuer: "https://evil.example/auth/v1"),
            "Bearer " + platform.Tokens.Mint(someone, null, expires: DateTime.UtcNow.AddYears(200)),
            "Bearer " + platform.Tokens.Mint(someone, null, extraClaims: new Dictionary<string, object> { ["app_metadata"] = "admin", ["user_metadata"] = new[] { 1, 2 } }),
            "Bearer " + Segment("""{"alg":"RS256","kid":"nope","typ":"JWT"}""") + "." + claims + "." + Segment("sig"),
            "Bearer " + Segment("""{"alg":"HS512","typ":"JWT"}""") + "." + claims + "." + Segment("sig"),
            "Bearer " + Segment("""{"alg":"ES256","typ":"JWT"}""") + "." + claims + ".",
            "Bearer " + Segment("""{"alg":"HS256"}""") + "." + Segment("[1,2,3]") + "." + Segment("sig"),
            "Bearer " + Segment("not json") + "." + Segment("not json") + ".x",
            "Bearer eyJhbGciOiJub25lIn0.e30.",
        ];
    }

    // ---- helpers ----

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static string Pick(Random rng, (string Name, int Weight)[] weighted)
    {
        var roll = rng.Next(weighted.Sum(w => w.Weight));
        foreach (var (name, weight) in weighted)
        {
            if ((roll -= weight) < 0)
            {
                return name;
            }
        }

        return weighted[^1].Name;
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Quote(string text) => "\"" + text + "\"";

    private static string B64(string text) => Base64UrlEncoder.Encode(Encoding.ASCII.GetBytes(text));

    /// <summary>A deterministic seed for request <paramref name="index"/> (splitmix64 of seed and index).</summary>
    private static int Mix(int seed, int index)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }

    /// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length).</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Issue 7, item 2: at least 10,000 generated hostile requests across every route of API.md on the
/// four running services (malformed and truncated JSON, wrong types, huge and tiny numbers, NaN and
/// Infinity tokens, empty and 5,000-character strings, control characters, emoji, injection strings,
/// unknown fields, wrong methods, bad and missing ids, bodies over 64 KiB, bad headers and tokens)
/// → no 5xx, and every 4xx is <c>application/problem+json</c> with a <c>trace_id</c>.
/// FUZZ_SEED (printed) reproduces a run, FUZZ_COUNT sets its size (10,000), FUZZ_ONLY=i,j reruns
/// single requests; FUZZ_CONCURRENCY (16) bounds requests in flight.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class FuzzTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Hostile_requests_on_every_route_never_get_a_5xx_and_every_error_is_problem_json()
    {
        var seed = Setting("FUZZ_SEED") ?? Random.Shared.Next();
        var count = Setting("FUZZ_COUNT") ?? 10_000;
        var concurrency = Setting("FUZZ_CONCURRENCY") ?? 16;
        var only = Environment.GetEnvironmentVariable("FUZZ_ONLY") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList()
            : Enumerable.Range(0, count).ToList();
        output.WriteLine($"FUZZ_SEED={seed} FUZZ_COUNT={count} (requests run: {only.Count}, at most {concurrency} at once)");

        var setup = Stopwatch.StartNew();
        var fuzzer = new Fuzzer(platform, await TargetsAsync(), seed);
        var requests = only.Select(fuzzer.Make).ToList();
        setup.Stop();

        var outcomes = new ConcurrentBag<(FuzzRequest Request, Reply? Reply, Exception? Error)>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (request, _) =>
        {
            var (reply, error) = await fuzzer.SendAsync(request);
            outcomes.Add((request, reply, error));
        });
        clock.Stop();

        var failures = outcomes
            .Where(o => !ByKestrel(o.Reply) && !ByFunctionsHost(o.Reply))
            .Select(o => (o.Request, o.Reply, o.Error, Why: Judge(o.Reply, o.Error)))
            .Where(o => o.Why is not null)
            .OrderBy(o => o.Request.Index)
            .ToList();
        var kestrel = outcomes.Where(o => ByKestrel(o.Reply)).OrderBy(o => o.Request.Index).ToList();
        var byHost = outcomes.Count(o => ByFunctionsHost(o.Reply));
        output.WriteLine($"hosting: {TestEnvironment.Hosting}; bare 404s the Functions host answered for a route or method no function serves: {byHost}");
        var report = Render(seed, outcomes.ToList(), failures, kestrel, setup.Elapsed, clock.Elapsed);
        var parked = await platform.ParkedAsync();
        report += $"events this run's consumers parked so far (a handler that failed every retry; the broker may be shared): {parked.Count}"
            + string.Concat(parked.Select(line => Environment.NewLine + "    " + line)) + Environment.NewLine;
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(PlatformFixture.ReportDirectory, "fuzz.txt"), report);

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count} fuzzed requests broke the rules (FUZZ_SEED={seed}); first ones:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures.Take(15).Select(f => Failure(f.Request, f.Reply, f.Error, f.Why!)))
            + (failures.Any(f => f.Reply?.Status >= 500) ? Environment.NewLine + platform.Describe("Service output:") : string.Empty));
    }

    /// <summary>
    /// An error Kestrel wrote itself, before any of the app's code ran (e.g. a NUL byte in the path is
    /// a malformed request line): no X-Correlation-Id (the app's first middleware sets it on every
    /// response), no body, connection closed. The app cannot shape these; they are counted apart.
    /// </summary>
    private static bool ByKestrel(Reply? reply) =>
        reply is { Status: 400 or 414 or 431, Body.Length: 0 } && !reply.Headers.ContainsKey("X-Correlation-Id");

    /// <summary>
    /// Under the Functions host, a route or method that no function serves never reaches the app:
    /// the host answers a bare 404 (the test host marks it). The app cannot shape these either.
    /// </summary>
    private static bool ByFunctionsHost(Reply? reply) =>
        reply is { Status: 404, Body.Length: 0 } && reply.Headers.ContainsKey(Platform.FunctionsHost.FunctionsTestHost.NoFunctionHeader);

    /// <summary>Why an outcome breaks the rules, or null: an answer is required, no 5xx, every error problem+json with trace_id and status.</summary>
    private static string? Judge(Reply? reply, Exception? error)
    {
        if (reply is null)
        {
            return $"no answer: {error?.GetType().Name}: {error?.Message}";
        }

        if (reply.Status >= 500)
        {
            return $"a {reply.Status}";
        }

        if (reply.Status < 400)
        {
            return null;
        }

        if (reply.MediaType != "application/problem+json")
        {
            return $"a {reply.Status} with Content-Type '{reply.MediaType}', not application/problem+json";
        }

        try
        {
            var json = reply.Json;
            if (json.ValueKind != JsonValueKind.Object)
            {
                return "a problem that is not a JSON object";
            }

            if (!json.TryGetProperty("trace_id", out var trace) || trace.ValueKind != JsonValueKind.String || trace.GetString()!.Length == 0)
            {
                return "a problem without a trace_id";
            }

            return json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == reply.Status
                ? null
                : "a problem whose status member differs from the HTTP status";
        }
        catch (JsonException)
        {
            return "a problem+json body that is not JSON";
        }
    }

    /// <summary>The fuzzer's own users and objects (never the matrix's), so what it changes (blocks, deletions) touches nobody else.</summary>
    private async Task<FuzzTargets> TargetsAsync()
    {
        var p = platform;
        var admin = new TestUser(Guid.NewGuid(), string.Empty, "admin");
        admin = admin with { Token = p.Tokens.Admin(admin.Id) };
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", admin.Token), 200);
        var donors = await Task.WhenAll(p.NewDonorAsync(), p.NewDonorAsync());
        var recipients = await Task.WhenAll(p.NewRecipientAsync(), p.NewRecipientAsync());
        var (verified, probe) = await p.NewVerifiedRecipientWithProbeAsync();
        var (donor, recipient) = (donors[0], recipients[0]);

        var donations = await Task.WhenAll(
            p.AvailableDonationAsync(donor), p.AvailableDonationAsync(donor), p.AvailableDonationAsync(donor), p.AvailableDonationAsync(donors[1]),
            p.PendingDonationAsync(donor), p.PendingDonationAsync(donors[1]));
        var requests = await Task.WhenAll(p.RequestAsync(recipient, donations[0]), p.RequestAsync(recipient, donations[1]), p.RequestAsync(recipients[1], donations[0]));
        var campaigns = await Task.WhenAll(p.ActiveCampaignAsync(verified, 10_000_000m), p.ActiveCampaignAsync(verified, 10_000_000m));
        var messages = await Task.WhenAll(p.MessageAsync(donor, recipient.Id), p.MessageAsync(donor, recipient.Id), p.MessageAsync(recipient, donor.Id));
        var reports = await Task.WhenAll(p.ReportAsync(recipient, "user", Guid.NewGuid()), p.ReportAsync(recipients[1], "donation", donations[3]));
        var notification = await p.NotificationOfMessageAsync(recipient, messages[0]);
        var contribution = await p.ContributionAsync(donor, campaigns[0]);
        var rating = await p.RatingAsync(recipients[1], await p.CompletedRequestAsync(donors[1], recipients[1]));
        var users = new[] { donor, donors[1], recipient, recipients[1], verified, admin };
        return new FuzzTargets
        {
            Users = users,
            Admin = admin,
            Ids = new Dictionary<IdKind, IReadOnlyList<Guid>>
            {
                [IdKind.Profile] = [.. users.Select(u => u.Id)],
                [IdKind.Donation] = donations,
                [IdKind.Request] = requests,
                [IdKind.Campaign] = [.. campaigns, probe],
                [IdKind.Message] = messages,
                [IdKind.Report] = reports,
                [IdKind.Notification] = [notification],
                [IdKind.Contribution] = [contribution],
                [IdKind.Rating] = [rating],
            },
        };
    }

    private static string Render(
        int seed, List<(FuzzRequest Request, Reply? Reply, Exception? Error)> outcomes, List<(FuzzRequest Request, Reply? Reply, Exception? Error, string? Why)> failures,
        List<(FuzzRequest Request, Reply? Reply, Exception? Error)> kestrel, TimeSpan setup, TimeSpan run)
    {
        static string Status((FuzzRequest Request, Reply? Reply, Exception? Error) o) => o.Reply?.Status.ToString(CultureInfo.InvariantCulture) ?? "no answer";
        var statuses = outcomes.Select(Status).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fuzzing: {outcomes.Count} requests, FUZZ_SEED={seed}, set-up {setup.TotalSeconds:0.0} s, run {run.TotalSeconds:0.0} s "
            + $"({outcomes.Count / Math.Max(run.TotalSeconds, 0.001):0} requests/s); {failures.Count} broke the rules "
            + $"({failures.Count(f => f.Reply?.Status >= 500)} 5xx, {failures.Count(f => f.Reply is null)} without an answer, {failures.Count(f => f.Reply is { Status: >= 400 and < 500 })} errors not problem+json).");
        text.AppendLine();
        text.Append("service".PadRight(12)).Append("requests".PadLeft(9)).Append("routes".PadLeft(8));
        foreach (var status in statuses)
        {
            text.Append(status.PadLeft(10));
        }

        text.AppendLine();
        var groups = outcomes.GroupBy(o => o.Request.Service).OrderBy(g => g.Key)
            .Select(g => (Name: g.Key.ToString().ToLowerInvariant(), Rows: g.ToList()))
            .Append((Name: "all", Rows: outcomes));
        foreach (var (name, rows) in groups)
        {
            text.Append(name.PadRight(12))
                .Append(rows.Count.ToString(CultureInfo.InvariantCulture).PadLeft(9))
                .Append(rows.Select(o => o.Request.Route.Key).Distinct().Count().ToString(CultureInfo.InvariantCulture).PadLeft(8));
            foreach (var status in statuses)
            {
                text.Append(rows.Count(o => Status(o) == status).ToString(CultureInfo.InvariantCulture).PadLeft(10));
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine("by kind of request: " + string.Join(", ", outcomes.GroupBy(o => o.Request.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()} ({string.Join("/", g.GroupBy(Status).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Count()}"))})")));
        text.AppendLine(CultureInfo.InvariantCulture, $"routes hit: {outcomes.Select(o => (o.Request.Service, o.Request.Route.Key)).Distinct().Count()} of {ApiCatalogue.Routes.Count}");
        var accepted = outcomes.Where(o => o.Reply is { Status: >= 200 and < 300 } && o.Request.Route.HasBody && o.Request.Method == o.Request.Route.Method
            && o.Request.Category is "field" or "json" or "oversized").OrderBy(o => o.Request.Index).ToList();
        var byRoute = string.Join(", ", accepted.GroupBy(a => a.Request.Route.Key).Select(g => $"{g.Key} ×{g.Count()}"));
        text.AppendLine(CultureInfo.InvariantCulture, $"2xx for a mutated body on a route that reads one: {accepted.Count} (mutations that stay valid, e.g. \"0\" as a title); by route: {byRoute}");
        if (Environment.GetEnvironmentVariable("FUZZ_SHOW_ACCEPTED") == "1")
        {
            foreach (var (request, reply, _) in accepted)
            {
                text.AppendLine("    " + request.Describe() + Environment.NewLine + "    → " + reply);
            }
        }

        if (kestrel.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"refused by Kestrel before the app ran (bare {string.Join("/", kestrel.Select(k => k.Reply!.Status).Distinct())}, not judged): {kestrel.Count}, e.g. {kestrel[0].Request.Method} /{kestrel[0].Request.PathAndQuery}");
        }
        if (failures.Count > 0)
        {
            text.AppendLine().AppendLine($"Failures (first 40; rerun one with FUZZ_SEED={seed} FUZZ_ONLY=<index>):");
            foreach (var (request, reply, error, why) in failures.Take(40))
            {
                text.AppendLine(Failure(request, reply, error, why!));
            }
        }

        return text.ToString();
    }

    private static string Failure(FuzzRequest request, Reply? reply, Exception? error, string why) =>
        $"  ✗ {why}{Environment.NewLine}    {request.Describe()}{Environment.NewLine}    → "
        + (reply is null ? $"{error?.GetType().Name}: {error?.Message}" : $"{reply.Status} {reply.MediaType}: {Reply.Excerpt(reply.Body, 400)}");

    private static int? Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.SystemTests;

/// <summary>
/// Hostile timing rather than hostile bytes: the same request sent many times at once (a double
/// click, a retrying client, a frontend firing its first calls in parallel). Every answer must be a
/// designed one — no 5xx, errors as problem+json — and where only one can win, exactly one does.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BurstTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int Burst = 12;

    private sealed record Case(string Name, Service Service, HttpMethod Method, string Path, string Token, object? Body, int[] Allowed, int? Winners, IReadOnlyDictionary<string, string>? Headers = null);

    [Fact]
    public async Task Identical_requests_sent_at_once_get_designed_answers_and_one_winner_where_only_one_can_win()
    {
        var p = platform;
        var admin = p.Admin.Token;
        var donor = await p.NewDonorAsync();
        var recipient = await p.NewRecipientAsync();
        var verified = await p.NewVerifiedRecipientAsync();
        var fresh = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        var available = await Task.WhenAll(p.AvailableDonationAsync(donor), p.AvailableDonationAsync(donor));
        var pending = await Task.WhenAll(p.PendingDonationAsync(donor), p.PendingDonationAsync(donor));
        var request = await p.PendingRequestAsync(donor, recipient);
        var approved = await p.CompletedRequestAsync(donor, recipient);
        var campaign = await p.ActiveCampaignAsync(verified, 10_000_000m);
        var active = await p.ActiveCampaignAsync(verified);
        var message = await p.MessageAsync(donor, recipient.Id);
        var victim = await p.NewRecipientAsync();
        var asker = await p.NewRecipientAsync();
        var freshDocument = await p.UploadedAsync(Service.Donation, new TestUser(fresh[2], p.Tokens.User(fresh[2]), "recipient"), "verification_document"); // a slot creates no profile
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "burst-" + Guid.NewGuid().ToString("N") };

        var cases = new List<Case>
        {
            new("first GET /profiles/me of a new user", Service.Donation, HttpMethod.Get, "api/profiles/me", p.Tokens.User(fresh[0]), null, [200], null),
            new("first PUT /profiles/me of a new user", Service.Donation, HttpMethod.Put, "api/profiles/me", p.Tokens.User(fresh[1]), new { role = "donor" }, [200], null),
            new("first POST /profiles/me/verification of a new user", Service.Donation, HttpMethod.Post, "api/profiles/me/verification", p.Tokens.User(fresh[2]),
                new { document_ids = new[] { freshDocument } }, [200], null),
            new("POST /requests, same recipient and donation", Service.Request, HttpMethod.Post, "api/requests", asker.Token, new { donation_id = available[0] }, [201, 409], 1),
            new("POST /reports, same reporter and target", Service.Messaging, HttpMethod.Post, "api/reports", recipient.Token, new { target_type = "user", target_id = victim.Id, reason = "spam" }, [201, 409], 1),
            new("POST /ratings, same request", Service.Request, HttpMethod.Post, "api/ratings", recipient.Token, new { request_id = approved, rating = 5 }, [201, 409], 1),
            new("admin review of one pending donation", Service.Donation, HttpMethod.Post, $"api/admin/donations/{pending[0]}/review", admin, new { decision = "approve" }, [200, 409], 1),
            new("donor approves one request", Service.Request, HttpMethod.Post, $"api/requests/{request}/approve", donor.Token, null, [202, 409], 1),
            new("admin blocks one user", Service.Donation, HttpMethod.Post, $"api/admin/profiles/{victim.Id}/block", admin, null, [200, 409], 1),
            new("receiver marks one message read", Service.Messaging, HttpMethod.Post, $"api/messages/{message}/read", recipient.Token, null, [200], null),
            new("owner deletes one donation", Service.Donation, HttpMethod.Delete, $"api/donations/{pending[1]}", donor.Token, null, [204, 404], 1),
            new("owner edits one donation", Service.Donation, HttpMethod.Put, $"api/donations/{available[1]}", donor.Token, PlatformFixture.DonationBody("Edited at once"), [200], null),
            new("owner pauses one campaign", Service.Campaign, HttpMethod.Post, $"api/campaigns/{active}/pause", verified.Token, null, [200, 409], 1),
            new("contributions with one Idempotency-Key", Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaign}/contributions", donor.Token, new { amount = 3 }, [201], null, key),
            new("donations with one Idempotency-Key", Service.Donation, HttpMethod.Post, "api/donations", donor.Token, PlatformFixture.DonationBody("Once only"), [201], null, key),
        };

        var failures = new List<string>();
        var lines = new StringBuilder();
        foreach (var burst in cases)
        {
            var replies = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => p.SendAsync(burst.Service, burst.Method, burst.Path, burst.Token, burst.Body, burst.Headers)));
            var statuses = string.Join(" ", replies.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
            lines.AppendLine(CultureInfo.InvariantCulture, $"{burst.Name,-52} {statuses}");
            foreach (var reply in replies.Where(r => !burst.Allowed.Contains(r.Status) || (r.Status >= 400 && !IsProblem(r))).Take(2))
            {
                failures.Add($"{burst.Name}: {reply}");
            }

            if (burst.Winners is { } winners && replies.Count(r => r.Status == burst.Allowed[0]) != winners)
            {
                failures.Add($"{burst.Name}: {replies.Count(r => r.Status == burst.Allowed[0])} got {burst.Allowed[0]}, expected exactly {winners} ({statuses})");
            }
        }

        // The idempotent retries had one effect: one contribution of 3 by the donor, one donation titled "Once only".
        var contributions = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{campaign}/contributions?limit=100", donor.Token), 200);
        var burstContributions = contributions.Items.Count(c => c.GetProperty("amount").GetDecimal() == 3m);
        var donations = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/donations?donor_id={donor.Id}&q=Once%20only&limit=100", donor.Token), 200);
        lines.AppendLine(CultureInfo.InvariantCulture, $"effects of the idempotent bursts: {burstContributions} contribution(s), {donations.Items.Count()} donation(s)");
        if (burstContributions != 1 || donations.Items.Count() != 1)
        {
            failures.Add($"an Idempotency-Key burst had {burstContributions} contributions and {donations.Items.Count()} donations, expected 1 and 1");
        }

        output.WriteLine(lines.ToString());
        Assert.True(failures.Count == 0, p.Describe(string.Join(Environment.NewLine, failures)));
    }

    /// <summary>
    /// DESIGN-NOTES: an Idempotency-Key is per user. Another user sending the same key and body must
    /// get their own new object, never a replay of the first user's (which would show it to them).
    /// </summary>
    [Fact]
    public async Task An_idempotency_key_reused_by_another_user_replays_nothing_of_the_first_users()
    {
        var p = platform;
        var (donorA, donorB) = (await p.NewDonorAsync(), await p.NewDonorAsync());
        var (verifiedA, verifiedB) = (await p.NewVerifiedRecipientAsync(), await p.NewVerifiedRecipientAsync());
        var donation = await p.AvailableDonationAsync(await p.NewDonorAsync());
        var campaign = await p.ActiveCampaignAsync(verifiedA, 10_000_000m);
        var partner = (await p.NewRecipientAsync()).Id;
        await p.KnownToMessagingAsync(partner);
        var cases = new (string Name, Service Service, string Path, object Body, TestUser A, TestUser B)[]
        {
            ("POST /api/donations", Service.Donation, "api/donations", PlatformFixture.DonationBody("Same key, same body"), donorA, donorB),
            ("POST /api/requests", Service.Request, "api/requests", new { donation_id = donation, message = "same" }, verifiedA, verifiedB),
            ("POST /api/campaigns", Service.Campaign, "api/campaigns", PlatformFixture.CampaignBody(500m, "Same key, same body"), verifiedA, verifiedB),
            ("POST /api/campaigns/{id}/contributions", Service.Campaign, $"api/campaigns/{campaign}/contributions", new { amount = 7 }, donorA, donorB),
            ("POST /api/messages", Service.Messaging, "api/messages", new { receiver_id = partner, content = "same" }, donorA, donorB),
            ("POST /api/reports", Service.Messaging, "api/reports", new { target_type = "user", target_id = partner, reason = "same" }, donorA, donorB),
        };

        var failures = new List<string>();
        foreach (var (name, service, path, body, a, b) in cases)
        {
            var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "shared-" + Guid.NewGuid().ToString("N") };
            var first = p.Expect(await p.SendAsync(service, HttpMethod.Post, path, a.Token, body, headers), 201);
            var second = await p.SendAsync(service, HttpMethod.Post, path, b.Token, body, headers);
            var replayed = second.Headers.ContainsKey("Idempotent-Replayed");
            output.WriteLine($"{name,-42} A → {first.Status} {first.Id}; B, same key and body → {second.Status}{(second.Status == 201 ? " " + second.Id : string.Empty)}{(replayed ? " (replayed!)" : string.Empty)}");
            if (second.Status != 201 || replayed || second.Id == first.Id)
            {
                failures.Add($"{name}: the second user got {second}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static bool IsProblem(Reply reply)
    {
        try
        {
            return reply.IsProblem && reply.Json.TryGetProperty("trace_id", out var trace) && trace.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

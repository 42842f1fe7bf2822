using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Platform.SystemTests;

/// <summary>The kinds of caller the matrix tries on every route.</summary>
public enum Caller
{
    Anonymous,
    Expired,
    Forged,
    AlgNone,
    Owner,
    Other,
    Blocked,
    Admin,
    WrongRole,
}

/// <summary>
/// Issue 7, item 3: every route of API.md × every kind of caller → the status API.md and
/// DESIGN-NOTES imply, as one table walked in one test that prints (and writes to
/// <c>.stack/reports/authorization-matrix.txt</c>) the matrix it checked and every mismatch. List
/// routes also check their items: one user's private objects never appear for another.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthorizationMatrixTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly Caller[] Callers = Enum.GetValues<Caller>();

    /// <summary>Who an anonymous caller is to the list checks: nobody owns anything.</summary>
    private static readonly TestUser Nobody = new(Guid.Empty, string.Empty, "anonymous");

    private static readonly Dictionary<Caller, string> Headings = new()
    {
        [Caller.Anonymous] = "anonymous",
        [Caller.Expired] = "expired",
        [Caller.Forged] = "forged",
        [Caller.AlgNone] = "alg:none",
        [Caller.Owner] = "owner",
        [Caller.Other] = "other user",
        [Caller.Blocked] = "blocked",
        [Caller.Admin] = "admin",
        [Caller.WrongRole] = "wrong role",
    };

    [Fact]
    public async Task Every_route_answers_every_kind_of_caller_as_the_design_says()
    {
        var clock = Stopwatch.StartNew();
        var world = await World.CreateAsync(platform);
        var setup = clock.Elapsed;
        var rows = Rows(world);

        var uncovered = ApiCatalogue.Routes.Where(r => !rows.Any(row => row.Service == r.Service && row.Key == r.Key)).Select(r => $"{r.Service}: {r.Key}").ToList();
        var results = new ConcurrentDictionary<(Row, Caller), Result>();
        var cells = rows.SelectMany(row => Callers.Select(caller => (row, caller))).ToList();
        await Parallel.ForEachAsync(cells, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (cell, _) =>
            results[cell] = await RunAsync(cell.row, cell.caller, world));

        var mismatches = cells.Where(c => !results[c].Matches).Select(c => (c.row, c.caller, result: results[c])).ToList();
        var report = Render(rows, results, mismatches, uncovered, setup, clock.Elapsed);
        output.WriteLine(report);
        var file = Path.Combine(PlatformFixture.ReportDirectory, "authorization-matrix.txt");
        await File.WriteAllTextAsync(file, report);
        output.WriteLine($"(written to {file})");

        Assert.True(uncovered.Count == 0, "Routes of the catalogue that no matrix row covers: " + string.Join(", ", uncovered));
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cells.Count} cells differ from the design:{Environment.NewLine}"
            + string.Join(Environment.NewLine, mismatches.Select(m => $"  {m.row.Label} × {Headings[m.caller]}: {m.result.Describe(m.row.Expected[(int)m.caller])}")));
    }

    private async Task<Result> RunAsync(Row row, Caller caller, World world)
    {
        try
        {
            var refused = caller is Caller.Anonymous or Caller.Expired or Caller.Forged or Caller.AlgNone;
            var persona = refused ? null : row.Cast[caller];
            var target = refused ? await row.Shared() : await row.Prepare(caller);
            var actor = target.As ?? persona;
            var token = caller switch
            {
                Caller.Anonymous => null,
                Caller.Expired => row.Admin ? platform.Tokens.Mint(world.A.Id, null, appRole: "admin", expires: DateTime.UtcNow.AddHours(-2)) : platform.ExpiredToken(row.Cast.Impersonated(world)),
                Caller.Forged => platform.ForgedToken(row.Cast.Impersonated(world)),
                Caller.AlgNone => platform.AlgNoneToken(row.Cast.Impersonated(world)),
                _ => actor!.Token,
            };
            var reply = await platform.SendAsync(row.Service, new HttpMethod(row.Method), target.Path, token, target.Body);
            var leak = reply.Status == 200 && row.Check is not null ? row.Check(caller, actor ?? Nobody, reply) : null;
            var unshaped = reply.Status >= 400 && !IsProblem(reply) ? "not problem+json with a trace_id" : null;
            return new Result(reply.Status, reply, leak ?? unshaped, null, row.Expected[(int)caller]);
        }
        catch (Exception ex)
        {
            return new Result(0, null, null, ex.GetType().Name + ": " + ex.Message, row.Expected[(int)caller]);
        }
    }

    private static bool IsProblem(Reply reply)
    {
        if (!reply.IsProblem)
        {
            return false;
        }

        try
        {
            return reply.Json.TryGetProperty("trace_id", out var trace) && trace.ValueKind == JsonValueKind.String && trace.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // ---- the table ----

    private List<Row> Rows(World w)
    {
        var p = platform;
        var donors = new Cast("donor", w.D, w.D2, w.BD, w.A, w.R);
        var recipients = new Cast("recipient", w.R, w.R2, w.BR, w.A, w.D);
        var requesters = new Cast("requester", w.R, w.R2, w.BR, w.A, w.D2);
        var owners = new Cast("campaign", w.V, w.V2, w.BV, w.A, w.D);
        var targets = new Cast("target", null, w.D2, w.BR, w.A, w.D);

        static Func<Caller, Task<Target>> Fixed(string path, object? body = null) => _ => Task.FromResult(new Target(path, body));
        static Func<Caller, Task<Target>> Each(Func<Caller, string> path, object? body = null) => c => Task.FromResult(new Target(path(c), body));

        // Erasing an account is final: the erasure rows act as fresh users, never as the world's.
        async Task<TestUser> FreshAsync(Caller caller)
        {
            var user = caller == Caller.Owner ? await p.NewDonorAsync() : await p.NewRecipientAsync();
            if (caller == Caller.Blocked)
            {
                await p.BlockAsync(user);
            }

            return user;
        }

        async Task<TestUser> ErasedAsync()
        {
            var user = await p.NewRecipientAsync();
            p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Delete, "api/profiles/me", user.Token), 202);
            return user;
        }

        var rows = new List<Row>();
        foreach (var service in Enum.GetValues<Service>())
        {
            rows.Add(new Row(service, "GET", "health", "", donors, Open(200), Fixed("api/health")));
            rows.Add(new Row(service, "GET", "health/live", "beyond API.md: liveness for the platform's health check", donors, Open(200), Fixed("api/health/live")));
            rows.Add(new Row(service, "GET", "openapi.json", "beyond API.md: the app's OpenAPI document", donors, Open(200), Fixed("api/openapi.json")));
        }

        rows.AddRange(
        [
            // ---- donation-service ----
            new(Service.Donation, "GET", "profiles/me", "", donors, Protected(200, 200, 200, 200, 200), Fixed("api/profiles/me")),
            new(Service.Donation, "PUT", "profiles/me", "", donors, Protected(200, 200, 403, 200, 200), Fixed("api/profiles/me", new { full_name = "Matrix User", location = "Leeds" })),
            new(Service.Donation, "POST", "profiles/me/verification", "with the caller's own uploaded document (others are refused before storage)", recipients,
                Protected(200, 200, 403, 403, 403), async c => new Target("api/profiles/me/verification", new
                {
                    document_ids = new[] { c is Caller.Owner or Caller.Other ? await p.UploadedAsync(Service.Donation, c == Caller.Owner ? w.R : w.R2, "verification_document") : Guid.NewGuid() },
                })),
            new(Service.Donation, "GET", "profiles/{id}", "the donor's", donors, Public(200, 200, 200, 200, 200, 200), Fixed($"api/profiles/{w.D.Id}"), ProfilePrivacy),
            new(Service.Donation, "GET", "admin/profiles", "", donors, Protected(403, 403, 403, 200, 403), Fixed("api/admin/profiles?limit=5")),
            new(Service.Donation, "GET", "admin/stats", "", donors, Protected(403, 403, 403, 200, 403), Fixed("api/admin/stats")),
            new(Service.Donation, "POST", "admin/profiles/{id}/verification", "requested", targets, Protected(403, 403, 403, 200, 403), async c =>
            {
                var target = await w.RequestedVerificationAsync();
                return new Target($"api/admin/profiles/{target.Id}/verification", new { decision = "approve" }, c == Caller.Owner ? target : null);
            }),
            new(Service.Donation, "POST", "admin/profiles/{id}/block", "", targets, Protected(403, 403, 403, 200, 403), async c =>
            {
                var target = await p.NewRecipientAsync();
                return new Target($"api/admin/profiles/{target.Id}/block", null, c == Caller.Owner ? target : null);
            }),
            new(Service.Donation, "POST", "admin/profiles/{id}/unblock", "blocked", targets, Protected(403, 403, 403, 200, 403), async c =>
            {
                var target = await p.NewRecipientAsync();
                p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/profiles/{target.Id}/block", w.A.Token), 200);
                return new Target($"api/admin/profiles/{target.Id}/unblock", null, c == Caller.Owner ? target : null);
            }),
            new(Service.Donation, "DELETE", "profiles/me", "beyond API.md (issue 18): each caller a fresh user of its kind (an admin's account: 403)", donors,
                Protected(202, 202, 202, 403, 202), async c => new Target("api/profiles/me", null, c == Caller.Admin ? null : await FreshAsync(c))),
            new(Service.Donation, "GET", "profiles/me/erasure", "beyond API.md (issue 18): the owner erased, the others not", donors,
                Protected(200, 404, 404, 404, 404), async c => new Target("api/profiles/me/erasure", null, c == Caller.Owner ? await ErasedAsync() : null)),
            new(Service.Donation, "DELETE", "admin/users/{id}", "beyond API.md (issue 18): a fresh user", donors, Protected(403, 403, 403, 202, 403), async _ =>
                new Target($"api/admin/users/{(await p.NewRecipientAsync()).Id}")),
            new(Service.Donation, "GET", "admin/users/{id}/erasure", "beyond API.md (issue 18): an erased user", donors, Protected(403, 403, 403, 200, 403), async _ =>
                new Target($"api/admin/users/{(await ErasedAsync()).Id}/erasure")),
            new(Service.Donation, "GET", "donations", "?donor_id=the donor", donors, Public(200, 200, 200, 200, 200, 200),
                Fixed($"api/donations?donor_id={w.D.Id}&limit=100"), (c, me, r) => ListPrivacy(c, me, r, w.DPending, "donor_id", ["available", "claimed", "completed"])),
            new(Service.Donation, "GET", "donations/{id}", "available", donors, Public(200, 200, 200, 200, 200, 200), Fixed($"api/donations/{w.DAvailable}")),
            new(Service.Donation, "GET", "donations/{id}", "pending", donors, Public(404, 200, 404, 200, 200, 404),
                Each(c => $"api/donations/{(c == Caller.Blocked ? w.BDPending : w.DPending)}")),
            new(Service.Donation, "POST", "donations", "", donors, Protected(201, 201, 403, 201, 403), _ => Task.FromResult(new Target("api/donations", PlatformFixture.DonationBody()))),
            new(Service.Donation, "PUT", "donations/{id}", "available", donors, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDAvailable : await p.AvailableDonationAsync(w.D))}", PlatformFixture.DonationBody())),
            new(Service.Donation, "PUT", "donations/{id}", "pending", donors, Protected(200, 404, 403, 403, 404), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDPending : await p.PendingDonationAsync(w.D))}", PlatformFixture.DonationBody())),
            new(Service.Donation, "DELETE", "donations/{id}", "available", donors, Protected(204, 403, 403, 204, 403), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDAvailable : await p.AvailableDonationAsync(w.D))}")),
            new(Service.Donation, "DELETE", "donations/{id}", "pending", donors, Protected(204, 404, 403, 204, 404), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDPending : await p.PendingDonationAsync(w.D))}")),
            new(Service.Donation, "POST", "admin/donations/{id}/review", "pending", donors, Protected(403, 403, 403, 200, 403), async c =>
                new Target($"api/admin/donations/{(c == Caller.Blocked ? w.BDPending : await p.PendingDonationAsync(w.D))}/review", new { decision = "approve" })),
            new(Service.Donation, "POST", "uploads", "beyond API.md (issue 16): a donation_image slot", donors, Protected(201, 201, 403, 201, 403),
                Fixed("api/uploads", new { kind = "donation_image" })),
            new(Service.Donation, "POST", "uploads", "beyond API.md (issue 16): a verification_document slot", recipients, Protected(201, 201, 403, 403, 403),
                Fixed("api/uploads", new { kind = "verification_document" })),
            new(Service.Donation, "POST", "donations/{id}/images", "beyond API.md (issue 16): available, with the donor's upload", donors, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDAvailable : await p.AvailableDonationAsync(w.D))}/images", new { blob_id = await p.UploadedImageAsync(w.D) })),
            new(Service.Donation, "PUT", "donations/{id}/images", "beyond API.md (issue 16): available", donors, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/donations/{(c == Caller.Blocked ? w.BDAvailable : await p.AvailableDonationAsync(w.D))}/images", new { image_ids = Array.Empty<Guid>() })),

            new(Service.Donation, "GET", "donations/{id}/contact", "beyond API.md (issue 17): approved, the donor ↔ the recipient (wrong role)", donors, Protected(200, 404, 404, 200, 200),
                Fixed($"api/donations/{w.DApproved}/contact")),
            new(Service.Donation, "GET", "donations/{id}/contact", "beyond API.md (issue 17): pending request", donors, Protected(404, 404, 404, 404, 404),
                Fixed($"api/donations/{w.DRequested}/contact")),

            // ---- request-service ----
            new(Service.Request, "POST", "requests", "an available donation", requesters, Protected(201, 201, 403, 403, 403), async _ =>
                new Target("api/requests", new { donation_id = await p.AvailableDonationAsync(w.D), message = "May I have it?" })),
            new(Service.Request, "POST", "requests", "a pending donation (hidden from them)", requesters, Protected(404, 404, 403, 403, 403),
                Fixed("api/requests", new { donation_id = w.DPending, message = "May I have it?" })),
            new(Service.Request, "GET", "requests", "", recipients, Protected(200, 200, 200, 200, 200), Fixed("api/requests?limit=100"), RequestPrivacy),
            new(Service.Request, "GET", "requests/{id}", "pending", recipients, Protected(200, 404, 200, 200, 200),
                Each(c => $"api/requests/{(c == Caller.Blocked ? w.BRRequest : w.RRequest)}")),
            new(Service.Request, "POST", "requests/{id}/approve", "pending", donors, Protected(202, 404, 403, 403, 403), async c =>
                new Target($"api/requests/{(c == Caller.Blocked ? w.BDRequest : await p.PendingRequestAsync(w.D, w.R))}/approve")),
            new(Service.Request, "POST", "requests/{id}/reject", "pending", donors, Protected(200, 404, 403, 403, 403), async c =>
                new Target($"api/requests/{(c == Caller.Blocked ? w.BDRequest : await p.PendingRequestAsync(w.D, w.R))}/reject")),
            new(Service.Request, "POST", "requests/{id}/cancel", "pending", recipients, Protected(200, 404, 403, 403, 403), async c =>
                new Target($"api/requests/{(c == Caller.Blocked ? w.BRRequest : await p.PendingRequestAsync(w.D, w.R))}/cancel")),
            new(Service.Request, "POST", "requests/{id}/complete", "approved", donors, Protected(200, 404, 403, 403, 403), async c =>
                new Target($"api/requests/{(c == Caller.Blocked ? w.BDRequest : await p.ApprovedRequestAsync(w.D, w.R))}/complete")),
            new(Service.Request, "POST", "ratings", "a completed request", recipients, Protected(201, 404, 403, 403, 403), async c =>
                new Target("api/ratings", new { request_id = c == Caller.Blocked ? w.BRCompleted : await p.CompletedRequestAsync(w.D, w.R), rating = 5, comment = "Lovely" })),
            new(Service.Request, "POST", "ratings", "issue 17: an approved request (not yet handed over)", recipients, Protected(409, 404, 403, 403, 403), async c =>
                new Target("api/ratings", new { request_id = c == Caller.Blocked ? w.BRApproved : await p.ApprovedRequestAsync(w.D, w.R), rating = 5 })),
            new(Service.Request, "GET", "ratings", "?donor_id=the donor", donors, Public(200, 200, 200, 200, 200, 200), Fixed($"api/ratings?donor_id={w.D.Id}"),
                RatingPrivacy),
            new(Service.Request, "PUT", "ratings/{id}", "beyond API.md (issue 17): the owner's rating, within 30 days", recipients, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/ratings/{(c == Caller.Blocked ? w.BRRating : await p.RatingAsync(w.R, await p.CompletedRequestAsync(w.D, w.R)))}", new { rating = 3, comment = "Changed my mind" })),
            new(Service.Request, "GET", "admin/stats", "beyond API.md (issue 17)", donors, Protected(403, 403, 403, 200, 403), Fixed("api/admin/stats")),

            // ---- campaign-service ----
            new(Service.Campaign, "GET", "campaigns", "?recipient_id=the owner", owners, Public(200, 200, 200, 200, 200, 200),
                Fixed($"api/campaigns?recipient_id={w.V.Id}&limit=100"), (c, me, r) => ListPrivacy(c, me, r, w.VPending, "recipient_id", ["active", "paused", "completed"])),
            new(Service.Campaign, "GET", "campaigns/{id}", "active", owners, Public(200, 200, 200, 200, 200, 200), Fixed($"api/campaigns/{w.VActive}")),
            new(Service.Campaign, "GET", "campaigns/{id}", "pending", owners, Public(404, 200, 404, 200, 200, 404),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVPending : w.VPending)}")),
            new(Service.Campaign, "POST", "campaigns/{id}/updates", "beyond API.md (issue 17): active", owners, Protected(201, 403, 403, 403, 403),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVActive : w.VActive)}/updates", new { body = "News from the matrix" })),
            new(Service.Campaign, "POST", "campaigns/{id}/updates", "beyond API.md (issue 17): pending", owners, Protected(409, 404, 403, 403, 404),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVPending : w.VPending)}/updates", new { body = "News from the matrix" })),
            new(Service.Campaign, "GET", "campaigns/{id}/updates", "beyond API.md (issue 17): active", owners, Public(200, 200, 200, 200, 200, 200),
                Fixed($"api/campaigns/{w.VActive}/updates")),
            new(Service.Campaign, "GET", "campaigns/{id}/updates", "beyond API.md (issue 17): pending", owners, Public(404, 200, 404, 200, 200, 404),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVPending : w.VPending)}/updates")),
            new(Service.Campaign, "POST", "campaigns", "", owners, Protected(201, 201, 403, 403, 403), _ => Task.FromResult(new Target("api/campaigns", PlatformFixture.CampaignBody()))),
            new(Service.Campaign, "PUT", "campaigns/{id}", "active", owners, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.ActiveCampaignAsync(w.V))}", PlatformFixture.CampaignBody(2000m))),
            new(Service.Campaign, "PUT", "campaigns/{id}", "pending", owners, Protected(200, 404, 403, 403, 404), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVPending : await p.PendingCampaignAsync(w.V))}", PlatformFixture.CampaignBody(2000m))),
            new(Service.Campaign, "POST", "campaigns/{id}/pause", "active", owners, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.ActiveCampaignAsync(w.V))}/pause")),
            new(Service.Campaign, "POST", "campaigns/{id}/resume", "paused", owners, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.PausedCampaignAsync(w.V))}/resume")),
            new(Service.Campaign, "DELETE", "campaigns/{id}", "active, no contributions", owners, Protected(204, 403, 403, 204, 403), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.ActiveCampaignAsync(w.V))}")),
            new(Service.Campaign, "GET", "admin/stats", "", owners, Protected(403, 403, 403, 200, 403), Fixed("api/admin/stats")),
            new(Service.Campaign, "POST", "admin/campaigns/{id}/review", "pending", owners, Protected(403, 403, 403, 200, 403), async c =>
                new Target($"api/admin/campaigns/{(c == Caller.Blocked ? w.BVPending : await p.PendingCampaignAsync(w.V))}/review", new { decision = "approve" })),
            new(Service.Campaign, "POST", "campaigns/{id}/contributions", "active (not to one's own)", owners, Protected(403, 201, 403, 201, 201),
                Fixed($"api/campaigns/{w.VActive}/contributions", new { amount = 1 })),
            new(Service.Campaign, "POST", "campaigns/{id}/contributions", "pending (hidden from others)", owners, Protected(403, 404, 403, 409, 404),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVPending : w.VPending)}/contributions", new { amount = 1 })),
            new(Service.Campaign, "GET", "campaigns/{id}/contributions", "active", owners, Protected(200, 200, 200, 200, 200),
                Fixed($"api/campaigns/{w.VActive}/contributions?limit=100"), (c, me, r) => ContributionPrivacy(c, me, r, w)),
            new(Service.Campaign, "GET", "campaigns/{id}/contributions", "pending", owners, Protected(200, 404, 200, 200, 404),
                Each(c => $"api/campaigns/{(c == Caller.Blocked ? w.BVPending : w.VPending)}/contributions")),
            new(Service.Campaign, "GET", "me/contributions", "", owners, Protected(200, 200, 200, 200, 200),
                Fixed("api/me/contributions?limit=100"), (_, me, r) => OwnContributions(me, r)),
            new(Service.Campaign, "GET", "contributions/{id}", "another user's, to the owner's campaign", owners, Protected(200, 404, 404, 200, 404),
                Fixed($"api/contributions/{w.R2Contribution}")),
            new(Service.Campaign, "POST", "uploads", "beyond API.md (issue 16): a campaign_image slot", owners, Protected(201, 201, 403, 403, 403),
                Fixed("api/uploads", new { kind = "campaign_image" })),
            new(Service.Campaign, "POST", "campaigns/{id}/images", "beyond API.md (issue 16): active, with the owner's upload (others refused before storage)", owners,
                Protected(200, 403, 403, 403, 403), async c => new Target(
                    $"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.ActiveCampaignAsync(w.V))}/images",
                    new { blob_id = c == Caller.Owner ? await p.UploadedAsync(Service.Campaign, w.V, "campaign_image") : Guid.NewGuid() })),
            new(Service.Campaign, "PUT", "campaigns/{id}/images", "beyond API.md (issue 16): active", owners, Protected(200, 403, 403, 403, 403), async c =>
                new Target($"api/campaigns/{(c == Caller.Blocked ? w.BVActive : await p.ActiveCampaignAsync(w.V))}/images", new { image_ids = Array.Empty<Guid>() })),
            new(Service.Campaign, "POST", "payments/stripe/webhook", "unsigned (development provider: no webhooks)", owners, Open(400),
                Fixed("api/payments/stripe/webhook", new { id = "evt_matrix", type = "checkout.session.completed" })),

            // ---- messaging-service ----
            new(Service.Messaging, "POST", "messages", "to a partner", recipients, Protected(201, 201, 403, 201, 201),
                Fixed("api/messages", new { receiver_id = w.P.Id, content = "Hello from the matrix" })),
            new(Service.Messaging, "GET", "messages", "?with=a partner", recipients, Protected(200, 200, 200, 200, 200),
                Fixed($"api/messages?with={w.P.Id}&limit=100"), (_, me, r) => MessagePrivacy(me, r, w.P.Id)),
            new(Service.Messaging, "GET", "conversations", "", recipients, Protected(200, 200, 200, 200, 200), Fixed("api/conversations?limit=100"), ConversationPrivacy),
            new(Service.Messaging, "PUT", "blocks/{id}", "beyond API.md (issue 18): a user nobody else here writes to (an admin-blocked account may still block: it only protects itself)", recipients,
                Protected(200, 200, 200, 200, 200), Fixed($"api/blocks/{w.Q.Id}")),
            new(Service.Messaging, "DELETE", "blocks/{id}", "beyond API.md (issue 18): the same user (204 whether or not blocked)", recipients,
                Protected(204, 204, 204, 204, 204), Fixed($"api/blocks/{w.Q.Id}")),
            new(Service.Messaging, "GET", "blocks", "beyond API.md (issue 18): one's own blocks", recipients, Protected(200, 200, 200, 200, 200), Fixed("api/blocks?limit=100")),
            new(Service.Messaging, "POST", "messages/{id}/read", "sent by the donor to the owner", recipients, Protected(200, 404, 200, 404, 403), async c =>
                new Target($"api/messages/{await p.MessageAsync(w.D, c == Caller.Blocked ? w.BR.Id : w.R.Id)}/read")),
            new(Service.Messaging, "GET", "messages/{id}", "beyond API.md (issue 16): sent by the donor to the owner, not reported (wrong role = its sender)", recipients,
                Protected(200, 404, 200, 404, 200), async c => new Target($"api/messages/{await p.MessageAsync(w.D, c == Caller.Blocked ? w.BR.Id : w.R.Id)}")),
            new(Service.Messaging, "POST", "uploads", "beyond API.md (issue 16): a message_attachment slot", recipients, Protected(201, 201, 403, 201, 201),
                Fixed("api/uploads", new { kind = "message_attachment" })),
            new(Service.Messaging, "POST", "messages", "beyond API.md (issue 16): with the owner's uploaded picture (someone else's: 400; blocked: 403 before storage)", recipients,
                Protected(201, 400, 403, 400, 400), async c => new Target("api/messages", new
                {
                    receiver_id = w.P.Id,
                    content = "A picture from the matrix",
                    attachment_ids = new[] { await p.UploadedAsync(Service.Messaging, w.R, "message_attachment") },
                })),
            new(Service.Messaging, "POST", "reports", "about a user", recipients, Protected(201, 201, 403, 201, 201), _ =>
                Task.FromResult(new Target("api/reports", new { target_type = "user", target_id = Guid.NewGuid(), reason = "spam" }))),
            new(Service.Messaging, "POST", "reports", "about a message to the owner (wrong role = its sender: 400)", recipients, Protected(201, 404, 403, 404, 400), async c =>
                new Target("api/reports", new { target_type = "message", target_id = await p.MessageAsync(w.D, c == Caller.Blocked ? w.BR.Id : w.R.Id), reason = "rude" })),
            new(Service.Messaging, "GET", "reports", "", recipients, Protected(200, 200, 200, 200, 200), Fixed("api/reports?limit=100"), ReportPrivacy),
            new(Service.Messaging, "GET", "admin/stats", "", recipients, Protected(403, 403, 403, 200, 403), Fixed("api/admin/stats")),
            new(Service.Messaging, "POST", "admin/reports/{id}/resolve", "open, filed by the owner", recipients, Protected(403, 403, 403, 200, 403), async _ =>
                new Target($"api/admin/reports/{await p.ReportAsync(w.R, "user", Guid.NewGuid())}/resolve", new { status = "reviewed", action = "none" })),
            new(Service.Messaging, "GET", "notifications", "", recipients, Protected(200, 200, 200, 200, 200), Fixed("api/notifications?limit=100"), NotificationPrivacy),
            new(Service.Messaging, "POST", "notifications/{id}/read", "the owner's", recipients, Protected(200, 404, 200, 404, 404), async c =>
                new Target($"api/notifications/{await p.NotificationAsync(w.D, c == Caller.Blocked ? w.BR : w.R)}/read")),
        ]);
        return rows;
    }

    /// <summary>A route that needs no token: every caller gets <paramref name="status"/>, whatever it sends.</summary>
    private static int[] Open(int status) => [.. Callers.Select(_ => status)];

    /// <summary>A route that needs a signed-in user: no token and bad tokens are 401.</summary>
    private static int[] Protected(int owner, int other, int blocked, int admin, int wrong) => [401, 401, 401, 401, owner, other, blocked, admin, wrong];

    /// <summary>A route anyone may call: anonymous gets <paramref name="anonymous"/>, a bad token still 401.</summary>
    private static int[] Public(int anonymous, int owner, int other, int blocked, int admin, int wrong) => [anonymous, 401, 401, 401, owner, other, blocked, admin, wrong];

    // ---- what lists and reads may show ----

    private static string? ProfilePrivacy(Caller caller, TestUser me, Reply reply)
    {
        var full = caller is Caller.Owner or Caller.Admin;
        var email = reply.Json.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String;
        var phone = reply.Json.TryGetProperty("phone", out var ph) && ph.ValueKind != JsonValueKind.Null;
        return full && !email ? "the owner or an admin should see the email"
            : !full && (email || reply.Json.TryGetProperty("email", out _) || phone) ? "email/phone shown to someone else: " + reply.Body
            : null;
    }

    /// <summary>A list filtered to one owner's objects: anonymous sees only public states; others see the owner's hidden object only if they are the owner or an admin.</summary>
    private static string? ListPrivacy(Caller caller, TestUser me, Reply reply, Guid hidden, string ownerField, string[] publicStates)
    {
        var items = reply.Items.ToList();
        var sees = items.Any(i => i.GetProperty("id").GetGuid() == hidden);
        var shouldSee = caller is Caller.Owner or Caller.Admin;
        if (sees != shouldSee)
        {
            return shouldSee ? $"the owner's hidden object {hidden} is missing" : $"someone else's hidden object {hidden} is listed";
        }

        var leaked = items.Where(i => !publicStates.Contains(i.GetProperty("status").GetString()) && caller != Caller.Admin && i.GetProperty(ownerField).GetGuid() != me.Id).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} hidden objects of others listed, e.g. {leaked[0]}";
    }

    private static string? RequestPrivacy(Caller caller, TestUser me, Reply reply)
    {
        var leaked = reply.Items.Where(i => caller != Caller.Admin && i.GetProperty("recipient_id").GetGuid() != me.Id && i.GetProperty("donor_id").GetGuid() != me.Id).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} requests of others listed, e.g. {leaked[0]}";
    }

    /// <summary>Issue 17 (and 18): a public rating names its recipient and request only to that recipient, the donor and admins.</summary>
    private static string? RatingPrivacy(Caller caller, TestUser me, Reply reply)
    {
        var items = reply.Items.ToList();
        if (items.Count == 0)
        {
            return "the donor's ratings are missing";
        }

        var leaked = items.Where(i => i.GetProperty("recipient_id").ValueKind != JsonValueKind.Null
            && caller != Caller.Admin && i.GetProperty("donor_id").GetGuid() != me.Id && i.GetProperty("recipient_id").GetGuid() != me.Id).ToList();
        var hidden = caller is Caller.Owner or Caller.Admin && items.Any(i => i.GetProperty("recipient_id").ValueKind == JsonValueKind.Null);
        return leaked.Count > 0 ? $"{leaked.Count} ratings name their recipient to someone else, e.g. {leaked[0]}"
            : hidden ? "the donor or an admin should see who rated" : null;
    }

    private static string? OwnContributions(TestUser me, Reply reply)
    {
        var others = reply.Items.Where(i => i.GetProperty("contributor_id").GetGuid() != me.Id).ToList();
        return others.Count == 0 ? null : $"{others.Count} contributions of others in /me/contributions";
    }

    private static string? ContributionPrivacy(Caller caller, TestUser me, Reply reply, World w)
    {
        var items = reply.Items.ToList();
        if (caller is Caller.Owner or Caller.Admin)
        {
            return items.Any(i => i.GetProperty("id").GetGuid() == w.R2Contribution) ? null : "the owner or an admin should see every contribution";
        }

        var leaked = items.Where(i => i.GetProperty("contributor_id").GetGuid() != me.Id).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} contributions of others listed, e.g. {leaked[0]}";
    }

    private static string? MessagePrivacy(TestUser me, Reply reply, Guid partner)
    {
        var leaked = reply.Items.Where(i =>
        {
            var (from, to) = (i.GetProperty("sender_id").GetGuid(), i.GetProperty("receiver_id").GetGuid());
            return !((from == me.Id && to == partner) || (from == partner && to == me.Id));
        }).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} messages of other conversations listed, e.g. {leaked[0]}";
    }

    private static string? ConversationPrivacy(Caller caller, TestUser me, Reply reply)
    {
        var leaked = reply.Items.Where(i =>
        {
            var last = i.GetProperty("last_message");
            return i.GetProperty("partner_id").GetGuid() == me.Id
                || (last.GetProperty("sender_id").GetGuid() != me.Id && last.GetProperty("receiver_id").GetGuid() != me.Id);
        }).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} conversations of others listed, e.g. {leaked[0]}";
    }

    private static string? ReportPrivacy(Caller caller, TestUser me, Reply reply)
    {
        var leaked = reply.Items.Where(i => caller != Caller.Admin && i.GetProperty("reporter_id").GetGuid() != me.Id).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} reports of others listed, e.g. {leaked[0]}";
    }

    private static string? NotificationPrivacy(Caller caller, TestUser me, Reply reply)
    {
        var leaked = reply.Items.Where(i => i.GetProperty("user_id").GetGuid() != me.Id).ToList();
        return leaked.Count == 0 ? null : $"{leaked.Count} notifications of others listed, e.g. {leaked[0]}";
    }

    // ---- the printed matrix ----

    private static string Render(
        List<Row> rows, ConcurrentDictionary<(Row, Caller), Result> results, List<(Row row, Caller caller, Result result)> mismatches, List<string> uncovered, TimeSpan setup, TimeSpan total)
    {
        const int RouteWidth = 96;
        const int CellWidth = 11;
        var text = new StringBuilder();
        text.AppendLine($"Authorization matrix: {rows.Count} routes × {Callers.Length} kinds of caller = {rows.Count * Callers.Length} cells; "
            + $"{mismatches.Count} mismatches; set-up {setup.TotalSeconds:0.0} s, total {total.TotalSeconds:0.0} s.");
        text.AppendLine("Each cell is expected/actual; ✗ marks a mismatch (a status that differs, a leak in a list, or an error that is not problem+json).");
        text.AppendLine("Callers: anonymous = no token; expired / forged (another secret, claims admin) / alg:none (unsigned, claims admin) = bad tokens of the owner;");
        text.AppendLine("  the casts of the other columns, by row:");
        foreach (var cast in rows.Select(r => r.Cast).DistinctBy(c => c.Name))
        {
            text.AppendLine($"  [{cast.Name}] owner = {cast.Describe(Caller.Owner)}; other = {cast.Describe(Caller.Other)}; blocked = {cast.Describe(Caller.Blocked)}; admin; wrong role = {cast.Describe(Caller.WrongRole)}");
        }

        text.AppendLine();
        text.Append("route".PadRight(RouteWidth));
        foreach (var caller in Callers)
        {
            text.Append(Headings[caller].PadRight(CellWidth));
        }

        text.AppendLine();
        text.AppendLine(new string('-', RouteWidth + (CellWidth * Callers.Length)));
        foreach (var row in rows)
        {
            text.Append(Fit(row.Label, RouteWidth));
            foreach (var caller in Callers)
            {
                var result = results[(row, caller)];
                var cell = $"{row.Expected[(int)caller]}/{(result.Status == 0 ? "err" : result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(result.Matches ? string.Empty : "✗")}";
                text.Append(cell.PadRight(CellWidth));
            }

            text.AppendLine();
        }

        if (uncovered.Count > 0)
        {
            text.AppendLine().AppendLine("Routes no row covers: " + string.Join(", ", uncovered));
        }

        if (mismatches.Count > 0)
        {
            text.AppendLine().AppendLine("Mismatches:");
            foreach (var (row, caller, result) in mismatches)
            {
                text.AppendLine($"  {row.Label} × {Headings[caller]}: {result.Describe(row.Expected[(int)caller])}");
            }
        }

        return text.ToString();
    }

    private static string Fit(string text, int width) => text.Length >= width ? text[..(width - 2)] + "… " : text.PadRight(width);

    // ---- types ----

    /// <summary>What a cell sends: the path, the body, and the user it acts as when that is made fresh per cell.</summary>
    private sealed record Target(string Path, object? Body = null, TestUser? As = null);

    private sealed record Result(int Status, Reply? Reply, string? Violation, string? Error, int Expected)
    {
        public bool Matches => Error is null && Violation is null && Status == Expected;

        public string Describe(int expected) =>
            Error is not null ? $"expected {expected}, set-up or call failed: {Error}"
            : Violation is not null ? $"{Status}: {Violation}"
            : $"expected {expected}, got {Reply}";
    }

    /// <summary>Who plays each kind of signed-in caller on a row; a null owner is made fresh by the row (the target user of admin routes).</summary>
    private sealed record Cast(string Name, TestUser? Owner, TestUser Other, TestUser Blocked, TestUser Admin, TestUser Wrong)
    {
        public TestUser? this[Caller caller] => caller switch
        {
            Caller.Owner => Owner,
            Caller.Other => Other,
            Caller.Blocked => Blocked,
            Caller.Admin => Admin,
            Caller.WrongRole => Wrong,
            _ => null,
        };

        /// <summary>The user the bad tokens claim to be.</summary>
        public Guid Impersonated(World world) => Owner?.Id ?? world.A.Id;

        public string Describe(Caller caller) => this[caller] is { } user ? user.Kind : "the target user itself";
    }

    private sealed class Row(
        Service service, string method, string route, string variant, Cast cast, int[] expected, Func<Caller, Task<Target>> prepare,
        Func<Caller, TestUser, Reply, string?>? check = null)
    {
        private readonly Lazy<Task<Target>> _shared = new(() => prepare(Caller.Owner));

        public Service Service { get; } = service;

        public string Method { get; } = method;

        public string Key => $"{Method} /api/{route}";

        public string Label => $"{Method,-6} /api/{route}{(variant.Length > 0 ? $" [{variant}]" : string.Empty)} ({Service.ToString().ToLowerInvariant()}, {Cast.Name})";

        /// <summary>An admin route: the expired token claims admin too, so only its expiry is wrong.</summary>
        public bool Admin { get; } = route.StartsWith("admin/", StringComparison.Ordinal);

        public Cast Cast { get; } = cast;

        public int[] Expected { get; } = expected;

        public Func<Caller, TestUser, Reply, string?>? Check { get; } = check;

        public Task<Target> Prepare(Caller caller) => prepare(caller);

        /// <summary>One target for every caller whose token is refused (they must not change it, so they can share it).</summary>
        public Task<Target> Shared() => _shared.Value;
    }

    /// <summary>
    /// The people and objects of the matrix. Blocked users get their own objects before they are
    /// blocked, so "blocked" cells act on something the user owns (or is a party of).
    /// </summary>
    private sealed class World
    {
        private PlatformFixture _p = null!;

        public TestUser D { get; private set; } = null!;

        public TestUser D2 { get; private set; } = null!;

        public TestUser R { get; private set; } = null!;

        public TestUser R2 { get; private set; } = null!;

        public TestUser V { get; private set; } = null!;

        public TestUser V2 { get; private set; } = null!;

        public TestUser P { get; private set; } = null!;

        public TestUser Q { get; private set; } = null!;

        public TestUser BD { get; private set; } = null!;

        public TestUser BR { get; private set; } = null!;

        public TestUser BV { get; private set; } = null!;

        public TestUser A { get; private set; } = null!;

        public Guid DAvailable { get; private set; }

        public Guid DPending { get; private set; }

        public Guid RRequest { get; private set; }

        public Guid DApproved { get; private set; }

        public Guid DRequested { get; private set; }

        public Guid VActive { get; private set; }

        public Guid VPending { get; private set; }

        public Guid R2Contribution { get; private set; }

        public Guid BDAvailable { get; private set; }

        public Guid BDPending { get; private set; }

        public Guid BDRequest { get; private set; }

        public Guid BRRequest { get; private set; }

        public Guid BRApproved { get; private set; }

        public Guid BRCompleted { get; private set; }

        public Guid BRRating { get; private set; }

        public Guid BVActive { get; private set; }

        public Guid BVPending { get; private set; }

        public static async Task<World> CreateAsync(PlatformFixture p)
        {
            var w = new World { _p = p, A = p.Admin };
            var donors = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => p.NewDonorAsync()));
            var recipients = Task.WhenAll(Enumerable.Range(0, 6).Select(_ => p.NewRecipientAsync()));
            var verified = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => p.NewVerifiedRecipientWithProbeAsync()));
            var (d, r, v) = (await donors, await recipients, await verified);
            (w.D, w.D2, w.BD) = (d[0] with { Kind = "the donor" }, d[1] with { Kind = "another donor" }, d[2] with { Kind = "a blocked donor" });
            (w.R, w.R2, w.P, w.BR) = (r[0] with { Kind = "the recipient" }, r[1] with { Kind = "another recipient" }, r[3] with { Kind = "a partner" }, r[4] with { Kind = "a blocked recipient" });
            var helper = r[2];
            w.Q = r[5] with { Kind = "a user to block" };
            (w.V, w.VPending) = (v[0].User with { Kind = "the verified recipient" }, v[0].ProbeCampaign);
            w.V2 = v[1].User with { Kind = "another verified recipient" };
            (w.BV, w.BVPending) = (v[2].User with { Kind = "a blocked verified recipient" }, v[2].ProbeCampaign);

            async Task Blocked(Task setUp, TestUser user)
            {
                await setUp;
                await p.BlockAsync(user);
            }

            await Task.WhenAll(
                Task.Run(async () => w.DAvailable = await p.AvailableDonationAsync(w.D)),
                Task.Run(async () => w.DPending = await p.PendingDonationAsync(w.D)),
                Task.Run(async () => w.RRequest = await p.PendingRequestAsync(w.D, w.R)),
                Task.Run(async () => (w.DApproved, _) = await p.ApprovedDonationAsync(w.D, w.R)),
                Task.Run(async () =>
                {
                    w.DRequested = await p.AvailableDonationAsync(w.D);
                    await p.RequestAsync(w.R, w.DRequested);
                }),
                Task.Run(async () =>
                {
                    w.VActive = await p.ActiveCampaignAsync(w.V, 10_000_000m);
                    w.R2Contribution = await p.ContributionAsync(w.R2, w.VActive);
                }),
                Blocked(Task.Run(async () =>
                {
                    w.BDAvailable = await p.AvailableDonationAsync(w.BD);
                    w.BDPending = await p.PendingDonationAsync(w.BD);
                    w.BDRequest = await p.RequestAsync(helper, w.BDAvailable);
                }), w.BD),
                Blocked(Task.Run(async () =>
                {
                    w.BRRequest = await p.PendingRequestAsync(w.D, w.BR);
                    w.BRApproved = await p.ApprovedRequestAsync(w.D, w.BR);
                    w.BRCompleted = await p.CompletedRequestAsync(w.D, w.BR);
                    w.BRRating = await p.RatingAsync(w.BR, await p.CompletedRequestAsync(w.D, w.BR));
                }), w.BR),
                Blocked(Task.Run(async () => w.BVActive = await p.ActiveCampaignAsync(w.BV)), w.BV));
            return w;
        }

        /// <summary>A fresh recipient who asked to be verified.</summary>
        public async Task<TestUser> RequestedVerificationAsync()
        {
            var user = await _p.NewRecipientAsync();
            _p.Expect(await _p.RequestVerificationAsync(user), 200);
            return user;
        }
    }
}

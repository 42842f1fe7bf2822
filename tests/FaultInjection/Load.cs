using System.Collections.Concurrent;
using System.Globalization;

namespace FaultInjection;

/// <summary>The users and campaigns the load works with.</summary>
internal sealed class World
{
    public required User Admin { get; init; }

    public required IReadOnlyList<User> Donors { get; init; }

    public required IReadOnlyList<User> Recipients { get; init; }

    /// <summary>Verified recipients who run the campaigns.</summary>
    public required IReadOnlyList<User> Owners { get; init; }

    public required IReadOnlyList<CampaignRecord> Campaigns { get; init; }

    /// <summary>Campaigns that stopped taking contributions (completed): no more load on them.</summary>
    public ConcurrentDictionary<Guid, bool> Closed { get; } = new();

    public IEnumerable<User> People => Donors.Concat(Recipients);
}

/// <summary>
/// The mixed load: donors create donations and the admin approves them; recipients request them and
/// donors approve (the claim saga), then complete or cancel some; people contribute to campaigns with
/// Idempotency-Keys; people message each other; readers list things. Each loop retries like a
/// frontend (see <see cref="Api"/>) and writes what it was told into the <see cref="Ledger"/>.
/// </summary>
internal sealed class Load(Api api, Ledger ledger, World world)
{
    private const string Donation = "DonationService";
    private const string Request = "RequestService";
    private const string Campaign = "CampaignService";
    private const string Messaging = "MessagingService";
    private static readonly TimeSpan SagaPatience = TimeSpan.FromSeconds(45);
    private readonly ConcurrentDictionary<Guid, RequestRecord> _awaitingSaga = new();
    private int _driverErrors;

    /// <summary>Exceptions inside the driver's own loops (not API answers): the check could not do its job.</summary>
    public int DriverErrors => _driverErrors;

    /// <summary>
    /// Runs <paramref name="workers"/> loops until <paramref name="stop"/>; calls already under way finish
    /// (they retry within their budget), and the saga watcher goes on until no approval is pending.
    /// <paramref name="abort"/> cuts everything.
    /// </summary>
    public async Task RunAsync(int workers, CancellationToken stop, CancellationToken abort)
    {
        var loops = Enumerable.Range(0, workers).Select(i => (i % 6) switch
        {
            0 or 2 => LoopAsync("donation flow", DonationFlowAsync, TimeSpan.FromMilliseconds(400), stop, abort),
            1 or 3 => LoopAsync("contributions", ContributeAsync, TimeSpan.FromMilliseconds(300), stop, abort),
            4 => LoopAsync("messages", SendMessageAsync, TimeSpan.FromMilliseconds(300), stop, abort),
            _ => LoopAsync("reads", ReadAsync, TimeSpan.FromMilliseconds(400), stop, abort),
        }).ToList();
        var watcher = WatchSagasAsync(stop, abort);
        await Task.WhenAll(loops);
        await watcher;
    }

    private async Task LoopAsync(string name, Func<CancellationToken, Task> step, TimeSpan pause, CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await step(abort);
                await Task.Delay(Jitter(pause), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested || abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _driverErrors);
                Log.Warn($"{name} loop: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    // ---- set-up -------------------------------------------------------------------------------------

    /// <summary>Creates the users' profiles, verifies the campaign owners and opens their campaigns.</summary>
    public static async Task<World> SetUpAsync(Api api, Tokens tokens, Ledger ledger, CancellationToken abort)
    {
        var admin = tokens.NewUser("admin", admin: true);
        var donors = Enumerable.Range(0, 6).Select(_ => tokens.NewUser("donor", signupRole: "donor")).ToList();
        var recipients = Enumerable.Range(0, 10).Select(_ => tokens.NewUser("recipient", signupRole: "recipient")).ToList();
        var owners = recipients.Take(3).ToList();
        ledger.Users.AddRange([admin, .. donors, .. recipients]);

        await Task.WhenAll(ledger.Users.Select(async user =>
        {
            var profile = await Must(api.GetAsync(Donation, "api/profiles/me", "/api/profiles/me", user, abort), "GET /api/profiles/me");
            var expected = user.Kind == "admin" ? "admin" : user.Kind;
            if (profile.Text("role") != expected)
            {
                await Must(api.PutAsync(Donation, "api/profiles/me", "/api/profiles/me", user, new { role = expected }, abort), "PUT /api/profiles/me");
            }
        }));

        await Task.WhenAll(owners.Select(async owner =>
        {
            await Must(
                api.PostAsync(Donation, "api/profiles/me/verification", "/api/profiles/me/verification", owner,
                    new { document_ids = new[] { await UploadedDocumentAsync(api, owner, abort) } }, null, abort),
                "POST /api/profiles/me/verification");
            await Must(
                api.PostAsync(Donation, $"api/admin/profiles/{owner.Id}/verification", "/api/admin/profiles/{id}/verification", admin,
                    new { decision = "approve" }, null, abort),
                "POST /api/admin/profiles/{id}/verification");
        }));

        // The first campaign has a small goal, so that one completes during the run.
        decimal[] goals = [1000m, 1_000_000m, 1_000_000m];
        var campaigns = await Task.WhenAll(owners.Select(async (owner, i) =>
        {
            var key = "cam-" + Guid.NewGuid().ToString("N");
            var body = new
            {
                title = $"Fault-injection campaign {i + 1}",
                description = "Created by the fault-injection check.",
                category = "community",
                location = "Leeds",
                goal_amount = goals[i],
            };

            // 403 until campaign-service's copy of the profile shows the verification (an event away).
            ApiResult created;
            var patience = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                created = await api.PostAsync(Campaign, "api/campaigns", "/api/campaigns", owner, body, key, abort);
                if (created.Status != 403 || DateTime.UtcNow > patience)
                {
                    break;
                }

                await Task.Delay(500, abort);
            }

            ledger.Count("create campaign", created, created.Status == 201);
            await Must(Task.FromResult(created), "POST /api/campaigns");
            var id = created.Id;
            var review = await api.PostAsync(Campaign, $"api/admin/campaigns/{id}/review", "/api/admin/campaigns/{id}/review", admin, new { decision = "approve" }, null, abort);
            ledger.Count("review campaign", review, review.Ok);
            await Must(Task.FromResult(review), "POST /api/admin/campaigns/{id}/review");
            return new CampaignRecord(id, owner.Id, goals[i]);
        }));
        ledger.Campaigns.AddRange(campaigns);
        return new World { Admin = admin, Donors = donors, Recipients = recipients, Owners = owners, Campaigns = campaigns };
    }

    /// <summary>A verification document as a frontend sends it (issue 16): an upload slot, then the file PUT straight to storage.</summary>
    private static async Task<Guid> UploadedDocumentAsync(Api api, User owner, CancellationToken abort)
    {
        var slot = (await Must(api.PostAsync(Donation, "api/uploads", "/api/uploads", owner, new { kind = "verification_document" }, null, abort), "POST /api/uploads")).Body;
        using var put = new HttpRequestMessage(HttpMethod.Put, slot.GetProperty("upload_url").GetString()) { Content = new ByteArrayContent([.. "%PDF-1.7\n"u8]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var storage = new HttpClient();
        using var response = await storage.SendAsync(put, abort);
        return response.StatusCode == System.Net.HttpStatusCode.Created
            ? slot.GetProperty("blob_id").GetGuid()
            : throw new InvalidOperationException($"set-up failed: the document upload answered {(int)response.StatusCode}");
    }

    private static async Task<ApiResult> Must(Task<ApiResult> call, string what)
    {
        var result = await call;
        return result.Ok ? result : throw new InvalidOperationException($"set-up failed: {what} answered {result}");
    }

    // ---- donation flow and the claim saga -------------------------------------------------------------

    private async Task DonationFlowAsync(CancellationToken abort)
    {
        var donor = Pick(world.Donors);
        var key = "don-" + Guid.NewGuid().ToString("N");
        var created = await CreateAsync(Donation, "api/donations", "/api/donations", donor,
            new { title = "Oak chair " + Random.Shared.Next(1000, 9999), description = "Sturdy, some scratches.", category = "furniture", location = "Leeds" },
            key, abort);
        ledger.Count("create donation", created, created.Status == 201);
        if (created.Status != 201)
        {
            NoteUnknown("donation", key, donor, created);
            return;
        }

        var donationId = created.Id;
        ledger.Donations.Add(new DonationRecord(donationId, donor.Id, key));

        var review = await api.PostAsync(Donation, $"api/admin/donations/{donationId}/review", "/api/admin/donations/{id}/review", world.Admin,
            new { decision = "approve" }, null, abort);
        var reviewed = review.Ok
            || (review.Status == 409 && review.Uncertain && await DonationStatusAsync(donationId, abort) is { } status && status != "pending");
        ledger.Count("review donation", review, reviewed);
        if (!reviewed)
        {
            return;
        }

        ledger.ReviewedDonations.Add(donationId);

        var asking = world.Recipients.OrderBy(_ => Random.Shared.Next()).Take(Random.Shared.Next(1, 4)).ToList();
        var requests = (await Task.WhenAll(asking.Select(r => CreateRequestAsync(r, donationId, donor, abort)))).OfType<RequestRecord>().ToList();
        if (requests.Count == 0)
        {
            return;
        }

        // Mostly one approval; sometimes two at once (the saga must end with exactly one approved); sometimes none.
        var roll = Random.Shared.NextDouble();
        var approve = roll < 0.15 ? [] : roll < 0.35 && requests.Count >= 2 ? requests.Take(2).ToList() : requests.Take(1).ToList();
        await Task.WhenAll(approve.Select(request => ApproveAsync(donor, request, abort)));
    }

    private async Task<RequestRecord?> CreateRequestAsync(User recipient, Guid donationId, User donor, CancellationToken abort)
    {
        var key = "req-" + Guid.NewGuid().ToString("N");
        var created = await CreateAsync(Request, "api/requests", "/api/requests", recipient,
            new { donation_id = donationId, message = "I would love this, thank you!" }, key, abort);
        ledger.Count("create request", created, created.Status == 201);
        if (created.Status != 201)
        {
            NoteUnknown("request", key, recipient, created);
            return null;
        }

        var record = new RequestRecord(created.Id, donationId, donor.Id, recipient.Id, key);
        ledger.Requests.Add(record);
        return record;
    }

    private async Task<bool> ApproveAsync(User donor, RequestRecord request, CancellationToken abort)
    {
        var answer = await api.PostAsync(Request, $"api/requests/{request.Id}/approve", "/api/requests/{id}/approve", donor, null, null, abort);
        var approved = answer.Status == 202
            || (answer.Status == 409 && answer.Uncertain && ApprovalTook(await RequestAsync(donor, request.Id, abort)));
        ledger.Count("approve request", answer, approved);
        if (approved)
        {
            ledger.ApprovedRequests.Add(request.Id);
            _awaitingSaga[request.Id] = request;
        }

        return approved;
    }

    /// <summary>
    /// Follows the claim sagas the way donors' screens would: every 2 s each donor lists their
    /// requests that are approving and approved; an approved one that was waiting is sometimes
    /// completed (the item handed over) or cancelled by its recipient (the item released). After the
    /// load stops it goes on until no donor has an approving request (or patience runs out).
    /// </summary>
    private async Task WatchSagasAsync(CancellationToken stop, CancellationToken abort)
    {
        DateTime? giveUpAt = null;
        while (true)
        {
            try
            {
                if (stop.IsCancellationRequested)
                {
                    giveUpAt ??= DateTime.UtcNow + SagaPatience;
                }

                var approving = 0;
                foreach (var donor in world.Donors)
                {
                    approving += (await ListReceivedAsync(donor, "approving", abort)).Count;
                    foreach (var id in await ListReceivedAsync(donor, "approved", abort))
                    {
                        if (_awaitingSaga.TryRemove(id, out var request))
                        {
                            await EndSomeAsync(donor, request, abort);
                        }
                    }
                }

                if (giveUpAt is not null && (approving == 0 || DateTime.UtcNow > giveUpAt))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), abort);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _driverErrors);
                Log.Warn($"saga watcher: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(2), abort);
            }
        }
    }

    /// <summary>Ids of the donor's requests in a status (all pages).</summary>
    private async Task<List<Guid>> ListReceivedAsync(User donor, string status, CancellationToken abort)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var path = $"api/requests?role=received&status={status}&limit=100" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await api.GetAsync(Request, path, "/api/requests", donor, abort, TimeSpan.FromSeconds(20));
            if (!page.Ok)
            {
                break;
            }

            ids.AddRange(page.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.Text("next_cursor");
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>Completes about a third of the approved requests and cancels a fifth; the rest stay approved.</summary>
    private async Task EndSomeAsync(User donor, RequestRecord request, CancellationToken abort)
    {
        var roll = Random.Shared.NextDouble();
        if (roll < 0.35)
        {
            var answer = await api.PostAsync(Request, $"api/requests/{request.Id}/complete", "/api/requests/{id}/complete", donor, null, null, abort);
            var done = answer.Ok || (answer.Status == 409 && answer.Uncertain && await RequestStatusAsync(donor, request.Id, abort) == "completed");
            ledger.Count("complete request", answer, done);
            if (done)
            {
                ledger.CompletedRequests.Add(request.Id);
            }
        }
        else if (roll < 0.55)
        {
            var recipient = world.Recipients.First(r => r.Id == request.RecipientId);
            var answer = await api.PostAsync(Request, $"api/requests/{request.Id}/cancel", "/api/requests/{id}/cancel", recipient, null, null, abort);
            var done = answer.Ok || (answer.Status == 409 && answer.Uncertain && await RequestStatusAsync(donor, request.Id, abort) == "cancelled");
            ledger.Count("cancel request", answer, done);
            if (done)
            {
                ledger.CancelledRequests.Add(request.Id);
            }
        }
    }

    private async Task<string?> RequestStatusAsync(User party, Guid requestId, CancellationToken abort) =>
        (await RequestAsync(party, requestId, abort))?.Text("status");

    private async Task<ApiResult?> RequestAsync(User party, Guid requestId, CancellationToken abort)
    {
        var answer = await api.GetAsync(Request, $"api/requests/{requestId}", "/api/requests/{id}", party, abort, TimeSpan.FromSeconds(20));
        return answer.Ok ? answer : null;
    }

    /// <summary>
    /// After an uncertain approval was refused on its retry: did the first attempt take? Only a
    /// request that went through approving can be approving, approved, completed or rejected by the
    /// saga. A request rejected because a sibling's approval won may never have been approved by us
    /// (a retry that arrives after the sibling's saga ended), so it does not count: not knowing is
    /// not claiming an event that may not exist.
    /// </summary>
    private static bool ApprovalTook(ApiResult? request) => request?.Text("status") switch
    {
        "approving" or "approved" or "completed" => true,
        "rejected" => request.Text("reason") != "another_request_was_approved",
        _ => false,
    };

    private async Task<string?> DonationStatusAsync(Guid donationId, CancellationToken abort)
    {
        var answer = await api.GetAsync(Donation, $"api/donations/{donationId}", "/api/donations/{id}", world.Admin, abort, TimeSpan.FromSeconds(20));
        return answer.Ok ? answer.Text("status") : null;
    }

    // ---- contributions ---------------------------------------------------------------------------------

    private async Task ContributeAsync(CancellationToken abort)
    {
        var open = world.Campaigns.Where(c => !world.Closed.ContainsKey(c.Id)).ToList();
        if (open.Count == 0)
        {
            await Task.Delay(500, abort);
            return;
        }

        var campaign = Pick(open);
        var contributor = Pick(world.People.Where(p => p.Id != campaign.OwnerId).ToList());
        var amount = Random.Shared.Next(100, 5001) / 100m;
        var key = "con-" + Guid.NewGuid().ToString("N");
        var answer = await CreateAsync(Campaign, $"api/campaigns/{campaign.Id}/contributions", "/api/campaigns/{id}/contributions", contributor,
            new { amount }, key, abort);
        ledger.Count("contribute", answer, answer.Status == 201);
        if (answer.Status == 201)
        {
            ledger.Contributions.Add(new ContributionRecord(answer.Id, campaign.Id, contributor.Id, answer.Number("amount") ?? amount, key, answer.Text("status")));
            if (answer.Text("campaign_status") == "completed")
            {
                world.Closed[campaign.Id] = true;
            }
        }
        else if (answer.Status == 409)
        {
            world.Closed[campaign.Id] = true; // completed meanwhile: a clean refusal
        }
        else
        {
            NoteUnknown("contribution", key, contributor, answer);
        }
    }

    // ---- messages and reads ----------------------------------------------------------------------------

    private async Task SendMessageAsync(CancellationToken abort)
    {
        var people = world.People.ToList();
        var sender = Pick(people);
        var receiver = Pick(people.Where(p => p.Id != sender.Id).ToList());
        var key = "msg-" + Guid.NewGuid().ToString("N");
        var answer = await CreateAsync(Messaging, "api/messages", "/api/messages", sender,
            new { receiver_id = receiver.Id, content = "Is the chair still there? " + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) }, key, abort);
        ledger.Count("send message", answer, answer.Status == 201);
        if (answer.Status == 201)
        {
            ledger.Messages.Add(new MessageRecord(answer.Id, sender.Id, receiver.Id, key));
        }
        else
        {
            NoteUnknown("message", key, sender, answer);
        }
    }

    private async Task ReadAsync(CancellationToken abort)
    {
        var user = Pick(world.People.ToList());
        var budget = TimeSpan.FromSeconds(20);
        var answer = Random.Shared.Next(5) switch
        {
            0 => await api.GetAsync(Donation, "api/donations?status=available&limit=20", "/api/donations", null, abort, budget),
            1 => await api.GetAsync(Campaign, $"api/campaigns/{Pick(world.Campaigns).Id}", "/api/campaigns/{id}", null, abort, budget),
            2 => await api.GetAsync(Messaging, "api/notifications?limit=20", "/api/notifications", user, abort, budget),
            3 => await api.GetAsync(Request, "api/requests?limit=20", "/api/requests", user, abort, budget),
            _ => await api.GetAsync(Messaging, "api/conversations", "/api/conversations", user, abort, budget),
        };
        ledger.Count(Ledger.ReadPrefix + "list or get", answer, answer.Ok);
    }

    /// <summary>One create in ten comes from an impatient client (see <see cref="Api.PostImpatientlyAsync"/>).</summary>
    private Task<ApiResult> CreateAsync(string service, string path, string route, User user, object body, string key, CancellationToken abort) =>
        Random.Shared.Next(10) == 0
            ? api.PostImpatientlyAsync(service, path, route, user, body, key, abort)
            : api.PostAsync(service, path, route, user, body, key, abort);

    private void NoteUnknown(string kind, string key, User user, ApiResult answer)
    {
        if (answer.Status is 0 or 503)
        {
            ledger.Unknown.Add(new UnknownCreate(kind, key, user.Id));
            Log.Warn($"create {kind} got no answer within the retry budget ({answer}); its outcome is settled by the reconciliation");
        }
        else if (answer.Status is not 409)
        {
            Log.Warn($"create {kind} refused: {answer}");
        }
    }

    private static T Pick<T>(IReadOnlyList<T> items) => items[Random.Shared.Next(items.Count)];

    private static TimeSpan Jitter(TimeSpan pause) => TimeSpan.FromMilliseconds(pause.TotalMilliseconds * (0.5 + Random.Shared.NextDouble()));
}

using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Platform.Contracts.Events;

namespace FaultInjection;

/// <summary>One line of the reconciliation: what was checked and what was found lost, doubled or stuck.</summary>
internal sealed class Check(string area, string name)
{
    private const int MaxDetails = 8;

    public string Area { get; } = area;

    public string Name { get; } = name;

    public int Checked { get; set; }

    public int Lost { get; private set; }

    public int Doubled { get; private set; }

    public int Stuck { get; private set; }

    public List<string> Details { get; } = [];

    public bool Passed => Lost == 0 && Doubled == 0 && Stuck == 0;

    public void AddLost(string detail) => Add(detail, () => Lost++);

    public void AddDoubled(string detail) => Add(detail, () => Doubled++);

    public void AddStuck(string detail, int count = 1) => Add(detail, () => Stuck += count);

    private void Add(string detail, Action count)
    {
        count();
        if (Details.Count < MaxDetails)
        {
            Details.Add(detail);
        }
    }
}

/// <summary>How the drain ended: how long it took and what was still moving when it gave up.</summary>
internal sealed record DrainResult(TimeSpan Took, bool Settled, string State);

/// <summary>
/// After the load: waits (bounded) until the platform is quiet, then compares what the client was
/// told with what the databases and the broker hold, across services.
/// </summary>
internal sealed class Reconciler(Settings settings, PlatformState state, Ledger ledger, IReadOnlyDictionary<string, long> marks, IReadOnlyDictionary<string, long?> parkedBefore)
{
    /// <summary>
    /// Waits until no outbox has unsent rows, no main queue holds messages, every event of this run is
    /// in its consumers' inboxes and no saga is half-way. (Retry queues are judged afterwards by what
    /// they hold: on a shared test stack they may keep other tests' failing messages for minutes.)
    /// </summary>
    public async Task<DrainResult> DrainAsync()
    {
        var clock = Stopwatch.StartNew();
        var quietRounds = 0;
        var description = string.Empty;
        var lastLog = TimeSpan.Zero;
        while (clock.Elapsed < settings.DrainTimeout)
        {
            try
            {
                var unsent = (await state.UnsentAsync()).Values.Sum();
                var queued = (await state.QueueDepthsAsync(MainQueues())).Values.Sum(v => v ?? 0);
                var events = await state.EventsSinceAsync(marks);
                var unhandled = 0;
                foreach (var consumer in ServiceCatalog.All)
                {
                    var ids = events.Where(e => consumer.Consumes.Contains(e.Type)).Select(e => e.EventId).ToList();
                    unhandled += ids.Count - (await state.HandledAsync(consumer, ids)).Count;
                }

                var approving = await ApprovingAsync();
                description = $"unsent outbox rows {unsent}, queued messages {queued}, events not yet handled {unhandled}, requests still approving {approving}";
                quietRounds = unsent + queued + unhandled + approving == 0 ? quietRounds + 1 : 0;
                if (quietRounds >= 2)
                {
                    Log.Info($"drained in {clock.Elapsed.TotalSeconds:0.0} s: {description}");
                    return new DrainResult(clock.Elapsed, true, description);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
            {
                description = "platform not reachable: " + ex.Message;
            }

            if (clock.Elapsed - lastLog > TimeSpan.FromSeconds(5))
            {
                Log.Info($"draining: {description}");
                lastLog = clock.Elapsed;
            }

            await Task.Delay(1000);
        }

        Log.Warn($"not drained after {settings.DrainTimeout.TotalSeconds:0} s: {description}");
        return new DrainResult(clock.Elapsed, false, description);
    }

    public async Task<List<Check>> ReconcileAsync()
    {
        var events = await state.EventsSinceAsync(marks);
        var checks = new List<Check>();
        checks.AddRange(await DonationsAsync(events));
        checks.AddRange(await RequestsAsync(events));
        checks.AddRange(await ContributionsAsync(events));
        checks.AddRange(await MessagesAsync());
        checks.AddRange(await EventsAsync(events));
        checks.Add(await NotificationsAsync(events));
        checks.AddRange(await LeftoversAsync());
        return checks;
    }

    // ---- accepted writes: exactly once, by the ids the API returned and by Idempotency-Key -----------

    /// <summary>
    /// Every id the client was given exists; every row of this run's users traces back to exactly one
    /// stored Idempotency-Key response (so no retry made a second row); creates left without an answer
    /// are settled by whether their key was stored.
    /// </summary>
    private async Task<Check> CreatesAsync(string area, string what, ServiceInfo service, string keyPrefix,
        IReadOnlyCollection<(Guid User, string Key, Guid Id)> accepted, IReadOnlyCollection<Guid> rows, string unknownKind,
        Dictionary<(Guid, string), Guid>? keyedByRows = null)
    {
        var check = new Check(area, $"{what}: accepted once");
        var keyed = keyedByRows ?? await KeyedIdsAsync(service, keyPrefix);
        var rowSet = rows.ToHashSet();
        check.Checked = accepted.Count;
        foreach (var (user, key, id) in accepted)
        {
            if (!rowSet.Contains(id))
            {
                check.AddLost($"{what} {id} was accepted (201) but is not in {service.Schema}");
            }

            // A retry's answer must be the first answer: the key stores the id the client was given.
            if (!keyed.TryGetValue((user, key), out var stored) || stored != id)
            {
                check.AddDoubled($"{what} {id}: its Idempotency-Key {key} stores {(stored == default ? "no answer" : "the answer " + stored)}");
            }
        }

        var keyedIds = keyed.Values.ToHashSet();
        foreach (var id in rows.Where(id => !keyedIds.Contains(id)))
        {
            check.AddDoubled($"{what} {id} exists but no Idempotency-Key response names it (a second effect of a retried create?)");
        }

        foreach (var dup in keyed.GroupBy(k => k.Value).Where(g => g.Count() > 1))
        {
            check.AddDoubled($"{what} {dup.Key} is the answer of {dup.Count()} different keys");
        }

        var unknown = ledger.Unknown.Where(u => u.Kind == unknownKind).ToList();
        var applied = unknown.Count(u => keyed.ContainsKey((u.UserId, u.Key)));
        if (unknown.Count > 0)
        {
            Log.Info($"{what}: {unknown.Count} creates never got an answer; {applied} of them took effect (their key is stored), {unknown.Count - applied} did not");
        }

        return check;
    }

    /// <summary>(user, key) → the id in the stored 2xx response, for this run's users and keys with the prefix.</summary>
    private async Task<Dictionary<(Guid, string), Guid>> KeyedIdsAsync(ServiceInfo service, string keyPrefix)
    {
        await using var connection = await state.Db(service).OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid UserId, string Key, string Body)>(
            $"select user_id, key, response_body from {service.Schema}.idempotency_keys where user_id = any(@users) and key like @prefix and status_code between 200 and 299",
            new { users = UserIds(), prefix = keyPrefix + "%" });
        var keyed = new Dictionary<(Guid, string), Guid>();
        foreach (var row in rows)
        {
            using var body = JsonDocument.Parse(row.Body);
            keyed[(row.UserId, row.Key)] = body.RootElement.GetProperty("id").GetGuid();
        }

        return keyed;
    }

    private async Task<List<Check>> DonationsAsync(List<OutboxEvent> events)
    {
        await using var connection = await state.Db(Database.Main).OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid Id, string Status)>(
            "select id, status from donation.donations where donor_id = any(@users)", new { users = UserIds() })).ToDictionary(r => r.Id, r => r.Status);
        var creates = await CreatesAsync("donations", "donation", ServiceCatalog.Donation, "don-", ledger.Donations.Select(d => (d.DonorId, d.Key, d.Id)).ToList(), rows.Keys, "donation");

        // The admin's approval, retried through outages, takes effect once: one donation.reviewed per donation.
        var reviews = new Check("donations", "review: applied once (donation.reviewed per donation)");
        var reviewEvents = Count(events, ServiceCatalog.Name<DonationReviewed>(), e => IdAt(e.Data, "donation", "donation_id"));
        foreach (var id in ledger.ReviewedDonations)
        {
            reviews.Checked++;
            var n = reviewEvents.GetValueOrDefault(id);
            if (rows.GetValueOrDefault(id) is null or "pending" || n == 0)
            {
                reviews.AddLost($"donation {id}: the approval was acknowledged but status is {rows.GetValueOrDefault(id) ?? "missing"}, {n} review events");
            }
        }

        foreach (var (id, n) in reviewEvents.Where(r => r.Value > 1 && rows.ContainsKey(r.Key)))
        {
            reviews.AddDoubled($"donation {id}: {n} donation.reviewed events");
        }

        return [creates, reviews];
    }

    private async Task<List<Check>> RequestsAsync(List<OutboxEvent> events)
    {
        await using var connection = await state.Db(Database.Main).OpenConnectionAsync();
        var requests = (await connection.QueryAsync<(Guid Id, Guid DonationId, string Status)>(
            "select id, donation_id, status from request.requests where recipient_id = any(@users)", new { users = UserIds() })).ToList();
        var donations = (await connection.QueryAsync<(Guid Id, string Status, Guid? ClaimedRequestId)>(
            "select id, status, claimed_request_id from donation.donations where donor_id = any(@users)", new { users = UserIds() }))
            .ToDictionary(d => d.Id);
        var creates = await CreatesAsync("requests", "request", ServiceCatalog.Request, "req-", ledger.Requests.Select(r => (r.RecipientId, r.Key, r.Id)).ToList(), requests.Select(r => r.Id).ToList(), "request");
        var byId = requests.ToDictionary(r => r.Id);

        var approvals = new Check("requests", "approve: applied once (request.approved per request)");
        var approvedEvents = Count(events, ServiceCatalog.Name<RequestApproved>(), e => IdAt(e.Data, "request", "request_id"));
        foreach (var id in ledger.ApprovedRequests)
        {
            approvals.Checked++;
            if (approvedEvents.GetValueOrDefault(id) == 0)
            {
                approvals.AddLost($"request {id}: approval acknowledged but no request.approved event");
            }
        }

        foreach (var (id, n) in approvedEvents.Where(a => a.Value > 1 && byId.ContainsKey(a.Key)))
        {
            approvals.AddDoubled($"request {id}: {n} request.approved events");
        }

        // The claim saga: every approved request holds its donation, no donation is held twice, nothing hangs half-way.
        var saga = new Check("requests", "claim saga: approved ⇔ donation claimed by it");
        foreach (var request in requests)
        {
            saga.Checked++;
            donations.TryGetValue(request.DonationId, out var donation);
            switch (request.Status)
            {
                case "approving":
                    saga.AddStuck($"request {request.Id} is still approving (the saga never finished)");
                    break;
                case "approved" or "completed":
                    var expected = request.Status == "approved" ? "claimed" : "completed";
                    if (donation.ClaimedRequestId != request.Id || donation.Status != expected)
                    {
                        saga.AddLost($"request {request.Id} is {request.Status} but donation {request.DonationId} is {donation.Status ?? "missing"} held by {donation.ClaimedRequestId?.ToString() ?? "nobody"}");
                    }

                    break;
            }
        }

        foreach (var group in requests.Where(r => r.Status is "approved" or "completed").GroupBy(r => r.DonationId).Where(g => g.Count() > 1))
        {
            saga.AddDoubled($"donation {group.Key} has {group.Count()} approved/completed requests: {string.Join(", ", group.Select(r => r.Id))}");
        }

        foreach (var donation in donations.Values.Where(d => d.Status is "claimed" or "completed"))
        {
            var holder = donation.ClaimedRequestId is { } held && byId.TryGetValue(held, out var r) ? r.Status : "missing";
            var expected = donation.Status == "claimed" ? "approved" : "completed";
            if (holder != expected)
            {
                saga.AddLost($"donation {donation.Id} is {donation.Status} for request {donation.ClaimedRequestId} whose status is {holder} (a release or completion was lost)");
            }
        }

        var claimedEvents = Count(events, ServiceCatalog.Name<DonationClaimed>(), e => IdAt(e.Data, "request_id"));
        foreach (var (id, n) in claimedEvents.Where(c => c.Value > 1 && byId.ContainsKey(c.Key)))
        {
            saga.AddDoubled($"request {id}: donation claimed {n} times");
        }

        var endings = new Check("requests", "complete / cancel: applied");
        foreach (var (ids, status) in new[] { (ledger.CompletedRequests, "completed"), (ledger.CancelledRequests, "cancelled") })
        {
            foreach (var id in ids)
            {
                endings.Checked++;
                if (!byId.TryGetValue(id, out var request) || request.Status != status)
                {
                    endings.AddLost($"request {id}: {status} was acknowledged but it is {(byId.TryGetValue(id, out var r) ? r.Status : "missing")}");
                }
            }
        }

        return [creates, approvals, saga, endings];
    }

    private async Task<List<Check>> ContributionsAsync(List<OutboxEvent> events)
    {
        var campaignIds = ledger.Campaigns.Select(c => c.Id).ToArray();
        await using var connection = await state.Db(Database.Campaign).OpenConnectionAsync();
        var campaigns = (await connection.QueryAsync<(Guid Id, decimal Collected, int Contributors, decimal Goal, string Status)>(
            "select id, collected_amount, contributor_count, goal_amount, status from campaign.campaigns where id = any(@campaignIds)", new { campaignIds })).ToList();
        // Every contribution of the run (any status); contributions key their own Idempotency-Key (the
        // provider's session is keyed by it too), so the key → id map is read from their rows.
        var all = (await connection.QueryAsync<(Guid Id, Guid CampaignId, Guid ContributorId, decimal Amount, string Status, string? Reason, string? Key)>(
            """
            select id, campaign_id, contributor_id, amount, status, status_reason, idempotency_key from campaign.contributions
             where campaign_id = any(@campaignIds)
            """,
            new { campaignIds })).ToList();
        var keyed = all.Where(r => r.Key is not null && r.Key.StartsWith("con-", StringComparison.Ordinal))
            .ToDictionary(r => (r.ContributorId, r.Key!), r => r.Id);
        var creates = await CreatesAsync("contributions", "contribution", ServiceCatalog.Campaign, "con-",
            ledger.Contributions.Select(c => (c.ContributorId, c.Key, c.Id)).ToList(), all.Select(r => r.Id).ToList(), "contribution", keyed);

        // The contributions whose money counted: confirmed (or refunded since), not a payment that came after the campaign stopped taking money.
        var rows = all.Where(r => r.Status is "confirmed" or "refund_pending" or "refunded" && r.Reason != "campaign_not_active").ToList();

        var totals = new Check("contributions", "collected_amount = sum of contributions");
        var contributed = Count(events, ServiceCatalog.Name<CampaignContributed>(), e => IdAt(e.Data, "contribution_id"));
        var completed = Count(events, ServiceCatalog.Name<CampaignCompleted>(), e => IdAt(e.Data, "campaign", "campaign_id"));
        foreach (var campaign in campaigns)
        {
            totals.Checked++;
            var mine = rows.Where(r => r.CampaignId == campaign.Id).ToList();
            var sum = mine.Sum(r => r.Amount);
            var told = ledger.Contributions.Where(c => c.CampaignId == campaign.Id && c.Status == "confirmed").Sum(c => c.Amount);
            if (campaign.Collected < sum)
            {
                totals.AddLost($"campaign {campaign.Id}: collected_amount {campaign.Collected} < sum of its contributions {sum}");
            }
            else if (campaign.Collected > sum)
            {
                totals.AddDoubled($"campaign {campaign.Id}: collected_amount {campaign.Collected} > sum of its contributions {sum}");
            }

            if (told > campaign.Collected)
            {
                totals.AddLost($"campaign {campaign.Id}: the client was told of {told} in accepted contributions, collected_amount is {campaign.Collected}");
            }

            var distinct = mine.Select(r => r.ContributorId).Distinct().Count();
            if (campaign.Contributors != distinct)
            {
                (campaign.Contributors < distinct ? (Action<string>)totals.AddLost : totals.AddDoubled)(
                    $"campaign {campaign.Id}: contributor_count {campaign.Contributors}, distinct contributors {distinct}");
            }

            var completions = completed.GetValueOrDefault(campaign.Id);
            if (campaign.Status == "completed" ? completions != 1 : completions != 0)
            {
                (completions > 1 ? (Action<string>)totals.AddDoubled : totals.AddLost)(
                    $"campaign {campaign.Id} is {campaign.Status} (collected {campaign.Collected} of {campaign.Goal}) with {completions} campaign.completed events");
            }

            foreach (var row in mine.Where(r => contributed.GetValueOrDefault(r.Id) != 1))
            {
                (contributed.GetValueOrDefault(row.Id) > 1 ? (Action<string>)totals.AddDoubled : totals.AddLost)(
                    $"contribution {row.Id}: {contributed.GetValueOrDefault(row.Id)} campaign.contributed events");
            }
        }

        return [creates, totals];
    }

    private async Task<List<Check>> MessagesAsync()
    {
        await using var connection = await state.Db(Database.Main).OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid Id, Guid ReceiverId)>(
            "select id, receiver_id from messaging.messages where sender_id = any(@users)", new { users = UserIds() })).ToList();
        var creates = await CreatesAsync("messages", "message", ServiceCatalog.Messaging, "msg-", ledger.Messages.Select(m => (m.SenderId, m.Key, m.Id)).ToList(), rows.Select(r => r.Id).ToList(), "message");

        var notified = new Check("messages", "one notification per message");
        var counts = (await connection.QueryAsync<(string Source, Guid UserId, long N)>(
            "select source_event_id, user_id, count(*) from messaging.notifications where source_event_id = any(@ids) group by 1, 2",
            new { ids = rows.Select(r => r.Id.ToString()).ToArray() })).ToList();
        foreach (var message in rows)
        {
            notified.Checked++;
            var mine = counts.Where(c => c.Source == message.Id.ToString()).ToList();
            if (!mine.Any(c => c.UserId == message.ReceiverId))
            {
                notified.AddLost($"message {message.Id}: its receiver has no notification");
            }

            if (mine.Sum(c => c.N) > 1)
            {
                notified.AddDoubled($"message {message.Id}: {mine.Sum(c => c.N)} notifications");
            }
        }

        return [creates, notified];
    }

    // ---- events: every one handled by every consumer that binds it -----------------------------------

    private async Task<List<Check>> EventsAsync(List<OutboxEvent> events)
    {
        var checks = new List<Check>();
        foreach (var consumer in ServiceCatalog.All)
        {
            var check = new Check("events", $"{consumer.Queue}: each bound event in its inbox");
            var bound = events.Where(e => consumer.Consumes.Contains(e.Type)).ToList();
            var handled = await state.HandledAsync(consumer, bound.Select(e => e.EventId).ToList());
            check.Checked = bound.Count;
            foreach (var missing in bound.Where(e => !handled.Contains(e.EventId)))
            {
                check.AddLost($"{missing.Type} {missing.EventId} (from {missing.Producer.Queue}, {(missing.Sent ? "sent" : "never sent")}) not handled by {consumer.Queue}");
            }

            checks.Add(check);
        }

        return checks;
    }

    /// <summary>Each event messaging-service notifies about produced its notices: one per recipient, none twice.</summary>
    private async Task<Check> NotificationsAsync(List<OutboxEvent> events)
    {
        var check = new Check("events", "notifications: one per (event, recipient)");
        var notifying = events.Where(e => ServiceCatalog.Messaging.Consumes.Contains(e.Type) && ExpectedNotices(e) is not null).ToList();
        await using var connection = await state.Db(Database.Main).OpenConnectionAsync();
        var counts = (await connection.QueryAsync<(string Source, Guid UserId, long N)>(
            "select source_event_id, user_id, count(*) from messaging.notifications where source_event_id = any(@ids) group by 1, 2",
            new { ids = notifying.Select(e => e.EventId).ToArray() })).ToLookup(c => c.Source);
        foreach (var e in notifying)
        {
            check.Checked++;
            var expected = ExpectedNotices(e)!.Value;
            var got = counts[e.EventId].ToList();
            foreach (var dup in got.Where(g => g.N > 1))
            {
                check.AddDoubled($"{e.Type} {e.EventId}: user {dup.UserId} notified {dup.N} times");
            }

            if (got.Count < expected)
            {
                check.AddLost($"{e.Type} {e.EventId}: {got.Count} users notified, {expected} expected");
            }
            else if (got.Count > expected)
            {
                check.AddDoubled($"{e.Type} {e.EventId}: {got.Count} users notified, {expected} expected");
            }
        }

        return check;
    }

    /// <summary>How many users an event notifies (see MessagingService Notices); null when it depends on state (blocks).</summary>
    private static int? ExpectedNotices(OutboxEvent e)
    {
        var name = ServiceCatalog.Name<RequestCancelled>();
        if (e.Type == ServiceCatalog.Name<ProfileBlocked>() || e.Type == ServiceCatalog.Name<ProfileUnblocked>())
        {
            return null;
        }

        if (e.Type == name)
        {
            return e.Data.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                && reason.GetString() == "claim_arrived_after_request_ended" ? 0 : 1;
        }

        if (e.Type == ServiceCatalog.Name<DonationReleased>() || e.Type == ServiceCatalog.Name<DonationCompleted>())
        {
            return IdAt(e.Data, "donor_id") == IdAt(e.Data, "recipient_id") ? 1 : 2;
        }

        if (e.Type == ServiceCatalog.Name<CampaignCompleted>())
        {
            var owner = IdAt(e.Data, "campaign", "recipient_id");
            return 1 + e.Data.GetProperty("contributor_ids").EnumerateArray().Select(c => c.GetGuid()).Where(c => c != owner).Distinct().Count();
        }

        return 1;
    }

    // ---- nothing left behind -------------------------------------------------------------------------

    private async Task<List<Check>> LeftoversAsync()
    {
        var unsent = new Check("left behind", "outboxes: no unsent rows");
        foreach (var (service, n) in await state.UnsentAsync())
        {
            unsent.Checked++;
            if (n > 0)
            {
                unsent.AddStuck($"{service}: {n} outbox rows never sent", (int)n);
            }
        }

        var ours = (await state.EventsSinceAsync(marks)).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var queues = new Check("left behind", "queues: main empty, no event of this run in retry");
        foreach (var (queue, n) in await state.QueueDepthsAsync(MainQueues()))
        {
            queues.Checked++;
            if (n > 0)
            {
                queues.AddStuck($"{queue}: {n} messages waiting with its consumer up", (int)n);
            }
        }

        foreach (var (queue, n) in await state.QueueDepthsAsync(RetryQueues()))
        {
            queues.Checked++;
            if (n is null or 0)
            {
                continue;
            }

            var waiting = await state.PeekAsync(queue, (int)Math.Min(n.Value, 5000));
            foreach (var message in waiting.Where(m => m.MessageId is not null && ours.Contains(m.MessageId)))
            {
                queues.AddStuck($"{queue}: {message.Type} {message.MessageId} waits for another attempt: {message.Reason}");
            }

            var foreign = waiting.Count(m => m.MessageId is null || !ours.Contains(m.MessageId));
            if (foreign > 0)
            {
                Log.Warn($"{queue} holds {foreign} messages that are not events of this run");
            }
        }

        // Parked messages of this run's events fail the check; ones parked before it (other tests on the stack) are only reported.
        var parking = new Check("left behind", "parking queues: nothing of this run parked");
        foreach (var (queue, n) in await state.QueueDepthsAsync(ParkingQueues()))
        {
            parking.Checked++;
            if (n is null)
            {
                parking.AddStuck($"{queue} does not exist");
                continue;
            }

            if (n == 0)
            {
                continue;
            }

            var parked = await state.PeekAsync(queue, (int)Math.Min(n.Value, 5000));
            foreach (var message in parked.Where(m => m.MessageId is not null && ours.Contains(m.MessageId)))
            {
                parking.AddStuck($"{queue}: {message.Type} {message.MessageId} parked: {message.Reason}");
            }

            var before = parkedBefore.GetValueOrDefault(queue) ?? 0;
            var foreign = parked.Count(m => m.MessageId is null || !ours.Contains(m.MessageId));
            if (foreign > 0)
            {
                Log.Warn($"{queue} holds {foreign} parked messages that are not events of this run ({before} were there when it began)");
            }
        }

        return [unsent, queues, parking];
    }

    private async Task<int> ApprovingAsync()
    {
        await using var connection = await state.Db(Database.Main).OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "select count(*) from request.requests where recipient_id = any(@users) and status = 'approving'", new { users = UserIds() });
    }

    private static IEnumerable<string> MainQueues() => ServiceCatalog.All.Select(s => s.Queue);

    private IEnumerable<string> RetryQueues() => ServiceCatalog.All.SelectMany(s => settings.RetryDelaysMs.Select(s.RetryQueue));

    public static IEnumerable<string> ParkingQueues() => ServiceCatalog.All.Select(s => s.ParkingQueue);

    private Guid[] UserIds() => ledger.Users.Select(u => u.Id).ToArray();

    private static Dictionary<Guid, int> Count(List<OutboxEvent> events, string type, Func<OutboxEvent, Guid> key) =>
        events.Where(e => e.Type == type).GroupBy(key).ToDictionary(g => g.Key, g => g.Count());

    private static Guid IdAt(JsonElement data, params string[] path)
    {
        var node = data;
        foreach (var step in path)
        {
            node = node.GetProperty(step);
        }

        return node.GetGuid();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Issue 7, item 5: concurrency exactness in one place. Money added at once adds up to the cent;
/// of many approvals of one item exactly one claims it; retries with one Idempotency-Key make one
/// row; an event delivered many times has its effect once. Each test prints its figures and
/// appends them as one line to <c>reports/concurrency.txt</c>.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConcurrencyExactnessTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int Contributions = 300;
    private const int Contributors = 30;
    private const int Claimants = 10;
    private const int Retries = 50;
    private const int Duplicates = 20;

    private static readonly string ReportFile = Path.Combine(PlatformFixture.ReportDirectory, "concurrency.txt");

    [Fact]
    public async Task Concurrent_contributions_add_up_to_the_exact_sum_of_the_accepted_ones()
    {
        var p = platform;
        var owner = await p.NewVerifiedRecipientAsync();
        var campaign = await p.ActiveCampaignAsync(owner, 10_000_000m);
        var seed = Environment.GetEnvironmentVariable("CONCURRENCY_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        var amounts = Enumerable.Range(0, Contributions).Select(_ => random.Next(100, 100_000) / 100m).ToArray();
        // Contributors need no profile of their own in campaign-service: a token for a fresh id is a signed-in user.
        var contributors = Enumerable.Range(0, Contributors).Select(_ => p.Tokens.User(Guid.NewGuid())).ToArray();

        var clock = Stopwatch.StartNew();
        var replies = await Task.WhenAll(amounts.Select((amount, i) => p.SendAsync(
            Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaign}/contributions", contributors[i % Contributors], new { amount },
            new Dictionary<string, string> { ["Idempotency-Key"] = "exact-" + Guid.NewGuid().ToString("N") })));
        clock.Stop();

        var accepted = replies.Where(r => r.Status == 201).ToList();
        var expected = accepted.Sum(r => r.Json.GetProperty("amount").GetDecimal());
        var sent = amounts.Sum();
        var expectedContributors = amounts.Select((_, i) => i % Contributors).Where(i => replies[i].Status == 201).Distinct().Count();
        var state = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{campaign}", owner.Token), 200).Json;
        var collected = state.GetProperty("collected_amount").GetDecimal();
        var contributorCount = state.GetProperty("contributor_count").GetInt32();
        var rows = await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb, "select count(*) from campaign.contributions where campaign_id = @campaign", new { campaign });

        await ReportAsync(
            "contributions",
            $"seed {seed}; requests {Contributions} from {Contributors} contributors; accepted {accepted.Count} ({Statuses(replies)}); rows {rows}; " +
            $"sum sent {sent:0.00}, expected {expected:0.00}, collected {collected:0.00}; contributors expected {expectedContributors}, counted {contributorCount}; " +
            $"elapsed {clock.ElapsedMilliseconds} ms");

        Assert.True(accepted.Count == Contributions, p.Describe($"only {accepted.Count} of {Contributions} accepted: {replies.FirstOrDefault(r => r.Status != 201)}", Service.Campaign));
        Assert.Equal(expected, sent);
        Assert.Equal(expected, collected);
        Assert.Equal(expectedContributors, contributorCount);
        Assert.Equal(accepted.Count, rows);
    }

    [Fact]
    public async Task Of_ten_requests_approved_at_once_exactly_one_claims_the_donation()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var donation = await p.AvailableDonationAsync(donor);
        var recipients = await Task.WhenAll(Enumerable.Range(0, Claimants).Select(_ => p.NewRecipientAsync()));
        var requests = await Task.WhenAll(recipients.Select(r => p.RequestAsync(r, donation)));

        var clock = Stopwatch.StartNew();
        using var start = new Barrier(Claimants);
        var replies = await Task.WhenAll(requests.Select(id => Task.Run(async () =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            return await p.SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{id}/approve", donor.Token);
        })));

        Dictionary<string, int> counts = [];
        var settled = await PlatformFixture.PollAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
            counts = (await connection.QueryAsync<(string Status, int Count)>(
                    "select status, count(*)::int from request.requests where id = any(@requests) group by status", new { requests }))
                .ToDictionary(r => r.Status, r => r.Count);
            return counts.GetValueOrDefault("approved") == 1 && counts.GetValueOrDefault("rejected") == Claimants - 1;
        });
        clock.Stop();

        var approved = await PlatformFixture.ScalarAsync<Guid?>(TestEnvironment.MainDb, "select id from request.requests where id = any(@requests) and status = 'approved' limit 1", new { requests });
        var claim = await ReadClaimAsync(donation);
        var states = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        await ReportAsync(
            "claims",
            $"requests {Claimants}, approved at once ({Statuses(replies)}); after the saga: {states}; " +
            $"donation {claim.Status}, claimed_request_id {(claim.ClaimedRequestId == approved && approved is not null ? "= the approved request" : claim.ClaimedRequestId?.ToString() ?? "null")}; " +
            $"settled in {clock.ElapsedMilliseconds} ms");

        Assert.True(replies.All(r => r.Status is 202 or 409 && (r.Status == 202 || r.IsProblem)), p.Describe($"an approval got an undesigned answer: {string.Join("; ", replies.Where(r => r.Status is not (202 or 409)))}", Service.Request));
        Assert.True(settled, p.Describe($"not exactly one approved and {Claimants - 1} rejected within {PlatformFixture.Eventually.TotalSeconds} s: {states}"));
        Assert.Equal("claimed", claim.Status);
        Assert.Equal(approved, claim.ClaimedRequestId);
        Assert.Equal(recipients[Array.IndexOf(requests, approved!.Value)].Id, claim.ClaimedBy);
    }

    [Fact]
    public async Task Fifty_retries_with_one_idempotency_key_make_one_donation()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var body = PlatformFixture.DonationBody("Retried " + Guid.NewGuid().ToString("N")[..8]);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-" + Guid.NewGuid().ToString("N") };

        var clock = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, Retries).Select(_ => p.SendAsync(Service.Donation, HttpMethod.Post, "api/donations", donor.Token, body, key)));
        clock.Stop();

        var ids = replies.Where(r => r.Status == 201).Select(r => r.Id).Distinct().ToList();
        var replayed = replies.Count(r => r.Headers.ContainsKey("Idempotent-Replayed"));
        var rows = await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from donation.donations where donor_id = @donor", new { donor = donor.Id });
        await ReportAsync(
            "idempotent retries",
            $"POST /api/donations × {Retries}, one Idempotency-Key ({Statuses(replies)}); replayed {replayed}; distinct ids {ids.Count}; rows of the donor {rows}; " +
            $"elapsed {clock.ElapsedMilliseconds} ms");

        Assert.True(replies.All(r => r.Status == 201), p.Describe($"not all 201: {replies.FirstOrDefault(r => r.Status != 201)}", Service.Donation));
        Assert.Single(ids);
        Assert.Equal(1, rows);
        Assert.Equal(Retries - 1, replayed);
    }

    /// <summary>
    /// A real rating.submitted envelope from request-service's outbox, already handled once, is
    /// published again <see cref="Duplicates"/> times to <c>platform.events</c> (so every bound
    /// queue, including this run's own per-service copies, gets each one). A second, fresh rating
    /// of the same donor follows the duplicates through the same queues: once it has counted, the
    /// duplicates before it were delivered too — and the donor's rating_count must be exactly 2.
    /// </summary>
    [Fact]
    public async Task An_event_delivered_twenty_more_times_has_its_effect_once()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var recipient = await p.NewRecipientAsync();
        var approved = await Task.WhenAll(p.CompletedRequestAsync(donor, recipient), p.CompletedRequestAsync(donor, recipient));

        var rating = p.Expect(await p.SendAsync(Service.Request, HttpMethod.Post, "api/ratings", recipient.Token, new { request_id = approved[0], rating = 4 }), 201).Id;
        (Guid EventId, string Envelope, DateTime? SentAt) outboxRow = default;
        var handled = await PlatformFixture.PollAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
            outboxRow = await connection.QuerySingleOrDefaultAsync<(Guid, string, DateTime?)>(
                "select event_id, envelope, sent_at from request.outbox where event_type = 'rating.submitted' and envelope like @pattern",
                new { pattern = $"%{rating:D}%" });
            return outboxRow.SentAt is not null && await RatingCountAsync(donor.Id) == 1
                && await InboxRowsAsync(outboxRow.EventId) is { Donation: 1 };
        });
        Assert.True(handled, p.Describe($"rating.submitted of rating {rating} was not sent and counted once within {PlatformFixture.Eventually.TotalSeconds} s (outbox row {outboxRow.EventId}, sent {outboxRow.SentAt})"));
        var before = await InboxRowsAsync(outboxRow.EventId);

        var clock = Stopwatch.StartNew();
        // As request-service's relay sent it (its own broker user, app-id and source), so the consumer's publisher check lets them through to the inbox.
        await using (var publisher = new ServiceEventPublisher())
        {
            var envelope = CloudEvent.Parse(Encoding.UTF8.GetBytes(outboxRow.Envelope!));
            for (var i = 0; i < Duplicates; i++)
            {
                await publisher.PublishEnvelopeAsync(envelope);
            }
        }

        // The sentinel: a fresh rating of the same donor behind the duplicates.
        p.Expect(await p.SendAsync(Service.Request, HttpMethod.Post, "api/ratings", recipient.Token, new { request_id = approved[1], rating = 2 }), 201);
        var counted = await PlatformFixture.PollAsync(async () => await RatingCountAsync(donor.Id) >= 2);
        await Task.Delay(500);
        clock.Stop();
        var count = await RatingCountAsync(donor.Id);
        var sum = await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select rating_sum from donation.profiles where id = @id", new { id = donor.Id });
        var after = await InboxRowsAsync(outboxRow.EventId);
        var parked = (await p.ParkedAsync()).Where(line => line.Contains(outboxRow.EventId.ToString(), StringComparison.Ordinal)).ToList();

        await ReportAsync(
            "duplicate deliveries",
            $"rating.submitted {outboxRow.EventId} published {Duplicates} more times to platform.events; inbox rows for it: donation {after.Donation} (before {before.Donation}), " +
            $"any other service's inbox at most {after.Others}; donor rating_count {count} (1 original + 1 sentinel expected 2), rating_sum {sum} (expected 6); parked {parked.Count}; " +
            $"elapsed {clock.ElapsedMilliseconds} ms");

        Assert.True(counted, p.Describe($"the sentinel rating was not counted within {PlatformFixture.Eventually.TotalSeconds} s", Service.Donation));
        Assert.Equal(1, after.Donation);
        Assert.True(after.Others <= 1, $"another service's inbox holds {after.Others} rows for {outboxRow.EventId}");
        Assert.Equal(2, count);
        Assert.Equal(6, sum);
        Assert.Empty(parked);
    }

    private static async Task<int> RatingCountAsync(Guid donor) =>
        await PlatformFixture.ScalarAsync<int>(TestEnvironment.MainDb, "select rating_count from donation.profiles where id = @donor", new { donor });

    /// <summary>Inbox rows of one message: donation-service's, and the most any other service's inbox holds.</summary>
    private static async Task<(long Donation, long Others)> InboxRowsAsync(Guid eventId)
    {
        var id = eventId.ToString();
        var donation = await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from donation.inbox where message_id = @id", new { id });
        var others = await PlatformFixture.ScalarAsync<long>(
            TestEnvironment.MainDb,
            "select greatest((select count(*) from request.inbox where message_id = @id), (select count(*) from messaging.inbox where message_id = @id))",
            new { id });
        others = Math.Max(others, await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb, "select count(*) from campaign.inbox where message_id = @id", new { id }));
        return (donation, others);
    }

    private static async Task<(string Status, Guid? ClaimedRequestId, Guid? ClaimedBy)> ReadClaimAsync(Guid donation)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        return await connection.QuerySingleAsync<(string, Guid?, Guid?)>(
            "select status, claimed_request_id, claimed_by from donation.donations where id = @donation", new { donation });
    }

    private static string Statuses(IEnumerable<Reply> replies) =>
        string.Join(" ", replies.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));

    private async Task ReportAsync(string name, string figures)
    {
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z  {name,-20}  {figures}";
        output.WriteLine(line);
        await File.AppendAllTextAsync(ReportFile, line + Environment.NewLine);
    }
}

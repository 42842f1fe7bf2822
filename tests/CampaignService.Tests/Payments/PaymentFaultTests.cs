using System.Net;
using CampaignService.Tests.Support;
using Dapper;
using Npgsql;
using Platform.Testing;
using Xunit.Abstractions;
using static CampaignService.Tests.Http.CampaignServiceFixture;
using static CampaignService.Tests.Payments.StripeFixture;

namespace CampaignService.Tests.Payments;

/// <summary>
/// The faults issue 19 names: the webhook twice at once, before the session call returned, during a
/// database outage; the service killed between the provider's word and the commit; refunds across
/// a crash. Each ends with the collected amount exact, nothing counted twice, nothing refunded twice.
/// </summary>
[Collection(StripeCollection.Name)]
public sealed class PaymentFaultTests(StripeFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task A_hundred_contributions_whose_webhooks_each_arrive_twice_in_random_order_count_exactly_once()
    {
        const int Count = 100;
        var (_, id) = await api.ActiveCampaignAsync(goal: 10_000_000m);
        var random = new Random(19);
        var amounts = Enumerable.Range(0, Count).Select(_ => random.Next(100, 50_001) / 100m).ToArray();
        var receipts = new List<System.Text.Json.JsonElement>();
        foreach (var amount in amounts)
        {
            receipts.Add((await api.PendingAsync(id, amount)).Receipt);
        }

        var deliveries = receipts.SelectMany(r => Enumerable.Repeat(api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(r))["id"]!), 2))
            .OrderBy(_ => random.Next()).ToList();
        var answers = await Task.WhenAll(deliveries.Select(async body => (await RetryingUnavailableAsync(() => api.DeliverAsync(body))).StatusCode));

        var collected = await CollectedAsync(id);
        var contributed = await CountOutboxAsync("campaign.contributed", id);
        output.WriteLine(
            $"{Count} contributions, {deliveries.Count} webhook deliveries at once: {answers.Count(a => a == HttpStatusCode.OK)} × 200, "
            + $"{answers.Count(a => a == HttpStatusCode.Conflict)} × 409; collected {collected} of {amounts.Sum()} sent; {contributed} campaign.contributed events");
        Assert.Equal((Count, Count), (answers.Count(a => a == HttpStatusCode.OK), answers.Count(a => a == HttpStatusCode.Conflict)));
        Assert.Equal(amounts.Sum(), collected);
        Assert.Equal(Count, contributed);
    }

    [Fact]
    public async Task The_same_webhook_delivered_ten_times_at_once_counts_once()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 15.25m);
        var body = api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => (await api.DeliverAsync(body)).StatusCode));

        Assert.Equal(1, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(9, answers.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(15.25m, await CollectedAsync(id));
        Assert.Equal(1L, await CountOutboxAsync("campaign.contributed", id));
    }

    [Fact]
    public async Task A_webhook_that_arrives_before_the_session_call_returned_confirms_and_the_call_then_answers_confirmed()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var donor = api.NewUser();
        var hold = new Hold();
        api.Stripe.HoldSessions = hold;
        Task<HttpResponseMessage> posting;
        string session;
        try
        {
            posting = api.ContributeAsync(id, donor.Token, 30m);
            session = await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            api.Stripe.HoldSessions = null;
        }

        var webhook = await api.ExpectAsync(await api.DeliverAsync(api.Stripe.Event(session)), 200);
        hold.Release.SetResult();
        var receipt = await api.ExpectAsync(await posting, 201);

        Assert.Equal(("confirmed", "confirmed"), (Text(webhook, "status"), Text(receipt, "status")));
        Assert.Null(Text(receipt, "checkout_url"));
        Assert.Equal(session, await ScalarAsync<string>("select checkout_session_id from campaign.contributions where id = @id", new { id = IdOf(receipt) }));
        Assert.Equal(30m, await CollectedAsync(id));
    }

    [Fact]
    public async Task A_webhook_during_a_database_outage_is_503_and_its_redelivery_counts_once()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 40m);
        var body = api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!);
        var database = new NpgsqlConnectionStringBuilder(TestEnvironment.Require("CampaignDbConnection"));
        await using var link = TcpRelay.Start(database.Port);
        database.Port = link.Port;
        var settings = api.Settings();
        settings["CampaignDbConnection"] = database.ConnectionString;
        await using var cutOff = await ServiceProcess.StartAsync("CampaignService", settings);

        link.Cut();
        using var during = await cutOff.Client.SendAsync(Signed(body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal(("pending", 0m), (await StatusOfAsync(IdOf(receipt)), await CollectedAsync(id)));

        link.Resume();
        await api.EventuallyAsync(async () =>
        {
            using var retried = await cutOff.Client.SendAsync(Signed(body));
            return retried.StatusCode == HttpStatusCode.OK;
        }, "the redelivery is taken once the database is back");
        using var late = await api.DeliverAsync(body);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(40m, await CollectedAsync(id));
        Assert.Equal(1L, await CountOutboxAsync("campaign.contributed", id));
    }

    [Fact]
    public async Task The_service_killed_between_the_providers_confirmation_and_the_commit_counts_the_redelivery_once()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 22.22m);
        var body = api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!);

        // The campaign's row lock, held here, stops the webhook's transaction right before its write.
        await using (var blocker = new NpgsqlConnection(TestEnvironment.CampaignDb))
        {
            await blocker.OpenAsync();
            await using var lockHolder = await blocker.BeginTransactionAsync();
            await blocker.ExecuteAsync("select 1 from campaign.campaigns where id = @id for update", new { id }, lockHolder);
            var blockerPid = await blocker.ExecuteScalarAsync<int>("select pg_backend_pid()", transaction: lockHolder);
            var delivery = api.DeliverAsync(body);
            await api.EventuallyAsync(
                async () => await ScalarAsync<long>(
                    "select count(*) from pg_stat_activity where pg_blocking_pids(pid) @> array[@blockerPid]", new { blockerPid }) > 0,
                "the webhook waits on the campaign's lock");
            await api.RestartAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () => (await delivery).EnsureSuccessStatusCode());
            await lockHolder.RollbackAsync();
        }

        Assert.Equal(("pending", 0m), (await StatusOfAsync(IdOf(receipt)), await CollectedAsync(id)));
        Assert.Equal("confirmed", Text(await api.ExpectAsync(await api.DeliverAsync(body), 200), "status"));
        Assert.Equal(HttpStatusCode.Conflict, (await api.DeliverAsync(body)).StatusCode);
        Assert.Equal(22.22m, await CollectedAsync(id));
        Assert.Equal(1L, await CountOutboxAsync("campaign.contributed", id));
    }

    [Fact]
    public async Task A_deleted_campaign_refunds_each_confirmed_contribution_once_even_when_killed_between_the_refund_and_the_commit()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 1000m);
        var (paid, _) = await api.PendingAsync(id, 50m);
        var (unpaid, _) = await api.PendingAsync(id, 60m);
        var session = (string)api.Stripe.SessionOf(IdOf(paid))["id"]!;
        await api.ExpectAsync(await api.DeliverAsync(api.Stripe.Event(session)), 200);
        var intent = (string)api.Stripe.Session(session)["payment_intent"]!;

        var hold = new Hold();
        api.Stripe.HoldRefunds = hold;
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{id}", api.AdminToken), 204);
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        api.Stripe.HoldRefunds = null;

        // Stripe refunded; the service dies before its commit, and the next instance finds it still queued.
        await api.RestartAsync();
        hold.Release.SetResult();
        await api.EventuallyAsync(async () => await StatusOfAsync(IdOf(paid)) == "refunded", "the refund is recorded after the restart");

        var refund = Assert.Single(api.Stripe.RefundsOf(intent));
        Assert.Equal(5000L, (long)refund["amount"]!);
        Assert.Equal("pending", await StatusOfAsync(IdOf(unpaid)));
        Assert.Equal(1L, await ScalarAsync<long>("select refund_attempts from campaign.contributions where id = @id", new { id = IdOf(paid) }));
        Assert.Equal(1L, await ScalarAsync<long>(
            "select count(*) from campaign.outbox where event_type = 'campaign.contribution_refunded' and envelope::jsonb #>> '{data,contribution_id}' = @id",
            new { id = IdOf(paid).ToString() }));
    }

    private static HttpRequestMessage Signed(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/payments/stripe/webhook")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", FakeStripe.Sign(body, DateTimeOffset.UtcNow));
        return request;
    }
}

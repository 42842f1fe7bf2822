using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CampaignService.Tests.Support;
using static CampaignService.Tests.Http.CampaignServiceFixture;
using static CampaignService.Tests.Payments.StripeFixture;

namespace CampaignService.Tests.Payments;

/// <summary>Contributions as Stripe Checkout payments: the create flow, the signed webhook, and what it must refuse.</summary>
[Collection(StripeCollection.Name)]
public sealed class StripePaymentTests(StripeFixture api)
{
    [Fact]
    public async Task A_contribution_is_pending_with_a_checkout_session_of_its_amount_and_counts_nothing_yet()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);

        var (receipt, donor) = await api.PendingAsync(id, 25.50m);

        Assert.Equal(("pending", "stripe", 2550L, "usd"), (Text(receipt, "status"), Text(receipt, "provider"), receipt.GetProperty("amount_minor").GetInt64(), Text(receipt, "currency")));
        var session = api.Stripe.SessionOf(IdOf(receipt));
        Assert.Equal(Text(receipt, "checkout_url"), (string?)session["url"]);
        Assert.Equal((2550L, "usd", "payment"), ((long)session["amount_total"]!, (string?)session["currency"], (string?)session["mode"]));
        Assert.Equal(donor.Id.ToString(), (string?)session["metadata"]!["contributor_id"]);
        Assert.Equal(0m, await CollectedAsync(id));
        Assert.Equal(0L, await CountOutboxAsync("campaign.contributed", id));
    }

    [Fact]
    public async Task A_campaign_in_a_currency_without_minor_unit_charges_whole_units_and_refuses_fractions_and_amounts_outside_its_bounds()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100_000m, currency: "jpy");
        var donor = api.NewUser();

        var fraction = await api.ContributeAsync(id, donor.Token, 500.5m);
        var tooSmall = await api.ContributeAsync(id, donor.Token, 99);
        var (receipt, _) = await api.PendingAsync(id, 500m);
        var session = api.Stripe.SessionOf(IdOf(receipt));
        await api.ExpectAsync(await api.DeliverAsync(api.Stripe.Event((string)session["id"]!)), 200);

        Assert.Equal("must be a whole number: JPY has no minor unit", (await ErrorsOf(fraction, "amount")).Single());
        Assert.Equal("must be between 100 and 1000000 JPY", (await ErrorsOf(tooSmall, "amount")).Single());
        Assert.Equal((500L, "jpy"), ((long)session["amount_total"]!, (string?)session["currency"]));
        Assert.Equal((500L, "jpy", 500m), (receipt.GetProperty("amount_minor").GetInt64(), Text(receipt, "currency"), receipt.GetProperty("amount").GetDecimal()));
        Assert.Equal(500m, await CollectedAsync(id));
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from campaign.contributions where campaign_id = @id", new { id }));
    }

    [Fact]
    public async Task The_completed_webhook_confirms_once_and_a_second_delivery_changes_nothing()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, donor) = await api.PendingAsync(id, 25.50m);
        var body = api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!);

        var first = await api.ExpectAsync(await api.DeliverAsync(body), 200);
        var again = await api.DeliverAsync(body);

        Assert.Equal("confirmed", Text(first, "status"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(25.50m, await CollectedAsync(id));
        Assert.Equal(1L, await CountOutboxAsync("campaign.contributed", id));
        var mine = await api.GetJsonAsync("api/me/contributions", donor.Token);
        var row = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(("confirmed", "pi_" + ((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!)[3..]), (Text(row, "status"), Text(row, "provider_reference")));
        var view = await api.GetJsonAsync($"api/contributions/{IdOf(receipt)}", donor.Token);
        Assert.Equal("confirmed", Text(view, "status"));
    }

    [Fact]
    public async Task Confirmations_that_reach_the_goal_complete_the_campaign_once_counting_confirmed_money_only()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 50m);
        var pending = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            pending.Add((await api.PendingAsync(id, 20m)).Receipt);
        }

        // Four pending contributions of 20 against a goal of 50: nothing counts until paid.
        Assert.Equal(("active", 0m), (Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status"), await CollectedAsync(id)));
        var answers = await Task.WhenAll(pending.Select(async p =>
            (await api.DeliverAsync(api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(p))["id"]!))).StatusCode));

        Assert.All(answers, s => Assert.Equal(HttpStatusCode.OK, s));
        var campaign = await api.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(("completed", 60m, 3), (Text(campaign, "status"), campaign.GetProperty("collected_amount").GetDecimal(), campaign.GetProperty("contributor_count").GetInt32()));
        Assert.Equal(1L, await CountOutboxAsync("campaign.completed", id));

        // The fourth payment arrived after completion: it does not count and goes back to the contributor.
        var statuses = await Task.WhenAll(pending.Select(p => StatusOfAsync(IdOf(p))));
        Assert.Equal(3, statuses.Count(s => s == "confirmed"));
        await api.EventuallyAsync(async () => (await Task.WhenAll(pending.Select(p => StatusOfAsync(IdOf(p))))).Count(s => s == "refunded") == 1, "the late payment is refunded");
    }

    [Theory]
    [InlineData("checkout.session.expired")]
    [InlineData("checkout.session.async_payment_failed")]
    public async Task An_expired_or_failed_checkout_cancels_the_contribution_and_a_late_payment_for_it_is_refused(string type)
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 10m);
        var session = (string)api.Stripe.SessionOf(IdOf(receipt))["id"]!;

        Assert.Equal("cancelled", Text(await api.ExpectAsync(await api.DeliverAsync(api.Stripe.Event(session, type)), 200), "status"));
        Assert.Equal(HttpStatusCode.Conflict, (await api.DeliverAsync(api.Stripe.Event(session))).StatusCode);
        Assert.Equal(0m, await CollectedAsync(id));
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_replayed_and_altered_webhooks_are_400_and_change_nothing()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 10m);
        var body = api.Stripe.Event((string)api.Stripe.SessionOf(IdOf(receipt))["id"]!);

        var unsigned = await api.DeliverAsync(body, signed: false);
        var wrongSecret = await api.DeliverAsync(body, signature: FakeStripe.Sign(body, DateTimeOffset.UtcNow, "whsec_someone_else"));
        var replayed = await api.DeliverAsync(body, at: DateTimeOffset.UtcNow.AddMinutes(-10));
        var altered = await api.DeliverAsync(body.Replace("\"amount_total\":1000", "\"amount_total\":100000", StringComparison.Ordinal), signature: FakeStripe.Sign(body, DateTimeOffset.UtcNow));
        var garbage = await api.DeliverAsync("""{"id":"evt_1","type":"checkout.session.completed"}""", signature: "t=1,v1=00");

        foreach (var response in new[] { unsigned, wrongSecret, replayed, altered, garbage })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(("pending", 0m), (await StatusOfAsync(IdOf(receipt)), await CollectedAsync(id)));
    }

    [Fact]
    public async Task A_webhook_whose_amount_or_currency_or_session_differs_is_422_and_one_for_an_unknown_contribution_404()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 10m);
        var session = (string)api.Stripe.SessionOf(IdOf(receipt))["id"]!;

        var amount = await api.DeliverAsync(api.Stripe.Event(session, change: s => s["amount_total"] = 999));
        var currency = await api.DeliverAsync(api.Stripe.Event(session, change: s => s["currency"] = "eur"));
        var otherSession = await api.DeliverAsync(api.Stripe.Event(session, change: s => s["id"] = "cs_test_forged"));
        var unknown = await api.DeliverAsync(api.Stripe.Event(session, change: s =>
        {
            s["client_reference_id"] = Guid.NewGuid().ToString();
            s["metadata"] = new JsonObject();
        }));

        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.NotFound),
            (amount.StatusCode, currency.StatusCode, otherSession.StatusCode, unknown.StatusCode));
        Assert.Equal(("pending", 0m), (await StatusOfAsync(IdOf(receipt)), await CollectedAsync(id)));
    }

    [Fact]
    public async Task Other_event_types_are_acknowledged_and_change_nothing()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var (receipt, _) = await api.PendingAsync(id, 10m);
        var session = (string)api.Stripe.SessionOf(IdOf(receipt))["id"]!;

        var unpaid = await api.ExpectAsync(await api.DeliverAsync(api.Stripe.Event(session, change: s => s["payment_status"] = "unpaid")), 200);

        Assert.Equal("ignored", Text(unpaid, "outcome"));
        Assert.Equal("pending", await StatusOfAsync(IdOf(receipt)));
    }

    [Fact]
    public async Task The_idempotency_key_also_keys_the_checkout_session()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var donor = api.NewUser();
        var key = "pay-" + Guid.NewGuid().ToString("N");
        var before = api.Stripe.SessionsCreated;

        var first = await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 12m, key), 201);
        using var retry = await api.ContributeAsync(id, donor.Token, 12m, key);
        using var otherBody = await api.ContributeAsync(id, donor.Token, 13m, key);

        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        var replayed = await api.ExpectAsync(retry, 201);
        Assert.Equal((IdOf(first), Text(first, "checkout_url")), (IdOf(replayed), Text(replayed, "checkout_url")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal(before + 1, api.Stripe.SessionsCreated);
    }

    [Fact]
    public async Task Stripe_down_when_opening_the_session_is_503_with_retry_after_and_nothing_half_created()
    {
        var (_, id) = await api.ActiveCampaignAsync(goal: 100m);
        var donor = api.NewUser();
        var key = "down-" + Guid.NewGuid().ToString("N");

        api.Stripe.Down = true;
        HttpResponseMessage down;
        try
        {
            down = await api.ContributeAsync(id, donor.Token, 12m, key);
        }
        finally
        {
            api.Stripe.Down = false;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from campaign.contributions where contributor_id = @id", new { id = donor.Id }));
        var retried = await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 12m, key), 201);
        Assert.Equal("pending", Text(retried, "status"));
    }

    [Fact]
    public async Task An_owner_cannot_contribute_to_their_own_campaign()
    {
        var (owner, id) = await api.ActiveCampaignAsync(goal: 100m);
        var before = api.Stripe.SessionsCreated;

        await api.ExpectAsync(await api.ContributeAsync(id, owner.Token, 10m), 403);

        Assert.Equal(before, api.Stripe.SessionsCreated);
    }

    private static async Task<string[]> ErrorsOf(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}

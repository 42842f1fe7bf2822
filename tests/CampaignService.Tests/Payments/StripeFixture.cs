using System.Text;
using System.Text.Json;
using CampaignService.Tests.Http;
using CampaignService.Tests.Support;
using Platform.Testing;

namespace CampaignService.Tests.Payments;

[CollectionDefinition(Name)]
public sealed class StripeCollection : ICollectionFixture<StripeFixture>
{
    public const string Name = "campaign-service with Stripe (local fake)";
}

/// <summary>
/// campaign-service with the Stripe provider, Stripe.net pointed at <see cref="FakeStripe"/> (no
/// retries inside Stripe.net, a quick refund sweep), against the run's database and broker.
/// </summary>
public sealed class StripeFixture : CampaignServiceFixture
{
    public FakeStripe Stripe { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        await base.InitializeAsync();
    }

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Payments__Provider"] = "stripe";
        settings["Payments__Stripe__SecretKey"] = FakeStripe.SecretKey;
        settings["Payments__Stripe__WebhookSecret"] = FakeStripe.WebhookSecret;
        settings["Payments__Stripe__ApiBase"] = Stripe.Url;
        settings["Payments__Stripe__MaxNetworkRetries"] = "0";
        settings["Payments__RefundSweepMs"] = "200";
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is not null)
        {
            await Stripe.DisposeAsync();
        }
    }

    /// <summary>Delivers a webhook as Stripe does: the raw body, signed at <paramref name="at"/> (now by default).</summary>
    public Task<HttpResponseMessage> DeliverAsync(string body, DateTimeOffset? at = null, string? signature = null, bool signed = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/payments/stripe/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signed)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? FakeStripe.Sign(body, at ?? DateTimeOffset.UtcNow));
        }

        return Service.Client.SendAsync(request);
    }

    /// <summary>A pending contribution of a fresh user to the campaign (asserting 201), and the user.</summary>
    public async Task<(JsonElement Receipt, TestUser Donor)> PendingAsync(Guid campaignId, decimal amount, string? key = null)
    {
        var donor = NewUser();
        return (await ExpectAsync(await ContributeAsync(campaignId, donor.Token, amount, key), 201), donor);
    }

    public static Task<string> StatusOfAsync(Guid contributionId) =>
        ScalarAsync<string>("select status from campaign.contributions where id = @contributionId", new { contributionId });

    public static Task<decimal> CollectedAsync(Guid campaignId) =>
        ScalarAsync<decimal>("select collected_amount from campaign.campaigns where id = @campaignId", new { campaignId });
}

using System.Net;
using CampaignService.Payments;
using CampaignService.Tests.Http;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Payments;

[CollectionDefinition(Name)]
public sealed class UnconfiguredPaymentsCollection : ICollectionFixture<UnconfiguredPaymentsFixture>
{
    public const string Name = "campaign-service with Stripe chosen and no keys";
}

/// <summary>campaign-service as <c>azd up</c> leaves it without the Stripe parameters: Stripe chosen, no keys.</summary>
public sealed class UnconfiguredPaymentsFixture : CampaignServiceFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Payments__Provider"] = "stripe";
        settings["Payments__Stripe__SecretKey"] = null;
        settings["Payments__Stripe__WebhookSecret"] = string.Empty;
        return settings;
    }
}

/// <summary>Without Stripe's keys the app serves everything but money: a contribution is 503 saying what to set, and nothing is recorded.</summary>
[Collection(UnconfiguredPaymentsCollection.Name)]
public sealed class UnconfiguredPaymentsTests(UnconfiguredPaymentsFixture api)
{
    [Fact]
    public async Task A_contribution_is_503_naming_the_missing_settings_and_records_nothing_while_campaigns_work()
    {
        var (_, id) = await api.ActiveCampaignAsync();

        var refused = await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 10), 503);
        using var webhook = await api.SendAsync(HttpMethod.Post, "api/payments/stripe/webhook", body: """{"id":"evt_1","type":"checkout.session.completed"}""",
            headers: new Dictionary<string, string> { ["Stripe-Signature"] = "t=1,v1=00" });

        Assert.Contains("Payments__Stripe__SecretKey", Text(refused, "detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from campaign.contributions where campaign_id = @id", new { id }));
        Assert.Equal("active", Text(await api.GetJsonAsync($"api/campaigns/{id}"), "status"));
        Assert.StartsWith("Payments are not configured", UnconfiguredPaymentProvider.Problem, StringComparison.Ordinal);
    }
}

using Platform.Testing;
using CampaignService.OpenApi;

namespace CampaignService.Tests.Contract;

/// <summary>CampaignService's OpenAPI document against its functions (checks in <see cref="OpenApiContract"/>), plus its own routes.</summary>
public sealed class OpenApiTests() : OpenApiContract(
        "CampaignService", typeof(OpenApiFunction).Assembly, CampaignApi.Description, request => new OpenApiFunction().OpenApiDocument(request))
{
    [Fact]
    public void Contributing_documents_the_amount_range_and_the_new_totals()
    {
        var document = Served();
        var amount = document["components"]!["schemas"]!["ContributionBody"]!["properties"]!["amount"]!;
        var receipt = document["components"]!["schemas"]!["ContributionReceipt"]!["properties"]!.AsObject();

        Assert.Equal(1m, amount["minimum"]!.GetValue<decimal>());
        Assert.Equal(1_000_000m, amount["maximum"]!.GetValue<decimal>());
        Assert.Contains("usd 1–100000", (string?)document["paths"]!["/campaigns/{id}/contributions"]!["post"]!["description"], StringComparison.Ordinal);
        Assert.Contains("collected_amount", receipt.Select(p => p.Key));
        Assert.Contains("checkout_url", receipt.Select(p => p.Key));
        Assert.NotNull(document["paths"]!["/campaigns/{id}/contributions"]!["post"]!["responses"]!["409"]);
    }

    [Fact]
    public void The_stripe_webhook_is_anonymous_and_documents_its_refusals()
    {
        var post = Served()["paths"]!["/payments/stripe/webhook"]!["post"]!;

        Assert.Null(post["security"]?.AsArray().FirstOrDefault(s => s!.AsObject().Count > 0));
        foreach (var status in new[] { "400", "404", "409", "422" })
        {
            Assert.NotNull(post["responses"]![status]);
        }
    }
}

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

        Assert.Equal(0.01m, amount["minimum"]!.GetValue<decimal>());
        Assert.Equal(1_000_000m, amount["maximum"]!.GetValue<decimal>());
        Assert.Contains("collected_amount", receipt.Select(p => p.Key));
        Assert.NotNull(document["paths"]!["/campaigns/{id}/contributions"]!["post"]!["responses"]!["409"]);
    }
}

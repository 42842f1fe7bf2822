using Platform.Testing;
using DonationService.OpenApi;

namespace DonationService.Tests.Contract;

/// <summary>DonationService's OpenAPI document against its functions (checks in <see cref="OpenApiContract"/>), plus its own routes.</summary>
public sealed class OpenApiTests() : OpenApiContract(
        "DonationService", typeof(OpenApiFunction).Assembly, DonationApi.Description, request => new OpenApiFunction().OpenApiDocument(request))
{
    [Fact]
    public void Creating_a_donation_documents_the_body_rules_idempotency_and_location()
    {
        var document = Served();
        var create = document["paths"]!["/donations"]!["post"]!;
        var body = document["components"]!["schemas"]!["DonationBody"]!;

        Assert.Equal(["title", "category"], body["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("furniture", body["properties"]!["category"]!["enum"]!.AsArray().Select(n => n?.GetValue<string>()));
        Assert.Equal(120, body["properties"]!["title"]!["maxLength"]!.GetValue<int>());
        Assert.NotNull(create["responses"]!["201"]!["headers"]!["Location"]);
        Assert.NotNull(create["responses"]!["422"]);
        Assert.Contains(create["parameters"]!.AsArray(), p => p!["name"]?.GetValue<string>() == "Idempotency-Key");
    }
}

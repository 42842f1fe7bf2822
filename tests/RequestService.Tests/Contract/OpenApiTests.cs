using Platform.Hosting.OpenApi;
using Platform.Testing;
using RequestService.OpenApi;

namespace RequestService.Tests.Contract;

/// <summary>RequestService's OpenAPI document against its functions (checks in <see cref="OpenApiContract"/>), plus its own routes.</summary>
public sealed class OpenApiTests() : OpenApiContract(
        "RequestService", typeof(OpenApiFunction).Assembly, RequestApi.Description, request => new OpenApiFunction().OpenApiDocument(request))
{
    [Fact]
    public void Approving_answers_202_and_the_optional_reject_body_is_not_required()
    {
        var document = Served();

        Assert.NotNull(document["paths"]!["/requests/{id}/approve"]!["post"]!["responses"]!["202"]);
        Assert.False(OpenApiLint.Read(ServedText()).Paths["/requests/{id}/reject"].Operations![HttpMethod.Post].RequestBody!.Required);
        Assert.Equal(5, document["components"]!["schemas"]!["RatingBody"]!["properties"]!["rating"]!["maximum"]!.GetValue<int>());
    }
}

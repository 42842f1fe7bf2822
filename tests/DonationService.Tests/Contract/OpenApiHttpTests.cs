using System.Text.Json.Nodes;
using DonationService.Tests.Http;

namespace DonationService.Tests.Contract;

/// <summary>The document is served at GET /api/openapi.json, anonymously, by the running app (standalone mode).</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class OpenApiHttpTests(DonationServiceFixture fixture)
{
    [Fact]
    public async Task Openapi_json_is_served_anonymously_as_an_openapi_31_document_of_the_app()
    {
        using var response = await fixture.Client.GetAsync("api/openapi.json");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("donation-service", document["info"]!["title"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/donations/{id}"]!["get"]);
    }
}

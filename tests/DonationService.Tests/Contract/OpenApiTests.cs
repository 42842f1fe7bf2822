using System.Text.Json;
using System.Text.Json.Nodes;
using DonationService.OpenApi;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Platform.Testing;

namespace DonationService.Tests.Contract;

/// <summary>
/// The OpenAPI document served at GET /api/openapi.json is true to the app: exactly the routes and
/// methods of the functions.metadata the build generates (a new function without a description
/// fails here), every operation lists the errors its shape implies, every JSON body has a schema.
/// </summary>
public sealed class OpenApiTests
{
    private const string Service = "DonationService";

    private static JsonNode Served()
    {
        var response = Assert.IsType<ApiResponse>(new OpenApiFunction().OpenApiDocument(new DefaultHttpContext().Request));
        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        return JsonNode.Parse(response.SerializeBody())!;
    }

    private static List<string> MetadataOperations()
    {
        var path = Path.Combine(TestEnvironment.AppOutput(Service), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        return metadata.RootElement.EnumerateArray()
            .Select(f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .SelectMany(t => t.GetProperty("methods").EnumerateArray()
                .Select(m => $"{m.GetString()!.ToUpperInvariant()} /{OpenApiGenerator.PathTemplate(t.GetProperty("route").GetString()!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public void Document_lists_exactly_the_routes_and_methods_of_functions_metadata()
    {
        Assert.Equal(MetadataOperations(), OpenApiLint.Operations(Served()));
    }

    [Fact]
    public void Every_function_is_described_and_every_description_names_a_function()
    {
        var result = OpenApiDocuments.Generate(typeof(OpenApiFunction).Assembly, DonationApi.Description);

        Assert.Empty(result.Undescribed);
        Assert.Empty(result.UnknownDescriptions);
    }

    [Fact]
    public void Every_operation_lists_its_errors_and_every_json_body_has_a_schema()
    {
        Assert.Empty(OpenApiLint.Check(Served()));
    }

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

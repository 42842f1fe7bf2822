using System.Text.Json;
using System.Text.Json.Nodes;
using MessagingService.OpenApi;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Platform.Testing;

namespace MessagingService.Tests.Contract;

/// <summary>
/// The OpenAPI document served at GET /api/openapi.json is true to the app: exactly the routes and
/// methods of the functions.metadata the build generates (a new function without a description
/// fails here), every operation lists the errors its shape implies, every JSON body has a schema.
/// </summary>
public sealed class OpenApiTests
{
    private const string Service = "MessagingService";

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
        var result = OpenApiDocuments.Generate(typeof(OpenApiFunction).Assembly, MessagingApi.Description);

        Assert.Empty(result.Undescribed);
        Assert.Empty(result.UnknownDescriptions);
    }

    [Fact]
    public void Every_operation_lists_its_errors_and_every_json_body_has_a_schema()
    {
        Assert.Empty(OpenApiLint.Check(Served()));
    }

    [Fact]
    public void A_conversation_needs_the_other_user_and_conversations_nest_the_last_message()
    {
        var document = Served();
        var with = document["paths"]!["/messages"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]?.GetValue<string>() == "with")!;
        var conversation = document["components"]!["schemas"]!["ConversationView"]!["properties"]!;

        Assert.True(with["required"]!.GetValue<bool>());
        Assert.Equal("uuid", with["schema"]!["format"]!.GetValue<string>());
        Assert.NotNull(conversation["last_message"]!["properties"]!["content"]);
    }
}

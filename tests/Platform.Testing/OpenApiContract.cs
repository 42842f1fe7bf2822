using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// The OpenAPI document an app serves at GET /api/openapi.json is true to it: exactly the routes and
/// methods of the functions.metadata the build generates (a new function without a description
/// fails here); Microsoft.OpenApi reads and validates it, and every operation follows the platform's
/// conventions (<see cref="OpenApiLint"/>: the errors its shape implies, a schema for every body...).
/// A test class per app derives from it and may add checks of its own routes.
/// </summary>
public abstract class OpenApiContract(string service, Assembly app, ApiDescription description, Func<HttpRequest, IActionResult> serve)
{
    [Fact]
    public void Document_lists_exactly_the_routes_and_methods_of_functions_metadata()
    {
        Assert.Equal(MetadataOperations(), OpenApiLint.Operations(OpenApiLint.Read(ServedText())));
    }

    [Fact]
    public void Every_function_is_described_and_every_description_names_a_function()
    {
        var result = OpenApiDocuments.Generate(app, description);

        Assert.Empty(result.Undescribed);
        Assert.Empty(result.UnknownDescriptions);
    }

    [Fact]
    public void Every_operation_lists_its_errors_and_every_json_body_has_a_schema()
    {
        Assert.Empty(OpenApiLint.Check(ServedText()));
    }

    [Fact]
    public void The_api_reference_in_docs_is_the_served_document()
    {
        var path = ApiReference.PathOf(service);
        var rendered = ApiReference.Render(Served());
        if (Environment.GetEnvironmentVariable("UPDATE_API_REFERENCE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, rendered);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the OpenAPI tests with UPDATE_API_REFERENCE=1 to write it.");
        Assert.True(
            File.ReadAllText(path) == rendered,
            $"{path} differs from the document {service} serves: run the OpenAPI tests with UPDATE_API_REFERENCE=1 (e.g. UPDATE_API_REFERENCE=1 dotnet test tests/{service}.Tests --filter The_api_reference) and commit the file.");
    }

    [Fact]
    public async Task The_openapi_command_writes_the_served_document()
    {
        var file = Path.GetTempFileName();
        try
        {
            await OpenApiDocuments.WriteAsync(app, file);

            Assert.Equal(ServedText(), await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The document as the app's function serves it, parsed.</summary>
    protected JsonNode Served() => JsonNode.Parse(ServedText())!;

    /// <summary>The document's JSON as the app's function serves it.</summary>
    protected string ServedText()
    {
        var response = Assert.IsType<ApiResponse>(serve(new DefaultHttpContext().Request));
        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        return System.Text.Encoding.UTF8.GetString(response.SerializeBody());
    }

    private List<string> MetadataOperations()
    {
        var path = Path.Combine(TestEnvironment.AppOutput(service), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        return metadata.RootElement.EnumerateArray()
            .Select(f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .SelectMany(t => t.GetProperty("methods").EnumerateArray()
                .Select(m => $"{m.GetString()!.ToUpperInvariant()} /{OpenApiGenerator.PathTemplate(t.GetProperty("route").GetString()!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

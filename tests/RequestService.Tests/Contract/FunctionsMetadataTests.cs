using System.Reflection;
using System.Text.Json;
using Platform.Hosting.Hosting;
using Platform.Testing;

namespace RequestService.Tests.Contract;

/// <summary>
/// What the Functions host serves (functions.metadata, generated at build) is exactly the
/// request-service API of API.md, and exactly what standalone mode serves.
/// </summary>
public sealed class FunctionsMetadataTests
{
    /// <summary>Every function of request-service: name, route under /api, HTTP method.</summary>
    public static readonly TheoryData<string, string, string> Expected = new()
    {
        { "CreateRequest", "requests", "POST" },
        { "ListRequests", "requests", "GET" },
        { "GetRequest", "requests/{id}", "GET" },
        { "ApproveRequest", "requests/{id}/approve", "POST" },
        { "RejectRequest", "requests/{id}/reject", "POST" },
        { "CancelRequest", "requests/{id}/cancel", "POST" },
        { "CompleteRequest", "requests/{id}/complete", "POST" },
        { "SubmitRating", "ratings", "POST" },
        { "ListRatings", "ratings", "GET" },
        { "Health", "health", "GET" },
    };

    private static readonly Assembly App = typeof(RequestServiceSetup).Assembly;

    private static string Output => TestEnvironment.AppOutput("RequestService");

    [Fact]
    public void Metadata_lists_exactly_the_functions_of_the_api()
    {
        Assert.Equal(ExpectedSignatures(), ReadMetadata().Select(f => f.Signature).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Metadata_declares_the_route_method_and_anonymous_auth_level_of_each_function(string name, string route, string method)
    {
        var function = Assert.Single(ReadMetadata(), f => f.Name == name);

        Assert.Equal(route, function.Route);
        Assert.Equal([method], function.Methods);
        Assert.Equal("Anonymous", function.AuthLevel);
    }

    [Fact]
    public void Metadata_entry_points_are_methods_of_types_in_RequestService_dll()
    {
        Assert.All(ReadMetadata(), function =>
        {
            Assert.Equal("RequestService.dll", function.ScriptFile);
            var split = function.EntryPoint.LastIndexOf('.');
            var type = App.GetType(function.EntryPoint[..split]);
            Assert.True(type is not null, $"{function.Name}: type of {function.EntryPoint} not found");
            Assert.NotNull(type.GetMethod(function.EntryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static));
        });
    }

    [Fact]
    public void Standalone_catalog_serves_exactly_what_the_functions_host_serves()
    {
        var catalog = HttpFunctionCatalog.Discover(App);
        var standalone = catalog.Select(f => Signature(f.Name, f.Route, f.Methods)).Order().ToList();

        Assert.Equal(ReadMetadata().Select(f => f.Signature).Order().ToList(), standalone);
        Assert.Equal(ExpectedSignatures(), standalone);
        Assert.All(catalog, f => Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, f.AuthLevel));
    }

    [Fact]
    public void Output_holds_host_json_with_the_api_prefix_and_what_func_start_needs()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "host.json")));
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());

        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "worker.config.json")));
        Assert.Equal("RequestService.dll", worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString());
    }

    private static List<string> ExpectedSignatures() =>
        Expected.Select(row => Signature((string)row[0], (string)row[1], [(string)row[2]])).Order().ToList();

    private static string Signature(string name, string route, IEnumerable<string> methods) =>
        $"{name} {string.Join(',', methods.Select(m => m.ToUpperInvariant()).Order())} {route}";

    private static List<MetadataFunction> ReadMetadata()
    {
        var path = Path.Combine(Output, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(entry =>
        {
            var trigger = Assert.Single(entry.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "httpTrigger");
            return new MetadataFunction(
                entry.GetProperty("name").GetString()!,
                entry.GetProperty("scriptFile").GetString()!,
                entry.GetProperty("entryPoint").GetString()!,
                trigger.GetProperty("route").GetString()!,
                trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList(),
                trigger.GetProperty("authLevel").GetString()!);
        }).ToList();
    }

    private sealed record MetadataFunction(string Name, string ScriptFile, string EntryPoint, string Route, List<string> Methods, string AuthLevel)
    {
        public string Signature => FunctionsMetadataTests.Signature(Name, Route, Methods);
    }
}

using System.Reflection;
using System.Text.Json;
using Platform.Hosting.Hosting;
using Platform.Testing;

namespace MessagingService.Tests.Contract;

/// <summary>
/// What the Functions host serves (functions.metadata, generated at build) is exactly the API of
/// API.md, and exactly what standalone mode serves: the two hosting modes cannot drift apart.
/// </summary>
public sealed class FunctionsMetadataTests
{
    /// <summary>Every function of messaging-service: name, route under /api, HTTP method.</summary>
    public static readonly TheoryData<string, string, string> Expected = new()
    {
        { "SendMessage", "messages", "POST" },
        { "ListMessages", "messages", "GET" },
        { "MarkMessageRead", "messages/{id}/read", "POST" },
        { "ListConversations", "conversations", "GET" },
        { "CreateReport", "reports", "POST" },
        { "ListReports", "reports", "GET" },
        { "ResolveReport", "admin/reports/{id}/resolve", "POST" },
        { "ListNotifications", "notifications", "GET" },
        { "MarkNotificationRead", "notifications/{id}/read", "POST" },
        { "Health", "health", "GET" },
    };

    private static readonly Assembly App = typeof(MessagingServiceSetup).Assembly;

    private static string Output => TestEnvironment.AppOutput("MessagingService");

    [Fact]
    public void Metadata_lists_exactly_the_functions_of_the_api()
    {
        var actual = ReadMetadata().Select(f => f.Signature).Order().ToList();

        Assert.Equal(ExpectedSignatures(), actual);
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
    public void Metadata_entry_points_are_methods_of_types_in_MessagingService_dll()
    {
        Assert.All(ReadMetadata(), function =>
        {
            Assert.Equal("MessagingService.dll", function.ScriptFile);
            var split = function.EntryPoint.LastIndexOf('.');
            var type = App.GetType(function.EntryPoint[..split]);
            Assert.True(type is not null, $"{function.Name}: type of {function.EntryPoint} not found");
            Assert.NotNull(type.GetMethod(function.EntryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static));
        });
    }

    [Fact]
    public void Standalone_catalog_serves_exactly_what_the_functions_host_serves()
    {
        var standalone = HttpFunctionCatalog.Discover(App)
            .Select(f => Signature(f.Name, f.Route, f.Methods))
            .Order()
            .ToList();

        Assert.Equal(ReadMetadata().Select(f => f.Signature).Order().ToList(), standalone);
        Assert.Equal(ExpectedSignatures(), standalone);
        Assert.All(HttpFunctionCatalog.Discover(App), f => Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, f.AuthLevel));
    }

    [Fact]
    public void Host_json_in_the_output_serves_functions_under_the_api_route_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "host.json")));

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void Output_holds_what_func_start_needs()
    {
        Assert.True(File.Exists(Path.Combine(Output, "extensions.json")), "extensions.json is missing from " + Output);
        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "worker.config.json")));
        var description = worker.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("MessagingService.dll", description.GetProperty("defaultWorkerPath").GetString());
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

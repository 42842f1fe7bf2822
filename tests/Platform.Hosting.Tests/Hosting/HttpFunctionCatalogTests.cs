using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Hosting;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Hosting;

public sealed class HttpFunctionCatalogTests
{
    [Fact]
    public void Discover_finds_http_functions_with_trimmed_routes_and_upper_case_methods()
    {
        var functions = HttpFunctionCatalog.Discover(new FakeAssembly(typeof(ThingFunctions))).ToDictionary(f => f.Name);

        Assert.Equal(["ChangeThing", "DefaultMethods", "ListThings", "StaticPing"], functions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("things", functions["ListThings"].Route);
        Assert.Equal(["GET"], functions["ListThings"].Methods);
        Assert.Equal("things/{id}", functions["ChangeThing"].Route);
        Assert.Equal(["PUT", "PATCH"], functions["ChangeThing"].Methods);
        Assert.Equal(AuthorizationLevel.Function, functions["ChangeThing"].AuthLevel);
        Assert.Equal("req", functions["ChangeThing"].Trigger.Name);
        Assert.Equal(typeof(ThingFunctions), functions["ChangeThing"].DeclaringType);
        Assert.Equal(nameof(ThingFunctions.Change), functions["ChangeThing"].Method.Name);
    }

    [Fact]
    public void Discover_uses_the_function_name_as_route_and_all_common_methods_when_none_are_given()
    {
        var function = HttpFunctionCatalog.Discover(new FakeAssembly(typeof(ThingFunctions))).Single(f => f.Name == "DefaultMethods");

        Assert.Equal("DefaultMethods", function.Route);
        Assert.Equal(["GET", "POST", "PUT", "DELETE", "PATCH"], function.Methods);
    }

    [Fact]
    public void Discover_ignores_functions_without_an_http_trigger_and_http_methods_without_a_function()
    {
        var names = HttpFunctionCatalog.Discover(new FakeAssembly(typeof(ThingFunctions))).Select(f => f.Name);

        Assert.DoesNotContain("QueueWork", names);
        Assert.DoesNotContain(nameof(ThingFunctions.NotAFunction), names);
    }

    [Fact]
    public void Discover_skips_abstract_classes_and_interfaces()
    {
        var functions = HttpFunctionCatalog.Discover(new FakeAssembly(typeof(AbstractFunctions), typeof(IFunctionContract)));

        Assert.Empty(functions);
    }

    [Fact]
    public void Discover_throws_when_two_functions_share_a_name()
    {
        var ex = Assert.Throws<InvalidOperationException>(
            () => HttpFunctionCatalog.Discover(new FakeAssembly(typeof(ThingFunctions), typeof(DuplicateFunctions))));

        Assert.Contains("'ListThings'", ex.Message, StringComparison.Ordinal);
    }

    public sealed class ThingFunctions
    {
        [Function("ListThings")]
        public IActionResult List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/")] HttpRequest req) => new OkResult();

        [Function("ChangeThing")]
        public IActionResult Change([HttpTrigger(AuthorizationLevel.Function, "put", "Patch", Route = "/things/{id}")] HttpRequest req, string id) =>
            new OkResult();

        [Function("DefaultMethods")]
        public IActionResult Defaults([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest req) => new OkResult();

        [Function("StaticPing")]
        public static IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ping")] HttpRequest req) => new OkResult();

        [Function("QueueWork")]
        public void Work(string message)
        {
        }

        public IActionResult NotAFunction([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "hidden")] HttpRequest req) => new OkResult();
    }

    public sealed class DuplicateFunctions
    {
        [Function("ListThings")]
        public IActionResult Other([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "other")] HttpRequest req) => new OkResult();
    }

    public abstract class AbstractFunctions
    {
        [Function("Abstract")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest req) => new OkResult();
    }

    public interface IFunctionContract
    {
        [Function("Contract")]
        IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest req);
    }
}

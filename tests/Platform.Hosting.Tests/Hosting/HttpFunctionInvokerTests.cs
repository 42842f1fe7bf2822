using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Hosting;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Hosting;

public sealed class HttpFunctionInvokerTests
{
    [Fact]
    public async Task InvokeAsync_binds_request_route_strings_and_the_request_aborted_token()
    {
        using var aborted = new CancellationTokenSource();
        var context = Context();
        context.Request.Path = "/api/echo/42/lamp";
        context.Request.RouteValues["id"] = "42";
        context.Request.RouteValues["name"] = "lamp";
        context.RequestAborted = aborted.Token;

        await Invoker<EchoFunctions>("Echo").InvokeAsync(context);

        var written = Responses.Read(context);
        var recorder = context.RequestServices.GetRequiredService<Recorder>();
        Assert.Equal(StatusCodes.Status200OK, written.Status);
        Assert.Equal("""{"id":"42","name":"lamp","path":"/api/echo/42/lamp"}""", written.Text);
        Assert.Same(context.Request, recorder.Request);
        Assert.Equal(aborted.Token, recorder.Token);
    }

    [Fact]
    public async Task InvokeAsync_creates_and_disposes_one_function_instance_per_call()
    {
        var invoker = Invoker<EchoFunctions>("Echo");
        var services = Services();

        await invoker.InvokeAsync(Context(services));
        await invoker.InvokeAsync(Context(services));

        var recorder = services.GetRequiredService<Recorder>();
        Assert.Equal(2, recorder.Instances);
        Assert.Equal(2, recorder.Disposed);
    }

    [Fact]
    public async Task InvokeAsync_rethrows_the_function_exception_itself()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => Invoker<EchoFunctions>("Fail").InvokeAsync(Context()));
    }

    [Theory]
    [InlineData(typeof(IntRouteValue))]
    [InlineData(typeof(NotInRoute))]
    [InlineData(typeof(StringTrigger))]
    public void Constructor_rejects_parameters_it_cannot_bind(Type functions)
    {
        var function = HttpFunctionCatalog.Discover(new FakeAssembly(functions)).Single();

        var ex = Assert.Throws<InvalidOperationException>(() => new HttpFunctionInvoker(function));
        Assert.Contains($"Function {function.Name}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_rejects_a_parameter_whose_name_only_prefixes_a_route_value()
    {
        // 'id' is not a route value of "items/{identifier}"; binding it would always yield null.
        var function = HttpFunctionCatalog.Discover(new FakeAssembly(typeof(PrefixOfRouteValue))).Single();

        Assert.Throws<InvalidOperationException>(() => new HttpFunctionInvoker(function));
    }

    private static HttpFunctionInvoker Invoker<T>(string name) =>
        new(HttpFunctionCatalog.Discover(new FakeAssembly(typeof(T))).Single(f => f.Name == name));

    private static ServiceProvider Services() => new ServiceCollection().AddSingleton<Recorder>().BuildServiceProvider();

    private static DefaultHttpContext Context(IServiceProvider? services = null)
    {
        var context = Responses.NewContext();
        context.RequestServices = services ?? Services();
        return context;
    }

    /// <summary>What the function instances saw, injected through their constructor.</summary>
    public sealed class Recorder
    {
        public int Instances { get; set; }

        public int Disposed { get; set; }

        public HttpRequest? Request { get; set; }

        public CancellationToken Token { get; set; }
    }

    public sealed class EchoFunctions : IDisposable
    {
        private readonly Recorder _recorder;

        public EchoFunctions(Recorder recorder)
        {
            _recorder = recorder;
            recorder.Instances++;
        }

        [Function("Echo")]
        public Task<IActionResult> Echo(
            [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "echo/{id}/{name:alpha}")] HttpRequest req, string id, string name, CancellationToken ct)
        {
            _recorder.Request = req;
            _recorder.Token = ct;
            return Task.FromResult<IActionResult>(new ApiResponse(200, new { id, name, path = req.Path.Value }));
        }

        [Function("Fail")]
        public async Task<IActionResult> Fail([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fail")] HttpRequest req)
        {
            await Task.Yield();
            throw new TimeoutException("dependency timed out");
        }

        public void Dispose() => _recorder.Disposed++;
    }

    public sealed class IntRouteValue
    {
        [Function("IntRoute")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id}")] HttpRequest req, int id) => new OkResult();
    }

    public sealed class NotInRoute
    {
        [Function("NotInRoute")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items")] HttpRequest req, string filter) => new OkResult();
    }

    public sealed class StringTrigger
    {
        [Function("StringTrigger")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "items")] string body) => new OkResult();
    }

    public sealed class PrefixOfRouteValue
    {
        [Function("Prefix")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{identifier}")] HttpRequest req, string id) =>
            new OkResult();
    }
}

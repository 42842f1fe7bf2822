using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsHost;

/// <summary>
/// The host's HTTP side in the ASP.NET Core integration: routes a request to a function by the
/// routes the worker reported, forwards the request to the worker's HttpUri with the header
/// <c>x-ms-invocation-id</c> and, as the host's YARP forwarder does, X-Forwarded-For/-Proto/-Host set
/// to what it saw (a client's own are replaced), sends the InvocationRequest (trigger input: an empty RpcHttp;
/// trigger metadata: query and route values, Query and Headers as JSON), and returns the worker's
/// HTTP response once the invocation has answered. Unmatched routes get the host's bare 404.
/// </summary>
internal sealed class HttpFrontDoor : IAsyncDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";
    private const int ConnectAttempts = 10;

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    private readonly FunctionsTestHost _host;
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _forwarder = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    });

    private HttpFrontDoor(FunctionsTestHost host, WebApplication app)
    {
        _host = host;
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<HttpFrontDoor> StartAsync(FunctionsTestHost host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 100 * 1024 * 1024; // the host's default request body limit
        });
        var origins = HostCorsOrigins(host.CorsOrigins);
        if (origins.Length > 0)
        {
            // As Core Tools does with Host.CORS (and App Service with its CORS setting): the host
            // answers preflights and adds Access-Control-Allow-Origin; any method and header.
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod();
                if (host.CorsCredentials)
                {
                    policy.AllowCredentials();
                }
            }));
        }

        var app = builder.Build();
        if (origins.Length > 0)
        {
            app.UseCors();
        }

        var front = new HttpFrontDoor(host, app);
        var prefix = host.RoutePrefix.Length == 0 ? string.Empty : "/" + host.RoutePrefix;

        // One endpoint per route template: the host matches the template, then the method among the
        // functions sharing it; a method no function takes is a bare 404, as for an unknown route.
        foreach (var route in host.Functions.Where(f => f.IsHttp).GroupBy(f => f.HttpRoute, StringComparer.OrdinalIgnoreCase))
        {
            var functions = route.ToList();
            app.Map($"{prefix}/{route.Key}", context =>
            {
                var function = functions.FirstOrDefault(f => f.Methods.Count == 0 || f.Methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase));
                if (function is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    context.Response.Headers[FunctionsTestHost.NoFunctionHeader] = "no-function";
                    host.Record(new ServedRequest(null, context.Request.Method, context.Request.Path.Value ?? string.Empty, 404));
                    return Task.CompletedTask;
                }

                return front.InvokeAsync(function, context);
            });
        }

        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.GetEndpoint() is null)
            {
                if (context.Response is { HasStarted: false, StatusCode: StatusCodes.Status404NotFound })
                {
                    context.Response.Headers[FunctionsTestHost.NoFunctionHeader] = "no-function";
                }

                host.Record(new ServedRequest(null, context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Response.StatusCode));
            }
        });
        await app.StartAsync();
        front.BaseAddress = new Uri(new Uri(app.Urls.Single()), "/");
        return front;
    }

    private static string[] HostCorsOrigins(string? setting) =>
        (setting ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))
            .ToArray();

    private async Task InvokeAsync(HostedFunction function, HttpContext context)
    {
        var invocationId = Guid.NewGuid().ToString();
        var body = await BufferBodyAsync(context.Request);
        using var deadline = new CancellationTokenSource(_host.InvocationTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);

        // As the host: start forwarding first (the worker pairs the request with the invocation by
        // its id and waits a few seconds for the InvocationRequest), then send the invocation.
        var forward = ForwardAsync(context, body, invocationId, linked.Token);
        Task<InvocationResponse> invocation;
        try
        {
            invocation = _host.Channel.Invoke(Invocation(function, context, invocationId));
        }
        catch (WorkerGoneException ex)
        {
            await FailAsync(context, function, invocationId, 502, ex.Message);
            return;
        }

        try
        {
            // Whichever fails first fails the request at once; then the other is awaited.
            Task first = await Task.WhenAny(forward, invocation).WaitAsync(linked.Token);
            await first;
            await (first == forward ? (Task)invocation : forward).WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            _host.Log($"[host] {_host.AppName}: client went away during {function.Name} ({invocationId}): InvocationCancel");
            TryCancel(invocationId);
            return;
        }
        catch (OperationCanceledException)
        {
            TryCancel(invocationId);
            var waitingFor = invocation.IsCompleted ? "the worker's HTTP response" : "an InvocationResponse";
            await FailAsync(context, function, invocationId, 504, $"no answer within {_host.InvocationTimeout.TotalSeconds} s: the host was still waiting for {waitingFor}");
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or WorkerGoneException or WorkerProtocolException)
        {
            TryCancel(invocationId);
            await FailAsync(context, function, invocationId, 502, $"{ex.GetType().Name}: {ex.Message}");
            return;
        }

        using var response = await forward;
        var result = (await invocation).Result;
        if (result is not { Status: StatusResult.Types.Status.Success })
        {
            _host.RecordFailure($"{function.Name} {context.Request.Method} {context.Request.Path} ({invocationId}): InvocationResponse {result?.Status.ToString() ?? "without result"}: {result?.Exception?.Type} {result?.Exception?.Message}");
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        _host.Record(new ServedRequest(function.Name, context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Response.StatusCode));
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static InvocationRequest Invocation(HostedFunction function, HttpContext context, string invocationId)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = Activity.Current?.Id ?? string.Empty },
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Http = new RpcHttp() } });

        // The HTTP trigger's binding data: each query parameter, then each route value (which wins),
        // and the query and headers as JSON objects; plain function parameters bind from these.
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in query)
        {
            request.TriggerMetadata[name] = new TypedData { String = value };
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            request.TriggerMetadata[name] = new TypedData { String = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty };
        }

        request.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        request.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers) };
        return request;
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context, byte[]? body, string invocationId, CancellationToken cancellationToken)
    {
        var target = new Uri(
            _host.WorkerHttpUri.GetLeftPart(UriPartial.Authority)
            + (context.Request.PathBase + context.Request.Path).ToUriComponent()
            + context.Request.QueryString.ToUriComponent());
        for (var attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), target) { Version = HttpVersion.Version11 };
            if (body is not null)
            {
                message.Content = new ByteArrayContent(body);
            }

            foreach (var (name, values) in context.Request.Headers)
            {
                if (HopByHop.Contains(name) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
                {
                    message.Content ??= new ByteArrayContent([]);
                    message.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
                }
            }

            // As the host's forwarder (YARP's default transforms, action Set): X-Forwarded-* are
            // replaced by what the host saw, so a client's own X-Forwarded-For never reaches the worker.
            if (context.Connection.RemoteIpAddress is { } client)
            {
                message.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
            }

            message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);
            message.Headers.TryAddWithoutValidation("X-Forwarded-Host", context.Request.Host.Value);
            message.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
            try
            {
                return await _forwarder.SendAsync(message, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && attempt < ConnectAttempts)
            {
                // The worker's endpoint may not listen yet right after start-up: the host retries too.
                await Task.Delay(Math.Min(50 * attempt, 250), cancellationToken);
            }
        }
    }

    private static async Task<byte[]?> BufferBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private void TryCancel(string invocationId)
    {
        try
        {
            _host.Channel.Cancel(invocationId);
        }
        catch (WorkerGoneException)
        {
            _host.Channel.Abandon(invocationId);
        }
    }

    private async Task FailAsync(HttpContext context, HostedFunction function, string invocationId, int status, string what)
    {
        var message = $"Functions host for {_host.AppName}: {function.Name} {context.Request.Method} {context.Request.Path} (invocation {invocationId}): {what}";
        _host.RecordFailure(message);
        _host.Record(new ServedRequest(function.Name, context.Request.Method, context.Request.Path.Value ?? string.Empty, status));
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"{message}{Environment.NewLine}--- worker log (last lines) ---{Environment.NewLine}{_host.LogTail}", Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _forwarder.Dispose();
    }
}

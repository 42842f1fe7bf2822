using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsHost;

/// <summary>
/// Plays the Azure Functions host for one isolated-worker app, for tests: launches the build
/// output the way the host does in dedicated mode (worker.config.json, the start-up switches and
/// environment), serves the worker's gRPC EventStream (StartStream, WorkerInitRequest,
/// FunctionsMetadataRequest, one FunctionLoadRequest per function), and serves the app's HTTP
/// routes on a front door that proxies each request to the worker's own HTTP endpoint with its
/// invocation id while sending the matching InvocationRequest, as the ASP.NET Core integration
/// expects. Not used outside tests.
/// </summary>
public sealed class FunctionsTestHost : IAsyncDisposable
{
    public const string HostVersion = "4.1040.0-platform-test-host";

    /// <summary>
    /// Marks the bare 404 the host answers when no function serves the route or method (the request
    /// never reached the app). Only this test host sets it, so that tests can tell the host's 404
    /// from the app's; the real host's 404 is the same without it.
    /// </summary>
    public const string NoFunctionHeader = "X-Functions-Test-Host";
    private const int LogLines = 400;

    private readonly FunctionsHostOptions _options;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<ServedRequest> _served = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly string _workerId = Guid.NewGuid().ToString();
    private readonly WorkerChannel _channel;
    private WebApplication? _grpc;
    private HttpFrontDoor? _front;
    private Process? _process;

    private FunctionsTestHost(FunctionsHostOptions options)
    {
        _options = options;
        _channel = new WorkerChannel(options.AppName, _workerId, Log);
    }

    public string AppName => _options.AppName;

    /// <summary>The front door's address (e.g. http://127.0.0.1:7071/): what a client of <c>func start</c> calls.</summary>
    public Uri BaseAddress => _front?.BaseAddress ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The worker process the host launched.</summary>
    public Process Worker => _process ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The worker's own HTTP endpoint (its <c>HttpUri</c> capability).</summary>
    public Uri WorkerHttpUri { get; private set; } = null!;

    /// <summary>The capabilities the worker answered WorkerInitRequest with.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The functions the worker indexed and loaded, as it reported them at run time.</summary>
    public IReadOnlyList<HostedFunction> Functions { get; private set; } = [];

    /// <summary>The route prefix of host.json (<c>extensions.http.routePrefix</c>, default <c>api</c>).</summary>
    public string RoutePrefix { get; private set; } = "api";

    /// <summary>Every HTTP request the front door served: function (or none), method, status.</summary>
    public IReadOnlyCollection<ServedRequest> Served => _served;

    /// <summary>What went wrong between host and worker: failed invocations, timeouts, protocol faults.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>The last lines of the worker's output, its RpcLogs and the host's notes.</summary>
    public string LogTail => string.Join(Environment.NewLine, _log);

    /// <summary>Starts the gRPC endpoint, launches the worker, runs the handshake, then opens the front door.</summary>
    public static async Task<FunctionsTestHost> StartAsync(FunctionsHostOptions options)
    {
        var host = new FunctionsTestHost(options);
        try
        {
            await host.StartCoreAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync()
    {
        var launch = WorkerLaunch.Read(_options.AppDirectory);
        RoutePrefix = ReadRoutePrefix(_options.AppDirectory);
        var grpcPort = await StartGrpcAsync();
        _process = launch.Start(grpcPort, _workerId, _options.Settings, Log);
        Log($"[host] {AppName}: launched pid {_process.Id}: {launch.Describe(grpcPort, _workerId)}");

        await StepAsync(_channel.Connected, _options.ConnectTimeout, "the worker did not open its EventStream (StartStream)");

        var init = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            WorkerDirectory = launch.WorkerDirectory,
            FunctionAppDirectory = _options.AppDirectory,
        };
        _channel.Send(new StreamingMessage { WorkerInitRequest = init });
        var initResponse = await StepAsync(_channel.InitResponse, _options.ReplyTimeout, "no WorkerInitResponse");
        RequireSuccess(initResponse.Result, "WorkerInitRequest");
        WorkerCapabilities = initResponse.Capabilities.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        if (!WorkerCapabilities.TryGetValue("HttpUri", out var httpUri) || !Uri.TryCreate(httpUri, UriKind.Absolute, out var workerUri))
        {
            throw Failure("the worker did not offer the HttpUri capability: is the ASP.NET Core integration (ConfigureFunctionsWebApplication) missing?");
        }

        WorkerHttpUri = workerUri;
        Log($"[host] {AppName}: initialised; worker {initResponse.WorkerMetadata?.WorkerVersion} on {initResponse.WorkerMetadata?.RuntimeName} {initResponse.WorkerMetadata?.RuntimeVersion}; HttpUri {workerUri}");

        _channel.Send(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _options.AppDirectory } });
        var metadata = await StepAsync(_channel.MetadataResponse, _options.ReplyTimeout, "no FunctionMetadataResponse");
        RequireSuccess(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw Failure("the worker asked for host indexing (use_default_metadata_indexing); a dotnet-isolated worker indexes itself");
        }

        Functions = metadata.FunctionMetadataResults.Select(HostedFunction.From).ToList();
        foreach (var failed in metadata.FunctionMetadataResults.Where(f => f.Status is { Status: not StatusResult.Types.Status.Success }))
        {
            throw Failure($"the worker could not index {failed.Name}: {failed.Status.Exception?.Message}");
        }

        var loads = Functions.Select(f => (f, _channel.Load(new FunctionLoadRequest { FunctionId = f.FunctionId, Metadata = f.Metadata }))).ToList();
        foreach (var (function, load) in loads)
        {
            var loaded = await StepAsync(load, _options.ReplyTimeout, $"no FunctionLoadResponse for {function.Name}");
            RequireSuccess(loaded.Result, $"FunctionLoadRequest for {function.Name}");
        }

        Log($"[host] {AppName}: {Functions.Count} functions loaded");
        _front = await HttpFrontDoor.StartAsync(this, _options.HttpPort);
        Log($"[host] {AppName}: serving on {_front.BaseAddress}");
    }

    /// <summary>Sends WorkerStatusRequest and waits for the answer: the worker's gRPC side is alive.</summary>
    public Task PingAsync() => StepAsync(_channel.Status(), _options.ReplyTimeout, "no WorkerStatusResponse");

    /// <summary>
    /// Stops the worker the way the host does: WorkerTerminate with a grace period (no reply is
    /// expected), then waits for the process to exit by itself; kills it when the grace period is over.
    /// </summary>
    public async Task<WorkerExit> TerminateAsync(TimeSpan gracePeriod)
    {
        var elapsed = Stopwatch.StartNew();
        if (Worker.HasExited)
        {
            return new WorkerExit(true, Worker.ExitCode, TimeSpan.Zero);
        }

        Log($"[host] {AppName}: WorkerTerminate, grace period {gracePeriod.TotalSeconds} s");
        try
        {
            _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } });
        }
        catch (WorkerGoneException)
        {
            // Already disconnected: wait for the exit all the same.
        }

        return await WaitForExitAsync(gracePeriod, elapsed);
    }

    /// <summary>Waits for the worker to exit by itself (e.g. after SIGTERM); kills it when the grace period is over.</summary>
    public async Task<WorkerExit> WaitForExitAsync(TimeSpan gracePeriod, Stopwatch? elapsed = null)
    {
        elapsed ??= Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(gracePeriod);
        try
        {
            await Worker.WaitForExitAsync(timeout.Token);
            Worker.WaitForExit(); // flushes the redirected output
            Log($"[host] {AppName}: worker exited with {Worker.ExitCode} after {elapsed.ElapsedMilliseconds} ms");
            return new WorkerExit(true, Worker.ExitCode, elapsed.Elapsed);
        }
        catch (OperationCanceledException)
        {
            Log($"[host] {AppName}: worker still running after the {gracePeriod.TotalSeconds} s grace period: killed");
            Worker.Kill(entireProcessTree: true);
            await Worker.WaitForExitAsync();
            return new WorkerExit(false, null, elapsed.Elapsed);
        }
    }

    /// <summary>Kills the worker without warning and closes the front door, as a crash of the instance would.</summary>
    public async Task CrashAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        if (_front is not null)
        {
            await _front.DisposeAsync();
            _front = null;
        }
    }

    internal WorkerChannel Channel => _channel;

    internal TimeSpan InvocationTimeout => _options.InvocationTimeout;

    internal string? CorsOrigins => _options.CorsOrigins;

    internal bool CorsCredentials => _options.CorsCredentials;

    internal void Record(ServedRequest request) => _served.Enqueue(request);

    internal void RecordFailure(string failure)
    {
        _failures.Enqueue(failure);
        Log("[host] FAILURE " + failure);
    }

    internal void Log(string line)
    {
        _log.Enqueue(line);
        while (_log.Count > LogLines && _log.TryDequeue(out _))
        {
        }

        _options.Log?.Invoke(line);
    }

    /// <summary>A failure of the host's work that names the app and carries the worker's log.</summary>
    internal FunctionsHostException Failure(string what) =>
        new($"Functions host for {AppName}: {what}.{Environment.NewLine}--- worker log (last lines) ---{Environment.NewLine}{LogTail}");

    private async Task<T> StepAsync<T>(Task<T> step, TimeSpan timeout, string what)
    {
        await StepAsync((Task)step, timeout, what);
        return await step;
    }

    private async Task StepAsync(Task step, TimeSpan timeout, string what)
    {
        var exited = _process is null ? Task.Delay(Timeout.Infinite) : _process.WaitForExitAsync();
        var finished = await Task.WhenAny(step, exited, Task.Delay(timeout));
        if (finished == step)
        {
            if (step.Exception?.InnerException is { } error)
            {
                throw Failure($"{what}: {error.Message}");
            }

            return;
        }

        if (finished == exited)
        {
            await Task.Delay(200); // let the last output lines arrive
            throw Failure($"{what}: the worker exited with code {_process!.ExitCode}");
        }

        throw Failure($"{what} within {timeout.TotalSeconds} s");
    }

    private void RequireSuccess(StatusResult? result, string request)
    {
        if (result is not { Status: StatusResult.Types.Status.Success })
        {
            throw Failure($"{request} failed: {result?.Status.ToString() ?? "no result"} {result?.Exception?.Type} {result?.Exception?.Message}");
        }
    }

    private async Task<int> StartGrpcAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Cleartext HTTP/2 only (the worker dials with prior knowledge), no message size limits, as the host.
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton(_channel);
        _grpc = builder.Build();
        _grpc.MapGrpcService<FunctionRpcService>();
        await _grpc.StartAsync();
        return new Uri(_grpc.Urls.Single()).Port;
    }

    private static string ReadRoutePrefix(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path))
        {
            throw new FunctionsHostException($"{path} is missing: the host reads its route prefix and settings from it.");
        }

        using var hostJson = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return hostJson.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()!.Trim('/')
                : "api";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } && !_channel.Connected.IsCompletedSuccessfully)
        {
            _process.Kill(entireProcessTree: true); // never spoke the protocol: nothing to terminate gracefully
            await _process.WaitForExitAsync();
        }
        else if (_process is { HasExited: false })
        {
            await TerminateAsync(TimeSpan.FromSeconds(5));
        }

        _process?.Dispose();
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        if (_grpc is not null)
        {
            await _grpc.StopAsync(CancellationToken.None);
            await _grpc.DisposeAsync();
        }
    }
}

/// <summary>How the worker ended: by itself (with its exit code) or killed after the grace period.</summary>
public sealed record WorkerExit(bool ExitedOnItsOwn, int? ExitCode, TimeSpan Elapsed);

/// <summary>One request the front door answered; <paramref name="Function"/> is null when no route matched.</summary>
public sealed record ServedRequest(string? Function, string Method, string Path, int Status);

/// <summary>The host could not do what a test asked (launch, handshake, invocation), with the worker's log.</summary>
public sealed class FunctionsHostException(string message) : Exception(message);

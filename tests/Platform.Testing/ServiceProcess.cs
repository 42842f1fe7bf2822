using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.FunctionsHost;

namespace Platform.Testing;

/// <summary>
/// One service running as a real process from the build output, against the test run's PostgreSQL
/// and RabbitMQ, in the hosting mode of the run (<see cref="TestEnvironment.Hosting"/>): standalone
/// (<c>dotnet App.dll --standalone</c>), or as an isolated worker launched and served by the
/// test Functions host (<see cref="FunctionsHost"/>), so the same tests call either through
/// <see cref="Client"/>. Ready when <c>/api/health</c> is 200.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private Process _process = null!;
    private readonly ConcurrentQueue<string> _output;
    private readonly FunctionsTestHost? _host;
    private bool _crashed;

    private ServiceProcess(string name, Uri baseAddress, ConcurrentQueue<string> output, FunctionsTestHost? host = null)
    {
        Name = name;
        _output = output;
        _host = host;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>How this instance is hosted.</summary>
    public TestHosting Hosting => _host is null ? TestHosting.Standalone : TestHosting.Functions;

    /// <summary>The test Functions host serving this instance, in Functions mode; null standalone.</summary>
    public FunctionsTestHost? Host => _host;

    public string Name { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static async Task<ServiceProcess> StartAsync(string service, IDictionary<string, string?> environment, int? port = null, TestHosting? hosting = null)
    {
        if ((hosting ?? TestEnvironment.Hosting) == TestHosting.Functions)
        {
            var underHost = await StartUnderFunctionsHostAsync(service, environment, port);
            await underHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(45));
            return underHost;
        }

        var output = TestEnvironment.AppOutput(service);
        var dll = Path.Combine(output, service + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        }

        var listen = port ?? TestEnvironment.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--standalone");
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{listen}");
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + service);
        var lines = new ConcurrentQueue<string>();
        var started = new ServiceProcess(service, new Uri($"http://127.0.0.1:{listen}/"), lines) { _process = process };
        process.OutputDataReceived += (_, e) => Collect(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(lines, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await started.WaitUntilHealthyAsync(TimeSpan.FromSeconds(45));
        return started;
    }

    /// <summary>
    /// Launches the app under the test Functions host without waiting for health (a test of an
    /// outage wants the instance up while a dependency is down). The settings are its app settings.
    /// </summary>
    public static async Task<ServiceProcess> StartUnderFunctionsHostAsync(string service, IDictionary<string, string?> environment, int? port = null)
    {
        var output = new ConcurrentQueue<string>();
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in environment)
        {
            settings[key] = value;
        }

        var host = await FunctionsTestHost.StartAsync(new FunctionsHostOptions
        {
            AppName = service,
            AppDirectory = TestEnvironment.AppOutput(service),
            Settings = settings,
            HttpPort = port ?? 0,

            // local.settings.json keeps Host.CORS equal to CORS_ALLOWED_ORIGINS (the sample's rule).
            CorsOrigins = environment.TryGetValue("CORS_ALLOWED_ORIGINS", out var cors) ? cors : null,
            Log = line => Collect(output, line),
        });
        var started = new ServiceProcess(service, host.BaseAddress, output, host) { _process = host.Worker };

        FunctionsModeCoverage.RecordFunctions(host);
        return started;
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:{Environment.NewLine}{OutputTail}");
            }

            try
            {
                using var response = await Client.GetAsync("api/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not healthy after {timeout.TotalSeconds} s:{Environment.NewLine}{OutputTail}");
    }

    /// <summary>Kills the process without warning, as a crash or an OOM kill would (under the Functions host: the worker, and the instance's front door with it).</summary>
    public void Kill()
    {
        if (_host is not null)
        {
            _crashed = true;
            _host.CrashAsync().GetAwaiter().GetResult();
            return;
        }

        _process.Kill(entireProcessTree: true);
    }

    private static void Collect(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 500 && output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null)
        {
            FunctionsModeCoverage.RecordServed(_host);
            var failures = _crashed ? [] : _host.Failures.ToList();
            await _host.DisposeAsync();
            if (failures.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{Name} under the Functions host: {failures.Count} invocation(s) failed between host and worker:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
            }

            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// One service running standalone as a real process (<c>dotnet App.dll --standalone</c>), from the
/// build output, against the test run's PostgreSQL and RabbitMQ. Ready when <c>/api/health</c> is 200.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output.TakeLast(60));

    public static async Task<ServiceProcess> StartAsync(string service, IDictionary<string, string?> environment, int? port = null)
    {
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
        var started = new ServiceProcess(service, process, new Uri($"http://127.0.0.1:{listen}/"));
        process.OutputDataReceived += (_, e) => started.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => started.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await started.WaitUntilHealthyAsync(TimeSpan.FromSeconds(45));
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

    /// <summary>Kills the process without warning, as a crash or an OOM kill would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

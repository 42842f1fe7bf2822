using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Eventing.Tests.Support;

/// <summary>
/// The eventing test app (tests/Platform.Eventing.TestApp) as a real process: <c>migrate</c>, or
/// <c>--standalone</c> on a free port, ready when <c>/api/health</c> answers 200 and says its consumer is consuming. Like
/// <see cref="ServiceProcess"/>, but started from a dll path and keeping its whole output, so that a
/// test can wait for a log line and quote the output when it fails.
/// </summary>
public sealed class TestAppProcess : IAsyncDisposable
{
    private const int MaxLines = 20_000;
    private readonly Process _process;
    private readonly List<string> _output = [];

    private TestAppProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static string DllPath => Path.Combine(
        TestEnvironment.RepoRoot, "tests", "Platform.Eventing.TestApp", "bin", TestEnvironment.BuildConfiguration, "net10.0", "Platform.Eventing.TestApp.dll");

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string OutputTail(int lines = 60)
    {
        lock (_output)
        {
            return $"--- {Name} (pid {_process.Id}{(_process.HasExited ? ", exited" : string.Empty)}), last {Math.Min(lines, _output.Count)} lines ---{Environment.NewLine}"
                + string.Join(Environment.NewLine, _output.TakeLast(lines));
        }
    }

    public int CountLines(string fragment)
    {
        lock (_output)
        {
            return _output.Count(l => l.Contains(fragment, StringComparison.Ordinal));
        }
    }

    /// <summary>Applies the app's migrations (<c>migrate</c>) to the schema in the environment; returns its output.</summary>
    public static async Task<string> MigrateAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = StartInfo(environment, "migrate");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + DllPath);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"migrate did not finish within {timeout.TotalSeconds} s:{Environment.NewLine}{await stdout}{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"migrate exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        }

        return await stdout + await stderr;
    }

    public static async Task<TestAppProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> environment, TimeSpan? healthTimeout = null)
    {
        var port = TestEnvironment.FreePort();
        var info = StartInfo(environment, "--standalone", "--urls", $"http://127.0.0.1:{port}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + DllPath);
        var app = new TestAppProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => app.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => app.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(healthTimeout ?? TimeSpan.FromSeconds(45));
            TestLog.Log($"healthy {name}");
            await app.WaitUntilConsumingAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    public Task WaitUntilHealthyAsync(TimeSpan timeout) =>
        WaitForHealthAsync("healthy", (status, _) => status == HttpStatusCode.OK, timeout);

    /// <summary>
    /// Waits until health says this instance's consumer is subscribed to its queue. Health answers 200
    /// as soon as the broker is reachable, which can be before the consumer's first session starts.
    /// </summary>
    public Task WaitUntilConsumingAsync(TimeSpan timeout) =>
        WaitForHealthAsync(
            "consuming",
            (_, body) => JsonDocument.Parse(body).RootElement.GetProperty("checks").TryGetProperty("consumer", out var consumer)
                && consumer.GetProperty("status").GetString() == "consuming",
            timeout);

    private async Task WaitForHealthAsync(string what, Func<HttpStatusCode, string, bool> ready, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:{Environment.NewLine}{OutputTail()}");
            }

            try
            {
                var (status, body, _) = await GetAsync("api/health");
                if (ready(status, body))
                {
                    return;
                }

                last = $"{(int)status}: {body}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = ex.Message; // Not listening yet, or not health's body yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not {what} after {timeout.TotalSeconds} s (last health: {last}){Environment.NewLine}{OutputTail()}");
    }

    /// <summary>Waits until a line containing <paramref name="fragment"/> was written (at least <paramref name="count"/> of them).</summary>
    public async Task WaitForOutputAsync(string fragment, TimeSpan timeout, int count = 1)
    {
        var deadline = Stopwatch.StartNew();
        while (CountLines(fragment) < count)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before writing '{fragment}':{Environment.NewLine}{OutputTail()}");
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not write '{fragment}' ({count}x) within {timeout.TotalSeconds} s:{Environment.NewLine}{OutputTail()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the process without warning (SIGKILL), as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dll = DllPath;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > MaxLines)
            {
                _output.RemoveRange(0, _output.Count - MaxLines);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }
}

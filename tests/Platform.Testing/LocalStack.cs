using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// Stops and starts the RabbitMQ node of the test run's own stack, and makes its virtual hosts,
/// through scripts/stack.sh. The
/// test command exports PLATFORM_STACK_SCRIPT and PLATFORM_STACK_DIR; the node's settings
/// (PG_PORT, AMQP_PORT, RABBIT_NODE) come from the environment or from the stack's stack.env,
/// exactly as stack.sh itself resolves them, and must point at the broker in RabbitMQConnection.
/// </summary>
public static class LocalStack
{
    private static readonly string[] Settings = ["PG_PORT", "AMQP_PORT", "RABBIT_NODE"];

    /// <summary>SIGKILLs the broker (stack.sh rabbit-stop). Everyone using this stack loses it until <see cref="RabbitStartAsync"/>.</summary>
    public static Task RabbitStopAsync() => RunAsync("rabbit-stop", TimeSpan.FromSeconds(30));

    /// <summary>Starts the broker again and waits until it accepts connections (stack.sh rabbit-start).</summary>
    public static Task RabbitStartAsync() => RunAsync("rabbit-start", TimeSpan.FromSeconds(90));

    /// <summary>
    /// Raises (or ends) a memory alarm on the broker (stack.sh rabbit-alarm): while it lasts, RabbitMQ
    /// blocks every connection that publishes, in every vhost. Tests that raise it are in category Faults.
    /// </summary>
    public static Task RabbitAlarmAsync(bool on) => RunAsync("rabbit-alarm", TimeSpan.FromSeconds(30), on ? "on" : "off");

    /// <summary>Virtual hosts of this run, one pool per prefix (one per test project), each made by one CLI call at first use.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Pools = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, int> Taken = new(StringComparer.Ordinal);

    public const string VhostPrefix = "eventing-tests";

    /// <summary>More than the scenarios of one run, so that no two of them ever share a vhost.</summary>
    public const int VhostCount = 32;

    /// <summary>
    /// The broker URI of a virtual host no other scenario of this run uses. Queues are bound by event
    /// type, so in a shared vhost one scenario's events would also land in every other queue bound to
    /// the same type (and a queue deleted by one scenario would nack another's publishes). Each test
    /// project uses its own <paramref name="prefix"/>: the counter is per process. The pool of a prefix
    /// has <paramref name="count"/> vhosts (every call with that prefix must give the same count).
    /// </summary>
    public static async Task<string> TakeVhostAsync(string prefix = VhostPrefix, int count = VhostCount)
    {
        await Pools.GetOrAdd(prefix, p => new Lazy<Task>(() => RunAsync("rabbit-vhosts", TimeSpan.FromSeconds(180), p, count.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Value;
        var number = (Taken.AddOrUpdate(prefix, 1, (_, n) => n + 1) - 1) % count + 1;
        return new UriBuilder(TestEnvironment.RabbitMq) { Path = $"/{prefix}-{number}" }.Uri.ToString();
    }

    private static async Task RunAsync(string command, TimeSpan timeout, params string[] arguments)
    {
        var script = TestEnvironment.Require("PLATFORM_STACK_SCRIPT");
        var stackDir = TestEnvironment.Require("PLATFORM_STACK_DIR");
        var settings = Resolve(stackDir);
        var amqpPort = new Uri(TestEnvironment.RabbitMq).Port;
        if (!settings.TryGetValue("AMQP_PORT", out var port) || port != amqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException(
                $"The stack in {stackDir} has AMQP_PORT={port ?? "(unset)"}, but RabbitMQConnection uses port {amqpPort}: refusing to stop or start another stack's broker.");
        }

        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(command);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["STACK_DIR"] = stackDir;
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.StartNew();
        TestLog.Log($"stack.sh {command}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run " + script);
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
            throw new TimeoutException($"stack.sh {command} did not finish within {timeout.TotalSeconds} s:{Environment.NewLine}{await stdout}{await stderr}");
        }

        TestLog.Log($"stack.sh {command} done in {started.Elapsed.TotalSeconds:F1} s");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"stack.sh {command} exited with {process.ExitCode} after {started.Elapsed.TotalSeconds:F1} s:{Environment.NewLine}{await stdout}{await stderr}");
        }
    }

    private static Dictionary<string, string> Resolve(string stackDir)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = Path.Combine(stackDir, "stack.env");
        if (File.Exists(file))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                var at = line.IndexOf('=', StringComparison.Ordinal);
                if (at > 0 && Settings.Contains(line[..at]))
                {
                    values[line[..at]] = line[(at + 1)..];
                }
            }
        }

        foreach (var name in Settings)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                values[name] = value;
            }
        }

        return values;
    }
}

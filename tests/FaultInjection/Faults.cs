using System.Diagnostics;
using System.Globalization;

namespace FaultInjection;

/// <summary>One injected fault: when it began, how long the component was gone, how long the platform took to heal.</summary>
/// <param name="Outage">From the fault until the component was back (broker started, process restarted and healthy, database started).</param>
/// <param name="Healthy">From then until every service answered its health check with 200; null if not within the limit.</param>
/// <param name="Backlog">From then until every outbox row written before it was published; null if not within the limit.</param>
internal sealed record FaultRecord(string Name, TimeSpan Began, TimeSpan Outage, TimeSpan? Healthy, TimeSpan? Backlog, string Notes);

/// <summary>
/// The service processes the script started (pid files and logs in FAULT_RUN_DIR): health checks,
/// SIGKILL, and a restart on the same port with the same environment.
/// </summary>
internal sealed class ServiceProcesses(Settings settings, Api api)
{
    private string PidFile(string service) => Path.Combine(settings.RunDir, service + ".pid");

    private string LogFile(string service) => Path.Combine(settings.RunDir, service + ".log");

    /// <summary>SIGKILLs the service's process; returns its pid.</summary>
    public async Task<int> KillAsync(string service)
    {
        var pid = int.Parse(File.ReadAllText(PidFile(service)).Trim(), CultureInfo.InvariantCulture);
        var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        if (!commandLine.Contains(service + ".dll", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pid {pid} from {PidFile(service)} is not {service} ({commandLine}).");
        }

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }

        // A killed process is gone once every thread has left the kernel; on a loaded two-core machine a
        // service in the middle of writing its log took more than 5 s (the full suite of 2026-12-04).
        for (var i = 0; i < 400 && Alive(pid); i++)
        {
            await Task.Delay(50);
        }

        return Alive(pid) ? throw new InvalidOperationException($"{service} (pid {pid}) was still exiting 20 s after SIGKILL.") : pid;
    }

    /// <summary>Starts the service again on its port, appending to its log; records the new pid for the script's clean-up.</summary>
    public int Start(string service)
    {
        var dll = Path.Combine(settings.Repo, "functions", service, "bin", settings.BuildConfiguration, "net10.0", service + ".dll");
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var argument in (string[])["-c", "cd \"$(dirname \"$0\")\" && exec dotnet \"$0\" --standalone --urls \"$1\" >>\"$2\" 2>&1",
                     dll, $"http://127.0.0.1:{settings.Ports[service]}", LogFile(service)])
        {
            info.ArgumentList.Add(argument);
        }

        // As the script started it: over the service's own broker user (issue 18), not the rig's.
        info.Environment["RabbitMQConnection"] = ServiceBrokerUri(service);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + service);
        File.WriteAllText(PidFile(service), process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        return process.Id;
    }

    /// <summary><c>RequestService</c> → the rig's broker URI with that service's local user (<c>request-service</c>, password the same, as scripts/lib.sh broker_uri_for makes it).</summary>
    private string ServiceBrokerUri(string service)
    {
        var user = string.Concat(service.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
        return new UriBuilder(settings.RabbitUri) { UserName = user, Password = user }.Uri.ToString();
    }

    /// <summary>Waits until the service answers GET /api/health with 200; returns how long that took, null on timeout.</summary>
    public async Task<TimeSpan?> WaitHealthyAsync(string service, TimeSpan timeout, CancellationToken abort)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if ((await api.ProbeAsync(service, "api/health", "/api/health", abort)).Status == 200)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250, abort);
        }

        return null;
    }

    /// <summary>Waits until every service is healthy; returns how long that took, null on timeout.</summary>
    public async Task<TimeSpan?> WaitAllHealthyAsync(TimeSpan timeout, CancellationToken abort)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(ServiceCatalog.All.Select(s => WaitHealthyAsync(s.Name, timeout, abort)));
        return results.All(r => r is not null) ? clock.Elapsed : null;
    }

    /// <summary>Alive unless gone or a zombie whose threads have all exited (it holds no sockets any more).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' || Directory.GetDirectories($"/proc/{pid}/task").Length > 1;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>
/// The faults, in sequence with a pause between them, while the load runs: RabbitMQ is killed for
/// ~10 s and restarted; services are SIGKILLed and restarted on their ports; PostgreSQL is stopped
/// and started again. After each, it measures how long the platform takes to be healthy again and
/// to publish the outbox rows that piled up.
/// </summary>
internal sealed class FaultPlan(Settings settings, PhaseClock phases, ServiceProcesses services, PlatformState state, Api api)
{
    private static readonly TimeSpan BrokerDown = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DatabaseDown = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HealLimit = TimeSpan.FromSeconds(90);

    public async Task<IReadOnlyList<FaultRecord>> RunAsync(List<FaultRecord> faults, CancellationToken abort)
    {
        phases.Enter("warm-up");
        await Task.Delay(TimeSpan.FromSeconds(8), abort);

        if (!settings.Skip.Contains("rabbit"))
        {
            faults.Add(await BrokerOutageAsync(abort));
            await Task.Delay(Pause, abort);
        }

        if (!settings.Skip.Contains("kill"))
        {
            foreach (var service in settings.KillServices)
            {
                faults.Add(await ServiceCrashAsync(service, abort));
                await Task.Delay(Pause, abort);
            }
        }

        if (!settings.Skip.Contains("pg"))
        {
            faults.Add(await DatabaseRestartAsync(abort));
        }

        return faults;
    }

    private async Task<FaultRecord> BrokerOutageAsync(CancellationToken abort)
    {
        phases.Enter("rabbitmq-down");
        var began = phases.Elapsed;
        var clock = Stopwatch.StartNew();
        await StackAsync("rabbit-stop", abort);
        try
        {
            await Task.Delay(BrokerDown, abort);
        }
        finally
        {
            await StackAsync("rabbit-start", CancellationToken.None); // whatever happens, the broker comes back
        }

        var outage = clock.Elapsed;
        phases.Enter("after-rabbitmq");
        var (healthy, backlog) = await HealAsync(abort);
        return new FaultRecord("RabbitMQ killed (SIGKILL), restarted", began, outage, healthy, backlog, $"held down {BrokerDown.TotalSeconds:0} s, then booted");
    }

    private async Task<FaultRecord> ServiceCrashAsync(string service, CancellationToken abort)
    {
        var info = ServiceCatalog.Find(service)!;
        phases.Enter($"{info.Queue}-killed");
        var began = phases.Elapsed;
        var clock = Stopwatch.StartNew();
        var oldPid = await services.KillAsync(service);
        int newPid;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), abort);
        }
        finally
        {
            newPid = services.Start(service);
        }

        var up = await services.WaitHealthyAsync(service, HealLimit, abort);
        var outage = clock.Elapsed;
        phases.Enter($"after-{info.Queue}-kill");
        var (healthy, backlog) = up is null ? (null, null) : await HealAsync(abort);
        Log.Info($"{service} pid {oldPid} SIGKILLed, restarted as pid {newPid}");
        return new FaultRecord($"{info.Queue} SIGKILL, restarted", began, outage, healthy, backlog, $"pid {oldPid} -> {newPid}");
    }

    private async Task<FaultRecord> DatabaseRestartAsync(CancellationToken abort)
    {
        phases.Enter("postgres-down");
        var began = phases.Elapsed;
        var clock = Stopwatch.StartNew();
        await StackAsync("pg-stop", abort);
        try
        {
            // While it is down, every service's health check must say 503 (with Retry-After), not hang or 500.
            using var probing = CancellationTokenSource.CreateLinkedTokenSource(abort);
            var probes = Task.WhenAll(ServiceCatalog.All.Select(s => ProbeWhileDownAsync(s.Name, probing.Token)));
            await Task.Delay(DatabaseDown, abort);
            await probing.CancelAsync();
            await probes;
        }
        finally
        {
            await StackAsync("pg-start", CancellationToken.None); // whatever happens, the database comes back
        }

        var outage = clock.Elapsed;
        phases.Enter("after-postgres");
        var (healthy, backlog) = await HealAsync(abort);
        return new FaultRecord("PostgreSQL stopped (fast), restarted", began, outage, healthy, backlog, $"held down {DatabaseDown.TotalSeconds:0} s");
    }

    /// <summary>Once the component is back: how long until all services are healthy, and until the outbox rows written before now are published.</summary>
    private async Task<(TimeSpan? Healthy, TimeSpan? Backlog)> HealAsync(CancellationToken abort)
    {
        var back = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var healthy = services.WaitAllHealthyAsync(HealLimit, abort);
        var backlog = BacklogSentAsync(back, clock, abort);
        var result = (await healthy, await backlog);
        Log.Info($"healthy again after {Seconds(result.Item1)}; outbox backlog published after {Seconds(result.Item2)}");
        if (result.Item2 is null)
        {
            // Say what is still unsent, so that a failed run can be diagnosed from its log alone.
            foreach (var line in await state.UnsentReportAsync(back))
            {
                Log.Warn("still unsent: " + line);
            }
        }

        return result;
    }

    private async Task<TimeSpan?> BacklogSentAsync(DateTime before, Stopwatch clock, CancellationToken abort)
    {
        while (clock.Elapsed < HealLimit)
        {
            try
            {
                if (await state.UnsentBeforeAsync(before) == 0)
                {
                    return clock.Elapsed;
                }
            }
            catch (Npgsql.NpgsqlException)
            {
                // The database is still coming up.
            }

            await Task.Delay(200, abort);
        }

        return null;
    }

    private async Task ProbeWhileDownAsync(string service, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await api.ProbeAsync(service, "api/health", "/api/health", stop);
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Outage over.
        }
    }

    /// <summary>Runs <c>bash $PLATFORM_STACK_SCRIPT command</c> with the stack's environment (inherited).</summary>
    private async Task StackAsync(string command, CancellationToken abort)
    {
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(settings.StackScript);
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run " + settings.StackScript);
        var output = process.StandardOutput.ReadToEndAsync(abort);
        var errors = process.StandardError.ReadToEndAsync(abort);
        await process.WaitForExitAsync(abort);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"stack.sh {command} failed ({process.ExitCode}): {await output}{await errors}");
        }

        Log.Info($"stack.sh {command}: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static string Seconds(TimeSpan? time) => time is null ? "NOT within the limit" : $"{time.Value.TotalSeconds:0.0} s";
}

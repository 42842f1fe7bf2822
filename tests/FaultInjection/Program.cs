using System.Diagnostics;
using FaultInjection;

// The fault-injection check: a mixed load through the four services' HTTP APIs while RabbitMQ is
// killed and restarted, a service is SIGKILLed and restarted, and PostgreSQL is restarted; then a
// reconciliation across services. Exit code 0 only when nothing was lost, doubled or left stuck and
// no request got a 5xx other than 503. Run by scripts/test-extra.d/fault-injection.sh.
var run = Stopwatch.StartNew();
Settings settings;
try
{
    settings = Settings.FromEnvironment();
}
catch (Exception ex) when (ex is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine("fault-injection: " + ex.Message);
    return 2;
}

var phases = new PhaseClock();
var traffic = new Traffic(phases);
using var api = new Api(settings, traffic);
await using var state = new PlatformState(settings);
var ledger = new Ledger();
var services = new ServiceProcesses(settings, api);

// A hard limit for everything that talks to the platform, so a hang cannot outlive the script's budget.
using var abort = new CancellationTokenSource(settings.LoadDuration + settings.DrainTimeout + TimeSpan.FromMinutes(3));

if (await services.WaitAllHealthyAsync(TimeSpan.FromSeconds(60), abort.Token) is null)
{
    Console.Error.WriteLine("fault-injection: the services are not healthy; nothing was run.");
    return 2;
}

// Events after these outbox rows, and parked messages beyond these counts, belong to this run.
var marks = await state.OutboxMarksAsync();
var parkedBefore = await state.QueueDepthsAsync(Reconciler.ParkingQueues());

World world;
try
{
    world = await Load.SetUpAsync(api, new Tokens(settings.SupabaseUrl, settings.JwtSecret), ledger, abort.Token);
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine("fault-injection: " + ex.Message);
    return 2;
}

Log.Info($"set up {ledger.Users.Count} users and {world.Campaigns.Count} active campaigns; load with {settings.Workers} loops");
var load = new Load(api, ledger, world);
using var stop = new CancellationTokenSource();
var loadClock = Stopwatch.StartNew();
var loadTask = load.RunAsync(settings.Workers, stop.Token, abort.Token);

var faults = new List<FaultRecord>();
string? faultFailure = null;
try
{
    await new FaultPlan(settings, phases, services, state, api).RunAsync(faults, abort.Token);
}
catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or OperationCanceledException)
{
    faultFailure = ex.Message;
    Log.Warn("fault injection failed: " + ex.Message);
}

// Keep the load on for the configured time, and at least a little while after the last fault healed.
// When the faults ran out of the run's time budget (abort fired), the run still ends with its report.
var tail = settings.LoadDuration - loadClock.Elapsed;
await Task.Delay(tail > TimeSpan.FromSeconds(10) ? tail : TimeSpan.FromSeconds(10), abort.Token).ContinueWith(_ => { }, TaskScheduler.Default);
await stop.CancelAsync();
var loadTime = loadClock.Elapsed;
phases.Enter("finishing");
Log.Info("load stopped; waiting for calls in flight and saga follow-ups");
try
{
    await loadTask.WaitAsync(TimeSpan.FromSeconds(90));
}
catch (TimeoutException)
{
    Log.Warn("calls still in flight after 90 s; cutting them off");
    await abort.CancelAsync();
}

var reconciler = new Reconciler(settings, state, ledger, marks, parkedBefore);
var drain = await reconciler.DrainAsync();
var checks = await reconciler.ReconcileAsync();
var summary = new RunSummary(faults, faultFailure, phases, traffic, ledger, load.DriverErrors, drain, checks, loadTime, run.Elapsed);
Console.WriteLine(Report.Render(summary));
var byRoute = Path.Combine(settings.RunDir, "requests-by-route.txt");
await File.WriteAllLinesAsync(byRoute, traffic.ByRouteAndStatus.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value,7} {r.Key}"));
Log.Info($"requests by route and status: {byRoute}");
return summary.Passed ? 0 : 1;

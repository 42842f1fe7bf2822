using System.Diagnostics;
using System.Globalization;
using Platform.FunctionsHost;

// Cold start of the apps in Functions mode (issue 21), beside bench/cold-start.sh's standalone figures.
// Each app is launched by the test Functions host (tests/Platform.FunctionsHost) the way the Functions
// host launches an isolated worker: worker.config.json, the host's switches, gRPC init, indexing, one
// FunctionLoadRequest per function; then GET /api/health through the host's front door (the worker's
// HttpUri), which checks the database and the broker. Times run from the worker process's start (the
// kernel's, 10 ms granularity), so the test host's own start is not counted.
//   FunctionsColdStart <runs> <app>=<label>=<directory> [...]
// Each app's broker URI comes from RabbitMQConnection_<app> (the service's own broker user); every
// other setting from the environment. One worker at a time, the entries alternating within a run; a
// first, unreported launch warms the test host itself.
var culture = CultureInfo.InvariantCulture;
if (args.Length < 2 || !int.TryParse(args[0], NumberStyles.None, culture, out var runs) || runs < 1)
{
    Console.Error.WriteLine("usage: FunctionsColdStart <runs> <app>=<label>=<directory> [...]");
    return 2;
}

var entries = args.Skip(1).Select(a => a.Split('=', 3)).ToList();
if (entries.Any(e => e.Length != 3 || !Directory.Exists(e[2])))
{
    Console.Error.WriteLine("each entry is <app>=<label>=<directory of the app's build or publish output>");
    return 2;
}

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
var loaded = new Dictionary<string, List<double>>();
var ready = new Dictionary<string, List<double>>();
for (var run = 0; run <= runs; run++)
{
    foreach (var entry in entries)
    {
        var (app, label, directory) = (entry[0], entry[1], entry[2]);
        var key = $"{app} ({label})";
        var settings = new Dictionary<string, string?>
        {
            ["RabbitMQConnection"] = Environment.GetEnvironmentVariable("RabbitMQConnection_" + app)
                ?? throw new InvalidOperationException($"Set RabbitMQConnection_{app}."),
        };
        await using var host = await FunctionsTestHost.StartAsync(new FunctionsHostOptions { AppName = app, AppDirectory = directory, Settings = settings });
        var functionsLoaded = DateTime.Now;
        var started = host.Worker.StartTime;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(host.BaseAddress, "api/health"));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }

            if (DateTime.Now - started > TimeSpan.FromSeconds(60))
            {
                Console.Error.WriteLine($"{key}: /api/health did not answer 200 within 60 s\n{host.LogTail}");
                return 3;
            }

            await Task.Delay(5);
        }

        var healthy = DateTime.Now;
        await host.TerminateAsync(TimeSpan.FromSeconds(10));
        if (run == 0)
        {
            continue; // the test host's own JIT warm-up
        }

        Add(loaded, key, (functionsLoaded - started).TotalMilliseconds);
        Add(ready, key, (healthy - started).TotalMilliseconds);
    }

    Console.Error.WriteLine(run == 0 ? "warm-up launch done" : $"run {run} of {runs} done");
}

Console.WriteLine("| app (Functions mode) | worker start → functions loaded (ms) | worker start → first 200 of /api/health (ms) |");
Console.WriteLine("|---|---:|---:|");
foreach (var key in loaded.Keys)
{
    Console.WriteLine($"| {key} | {Summary(loaded[key])} | {Summary(ready[key])} |");
}

Console.WriteLine($"(medians (min–max) of {runs} launches each, the test Functions host launching the worker over the host protocol)");
return 0;

static void Add(Dictionary<string, List<double>> into, string key, double value)
{
    if (!into.TryGetValue(key, out var list))
    {
        into[key] = list = [];
    }

    list.Add(value);
}

static string Summary(List<double> values)
{
    var sorted = values.Order().ToList();
    var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    return string.Create(CultureInfo.InvariantCulture, $"{median:F0} ({sorted[0]:F0}–{sorted[^1]:F0})");
}

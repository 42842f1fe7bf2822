using System.Diagnostics;
using System.Globalization;
using EventPipelineBench;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
using Platform.Hosting.Hosting;

// Usage: EventPipelineBench [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
var backlog = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var warmup = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30);
var measure = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
var rates = (args.Length > 3 ? args[3] : "300,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
const string Schema = "bench_events";
Environment.SetEnvironmentVariable("Eventing__Queue", "bench-events");
Environment.SetEnvironmentVariable("SUPABASE_URL", Environment.GetEnvironmentVariable("SUPABASE_URL") ?? "http://127.0.0.1:54321");

var migrate = PlatformApplication.Create("event-bench", ["migrate"]);
migrate.AddPlatformDefaults().AddServiceDatabase("BenchDbConnection", Schema);
if (await migrate.RunAsync() != 0)
{
    return 1;
}

await Bench.ResetAsync(Environment.GetEnvironmentVariable("BenchDbConnection")!, Environment.GetEnvironmentVariable("RabbitMQConnection")!, Schema);
await Bench.FillBacklogAsync(Environment.GetEnvironmentVariable("BenchDbConnection")!, Schema, backlog);

var app = PlatformApplication.Create("event-bench", ["--standalone", "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
app.AddPlatformDefaults().AddServiceDatabase("BenchDbConnection", Schema);
app.AddEventing(h => h.Handle<DonationCreated, BenchHandler>());
var recorder = new Recorder();
app.Services.AddSingleton(recorder);

Console.WriteLine($"backlog {backlog:N0} events → outbox → relay → RabbitMQ → consumer → inbox commit");
var started = Stopwatch.GetTimestamp();
using var host = await app.StartStandaloneAsync();
while (recorder.Handled < backlog && Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(5))
{
    await Task.Delay(20);
}

var drain = Stopwatch.GetElapsedTime(started, recorder.LastHandledAt);
Console.WriteLine($"drain: {recorder.Handled:N0} events in {drain.TotalSeconds:F2} s = {recorder.Handled / drain.TotalSeconds:N0} events/s");
recorder.TakeLatencies();

var database = host.Services.GetRequiredService<ServiceDatabase>();
Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} events/s");
await Bench.ProduceAsync(database, recorder, rates.Max(), warmup);
await Task.Delay(2000);
recorder.TakeLatencies();
Console.WriteLine("| rate (events/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var sent = await Bench.ProduceAsync(database, recorder, rate, measure);
    await Task.Delay(2000);
    var latencies = recorder.TakeLatencies();
    Console.WriteLine($"| {rate} | {sent} | {Bench.Percentile(latencies, 0.50):F1} | {Bench.Percentile(latencies, 0.99):F1} | {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} |");
}

await host.StopAsync();
return 0;

using System.Diagnostics;
using System.Globalization;
using BenchTiming;
using EventPipelineBench;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Hosting.Hosting;

// The event pipeline of the platform: outbox → OutboxRelay → RabbitMQ → EventConsumer → inbox commit,
// hosted exactly as the services host it (PlatformApplication, standalone, AddEventing).
//   EventPipelineBench fill [backlog=50000]
//       migrates, starts the service once so that its consumer declares and binds its queue, stops
//       it, empties outbox, inbox and queues, and commits the backlog to the outbox; then exits
//   EventPipelineBench run [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
//       a fresh process: cold start (process start → first backlog event's inbox commit), backlog
//       drain (all N committed in the inbox ÷ time from host start to the last inbox commit; fails
//       if fewer than N arrive), then p50/p99 producer commit → consumer commit at fixed rates
//   EventPipelineBench drain [backlog=50000] [instances=2]
//       after `fill`: starts <instances> processes of `serve` at once (each a whole service: relay
//       and consumer) over the one outbox and the one queue, and measures the drain by polling the
//       inbox (spawn of the first process → inbox count = backlog, polled every ~10 ms); then stops them and
//       checks every event committed once (per-instance counts add up to the backlog, no repeats,
//       outbox all sent). bench/two-instances.sh compares 1 and 2 instances.
//   EventPipelineBench serve
//       one instance for `drain`: runs until its standard input closes, then prints its counts.
// Connections: BenchDbConnection, RabbitMQConnection.
var mode = args.Length > 0 ? args[0] : string.Empty;
var backlog = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
Environment.SetEnvironmentVariable("Eventing__Queue", Bench.Queue);
Environment.SetEnvironmentVariable("SUPABASE_URL", Environment.GetEnvironmentVariable("SUPABASE_URL") ?? "http://127.0.0.1:54321");
var connectionString = Environment.GetEnvironmentVariable("BenchDbConnection") ?? throw new InvalidOperationException("Set BenchDbConnection.");
var amqp = Environment.GetEnvironmentVariable("RabbitMQConnection") ?? throw new InvalidOperationException("Set RabbitMQConnection.");

if (mode == "fill")
{
    var migrate = PlatformApplication.Create(Bench.Service, ["migrate"]);
    migrate.AddPlatformDefaults().AddServiceDatabase("BenchDbConnection", Bench.Schema);
    if (await migrate.RunAsync() != 0)
    {
        return 1;
    }

    // The relay publishes to the topic exchange; a message published before the consumer has bound
    // its queue is dropped by the broker, yet confirmed, and its row marked sent (on a fresh broker
    // that lost the first batch of the backlog: 4,500 of 5,000 arrived). So the consumer runs once
    // first, as it has in any running system, with an empty outbox.
    await Bench.TruncateAsync(connectionString);
    var topology = Bench.CreateService(new Recorder());
    using (var topologyHost = await topology.StartStandaloneAsync())
    {
        await Bench.WaitForConsumerAsync(amqp, TimeSpan.FromSeconds(60));
        await topologyHost.StopAsync();
    }

    await Bench.TruncateAsync(connectionString);
    await Bench.PurgeQueuesAsync(amqp);
    var filled = Stopwatch.GetTimestamp();
    await Bench.FillAsync(connectionString, backlog);
    var (outbox, unsent, inbox) = await Bench.CountAsync(connectionString);
    Console.WriteLine($"fill: {backlog:N0} events committed to the outbox in {Stopwatch.GetElapsedTime(filled).TotalSeconds:F1} s (outbox {outbox:N0} rows, {unsent:N0} unsent; inbox {inbox:N0}); queue {Bench.Queue} bound and empty");
    return outbox == backlog && unsent == backlog && inbox == 0 ? 0 : 1;
}

if (mode == "serve")
{
    var instanceRecorder = new Recorder();
    using (var instance = await Bench.CreateService(instanceRecorder).StartStandaloneAsync())
    {
        await Console.In.ReadToEndAsync();
        await instance.StopAsync();
    }

    Console.WriteLine($"RESULT instance {instanceRecorder.BacklogHandled} {instanceRecorder.BacklogRepeats}");
    return 0;
}

if (mode == "drain")
{
    var instances = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
    var self = System.Reflection.Assembly.GetEntryAssembly()!.Location;
    var start = Stopwatch.GetTimestamp();
    var children = Enumerable.Range(0, instances).Select(_ =>
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!, [self, "serve"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(info)!;
    }).ToList();
    var outputs = children.Select(c => c.StandardOutput.ReadToEndAsync()).ToList();
    long inbox = 0;
    var drained = await Progress.WaitAsync(
        () => inbox = Bench.CountAsync(connectionString).GetAwaiter().GetResult().Inbox,
        backlog,
        $"drain with {instances} instance(s): backlog events committed in the inbox");
    var elapsed = Stopwatch.GetElapsedTime(start);
    foreach (var child in children)
    {
        child.StandardInput.Close();
    }

    var perInstance = new List<(long Handled, long Repeats)>();
    foreach (var (child, output) in children.Zip(outputs))
    {
        await child.WaitForExitAsync();
        var line = (await output).Split('\n').LastOrDefault(l => l.StartsWith("RESULT instance ", StringComparison.Ordinal));
        var parts = line?.Split(' ') ?? [];
        perInstance.Add(parts.Length == 4
            ? (long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture))
            : (-1, -1));
    }

    var (drainOutbox, drainUnsent, drainInbox) = await Bench.CountAsync(connectionString);
    var shares = string.Join(" + ", perInstance.Select(p => p.Handled.ToString("N0", CultureInfo.InvariantCulture)));
    Console.WriteLine($"drain: {instances} instance(s), {backlog:N0} events in {elapsed.TotalSeconds:F2} s (first spawn → inbox complete) = {backlog / elapsed.TotalSeconds:N0} events/s; per instance {shares}; "
        + $"repeats {perInstance.Sum(p => p.Repeats)}; outbox {drainOutbox:N0} rows, {drainUnsent:N0} unsent; inbox {drainInbox:N0}");
    if (!drained || drainInbox != backlog || drainUnsent != 0 || perInstance.Any(p => p.Handled < 0) || perInstance.Sum(p => p.Handled) != backlog || perInstance.Sum(p => p.Repeats) != 0)
    {
        Console.Error.WriteLine("FAILED: drain: expected every backlog event committed exactly once across the instances");
        return 3;
    }

    Console.WriteLine($"RESULT drain_instances {instances} {backlog / elapsed.TotalSeconds:F0} {string.Join(',', perInstance.Select(p => p.Handled))}");
    return 0;
}

if (mode != "run")
{
    Console.Error.WriteLine("usage: EventPipelineBench fill [backlog] | run [backlog] [warmupSeconds] [seconds] [rates] | drain [backlog] [instances] | serve");
    return 2;
}

var warmup = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30);
var measure = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20);
var rates = (args.Length > 4 ? args[4] : "300,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();

// The drain starts with the host: the backlog is already committed, and nothing else runs first.
var drainStart = Stopwatch.GetTimestamp();
PipelineMeters.Start();
var recorder = new Recorder();
var app = Bench.CreateService(recorder);
using var host = await app.StartStandaloneAsync();
var hostStarted = Stopwatch.GetElapsedTime(drainStart);
// CPU is counted from the first handled event on: the drain's steady state, without the start.
await Progress.WaitAsync(() => recorder.BacklogHandled, 1, "drain: first backlog event committed in the inbox");
var drainCpu = CpuUse.Start();
var handledBeforeCpu = recorder.BacklogHandled;
var complete = await Progress.WaitAsync(() => recorder.BacklogHandled, backlog, "drain: backlog events committed in the inbox");
drainCpu.Report("drain", backlog - handledBeforeCpu);
Console.WriteLine($"backlog {backlog:N0} events → outbox → relay → RabbitMQ → consumer → inbox commit (host start {hostStarted.TotalMilliseconds:F0} ms)");
var (outboxRows, unsentRows, inboxRows) = await Bench.CountAsync(connectionString);
Console.WriteLine($"database: outbox {outboxRows:N0} rows, {unsentRows:N0} unsent; inbox {inboxRows:N0} rows; consumer: {recorder.BacklogHandled:N0} backlog events committed, {recorder.BacklogRepeats:N0} committed twice");
if (!complete || inboxRows != backlog || outboxRows != backlog || unsentRows != 0 || recorder.BacklogRepeats != 0)
{
    if (unsentRows == 0 && inboxRows < outboxRows)
    {
        Console.Error.WriteLine($"FAILED: {outboxRows - inboxRows:N0} events were marked sent by the relay but never reached the inbox");
    }

    Console.Error.WriteLine($"FAILED: drain: expected {backlog:N0} backlog events, each committed once in the inbox");
    await host.StopAsync();
    return 3;
}

if (!ColdStart.Report("inbox commit done"))
{
    return 3;
}

var drain = Stopwatch.GetElapsedTime(drainStart, recorder.LastBacklogAt);
Console.WriteLine($"drain: {backlog:N0} events all committed in the inbox in {drain.TotalSeconds:F2} s (host start → last inbox commit) = {backlog / drain.TotalSeconds:N0} events/s");
Console.WriteLine($"RESULT drain_msgs_per_s {backlog / drain.TotalSeconds:F0}");
Console.WriteLine("cold path (each step's first measurement; the kernel's process start time, 10 ms granularity):");
Console.WriteLine(PipelineMeters.FirstMeasurements());
Console.WriteLine("drain batches:" + PipelineMeters.Take());
recorder.TakeLatencies();

var database = host.Services.GetRequiredService<ServiceDatabase>();
Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} events/s");
await Bench.ProduceAsync(database, recorder, rates.Max(), warmup);
await Task.Delay(2000);
recorder.TakeLatencies();
recorder.TakeSamples();
PipelineMeters.Take();
var traces = new List<(int Rate, List<Recorder.Sample> Samples, Runtime Runtime)>();
Console.WriteLine("| rate (events/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var runtime = Runtime.Start();
    var cpu = CpuUse.Start();
    var sent = await Bench.ProduceAsync(database, recorder, rate, measure);
    await Task.Delay(2000);
    cpu.Report($"at_{rate}", sent);
    var latencies = recorder.TakeLatencies();
    traces.Add((rate, recorder.TakeSamples(), runtime.Stop()));
    Console.WriteLine($"| {rate} | {sent} | {Bench.Percentile(latencies, 0.50):F1} | {Bench.Percentile(latencies, 0.99):F1} | {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} |");
    Console.WriteLine($"RESULT latency {rate} {Bench.Percentile(latencies, 0.50):F2} {Bench.Percentile(latencies, 0.99):F2}");
}

await host.StopAsync();
foreach (var (rate, samples, runtime) in traces)
{
    Console.WriteLine($"at {rate} events/s: {runtime}");
    await StageTrace.ReportAsync(connectionString, samples);
}

return 0;

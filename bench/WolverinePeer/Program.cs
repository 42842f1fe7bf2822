using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using JasperFx.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.Postgresql;
using Wolverine.RabbitMQ;
using Wolverine.RDBMS;
using Wolverine.Runtime;
using WolverinePeer;

// The peer (issue 8, item 3): the event pipeline built with Wolverine's durable PostgreSQL outbox and
// inbox over RabbitMQ (publisher confirms on, quorum queue), measured like EventPipelineBench.
//   WolverinePeer fill N        writes N messages to the durable outbox in committed transactions and
//                               leaves them unsent (ownership released), then exits: the backlog
//   WolverinePeer run [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
//                               a fresh process: cold start (process start → first handled message),
//                               backlog drain msgs/s, then p50/p99 commit → handler at fixed rates
// Connections: BenchDbConnection, RabbitMQConnection.
var mode = args.Length > 0 ? args[0] : "run";
var connectionString = Environment.GetEnvironmentVariable("BenchDbConnection") ?? "Host=127.0.0.1;Port=15432;Database=main;Username=postgres;Password=postgres";
var amqp = Environment.GetEnvironmentVariable("RabbitMQConnection") ?? "amqp://guest:guest@127.0.0.1:5673/";
const string Schema = "wolverine_bench";
const string Queue = "wolverine-bench";

if (mode == "fill")
{
    var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
    await ResetAsync();
    using var filler = BuildHost(listen: false);
    await filler.StartAsync();
    var fillRuntime = filler.Services.GetRequiredService<IWolverineRuntime>();
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var started = Stopwatch.GetTimestamp();
    // 1,000 messages per transaction; never flushed, so they stay in the outbox table.
    for (var done = 0; done < n; done += 1000)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var context = new MessageContext(fillRuntime);
        await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)fillRuntime.Storage, tx));
        for (var i = done; i < Math.Min(n, done + 1000); i++)
        {
            await context.PublishAsync(new DonationCreated(Guid.NewGuid(), "bench", 1));
        }

        await tx.CommitAsync();
    }

    Console.WriteLine($"fill: {n:N0} messages in the Wolverine outbox in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    await filler.StopAsync();
    // Whatever the node left behind: hand every row to "no owner" so the next node recovers it.
    await using (var connection = await dataSource.OpenConnectionAsync())
    {
        await using var release = new NpgsqlCommand($"update {Schema}.wolverine_outgoing_envelopes set owner_id = 0", connection);
        var rows = await release.ExecuteNonQueryAsync();
        Console.WriteLine($"outbox backlog: {rows:N0} rows");
    }

    return 0;
}

var backlog = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
var warmup = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30);
var measure = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20);
var rates = (args.Length > 4 ? args[4] : "300,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();

var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
var hostBuild = Stopwatch.GetTimestamp();
using var host = BuildHost(listen: true);
await host.StartAsync();
var hostStarted = Stopwatch.GetElapsedTime(hostBuild);
Console.WriteLine($"backlog {backlog:N0} messages → Wolverine durable outbox → RabbitMQ → durable inbox → handler");
while (Recorder.Handled < backlog && Stopwatch.GetElapsedTime(hostBuild) < TimeSpan.FromMinutes(5))
{
    await Task.Delay(20);
}

var coldStart = Recorder.FirstHandledAtUtc - processStart;
Console.WriteLine($"cold start: process start → first handled message {coldStart.TotalMilliseconds:F0} ms (host start {hostStarted.TotalMilliseconds:F0} ms)");
Console.WriteLine($"RESULT cold_start_ms {coldStart.TotalMilliseconds:F0}");
var drain = Stopwatch.GetElapsedTime(hostBuild, Recorder.LastHandledAt);
Console.WriteLine($"drain: {Recorder.Handled:N0} messages in {drain.TotalSeconds:F2} s (from host start) = {Recorder.Handled / drain.TotalSeconds:N0} msgs/s");
Console.WriteLine($"RESULT drain_msgs_per_s {Recorder.Handled / drain.TotalSeconds:F0}");
var afterFirst = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - Recorder.FirstHandledAtUtc.Ticks) - Stopwatch.GetElapsedTime(Recorder.LastHandledAt);
Console.WriteLine($"drain from first handled message: {Recorder.Handled / afterFirst.TotalSeconds:N0} msgs/s");
Recorder.TakeLatencies();

var runtime = host.Services.GetRequiredService<IWolverineRuntime>();
var wolverine = runtime;
await using var source = NpgsqlDataSource.Create(connectionString);
Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} msgs/s");
await ProduceAsync(rates.Max(), warmup);
await Task.Delay(2000);
Recorder.TakeLatencies();
Console.WriteLine("| rate (msgs/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var sent = await ProduceAsync(rate, measure);
    await Task.Delay(2000);
    var latencies = Recorder.TakeLatencies();
    Console.WriteLine($"| {rate} | {sent} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} | {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} |");
    Console.WriteLine($"RESULT latency {rate} {Percentile(latencies, 0.50):F2} {Percentile(latencies, 0.99):F2}");
}

await host.StopAsync();
return 0;

// One message per transaction at a fixed rate from 16 producers, like EventPipelineBench.ProduceAsync:
// the business transaction enlists Wolverine's outbox, commits, then flushes (Wolverine's own send path).
async Task<int> ProduceAsync(int rate, TimeSpan duration)
{
    var total = (int)(rate * duration.TotalSeconds);
    var next = -1;
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var key = Guid.NewGuid();
            await using var connection = await source.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var context = new MessageContext(wolverine);
            await context.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)runtime.Storage, tx));
            await context.PublishAsync(new DonationCreated(key, "bench", 1));
            await tx.CommitAsync();
            Recorder.Produced(key);
            await context.FlushOutgoingMessagesAsync();
        }
    }));
    return total;
}

IHost BuildHost(bool listen)
{
    var builder = Host.CreateApplicationBuilder([]);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.UseWolverine(opts =>
    {
        opts.ServiceName = "wolverine-bench";
        opts.Durability.Mode = DurabilityMode.Solo;
        // Tuned for a backlog: defaults (100 envelopes per recovery page, 5 s polling) drain ~20 msgs/s.
        opts.Durability.RecoveryBatchSize = 2000;
        opts.Durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(1);
        opts.PersistMessagesWithPostgresql(connectionString, Schema);
        opts.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.CreateOrUpdate;
        opts.UseRabbitMq(new Uri(amqp))
            .AutoProvision()
            .UseQuorumQueues()
            .ConfigureChannelCreation(o =>
            {
                o.PublisherConfirmationsEnabled = true;
                o.PublisherConfirmationTrackingEnabled = true;
            });
        opts.PublishMessage<DonationCreated>().ToRabbitQueue(Queue).UseDurableOutbox();
        if (listen)
        {
            opts.ListenToRabbitQueue(Queue).PreFetchCount(256).UseDurableInbox();
        }
        else
        {
            opts.Discovery.DisableConventionalDiscovery();
        }
    });
    builder.Services.AddResourceSetupOnStartup();
    return builder.Build();
}

async Task ResetAsync()
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
    await command.ExecuteNonQueryAsync();
    var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(amqp) };
    await using var broker = await factory.CreateConnectionAsync();
    await using var channel = await broker.CreateChannelAsync();
    // Deleted rather than purged: Wolverine declares it afresh (a delete of a missing queue is a no-op).
    await channel.QueueDeleteAsync(Queue, ifUnused: false, ifEmpty: false);
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

namespace WolverinePeer
{
/// <summary>The event: the same shape of payload as our DonationCreated snapshot.</summary>
public sealed record DonationCreated(Guid DonationId, string Kind, decimal Amount);

/// <summary>The consumer's work: nothing but the durable inbox; the time is taken when the handler runs.</summary>
public static class DonationCreatedHandler
{
    public static void Handle(DonationCreated message) => Recorder.Consumed(message.DonationId);
}

public static class Recorder
{
    private static readonly ConcurrentDictionary<Guid, long> ProducedAt = new();
    private static readonly ConcurrentBag<double> LatenciesMs = [];
    private static long _handled;
    private static long _lastHandledAt;
    private static long _firstHandledTicksUtc;

    public static long Handled => Interlocked.Read(ref _handled);

    public static long LastHandledAt => Interlocked.Read(ref _lastHandledAt);

    public static DateTime FirstHandledAtUtc => new(Interlocked.Read(ref _firstHandledTicksUtc), DateTimeKind.Utc);

    public static void Produced(Guid key) => ProducedAt[key] = Stopwatch.GetTimestamp();

    public static void Consumed(Guid key)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstHandledTicksUtc, DateTime.UtcNow.Ticks, 0);
        Interlocked.Increment(ref _handled);
        Interlocked.Exchange(ref _lastHandledAt, now);
        if (ProducedAt.TryRemove(key, out var start))
        {
            LatenciesMs.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
        }
    }

    public static double[] TakeLatencies()
    {
        var values = LatenciesMs.ToArray();
        LatenciesMs.Clear();
        Array.Sort(values);
        return values;
    }
}
}

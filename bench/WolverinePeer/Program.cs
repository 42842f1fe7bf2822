using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BenchTiming;
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
//                               a fresh process: cold start (process start → first backlog message
//                               handled and its inbox row marked Handled), backlog drain (all N
//                               marked Handled ÷ time from host start to the last of them; fails if
//                               fewer than N arrive), then p50/p99 commit → handler at fixed rates
// Wolverine's durable inbox stores a message on receipt, runs the handler, then marks the row
// Handled in a separate write; only that write makes "handled" durable (before it, a restart runs
// the handler again), so it is the counterpart of our inbox commit. It is observed by polling the
// inbox table, every millisecond for the first one, and starting only once a handler has run.
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
            await context.PublishAsync(new DonationCreated(Guid.NewGuid(), Recorder.BacklogKind, 1));
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

// The drain starts with the host: the backlog is already committed, and nothing else runs first.
var hostBuild = Stopwatch.GetTimestamp();
using var host = BuildHost(listen: true);
await host.StartAsync();
var hostStarted = Stopwatch.GetElapsedTime(hostBuild);
var handledDuringStart = Recorder.BacklogHandled > 0;
await using var source = NpgsqlDataSource.Create(connectionString);
var firstMarked = WatchFirstMarkedAsync();
await Progress.WaitAsync(() => Recorder.BacklogHandled, 1, "drain: first backlog handler run");
var drainCpu = CpuUse.Start();
var handledBeforeCpu = Recorder.BacklogHandled;
var handlersRan = await Progress.WaitAsync(() => Recorder.BacklogHandled, backlog, "drain: backlog handlers run");
Console.WriteLine($"backlog {backlog:N0} messages → Wolverine durable outbox → RabbitMQ → durable inbox → handler → inbox row Handled (host start {hostStarted.TotalMilliseconds:F0} ms)");
var lastMarkedAt = handlersRan ? await WaitMarkedAsync(backlog) : null;
drainCpu.Report("drain", backlog - handledBeforeCpu);
if (handlersRan)
{
    await firstMarked;
}

Console.WriteLine($"handlers: {Recorder.BacklogHandled:N0} backlog messages handled, {Recorder.BacklogRepeats:N0} handled twice");
if (lastMarkedAt is null || !ColdStart.Report("inbox row marked Handled"))
{
    Console.Error.WriteLine($"FAILED: drain: expected {backlog:N0} backlog messages handled and marked Handled in the inbox");
    await host.StopAsync();
    return 3;
}

Console.WriteLine($"(first handler run, before its inbox row was marked Handled: {(Recorder.FirstHandlerRunAtUtc - ColdStart.Origin).TotalMilliseconds:F0} ms after process start)");
if (handledDuringStart)
{
    Console.WriteLine("note: a handler ran before the host had started; the poll for the first Handled row began after the start, so the cold start may be overstated");
}

var drain = Stopwatch.GetElapsedTime(hostBuild, lastMarkedAt.Value);
Console.WriteLine($"drain: {backlog:N0} messages all marked Handled in {drain.TotalSeconds:F2} s (host start → last inbox row Handled) = {backlog / drain.TotalSeconds:N0} msgs/s");
Console.WriteLine($"RESULT drain_msgs_per_s {backlog / drain.TotalSeconds:F0}");
var handlerDrain = Stopwatch.GetElapsedTime(hostBuild, Recorder.LastBacklogAt);
Console.WriteLine($"(to the last handler run instead: {handlerDrain.TotalSeconds:F2} s = {backlog / handlerDrain.TotalSeconds:N0} msgs/s)");
Recorder.TakeLatencies();

var runtime = host.Services.GetRequiredService<IWolverineRuntime>();
var wolverine = runtime;
Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} msgs/s");
await ProduceAsync(rates.Max(), warmup);
await Task.Delay(2000);
Recorder.TakeLatencies();
Console.WriteLine("| rate (msgs/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var cpu = CpuUse.Start();
    var sent = await ProduceAsync(rate, measure);
    await Task.Delay(2000);
    cpu.Report($"at_{rate}", sent);
    var latencies = Recorder.TakeLatencies();
    Console.WriteLine($"| {rate} | {sent} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} | {(latencies.Length > 0 ? latencies[^1] : double.NaN):F1} |");
    Console.WriteLine($"RESULT latency {rate} {Percentile(latencies, 0.50):F2} {Percentile(latencies, 0.99):F2}");
}

await host.StopAsync();
return 0;

// The first inbox row marked Handled: polled from the first handler run on (a row is marked only
// after its handler ran), every millisecond; the time taken is when the query that saw it was sent.
async Task WatchFirstMarkedAsync()
{
    await using var connection = await source.OpenConnectionAsync();
    await using var command = new NpgsqlCommand($"select exists (select 1 from {Schema}.wolverine_incoming_envelopes where status = 'Handled')", connection);
    await Recorder.FirstHandlerRun;
    var polling = Stopwatch.GetTimestamp();
    while (Stopwatch.GetElapsedTime(polling) < Progress.Stall)
    {
        var sentAt = DateTime.UtcNow;
        if ((bool)(await command.ExecuteScalarAsync())!)
        {
            ColdStart.Handled(sentAt);
            return;
        }

        await Task.Delay(1);
    }
}

// The last of N inbox rows marked Handled, polled every 5 ms once all N handlers have run; the
// Stopwatch timestamp of the query that saw N, or null when the count stalls short of N.
async Task<long?> WaitMarkedAsync(int n)
{
    await using var connection = await source.OpenConnectionAsync();
    await using var command = new NpgsqlCommand($"select count(*) from {Schema}.wolverine_incoming_envelopes where status = 'Handled'", connection);
    var last = -1L;
    var lastMove = Stopwatch.GetTimestamp();
    while (true)
    {
        var sentAt = Stopwatch.GetTimestamp();
        var marked = (long)(await command.ExecuteScalarAsync())!;
        if (marked >= n)
        {
            return sentAt;
        }

        if (marked != last)
        {
            (last, lastMove) = (marked, sentAt);
        }
        else if (Stopwatch.GetElapsedTime(lastMove) > Progress.Stall)
        {
            Console.Error.WriteLine($"FAILED: drain: {marked:N0} of {n:N0} inbox rows marked Handled, no progress for {Progress.Stall.TotalSeconds:F0} s");
            return null;
        }

        await Task.Delay(5);
    }
}

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

/// <summary>The consumer's work: nothing but the durable inbox; latencies are taken when the handler runs.</summary>
public static class DonationCreatedHandler
{
    public static void Handle(DonationCreated message) => Recorder.Consumed(message);
}

public static class Recorder
{
    /// <summary>The kind of the messages written by <c>fill</c>, so that they are told apart from the paced ones.</summary>
    public const string BacklogKind = "backlog";

    private static readonly ConcurrentDictionary<Guid, long> ProducedAt = new();
    private static readonly ConcurrentDictionary<Guid, byte> Backlog = new();
    private static readonly ConcurrentBag<double> LatenciesMs = [];
    private static readonly TaskCompletionSource FirstRun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long _backlogHandled;
    private static long _backlogRepeats;
    private static long _lastBacklogAt;
    private static long _firstRunTicksUtc;

    /// <summary>Distinct backlog messages whose handler has run (their inbox rows are marked Handled later).</summary>
    public static long BacklogHandled => Interlocked.Read(ref _backlogHandled);

    public static long BacklogRepeats => Interlocked.Read(ref _backlogRepeats);

    public static long LastBacklogAt => Interlocked.Read(ref _lastBacklogAt);

    /// <summary>Completes when the first backlog handler has run.</summary>
    public static Task FirstHandlerRun => FirstRun.Task;

    public static DateTime FirstHandlerRunAtUtc => new(Interlocked.Read(ref _firstRunTicksUtc), DateTimeKind.Utc);

    public static void Produced(Guid key) => ProducedAt[key] = Stopwatch.GetTimestamp();

    public static void Consumed(DonationCreated message)
    {
        var now = Stopwatch.GetTimestamp();
        if (message.Kind == BacklogKind)
        {
            if (Backlog.TryAdd(message.DonationId, 0))
            {
                Interlocked.Exchange(ref _lastBacklogAt, now);
                if (Interlocked.Increment(ref _backlogHandled) == 1)
                {
                    Interlocked.Exchange(ref _firstRunTicksUtc, DateTime.UtcNow.Ticks);
                    FirstRun.TrySetResult();
                }
            }
            else
            {
                Interlocked.Increment(ref _backlogRepeats);
            }

            return;
        }

        if (ProducedAt.TryRemove(message.DonationId, out var start))
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

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace EventPipelineBench;

/// <summary>
/// Where an event's time goes (issue 21): each paced event's path split into four stages by the
/// clocks the pipeline already keeps. The database stamps <c>now()</c> at the first statement of each
/// transaction: the outbox row's <c>created_at</c> (the producer's transaction), <c>sent_at</c> (the
/// relay's transaction that took it) and the inbox row's <c>handled_at</c> (the consumer's batch
/// transaction); the bench reads the wall clock after the producer's and the consumer's commits.
/// <list type="number">
/// <item>produce: producer transaction start → its commit done (outbox insert, commit, fsync);</item>
/// <item>relay wait: producer commit done → the relay's transaction that takes the row starts;</item>
/// <item>relay → consumer: that start → the consumer's batch transaction starts (select, publish,
/// confirm, broker delivery, the consumer's hand-off, the wait for a free worker);</item>
/// <item>consume: the consumer's transaction start → its commit done (inbox insert, commit, fsync).</item>
/// </list>
/// Printed for the median event and for the slowest 1 %, so a tail shows the stage it comes from.
/// </summary>
internal static class StageTrace
{
    private static readonly string[] Stages = ["produce", "relay wait", "relay → consumer", "consume"];

    public static async Task ReportAsync(string connectionString, IReadOnlyList<Recorder.Sample> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        var since = samples.Min(s => s.ProducedUtc).AddSeconds(-5);
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = (await connection.QueryAsync<(Guid Key, DateTime Created, DateTime Sent, DateTime Handled)>(
            $$"""
            select (o.envelope::jsonb #>> '{data,donation,donation_id}')::uuid, o.created_at, o.sent_at, i.handled_at
              from {{Bench.Schema}}.outbox o
              join {{Bench.Schema}}.inbox i on i.message_id = o.event_id::text
             where o.created_at >= @since
            """,
            new { since })).ToDictionary(r => r.Key);
        var traced = samples
            .Where(s => rows.ContainsKey(s.Key))
            .Select(s =>
            {
                var r = rows[s.Key];
                return (s.LatencyMs, Stages: new[]
                {
                    (s.ProducedUtc - r.Created.ToUniversalTime()).TotalMilliseconds,
                    (r.Sent.ToUniversalTime() - s.ProducedUtc).TotalMilliseconds,
                    (r.Handled - r.Sent).TotalMilliseconds,
                    (s.ConsumedUtc - r.Handled.ToUniversalTime()).TotalMilliseconds,
                });
            })
            .OrderBy(t => t.LatencyMs)
            .ToList();
        if (traced.Count == 0)
        {
            Console.WriteLine("trace: no event found in the database");
            return;
        }

        var tail = traced.Skip((int)(traced.Count * 0.99)).ToList();
        var middle = traced.Skip((int)(traced.Count * 0.45)).Take(Math.Max(1, traced.Count / 10)).ToList();
        Console.WriteLine($"trace of {traced.Count:N0} events (ms; mean of the events around the median, mean and max of the slowest 1 %, {tail.Count})");
        Console.WriteLine("| stage | median events | slowest 1 % (mean) | slowest 1 % (max) |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < Stages.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Stages[i]} | {middle.Average(t => t.Stages[i]):F2} | {tail.Average(t => t.Stages[i]):F2} | {tail.Max(t => t.Stages[i]):F2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| total (commit → commit) | {middle.Average(t => t.LatencyMs):F2} | {tail.Average(t => t.LatencyMs):F2} | {tail.Max(t => t.LatencyMs):F2} |"));
    }
}

/// <summary>What the runtime did during a measured window: garbage collections, their pauses, and the thread pool.</summary>
internal sealed class Runtime
{
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
    private readonly long _completed = ThreadPool.CompletedWorkItemCount;
    private readonly Timer _sampler;
    private long _maxQueued;
    private int _maxThreads;
    private string _summary = string.Empty;

    private Runtime() => _sampler = new Timer(_ => Sample(), null, 0, 10);

    public static Runtime Start() => new();

    public Runtime Stop()
    {
        _sampler.Dispose();
        var paused = GC.GetTotalPauseDuration() - _paused;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        _summary = string.Create(CultureInfo.InvariantCulture,
            $"GC gen0/1/2 {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]}, "
            + $"paused {paused.TotalMilliseconds:F1} ms in all (last pause {info.PauseDurations[0].TotalMilliseconds:F2} ms; server GC {System.Runtime.GCSettings.IsServerGC}), "
            + $"thread pool: {ThreadPool.CompletedWorkItemCount - _completed:N0} work items, at most {_maxQueued} queued and {_maxThreads} threads (sampled every 10 ms)")
            + PipelineMeters.Take();
        return this;
    }

    public override string ToString() => _summary;

    private void Sample()
    {
        _maxQueued = Math.Max(_maxQueued, ThreadPool.PendingWorkItemCount);
        _maxThreads = Math.Max(_maxThreads, ThreadPool.ThreadCount);
    }
}

/// <summary>
/// Listens to the platform's eventing meter (<c>Platform.Eventing</c>: the relay's and the consumer's
/// batches) and prints p50 / p99 / max of each histogram over a window.
/// </summary>
internal static class PipelineMeters
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<double>> Values = new();
    private static readonly ConcurrentDictionary<string, (DateTime At, double Value)> Firsts = new();
    private static MeterListener? _listener;

    public static void Start()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Platform.Eventing")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>When each instrument first recorded, after the process started (ms), with that first value: the cold path's steps.</summary>
    public static string FirstMeasurements()
    {
        var start = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        return string.Join(Environment.NewLine, Firsts.OrderBy(f => f.Value.At).Select(f => string.Create(
            CultureInfo.InvariantCulture, $"  {(f.Value.At - start).TotalMilliseconds,6:F0} ms after process start: first {f.Key} = {f.Value.Value:F2}")));
    }

    private static void Record(string name, double value)
    {
        Firsts.TryAdd(name, (DateTime.UtcNow, value));
        Values.GetOrAdd(name, _ => new()).Enqueue(value);
    }

    /// <summary>The histograms since the last call, one line each; empties them.</summary>
    public static string Take()
    {
        var text = new StringBuilder();
        foreach (var name in Values.Keys.Order(StringComparer.Ordinal))
        {
            var queue = Values[name];
            var values = new List<double>();
            while (queue.TryDequeue(out var value))
            {
                values.Add(value);
            }

            if (values.Count == 0)
            {
                continue;
            }

            values.Sort();
            text.Append(CultureInfo.InvariantCulture,
                $"\n  {name}: n {values.Count:N0}, mean {values.Average():F2}, p50 {Bench.Percentile([.. values], 0.5):F2}, p99 {Bench.Percentile([.. values], 0.99):F2}, max {values[^1]:F2}");
        }

        return text.ToString();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using BenchTiming;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace EventPipelineBench;

/// <summary>Commit times on both sides of the pipeline, keyed by the donation id each event carries.</summary>
public sealed class Recorder
{
    /// <summary>The title of the events written by <c>fill</c>, so that they are told apart from the paced ones.</summary>
    public const string BacklogTitle = "backlog";

    private readonly ConcurrentDictionary<Guid, (long Timestamp, DateTime Utc)> _produced = new();
    private readonly ConcurrentBag<Sample> _samples = [];
    private readonly ConcurrentDictionary<Guid, byte> _backlog = new();
    private readonly ConcurrentBag<double> _latenciesMs = [];
    private long _backlogHandled;
    private long _backlogRepeats;
    private long _lastBacklogAt;

    /// <summary>Distinct backlog events whose inbox commit is done.</summary>
    public long BacklogHandled => Interlocked.Read(ref _backlogHandled);

    /// <summary>Backlog events committed a second time (the inbox should make this impossible).</summary>
    public long BacklogRepeats => Interlocked.Read(ref _backlogRepeats);

    /// <summary>Stopwatch timestamp of the last backlog event's inbox commit.</summary>
    public long LastBacklogAt => Interlocked.Read(ref _lastBacklogAt);

    public void Produced(Guid key) => _produced[key] = (Stopwatch.GetTimestamp(), DateTime.UtcNow);

    /// <summary>Called after the consumer's transaction (inbox row included) has committed.</summary>
    public void Consumed(DonationSnapshot donation)
    {
        var now = Stopwatch.GetTimestamp();
        if (donation.Title == BacklogTitle)
        {
            ColdStart.Handled();
            if (_backlog.TryAdd(donation.DonationId, 0))
            {
                Interlocked.Exchange(ref _lastBacklogAt, now);
                Interlocked.Increment(ref _backlogHandled);
            }
            else
            {
                Interlocked.Increment(ref _backlogRepeats);
            }

            return;
        }

        if (_produced.TryRemove(donation.DonationId, out var start))
        {
            var latency = Stopwatch.GetElapsedTime(start.Timestamp, now).TotalMilliseconds;
            _latenciesMs.Add(latency);
            _samples.Add(new Sample(donation.DonationId, start.Utc, DateTime.UtcNow, latency));
        }
    }

    /// <summary>The paced events consumed since the last call, with their wall-clock commit times (for <see cref="StageTrace"/>).</summary>
    public List<Sample> TakeSamples()
    {
        var values = _samples.ToList();
        _samples.Clear();
        return values;
    }

    public double[] TakeLatencies()
    {
        var values = _latenciesMs.ToArray();
        _latenciesMs.Clear();
        Array.Sort(values);
        return values;
    }

    /// <summary>One paced event: its key, the wall clock after the producer's and the consumer's commits, and the latency between them.</summary>
    public sealed record Sample(Guid Key, DateTime ProducedUtc, DateTime ConsumedUtc, double LatencyMs);
}

/// <summary>The consumer's work: the inbox row only; the time is taken after the batch commits.</summary>
public sealed class BenchHandler(Recorder recorder) : IEventHandler<DonationCreated>
{
    public Task HandleAsync(DonationCreated message, EventContext context, CancellationToken cancellationToken)
    {
        var donation = message.Donation;
        context.Work.AfterCommit(() => recorder.Consumed(donation));
        return Task.CompletedTask;
    }
}

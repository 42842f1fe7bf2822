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

    private readonly ConcurrentDictionary<Guid, long> _produced = new();
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

    public void Produced(Guid key) => _produced[key] = Stopwatch.GetTimestamp();

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
            _latenciesMs.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
        }
    }

    public double[] TakeLatencies()
    {
        var values = _latenciesMs.ToArray();
        _latenciesMs.Clear();
        Array.Sort(values);
        return values;
    }
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

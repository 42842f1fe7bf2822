using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace EventPipelineBench;

/// <summary>Commit times on both sides of the pipeline, keyed by the donation id each event carries.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<Guid, long> _produced = new();
    private readonly ConcurrentBag<double> _latenciesMs = [];
    private long _handled;
    private long _lastHandledAt;

    public long Handled => Interlocked.Read(ref _handled);

    public long LastHandledAt => Interlocked.Read(ref _lastHandledAt);

    public void Produced(Guid key) => _produced[key] = Stopwatch.GetTimestamp();

    public void Consumed(Guid key)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _handled);
        Interlocked.Exchange(ref _lastHandledAt, now);
        if (_produced.TryRemove(key, out var start))
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
        var key = message.Donation.DonationId;
        context.Work.AfterCommit(() => recorder.Consumed(key));
        return Task.CompletedTask;
    }
}

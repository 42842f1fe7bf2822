using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Hosting;

/// <summary>
/// A hosted service that does one piece of housekeeping every <see cref="Interval"/>: the first time
/// <see cref="FirstDelay"/> after start, then on a <see cref="PeriodicTimer"/> (a run that takes longer
/// than the interval is followed by the next at once, never by two at a time). A run that fails is logged
/// and the next tick tries again; only the host's stopping ends the loop. Every periodic job of the
/// platform (expiry, deadline and refund sweeps, retention, blob sweeps, the erased-accounts refresh) is one.
/// </summary>
public abstract class PeriodicWork(TimeProvider time, ILogger logger) : BackgroundService
{
    protected ILogger Logger { get; } = logger;

    protected TimeProvider Time { get; } = time;

    /// <summary>Time between the starts of two runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>
    /// How long after start the first run waits. Zero (the default) runs at once: work that is due,
    /// such as donations past their expiry, catches up at start.
    /// </summary>
    protected virtual TimeSpan FirstDelay => TimeSpan.Zero;

    /// <summary>False when there is nothing to do in this deployment (the loop then never starts).</summary>
    protected virtual bool Enabled => true;

    /// <summary>What the work is, for the log ("Retention sweep of donation").</summary>
    protected abstract string Description { get; }

    /// <summary>One run.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>When the host started this service: <see cref="FirstDelay"/> counts from here.</summary>
    private long _started;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Read here, not in ExecuteAsync: since .NET 10 the host runs ExecuteAsync on the thread pool,
        // which on a busy machine can begin well after the start.
        _started = Time.GetTimestamp();
        return base.StartAsync(cancellationToken);
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var firstDelay = FirstDelay - Time.GetElapsedTime(_started);
        if (firstDelay > TimeSpan.Zero)
        {
            await Task.Delay(firstDelay, Time, stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval, Time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A time-out surfaces as OperationCanceledException too: only the host's stopping ends the loop.
                Logger.LogWarning(ex, "{Work} failed; trying again in {Interval}", Description, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

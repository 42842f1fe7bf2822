using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Platform.Hosting.Hosting;

namespace Platform.Hosting.Tests.Hosting;

/// <summary>
/// The loop every periodic job runs on: when the first run comes, that runs follow the interval, that a
/// failed run (a time-out too) does not end the loop, and that stopping does. Time is a fake clock moved
/// by the test; a run is awaited through a channel, never by sleeping.
/// </summary>
public sealed class PeriodicWorkTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>How long a test waits for a run that must come, or for one that must not.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Without_a_first_delay_the_first_run_is_at_start_and_the_next_one_interval_later()
    {
        var time = new FakeTimeProvider();
        using var work = new Work(time, TimeSpan.Zero);

        await work.StartAsync(CancellationToken.None);
        Assert.Equal(1, await work.NextRunAsync());

        time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.False(await work.RanWithinAsync(Quiet));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await work.NextRunAsync());

        await work.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_first_run_waits_the_first_delay_then_runs_follow_the_interval()
    {
        var time = new FakeTimeProvider();
        using var work = new Work(time, TimeSpan.FromMinutes(1));

        await work.StartAsync(CancellationToken.None);
        Assert.False(await work.RanWithinAsync(Quiet));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(await work.RanWithinAsync(Quiet));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await work.NextRunAsync());

        time.Advance(Interval);
        Assert.Equal(2, await work.NextRunAsync());

        await work.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_first_delay_counts_from_the_start_even_when_the_loop_begins_late()
    {
        var time = new FakeTimeProvider();
        using var work = new Work(time, TimeSpan.FromMinutes(1));

        // The host starts the service, then the clock moves before the thread pool runs the loop, as on a busy
        // machine: here the loop cannot begin until the test lets it.
        work.HoldExecute = true;
        await work.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(59));
        work.ReleaseExecute();
        Assert.False(await work.RanWithinAsync(Quiet));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await work.NextRunAsync());

        await work.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_run_and_a_timed_out_run_are_followed_by_the_next_at_the_next_tick()
    {
        var time = new FakeTimeProvider();
        using var work = new Work(time, TimeSpan.Zero, new InvalidOperationException("the database is away"), new TimeoutException("as Npgsql's time-outs are"), new OperationCanceledException("a call's own time-out"));

        await work.StartAsync(CancellationToken.None);
        Assert.Equal(1, await work.NextRunAsync());
        for (var run = 2; run <= 4; run++)
        {
            time.Advance(Interval);
            Assert.Equal(run, await work.NextRunAsync());
        }

        Assert.False(work.ExecuteTask!.IsCompleted);
        await work.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Disabled_work_never_runs_and_stopping_ends_the_loop()
    {
        var time = new FakeTimeProvider();
        using var disabled = new Work(time, TimeSpan.Zero) { IsEnabled = false };
        await disabled.StartAsync(CancellationToken.None);
        time.Advance(Interval * 3);
        await disabled.ExecuteTask!.WaitAsync(Wait); // the host runs ExecuteAsync on the thread pool (.NET 10)
        Assert.False(await disabled.RanWithinAsync(Quiet));

        using var enabled = new Work(time, TimeSpan.Zero);
        await enabled.StartAsync(CancellationToken.None);
        Assert.Equal(1, await enabled.NextRunAsync());
        await enabled.StopAsync(CancellationToken.None);
        Assert.True(enabled.ExecuteTask!.IsCompleted);
        time.Advance(Interval * 3);
        Assert.False(await enabled.RanWithinAsync(Quiet));
    }

    private sealed class Work(TimeProvider time, TimeSpan firstDelay, params Exception[] failures)
        : PeriodicWork(time, NullLogger.Instance)
    {
        private readonly Channel<int> _runs = Channel.CreateUnbounded<int>();
        private readonly ManualResetEventSlim _execute = new(initialState: true);
        private int _count;

        public bool IsEnabled { get; init; } = true;

        /// <summary>While set, the loop (which reads <see cref="Enabled"/> first) cannot begin: a late thread pool.</summary>
        public bool HoldExecute
        {
            set
            {
                if (value)
                {
                    _execute.Reset();
                }
                else
                {
                    _execute.Set();
                }
            }
        }

        protected override TimeSpan Interval => PeriodicWorkTests.Interval;

        protected override TimeSpan FirstDelay => firstDelay;

        protected override bool Enabled => _execute.Wait(Wait) && IsEnabled;

        public void ReleaseExecute() => _execute.Set();

        public override void Dispose()
        {
            _execute.Set();
            base.Dispose();
            _execute.Dispose();
        }

        protected override string Description => "Test work";

        /// <summary>The number of the next run, once it has happened.</summary>
        public async Task<int> NextRunAsync()
        {
            using var timeout = new CancellationTokenSource(Wait);
            return await _runs.Reader.ReadAsync(timeout.Token);
        }

        /// <summary>Whether a run happened within <paramref name="quiet"/> of real time.</summary>
        public async Task<bool> RanWithinAsync(TimeSpan quiet)
        {
            await Task.Delay(quiet);
            return _runs.Reader.TryRead(out _);
        }

        protected override Task RunOnceAsync(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref _count);
            _runs.Writer.TryWrite(run);
            return run <= failures.Length ? Task.FromException(failures[run - 1]) : Task.CompletedTask;
        }
    }
}

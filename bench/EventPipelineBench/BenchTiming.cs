using System.Diagnostics;
using System.Globalization;

// One definition for the three event benchmarks: this file is compiled into EventPipelineBench and
// linked into RawRabbit and WolverinePeer, so all three measure and print these figures the same way.
namespace BenchTiming;

/// <summary>
/// Cold start to first handled event: from process start until the first event that was already in
/// place before the process started (committed to the outbox for ours and the peer; published with
/// confirms for the raw loop) has been handled and its inbox commit is done (ours: the consumer's
/// batch commit with the inbox row; the peer: Wolverine's inbox row marked Handled; the raw loop,
/// which has no database: the consumer's ack). Process start is the wall-clock time the script takes
/// just before it spawns <c>dotnet</c>, passed in <see cref="SpawnVariable"/> (microseconds since the
/// Unix epoch); without it (a run by hand) it is the kernel's start time of the process (10 ms
/// granularity). Both are printed.
/// </summary>
public static class ColdStart
{
    public const string SpawnVariable = "BENCH_SPAWN_UNIX_US";

    private static long _firstHandledTicksUtc;

    public static bool Observed => Interlocked.Read(ref _firstHandledTicksUtc) != 0;

    /// <summary>Call once the event's inbox commit is done (raw: its ack); only the first call counts.</summary>
    public static void Handled()
    {
        if (!Observed)
        {
            Handled(DateTime.UtcNow);
        }
    }

    /// <summary>The same, with the time the commit was observed (for a commit seen by polling).</summary>
    public static void Handled(DateTime atUtc) => Interlocked.CompareExchange(ref _firstHandledTicksUtc, atUtc.Ticks, 0);

    /// <summary>
    /// Prints the figure and its <c>RESULT cold_start_ms</c> line; false when no event was handled.
    /// <paramref name="commit"/> names what ended the measurement (e.g. "inbox commit done").
    /// </summary>
    public static bool Report(string commit)
    {
        if (!Observed)
        {
            Console.Error.WriteLine("FAILED: cold start: no event was handled");
            return false;
        }

        var first = new DateTime(Interlocked.Read(ref _firstHandledTicksUtc), DateTimeKind.Utc);
        var kernel = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var spawn = SpawnTime();
        var origin = spawn ?? kernel;
        var coldStart = (first - origin).TotalMilliseconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"cold start: process start → first backlog event handled, {commit}: {coldStart:F0} ms (from {(spawn is null ? "the kernel's process start time" : "the script's spawn time")}; the kernel's start time gives {(first - kernel).TotalMilliseconds:F0} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT cold_start_ms {coldStart:F0}"));
        return true;
    }

    /// <summary>Process start: the script's spawn time when given, else the kernel's start time of the process.</summary>
    public static DateTime Origin => SpawnTime() ?? Process.GetCurrentProcess().StartTime.ToUniversalTime();

    private static DateTime? SpawnTime() =>
        long.TryParse(Environment.GetEnvironmentVariable(SpawnVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us > 0
            ? DateTime.UnixEpoch.AddTicks(us * 10)
            : null;
}

/// <summary>Waiting for N events without ever stopping early in silence.</summary>
public static class Progress
{
    /// <summary>How long a count may stand still before the run is declared failed.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Waits until <paramref name="count"/> reaches <paramref name="target"/>. Returns false, after
    /// printing a FAILED line, when the count has not moved for <see cref="Stall"/>: the caller must
    /// then exit non-zero instead of reporting a figure over fewer events.
    /// </summary>
    public static async Task<bool> WaitAsync(Func<long> count, long target, string what)
    {
        var last = -1L;
        var lastMove = Stopwatch.GetTimestamp();
        while (true)
        {
            var now = count();
            if (now >= target)
            {
                return true;
            }

            if (now != last)
            {
                last = now;
                lastMove = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastMove) > Stall)
            {
                Console.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"FAILED: {what}: {now:N0} of {target:N0}, no progress for {Stall.TotalSeconds:F0} s"));
                return false;
            }

            await Task.Delay(10);
        }
    }
}

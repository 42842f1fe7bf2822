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

/// <summary>
/// CPU spent per event, by process, over a window of the run: this process, and the process trees
/// named in <see cref="PidsVariable"/> (<c>postgres=PID rabbitmq=PID</c>: the postmaster with its
/// backends, the broker's node), read from <c>/proc</c> (user + system time of every live process of
/// the tree plus the time of its children already reaped; the kernel counts in 10 ms ticks). The rest
/// of the machine's busy time (<c>/proc/stat</c>) is printed as "other", so a run disturbed by
/// someone else's work shows it. Answers "how many events per second can these two cores carry":
/// cores ÷ CPU per event.
/// </summary>
public sealed class CpuUse
{
    public const string PidsVariable = "BENCH_CPU_PIDS";
    private const double TickMicroseconds = 10_000; // USER_HZ is 100 on Linux

    private readonly (string Name, int Pid)[] _trees;
    private readonly long[] _startTicks;
    private readonly long _startMachine;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuUse((string Name, int Pid)[] trees)
    {
        _trees = trees;
        _startTicks = Read(trees);
        _startMachine = MachineBusyTicks();
    }

    public static CpuUse Start()
    {
        var trees = new List<(string, int)> { ("this process", Environment.ProcessId) };
        foreach (var item in (Environment.GetEnvironmentVariable(PidsVariable) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split('=');
            if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && File.Exists($"/proc/{pid}/stat"))
            {
                trees.Add((parts[0], pid));
            }
        }

        return new CpuUse([.. trees]);
    }

    /// <summary>
    /// Prints the window's CPU per event by process and a <c>RESULT cpu_us_per_event WINDOW NAME N</c>
    /// line per process (names without spaces: process, postgres, rabbitmq, other, all).
    /// </summary>
    public void Report(string window, long events)
    {
        var ticks = Read(_trees);
        var machine = MachineBusyTicks() - _startMachine;
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var figures = new List<(string Name, double Ticks)>();
        for (var i = 0; i < _trees.Length; i++)
        {
            figures.Add((_trees[i].Name, ticks[i] - _startTicks[i]));
        }

        var listed = figures.Sum(f => f.Ticks);
        figures.Add(("other", Math.Max(0, machine - listed)));
        figures.Add(("all", Math.Max(machine, listed)));
        var line = string.Join(", ", figures.Select(f => string.Create(
            CultureInfo.InvariantCulture, $"{f.Name} {f.Ticks * TickMicroseconds / Math.Max(1, events):F0} µs ({f.Ticks * TickMicroseconds / 1e6 / seconds * 100:F0} % of a core)")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu per event, {window} ({events:N0} events in {seconds:F2} s): {line}"));
        foreach (var (name, value) in figures)
        {
            var key = name == "this process" ? "process" : name;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT cpu_us_per_event {window} {key} {value * TickMicroseconds / Math.Max(1, events):F0}"));
        }
    }

    private static long[] Read((string Name, int Pid)[] trees)
    {
        // One pass over /proc: each process's parent and its own plus reaped children's ticks.
        var parents = new Dictionary<int, int>();
        var own = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // it ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17), numbered from pid = 1.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            own[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        var result = new long[trees.Length];
        foreach (var (pid, ticks) in own)
        {
            for (int current = pid, depth = 0; current > 1 && depth < 64; depth++)
            {
                var index = Array.FindIndex(trees, t => t.Pid == current);
                if (index >= 0)
                {
                    result[index] += ticks;
                    break;
                }

                if (!parents.TryGetValue(current, out current))
                {
                    break;
                }
            }
        }

        return result;
    }

    private static long MachineBusyTicks()
    {
        // cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < fields.Length && i <= 8; i++)
        {
            if (i is not 4 and not 5)
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return busy;
    }
}

using System.Globalization;
using System.Text;

namespace FaultInjection;

/// <summary>Everything the report prints.</summary>
internal sealed record RunSummary(
    IReadOnlyList<FaultRecord> Faults,
    string? FaultFailure,
    PhaseClock Phases,
    Traffic Traffic,
    Ledger Ledger,
    int DriverErrors,
    DrainResult Drain,
    IReadOnlyList<Check> Checks,
    TimeSpan LoadTime,
    TimeSpan RunTime)
{
    public int Lost => Checks.Sum(c => c.Lost);

    public int Doubled => Checks.Sum(c => c.Doubled);

    public int Stuck => Checks.Sum(c => c.Stuck);

    public bool Passed =>
        Lost == 0 && Doubled == 0 && Stuck == 0 && Drain.Settled && FaultFailure is null && DriverErrors == 0
        && Traffic.ServerErrorCount == 0 && Traffic.BadUnavailableCount == 0
        && Faults.All(f => f.Healthy is not null && f.Backlog is not null);
}

/// <summary>The tables on stdout: faults, requests by phase, writes, the reconciliation, the verdict.</summary>
internal static class Report
{
    public static string Render(RunSummary run)
    {
        var text = new StringBuilder();
        var faultCount = run.Faults.Count;
        text.AppendLine();
        text.AppendLine(Inv($"Fault injection: {faultCount} faults during {run.LoadTime.TotalSeconds:0} s of load, then a drain of {run.Drain.Took.TotalSeconds:0.0} s; run {run.RunTime.TotalSeconds:0} s"));
        text.AppendLine();

        Table(text, ["fault", "at", "outage", "then all healthy after", "outbox backlog sent after", "notes"],
            run.Faults.Select(f => (IReadOnlyList<string>)[f.Name, Inv($"+{f.Began.TotalSeconds:0.0} s"), Inv($"{f.Outage.TotalSeconds:0.0} s"),
                Seconds(f.Healthy), Seconds(f.Backlog), f.Notes]).ToList());
        if (run.FaultFailure is not null)
        {
            text.AppendLine("fault injection failed: " + run.FaultFailure);
        }

        text.AppendLine();
        var phaseRows = run.Phases.Order.Select(p => (p, run.Traffic.Counts(p))).Where(p => p.Item2.Requests > 0)
            .Select(p => PhaseRow(p.p, p.Item2)).ToList();
        phaseRows.Add(PhaseRow("total", run.Traffic.Total()));
        Table(text, ["phase", "requests", "2xx", "4xx", "503", "5xx not 503", "no connection", "timeout", "abandoned early"], phaseRows);

        text.AppendLine();
        Table(text, ["operation (after client retries)", "calls", "accepted", "refused 4xx", "unanswered", "retried", "replayed"],
            run.Ledger.Operations.OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => (IReadOnlyList<string>)[o.Key, N(o.Value.Sent), N(o.Value.Accepted), N(o.Value.Refused), N(o.Value.Unanswered), N(o.Value.Retried), N(o.Value.Replayed)])
                .ToList());

        text.AppendLine();
        Table(text, ["reconciliation", "checked", "lost", "doubled", "stuck"],
            run.Checks.Select(c => (IReadOnlyList<string>)[$"{c.Area}: {c.Name}", N(c.Checked), N(c.Lost), N(c.Doubled), N(c.Stuck)]).ToList());

        var failing = run.Checks.Where(c => !c.Passed).ToList();
        if (failing.Count > 0 || run.Traffic.ServerErrors.Count > 0 || run.Traffic.BadUnavailable.Count > 0 || !run.Drain.Settled)
        {
            text.AppendLine();
            text.AppendLine("Findings:");
            foreach (var detail in failing.SelectMany(c => c.Details.Select(d => $"  [{c.Area}: {c.Name}] {d}")))
            {
                text.AppendLine(detail);
            }

            foreach (var a in run.Traffic.ServerErrors)
            {
                text.AppendLine(Inv($"  [{a.Status} at +{a.At.TotalSeconds:0.0} s, {a.Phase}] {a.Service} {a.Request}: {a.Detail}"));
            }

            foreach (var a in run.Traffic.BadUnavailable)
            {
                text.AppendLine(Inv($"  [503 not as agreed at +{a.At.TotalSeconds:0.0} s, {a.Phase}] {a.Service} {a.Request}: {a.Detail}"));
            }

            if (!run.Drain.Settled)
            {
                text.AppendLine("  [drain] not quiet within the limit: " + run.Drain.State);
            }
        }

        var total = run.Traffic.Total();
        text.AppendLine();
        Table(text, ["summary", "value"],
        [
            ["faults injected", N(faultCount)],
            ["requests sent", N(total.Requests)],
            ["accepted (writes)", N(run.Ledger.AcceptedWrites)],
            ["lost", N(run.Lost)],
            ["doubled", N(run.Doubled)],
            ["5xx other than 503", N(run.Traffic.ServerErrorCount)],
            ["503s seen (information)", N(total.Unavailable)],
            ["503 without problem+json / Retry-After", N(run.Traffic.BadUnavailableCount)],
            ["stuck (unsent, queued, parked, half-way sagas)", N(run.Stuck)],
            ["driver errors", N(run.DriverErrors)],
        ]);
        text.AppendLine();
        text.AppendLine(run.Passed ? "RESULT: PASSED" : "RESULT: FAILED");
        return text.ToString();
    }

    private static IReadOnlyList<string> PhaseRow(string phase, PhaseCounts c) =>
        [phase, N(c.Requests), N(c.Success), N(c.ClientError), N(c.Unavailable), N(c.ServerError), N(c.ConnectionError), N(c.Timeout), N(c.Abandoned)];

    private static void Table(StringBuilder text, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        text.AppendLine(Line(header));
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row));
        }
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? Inv($"{t.TotalSeconds:0.0} s") : "NOT RECOVERED";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Hosting.Hosting;

namespace Platform.Data.Import;

/// <summary>
/// <c>import-legacy [--batch-size N] [--report FILE] [--restart]</c>: copies the original app's
/// tables (read over <c>LegacyDbConnection</c>, or the setting the service named) into the service's schema, table by table in the
/// order the service registered them, one transaction per page. Safe to run again: pages are upserts
/// that leave equal rows alone, a stopped pass resumes after its last committed page, and a finished
/// pass is followed by a new full pass that brings only the new and changed rows. Ends by writing the
/// report (counts per table, every skipped or repaired row with its reason) and printing the counts.
/// Exit codes: 0 done, 1 failed (the report says how far it got), 2 bad arguments or settings.
/// </summary>
public sealed class LegacyImportCommand(
    ServiceDatabase database,
    IEnumerable<ILegacyTableImport> tables,
    IEnumerable<ILegacyImportCheck> checks,
    LegacyImportSource source,
    IConfiguration configuration,
    ServiceIdentity service,
    ILogger<LegacyImportCommand> logger) : ILegacyImportCommand
{
    public const string ConnectionSetting = "LegacyDbConnection";
    public const int DefaultBatchSize = 1000;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!ImportArguments.TryParse(args, service.Name, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error + Environment.NewLine + ImportArguments.Usage);
            return 2;
        }

        var raw = configuration[source.ConnectionSetting];
        if (string.IsNullOrWhiteSpace(raw))
        {
            await Console.Error.WriteLineAsync($"Set {source.ConnectionSetting} to the original app's PostgreSQL connection string.");
            return 2;
        }

        foreach (var check in checks)
        {
            if (await check.ProblemAsync(cancellationToken) is { } problem)
            {
                await Console.Error.WriteLineAsync($"{service.Name} import-legacy: {problem}");
                return 2;
            }
        }

        var ordered = tables.ToList();
        var timings = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var failed = false;
        var builder = new NpgsqlConnectionStringBuilder(raw) { ApplicationName = service.Name + " import-legacy", CommandTimeout = 300 };
        var ledger = new ImportLedger(database, OriginOf(builder));
        await using var running = await ledger.LockAsync(cancellationToken);
        await using (var legacy = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build())
        {
            foreach (var table in ordered)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await ImportTableAsync(legacy, ledger, table, options, cancellationToken);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogError(ex, "{Service}: importing {Source} failed; run import-legacy again to resume after its last committed page", service.Name, table.Source);
                    failed = true;
                }

                timings[table.Source] = clock.Elapsed;
                if (failed)
                {
                    break;
                }
            }
        }

        var counts = (await ledger.CountsAsync(ordered.Select(t => t.Source), CancellationToken.None))
            .OrderBy(c => ordered.FindIndex(t => t.Source == c.Source)).ToList();
        var issues = await ledger.IssuesAsync(ordered.Select(t => t.Source), CancellationToken.None);
        var summary = ImportReport.Summary(counts, timings);
        await File.WriteAllTextAsync(options.ReportPath, ImportReport.Write(service.Name, summary, issues, failed), CancellationToken.None);
        Console.WriteLine(summary);
        Console.WriteLine($"report: {Path.GetFullPath(options.ReportPath)} ({issues.Count} skipped or repaired rows)");
        return failed ? 1 : 0;
    }

    /// <summary>The original database as checkpoints name it: host:port/database (no credentials).</summary>
    public static string OriginOf(NpgsqlConnectionStringBuilder legacy) => $"{legacy.Host}:{legacy.Port}/{legacy.Database}";

    private async Task ImportTableAsync(
        NpgsqlDataSource legacy, ImportLedger ledger, ILegacyTableImport table, ImportArguments options, CancellationToken cancellationToken)
    {
        var (after, resumed) = await ledger.BeginAsync(table.Source, options.Restart, cancellationToken);
        if (resumed)
        {
            logger.LogInformation("{Service}: resuming {Source} after {After}", service.Name, table.Source, after);
        }

        await using var connection = await legacy.OpenConnectionAsync(cancellationToken);
        var pages = 0;
        while (true)
        {
            var page = await table.ReadAsync(connection, after, options.BatchSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var batch = new ImportBatch();
            await using (var uow = await database.BeginAsync(cancellationToken))
            {
                await page.WriteAsync(uow, batch, cancellationToken);
                await ledger.RecordAsync(uow, table.Source, batch, page.LastId, cancellationToken);
                await uow.CommitAsync(cancellationToken);
            }

            after = page.LastId;
            if (++pages % 20 == 0)
            {
                logger.LogInformation("{Service}: {Source}: {Pages} pages, up to {After}", service.Name, table.Source, pages, after);
            }
        }

        await ledger.FinishAsync(table.Source, cancellationToken);
    }
}

/// <summary>The command line of <c>import-legacy</c>.</summary>
public sealed record ImportArguments(int BatchSize, string ReportPath, bool Restart)
{
    public const string Usage = "usage: import-legacy [--batch-size 1..10000] [--report FILE] [--restart]";

    public static bool TryParse(IReadOnlyList<string> args, string serviceName, out ImportArguments options, out string error)
    {
        options = new ImportArguments(LegacyImportCommand.DefaultBatchSize, $"legacy-import-{serviceName}.txt", Restart: false);
        error = string.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--batch-size" when i + 1 < args.Count
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 10_000:
                    options = options with { BatchSize = size };
                    i++;
                    break;
                case "--report" when i + 1 < args.Count && args[i + 1].Length > 0:
                    options = options with { ReportPath = args[i + 1] };
                    i++;
                    break;
                case "--restart":
                    options = options with { Restart = true };
                    break;
                default:
                    error = $"import-legacy: unexpected argument '{args[i]}'.";
                    return false;
            }
        }

        return true;
    }
}

/// <summary>The counts table and the report file of an import.</summary>
public static class ImportReport
{
    public static string Summary(IReadOnlyList<ImportCounts> counts, IReadOnlyDictionary<string, TimeSpan> timings)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"table",-24} {"read",10} {"imported",10} {"new",10} {"changed",10} {"unchanged",10} {"repaired",10} {"skipped",10} {"pass",5} {"state",9} {"seconds",9} {"rows/s",9}");
        foreach (var c in counts)
        {
            var seconds = timings.TryGetValue(c.Source, out var elapsed) ? elapsed.TotalSeconds : 0;
            var rate = seconds > 0 ? (c.Read / seconds).ToString("F0", CultureInfo.InvariantCulture) : "-";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{c.Source,-24} {c.Read,10} {c.Imported,10} {c.Inserted,10} {c.Updated,10} {c.Unchanged,10} {c.Repaired,10} {c.Skipped,10} {c.Passes,5} {(c.FinishedAt is null ? "stopped" : "finished"),9} {seconds,9:F1} {rate,9}");
        }

        return text.ToString();
    }

    public static string Write(
        string serviceName, string summary, IReadOnlyList<(string Source, Guid LegacyId, string Outcome, string Reason)> issues, bool failed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# import-legacy {serviceName} {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}{(failed ? " (stopped by an error: run it again to resume)" : string.Empty)}");
        text.AppendLine("# counts of each table's latest pass (seconds and rows/s: this run)");
        text.Append(summary);
        text.AppendLine();
        text.AppendLine("# skipped and repaired rows: table <TAB> original id <TAB> outcome <TAB> reason");
        foreach (var (source, id, outcome, reason) in issues)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{source}\t{id}\t{outcome}\t{reason}");
        }

        return text.ToString();
    }
}

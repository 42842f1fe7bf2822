using Dapper;

namespace Platform.Data.Import;

/// <summary>Counts of one table's latest pass over the original (see <c>legacy_import_runs</c>).</summary>
public sealed class ImportCounts
{
    public string Source { get; init; } = string.Empty;

    public long Read { get; init; }

    public long Inserted { get; init; }

    public long Updated { get; init; }

    public long Unchanged { get; init; }

    public long Repaired { get; init; }

    public long Skipped { get; init; }

    public int Passes { get; init; }

    public DateTime StartedAt { get; init; }

    public DateTime? FinishedAt { get; init; }

    /// <summary>Rows that are in the platform as the original has them now (new or changed in this pass).</summary>
    public long Imported => Inserted + Updated;
}

/// <summary>
/// The checkpoint of each table's pass and the issues of each original row, in the service's
/// schema. A page's rows, its issues and the checkpoint move in one transaction, so a killed import
/// resumes exactly after the last committed page with exact counts, and issues are never doubled.
/// </summary>
public sealed class ImportLedger(ServiceDatabase database, string origin)
{
    private const string CountColumns = "source, read, inserted, updated, unchanged, repaired, skipped, passes, started_at, finished_at";

    private string Schema => database.Schema;

    /// <summary>The original database the checkpoints and issues belong to (host:port/database).</summary>
    public string Origin => origin;

    /// <summary>
    /// Holds the session lock of this schema and origin for as long as the returned connection is open,
    /// so that two runs against the same original never interleave their pages; waits for a running one.
    /// </summary>
    public async Task<Npgsql.NpgsqlConnection> LockAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_lock(hashtextextended(@key, 0))", new { key = $"import-legacy:{Schema}:{origin}" }, cancellationToken: cancellationToken));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Where the table's pass starts: after the last committed page of an unfinished pass (resumed),
    /// or from the start of a new pass when the last one finished, none ran, or <paramref name="restart"/>.
    /// </summary>
    public async Task<(Guid? After, bool Resumed)> BeginAsync(string source, bool restart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var current = (await connection.QueryAsync<(Guid? AfterId, DateTime? FinishedAt)>(new CommandDefinition(
            $"select after_id, finished_at from {Schema}.legacy_import_runs where origin = @origin and source = @source",
            new { origin, source },
            cancellationToken: cancellationToken))).AsList();
        if (current is [{ FinishedAt: null } unfinished] && !restart)
        {
            return (unfinished.AfterId, true);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into {Schema}.legacy_import_runs as r (origin, source) values (@origin, @source)
            on conflict (origin, source) do update set after_id = null, read = 0, inserted = 0, updated = 0, unchanged = 0, repaired = 0,
                skipped = 0, passes = r.passes + 1, started_at = now(), finished_at = null
            """,
            new { origin, source },
            cancellationToken: cancellationToken));
        return (null, false);
    }

    /// <summary>Records a page in its unit of work: the issues of its rows (replacing earlier ones) and the checkpoint.</summary>
    public async Task RecordAsync(UnitOfWork uow, string source, ImportBatch batch, Guid lastId, CancellationToken cancellationToken)
    {
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"delete from {Schema}.legacy_import_issues where origin = @origin and source = @source and legacy_id = any(@ids)",
            new { origin, source, ids = batch.ReadIds.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        if (batch.Issues.Count > 0)
        {
            await uow.Connection.ExecuteAsync(new CommandDefinition(
                $"""
                insert into {Schema}.legacy_import_issues (origin, source, legacy_id, outcome, reason)
                select @origin, @source, i, o, r from unnest(@ids, @outcomes, @reasons) as u(i, o, r)
                on conflict (origin, source, legacy_id, reason) do nothing
                """,
                new
                {
                    origin,
                    source,
                    ids = batch.Issues.Select(i => i.LegacyId).ToArray(),
                    outcomes = batch.Issues.Select(i => i.Outcome == ImportOutcome.Skipped ? "skipped" : "repaired").ToArray(),
                    reasons = batch.Issues.Select(i => i.Reason).ToArray(),
                },
                uow.Transaction,
                cancellationToken: cancellationToken));
        }

        await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            update {Schema}.legacy_import_runs set after_id = @lastId, read = read + @Read, inserted = inserted + @Inserted,
                updated = updated + @Updated, unchanged = unchanged + @Unchanged, repaired = repaired + @Repaired, skipped = skipped + @Skipped
             where origin = @origin and source = @source
            """,
            new
            {
                origin,
                source,
                lastId,
                Read = batch.ReadCount,
                batch.Inserted,
                batch.Updated,
                batch.Unchanged,
                batch.Repaired,
                batch.Skipped,
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
    }

    public async Task<ImportCounts> FinishAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<ImportCounts>(new CommandDefinition(
            $"update {Schema}.legacy_import_runs set finished_at = now() where origin = @origin and source = @source returning {CountColumns}",
            new { origin, source },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ImportCounts>> CountsAsync(IEnumerable<string> sources, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ImportCounts>(new CommandDefinition(
            $"select {CountColumns} from {Schema}.legacy_import_runs where origin = @origin and source = any(@sources)",
            new { origin, sources = sources.ToArray() },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Every skipped or repaired row of the given tables, in table and id order.</summary>
    public async Task<IReadOnlyList<(string Source, Guid LegacyId, string Outcome, string Reason)>> IssuesAsync(
        IEnumerable<string> sources, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, Guid, string, string)>(new CommandDefinition(
            $"""
            select source, legacy_id, outcome, reason from {Schema}.legacy_import_issues
             where origin = @origin and source = any(@sources) order by source, legacy_id, reason
            """,
            new { origin, sources = sources.ToArray() },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

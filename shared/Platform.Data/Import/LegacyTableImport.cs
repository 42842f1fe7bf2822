using Dapper;
using Npgsql;

namespace Platform.Data.Import;

/// <summary>A row read from the original app: every original table this platform imports has a uuid primary key.</summary>
public interface ILegacyRow
{
    Guid Id { get; }
}

/// <summary>One table of the original app, as the shared command drives it: page by page in id order.</summary>
public interface ILegacyTableImport
{
    /// <summary>The original table (<c>public.donations</c>): its name in the counts, the checkpoint and the report.</summary>
    string Source { get; }

    /// <summary>Reads up to <paramref name="limit"/> rows after <paramref name="after"/> (in id order) from the original database.</summary>
    Task<ILegacyPage> ReadAsync(NpgsqlConnection legacy, Guid? after, int limit, CancellationToken cancellationToken);
}

/// <summary>Rows read from the original database, not yet written.</summary>
public interface ILegacyPage
{
    int Count { get; }

    Guid LastId { get; }

    /// <summary>Writes the page inside the unit of work, telling the batch what became of each row.</summary>
    Task WriteAsync(UnitOfWork uow, ImportBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// The base of a service's import of one original table: the keyset read over <c>id</c> is shared;
/// the service says which columns it reads (aliased to <typeparamref name="TRow"/>'s properties) and
/// how a page becomes its own rows. Writes must be upserts that leave an equal row untouched, so a
/// page read twice (a resumed or second pass) changes nothing the first did.
/// </summary>
public abstract class LegacyTableImport<TRow> : ILegacyTableImport
    where TRow : ILegacyRow
{
    public abstract string Source { get; }

    /// <summary>The select list over <see cref="From"/>, e.g. <c>id, donor_id, title</c>.</summary>
    protected abstract string Columns { get; }

    /// <summary>The from clause: <see cref="Source"/>, or <see cref="Source"/> joined to what the checks need (aliased).</summary>
    protected virtual string From => Source;

    /// <summary>The original's primary key in the from clause, read in order (<c>id</c>, or <c>r.id</c> with a join).</summary>
    protected virtual string Key => "id";

    /// <summary>Maps and writes one page; reports every skipped or repaired row to <paramref name="batch"/>.</summary>
    protected abstract Task WriteAsync(UnitOfWork uow, IReadOnlyList<TRow> rows, ImportBatch batch, CancellationToken cancellationToken);

    public async Task<ILegacyPage> ReadAsync(NpgsqlConnection legacy, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var sql = after is null
            ? $"select {Columns} from {From} order by {Key} limit @limit"
            : $"select {Columns} from {From} where {Key} > @after order by {Key} limit @limit";
        var rows = (await legacy.QueryAsync<TRow>(new CommandDefinition(sql, new { after, limit }, cancellationToken: cancellationToken))).AsList();
        return new Page(this, rows);
    }

    private sealed class Page(LegacyTableImport<TRow> table, List<TRow> rows) : ILegacyPage
    {
        public int Count => rows.Count;

        public Guid LastId => rows[^1].Id;

        public Task WriteAsync(UnitOfWork uow, ImportBatch batch, CancellationToken cancellationToken)
        {
            batch.Read(rows.Select(r => r.Id));
            return table.WriteAsync(uow, rows, batch, cancellationToken);
        }
    }
}

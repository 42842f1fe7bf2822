namespace Platform.Data.Import;

/// <summary>Whether an original row was left out or imported with a changed value.</summary>
public enum ImportOutcome
{
    Repaired,
    Skipped,
}

/// <summary>One original row the import skipped or repaired, and why.</summary>
public sealed record ImportIssue(Guid LegacyId, ImportOutcome Outcome, string Reason);

/// <summary>
/// What became of the rows of one page: the service's import says which it skipped or repaired
/// (with a reason each) and how many rows its upsert inserted or changed; the rest were equal to
/// what the platform already held.
/// </summary>
public sealed class ImportBatch
{
    private readonly List<Guid> _read = [];
    private readonly List<ImportIssue> _issues = [];
    private readonly HashSet<Guid> _skipped = [];
    private readonly HashSet<Guid> _repaired = [];

    public IReadOnlyList<Guid> ReadIds => _read;

    public IReadOnlyList<ImportIssue> Issues => _issues;

    public int ReadCount => _read.Count;

    public int Inserted { get; private set; }

    public int Updated { get; private set; }

    public int Skipped => _skipped.Count;

    /// <summary>Rows imported with at least one repair (a row repaired and then skipped counts as skipped).</summary>
    public int Repaired => _repaired.Count(id => !_skipped.Contains(id));

    public int Unchanged => ReadCount - Skipped - Inserted - Updated;

    internal void Read(IEnumerable<Guid> ids) => _read.AddRange(ids);

    public bool IsSkipped(Guid id) => _skipped.Contains(id);

    /// <summary>Leaves the row out of the platform, listed in the report with the reason.</summary>
    public void Skip(Guid id, string reason)
    {
        _skipped.Add(id);
        _issues.Add(new ImportIssue(id, ImportOutcome.Skipped, reason));
    }

    /// <summary>The row is imported with a value changed so that the platform accepts it; listed with the reason.</summary>
    public void Repair(Guid id, string reason)
    {
        _repaired.Add(id);
        _issues.Add(new ImportIssue(id, ImportOutcome.Repaired, reason));
    }

    /// <summary>The value a mapping chose for the row; its repair (when the mapping had to change the original's value) is recorded.</summary>
    public T Use<T>(Guid id, (T Value, string? Repair) mapped)
    {
        if (mapped.Repair is not null)
        {
            Repair(id, mapped.Repair);
        }

        return mapped.Value;
    }

    /// <summary>What the upsert wrote: new rows and rows that differed from the original's.</summary>
    public void Wrote(int inserted, int updated)
    {
        Inserted += inserted;
        Updated += updated;
    }
}

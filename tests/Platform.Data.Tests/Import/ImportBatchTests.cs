using Platform.Data.Import;

namespace Platform.Data.Tests.Import;

public sealed class ImportBatchTests
{
    [Fact]
    public void Unchanged_rows_are_the_read_ones_neither_written_nor_skipped()
    {
        var batch = new ImportBatch();
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        batch.Read(ids);

        batch.Skip(ids[0], "no donor");
        batch.Repair(ids[1], "category 'Garden' is not one of the platform's: other");
        batch.Wrote(inserted: 3, updated: 2);

        Assert.Equal(10, batch.ReadCount);
        Assert.Equal(1, batch.Skipped);
        Assert.Equal(1, batch.Repaired);
        Assert.Equal(4, batch.Unchanged);
        Assert.True(batch.IsSkipped(ids[0]));
        Assert.False(batch.IsSkipped(ids[1]));
    }

    [Fact]
    public void A_row_with_several_repairs_counts_once_and_a_repaired_row_that_is_skipped_counts_as_skipped()
    {
        var batch = new ImportBatch();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        batch.Read([a, b]);

        batch.Repair(a, "title cut");
        batch.Repair(a, "category: other");
        batch.Repair(b, "title cut");
        batch.Skip(b, "duplicate");

        Assert.Equal(1, batch.Repaired);
        Assert.Equal(1, batch.Skipped);
        Assert.Equal(4, batch.Issues.Count);
        Assert.Equal([ImportOutcome.Repaired, ImportOutcome.Repaired, ImportOutcome.Repaired, ImportOutcome.Skipped], batch.Issues.Select(i => i.Outcome));
    }
}

using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Contracts.Tests;

/// <summary>docs/ARCHITECTURE.md's events catalogue names exactly the events of the code's catalogue.</summary>
public sealed partial class ArchitectureCatalogueTests
{
    [Fact]
    public void The_catalogue_table_in_the_architecture_doc_names_exactly_the_events_of_the_code()
    {
        var table = CatalogueTable();
        var documented = EventName().Matches(table).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(EventCatalog.Names.Where(name => !documented.Contains(name)).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Where(name => !EventCatalog.TryGetType(name, out _)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_catalogue_table_names_the_declared_publisher_of_each_event()
    {
        var wrong = new List<string>();
        foreach (var row in CatalogueTable().Split('\n').Skip(2))
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var publishedBy = cells[2].Split(' ', 2)[0] + "-service";
            foreach (var name in EventName().Matches(cells[1]).Select(m => m.Groups[1].Value))
            {
                if (!EventCatalog.TryGetPublisher(name, out var declared) || declared != publishedBy)
                {
                    wrong.Add($"{name}: the table says {publishedBy}, the code {(declared is null ? "nobody" : declared)}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>The rows of the table under "### Catalogue".</summary>
    private static string CatalogueTable()
    {
        var lines = File.ReadAllLines(Path.Combine(TestEnvironment.RepoRoot, "docs", "ARCHITECTURE.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("### Catalogue", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/ARCHITECTURE.md has no '### Catalogue' section");
        return string.Join('\n', lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')));
    }

    [GeneratedRegex(@"`([a-z_]+\.[a-z_]+)`")]
    private static partial Regex EventName();
}

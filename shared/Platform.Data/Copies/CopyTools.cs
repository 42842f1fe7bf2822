using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Hosting;

namespace Platform.Data.Copies;

/// <summary>
/// What a service owns that others copy, exported as one set of rows: <see cref="Sql"/> selects
/// <c>key</c> (text) and <c>row</c> (jsonb with the copied fields, named as the checks name them).
/// </summary>
public sealed record CopySource(string Set, string Sql);

/// <summary>
/// One local copy of another service's data, compared with the owner's export of <see cref="SourceSet"/>.
/// <see cref="CopySql"/> selects <c>key</c> and <c>row</c> like a <see cref="CopySource"/>; only
/// <see cref="Fields"/> are compared. <see cref="CopyDefault"/> stands for a key the copy lacks (null:
/// lacking it is a difference), <see cref="SourceDefault"/> for a key only the copy has (null: an extra
/// row). <see cref="CopyMayLack"/>: the copy keeps only some of the source's rows (those events named).
/// </summary>
public sealed record CopyCheck(
    string Name,
    string SourceSet,
    string CopySql,
    IReadOnlyList<string> Fields,
    string? CopyDefault = null,
    string? SourceDefault = null,
    bool CopyMayLack = false);

public static class CopyToolsSetup
{
    /// <summary>
    /// Registers the service's <c>export-copies</c> (when it owns data others copy) and
    /// <c>check-copies</c> (when it keeps copies) tools; only in <see cref="HostingMode.Tool"/>.
    /// </summary>
    public static PlatformApplication AddCopyTools(
        this PlatformApplication app, IReadOnlyList<CopySource>? exports = null, IReadOnlyList<CopyCheck>? checks = null)
    {
        if (app.Mode != HostingMode.Tool)
        {
            return app;
        }

        if (exports is { Count: > 0 })
        {
            app.Services.AddSingleton<IPlatformTool>(sp => new ExportCopiesTool(sp.GetRequiredService<ServiceDatabase>(), exports));
        }

        if (checks is { Count: > 0 })
        {
            app.Services.AddSingleton<IPlatformTool>(sp => new CheckCopiesTool(sp.GetRequiredService<ServiceDatabase>(), checks));
        }

        return app;
    }
}

/// <summary>
/// <c>export-copies FILE</c>: writes the service's rows that other services copy, as JSON lines
/// (<c>{"set":..,"key":..,"row":{..}}</c>), read in one repeatable-read transaction (one consistent
/// snapshot). The owner reads only its own database; the file is what <c>check-copies</c> of the
/// services that keep copies compares with (docs/MOVING-IN.md, "Copies").
/// </summary>
public sealed class ExportCopiesTool(ServiceDatabase database, IReadOnlyList<CopySource> sources) : IPlatformTool
{
    public string Name => "export-copies";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is not [var path] || path.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: export-copies FILE");
            return 2;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(false));
        foreach (var source in sources)
        {
            // The set's first line names it alone, so an empty set is still an export of it.
            await file.WriteLineAsync($"{{\"set\":{JsonSerializer.Serialize(source.Set)}}}");
            var count = 0;
            var rows = await connection.QueryAsync<(string Key, string Row)>(new CommandDefinition(
                $"select key::text, row::text from ({source.Sql}) s(key, row)", transaction: transaction, cancellationToken: cancellationToken, flags: CommandFlags.None));
            foreach (var (key, row) in rows)
            {
                await file.WriteLineAsync($"{{\"set\":{JsonSerializer.Serialize(source.Set)},\"key\":{JsonSerializer.Serialize(key)},\"row\":{row}}}");
                count++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source.Set,-24} {count,10} rows"));
        }

        await transaction.CommitAsync(cancellationToken);
        return 0;
    }
}

/// <summary>
/// <c>check-copies [--ignore-extra] [--show N] FILE...</c>: compares each of the service's local copies
/// with the owners' exports (<c>export-copies</c> files) and prints, per copy, the rows compared and
/// the differences (missing from the copy, different, extra), then up to N of them (default 20).
/// <c>--ignore-extra</c> compares only the keys the exports hold (a copy's other rows are not looked
/// at: for an export cut down to some rows, or copies holding rows of owners since gone).
/// Exit code 0 when there is no difference, 3 when there are, 2 for bad arguments or a file without
/// the set a copy needs. Run it when the platform is quiet (after the freeze, once the outboxes are
/// empty): an event still on its way is a difference until it arrives.
/// </summary>
public sealed class CheckCopiesTool(ServiceDatabase database, IReadOnlyList<CopyCheck> checks) : IPlatformTool
{
    public string Name => "check-copies";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var ignoreExtra = false;
        var show = 20;
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ignore-extra")
            {
                ignoreExtra = true;
            }
            else if (args[i] == "--show" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                show = n;
                i++;
            }
            else if (!args[i].StartsWith("--", StringComparison.Ordinal) && File.Exists(args[i]))
            {
                files.Add(args[i]);
            }
            else
            {
                await Console.Error.WriteLineAsync($"check-copies: unexpected argument or missing file '{args[i]}'.{Environment.NewLine}usage: check-copies [--ignore-extra] [--show N] FILE...");
                return 2;
            }
        }

        var sets = new Dictionary<string, Dictionary<string, JsonElement>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var set = document.RootElement.GetProperty("set").GetString()!;
                if (!sets.TryGetValue(set, out var rows))
                {
                    sets[set] = rows = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                }

                if (!document.RootElement.TryGetProperty("key", out _))
                {
                    continue;
                }

                rows[document.RootElement.GetProperty("key").GetString()!] = document.RootElement.GetProperty("row").Clone();
            }
        }

        var missingSets = checks.Select(c => c.SourceSet).Distinct().Where(s => !sets.ContainsKey(s)).ToList();
        if (missingSets.Count > 0)
        {
            await Console.Error.WriteLineAsync($"check-copies: no export of {string.Join(", ", missingSets)} in the files given (run export-copies of the owning service).");
            return 2;
        }

        var total = 0L;
        var examples = new List<string>();
        Console.WriteLine($"{"copy",-32} {"compared",10} {"missing",8} {"different",10} {"extra",8}");
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var check in checks)
        {
            var copy = (await connection.QueryAsync<(string Key, string Row)>(new CommandDefinition(
                    $"select key::text, row::text from ({check.CopySql}) s(key, row)", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Key, r => JsonDocument.Parse(r.Row).RootElement.Clone(), StringComparer.Ordinal);
            var result = Compare(check, sets[check.SourceSet], copy, ignoreExtra);
            total += result.Missing + result.Different + result.Extra;
            examples.AddRange(result.Examples.Take(Math.Max(0, show - examples.Count)));
            Console.WriteLine($"{check.Name,-32} {result.Compared,10} {result.Missing,8} {result.Different,10} {result.Extra,8}");
        }

        Console.WriteLine($"differences: {total}");
        foreach (var example in examples)
        {
            Console.WriteLine("  " + example);
        }

        return total == 0 ? 0 : 3;
    }

    /// <summary>The comparison of one copy with its source (pure, for the unit tests).</summary>
    public static CopyComparison Compare(
        CopyCheck check, IReadOnlyDictionary<string, JsonElement> source, IReadOnlyDictionary<string, JsonElement> copy, bool ignoreExtra)
    {
        var copyDefault = check.CopyDefault is null ? (JsonElement?)null : JsonDocument.Parse(check.CopyDefault).RootElement.Clone();
        var sourceDefault = check.SourceDefault is null ? (JsonElement?)null : JsonDocument.Parse(check.SourceDefault).RootElement.Clone();
        long compared = 0, missing = 0, different = 0, extra = 0;
        var examples = new List<string>();
        foreach (var key in source.Keys.Union(copy.Keys).Order(StringComparer.Ordinal))
        {
            if (ignoreExtra && !source.ContainsKey(key))
            {
                continue;
            }

            JsonElement? expected = source.TryGetValue(key, out var s) ? s : sourceDefault;
            JsonElement? actual = copy.TryGetValue(key, out var c) ? c : (check.CopyMayLack ? null : copyDefault);
            if (!copy.ContainsKey(key) && check.CopyMayLack)
            {
                continue;
            }

            if (expected is null)
            {
                extra++;
                examples.Add($"{check.Name} {key}: in the copy, not in {check.SourceSet}");
                continue;
            }

            compared++;
            if (actual is null)
            {
                missing++;
                examples.Add($"{check.Name} {key}: missing from the copy");
                continue;
            }

            var differs = check.Fields.Where(f => Field(expected.Value, f) != Field(actual.Value, f)).ToList();
            if (differs.Count > 0)
            {
                different++;
                examples.Add($"{check.Name} {key}: " + string.Join(", ", differs.Select(f => $"{f} {Field(actual.Value, f)} (source {Field(expected.Value, f)})")));
            }
        }

        return new CopyComparison(compared, missing, different, extra, examples);
    }

    private static string Field(JsonElement row, string field) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(field, out var value) ? value.GetRawText() : "null";
}

public sealed record CopyComparison(long Compared, long Missing, long Different, long Extra, IReadOnlyList<string> Examples);

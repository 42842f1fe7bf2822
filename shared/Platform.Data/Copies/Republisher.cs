using System.Globalization;
using Dapper;
using Platform.Contracts;

namespace Platform.Data.Copies;

/// <summary>What <c>republish</c> was asked: which kind of rows, all of them or only some ids, and the page size.</summary>
public sealed record RepublishArguments(string What, IReadOnlyList<Guid>? Ids, int BatchSize)
{
    /// <summary>
    /// Reads <c>[kind] [--ids ID,ID,...] [--batch-size 1..10000]</c>; <paramref name="kinds"/> lists the kinds
    /// the service republishes (the first is the default). Null, with the reason, for a bad argument.
    /// </summary>
    public static (RepublishArguments? Arguments, string? Error) Parse(string[] args, IReadOnlyList<string> kinds)
    {
        var what = kinds[0];
        var batch = 1000;
        List<Guid>? ids = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (kinds.Contains(args[i], StringComparer.Ordinal))
            {
                what = args[i];
            }
            else if (args[i] == "--batch-size" && i + 1 < args.Length
                && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 10_000)
            {
                batch = size;
                i++;
            }
            else if (args[i] == "--ids" && i + 1 < args.Length)
            {
                ids = [];
                foreach (var text in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!Guid.TryParseExact(text, "D", out var id))
                    {
                        return (null, $"'{text}' is not an id (a UUID).");
                    }

                    ids.Add(id);
                }

                if (ids.Count == 0)
                {
                    return (null, "--ids needs at least one id.");
                }
            }
            else
            {
                return (null, $"unexpected argument '{args[i]}'.");
            }
        }

        return (new RepublishArguments(what, ids, batch), null);
    }

    public static string Usage(IReadOnlyList<string> kinds) => $"usage: republish [{string.Join('|', kinds)}] [--ids ID,ID,...] [--batch-size 1..10000]";
}

/// <summary>
/// Publishes rows of a table again through the outbox, page by page: <c>sql</c> (given <c>@ids</c>) raises
/// each row's version and returns it; one event per returned row commits with that page. With ids, only
/// those rows (an id that is not there is skipped).
/// </summary>
public static class Republisher
{
    public static async Task<long> RepublishAsync<TRow>(
        ServiceDatabase database, string table, string sql, Func<TRow, IIntegrationEvent> toEvent, RepublishArguments arguments, CancellationToken cancellationToken)
    {
        var after = Guid.Empty;
        var total = 0L;
        var only = arguments.Ids?.Distinct().ToArray();
        while (true)
        {
            await using var uow = await database.BeginAsync(cancellationToken);
            var ids = (await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
                only is null
                    ? $"select id from {table} where id > @after order by id limit @limit"
                    : $"select id from {table} where id > @after and id = any(@only) order by id limit @limit",
                new { after, limit = arguments.BatchSize, only },
                uow.Transaction,
                cancellationToken: cancellationToken))).AsList();
            if (ids.Count == 0)
            {
                return total;
            }

            var rows = await uow.Connection.QueryAsync<TRow>(new CommandDefinition(sql, new { ids = ids.ToArray() }, uow.Transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
            {
                uow.Publish(toEvent(row));
                total++;
            }

            await uow.CommitAsync(cancellationToken);
            after = ids[^1];
        }
    }
}

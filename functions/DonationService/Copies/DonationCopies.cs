using System.Globalization;
using Dapper;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Hosting.Hosting;

namespace DonationService.Copies;

/// <summary>
/// What donation-service owns that others copy (<c>export-copies</c>), and the copy it keeps itself:
/// each donor's rating sum and count, compared with request-service's export of its ratings.
/// </summary>
public static class DonationCopies
{
    public static readonly IReadOnlyList<CopySource> Exports =
    [
        new("profiles", "select id, jsonb_build_object('role', role, 'recipient_status', recipient_status, 'blocked', blocked) from donation.profiles"),
        new("donations", """
            select id, jsonb_build_object('donor_id', donor_id, 'status', case when deleted_at is null then status else 'deleted' end)
              from donation.donations
            """),
    ];

    public static readonly IReadOnlyList<CopyCheck> Checks =
    [
        new("donation.profiles rating sums", "ratings",
            "select id, jsonb_build_object('sum', rating_sum, 'count', rating_count) from donation.profiles where rating_count > 0 or rating_sum > 0",
            ["sum", "count"], SourceDefault: """{"sum":0,"count":0}"""),
    ];
}

/// <summary>
/// <c>republish [profiles|donations|all] [--batch-size N]</c>: publishes every profile and every
/// (not deleted) donation again as <c>profile.updated</c> / <c>donation.updated</c> through the
/// outbox, page by page, so the copies other services keep are rebuilt on any running deployment.
/// Each row's version goes up by one in the same transaction: consumers keep a copy only from a newer
/// version than theirs (newest version wins), so a copy that went wrong at the current version is
/// overwritten, and one that is already newer is never taken back. The relay of the running service
/// sends the events; the command prints how many it queued.
/// </summary>
public sealed class RepublishTool(ServiceDatabase database) : IPlatformTool
{
    public string Name => "republish";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var what = "all";
        var batch = 1000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "profiles" or "donations" or "all")
            {
                what = args[i];
            }
            else if (args[i] == "--batch-size" && i + 1 < args.Length
                && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 10_000)
            {
                batch = size;
                i++;
            }
            else
            {
                await Console.Error.WriteLineAsync($"republish: unexpected argument '{args[i]}'.{Environment.NewLine}usage: republish [profiles|donations|all] [--batch-size 1..10000]");
                return 2;
            }
        }

        if (what is "profiles" or "all")
        {
            Console.WriteLine($"profile.updated  {await RepublishAsync("donation.profiles", ProfilesSql, row => new ProfileUpdated(new ProfileSnapshot(row.Id, row.A, row.B, row.Blocked, row.C, row.Version)), batch, cancellationToken),10} queued");
        }

        if (what is "donations" or "all")
        {
            Console.WriteLine($"donation.updated {await RepublishAsync("donation.donations", DonationsSql, row => new DonationUpdated(new DonationSnapshot(row.Id, row.OwnerId, row.A, row.B, row.C!, row.Version)), batch, cancellationToken),10} queued");
        }

        return 0;
    }

    private const string ProfilesSql =
        """
        update donation.profiles p set version = p.version + 1 where p.id = any(@ids)
        returning p.id, p.role as a, p.recipient_status as b, p.full_name as c, p.blocked, p.id as owner_id, p.version
        """;

    private const string DonationsSql =
        """
        update donation.donations d set version = d.version + 1 where d.id = any(@ids) and d.deleted_at is null
        returning d.id, d.title as a, d.category as b, d.status as c, false as blocked, d.donor_id as owner_id, d.version
        """;

    private async Task<long> RepublishAsync(string table, string sql, Func<Row, IIntegrationEvent> toEvent, int limit, CancellationToken cancellationToken)
    {
        var after = Guid.Empty;
        var total = 0L;
        while (true)
        {
            await using var uow = await database.BeginAsync(cancellationToken);
            var ids = (await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
                $"select id from {table} where id > @after order by id limit @limit", new { after, limit }, uow.Transaction, cancellationToken: cancellationToken))).AsList();
            if (ids.Count == 0)
            {
                return total;
            }

            var rows = await uow.Connection.QueryAsync<Row>(new CommandDefinition(sql, new { ids = ids.ToArray() }, uow.Transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
            {
                uow.Publish(toEvent(row));
                total++;
            }

            await uow.CommitAsync(cancellationToken);
            after = ids[^1];
        }
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public string A { get; init; } = string.Empty;

        public string B { get; init; } = string.Empty;

        public string? C { get; init; }

        public bool Blocked { get; init; }

        public Guid OwnerId { get; init; }

        public long Version { get; init; }
    }
}

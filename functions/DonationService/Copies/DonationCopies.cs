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
/// <c>republish [all|profiles|donations] [--ids ID,...] [--batch-size N]</c>: publishes every profile and every
/// (not deleted) donation, or only the given ids, again as <c>profile.updated</c> / <c>donation.updated</c>
/// through the outbox, page by page, so the copies other services keep are rebuilt on any running deployment.
/// Each row's version goes up by one in the same transaction: consumers keep a copy only from a newer
/// version than theirs (newest version wins), so a copy that went wrong at the current version is
/// overwritten, and one that is already newer is never taken back. The relay of the running service
/// sends the events; the command prints how many it queued.
/// </summary>
public sealed class RepublishTool(ServiceDatabase database) : IPlatformTool
{
    private static readonly string[] Kinds = ["all", "profiles", "donations"];

    public string Name => "republish";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var (arguments, error) = RepublishArguments.Parse(args, Kinds);
        if (arguments is null)
        {
            await Console.Error.WriteLineAsync($"republish: {error}{Environment.NewLine}{RepublishArguments.Usage(Kinds)}");
            return 2;
        }

        if (arguments.What is "profiles" or "all")
        {
            var queued = await Republisher.RepublishAsync<Row>(
                database, "donation.profiles", ProfilesSql, row => new ProfileUpdated(new ProfileSnapshot(row.Id, row.A, row.B, row.Blocked, row.C, row.Version)), arguments, cancellationToken);
            Console.WriteLine($"profile.updated  {queued,10} queued");
        }

        if (arguments.What is "donations" or "all")
        {
            var queued = await Republisher.RepublishAsync<Row>(
                database, "donation.donations", DonationsSql, row => new DonationUpdated(new DonationSnapshot(row.Id, row.OwnerId, row.A, row.B, row.C!, row.Version)), arguments, cancellationToken);
            Console.WriteLine($"donation.updated {queued,10} queued");
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

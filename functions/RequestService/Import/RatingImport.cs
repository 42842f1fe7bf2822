using Dapper;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Import;

namespace RequestService.Import;

/// <summary>A row of the original app's <c>public.ratings</c> (no request: the original rated a donor by a recipient).</summary>
public sealed class LegacyRating : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? DonorId { get; init; }

    public Guid? RecipientId { get; init; }

    public int? Rating { get; init; }

    public string? Comment { get; init; }

    public DateTime? CreatedAt { get; init; }

    public bool DonorFound { get; init; }

    public bool RecipientFound { get; init; }
}

/// <summary>
/// <c>public.ratings</c> → <c>request.ratings</c> (after the requests), keeping the original ids.
/// The original's ratings name no request: each is linked to a completed request of the same donor
/// and recipient that has no rating yet (oldest first); when there is none it is kept as a legacy
/// rating (<c>request.legacy_ratings</c>), reported as repaired. Both kinds publish
/// <c>rating.submitted</c> once, when first imported, so donation-service's rating sums count them
/// alike (a legacy rating's event carries the empty request id). A rating is written once: a value
/// the original changes later is not carried (ratings are not edited in the original).
/// </summary>
public sealed class RatingImport : LegacyTableImport<LegacyRating>
{
    public const int CommentLimit = 1000;
    public const string KeptAsLegacy = "no completed request of this donor and recipient left to link: kept as a legacy rating";

    public override string Source => "public.ratings";

    protected override string From =>
        """
        public.ratings t
          left join public.profiles dp on dp.id = t.donor_id
          left join public.profiles rp on rp.id = t.recipient_id
        """;

    protected override string Key => "t.id";

    protected override string Columns =>
        "t.id, t.donor_id, t.recipient_id, t.rating, t.comment, t.created_at, dp.id is not null as donor_found, rp.id is not null as recipient_found";

    /// <summary>Why the platform refuses the rating (null: it takes it).</summary>
    public static string? Refusal(LegacyRating row) => row switch
    {
        { Rating: null } => "rating is empty",
        { Rating: < 1 or > 5 } => $"rating {row.Rating} is outside 1..5",
        { DonorId: null } => "donor_id is empty",
        { DonorFound: false } => $"donor {row.DonorId} has no profile (missing from public.profiles)",
        { RecipientId: null } => "recipient_id is empty",
        { RecipientFound: false } => $"recipient {row.RecipientId} has no profile (missing from public.profiles)",
        _ when row.DonorId == row.RecipientId => "a rating of oneself",
        _ => null,
    };

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyRating> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).ToArray();
        var known = (await uow.Connection.QueryAsync<(Guid Id, bool Legacy)>(new CommandDefinition(
            "select id, false from request.ratings where id = any(@ids) union all select id, true from request.legacy_ratings where id = any(@ids)",
            new { ids },
            uow.Transaction,
            cancellationToken: cancellationToken))).ToDictionary(k => k.Id, k => k.Legacy);
        var fresh = new List<LegacyRating>();
        foreach (var row in rows)
        {
            if (Refusal(row) is { } reason)
            {
                batch.Skip(row.Id, reason);
            }
            else if (known.TryGetValue(row.Id, out var isLegacy))
            {
                // Imported by an earlier pass and never rewritten; the report still says what was repaired.
                batch.Use(row.Id, LegacyFields.Cut("comment", row.Comment, CommentLimit));
                batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, null));
                if (isLegacy)
                {
                    batch.Repair(row.Id, KeptAsLegacy);
                }
            }
            else
            {
                fresh.Add(row);
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        // Completed requests of these pairs that no rating holds yet, oldest first.
        var open = (await uow.Connection.QueryAsync<(Guid Id, Guid DonorId, Guid RecipientId)>(new CommandDefinition(
            """
            select q.id, q.donor_id, q.recipient_id from request.requests q
              join (select distinct * from unnest(@donors, @recipients)) as k(donor_id, recipient_id) using (donor_id, recipient_id)
             where q.status = 'completed' and not exists (select 1 from request.ratings x where x.request_id = q.id)
             order by q.created_at, q.id
            """,
            new { donors = fresh.Select(r => r.DonorId!.Value).ToArray(), recipients = fresh.Select(r => r.RecipientId!.Value).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken)))
            .GroupBy(q => (q.DonorId, q.RecipientId))
            .ToDictionary(g => g.Key, g => new Queue<Guid>(g.Select(q => q.Id)));

        var linked = new List<(LegacyRating Row, Guid RequestId)>();
        var legacy = new List<LegacyRating>();
        foreach (var row in fresh)
        {
            if (open.TryGetValue((row.DonorId!.Value, row.RecipientId!.Value), out var requests) && requests.TryDequeue(out var requestId))
            {
                linked.Add((row, requestId));
            }
            else
            {
                batch.Repair(row.Id, KeptAsLegacy);
                legacy.Add(row);
            }
        }

        var all = linked.Select(l => (l.Row, RequestId: (Guid?)l.RequestId)).Concat(legacy.Select(r => (Row: r, RequestId: (Guid?)null))).ToList();
        var comments = all.Select(a => batch.Use(a.Row.Id, LegacyFields.Cut("comment", a.Row.Comment, CommentLimit))).ToArray();
        var created = all.Select(a => batch.Use(a.Row.Id, LegacyFields.CreatedAt(a.Row.CreatedAt, null))).ToArray();
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            with input as (
                select * from unnest(@Id, @RequestId, @DonorId, @RecipientId, @Rating, @Comment, @CreatedAt)
                    as i(id, request_id, donor_id, recipient_id, rating, comment, created_at)),
            linked as (
                insert into request.ratings (id, request_id, donor_id, recipient_id, rating, comment, created_at)
                select id, request_id, donor_id, recipient_id, rating, comment, created_at from input where request_id is not null
                on conflict do nothing returning 1)
            insert into request.legacy_ratings (id, donor_id, recipient_id, rating, comment, created_at)
            select id, donor_id, recipient_id, rating, comment, created_at from input where request_id is null
            on conflict do nothing
            """,
            new
            {
                Id = all.Select(a => a.Row.Id).ToArray(),
                RequestId = all.Select(a => a.RequestId).ToArray(),
                DonorId = all.Select(a => a.Row.DonorId!.Value).ToArray(),
                RecipientId = all.Select(a => a.Row.RecipientId!.Value).ToArray(),
                Rating = all.Select(a => (short)a.Row.Rating!.Value).ToArray(),
                Comment = comments,
                CreatedAt = created,
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
        foreach (var (row, requestId) in all)
        {
            uow.Publish(new RatingSubmitted(row.Id, requestId ?? Guid.Empty, row.DonorId!.Value, row.RecipientId!.Value, row.Rating!.Value));
        }

        batch.Wrote(all.Count, 0);
    }
}

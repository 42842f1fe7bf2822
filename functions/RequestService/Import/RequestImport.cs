using Dapper;
using Platform.Data;
using Platform.Data.Import;

namespace RequestService.Import;

/// <summary>A row of the original app's <c>public.requests</c>, with what the checks need from its donation and profiles.</summary>
public sealed class LegacyRequest : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? DonationId { get; init; }

    public Guid? RecipientId { get; init; }

    public Guid? DonorId { get; init; }

    public string? Message { get; init; }

    public string? Status { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }

    /// <summary>The donor of the request's donation in <c>public.donations</c> (null: no such donation).</summary>
    public Guid? DonationDonorId { get; init; }

    public bool DonationFound { get; init; }

    public bool DonationDonorFound { get; init; }

    public bool RecipientFound { get; init; }
}

/// <summary>
/// <c>public.requests</c> → <c>request.requests</c>, keeping the original ids. The original's
/// donation and profiles are looked up in the original database (request-service owns neither):
/// a request whose donation or recipient is gone, or whose donation has no donor profile (so
/// donation-service skipped it), is skipped; the donor is always the donation's. One request per
/// recipient and donation: the first by id is kept, later ones are skipped as duplicates. No event
/// is published: an imported request notifies nobody. donation-service's import links a claimed item to
/// the request holding it from the same original rows, so the claim saga goes on from there.
/// </summary>
public sealed class RequestImport : LegacyTableImport<LegacyRequest>
{
    public const int MessageLimit = 1000;

    public override string Source => "public.requests";

    protected override string From =>
        """
        public.requests r
          left join public.donations d on d.id = r.donation_id
          left join public.profiles dp on dp.id = d.donor_id
          left join public.profiles rp on rp.id = r.recipient_id
        """;

    protected override string Key => "r.id";

    protected override string Columns =>
        """
        r.id, r.donation_id, r.recipient_id, r.donor_id, r.message, r.status, r.created_at, r.updated_at,
        d.donor_id as donation_donor_id, d.id is not null as donation_found, dp.id is not null as donation_donor_found,
        rp.id is not null as recipient_found
        """;

    /// <summary>Why the platform refuses the request (null: it takes it), from the original's rows alone.</summary>
    public static string? Refusal(LegacyRequest row) => row switch
    {
        { DonationId: null } => "donation_id is empty",
        { DonationFound: false } => $"donation {row.DonationId} does not exist in public.donations",
        { DonationDonorFound: false } => $"donation {row.DonationId} has no donor profile (donation-service skipped it)",
        { RecipientId: null } => "recipient_id is empty",
        { RecipientFound: false } => $"recipient {row.RecipientId} has no profile (missing from public.profiles)",
        _ when row.RecipientId == row.DonationDonorId => "the recipient is the donation's own donor",
        _ => null,
    };

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyRequest> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var candidates = new List<LegacyRequest>(rows.Count);
        foreach (var row in rows)
        {
            if (Refusal(row) is { } reason)
            {
                batch.Skip(row.Id, reason);
            }
            else
            {
                candidates.Add(row);
            }
        }

        // One request per recipient and donation: an earlier page's (already in the platform) or this page's first.
        var taken = (await uow.Connection.QueryAsync<(Guid Id, Guid DonationId, Guid RecipientId)>(new CommandDefinition(
            """
            select r.id, r.donation_id, r.recipient_id from request.requests r
              join (select distinct * from unnest(@donations, @recipients)) as k(donation_id, recipient_id) using (donation_id, recipient_id)
            """,
            new { donations = candidates.Select(c => c.DonationId!.Value).ToArray(), recipients = candidates.Select(c => c.RecipientId!.Value).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken))).ToDictionary(t => (t.DonationId, t.RecipientId), t => t.Id);
        var mapped = new List<MappedRequest>(candidates.Count);
        foreach (var row in candidates)
        {
            var key = (row.DonationId!.Value, row.RecipientId!.Value);
            if (taken.TryGetValue(key, out var holder) && holder != row.Id)
            {
                batch.Skip(row.Id, $"duplicate of request {holder} (one request per recipient and donation)");
                continue;
            }

            taken[key] = row.Id;
            mapped.Add(Map(row, batch));
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = (await uow.Connection.QueryAsync<bool>(new CommandDefinition(
            """
            insert into request.requests as q (id, donation_id, donor_id, recipient_id, message, status, created_at, updated_at)
            select * from unnest(@Id, @DonationId, @DonorId, @RecipientId, @Message, @Status, @CreatedAt, @UpdatedAt)
            on conflict (id) do update set donation_id = excluded.donation_id, donor_id = excluded.donor_id,
                recipient_id = excluded.recipient_id, message = excluded.message, status = excluded.status,
                created_at = excluded.created_at, updated_at = excluded.updated_at, version = q.version + 1
             where (q.donation_id, q.donor_id, q.recipient_id, q.message, q.status, q.created_at)
                is distinct from (excluded.donation_id, excluded.donor_id, excluded.recipient_id, excluded.message, excluded.status, excluded.created_at)
            returning (q.xmax = 0)
            """,
            new
            {
                Id = mapped.Select(m => m.Id).ToArray(),
                DonationId = mapped.Select(m => m.DonationId).ToArray(),
                DonorId = mapped.Select(m => m.DonorId).ToArray(),
                RecipientId = mapped.Select(m => m.RecipientId).ToArray(),
                Message = mapped.Select(m => m.Message).ToArray(),
                Status = mapped.Select(m => m.Status).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
                UpdatedAt = mapped.Select(m => m.UpdatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        var inserted = written.Count(w => w);
        batch.Wrote(inserted, written.Count - inserted);
    }

    /// <summary>The platform's request for an original one the platform takes; every changed value is reported as a repair.</summary>
    public static MappedRequest Map(LegacyRequest row, ImportBatch batch)
    {
        var donor = row.DonationDonorId!.Value;
        if (row.DonorId != donor)
        {
            batch.Repair(row.Id, $"donor_id {row.DonorId} is not the donation's donor: {donor} used");
        }

        var created = batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, row.UpdatedAt));
        return new MappedRequest(
            row.Id,
            row.DonationId!.Value,
            donor,
            row.RecipientId!.Value,
            batch.Use(row.Id, LegacyFields.Cut("message", row.Message, MessageLimit)),
            batch.Use(row.Id, LegacyRequestStatus.Map(row.Status)),
            created,
            row.UpdatedAt ?? created);
    }
}

/// <summary>A request as the platform stores it.</summary>
public sealed record MappedRequest(
    Guid Id, Guid DonationId, Guid DonorId, Guid RecipientId, string? Message, string Status, DateTime CreatedAt, DateTime UpdatedAt);

using Dapper;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Import;

namespace DonationService.Import;

/// <summary>A row of the original app's <c>public.donations</c>.</summary>
public sealed class LegacyDonation : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? DonorId { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Category { get; init; }

    public string? Location { get; init; }

    public string? ImageUrl { get; init; }

    public string? Status { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }

    /// <summary>The request holding the item in the original (approved or completed; the latest one), if any.</summary>
    public Guid? HolderRequestId { get; init; }

    public Guid? HolderRecipientId { get; init; }

    /// <summary>Whether the holding request is completed (else approved).</summary>
    public bool HolderCompleted { get; init; }
}

/// <summary>
/// <c>public.donations</c> → <c>donation.donations</c> (after the profiles), keeping the original ids.
/// A donation whose donor is not a profile here (missing from the original, or skipped) is skipped:
/// the platform's foreign key refuses it. A new or changed donation publishes
/// <c>donation.created</c> or <c>donation.updated</c>, which builds request-service's copy.
/// <para>
/// The original never recorded which request holds a claimed or handed-over item; the platform's
/// claim saga needs it (completing or cancelling that request completes or releases the item). It is
/// found in the original's <c>public.requests</c>: of the donation's approved or completed requests
/// that request-service imports (the first of each recipient, by id), the latest updated.
/// </para>
/// </summary>
public sealed class DonationImport : LegacyTableImport<LegacyDonation>
{
    public const string UntitledTitle = "Untitled item";

    public override string Source => "public.donations";

    protected override string Columns =>
        """
        d.id, d.donor_id, d.title, d.description, d.category, d.location, d.image_url, d.status, d.created_at, d.updated_at,
        h.holder_request_id, h.holder_recipient_id, coalesce(h.holder_completed, false) as holder_completed
        """;

    protected override string From =>
        $"""
        public.donations d
          left join (
            select distinct on (r.donation_id) r.donation_id, r.id as holder_request_id, r.recipient_id as holder_recipient_id,
                   lower(btrim(r.status)) in ({LegacyRequestStatus.HoldingNamesSql(completedOnly: true)}) as holder_completed
              from public.requests r
             where lower(btrim(r.status)) in ({LegacyRequestStatus.HoldingNamesSql()}) and r.recipient_id is not null
               and not exists (select 1 from public.requests e where e.donation_id = r.donation_id and e.recipient_id = r.recipient_id and e.id < r.id)
             order by r.donation_id, r.updated_at desc nulls last, r.id desc) h on h.donation_id = d.id
        """;

    protected override string Key => "d.id";

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyDonation> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var userIds = rows.SelectMany(r => new[] { r.DonorId, r.HolderRecipientId }).OfType<Guid>().Distinct().ToArray();
        var donors = (await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
            "select id from donation.profiles where id = any(@userIds)", new { userIds }, uow.Transaction, cancellationToken: cancellationToken))).ToHashSet();
        var mapped = new List<MappedDonation>(rows.Count);
        foreach (var row in rows)
        {
            if (row.DonorId is not { } donorId)
            {
                batch.Skip(row.Id, "donor_id is empty");
            }
            else if (!donors.Contains(donorId))
            {
                batch.Skip(row.Id, $"donor {donorId} has no profile (missing from public.profiles)");
            }
            else
            {
                mapped.Add(Map(row, donorId, batch, donors.Contains));
            }
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = await uow.Connection.QueryAsync<Written>(new CommandDefinition(
            """
            insert into donation.donations as d (id, donor_id, title, description, category, location, image_url, status, created_at, updated_at,
                claimed_request_id, claimed_by)
            select * from unnest(@Id, @DonorId, @Title, @Description, @Category, @Location, @ImageUrl, @Status, @CreatedAt, @UpdatedAt,
                @ClaimedRequestId, @ClaimedBy)
            on conflict (id) do update set donor_id = excluded.donor_id, title = excluded.title, description = excluded.description,
                category = excluded.category, location = excluded.location, image_url = excluded.image_url, status = excluded.status,
                created_at = excluded.created_at, updated_at = excluded.updated_at, claimed_request_id = excluded.claimed_request_id,
                claimed_by = excluded.claimed_by, deleted_at = null, version = d.version + 1
             where (d.donor_id, d.title, d.description, d.category, d.location, d.image_url, d.status, d.created_at, d.claimed_request_id,
                    d.claimed_by, d.deleted_at)
                is distinct from (excluded.donor_id, excluded.title, excluded.description, excluded.category, excluded.location,
                excluded.image_url, excluded.status, excluded.created_at, excluded.claimed_request_id, excluded.claimed_by, null::timestamptz)
            returning d.id, d.donor_id, d.title, d.category, d.status, d.version, (d.xmax = 0) as inserted
            """,
            new
            {
                Id = mapped.Select(m => m.Id).ToArray(),
                DonorId = mapped.Select(m => m.DonorId).ToArray(),
                Title = mapped.Select(m => m.Title).ToArray(),
                Description = mapped.Select(m => m.Description).ToArray(),
                Category = mapped.Select(m => m.Category).ToArray(),
                Location = mapped.Select(m => m.Location).ToArray(),
                ImageUrl = mapped.Select(m => m.ImageUrl).ToArray(),
                Status = mapped.Select(m => m.Status).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
                UpdatedAt = mapped.Select(m => m.UpdatedAt).ToArray(),
                ClaimedRequestId = mapped.Select(m => m.ClaimedRequestId).ToArray(),
                ClaimedBy = mapped.Select(m => m.ClaimedBy).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
        var inserted = 0;
        var updated = 0;
        foreach (var row in written)
        {
            var snapshot = new DonationSnapshot(row.Id, row.DonorId, row.Title, row.Category, row.Status, row.Version);
            if (row.Inserted)
            {
                inserted++;
                uow.Publish(new DonationCreated(snapshot));
            }
            else
            {
                updated++;
                uow.Publish(new DonationUpdated(snapshot));
            }
        }

        batch.Wrote(inserted, updated);
    }

    /// <summary>
    /// The platform's donation for an original one whose donor exists; every changed value is reported
    /// as a repair. <paramref name="hasProfile"/> says whether a user (the holding request's recipient) is a profile here.
    /// </summary>
    public static MappedDonation Map(LegacyDonation row, Guid donorId, ImportBatch batch, Func<Guid, bool> hasProfile)
    {
        var title = string.IsNullOrWhiteSpace(row.Title)
            ? batch.Use(row.Id, (UntitledTitle, "title is empty: '" + UntitledTitle + "'"))
            : batch.Use(row.Id, LegacyFields.Cut("title", row.Title, DonationLimits.Title))!;
        var (status, holder) = Claim(row, donorId, batch.Use(row.Id, LegacyValues.DonationStatus(row.Status)), hasProfile);
        return new MappedDonation(
            row.Id,
            donorId,
            title,
            batch.Use(row.Id, LegacyFields.Cut("description", row.Description, DonationLimits.Description)),
            batch.Use(row.Id, LegacyValues.Category(row.Category)),
            batch.Use(row.Id, LegacyFields.Cut("location", row.Location, DonationLimits.Location)),
            batch.Use(row.Id, LegacyFields.DropIfLonger("image_url", row.ImageUrl, DonationLimits.Url)),
            batch.Use(row.Id, status),
            batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, row.UpdatedAt)),
            row.UpdatedAt ?? row.CreatedAt ?? LegacyFields.MissingTime,
            holder?.RequestId,
            holder?.RecipientId);
    }

    /// <summary>
    /// Who holds a claimed or handed-over item: its holding request when request-service imports it
    /// too (a recipient with a profile who is not the donor). A claimed item whose request is completed
    /// was handed over (completed, reported). A claimed item with no such request stays claimed with no
    /// holder (docs/MOVING-IN.md); any other status holds nothing.
    /// </summary>
    public static ((string Status, string? Repair) Status, (Guid RequestId, Guid RecipientId)? Holder) Claim(
        LegacyDonation row, Guid donorId, string status, Func<Guid, bool> hasProfile)
    {
        if (status is not ("claimed" or "completed")
            || row is not { HolderRequestId: { } request, HolderRecipientId: { } recipient }
            || recipient == donorId || !hasProfile(recipient))
        {
            return ((status, null), null);
        }

        return status == "claimed" && row.HolderCompleted
            ? (("completed", $"claimed, but its request {request} is completed: completed"), (request, recipient))
            : ((status, null), (request, recipient));
    }

    private sealed class Written
    {
        public Guid Id { get; init; }

        public Guid DonorId { get; init; }

        public string Title { get; init; } = string.Empty;

        public string Category { get; init; } = string.Empty;

        public string Status { get; init; } = string.Empty;

        public long Version { get; init; }

        public bool Inserted { get; init; }
    }
}

/// <summary>A donation as the platform stores it.</summary>
public sealed record MappedDonation(
    Guid Id,
    Guid DonorId,
    string Title,
    string? Description,
    string Category,
    string? Location,
    string? ImageUrl,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    Guid? ClaimedRequestId,
    Guid? ClaimedBy);

/// <summary>The lengths <c>donation.donations</c> accepts (its check constraints).</summary>
public static class DonationLimits
{
    public const int Title = 120;
    public const int Description = 2000;
    public const int Location = 200;
    public const int Url = 2048;
}

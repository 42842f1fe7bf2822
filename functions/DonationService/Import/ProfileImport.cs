using Dapper;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Import;

namespace DonationService.Import;

/// <summary>A row of the original app's <c>public.profiles</c>.</summary>
public sealed class LegacyProfile : ILegacyRow
{
    public Guid Id { get; init; }

    public string? Email { get; init; }

    public string? FullName { get; init; }

    public string? Phone { get; init; }

    public string? AvatarUrl { get; init; }

    public string? Location { get; init; }

    public string? Role { get; init; }

    public string? VerificationStatus { get; init; }

    public string? VerificationImageUrl { get; init; }

    public bool? IsBlocked { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }
}

/// <summary>
/// <c>public.profiles</c> → <c>donation.profiles</c>, keeping the original ids (the Supabase Auth
/// user ids, so people keep signing in as themselves). A new or changed profile publishes
/// <c>profile.created</c> or <c>profile.updated</c> in the same transaction, so request-service's and
/// campaign-service's copies are built from the import exactly as from the API. The rating sum is
/// not the original's column: it comes from the ratings request-service imports.
/// </summary>
public sealed class ProfileImport : LegacyTableImport<LegacyProfile>
{
    public override string Source => "public.profiles";

    protected override string Columns =>
        "id, email, full_name, phone, avatar_url, location, role, verification_status, verification_image_url, is_blocked, created_at, updated_at";

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyProfile> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var mapped = rows.Select(r => Map(r, batch)).ToList();
        var written = await uow.Connection.QueryAsync<Written>(new CommandDefinition(
            """
            insert into donation.profiles as p (id, email, full_name, phone, avatar_url, location, role, recipient_status,
                verification_image_url, blocked, blocked_at, created_at, updated_at)
            select * from unnest(@Id, @Email, @FullName, @Phone, @AvatarUrl, @Location, @Role, @RecipientStatus,
                @VerificationImageUrl, @Blocked, @BlockedAt, @CreatedAt, @UpdatedAt)
            on conflict (id) do update set email = excluded.email, full_name = excluded.full_name, phone = excluded.phone,
                avatar_url = excluded.avatar_url, location = excluded.location, role = excluded.role,
                recipient_status = excluded.recipient_status, verification_image_url = excluded.verification_image_url,
                blocked = excluded.blocked, blocked_at = case when excluded.blocked then coalesce(p.blocked_at, excluded.blocked_at) end,
                created_at = excluded.created_at, updated_at = excluded.updated_at, version = p.version + 1
             where (p.email, p.full_name, p.phone, p.avatar_url, p.location, p.role, p.recipient_status, p.verification_image_url, p.blocked, p.created_at)
                is distinct from (excluded.email, excluded.full_name, excluded.phone, excluded.avatar_url, excluded.location, excluded.role,
                excluded.recipient_status, excluded.verification_image_url, excluded.blocked, excluded.created_at)
            returning p.id, p.role, p.recipient_status, p.blocked, p.full_name, p.version, (p.xmax = 0) as inserted
            """,
            new
            {
                Id = mapped.Select(m => m.Id).ToArray(),
                Email = mapped.Select(m => m.Email).ToArray(),
                FullName = mapped.Select(m => m.FullName).ToArray(),
                Phone = mapped.Select(m => m.Phone).ToArray(),
                AvatarUrl = mapped.Select(m => m.AvatarUrl).ToArray(),
                Location = mapped.Select(m => m.Location).ToArray(),
                Role = mapped.Select(m => m.Role).ToArray(),
                RecipientStatus = mapped.Select(m => m.RecipientStatus).ToArray(),
                VerificationImageUrl = mapped.Select(m => m.VerificationImageUrl).ToArray(),
                Blocked = mapped.Select(m => m.Blocked).ToArray(),
                BlockedAt = mapped.Select(m => m.Blocked ? m.UpdatedAt : (DateTime?)null).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
                UpdatedAt = mapped.Select(m => m.UpdatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
        var inserted = 0;
        var updated = 0;
        foreach (var row in written)
        {
            var snapshot = new ProfileSnapshot(row.Id, row.Role, row.RecipientStatus, row.Blocked, row.FullName, row.Version);
            if (row.Inserted)
            {
                inserted++;
                uow.Publish(new ProfileCreated(snapshot));
            }
            else
            {
                updated++;
                uow.Publish(new ProfileUpdated(snapshot));
            }
        }

        batch.Wrote(inserted, updated);
    }

    /// <summary>The platform's profile for an original one; every value it had to change is reported as a repair.</summary>
    public static MappedProfile Map(LegacyProfile row, ImportBatch batch)
    {
        var role = batch.Use(row.Id, LegacyValues.Role(row.Role));
        var status = batch.Use(row.Id, LegacyValues.RecipientStatus(row.VerificationStatus));
        var created = batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, row.UpdatedAt));
        return new MappedProfile(
            row.Id,
            batch.Use(row.Id, LegacyFields.DropIfLonger("email", row.Email, ProfileLimits.Email)),
            batch.Use(row.Id, LegacyFields.Cut("full_name", row.FullName, ProfileLimits.FullName)),
            batch.Use(row.Id, LegacyFields.DropIfLonger("phone", row.Phone, ProfileLimits.Phone)),
            batch.Use(row.Id, LegacyFields.DropIfLonger("avatar_url", row.AvatarUrl, ProfileLimits.Url)),
            batch.Use(row.Id, LegacyFields.Cut("location", row.Location, ProfileLimits.Location)),
            role,
            status,
            batch.Use(row.Id, LegacyFields.DropIfLonger("verification_image_url", row.VerificationImageUrl, ProfileLimits.Url)),
            row.IsBlocked == true,
            created,
            row.UpdatedAt ?? created);
    }

    private sealed class Written
    {
        public Guid Id { get; init; }

        public string Role { get; init; } = string.Empty;

        public string RecipientStatus { get; init; } = string.Empty;

        public bool Blocked { get; init; }

        public string? FullName { get; init; }

        public long Version { get; init; }

        public bool Inserted { get; init; }
    }
}

/// <summary>A profile as the platform stores it.</summary>
public sealed record MappedProfile(
    Guid Id,
    string? Email,
    string? FullName,
    string? Phone,
    string? AvatarUrl,
    string? Location,
    string Role,
    string RecipientStatus,
    string? VerificationImageUrl,
    bool Blocked,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>The lengths <c>donation.profiles</c> accepts (its check constraints).</summary>
public static class ProfileLimits
{
    public const int Email = 320;
    public const int FullName = 120;
    public const int Phone = 32;
    public const int Url = 2048;
    public const int Location = 200;
}

using Dapper;
using Platform.Contracts.Events;
using Platform.Data;

namespace RequestService.Copies;

/// <summary>
/// What request-service's copies say about a caller and a donation (null where a copy has no row).
/// </summary>
public sealed class CopiedFacts
{
    public string? Role { get; init; }

    public bool? Blocked { get; init; }

    public Guid? DonorId { get; init; }

    public string? Status { get; init; }

    public bool IsBlocked => Blocked == true;

    /// <summary>
    /// True only when the copies confirm everything a new request needs: the caller is a recipient
    /// who is not blocked, and the donation is available and someone else's. Anything less (an
    /// unknown user or donation, or any reason to refuse) is left to donation-service.
    /// </summary>
    public bool ConfirmRequestBy(Guid callerId) =>
        Role == "recipient" && Blocked == false && Status == "available" && DonorId is { } donor && donor != callerId;
}

/// <summary>
/// request-service's copies of donation-service's profiles (role, blocked) and donations (donor,
/// status), kept from events. A snapshot older than the one held is ignored.
/// </summary>
public interface ILocalCopies
{
    /// <summary>One query, outside any transaction: the caller's profile copy and the donation's copy.</summary>
    Task<CopiedFacts> ReadForRequestAsync(Guid callerId, Guid donationId, CancellationToken cancellationToken);

    Task<bool> IsBlockedAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken);

    /// <summary>Stores the profile snapshot unless the copy holds the same or a newer version; true when stored.</summary>
    Task<bool> ApplyProfileAsync(UnitOfWork uow, ProfileSnapshot profile, CancellationToken cancellationToken);

    /// <summary>Stores a donation's donor and status unless the copy holds the same or a newer version; true when stored.</summary>
    Task<bool> ApplyDonationAsync(UnitOfWork uow, Guid donationId, Guid donorId, string status, long version, CancellationToken cancellationToken);
}

public sealed class LocalCopies(ServiceDatabase database) : ILocalCopies
{
    /// <summary>The status a deleted donation has in the copy (donation-service keeps its last status and a deletion time).</summary>
    public const string Deleted = "deleted";

    public async Task<CopiedFacts> ReadForRequestAsync(Guid callerId, Guid donationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<CopiedFacts>(new CommandDefinition(
            """
            select p.role, p.blocked, d.donor_id, d.status
              from (values (1)) as one (x)
              left join request.profile_copies p on p.user_id = @callerId
              left join request.donation_copies d on d.donation_id = @donationId
            """,
            new { callerId, donationId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> IsBlockedAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "select blocked from request.profile_copies where user_id = @userId", new { userId }, uow.Transaction, cancellationToken: cancellationToken)) == true;

    public async Task<bool> ApplyProfileAsync(UnitOfWork uow, ProfileSnapshot profile, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into request.profile_copies (user_id, role, blocked, version) values (@UserId, @Role, @Blocked, @Version)
            on conflict (user_id) do update set role = excluded.role, blocked = excluded.blocked, version = excluded.version, updated_at = now()
             where request.profile_copies.version < excluded.version
            """,
            new { profile.UserId, profile.Role, profile.Blocked, profile.Version },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task<bool> ApplyDonationAsync(UnitOfWork uow, Guid donationId, Guid donorId, string status, long version, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into request.donation_copies (donation_id, donor_id, status, version) values (@donationId, @donorId, @status, @version)
            on conflict (donation_id) do update set donor_id = excluded.donor_id, status = excluded.status, version = excluded.version, updated_at = now()
             where request.donation_copies.version < excluded.version
            """,
            new { donationId, donorId, status, version },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;
}

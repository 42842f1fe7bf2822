using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>Reads and writes of profiles; writes join the caller's unit of work.</summary>
public interface IProfileStore
{
    Task<Profile?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The caller's profile, created on first use; <paramref name="forUpdate"/> locks it for a change.</summary>
    Task<(Profile Profile, bool Created)> EnsureAsync(UnitOfWork uow, Caller caller, bool forUpdate, CancellationToken cancellationToken);

    Task<Profile?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Profile> UpdateAsync(UnitOfWork uow, Guid id, ProfileChanges changes, CancellationToken cancellationToken);

    /// <summary>recipient_status becomes requested; the documents are attached by the caller (a document URL of before is cleared).</summary>
    Task<Profile> RequestVerificationAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Profile> SetRecipientStatusAsync(UnitOfWork uow, Guid id, RecipientStatus status, Guid decidedBy, CancellationToken cancellationToken);

    Task<Profile> SetBlockedAsync(UnitOfWork uow, Guid id, bool blocked, Guid actor, string? reason, CancellationToken cancellationToken);

    Task<IReadOnlyList<Profile>> ListAsync(ProfileFilter filter, PageRequest page, CancellationToken cancellationToken);
}

using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>Reads and writes of donations; writes join the caller's unit of work.</summary>
public interface IDonationStore
{
    Task<Donation?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<Donation?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Donation> InsertAsync(UnitOfWork uow, Guid donorId, DonationFields fields, CancellationToken cancellationToken);

    Task<Donation> UpdateAsync(UnitOfWork uow, Guid id, DonationFields fields, CancellationToken cancellationToken);

    /// <summary>A material edit sends an available donation back to review (see <see cref="DonationStore.ResubmitAsync"/>).</summary>
    Task<Donation> ResubmitAsync(UnitOfWork uow, Guid id, bool publish, CancellationToken cancellationToken);

    Task<Donation> SetStatusAsync(UnitOfWork uow, Guid id, DonationStatus status, string? reason, Guid? reviewer, CancellationToken cancellationToken);

    Task<Donation> SoftDeleteAsync(UnitOfWork uow, Guid id, Guid deletedBy, CancellationToken cancellationToken);

    Task<Donation> ReviewAsync(UnitOfWork uow, Guid id, ReviewDecision decision, DonationStatus status, string? reason, Guid reviewer, CancellationToken cancellationToken);

    /// <summary>Marks up to <paramref name="batch"/> donations past their expiry as expired (issue 17), with their events.</summary>
    Task<int> ExpireDueAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken);

    Task<IReadOnlyList<Donation>> ListAsync(DonationFilter filter, Caller? caller, PageRequest page, CancellationToken cancellationToken);
}

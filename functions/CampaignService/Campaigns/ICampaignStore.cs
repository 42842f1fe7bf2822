using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>Reads and writes of campaigns; writes join the caller's unit of work. Events are published by <see cref="CampaignWorkflow"/>.</summary>
public interface ICampaignStore
{
    Task<Campaign?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Locks a live (not deleted) campaign for a change decided from its current state.</summary>
    Task<Campaign?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Locks a user's live campaigns in the given state, oldest first.</summary>
    Task<IReadOnlyList<Campaign>> LockOfRecipientAsync(UnitOfWork uow, Guid recipientId, CampaignStatus status, CancellationToken cancellationToken);

    Task<Campaign> InsertAsync(UnitOfWork uow, Guid recipientId, CampaignFields fields, CancellationToken cancellationToken);

    Task<Campaign> UpdateAsync(UnitOfWork uow, Guid id, CampaignFields fields, CancellationToken cancellationToken);

    /// <summary>A material edit of an active or paused campaign: back to review (pending, no pause reason), <c>resubmitted_at</c> set; no event (the caller publishes).</summary>
    Task<Campaign> ResubmitAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Campaign> SetStatusAsync(UnitOfWork uow, Guid id, CampaignStatus status, string? pauseReason, CancellationToken cancellationToken);

    Task<Campaign> ReviewAsync(UnitOfWork uow, Guid id, CampaignStatus status, string? reason, Guid reviewer, CancellationToken cancellationToken);

    Task<Campaign> SoftDeleteAsync(UnitOfWork uow, Guid id, Guid deletedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a contribution to the (locked, active) campaign: collected amount, distinct contributor
    /// count, and status <c>completed</c> when the goal is reached.
    /// </summary>
    Task<Campaign> AddContributionAsync(UnitOfWork uow, Guid id, decimal amount, bool newContributor, CancellationToken cancellationToken);

    Task<IReadOnlyList<Campaign>> ListAsync(CampaignFilter filter, Caller? caller, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Ends up to <paramref name="batch"/> active or paused campaigns past their deadline (status
    /// <c>ended</c>), skipping rows other transactions hold; returns them, locked in <paramref name="uow"/>.
    /// </summary>
    Task<IReadOnlyList<Campaign>> EndDueAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken);
}

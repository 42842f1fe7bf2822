using Dapper;
using MessagingService.Notifications;
using Platform.Contracts.Events;
using Platform.Data;

namespace MessagingService.Reports;

/// <summary>
/// Owners of donations and campaigns, and the parties of requests, as the consumed events named them. A report about a donation
/// or campaign then names the user to block; when the owner is unknown here, the owning service
/// resolves it from report.resolved itself.
/// </summary>
public sealed class TargetOwners : ITargetOwners
{
    /// <summary>
    /// Inserts the owner, or corrects it when it differs. A known owner is neither rewritten nor locked:
    /// <c>on conflict do update</c> locks the existing row even when its <c>where</c> is false, so two
    /// consumer batches naming the same donations in different orders deadlocked (12 times in one fault
    /// run, each batch retried after 400 ms); <c>do nothing</c> and an update that matches no row take no lock.
    /// </summary>
    public Task RememberAsync(UnitOfWork uow, OwnedTarget target, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            with inserted as (
                insert into messaging.target_owners (target_type, target_id, owner_id) values (@TargetType, @TargetId, @OwnerId)
                on conflict (target_type, target_id) do nothing
                returning 1)
            update messaging.target_owners set owner_id = @OwnerId
             where target_type = @TargetType and target_id = @TargetId and owner_id is distinct from @OwnerId
            """,
            target,
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Guid?> OwnerOfAsync(UnitOfWork uow, string targetType, Guid targetId, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select owner_id from messaging.target_owners where target_type = @targetType and target_id = @targetId",
            new { targetType, targetId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task RememberRequestAsync(UnitOfWork uow, RequestParties parties, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into messaging.request_parties (request_id, donation_id, donor_id, recipient_id)
            values (@RequestId, @DonationId, @DonorId, @RecipientId)
            on conflict (request_id) do nothing
            """,
            parties,
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<RequestParties?> PartiesOfAsync(UnitOfWork uow, Guid requestId, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<RequestParties?>(new CommandDefinition(
            "select request_id as RequestId, donation_id as DonationId, donor_id as DonorId, recipient_id as RecipientId from messaging.request_parties where request_id = @requestId",
            new { requestId },
            uow.Transaction,
            cancellationToken: cancellationToken));
}

public interface ITargetOwners
{
    Task RememberAsync(UnitOfWork uow, OwnedTarget target, CancellationToken cancellationToken);

    Task<Guid?> OwnerOfAsync(UnitOfWork uow, string targetType, Guid targetId, CancellationToken cancellationToken);

    /// <summary>Remembers who a request is between (the first event that names it; the parties never change).</summary>
    Task RememberRequestAsync(UnitOfWork uow, RequestParties parties, CancellationToken cancellationToken);

    Task<RequestParties?> PartiesOfAsync(UnitOfWork uow, Guid requestId, CancellationToken cancellationToken);
}

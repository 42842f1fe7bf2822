using Dapper;
using DonationService.Donations;
using Platform.Contracts.Events;
using Platform.Data;

namespace DonationService.Claims;

/// <summary>A donation as the claim saga sees it (deleted ones included).</summary>
public sealed class ClaimState
{
    public Guid Id { get; init; }

    public Guid DonorId { get; init; }

    public string Status { get; init; } = "pending";

    public Guid? ClaimedRequestId { get; init; }

    public Guid? ClaimedBy { get; init; }

    public long Version { get; init; }

    public DateTime? DeletedAt { get; init; }
}

/// <summary>The donation-service side of the claim saga: claim, release and complete an item, with their events.</summary>
public sealed class ClaimStore
{
    private const string Columns = "id, donor_id, status, claimed_request_id, claimed_by, version, deleted_at";

    public Task<ClaimState?> LockAsync(UnitOfWork uow, Guid donationId, CancellationToken ct) =>
        uow.Connection.QuerySingleOrDefaultAsync<ClaimState>(new CommandDefinition(
            $"select {Columns} from donation.donations where id = @donationId for update", new { donationId }, uow.Transaction, cancellationToken: ct));

    /// <summary>
    /// Claims an available item for a request, or publishes why it cannot be claimed. The request must
    /// name the donation's own donor (<c>donor_mismatch</c> otherwise): request-service copied it from
    /// donation events, and this service never hands an item over on another service's word alone.
    /// </summary>
    public async Task ClaimAsync(UnitOfWork uow, RequestParties request, CancellationToken ct)
    {
        var donation = await LockAsync(uow, request.DonationId, ct);
        var refusal = donation switch
        {
            null => "not_found",
            { DeletedAt: not null } => "deleted",
            _ when donation.DonorId != request.DonorId => "donor_mismatch",
            _ when donation.ClaimedRequestId == request.RequestId => null,
            { Status: not "available" } => "not_available",
            _ => null,
        };
        if (refusal is not null)
        {
            uow.Publish(new DonationClaimRejected(request.DonationId, request.RequestId, request.RecipientId, refusal, donation?.Status));
            return;
        }

        var version = donation!.ClaimedRequestId == request.RequestId
            ? donation.Version
            : await SetAsync(uow, donation.Id, DonationStatus.Claimed, request.RequestId, request.RecipientId, ct);
        uow.Publish(new DonationClaimed(donation.Id, donation.DonorId, request.RequestId, request.RecipientId, version));
    }

    /// <summary>Makes a claimed item available again when the request that held it ended.</summary>
    public async Task ReleaseAsync(UnitOfWork uow, RequestParties request, CancellationToken ct)
    {
        var donation = await LockAsync(uow, request.DonationId, ct);
        if (donation is not { DeletedAt: null, Status: "claimed" } || donation.ClaimedRequestId != request.RequestId)
        {
            return;
        }

        var version = await SetAsync(uow, donation.Id, DonationStatus.Available, null, null, ct);
        uow.Publish(new DonationReleased(donation.Id, donation.DonorId, request.RequestId, request.RecipientId, version));
    }

    /// <summary>Marks the item handed over when its request is completed.</summary>
    public async Task CompleteAsync(UnitOfWork uow, RequestParties request, CancellationToken ct)
    {
        var donation = await LockAsync(uow, request.DonationId, ct);
        if (donation is not { DeletedAt: null, Status: "claimed" } || donation.ClaimedRequestId != request.RequestId)
        {
            return;
        }

        var version = await SetAsync(uow, donation.Id, DonationStatus.Completed, request.RequestId, request.RecipientId, ct);
        uow.Publish(new DonationCompleted(donation.Id, donation.DonorId, request.RequestId, request.RecipientId, version));
    }

    private static Task<long> SetAsync(UnitOfWork uow, Guid id, DonationStatus status, Guid? requestId, Guid? recipientId, CancellationToken ct) =>
        uow.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            update donation.donations
               set status = @status, claimed_request_id = @requestId, claimed_by = @recipientId, version = version + 1, updated_at = now()
             where id = @id
            returning version
            """,
            new { id, status = Platform.Hosting.Http.EnumText.ToText(status), requestId, recipientId },
            uow.Transaction,
            cancellationToken: ct));
}

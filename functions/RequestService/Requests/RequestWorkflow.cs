using Platform.Contracts.Events;
using Platform.Data;

namespace RequestService.Requests;

/// <summary>
/// Every state change of a request with the event it publishes, in the caller's transaction. The
/// HTTP functions and the saga's event handlers both go through here.
/// </summary>
public sealed class RequestWorkflow(IRequestStore requests)
{
    public static readonly IReadOnlyList<RequestStatus> OpenStates = [RequestStatus.Pending, RequestStatus.Approving, RequestStatus.Approved];

    public async Task<DonationRequest> ApproveAsync(UnitOfWork uow, DonationRequest request, CancellationToken ct)
    {
        var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Approving, null, ct);
        uow.Publish(new RequestApproved(updated.Parties));
        return updated;
    }

    public async Task<DonationRequest> RejectAsync(UnitOfWork uow, DonationRequest request, string? reason, CancellationToken ct)
    {
        var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Rejected, reason, ct);
        uow.Publish(new RequestRejected(updated.Parties, reason, WasApproved: RequestRules.HoldsClaim(request)));
        return updated;
    }

    public async Task<DonationRequest> CancelAsync(UnitOfWork uow, DonationRequest request, string? reason, CancellationToken ct)
    {
        var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Cancelled, reason, ct);
        uow.Publish(new RequestCancelled(updated.Parties, reason, WasApproved: RequestRules.HoldsClaim(request)));
        return updated;
    }

    public async Task<DonationRequest> CompleteAsync(UnitOfWork uow, DonationRequest request, CancellationToken ct)
    {
        var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Completed, null, ct);
        uow.Publish(new RequestCompleted(updated.Parties));
        return updated;
    }

    /// <summary>
    /// Saga: donation-service claimed the item. The request becomes approved and the other open
    /// requests for the item are rejected. If the request ended meanwhile (cancelled while
    /// approving), the claim is handed back with a compensating <c>request.cancelled</c>.
    /// </summary>
    public async Task ConfirmClaimAsync(UnitOfWork uow, Guid requestId, CancellationToken ct) =>
        await ConfirmLockedClaimAsync(uow, await requests.LockAsync(uow, requestId, ct), ct);

    /// <summary>
    /// Saga: donation-service claimed the item, as it says in <paramref name="claim"/>. A claim that
    /// does not name the request's own donation, donor and recipient is not believed: the request is
    /// rejected (<c>claim_mismatch</c>) if it was waiting for its claim, so nobody is handed an item on
    /// a claim made for someone else.
    /// </summary>
    public async Task ConfirmClaimAsync(UnitOfWork uow, DonationClaimed claim, CancellationToken ct)
    {
        var request = await requests.LockAsync(uow, claim.RequestId, ct);
        if (request is not null && (request.DonationId != claim.DonationId || request.DonorId != claim.DonorId || request.RecipientId != claim.RecipientId))
        {
            if (request.State == RequestStatus.Approving)
            {
                var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Rejected, "claim_mismatch", ct);
                uow.Publish(new RequestRejected(updated.Parties, "claim_mismatch", WasApproved: false));
            }

            return;
        }

        await ConfirmLockedClaimAsync(uow, request, ct);
    }

    private async Task ConfirmLockedClaimAsync(UnitOfWork uow, DonationRequest? request, CancellationToken ct)
    {
        if (request is null)
        {
            return;
        }

        if (request.State != RequestStatus.Approving)
        {
            if (request.State is RequestStatus.Cancelled or RequestStatus.Rejected)
            {
                uow.Publish(new RequestCancelled(request.Parties, "claim_arrived_after_request_ended", WasApproved: true));
            }

            return;
        }

        await requests.SetStatusAsync(uow, request.Id, RequestStatus.Approved, null, ct);
        var others = await requests.LockOpenAsync(uow, request.DonationId, null, [RequestStatus.Pending, RequestStatus.Approving], ct);
        foreach (var other in others.Where(o => o.Id != request.Id))
        {
            await RejectAsync(uow, other, "another_request_was_approved", ct);
        }
    }

    /// <summary>Saga: donation-service refused the claim; the request is rejected with its reason.</summary>
    public async Task RefuseClaimAsync(UnitOfWork uow, Guid requestId, string reason, CancellationToken ct)
    {
        var request = await requests.LockAsync(uow, requestId, ct);
        if (request is { State: RequestStatus.Approving })
        {
            var updated = await requests.SetStatusAsync(uow, request.Id, RequestStatus.Rejected, reason, ct);
            uow.Publish(new RequestRejected(updated.Parties, reason, WasApproved: false));
        }
    }

    /// <summary>The donation was deleted: its open requests are cancelled.</summary>
    public async Task CancelForDonationAsync(UnitOfWork uow, Guid donationId, CancellationToken ct, string reason = "donation_deleted")
    {
        foreach (var request in await requests.LockOpenAsync(uow, donationId, null, OpenStates, ct))
        {
            await CancelAsync(uow, request, reason, ct);
        }
    }

    /// <summary>The recipient was blocked: their pending requests are cancelled.</summary>
    public async Task CancelForBlockedRecipientAsync(UnitOfWork uow, Guid recipientId, CancellationToken ct)
    {
        foreach (var request in await requests.LockOpenAsync(uow, null, recipientId, [RequestStatus.Pending], ct))
        {
            await CancelAsync(uow, request, "recipient_blocked", ct);
        }
    }
}

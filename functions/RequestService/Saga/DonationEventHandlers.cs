using Platform.Contracts.Events;
using Platform.Eventing;
using RequestService.Copies;
using RequestService.Requests;

namespace RequestService.Saga;

/// <summary>Claim saga: donation-service reserved the item for the request (and the donation copy says claimed).</summary>
public sealed class DonationClaimedHandler(RequestWorkflow workflow, ILocalCopies copies) : IEventHandler<DonationClaimed>
{
    public async Task HandleAsync(DonationClaimed message, EventContext context, CancellationToken cancellationToken)
    {
        await copies.ApplyDonationAsync(context.Work, message.DonationId, message.DonorId, "claimed", message.Version, cancellationToken);
        await workflow.ConfirmClaimAsync(context.Work, message, cancellationToken);
    }
}

/// <summary>Claim saga: donation-service could not reserve the item.</summary>
public sealed class DonationClaimRejectedHandler(RequestWorkflow workflow) : IEventHandler<DonationClaimRejected>
{
    public Task HandleAsync(DonationClaimRejected message, EventContext context, CancellationToken cancellationToken) =>
        workflow.RefuseClaimAsync(context.Work, message.RequestId, message.Reason, cancellationToken);
}

/// <summary>A deleted donation cancels its open requests; its copy says deleted, so no new request skips donation-service.</summary>
public sealed class DonationDeletedHandler(RequestWorkflow workflow, ILocalCopies copies) : IEventHandler<DonationDeleted>
{
    public async Task HandleAsync(DonationDeleted message, EventContext context, CancellationToken cancellationToken)
    {
        await copies.ApplyDonationAsync(context.Work, message.DonationId, message.DonorId, LocalCopies.Deleted, message.Version, cancellationToken);
        await workflow.CancelForDonationAsync(context.Work, message.DonationId, cancellationToken);
    }
}

/// <summary>A blocked user can no longer write here, and their pending requests are cancelled.</summary>
public sealed class ProfileBlockedHandler(ILocalCopies copies, RequestWorkflow workflow) : IEventHandler<ProfileBlocked>
{
    public async Task HandleAsync(ProfileBlocked message, EventContext context, CancellationToken cancellationToken)
    {
        await copies.ApplyProfileAsync(context.Work, message.Profile, cancellationToken);

        // Decided on the copy, not the message: a block that arrives after a newer unblock cancels nothing.
        if (await copies.IsBlockedAsync(context.Work, message.Profile.UserId, cancellationToken))
        {
            await workflow.CancelForBlockedRecipientAsync(context.Work, message.Profile.UserId, cancellationToken);
        }
    }
}

/// <summary>
/// Issue 17: a donation past its expiry ends its open requests (reason <c>donation_expired</c>; their
/// recipients are notified through request.cancelled) and its copy says expired, so no new request
/// skips donation-service.
/// </summary>
public sealed class DonationExpiredHandler(RequestWorkflow workflow, ILocalCopies copies) : IEventHandler<DonationExpired>
{
    public const string Reason = "donation_expired";

    public async Task HandleAsync(DonationExpired message, EventContext context, CancellationToken cancellationToken)
    {
        await copies.ApplyDonationAsync(context.Work, message.Donation.DonationId, message.Donation.DonorId, message.Donation.Status, message.Donation.Version, cancellationToken);
        await workflow.CancelForDonationAsync(context.Work, message.Donation.DonationId, cancellationToken, Reason);
    }
}

using Platform.Contracts.Events;
using Platform.Eventing;
using RequestService.Requests;

namespace RequestService.Saga;

/// <summary>Claim saga: donation-service reserved the item for the request.</summary>
public sealed class DonationClaimedHandler(RequestWorkflow workflow) : IEventHandler<DonationClaimed>
{
    public Task HandleAsync(DonationClaimed message, EventContext context, CancellationToken cancellationToken) =>
        workflow.ConfirmClaimAsync(context.Work, message.RequestId, cancellationToken);
}

/// <summary>Claim saga: donation-service could not reserve the item.</summary>
public sealed class DonationClaimRejectedHandler(RequestWorkflow workflow) : IEventHandler<DonationClaimRejected>
{
    public Task HandleAsync(DonationClaimRejected message, EventContext context, CancellationToken cancellationToken) =>
        workflow.RefuseClaimAsync(context.Work, message.RequestId, message.Reason, cancellationToken);
}

/// <summary>A deleted donation cancels its open requests.</summary>
public sealed class DonationDeletedHandler(RequestWorkflow workflow) : IEventHandler<DonationDeleted>
{
    public Task HandleAsync(DonationDeleted message, EventContext context, CancellationToken cancellationToken) =>
        workflow.CancelForDonationAsync(context.Work, message.DonationId, cancellationToken);
}

/// <summary>A blocked user can no longer write here, and their pending requests are cancelled.</summary>
public sealed class ProfileBlockedHandler(BlockedUsers blocked, RequestWorkflow workflow) : IEventHandler<ProfileBlocked>
{
    public async Task HandleAsync(ProfileBlocked message, EventContext context, CancellationToken cancellationToken)
    {
        await blocked.ApplyAsync(context.Work, message.Profile.UserId, blocked: true, message.Profile.Version, cancellationToken);
        await workflow.CancelForBlockedRecipientAsync(context.Work, message.Profile.UserId, cancellationToken);
    }
}

public sealed class ProfileUnblockedHandler(BlockedUsers blocked) : IEventHandler<ProfileUnblocked>
{
    public Task HandleAsync(ProfileUnblocked message, EventContext context, CancellationToken cancellationToken) =>
        blocked.ApplyAsync(context.Work, message.Profile.UserId, blocked: false, message.Profile.Version, cancellationToken);
}

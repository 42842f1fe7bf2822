using Platform.Contracts.Events;
using Platform.Eventing;

namespace RequestService.Copies;

/// <summary>Keeps the profile copy from profile.created / updated / verification_decided / unblocked (newer versions only).</summary>
public sealed class ProfileCopyHandler(ILocalCopies copies) :
    IEventHandler<ProfileCreated>, IEventHandler<ProfileUpdated>, IEventHandler<ProfileVerificationDecided>, IEventHandler<ProfileUnblocked>
{
    public Task HandleAsync(ProfileCreated message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyProfileAsync(context.Work, message.Profile, cancellationToken);

    public Task HandleAsync(ProfileUpdated message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyProfileAsync(context.Work, message.Profile, cancellationToken);

    public Task HandleAsync(ProfileVerificationDecided message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyProfileAsync(context.Work, message.Profile, cancellationToken);

    public Task HandleAsync(ProfileUnblocked message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyProfileAsync(context.Work, message.Profile, cancellationToken);
}

/// <summary>
/// Keeps the donation copy from the donation events that need no other reaction here (claimed and
/// deleted update it in their saga handlers, in the same transaction as the saga step).
/// </summary>
public sealed class DonationCopyHandler(ILocalCopies copies) :
    IEventHandler<DonationCreated>, IEventHandler<DonationUpdated>, IEventHandler<DonationReviewed>, IEventHandler<DonationReleased>, IEventHandler<DonationCompleted>
{
    public Task HandleAsync(DonationCreated message, EventContext context, CancellationToken cancellationToken) =>
        Apply(message.Donation, context, cancellationToken);

    public Task HandleAsync(DonationUpdated message, EventContext context, CancellationToken cancellationToken) =>
        Apply(message.Donation, context, cancellationToken);

    public Task HandleAsync(DonationReviewed message, EventContext context, CancellationToken cancellationToken) =>
        Apply(message.Donation, context, cancellationToken);

    public Task HandleAsync(DonationReleased message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyDonationAsync(context.Work, message.DonationId, message.DonorId, "available", message.Version, cancellationToken);

    public Task HandleAsync(DonationCompleted message, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyDonationAsync(context.Work, message.DonationId, message.DonorId, "completed", message.Version, cancellationToken);

    private Task Apply(DonationSnapshot donation, EventContext context, CancellationToken cancellationToken) =>
        copies.ApplyDonationAsync(context.Work, donation.DonationId, donation.DonorId, donation.Status, donation.Version, cancellationToken);
}

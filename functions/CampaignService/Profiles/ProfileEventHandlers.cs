using CampaignService.Campaigns;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace CampaignService.Profiles;

/// <summary>Keeps the profile copy from profile.created / updated / verification_decided / unblocked (newer versions only).</summary>
public sealed class ProfileCopyHandler(IProfileCopyStore profiles) :
    IEventHandler<ProfileCreated>, IEventHandler<ProfileUpdated>, IEventHandler<ProfileVerificationDecided>, IEventHandler<ProfileUnblocked>
{
    public Task HandleAsync(ProfileCreated message, EventContext context, CancellationToken cancellationToken) =>
        profiles.ApplyAsync(context.Work, message.Profile, cancellationToken);

    public Task HandleAsync(ProfileUpdated message, EventContext context, CancellationToken cancellationToken) =>
        profiles.ApplyAsync(context.Work, message.Profile, cancellationToken);

    public Task HandleAsync(ProfileVerificationDecided message, EventContext context, CancellationToken cancellationToken) =>
        profiles.ApplyAsync(context.Work, message.Profile, cancellationToken);

    /// <summary>Unblocking lets the user write again; paused campaigns stay paused until the owner resumes them.</summary>
    public Task HandleAsync(ProfileUnblocked message, EventContext context, CancellationToken cancellationToken) =>
        profiles.ApplyAsync(context.Work, message.Profile, cancellationToken);
}

/// <summary>A blocked user can no longer write here, and their active campaigns are paused.</summary>
public sealed class ProfileBlockedHandler(IProfileCopyStore profiles, CampaignWorkflow workflow) : IEventHandler<ProfileBlocked>
{
    public async Task HandleAsync(ProfileBlocked message, EventContext context, CancellationToken cancellationToken)
    {
        await profiles.ApplyAsync(context.Work, message.Profile, cancellationToken);

        // Decided on the copy, not the message: a block that arrives after a newer unblock pauses nothing.
        var current = await profiles.GetAsync(context.Work, message.Profile.UserId, cancellationToken);
        if (current is { Blocked: true })
        {
            await workflow.PauseForBlockedOwnerAsync(context.Work, message.Profile.UserId, cancellationToken);
        }
    }
}

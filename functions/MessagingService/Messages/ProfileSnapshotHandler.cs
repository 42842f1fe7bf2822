using Platform.Contracts.Events;
using Platform.Eventing;

namespace MessagingService.Messages;

/// <summary>
/// Keeps the blocked-users copy from the profile snapshots of <c>profile.created</c> and
/// <c>profile.updated</c> too (newer versions only), silently: they carry the blocked flag, so a
/// profile imported blocked from the original app (which publishes no <c>profile.blocked</c>: that is
/// not a new block and must not notify) and every profile <c>republish</c> sends are copied here.
/// <c>profile.blocked</c> / <c>profile.unblocked</c> still notify the user.
/// </summary>
public sealed class ProfileSnapshotHandler(BlockedUsers blocked) : IEventHandler<ProfileCreated>, IEventHandler<ProfileUpdated>
{
    public Task HandleAsync(ProfileCreated message, EventContext context, CancellationToken cancellationToken) =>
        blocked.ApplyAsync(context.Work, message.Profile.UserId, message.Profile.Blocked, message.Profile.Version, cancellationToken);

    public Task HandleAsync(ProfileUpdated message, EventContext context, CancellationToken cancellationToken) =>
        blocked.ApplyAsync(context.Work, message.Profile.UserId, message.Profile.Blocked, message.Profile.Version, cancellationToken);
}

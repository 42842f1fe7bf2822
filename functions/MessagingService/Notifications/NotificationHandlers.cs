using MessagingService.Messages;
using MessagingService.Reports;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace MessagingService.Notifications;

/// <summary>
/// Turns an event into its notices (<see cref="Notices"/>), in the transaction of the event's inbox
/// row. The notices are keyed by the event id, so a redelivery that slips past the inbox adds nothing.
/// It also remembers the owner of a donation or campaign and the parties of a request the event names (for reports).
/// </summary>
public sealed class NotifyHandler<TEvent>(INotificationStore notifications, ITargetOwners owners, ILogger<NotifyHandler<TEvent>> logger)
    : IEventHandler<TEvent>
    where TEvent : IIntegrationEvent
{
    public async Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken)
    {
        if (Notices.OwnedTargetOf(message) is { } target)
        {
            await owners.RememberAsync(context.Work, target, cancellationToken);
        }

        if (Notices.RequestPartiesOf(message) is { } parties)
        {
            await owners.RememberRequestAsync(context.Work, parties, cancellationToken);
        }

        var notices = Notices.For(message);
        var added = await notifications.AddAsync(context.Work, context.Envelope.Id, notices, cancellationToken);
        logger.LogDebug("{EventType} {EventId}: {Added} of {Count} notifications created", context.Envelope.Type, context.Envelope.Id, added, notices.Count);
    }
}

/// <summary>
/// A blocked user can no longer send messages or file reports here ("stop delivery"), and is told.
/// A stale event (an older profile version than the copy holds) changes nothing and tells nobody.
/// </summary>
public sealed class ProfileBlockedHandler(BlockedUsers blocked, INotificationStore notifications) : IEventHandler<ProfileBlocked>
{
    public async Task HandleAsync(ProfileBlocked message, EventContext context, CancellationToken cancellationToken)
    {
        if (await blocked.ApplyAsync(context.Work, message.Profile.UserId, blocked: true, message.Profile.Version, cancellationToken))
        {
            await notifications.AddAsync(context.Work, context.Envelope.Id, Notices.For(message), cancellationToken);
        }
    }
}

public sealed class ProfileUnblockedHandler(BlockedUsers blocked, INotificationStore notifications) : IEventHandler<ProfileUnblocked>
{
    public async Task HandleAsync(ProfileUnblocked message, EventContext context, CancellationToken cancellationToken)
    {
        if (await blocked.ApplyAsync(context.Work, message.Profile.UserId, blocked: false, message.Profile.Version, cancellationToken))
        {
            await notifications.AddAsync(context.Work, context.Envelope.Id, Notices.For(message), cancellationToken);
        }
    }
}

public static class NotifyRegistration
{
    /// <summary>Subscribes to <typeparamref name="TEvent"/> and notifies whom it concerns.</summary>
    public static EventHandlerRegistry Notify<TEvent>(this EventHandlerRegistry handlers)
        where TEvent : IIntegrationEvent => handlers.Handle<TEvent, NotifyHandler<TEvent>>();
}

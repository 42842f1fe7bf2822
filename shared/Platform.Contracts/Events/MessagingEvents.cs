namespace Platform.Contracts.Events;

[EventType("message.sent", Publisher = Publishers.Messaging)]
public sealed record MessageSent(Guid MessageId, Guid SenderId, Guid ReceiverId, Guid? DonationId, Guid? CampaignId) : IIntegrationEvent;

[EventType("message.read", Publisher = Publishers.Messaging)]
public sealed record MessageRead(Guid MessageId, Guid SenderId, Guid ReceiverId) : IIntegrationEvent;

/// <summary>
/// A message was removed (an admin resolved a report about it with <c>remove_message</c>): it is gone
/// from the conversation; messaging-service deletes its attachments' blobs on this event.
/// </summary>
[EventType("message.removed", Publisher = Publishers.Messaging)]
public sealed record MessageRemoved(Guid MessageId, Guid SenderId, Guid ReceiverId, Guid RemovedBy) : IIntegrationEvent;

/// <summary>Someone reported a user, donation, campaign, message or request.</summary>
[EventType("report.created", Publisher = Publishers.Messaging)]
public sealed record ReportCreated(Guid ReportId, Guid ReporterId, string TargetType, Guid TargetId, string Reason) : IIntegrationEvent;

/// <summary>
/// An admin resolved a report. <c>Action</c>: none, block_user, remove_donation, remove_campaign, remove_message.
/// <c>SubjectUserId</c> is the user to block when messaging knows it (the reported user or a message's sender).
/// </summary>
[EventType("report.resolved", Publisher = Publishers.Messaging)]
public sealed record ReportResolved(
    Guid ReportId,
    string TargetType,
    Guid TargetId,
    string Status,
    string Action,
    Guid? SubjectUserId,
    Guid ResolvedBy) : IIntegrationEvent;

/// <summary>
/// A user blocked another (issue 18): the blocked user can no longer message the blocker nor request
/// the blocker's donations. <c>Version</c> grows with every block or unblock of the same pair, so a
/// copy keeps the newest state whatever order the events arrive in.
/// </summary>
[EventType("user.blocked", Publisher = Publishers.Messaging)]
public sealed record UserBlocked(Guid BlockerId, Guid BlockedId, long Version) : IIntegrationEvent;

/// <summary>The blocker lifted a block (see <see cref="UserBlocked"/>).</summary>
[EventType("user.unblocked", Publisher = Publishers.Messaging)]
public sealed record UserUnblocked(Guid BlockerId, Guid BlockedId, long Version) : IIntegrationEvent;

/// <summary>
/// Issue 18: messaging-service erased its part of a user (answer to <c>profile.erasure_requested</c>):
/// the content of the messages they sent removed and their attachments deleted from storage, their
/// notifications and blocks deleted, the text of reports they filed removed.
/// </summary>
[EventType("message.user_erased", Publisher = Publishers.Messaging)]
public sealed record MessageUserErased(Guid UserId, int MessagesCleared, int ReportsCleared) : IIntegrationEvent;

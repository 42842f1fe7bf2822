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

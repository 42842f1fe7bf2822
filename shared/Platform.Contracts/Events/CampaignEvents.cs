namespace Platform.Contracts.Events;

/// <summary>A campaign as other services see it.</summary>
public sealed record CampaignSnapshot(
    Guid CampaignId,
    Guid RecipientId,
    string Title,
    string Status,
    decimal GoalAmount,
    decimal CollectedAmount,
    long Version);

[EventType("campaign.created", Publisher = Publishers.Campaign)]
public sealed record CampaignCreated(CampaignSnapshot Campaign) : IIntegrationEvent;

[EventType("campaign.updated", Publisher = Publishers.Campaign)]
public sealed record CampaignUpdated(CampaignSnapshot Campaign) : IIntegrationEvent;

/// <summary>An admin reviewed a pending campaign: <c>approved</c> (now active) or <c>rejected</c>.</summary>
[EventType("campaign.reviewed", Publisher = Publishers.Campaign)]
public sealed record CampaignReviewed(CampaignSnapshot Campaign, string Decision, string? Reason, Guid ReviewedBy) : IIntegrationEvent;

/// <summary>Paused, resumed, or paused because its owner was blocked.</summary>
[EventType("campaign.status_changed", Publisher = Publishers.Campaign)]
public sealed record CampaignStatusChanged(CampaignSnapshot Campaign, string FromStatus, string ToStatus, string? Reason) : IIntegrationEvent;

[EventType("campaign.contributed", Publisher = Publishers.Campaign)]
public sealed record CampaignContributed(CampaignSnapshot Campaign, Guid ContributionId, Guid ContributorId, decimal Amount) : IIntegrationEvent;

/// <summary>The goal was reached; published exactly once per campaign.</summary>
[EventType("campaign.completed", Publisher = Publishers.Campaign)]
public sealed record CampaignCompleted(CampaignSnapshot Campaign, IReadOnlyList<Guid> ContributorIds) : IIntegrationEvent;

/// <summary>
/// The campaign's deadline (<c>ends_at</c>) passed before its goal was reached: it is now <c>ended</c>
/// (issue 17). Published exactly once per campaign, by the deadline sweeper, with who contributed.
/// </summary>
[EventType("campaign.ended", Publisher = Publishers.Campaign)]
public sealed record CampaignEnded(CampaignSnapshot Campaign, IReadOnlyList<Guid> ContributorIds, DateTime EndsAt) : IIntegrationEvent;

/// <summary>
/// The payment provider refunded a contribution in full (its campaign was deleted or removed, or the
/// money arrived after the campaign stopped taking it); published once, with the refund's record.
/// </summary>
[EventType("campaign.contribution_refunded", Publisher = Publishers.Campaign)]
public sealed record CampaignContributionRefunded(
    Guid ContributionId, Guid CampaignId, Guid ContributorId, decimal Amount, string Currency, string Reason, string RefundReference) : IIntegrationEvent;

[EventType("campaign.deleted", Publisher = Publishers.Campaign)]
public sealed record CampaignDeleted(Guid CampaignId, Guid RecipientId, Guid DeletedBy, long Version) : IIntegrationEvent;

/// <summary>
/// Nothing happened to the campaign: campaign-service's <c>republish</c> tool sends every campaign as it is
/// now, so the copies others keep (messaging's owners of reported campaigns) are rebuilt, e.g. after
/// <c>import-legacy</c>, which publishes no events. Consumers copy it and notify nobody.
/// </summary>
[EventType("campaign.republished", Publisher = Publishers.Campaign)]
public sealed record CampaignRepublished(CampaignSnapshot Campaign) : IIntegrationEvent;

/// <summary>
/// The owner posted a progress update to their campaign (issue 17): messaging-service notifies every
/// contributor once (confirmed contributions, as <c>campaign.completed</c> lists them). <c>Excerpt</c> is the
/// update's first 140 characters.
/// </summary>
[EventType("campaign.update_posted", Publisher = Publishers.Campaign)]
public sealed record CampaignUpdatePosted(CampaignSnapshot Campaign, Guid UpdateId, string Excerpt, IReadOnlyList<Guid> ContributorIds) : IIntegrationEvent;

/// <summary>
/// Issue 18: campaign-service erased its part of a user (answer to <c>profile.erasure_requested</c>):
/// their campaigns deleted (confirmed contributions refunded through the refund saga), their own
/// contributions kept as anonymous amounts, their images deleted from storage.
/// </summary>
[EventType("campaign.user_erased", Publisher = Publishers.Campaign)]
public sealed record CampaignUserErased(Guid UserId, int CampaignsDeleted, int ContributionsAnonymised) : IIntegrationEvent;

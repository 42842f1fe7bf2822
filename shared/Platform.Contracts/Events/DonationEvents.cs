namespace Platform.Contracts.Events;

/// <summary>A donation as other services see it. <c>Version</c> orders updates.</summary>
public sealed record DonationSnapshot(
    Guid DonationId,
    Guid DonorId,
    string Title,
    string Category,
    string Status,
    long Version);

[EventType("donation.created", Publisher = Publishers.Donation)]
public sealed record DonationCreated(DonationSnapshot Donation) : IIntegrationEvent;

[EventType("donation.updated", Publisher = Publishers.Donation)]
public sealed record DonationUpdated(DonationSnapshot Donation) : IIntegrationEvent;

/// <summary>Soft-deleted by its donor or an admin (or removed by moderation).</summary>
[EventType("donation.deleted", Publisher = Publishers.Donation)]
public sealed record DonationDeleted(Guid DonationId, Guid DonorId, Guid DeletedBy, long Version) : IIntegrationEvent;

/// <summary>An admin reviewed a pending donation: <c>approved</c> (now available) or <c>rejected</c>.</summary>
[EventType("donation.reviewed", Publisher = Publishers.Donation)]
public sealed record DonationReviewed(DonationSnapshot Donation, string Decision, string? Reason, Guid ReviewedBy) : IIntegrationEvent;

/// <summary>Claim saga: the item was reserved for the approved request.</summary>
[EventType("donation.claimed", Publisher = Publishers.Donation)]
public sealed record DonationClaimed(Guid DonationId, Guid DonorId, Guid RequestId, Guid RecipientId, long Version) : IIntegrationEvent;

/// <summary>Claim saga: the item could not be claimed (e.g. <c>not_available</c>, <c>deleted</c>).</summary>
[EventType("donation.claim_rejected", Publisher = Publishers.Donation)]
public sealed record DonationClaimRejected(Guid DonationId, Guid RequestId, Guid RecipientId, string Reason, string? CurrentStatus) : IIntegrationEvent;

/// <summary>A claimed item is available again because its request was cancelled or rejected.</summary>
[EventType("donation.released", Publisher = Publishers.Donation)]
public sealed record DonationReleased(Guid DonationId, Guid DonorId, Guid RequestId, Guid RecipientId, long Version) : IIntegrationEvent;

[EventType("donation.completed", Publisher = Publishers.Donation)]
public sealed record DonationCompleted(Guid DonationId, Guid DonorId, Guid RequestId, Guid RecipientId, long Version) : IIntegrationEvent;

/// <summary>
/// A pending or available donation passed its <c>expires_at</c> (issue 17): donation-service's expiry
/// sweeper made it <c>expired</c> (it leaves the listings); request-service cancels its open requests
/// (reason <c>donation_expired</c>) and messaging-service tells the donor. Published once per donation.
/// </summary>
[EventType("donation.expired", Publisher = Publishers.Donation)]
public sealed record DonationExpired(DonationSnapshot Donation, DateTime ExpiresAt) : IIntegrationEvent;

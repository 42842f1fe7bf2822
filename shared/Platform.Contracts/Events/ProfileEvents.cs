namespace Platform.Contracts.Events;

/// <summary>The parts of a profile other services keep a copy of. <c>Version</c> orders updates.</summary>
public sealed record ProfileSnapshot(
    Guid UserId,
    string Role,
    string RecipientStatus,
    bool Blocked,
    string? FullName,
    long Version);

[EventType("profile.created", Publisher = Publishers.Donation)]
public sealed record ProfileCreated(ProfileSnapshot Profile) : IIntegrationEvent;

[EventType("profile.updated", Publisher = Publishers.Donation)]
public sealed record ProfileUpdated(ProfileSnapshot Profile) : IIntegrationEvent;

/// <summary>An admin decided a recipient's verification: <c>approved</c> or <c>rejected</c>.</summary>
[EventType("profile.verification_decided", Publisher = Publishers.Donation)]
public sealed record ProfileVerificationDecided(ProfileSnapshot Profile, string Decision, Guid DecidedBy) : IIntegrationEvent;

[EventType("profile.blocked", Publisher = Publishers.Donation)]
public sealed record ProfileBlocked(ProfileSnapshot Profile, Guid BlockedBy, string? Reason) : IIntegrationEvent;

[EventType("profile.unblocked", Publisher = Publishers.Donation)]
public sealed record ProfileUnblocked(ProfileSnapshot Profile, Guid UnblockedBy) : IIntegrationEvent;

/// <summary>
/// Issue 18: a user's account is being erased (by themself or an admin). Every service erases or
/// anonymises what it holds of the user, refuses the user's tokens from then on, and answers with its
/// own <c>*.user_erased</c> event; donation-service, which owns the saga, records each answer.
/// </summary>
[EventType("profile.erasure_requested", Publisher = Publishers.Donation)]
public sealed record ProfileErasureRequested(Guid UserId, Guid RequestedBy, DateTime RequestedAt) : IIntegrationEvent;

/// <summary>Issue 18: every service has answered for the user's erasure; published once per erasure.</summary>
[EventType("profile.erased", Publisher = Publishers.Donation)]
public sealed record ProfileErased(Guid UserId, DateTime RequestedAt, DateTime CompletedAt) : IIntegrationEvent;

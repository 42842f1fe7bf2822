namespace Platform.Contracts.Events;

/// <summary>Who a request is between: the recipient who asked and the donor who listed the item.</summary>
public sealed record RequestParties(Guid RequestId, Guid DonationId, Guid DonorId, Guid RecipientId);

[EventType("request.created", Publisher = Publishers.Request)]
public sealed record RequestCreated(RequestParties Request, string? Message) : IIntegrationEvent;

/// <summary>The donor approved: the claim saga starts (donation-service claims the item or refuses).</summary>
[EventType("request.approved", Publisher = Publishers.Request)]
public sealed record RequestApproved(RequestParties Request) : IIntegrationEvent;

/// <summary><c>WasApproved</c> tells donation-service to release a claimed item.</summary>
[EventType("request.rejected", Publisher = Publishers.Request)]
public sealed record RequestRejected(RequestParties Request, string? Reason, bool WasApproved) : IIntegrationEvent;

[EventType("request.cancelled", Publisher = Publishers.Request)]
public sealed record RequestCancelled(RequestParties Request, string? Reason, bool WasApproved) : IIntegrationEvent;

[EventType("request.completed", Publisher = Publishers.Request)]
public sealed record RequestCompleted(RequestParties Request) : IIntegrationEvent;

[EventType("rating.submitted", Publisher = Publishers.Request)]
public sealed record RatingSubmitted(Guid RatingId, Guid RequestId, Guid DonorId, Guid RecipientId, int Rating) : IIntegrationEvent;

/// <summary>
/// The recipient changed a rating's stars or comment (issue 17; within 30 days). <c>PreviousRating</c> is
/// the value this change replaced, so <c>Rating - PreviousRating</c> is exact whatever order changes arrive in;
/// <c>Version</c> numbers the changes of one rating (the submitted rating is version 1).
/// </summary>
[EventType("rating.changed", Publisher = Publishers.Request)]
public sealed record RatingChanged(Guid RatingId, Guid RequestId, Guid DonorId, Guid RecipientId, int PreviousRating, int Rating, long Version) : IIntegrationEvent;

/// <summary>
/// Issue 18: request-service erased its part of a user (answer to <c>profile.erasure_requested</c>):
/// their open requests cancelled (with the usual <c>request.cancelled</c>), request messages and the
/// comments of ratings they gave or received removed (the stars, and so the sums, stay).
/// </summary>
[EventType("request.user_erased", Publisher = Publishers.Request)]
public sealed record RequestUserErased(Guid UserId, int RequestsCancelled, int RatingCommentsRemoved) : IIntegrationEvent;

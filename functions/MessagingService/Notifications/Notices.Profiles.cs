using Platform.Contracts.Events;

namespace MessagingService.Notifications;

/// <summary>Notices about profiles, donations and requests (donation-service and request-service events).</summary>
public static partial class Notices
{
    private static Notice Of(ProfileVerificationDecided e) => e.Decision == "approved"
        ? Create(e.Profile.UserId, Name<ProfileVerificationDecided>(), "Your verification was approved", "You can now start campaigns.", ("decision", e.Decision))
        : Create(e.Profile.UserId, Name<ProfileVerificationDecided>(), "Your verification was rejected", "You can submit a new verification image.", ("decision", e.Decision));

    private static Notice Of(ProfileBlocked e) => Create(
        e.Profile.UserId,
        Name<ProfileBlocked>(),
        "Your account was blocked",
        (e.Reason is null ? string.Empty : $"Reason: {e.Reason}. ") + "You can still read, but not post, request, message or contribute.",
        ("reason", e.Reason));

    private static Notice Of(ProfileUnblocked e) =>
        Create(e.Profile.UserId, Name<ProfileUnblocked>(), "Your account was unblocked", "You can use the platform fully again.");

    private static Notice Of(DonationReviewed e) => e.Decision == "approved"
        ? Create(e.Donation.DonorId, Name<DonationReviewed>(), "Your donation was approved", $"{Quoted(e.Donation.Title)} is now listed.", Ids(e))
        : Create(e.Donation.DonorId, Name<DonationReviewed>(), "Your donation was rejected", $"{Quoted(e.Donation.Title)} was not approved" + (e.Reason is null ? "." : $": {e.Reason}"), Ids(e));

    private static Notice[] Of(DonationReleased e) =>
    [
        Create(e.DonorId, Name<DonationReleased>(), "Your donation is available again", "The request that claimed it ended; others can request it now.", Ids(e.DonationId, e.RequestId)),
        Create(e.RecipientId, Name<DonationReleased>(), "A claimed donation was released", "The item is no longer reserved for you.", Ids(e.DonationId, e.RequestId)),
    ];

    private static Notice[] Of(DonationCompleted e) =>
    [
        Create(e.DonorId, Name<DonationCompleted>(), "Your donation was handed over", "Thank you for giving!", Ids(e.DonationId, e.RequestId)),
        Create(e.RecipientId, Name<DonationCompleted>(), "You received a donation", "The hand-over is complete. You can now rate the donor.", Ids(e.DonationId, e.RequestId)),
    ];

    /// <summary>Issue 17: the donor learns the offer ended; recipients with open requests learn it through request.cancelled.</summary>
    private static Notice Of(DonationExpired e) => Create(
        e.Donation.DonorId,
        Name<DonationExpired>(),
        "Your donation expired",
        $"{Quoted(e.Donation.Title)} passed its expiry date and left the listings; its open requests were cancelled.",
        ("donation_id", e.Donation.DonationId),
        ("expires_at", e.ExpiresAt));

    private static Notice Of(RequestCreated e) => Create(
        e.Request.DonorId,
        Name<RequestCreated>(),
        "New request for your donation",
        string.IsNullOrWhiteSpace(e.Message) ? "Someone asked for your donation." : Excerpt(e.Message, 280),
        Ids(e.Request));

    /// <summary>The recipient learns why: the donor declined, chose another request, or the item could not be claimed.</summary>
    private static Notice Of(RequestRejected e) => Create(
        e.Request.RecipientId,
        Name<RequestRejected>(),
        "Your request was declined",
        e.Reason switch
        {
            null => "The donor declined your request.",
            "another_request_was_approved" => "The donor chose another request.",
            "not_available" or "not_found" or "deleted" => "The item is no longer available.",
            _ => $"Reason: {e.Reason}",
        },
        Ids(e.Request, e.Reason));

    /// <summary>The other party of a cancellation: the recipient when the donation went away, else the donor.</summary>
    private static Notice[] Of(RequestCancelled e) => e.Reason switch
    {
        // Compensation inside the claim saga: the request had already ended and its parties were told.
        "claim_arrived_after_request_ended" => [],
        "donation_deleted" => [Create(e.Request.RecipientId, Name<RequestCancelled>(), "Your request was cancelled", "The donation was removed.", Ids(e.Request, e.Reason))],
        "donation_expired" => [Create(e.Request.RecipientId, Name<RequestCancelled>(), "Your request was cancelled", "The donation expired before it was handed over.", Ids(e.Request, e.Reason))],
        "recipient_blocked" => [Create(e.Request.DonorId, Name<RequestCancelled>(), "A request for your donation was cancelled", "The requester's account was blocked.", Ids(e.Request, e.Reason))],
        _ => [Create(e.Request.DonorId, Name<RequestCancelled>(), "A request for your donation was cancelled", e.Reason is null ? "The requester cancelled it." : $"Reason: {e.Reason}", Ids(e.Request, e.Reason))],
    };

    private static Notice Of(RequestCompleted e) =>
        Create(e.Request.RecipientId, Name<RequestCompleted>(), "Your request was completed", "The donor marked the hand-over as done. You can rate them now.", Ids(e.Request));

    private static (string, object?)[] Ids(DonationReviewed e) =>
        [("donation_id", e.Donation.DonationId), ("decision", e.Decision), ("reason", e.Reason)];

    private static (string, object?)[] Ids(Guid donationId, Guid requestId) => [("donation_id", donationId), ("request_id", requestId)];

    private static (string, object?)[] Ids(RequestParties r, string? reason = null) =>
        [("request_id", r.RequestId), ("donation_id", r.DonationId), ("donor_id", r.DonorId), ("recipient_id", r.RecipientId), ("reason", reason)];
}

using System.ComponentModel;

namespace DonationService.Erasure;

/// <summary>The services that answer for an erasure, in the order they are listed.</summary>
public static class ErasureParts
{
    public const string Donation = "donation-service";
    public const string Request = "request-service";
    public const string Campaign = "campaign-service";
    public const string Messaging = "messaging-service";
}

/// <summary>An erasures row.</summary>
public sealed class ErasureRecord
{
    public Guid UserId { get; init; }

    public Guid RequestedBy { get; init; }

    public DateTime RequestedAt { get; init; }

    public string Status { get; init; } = "in_progress";

    public DateTime? CompletedAt { get; init; }

    public DateTime? DonationDoneAt { get; init; }

    public DateTime? RequestDoneAt { get; init; }

    public DateTime? CampaignDoneAt { get; init; }

    public DateTime? MessagingDoneAt { get; init; }
}

/// <summary>Issue 18: where an account's erasure stands.</summary>
public sealed record ErasureView(
    Guid UserId,
    [property: Description("in_progress until every service has erased its part of the user, then completed (once).")] string Status,
    [property: Description("When the erasure was asked for; the account's tokens were refused from then on.")] DateTime RequestedAt,
    [property: Description("When the last service answered; null while in progress.")] DateTime? CompletedAt,
    [property: Description("Each service and when it finished its part (null: not yet).")] IReadOnlyList<ErasurePartView> Services)
{
    public static ErasureView From(ErasureRecord r) => new(
        r.UserId,
        r.Status,
        r.RequestedAt,
        r.CompletedAt,
        [
            new(ErasureParts.Donation, r.DonationDoneAt),
            new(ErasureParts.Request, r.RequestDoneAt),
            new(ErasureParts.Campaign, r.CampaignDoneAt),
            new(ErasureParts.Messaging, r.MessagingDoneAt),
        ]);
}

/// <summary>One service's part of an erasure.</summary>
public sealed record ErasurePartView(
    [property: Description("donation-service, request-service, campaign-service or messaging-service.")] string Service,
    [property: Description("When the service finished erasing the user's data; null while it has not.")] DateTime? ErasedAt);

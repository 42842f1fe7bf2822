using System.Globalization;
using MessagingService.Messages;
using Platform.Contracts;
using Platform.Contracts.Events;

namespace MessagingService.Notifications;

/// <summary>
/// What each event of the catalogue marked "messaging (notify …)" tells whom: pure functions from an
/// event to its notices, one per recipient. The texts are English; <c>type</c> (the event type) and
/// <c>data</c> let a frontend render its own.
/// </summary>
public static partial class Notices
{
    public const int MaxTitle = 200;
    public const int MaxBody = 2000;
    public static readonly string MessageType = EventCatalog.NameOf<MessageSent>();

    /// <summary>The notices of an event; empty when it concerns nobody (e.g. a compensating cancellation).</summary>
    public static IReadOnlyList<Notice> For(IIntegrationEvent message) => message switch
    {
        ProfileVerificationDecided e => [Of(e)],
        ProfileBlocked e => [Of(e)],
        ProfileUnblocked e => [Of(e)],
        DonationReviewed e => [Of(e)],
        DonationReleased e => Of(e),
        DonationCompleted e => Of(e),
        DonationExpired e => [Of(e)],
        RequestCreated e => [Of(e)],
        RequestRejected e => [Of(e)],
        RequestCancelled e => Of(e),
        RequestCompleted e => [Of(e)],
        CampaignCreated e => [Of(e)],
        CampaignUpdated e => [Of(e)],
        CampaignRepublished => [],
        CampaignReviewed e => [Of(e)],
        CampaignStatusChanged e => [Of(e)],
        CampaignContributed e => [Of(e)],
        CampaignCompleted e => Of(e),
        CampaignEnded e => Of(e),
        CampaignContributionRefunded e => [Of(e)],
        CampaignUpdatePosted e => Of(e),
        _ => throw new ArgumentException($"messaging does not notify about {message.GetType().Name}.", nameof(message)),
    };

    /// <summary>The donation or campaign an event names with its owner, so a later report can name the user to block.</summary>
    public static OwnedTarget? OwnedTargetOf(IIntegrationEvent message) => message switch
    {
        DonationReviewed e => new OwnedTarget("donation", e.Donation.DonationId, e.Donation.DonorId),
        DonationReleased e => new OwnedTarget("donation", e.DonationId, e.DonorId),
        DonationCompleted e => new OwnedTarget("donation", e.DonationId, e.DonorId),
        DonationExpired e => new OwnedTarget("donation", e.Donation.DonationId, e.Donation.DonorId),
        RequestCreated e => new OwnedTarget("donation", e.Request.DonationId, e.Request.DonorId),
        CampaignCreated e => Campaign(e.Campaign),
        CampaignUpdated e => Campaign(e.Campaign),
        CampaignRepublished e => Campaign(e.Campaign),
        CampaignReviewed e => Campaign(e.Campaign),
        CampaignStatusChanged e => Campaign(e.Campaign),
        CampaignContributed e => Campaign(e.Campaign),
        CampaignCompleted e => Campaign(e.Campaign),
        CampaignEnded e => Campaign(e.Campaign),
        _ => null,
    };

    /// <summary>Who a request the event names is between, so a later report about it names the other party.</summary>
    public static RequestParties? RequestPartiesOf(IIntegrationEvent message) => message switch
    {
        RequestCreated e => e.Request,
        RequestRejected e => e.Request,
        RequestCancelled e => e.Request,
        RequestCompleted e => e.Request,
        _ => null,
    };

    /// <summary>The receiver's notice of a new message (messaging notifies the receiver itself).</summary>
    public static Notice MessageReceived(Message m) => Create(
        m.ReceiverId,
        MessageType,
        "New message",
        Excerpt(m.Content, 140),
        ("message_id", m.Id),
        ("sender_id", m.SenderId),
        ("donation_id", m.DonationId),
        ("campaign_id", m.CampaignId));

    private static OwnedTarget Campaign(CampaignSnapshot c) => new("campaign", c.CampaignId, c.RecipientId);

    private static Notice Create(Guid userId, string type, string title, string? body, params (string Key, object? Value)[] data) =>
        new(userId, type, Clip(title, MaxTitle)!, Clip(body, MaxBody), data.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value));

    private static string Name<TEvent>()
        where TEvent : IIntegrationEvent => EventCatalog.NameOf<TEvent>();

    private static string Quoted(string title) => "\u201c" + Excerpt(title, 120) + "\u201d";

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : Cut(text, max);

    private static string Excerpt(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= max ? flat : Cut(flat, max - 1).TrimEnd() + "\u2026";
    }

    /// <summary>The first <paramref name="length"/> UTF-16 units, never splitting a surrogate pair.</summary>
    private static string Cut(string text, int length) =>
        char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
}

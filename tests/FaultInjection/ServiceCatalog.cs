using Platform.Contracts;
using Platform.Contracts.Events;

namespace FaultInjection;

/// <summary>Which database holds a service's schema.</summary>
internal enum Database
{
    Main,
    Campaign,
}

/// <summary>
/// One service as the reconciliation sees it: its schema (outbox, inbox, idempotency keys), its
/// broker queue (named after the service) and the event types its consumer binds.
/// </summary>
internal sealed record ServiceInfo(string Name, string Queue, string Schema, Database Database, IReadOnlyList<string> Consumes)
{
    public string ParkingQueue => Queue + ".parking";

    public string RetryQueue(long delayMs) => $"{Queue}.retry.{delayMs}ms";
}

/// <summary>
/// The four services. <see cref="ServiceInfo.Consumes"/> mirrors the <c>AddEventing</c> registrations
/// in functions/*/*ServiceSetup.cs: every event of those types that any outbox holds must be in that
/// service's inbox exactly once after the drain.
/// </summary>
internal static class ServiceCatalog
{
    public static readonly ServiceInfo Donation = new("DonationService", "donation-service", "donation", Database.Main,
    [
        Name<RequestApproved>(), Name<RequestRejected>(), Name<RequestCancelled>(), Name<RequestCompleted>(),
        Name<RatingSubmitted>(), Name<ReportResolved>(),
    ]);

    public static readonly ServiceInfo Request = new("RequestService", "request-service", "request", Database.Main,
    [
        Name<DonationClaimed>(), Name<DonationClaimRejected>(), Name<DonationDeleted>(), Name<ProfileBlocked>(), Name<ProfileUnblocked>(),
    ]);

    public static readonly ServiceInfo Campaign = new("CampaignService", "campaign-service", "campaign", Database.Campaign,
    [
        Name<ProfileCreated>(), Name<ProfileUpdated>(), Name<ProfileVerificationDecided>(), Name<ProfileUnblocked>(),
        Name<ProfileBlocked>(), Name<ReportResolved>(),
    ]);

    public static readonly ServiceInfo Messaging = new("MessagingService", "messaging-service", "messaging", Database.Main,
    [
        Name<ProfileBlocked>(), Name<ProfileUnblocked>(), Name<ProfileVerificationDecided>(),
        Name<DonationReviewed>(), Name<DonationReleased>(), Name<DonationCompleted>(),
        Name<RequestCreated>(), Name<RequestRejected>(), Name<RequestCancelled>(), Name<RequestCompleted>(),
        Name<CampaignCreated>(), Name<CampaignUpdated>(), Name<CampaignReviewed>(), Name<CampaignStatusChanged>(),
        Name<CampaignContributed>(), Name<CampaignCompleted>(),
    ]);

    public static readonly IReadOnlyList<ServiceInfo> All = [Donation, Request, Campaign, Messaging];

    public static ServiceInfo? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public static string Name<TEvent>()
        where TEvent : IIntegrationEvent => EventCatalog.NameOf<TEvent>();
}

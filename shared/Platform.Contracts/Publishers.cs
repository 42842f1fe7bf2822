namespace Platform.Contracts;

/// <summary>
/// The services that publish events: each is the name of the service (its CloudEvents <c>source</c>
/// is <c>/</c> + name, its AMQP <c>app-id</c> the name) and of its own RabbitMQ user.
/// </summary>
public static class Publishers
{
    public const string Donation = "donation-service";
    public const string Request = "request-service";
    public const string Campaign = "campaign-service";
    public const string Messaging = "messaging-service";

    public static readonly IReadOnlyList<string> All = [Donation, Request, Campaign, Messaging];

    /// <summary>The CloudEvents <c>source</c> of a service's events.</summary>
    public static string SourceOf(string publisher) => "/" + publisher;
}

using System.Text;
using System.Text.RegularExpressions;
using Platform.Contracts;

namespace Platform.Eventing;

/// <summary>
/// What each service's own RabbitMQ user may do, derived from the catalogue's declared publishers
/// (<see cref="EventTypeAttribute.Publisher"/>) and the queue names the consumer uses (the service's
/// name, <c>.parking</c>, <c>.retry.*</c>). <c>deploy/rabbitmq/service-permissions.tsv</c> is this
/// table, written by a test (it fails when the file and the code differ); <c>scripts/stack.sh</c>
/// makes the local users from it and operators the Azure broker's.
/// </summary>
public static class BrokerPermissions
{
    public const string FileRelativePath = "deploy/rabbitmq/service-permissions.tsv";

    /// <summary>One user's vhost permissions (regexes over exchange and queue names) and topic permissions on <see cref="EventingOptions.EventsExchange"/> (over routing keys).</summary>
    public sealed record Grant(string User, string Configure, string Write, string Read, string TopicWrite, string TopicRead);

    public static Grant For(string service)
    {
        var queues = Regex.Escape(service) + @"(\..+)?";
        var events = Regex.Escape(EventingOptions.EventsExchange);
        var retry = Regex.Escape(EventingOptions.RetryExchange);
        var deadLetter = Regex.Escape(EventingOptions.DeadLetterExchange);
        var published = EventCatalog.PublishedBy(service);
        return new Grant(
            service,
            // Its own queues; the three platform exchanges are declared (idempotently) by every service.
            $"^({queues}|{events}|{retry}|{deadLetter})$",
            // Publishing: events (narrowed by the topic permission), its own retries and parking
            // (the default exchange), and the dead-letter exchanges its queues name.
            $"^({queues}|{events}|{retry}|{deadLetter}|amq\\.default)$",
            // Consuming its own queues and binding them to the platform exchanges.
            $"^({queues}|{events}|{retry}|{deadLetter})$",
            published.Count == 0 ? "^$" : "^(" + string.Join('|', published.Select(Regex.Escape)) + ")$",
            ".*");
    }

    /// <summary>The table of every publishing service, as written to <see cref="FileRelativePath"/>.</summary>
    public static string Table()
    {
        var text = new StringBuilder();
        text.Append("# Generated from the event catalogue's declared publishers (shared/Platform.Contracts); do not edit.\n");
        text.Append("# Regenerate: UPDATE_BROKER_PERMISSIONS=1 dotnet test tests/Platform.Eventing.Tests --filter BrokerPermissionsTests\n");
        text.Append("# user\tconfigure\twrite\tread\ttopic_write (platform.events)\ttopic_read\n");
        foreach (var grant in Publishers.All.Select(For))
        {
            text.Append(grant.User).Append('\t').Append(grant.Configure).Append('\t').Append(grant.Write).Append('\t')
                .Append(grant.Read).Append('\t').Append(grant.TopicWrite).Append('\t').Append(grant.TopicRead).Append('\n');
        }

        return text.ToString();
    }
}

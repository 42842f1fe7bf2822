using System.Globalization;
using Platform.Contracts;

namespace Platform.Eventing.TestApp;

/// <summary>
/// The test app's behaviour, from environment variables:
/// <list type="bullet">
/// <item><c>TESTAPP_NAME</c>: service name (default <c>eventing-testapp</c>; also the default queue and the relay's AMQP app id).</item>
/// <item><c>TESTAPP_SCHEMA</c>: the database schema of its outbox, inbox and tables (default <c>eventing_testapp</c>).</item>
/// <item><c>TESTAPP_TYPES</c>: comma list of the event types it handles (its queue's bindings); default every type of the catalogue.</item>
/// <item><c>TESTAPP_FAIL_TYPES</c>: comma list of event types whose handler always throws.</item>
/// <item><c>TESTAPP_HANDLER_DELAY_MS</c>: a sleep inside the handler, after its effect is written, before the commit.</item>
/// </list>
/// Broker settings come from <c>RabbitMQConnection</c> and <c>Eventing__*</c>, the database from <c>TestAppDbConnection</c>.
/// </summary>
public sealed record TestAppSettings(
    string Name,
    string Schema,
    IReadOnlySet<string> Types,
    IReadOnlySet<string> FailTypes,
    TimeSpan HandlerDelay)
{
    public const string DefaultName = "eventing-testapp";
    public const string DefaultSchema = "eventing_testapp";

    public static TestAppSettings FromEnvironment()
    {
        var types = List("TESTAPP_TYPES");
        var unknown = types.Where(t => !EventCatalog.TryGetType(t, out _)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException("TESTAPP_TYPES names events outside the catalogue: " + string.Join(", ", unknown));
        }

        var delay = Environment.GetEnvironmentVariable("TESTAPP_HANDLER_DELAY_MS");
        return new TestAppSettings(
            Text("TESTAPP_NAME") ?? DefaultName,
            Text("TESTAPP_SCHEMA") ?? DefaultSchema,
            types.Count > 0 ? types : EventCatalog.Names.ToHashSet(StringComparer.Ordinal),
            List("TESTAPP_FAIL_TYPES"),
            string.IsNullOrWhiteSpace(delay) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(int.Parse(delay, CultureInfo.InvariantCulture)));
    }

    private static string? Text(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;

    private static HashSet<string> List(string name) =>
        (Text(name) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}

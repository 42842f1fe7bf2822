using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Platform.Eventing;

/// <summary>
/// Broker settings of one service. Read from configuration section <c>Eventing</c> (e.g.
/// <c>Eventing__Prefetch</c>) with the connection in <c>RabbitMQConnection</c>.
/// </summary>
public sealed class EventingOptions
{
    public const string EventsExchange = "platform.events";
    public const string RetryExchange = "platform.retry";
    public const string DeadLetterExchange = "platform.dead-letter";

    public required string ConnectionString { get; init; }

    /// <summary>The service's main queue; its retry queues and parking queue are named after it.</summary>
    public required string Queue { get; init; }

    /// <summary><c>quorum</c> (default: replicated, durable, with a delivery limit) or <c>classic</c>.</summary>
    public string QueueType { get; init; } = "quorum";

    public ushort Prefetch { get; init; } = 256;

    /// <summary>Batches handled at once; each batch is one database transaction.</summary>
    public int Concurrency { get; init; } = 4;

    public int BatchSize { get; init; } = 64;

    /// <summary>Attempts before a message is parked; the delays between them grow.</summary>
    public int MaxAttempts { get; init; } = 5;

    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

    /// <summary>Redeliveries (e.g. consumer crashes) before the broker dead-letters a message to parking.</summary>
    public int DeliveryLimit { get; init; } = 20;

    public int RelayBatchSize { get; init; } = 500;

    /// <summary>
    /// Relay batches in flight at once, each on its own channel and database connection: a commit does
    /// not wait behind another batch's confirms, and a backlog drains with overlapping confirms.
    /// </summary>
    public int RelayConcurrency { get; init; } = 4;

    /// <summary>
    /// The largest envelope the relay publishes (bytes): RabbitMQ's own default <c>max_message_size</c>,
    /// 16 MiB. A bigger outbox row would close the channel every time; it is parked instead.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How often the relay looks for unsent rows without being woken (other instances, crashes).</summary>
    public TimeSpan RelaySweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The broker user of <see cref="ConnectionString"/>: the AMQP <c>user-id</c> of everything this service publishes.</summary>
    public string BrokerUser => PublisherCheck.UserOf(ConnectionString);

    /// <summary>The virtual host of <see cref="ConnectionString"/> (<c>/</c> when the URI names none): bindings belong to one.</summary>
    public string VirtualHost => new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(ConnectionString) }.VirtualHost;

    /// <summary>
    /// Consumers refuse an event not sent by its declared publisher (<see cref="PublisherCheck"/>). Off only
    /// for the eventing test app, which plays every publisher (set in code, not a setting).
    /// </summary>
    public bool VerifyPublishers { get; set; } = true;

    public string ParkingQueue => Queue + ".parking";

    public string RetryQueue(TimeSpan delay) => string.Create(CultureInfo.InvariantCulture, $"{Queue}.retry.{(long)delay.TotalMilliseconds}ms");

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 = the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt) => RetryDelays[Math.Clamp(nextAttempt - 2, 0, RetryDelays.Count - 1)];

    /// <summary>The settings; <paramref name="requireTls"/> (a running app outside Development) refuses a broker URI that is not amqps://.</summary>
    public static EventingOptions FromConfiguration(IConfiguration configuration, string defaultQueue, bool requireTls = false)
    {
        var section = configuration.GetSection("Eventing");
        var connection = configuration["RabbitMQConnection"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException("Set RabbitMQConnection to the broker's amqp:// or amqps:// URI.");
        }

        if (requireTls && !connection.TrimStart().StartsWith("amqps://", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "RabbitMQConnection must be an amqps:// URI outside the Development environment: over amqp:// the broker's password and every event travel in clear.");
        }

        var defaults = new EventingOptions { ConnectionString = connection, Queue = defaultQueue };
        return new EventingOptions
        {
            ConnectionString = connection,
            Queue = section["Queue"] ?? defaultQueue,
            QueueType = section["QueueType"] ?? defaults.QueueType,
            Prefetch = ushort.TryParse(section["Prefetch"], CultureInfo.InvariantCulture, out var prefetch) ? prefetch : defaults.Prefetch,
            Concurrency = Int(section["Concurrency"], defaults.Concurrency),
            BatchSize = Int(section["BatchSize"], defaults.BatchSize),
            MaxAttempts = Int(section["MaxAttempts"], defaults.MaxAttempts),
            DeliveryLimit = Int(section["DeliveryLimit"], defaults.DeliveryLimit),
            RelayBatchSize = Int(section["RelayBatchSize"], defaults.RelayBatchSize),
            RelayConcurrency = Int(section["RelayConcurrency"], defaults.RelayConcurrency),
            MaxMessageBytes = Int(section["MaxMessageBytes"], defaults.MaxMessageBytes),
            RetryDelays = section["RetryDelaysMs"] is { Length: > 0 } delays
                ? delays.Split(',').Select(d => TimeSpan.FromMilliseconds(int.Parse(d, CultureInfo.InvariantCulture))).ToList()
                : defaults.RetryDelays,
            RelaySweepInterval = section["RelaySweepIntervalMs"] is { Length: > 0 } sweep
                ? TimeSpan.FromMilliseconds(int.Parse(sweep, CultureInfo.InvariantCulture))
                : defaults.RelaySweepInterval,
        };
    }

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

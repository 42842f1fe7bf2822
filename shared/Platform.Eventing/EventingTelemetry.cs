using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Eventing;

/// <summary>
/// The activity source of publish and consume spans, and the meter of the relay's and the consumer's
/// batches (OpenTelemetry listens to both by name). The histograms tell where an event's time goes
/// between its commit and its handler's commit: how long the relay's batches take and how big they
/// are, how long a delivery waits for a worker, and how long a consumer batch's transaction takes.
/// </summary>
public static class EventingTelemetry
{
    public const string SourceName = "Platform.Eventing";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(SourceName);

    /// <summary>Rows per relay batch.</summary>
    public static readonly Histogram<int> RelayBatchSize = Meter.CreateHistogram<int>("platform.outbox.relay.batch.size", "{row}");

    /// <summary>A relay batch's select of unsent rows (ms).</summary>
    public static readonly Histogram<double> RelaySelect = Meter.CreateHistogram<double>("platform.outbox.relay.select.duration", "ms");

    /// <summary>A relay batch's publishes until every confirm is in (ms).</summary>
    public static readonly Histogram<double> RelayConfirm = Meter.CreateHistogram<double>("platform.outbox.relay.confirm.duration", "ms");

    /// <summary>A relay batch's marking of its rows as sent, commit included (ms).</summary>
    public static readonly Histogram<double> RelayCommit = Meter.CreateHistogram<double>("platform.outbox.relay.commit.duration", "ms");

    /// <summary>Deliveries per consumer batch.</summary>
    public static readonly Histogram<int> ConsumerBatchSize = Meter.CreateHistogram<int>("platform.consumer.batch.size", "{message}");

    /// <summary>From a delivery's arrival in the worker process to the start of the batch that handles it (ms).</summary>
    public static readonly Histogram<double> ConsumerQueued = Meter.CreateHistogram<double>("platform.consumer.queued.duration", "ms");

    /// <summary>A consumer batch's transaction: inbox rows, handlers, commit (ms).</summary>
    public static readonly Histogram<double> ConsumerHandle = Meter.CreateHistogram<double>("platform.consumer.handle.duration", "ms");

    /// <summary>A consumer batch's acknowledgements (ms).</summary>
    public static readonly Histogram<double> ConsumerAck = Meter.CreateHistogram<double>("platform.consumer.ack.duration", "ms");

    /// <summary>
    /// Starts a consume activity that continues the producer's trace. Without a listener the
    /// source creates nothing, so a plain activity is started instead: the trace id still reaches
    /// the handler's logs and the events it publishes.
    /// </summary>
    public static Activity StartConsume(string eventType, string? traceParent, string? correlationId)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity($"{eventType} process", ActivityKind.Consumer, parent);
        if (activity is null)
        {
            activity = new Activity($"{eventType} process");
            if (!string.IsNullOrEmpty(traceParent))
            {
                activity.SetParentId(traceParent);
            }

            activity.Start();
        }

        activity.SetTag("messaging.system", "rabbitmq");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", eventType);
        if (!string.IsNullOrEmpty(correlationId))
        {
            activity.SetBaggage(Platform.Hosting.Hosting.Correlation.BaggageName, correlationId);
        }

        return activity;
    }
}

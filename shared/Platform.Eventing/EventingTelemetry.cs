using System.Diagnostics;

namespace Platform.Eventing;

/// <summary>The activity source of publish and consume spans (OpenTelemetry listens to it by name).</summary>
public static class EventingTelemetry
{
    public const string SourceName = "Platform.Eventing";

    public static readonly ActivitySource Source = new(SourceName);

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

using System.Text;

namespace Platform.Eventing;

/// <summary>AMQP header names the platform sets, and reading them back.</summary>
public static class MessageHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string CorrelationId = "correlation_id";
    public const string Attempt = "x-attempt";
    public const string FailureReason = "x-failure-reason";
    public const string FailureType = "x-failure-type";
    public const string FailedAt = "x-failed-at";
    public const string FailedBy = "x-failed-by";

    /// <summary>The AMQP user-id of the original publisher, on a message a consumer sent on under its own user (a retry, parking).</summary>
    public const string OriginalUserId = "x-original-user-id";

    public static string? GetString(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                null => null,
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            }
            : null;

    public static int GetInt(IDictionary<string, object?>? headers, string name, int fallback) =>
        int.TryParse(GetString(headers, name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}

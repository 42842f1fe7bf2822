using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Hosting;

/// <summary>
/// The correlation id of a request: the caller's <c>X-Correlation-Id</c> when it sends a sane one,
/// else the trace id. It rides on the activity's baggage into the outbox, the message headers and
/// the handlers' logs, and is echoed in the response.
/// </summary>
public static class Correlation
{
    public const string HeaderName = "X-Correlation-Id";
    public const string BaggageName = "correlation_id";

    public static void Apply(HttpContext context)
    {
        var sent = context.Request.Headers[HeaderName];
        var id = sent.Count == 1 && IsSane(sent[0]) ? sent[0]! : Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        Activity.Current?.SetBaggage(BaggageName, id);
        context.Response.Headers[HeaderName] = id;
    }

    private static bool IsSane(string? value) =>
        value is { Length: > 0 and <= 128 } && value.All(c => c is >= '!' and <= '~');
}

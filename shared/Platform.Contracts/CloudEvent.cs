using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Contracts;

/// <summary>
/// A CloudEvents 1.0 JSON envelope (structured mode). <c>correlationid</c> and <c>traceparent</c>
/// are extension attributes (the latter from the CloudEvents distributed-tracing extension); the
/// same values also travel as message headers.
/// </summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("correlationid")] string? CorrelationId = null,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null)
{
    public const string Version = "1.0";
    public const string JsonContentType = "application/json";
    public const string EnvelopeContentType = "application/cloudevents+json";

    [JsonPropertyName("specversion")]
    [JsonRequired]
    public string SpecVersion { get; init; } = Version;

    [JsonPropertyName("datacontenttype")]
    public string DataContentType { get; init; } = JsonContentType;

    /// <summary>Wraps an event of the catalogue; the source names the publishing service (e.g. <c>/donation-service</c>).</summary>
    public static CloudEvent Wrap(IIntegrationEvent payload, string source, DateTimeOffset time, Guid? id = null, string? correlationId = null, string? traceParent = null) =>
        new(
            (id ?? Guid.CreateVersion7()).ToString(),
            source,
            EventCatalog.NameOf(payload.GetType()),
            time,
            JsonSerializer.SerializeToElement(payload, payload.GetType(), EventJson.Options),
            correlationId,
            traceParent);

    /// <summary>The typed payload, chosen by <see cref="Type"/> through the catalogue.</summary>
    public IIntegrationEvent ReadData()
    {
        if (!EventCatalog.TryGetType(Type, out var type))
        {
            throw new JsonException($"'{Type}' is not an event of the catalogue.");
        }

        if (Data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The data of {Type} {Id} is missing or not an object.");
        }

        return (IIntegrationEvent)(Data.Deserialize(type, EventJson.Options) ?? throw new JsonException($"The data of {Type} {Id} is null."));
    }

    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, EventJson.Options);

    /// <summary>Parses and checks an envelope; throws <see cref="JsonException"/> when it is not one.</summary>
    public static CloudEvent Parse(ReadOnlySpan<byte> utf8)
    {
        var envelope = JsonSerializer.Deserialize<CloudEvent>(utf8, EventJson.Options) ?? throw new JsonException("The message is JSON null.");
        if (envelope.SpecVersion != Version || string.IsNullOrEmpty(envelope.Id) || string.IsNullOrEmpty(envelope.Type) || string.IsNullOrEmpty(envelope.Source))
        {
            throw new JsonException("The message is not a CloudEvents 1.0 envelope (specversion, id, type and source are required).");
        }

        return envelope;
    }
}

/// <summary>The JSON shape of event payloads: snake_case, like the HTTP API.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

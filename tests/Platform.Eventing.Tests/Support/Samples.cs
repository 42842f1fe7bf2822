using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts;

namespace Platform.Eventing.Tests.Support;

/// <summary>The canonical payload of each event type (tests/Platform.Contracts.Tests/Samples, linked into the output).</summary>
public static class Samples
{
    public static JsonNode Json(string eventType)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Samples", eventType + ".json");
        Assert.True(File.Exists(path), $"{path} is missing: every event of the catalogue needs a sample.");
        return JsonNode.Parse(File.ReadAllText(path))!;
    }

    public static IIntegrationEvent Event(string eventType)
    {
        Assert.True(EventCatalog.TryGetType(eventType, out var type), $"{eventType} is not in the catalogue.");
        return (IIntegrationEvent)Json(eventType).Deserialize(type, EventJson.Options)!;
    }
}

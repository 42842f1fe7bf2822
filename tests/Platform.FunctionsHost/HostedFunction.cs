using System.Text.Json;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsHost;

/// <summary>
/// One function as the worker indexed it (FunctionMetadataResponse), with its HTTP trigger read
/// from the raw bindings the way the host reads them.
/// </summary>
public sealed record HostedFunction(
    string FunctionId,
    string Name,
    string ScriptFile,
    string EntryPoint,
    string? TriggerName,
    string? Route,
    IReadOnlyList<string> Methods,
    string? AuthLevel,
    RpcFunctionMetadata Metadata)
{
    /// <summary>The HTTP route the host serves it at, without the prefix: the trigger's route, or the function's name.</summary>
    public string HttpRoute => string.IsNullOrEmpty(Route) ? Name : Route;

    public bool IsHttp => TriggerName is not null;

    internal static HostedFunction From(RpcFunctionMetadata metadata)
    {
        string? trigger = null, route = null, authLevel = null;
        var methods = new List<string>();
        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var type = Text(root, "type");
            var name = Text(root, "name") ?? throw new InvalidDataException($"{metadata.Name}: a binding without a name: {raw}");
            var direction = Text(root, "direction");
            metadata.Bindings[name] = new BindingInfo
            {
                Type = type ?? string.Empty,
                Direction = direction?.ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
            };
            if (string.Equals(type, "httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                trigger = name;
                route = Text(root, "route");
                authLevel = Text(root, "authLevel");
                if (root.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    methods.AddRange(list.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()));
                }
            }
        }

        return new HostedFunction(metadata.FunctionId, metadata.Name, metadata.ScriptFile, metadata.EntryPoint, trigger, route, methods, authLevel, metadata);
    }

    private static string? Text(JsonElement element, string property)
    {
        foreach (var candidate in element.EnumerateObject())
        {
            if (string.Equals(candidate.Name, property, StringComparison.OrdinalIgnoreCase))
            {
                return candidate.Value.ValueKind == JsonValueKind.String ? candidate.Value.GetString() : candidate.Value.ToString();
            }
        }

        return null;
    }
}

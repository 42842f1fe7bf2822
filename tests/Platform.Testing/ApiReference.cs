using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>
/// Renders a service's OpenAPI document as the Markdown API reference the repository carries under
/// docs/api/, so that someone reading the docs of a clone sees exactly what the service serves.
/// <see cref="OpenApiContract"/> fails when the file and the document differ; set
/// UPDATE_API_REFERENCE=1 to rewrite the files.
/// </summary>
public static class ApiReference
{
    // Patterns and texts as written: "+" stays "+", not "\u002B".
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    /// <summary>The file of a service (DonationService → docs/api/donation-service.md).</summary>
    public static string PathOf(string service) =>
        Path.Combine(TestEnvironment.RepoRoot, "docs", "api", KebabName(service) + ".md");

    public static string KebabName(string service) =>
        string.Concat(service.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string Render(JsonNode document)
    {
        var text = new StringBuilder();
        var info = document["info"]!;
        var prefix = document["servers"]?[0]?["url"]?.GetValue<string>() ?? string.Empty;
        Line(text, $"# {info["title"]} API");
        Line(text);
        Line(text, $"<!-- Generated from the service's OpenAPI document ({prefix}/openapi.json) by tests/Platform.Testing/ApiReference.cs; do not edit. -->");
        Line(text);
        Line(text, Text(info["description"]));
        Line(text);
        Line(text, $"Served at `GET {prefix}/openapi.json` (OpenAPI {document["openapi"]}, version {info["version"]}). Conventions shared by every service: [API.md](../API.md).");
        Line(text);
        Line(text, "| method | path | summary | sign-in | success | errors |");
        Line(text, "|---|---|---|---|---|---|");
        var operations = Operations(document).ToList();
        foreach (var (path, method, operation) in operations)
        {
            var statuses = Statuses(operation);
            Line(text, $"| {method.ToUpperInvariant()} | `{prefix}{path}` | {Cell(operation["summary"])} | {SignIn(operation)} | {string.Join(", ", statuses.Where(s => s < 400))} | {string.Join(", ", statuses.Where(s => s >= 400))} |");
        }

        foreach (var (path, method, operation) in operations)
        {
            Line(text);
            Line(text, $"## {method.ToUpperInvariant()} {prefix}{path}");
            Line(text);
            Line(text, Text(operation["summary"]));
            if (operation["description"] is { } description)
            {
                Line(text);
                Line(text, Text(description));
            }

            var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => Resolve(document, p!)).ToList();
            if (parameters.Count > 0)
            {
                Line(text);
                Line(text, "| parameter | in | required | schema | description |");
                Line(text, "|---|---|---|---|---|");
                foreach (var parameter in parameters)
                {
                    Line(text, $"| `{parameter["name"]}` | {parameter["in"]} | {(parameter["required"]?.GetValue<bool>() == true ? "yes" : "no")} | {Schema(parameter["schema"])} | {Cell(parameter["description"])} |");
                }
            }

            if (operation["requestBody"] is { } body)
            {
                Line(text);
                Line(text, $"Body{(body["required"]?.GetValue<bool>() == true ? string.Empty : " (optional)")}: {Content(body)}");
            }

            Line(text);
            Line(text, "| status | body | meaning |");
            Line(text, "|---|---|---|");
            foreach (var (status, response) in operation["responses"]!.AsObject().OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var resolved = Resolve(document, response!);
                var headers = resolved["headers"]?.AsObject().Select(h => $"`{h.Key}`").ToList() ?? [];
                Line(text, $"| {status} | {Content(resolved)} | {Cell(resolved["description"])}{(headers.Count > 0 ? " Headers: " + string.Join(", ", headers) + "." : string.Empty)} |");
            }
        }

        Line(text);
        Line(text, "## Schemas");
        foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject().OrderBy(s => s.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, JsonNode?>>())
        {
            Line(text);
            Line(text, $"### {name}");
            if (schema is null || schema is JsonValue)
            {
                Line(text);
                Line(text, $"`{schema?.ToJsonString(Relaxed) ?? "null"}`");
                continue;
            }

            if (schema["description"] is { } description)
            {
                Line(text);
                Line(text, Text(description));
            }

            if (schema["properties"] is not JsonObject properties)
            {
                Line(text);
                Line(text, Schema(schema));
                continue;
            }

            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            Line(text);
            Line(text, "| field | schema | required | description |");
            Line(text, "|---|---|---|---|");
            foreach (var (field, property) in properties)
            {
                Line(text, $"| `{field}` | {Schema(property)} | {(required.Contains(field) ? "yes" : "no")} | {Cell(property is JsonObject o ? o["description"] : null)} |");
            }
        }

        return text.ToString();
    }

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject()
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => Methods.Where(m => p.Value![m] is not null).Select(m => (p.Key, m, p.Value![m]!)));

    private static List<int> Statuses(JsonNode operation) =>
        operation["responses"]!.AsObject().Select(r => int.Parse(r.Key, CultureInfo.InvariantCulture)).Order().ToList();

    private static string SignIn(JsonNode operation)
    {
        var security = operation["security"]?.AsArray();
        if (security is null || security.Count == 0)
        {
            return "no";
        }

        return security.Any(s => s is JsonObject { Count: 0 }) ? "optional" : "yes";
    }

    private static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        if (node["$ref"]?.GetValue<string>() is not { } reference)
        {
            return node;
        }

        var target = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            target = target[part]!;
        }

        return target;
    }

    private static string Content(JsonNode holder)
    {
        if (holder["content"] is not JsonObject content || content.Count == 0)
        {
            return "—";
        }

        return string.Join("; ", content.Select(c => $"{Schema(c.Value?["schema"])} ({c.Key})"));
    }

    /// <summary>A schema in one line: a reference's name, a type with its rules, an enum's values.</summary>
    public static string Schema(JsonNode? schema)
    {
        switch (schema)
        {
            case null:
                return "any";
            case JsonValue value:
                return $"`{value.ToJsonString(Relaxed)}`";
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return $"[{reference[(reference.LastIndexOf('/') + 1)..]}](#{reference[(reference.LastIndexOf('/') + 1)..].ToLowerInvariant()})";
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema[combinator] is JsonArray parts)
            {
                return string.Join(combinator == "allOf" ? " and " : " or ", parts.Select(Schema));
            }
        }

        var type = schema["type"] switch
        {
            JsonArray types => string.Join(" or ", types.Select(t => t!.GetValue<string>()).OrderBy(t => t == "null")), // "string or null", in whichever order the writer put them
            JsonValue single => single.GetValue<string>(),
            _ => "any",
        };
        if (type.StartsWith("array", StringComparison.Ordinal) && schema["items"] is { } items)
        {
            type = $"array of {Schema(items)}";
        }

        var rules = new List<string>();
        foreach (var rule in new[] { "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "pattern", "default" })
        {
            if (schema[rule] is { } value)
            {
                rules.Add($"{rule} {value.ToJsonString(Relaxed).Replace("|", "\\|", StringComparison.Ordinal)}");
            }
        }

        if (schema["enum"] is JsonArray values)
        {
            rules.Add("one of " + string.Join(", ", values.Select(v => v is null ? "null" : $"`{v.ToJsonString(Relaxed).Trim('"')}`")));
        }

        return rules.Count == 0 ? type : $"{type} ({string.Join("; ", rules)})";
    }

    private static string Text(JsonNode? node) => node?.GetValue<string>().Trim() ?? string.Empty;

    private static string Cell(JsonNode? node) =>
        Text(node).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}

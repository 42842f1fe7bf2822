using System.Text.Json.Nodes;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// Checks an OpenAPI document the way the API's conventions demand, from the document alone:
/// every operation lists the errors its shape implies (a token → 401, a path id → 400 and 404,
/// query parameters → 400, a body → 400, 413 and 415, an Idempotency-Key → 422, a dependency → 503),
/// errors are problem+json, every body and response content has a schema, and every $ref resolves.
/// It also checks what generic tools need (scripts/test-extra.d/openapi-clients.sh runs Kiota and
/// Redocly on the documents): every operation declares its security, an empty list when anonymous
/// (Redocly's security-defined), and no schema is a boolean (Microsoft.OpenApi, hence Kiota, fails
/// on one). The apps' tests run it on their documents.
/// </summary>
public static class OpenApiLint
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    /// <summary>"METHOD /path" of every operation, e.g. "GET /donations/{id}".</summary>
    public static IReadOnlyList<string> Operations(JsonNode document) =>
        Paths(document).SelectMany(p => p.Operations.Select(o => $"{o.Method.ToUpperInvariant()} {p.Path}")).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every departure from the conventions; empty when the document is sound.</summary>
    public static IReadOnlyList<string> Check(JsonNode document)
    {
        var problems = new List<string>();
        if (document["openapi"]?.GetValue<string>() is not { } version || !version.StartsWith("3.1", StringComparison.Ordinal))
        {
            problems.Add("openapi must be 3.1.x");
        }

        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, operations) in Paths(document))
        {
            foreach (var (method, operation) in operations)
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                var id = operation["operationId"]?.GetValue<string>();
                if (string.IsNullOrEmpty(id) || !operationIds.Add(id))
                {
                    problems.Add($"{where}: missing or duplicate operationId '{id}'");
                }

                if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()))
                {
                    problems.Add($"{where}: no summary");
                }

                CheckOperation(document, where, path, id, operation, problems);
            }
        }

        CheckReferences(document, document, "#", problems);
        foreach (var (name, schema) in document["components"]?["schemas"] as JsonObject ?? [])
        {
            CheckSchema(schema, $"#/components/schemas/{name}", problems);
        }

        CheckInlineSchemas(document["paths"], "#/paths", problems);
        CheckInlineSchemas(document["components"]?["responses"], "#/components/responses", problems);
        CheckInlineSchemas(document["components"]?["parameters"], "#/components/parameters", problems);
        return problems;
    }

    private static void CheckOperation(JsonNode document, string where, string path, string? id, JsonObject operation, List<string> problems)
    {
        var parameters = (operation["parameters"] as JsonArray ?? []).Select(p => Resolve(document, p) as JsonObject).OfType<JsonObject>().ToList();
        var responses = operation["responses"] as JsonObject ?? [];
        var statuses = responses.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        void Expect(int status, string because)
        {
            if (!statuses.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                problems.Add($"{where}: {because}, so it must list {status}");
            }
        }

        if (!statuses.Any(s => s.StartsWith('2')))
        {
            problems.Add($"{where}: no success (2xx) response");
        }

        if (operation["security"] is not JsonArray)
        {
            problems.Add($"{where}: declares no security (an anonymous operation declares an empty list)");
        }

        var secured = operation["security"] is JsonArray security && security.Any(r => r is JsonObject { Count: > 0 });
        if (secured)
        {
            Expect(401, "it reads a bearer token");
        }

        var pathParameters = parameters.Where(p => In(p, "path")).Select(p => p["name"]!.GetValue<string>()).ToList();
        var templated = System.Text.RegularExpressions.Regex.Matches(path, @"\{([^}]+)\}").Select(m => m.Groups[1].Value).ToList();
        if (!templated.Order().SequenceEqual(pathParameters.Order()))
        {
            problems.Add($"{where}: path parameters [{string.Join(", ", pathParameters)}] do not match the template");
        }

        if (pathParameters.Count > 0)
        {
            Expect(400, "it has a path id that may be malformed");
            Expect(404, "it names a resource by id");
        }

        if (parameters.Any(p => In(p, "query")))
        {
            Expect(400, "it reads query parameters");
        }

        if (parameters.Any(p => In(p, "header") && p["name"]?.GetValue<string>() == "Idempotency-Key"))
        {
            Expect(422, "it takes an Idempotency-Key");
        }

        if (id is not ApiDescription.DocumentFunction and not ApiDescription.LivenessFunction)
        {
            Expect(503, "it depends on the database or the broker");
        }

        if (operation["requestBody"] is { } body)
        {
            Expect(400, "it reads a JSON body");
            Expect(413, "it reads a body");
            Expect(415, "it reads a JSON body");
            var content = Resolve(document, body)?["content"] as JsonObject;
            if (content?["application/json"] is null)
            {
                problems.Add($"{where}: the request body is not application/json");
            }

            CheckContent(document, $"{where} request body", content, problems);
        }

        foreach (var (status, node) in responses)
        {
            var response = Resolve(document, node) as JsonObject;
            if (response is null || string.IsNullOrWhiteSpace(response["description"]?.GetValue<string>()))
            {
                problems.Add($"{where} {status}: a response needs a description");
                continue;
            }

            var content = response["content"] as JsonObject;
            CheckContent(document, $"{where} {status}", content, problems);
            var isError = status.Length == 3 && status[0] is '4' or '5';
            if (isError && id != ApiDescription.HealthFunction && content?["application/problem+json"] is null)
            {
                problems.Add($"{where} {status}: errors are application/problem+json");
            }
        }
    }

    private static void CheckContent(JsonNode document, string where, JsonObject? content, List<string> problems)
    {
        foreach (var (mediaType, media) in content ?? [])
        {
            if (media?["schema"] is not JsonObject schema || schema.Count == 0)
            {
                problems.Add($"{where}: {mediaType} has no schema");
            }
            else if (schema["$ref"] is not null && Resolve(document, schema) is null)
            {
                problems.Add($"{where}: {mediaType} schema {schema["$ref"]} does not resolve");
            }
        }
    }

    /// <summary>The schemas under every <c>schema</c> key of parameters, bodies, responses and headers.</summary>
    private static void CheckInlineSchemas(JsonNode? node, string at, List<string> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (key == "schema")
                    {
                        CheckSchema(child, $"{at}/{key}", problems);
                    }
                    else
                    {
                        CheckInlineSchemas(child, $"{at}/{key}", problems);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckInlineSchemas(array[i], $"{at}/{i}", problems);
                }

                break;
        }
    }

    /// <summary>A schema and its subschemas: none may be a boolean (<c>true</c> is written <c>{}</c>).</summary>
    private static void CheckSchema(JsonNode? schema, string at, List<string> problems)
    {
        if (schema is JsonValue value && value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
        {
            problems.Add($"{at}: the boolean schema {value.ToJsonString()} (OpenAPI readers such as Kiota's fail on it: write {{}} for any value)");
            return;
        }

        if (schema is not JsonObject obj)
        {
            return;
        }

        foreach (var keyword in OpenApiSchemas.SchemaKeywords.Where(obj.ContainsKey))
        {
            CheckSchema(obj[keyword], $"{at}/{keyword}", problems);
        }

        foreach (var keyword in OpenApiSchemas.SchemaListKeywords)
        {
            var list = obj[keyword] as JsonArray ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                CheckSchema(list[i], $"{at}/{keyword}/{i}", problems);
            }
        }

        foreach (var keyword in OpenApiSchemas.SchemaMapKeywords)
        {
            foreach (var (name, child) in obj[keyword] as JsonObject ?? [])
            {
                CheckSchema(child, $"{at}/{keyword}/{name}", problems);
            }
        }
    }

    private static void CheckReferences(JsonNode document, JsonNode? node, string at, List<string> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && Resolve(document, obj) is null)
                {
                    problems.Add($"{at}: $ref {reference} does not resolve");
                }

                foreach (var (key, child) in obj)
                {
                    CheckReferences(document, child, $"{at}/{key}", problems);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckReferences(document, array[i], $"{at}/{i}", problems);
                }

                break;
        }
    }

    /// <summary>The node a local <c>$ref</c> points to (the node itself when it is no reference); null when it dangles.</summary>
    private static JsonNode? Resolve(JsonNode document, JsonNode? node)
    {
        if (node is not JsonObject obj || obj["$ref"]?.GetValue<string>() is not { } reference)
        {
            return node;
        }

        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? current = document;
        foreach (var segment in reference[2..].Split('/'))
        {
            current = current is JsonObject o ? o[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)] : null;
        }

        return current;
    }

    private static bool In(JsonObject parameter, string location) => parameter["in"]?.GetValue<string>() == location;

    private static IEnumerable<(string Path, List<(string Method, JsonObject Operation)> Operations)> Paths(JsonNode document) =>
        (document["paths"] as JsonObject ?? []).Select(p => (
            p.Key,
            Methods.Where(m => p.Value?[m] is JsonObject).Select(m => (m, (JsonObject)p.Value![m]!)).ToList()));
}

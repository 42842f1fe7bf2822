using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Hosting.Hosting;

namespace Platform.Hosting.OpenApi;

/// <summary>The document, and what did not match between the functions and their descriptions.</summary>
public sealed record OpenApiResult(JsonObject Document, IReadOnlyList<string> Undescribed, IReadOnlyList<string> UnknownDescriptions);

/// <summary>
/// Writes an OpenAPI 3.1 document from an app's HTTP functions (paths, methods, path parameters:
/// the same catalog standalone mode serves) and its <see cref="ApiDescription"/> (summaries, bodies,
/// query parameters, responses). The errors an operation answers are derived from its shape the way
/// the platform answers them (a body: 400/413/415; a token: 401; ...) plus the ones it names.
/// A function without a description is left out (and reported), so a test can catch it.
/// </summary>
public static partial class OpenApiGenerator
{
    private const string JsonType = "application/json";
    private const string ProblemType = "application/problem+json";
    private const string Security = "supabase";

    /// <summary>The standard text of each error status, as the platform answers it.</summary>
    internal static readonly IReadOnlyDictionary<int, (string Component, string Text)> StandardErrors = new Dictionary<int, (string, string)>
    {
        [400] = ("BadRequest", "Malformed JSON, a wrong type, an unknown enum value, a bad UUID or an out-of-range value; validation problems list each field in `errors`."),
        [401] = ("Unauthorized", "No valid Supabase access token (missing where required, expired, wrong issuer or signature)."),
        [403] = ("Forbidden", "Signed in, but not allowed to do this (wrong role, not the owner, or blocked)."),
        [404] = ("NotFound", "No such resource, or one the caller may not see."),
        [409] = ("Conflict", "Not allowed from the resource's current state; `detail` names the state."),
        [413] = ("PayloadTooLarge", "The body is larger than 64 KiB."),
        [415] = ("UnsupportedMediaType", "The body is not JSON (send Content-Type: application/json)."),
        [422] = ("Unprocessable", "This Idempotency-Key was already used with another body."),
        [503] = ("Unavailable", "The database, the broker or another service is unavailable; retry after Retry-After seconds."),
    };

    public static OpenApiResult Generate(IReadOnlyList<HttpFunction> functions, ApiDescription api)
    {
        var schemas = new JsonObject { ["Problem"] = OpenApiSchemas.Problem() };
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        var undescribed = new List<string>();
        foreach (var function in functions.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            if (!api.Operations.TryGetValue(function.Name, out var operation))
            {
                undescribed.Add(function.Name);
                continue;
            }

            var path = "/" + PathTemplate(function.Route);
            if (!paths.TryGetValue(path, out var item))
            {
                paths[path] = item = [];
            }

            foreach (var method in function.Methods)
            {
                var operationId = function.Methods.Count == 1 ? function.Name : function.Name + method;
                item[method.ToLowerInvariant()] = Describe(operationId, function, operation, api, schemas);
            }

            tags.Add(operation.TagName);
        }

        var known = functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = api.Operations.Keys.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToList();

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = api.Title, ["version"] = api.Version, ["description"] = api.Description },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" + StandaloneServer.RoutePrefix }),
            ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)Tag(t, api)).ToArray()),
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["schemas"] = Sorted(schemas),
                ["responses"] = ErrorResponses(paths.Values),
                ["parameters"] = new JsonObject
                {
                    ["CorrelationId"] = new JsonObject
                    {
                        ["name"] = Correlation.HeaderName,
                        ["in"] = "header",
                        ["required"] = false,
                        ["description"] = "Up to 128 visible ASCII characters; echoed in the response and carried into the events the request causes.",
                        ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = 128 },
                    },
                },
                ["securitySchemes"] = new JsonObject
                {
                    [Security] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["bearerFormat"] = "JWT",
                        ["description"] = "A Supabase Auth access token.",
                    },
                },
            },
        };
        return new OpenApiResult(document, undescribed, unknown);
    }

    /// <summary>The OpenAPI path template of a route: constraints and catch-all stars dropped.</summary>
    public static string PathTemplate(string route) => RouteParameter().Replace(route, m => "{" + m.Groups[1].Value + "}");

    /// <summary>The error statuses an operation answers: those its shape implies plus the ones it names.</summary>
    public static IReadOnlySet<int> ImpliedErrors(Operation operation, bool hasPathParameters)
    {
        var errors = new SortedSet<int>(operation.ExplicitErrors.Keys);
        if (operation.Special == Operation.SpecialResponse.None)
        {
            errors.Add(503);
        }

        if (operation.Access != Access.Anonymous)
        {
            errors.Add(401);
        }

        if (operation.Access == Access.Admin)
        {
            errors.Add(403);
        }

        if (hasPathParameters)
        {
            errors.UnionWith([400, 404]);
        }

        if (operation.QueryParameters.Count > 0 || operation.IsPaged)
        {
            errors.Add(400);
        }

        if (operation.BodyType is not null)
        {
            errors.UnionWith([400, 413, 415]);
        }

        if (operation.IsIdempotent)
        {
            errors.UnionWith([400, 422]);
        }

        return errors;
    }

    private static JsonObject Describe(string operationId, HttpFunction function, Operation operation, ApiDescription api, JsonObject schemas)
    {
        var pathParameters = HttpFunctionInvoker.RouteValueNames(function.Route).ToList();
        var result = new JsonObject
        {
            ["operationId"] = operationId,
            ["tags"] = new JsonArray(operation.TagName),
            ["summary"] = operation.SummaryText,
        };
        if (operation.Details is not null)
        {
            result["description"] = operation.Details;
        }

        // Every operation says how it is authorised; an anonymous one with an empty list (no token read).
        result["security"] = operation.Access switch
        {
            Access.Anonymous => new JsonArray(),
            Access.OptionalUser => new JsonArray(new JsonObject(), new JsonObject { [Security] = new JsonArray() }),
            _ => new JsonArray(new JsonObject { [Security] = new JsonArray() }),
        };

        result["parameters"] = Parameters(operation, pathParameters);
        if (operation.BodyType is { } body)
        {
            result["requestBody"] = new JsonObject
            {
                ["required"] = !operation.BodyOptional,
                ["content"] = Content(JsonType, OpenApiSchemas.Ref(Component(body, api, schemas, response: false))),
            };
        }

        var responses = new JsonObject { [Code(operation.SuccessStatus)] = Success(operation, api, schemas) };
        foreach (var status in ImpliedErrors(operation, pathParameters.Count > 0))
        {
            responses[Code(status)] = operation.ExplicitErrors.TryGetValue(status, out var text) && text is not null
                ? Problem(text, status)
                : new JsonObject { ["$ref"] = "#/components/responses/" + StandardErrors[status].Component };
        }

        if (operation.Special == Operation.SpecialResponse.Health)
        {
            schemas["Health"] = OpenApiSchemas.Health();
            responses["503"] = new JsonObject
            {
                ["description"] = "The database or the broker is down.",
                ["headers"] = RetryAfterHeader(),
                ["content"] = Content(JsonType, OpenApiSchemas.Ref("Health")),
            };
        }

        result["responses"] = responses;
        return result;
    }

    private static JsonArray Parameters(Operation operation, List<string> pathParameters)
    {
        var parameters = new JsonArray();
        foreach (var name in pathParameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "path",
                ["required"] = true,
                ["description"] = "The resource's UUID.",
                ["schema"] = OpenApiSchemas.Uuid(),
            });
        }

        foreach (var query in operation.QueryParameters)
        {
            parameters.Add(new JsonObject { ["name"] = query.Name, ["in"] = "query", ["required"] = query.Required, ["description"] = query.Description, ["schema"] = query.Schema.DeepClone() });
        }

        if (operation.IsPaged)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = "limit",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "Items per page.",
                ["schema"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 100, ["default"] = 20 },
            });
            parameters.Add(new JsonObject
            {
                ["name"] = "cursor",
                ["in"] = "query",
                ["required"] = false,
                ["description"] = "The next_cursor of the previous page.",
                ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = 128 },
            });
        }

        if (operation.IsIdempotent)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = "Idempotency-Key",
                ["in"] = "header",
                ["required"] = false,
                ["description"] = "Makes a retry safe: the same key and body (per user, for 24 hours) return the first successful response with `Idempotent-Replayed: true` and no second effect.",
                ["schema"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 200 },
            });
        }

        parameters.Add(new JsonObject { ["$ref"] = "#/components/parameters/CorrelationId" });
        return parameters;
    }

    private static JsonObject Success(Operation operation, ApiDescription api, JsonObject schemas)
    {
        var response = new JsonObject { ["description"] = operation.SuccessDescription ?? DefaultSuccessText(operation.SuccessStatus) };
        var headers = new JsonObject();
        switch (operation.Special)
        {
            case Operation.SpecialResponse.Health:
                schemas["Health"] = OpenApiSchemas.Health();
                response["content"] = Content(JsonType, OpenApiSchemas.Ref("Health"));
                return response;
            case Operation.SpecialResponse.Liveness:
                schemas["Liveness"] = OpenApiSchemas.Liveness();
                response["content"] = Content(JsonType, OpenApiSchemas.Ref("Liveness"));
                return response;
            case Operation.SpecialResponse.Document:
                response["content"] = Content(JsonType, new JsonObject { ["type"] = "object", ["description"] = "An OpenAPI 3.1 document." });
                return response;
        }

        if (operation.ResponseType is { } type)
        {
            var component = Component(type, api, schemas, response: true);
            if (operation.IsPaged)
            {
                var page = component + "Page";
                schemas[page] = OpenApiSchemas.Page(component);
                component = page;
            }

            var schema = OpenApiSchemas.Ref(component);
            if (operation.AlternativeResponseType is { } alternative)
            {
                schema = new JsonObject { ["anyOf"] = new JsonArray(schema, OpenApiSchemas.Ref(Component(alternative, api, schemas, response: true))) };
            }

            response["content"] = Content(JsonType, schema);
        }

        if (operation.SetsLocation)
        {
            headers["Location"] = new JsonObject { ["description"] = "Where the created resource is read.", ["schema"] = new JsonObject { ["type"] = "string" } };
        }

        if (operation.IsIdempotent)
        {
            headers["Idempotent-Replayed"] = new JsonObject
            {
                ["description"] = "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
                ["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("true") },
            };
        }

        if (headers.Count > 0)
        {
            response["headers"] = headers;
        }

        return response;
    }

    private static string Component(Type type, ApiDescription api, JsonObject schemas, bool response)
    {
        var name = type.Name;
        if (schemas[name] is null)
        {
            schemas[name] = OpenApiSchemas.For(type, allRequired: response);
        }

        return name;
    }

    /// <summary>The standard error responses the operations refer to (an unused one would only be noise for a client generator).</summary>
    private static JsonObject Tag(string name, ApiDescription api)
    {
        var tag = new JsonObject { ["name"] = name };
        if (api.Tags.TryGetValue(name, out var description))
        {
            tag["description"] = description;
        }

        return tag;
    }

    private static JsonObject ErrorResponses(IEnumerable<JsonObject> paths)
    {
        var used = paths.SelectMany(item => item.Select(o => o.Value?["responses"] as JsonObject ?? []))
            .SelectMany(responses => responses.Select(r => r.Value?["$ref"]?.GetValue<string>()))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var responses = new JsonObject();
        foreach (var (status, (component, text)) in StandardErrors)
        {
            if (used.Contains("#/components/responses/" + component))
            {
                responses[component] = Problem(text, status);
            }
        }

        return responses;
    }

    private static JsonObject Problem(string text, int status)
    {
        var response = new JsonObject { ["description"] = text, ["content"] = Content(ProblemType, OpenApiSchemas.Ref("Problem")) };
        if (status == 503)
        {
            response["headers"] = RetryAfterHeader();
        }

        if (status == 401)
        {
            response["headers"] = new JsonObject
            {
                ["WWW-Authenticate"] = new JsonObject { ["description"] = "`Bearer`.", ["schema"] = new JsonObject { ["type"] = "string" } },
            };
        }

        return response;
    }

    private static JsonObject RetryAfterHeader() => new()
    {
        ["Retry-After"] = new JsonObject { ["description"] = "Seconds to wait before retrying.", ["schema"] = new JsonObject { ["type"] = "integer" } },
    };

    private static JsonObject Content(string mediaType, JsonObject schema) => new() { [mediaType] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Sorted(JsonObject schemas) =>
        new(schemas.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => KeyValuePair.Create(s.Key, s.Value?.DeepClone())));

    private static string Code(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string DefaultSuccessText(int status) => status switch
    {
        201 => "Created.",
        202 => "Accepted: the change completes asynchronously.",
        204 => "Done; no content.",
        _ => "OK.",
    };

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteParameter();
}


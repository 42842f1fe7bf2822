using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Platform.Hosting.Hosting;

namespace Platform.Hosting.OpenApi;

/// <summary>The document, and what did not match between the functions and their descriptions.</summary>
public sealed record OpenApiResult(OpenApiDocument Document, IReadOnlyList<string> Undescribed, IReadOnlyList<string> UnknownDescriptions);

/// <summary>
/// Builds an OpenAPI 3.1 document (Microsoft.OpenApi's object model) from an app's HTTP functions
/// (paths, methods, path parameters: the same catalog standalone mode serves) and its
/// <see cref="ApiDescription"/> (summaries, bodies, query parameters, responses). The errors an
/// operation answers are derived from its shape the way the platform answers them (a body:
/// 400/413/415; a token: 401; ...) plus the ones it names. A function without a description is left
/// out (and reported), so a test can catch it.
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
        [429] = ("TooManyRequests", "The caller's allowance for this kind of request is spent (per user, or per address when signed out); retry after Retry-After seconds."),
        [503] = ("Unavailable", "The database, the broker or another service is unavailable; retry after Retry-After seconds."),
    };

    public static OpenApiResult Generate(IReadOnlyList<HttpFunction> functions, ApiDescription api)
    {
        var builder = new Builder(api);
        var undescribed = new List<string>();
        foreach (var function in functions.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            if (api.Operations.TryGetValue(function.Name, out var operation))
            {
                builder.Add(function, operation);
            }
            else
            {
                undescribed.Add(function.Name);
            }
        }

        var known = functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = api.Operations.Keys.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToList();
        return new OpenApiResult(builder.Finish(), undescribed, unknown);
    }

    /// <summary>The document as OpenAPI 3.1 JSON, written by Microsoft.OpenApi's JSON writer.</summary>
    public static string Serialize(OpenApiDocument document)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    /// <summary>The OpenAPI path template of a route: constraints and catch-all stars dropped.</summary>
    public static string PathTemplate(string route) => RouteParameter().Replace(route, m => "{" + m.Groups[1].Value + "}");

    /// <summary>
    /// The error statuses an operation answers: those its shape implies plus the ones it names. With the
    /// method, a rate-limited route (any class but <see cref="Http.RateClass.Unlimited"/>) answers 429.
    /// </summary>
    public static IReadOnlySet<int> ImpliedErrors(Operation operation, bool hasPathParameters, string? method = null)
    {
        var errors = new SortedSet<int>(operation.ExplicitErrors.Keys);
        (bool When, int[] Statuses)[] implied =
        [
            (operation.Special == Operation.SpecialResponse.None, [503]),
            (operation.Access != Access.Anonymous, [401]),
            (operation.Access == Access.Admin, [403]),
            (hasPathParameters, [400, 404]),
            (operation.QueryParameters.Count > 0 || operation.IsPaged, [400]),
            (operation.BodyType is not null, [400, 413, 415]),
            (operation.IsIdempotent, [400, 422]),
            (method is not null && operation.RateClassFor(method) != Http.RateClass.Unlimited, [429]),
        ];
        foreach (var (_, statuses) in implied.Where(i => i.When))
        {
            errors.UnionWith(statuses);
        }

        return errors;
    }

    private static string Code(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static string DefaultSuccessText(int status) => status switch
    {
        201 => "Created.",
        202 => "Accepted: the change completes asynchronously.",
        204 => "Done; no content.",
        _ => "OK.",
    };

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex RouteParameter();

    /// <summary>One document being built: the operations, and the components they use.</summary>
    private sealed class Builder
    {
        private readonly ApiDescription _api;
        private readonly OpenApiDocument _document;
        private readonly SortedDictionary<string, IOpenApiSchema> _schemas = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, OpenApiPathItem> _paths = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _tags = new(StringComparer.Ordinal);
        private readonly HashSet<int> _standardErrorsUsed = [];

        public Builder(ApiDescription api)
        {
            _api = api;
            _document = new OpenApiDocument
            {
                Info = new OpenApiInfo { Title = api.Title, Version = api.Version, Description = api.Description },
                Servers = [new OpenApiServer { Url = "/" + StandaloneServer.RoutePrefix }],
            };
            _document.Components = new OpenApiComponents
            {
                Schemas = _schemas,
                Parameters = new Dictionary<string, IOpenApiParameter>(StringComparer.Ordinal)
                {
                    ["CorrelationId"] = Parameter(
                        Correlation.HeaderName,
                        ParameterLocation.Header,
                        "Up to 128 visible ASCII characters; echoed in the response and carried into the events the request causes.",
                        new JsonObject { ["type"] = "string", ["maxLength"] = 128 }),
                },
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    [Security] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", Description = "A Supabase Auth access token." },
                },
            };
            Fixed("Problem", OpenApiSchemas.Problem());
        }

        public void Add(HttpFunction function, Operation operation)
        {
            var path = "/" + PathTemplate(function.Route);
            if (!_paths.TryGetValue(path, out var item))
            {
                _paths[path] = item = new OpenApiPathItem { Operations = [] };
            }

            foreach (var method in function.Methods)
            {
                var operationId = function.Methods.Count == 1 ? function.Name : function.Name + method;
                item.Operations![HttpMethod.Parse(method)] = Describe(operationId, function, operation, method);
            }

            _tags.Add(operation.TagName);
        }

        public OpenApiDocument Finish()
        {
            foreach (var (path, item) in _paths)
            {
                _document.Paths[path] = item;
            }

            _document.Tags = new HashSet<OpenApiTag>(_tags.Select(name => new OpenApiTag { Name = name, Description = _api.Tags.GetValueOrDefault(name) }));

            // Only the standard error responses the operations refer to (an unused one would only be noise for a client generator).
            _document.Components!.Responses = StandardErrors.Where(e => _standardErrorsUsed.Contains(e.Key))
                .ToDictionary(e => e.Value.Component, e => (IOpenApiResponse)Problem(e.Value.Text, e.Key), StringComparer.Ordinal);
            return _document;
        }

        private OpenApiOperation Describe(string operationId, HttpFunction function, Operation operation, string method)
        {
            var pathParameters = HttpFunctionInvoker.RouteValueNames(function.Route).ToList();
            var result = new OpenApiOperation
            {
                OperationId = operationId,
                Tags = new HashSet<OpenApiTagReference> { new(operation.TagName, _document) },
                Summary = operation.SummaryText,
                Description = operation.Details,

                // Every operation says how it is authorised; an anonymous one with an empty list (no token read).
                Security = operation.Access switch
                {
                    Access.Anonymous => [],
                    Access.OptionalUser => [new OpenApiSecurityRequirement(), Bearer()],
                    _ => [Bearer()],
                },
                Parameters = Parameters(operation, pathParameters),
                Responses = new OpenApiResponses { [Code(operation.SuccessStatus)] = Success(operation) },
            };
            if (operation.BodyType is { } body)
            {
                result.RequestBody = new OpenApiRequestBody
                {
                    Required = !operation.BodyOptional,
                    Content = Content(JsonType, Ref(Component(body, response: false))),
                };
            }

            foreach (var status in ImpliedErrors(operation, pathParameters.Count > 0, method))
            {
                if (operation.ExplicitErrors.TryGetValue(status, out var text) && text is not null)
                {
                    result.Responses[Code(status)] = Problem(text, status);
                }
                else
                {
                    _standardErrorsUsed.Add(status);
                    result.Responses[Code(status)] = new OpenApiResponseReference(StandardErrors[status].Component, _document);
                }
            }

            if (operation.Special == Operation.SpecialResponse.Health)
            {
                result.Responses["503"] = new OpenApiResponse
                {
                    Description = "The database or the broker is down.",
                    Headers = RetryAfterHeader(),
                    Content = Content(JsonType, Fixed("Health", OpenApiSchemas.Health())),
                };
            }

            return result;
        }

        private OpenApiSecurityRequirement Bearer() => new() { [new OpenApiSecuritySchemeReference(Security, _document)] = [] };

        private List<IOpenApiParameter> Parameters(Operation operation, List<string> pathParameters)
        {
            var parameters = new List<IOpenApiParameter>();
            foreach (var name in pathParameters)
            {
                parameters.Add(Parameter(name, ParameterLocation.Path, "The resource's UUID.", OpenApiSchemas.Uuid(), required: true));
            }

            foreach (var query in operation.QueryParameters)
            {
                parameters.Add(Parameter(query.Name, ParameterLocation.Query, query.Description, query.Schema, query.Required));
            }

            if (operation.IsPaged)
            {
                parameters.Add(Parameter("limit", ParameterLocation.Query, "Items per page.", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 100, ["default"] = 20 }));
                parameters.Add(Parameter("cursor", ParameterLocation.Query, "The next_cursor of the previous page.", new JsonObject { ["type"] = "string", ["maxLength"] = 128 }));
            }

            if (operation.IsIdempotent)
            {
                parameters.Add(Parameter(
                    "Idempotency-Key",
                    ParameterLocation.Header,
                    "Makes a retry safe: the same key and body (per user, for 24 hours) return the first successful response with `Idempotent-Replayed: true` and no second effect.",
                    new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 200 }));
            }

            parameters.Add(new OpenApiParameterReference("CorrelationId", _document));
            return parameters;
        }

        private OpenApiParameter Parameter(string name, ParameterLocation location, string description, JsonObject schema, bool required = false) => new()
        {
            Name = name,
            In = location,
            Required = required,
            Description = description,
            Schema = JsonSchemaConverter.Convert(schema, _document),
        };

        private OpenApiResponse Success(Operation operation)
        {
            var response = new OpenApiResponse { Description = operation.SuccessDescription ?? DefaultSuccessText(operation.SuccessStatus) };
            switch (operation.Special)
            {
                case Operation.SpecialResponse.Health:
                    response.Content = Content(JsonType, Fixed("Health", OpenApiSchemas.Health()));
                    return response;
                case Operation.SpecialResponse.Liveness:
                    response.Content = Content(JsonType, Fixed("Liveness", OpenApiSchemas.Liveness()));
                    return response;
                case Operation.SpecialResponse.Document:
                    response.Content = Content(JsonType, new OpenApiSchema { Type = JsonSchemaType.Object, Description = "An OpenAPI 3.1 document." });
                    return response;
            }

            if (operation.ResponseType is { } type)
            {
                var component = Component(type, response: true);
                if (operation.IsPaged)
                {
                    Fixed(component + "Page", OpenApiSchemas.Page(component));
                    component += "Page";
                }

                IOpenApiSchema schema = Ref(component);
                if (operation.AlternativeResponseType is { } alternative)
                {
                    var other = Component(alternative, response: true);
                    schema = new OpenApiSchema
                    {
                        OneOf = [schema, Ref(other)],
                        Discriminator = new OpenApiDiscriminator
                        {
                            PropertyName = operation.Discriminator,
                            Mapping = new Dictionary<string, OpenApiSchemaReference>(StringComparer.Ordinal)
                            {
                                [FixedWord(component, operation.Discriminator!)] = Ref(component),
                                [FixedWord(other, operation.Discriminator!)] = Ref(other),
                            },
                        },
                    };
                }

                response.Content = Content(JsonType, schema);
            }

            var headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            if (operation.SetsLocation)
            {
                headers["Location"] = Header("Where the created resource is read.", new OpenApiSchema { Type = JsonSchemaType.String });
            }

            if (operation.IsIdempotent)
            {
                headers["Idempotent-Replayed"] = Header(
                    "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
                    new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")!] });
            }

            response.Headers = headers.Count > 0 ? headers : null;
            return response;
        }

        /// <summary>The component schema of a model (added on first use): responses carry every field.</summary>
        private string Component(Type type, bool response)
        {
            if (!_schemas.ContainsKey(type.Name))
            {
                _schemas[type.Name] = JsonSchemaConverter.Convert(OpenApiSchemas.For(type, allRequired: response), _document);
            }

            return type.Name;
        }

        /// <summary>The one word a component's <paramref name="property"/> may hold (its discriminator value).</summary>
        private string FixedWord(string component, string property) =>
            _schemas[component].Properties is { } properties && properties.TryGetValue(property, out var schema)
                && schema.Enum is [{ } word] && word.GetValueKind() == System.Text.Json.JsonValueKind.String
                && _schemas[component].Required?.Contains(property) == true
                ? word.GetValue<string>()
                : throw new InvalidOperationException($"{component} must have a required property '{property}' with one word (a OneOf rule that leaves one) to tell it from the other response.");

        /// <summary>A reference to a fixed component schema (JSON Schema, see <see cref="OpenApiSchemas"/>), added on first use.</summary>
        private OpenApiSchemaReference Fixed(string name, JsonObject schema)
        {
            _schemas.TryAdd(name, JsonSchemaConverter.Convert(schema, _document));
            return Ref(name);
        }

        private OpenApiSchemaReference Ref(string component) => new(component, _document);

        private OpenApiResponse Problem(string text, int status) => new()
        {
            Description = text,
            Content = Content(ProblemType, Ref("Problem")),
            Headers = status switch
            {
                503 or 429 => RetryAfterHeader(),
                401 => new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
                {
                    ["WWW-Authenticate"] = Header("`Bearer`.", new OpenApiSchema { Type = JsonSchemaType.String }),
                },
                _ => null,
            },
        };

        private static Dictionary<string, IOpenApiHeader> RetryAfterHeader() => new(StringComparer.Ordinal)
        {
            ["Retry-After"] = Header("Seconds to wait before retrying.", new OpenApiSchema { Type = JsonSchemaType.Integer }),
        };

        private static OpenApiHeader Header(string description, IOpenApiSchema schema) => new() { Description = description, Schema = schema };

        private static Dictionary<string, OpenApiMediaType> Content(string mediaType, IOpenApiSchema schema) =>
            new(StringComparer.Ordinal) { [mediaType] = new OpenApiMediaType { Schema = schema } };
    }
}

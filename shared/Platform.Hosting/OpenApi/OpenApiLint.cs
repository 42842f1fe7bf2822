using System.Globalization;
using Microsoft.OpenApi;

namespace Platform.Hosting.OpenApi;

/// <summary>
/// Checks a serialised OpenAPI document: Microsoft.OpenApi's reader must read it as OpenAPI 3.1
/// without an error or a warning, and its validator must pass it with the library's default rules (required
/// fields, references that resolve, path parameters, responses...) plus the platform's conventions,
/// which no generic tool knows: every operation lists the errors its shape implies (a token → 401,
/// the admin tag → 403, a path id → 400 and 404, query parameters → 400, a body → 400, 413 and 415,
/// an Idempotency-Key → 422, a dependency → 503, a token → 429 (rate limited per user), with
/// Retry-After), errors are problem+json, every body and response
/// content has a schema, every $ref of a parameter, body or response resolves, every operation declares its security (an empty list when anonymous, as
/// Redocly's security-defined wants), has a summary and a unique operationId. The apps' tests run it
/// on the documents they serve (<c>Platform.Testing.OpenApiContract</c>).
/// </summary>
public static class OpenApiLint
{
    private const string JsonType = "application/json";
    private const string ProblemType = "application/problem+json";

    /// <summary>Unique operationIds (within a document: the library checks none).</summary>
    public static ValidationRule<OpenApiPaths> UniqueOperationIds { get; } = new(nameof(UniqueOperationIds), (context, paths) =>
    {
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, method, operation) in paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Key.Method.ToUpperInvariant(), o.Value))))
        {
            if (string.IsNullOrEmpty(operation.OperationId) || !operationIds.Add(operation.OperationId))
            {
                context.CreateError(nameof(UniqueOperationIds), $"{method} {path}: missing or duplicate operationId '{operation.OperationId}'");
            }
        }
    });

    /// <summary>The errors an operation's shape implies, problem+json errors, JSON bodies, schemas, security and a summary.</summary>
    public static ValidationRule<OpenApiOperation> OperationConventions { get; } = new(nameof(OperationConventions), (context, operation) =>
    {
        void Problem(string message) => context.CreateError(nameof(OperationConventions), message);
        var responses = operation.Responses ?? [];
        var parameters = operation.Parameters ?? [];
        var hasPathId = parameters.Any(p => p.In == ParameterLocation.Path);
        var hasBody = operation.RequestBody is not null;
        (bool When, int Status, string Because)[] implied =
        [
            (operation.Security?.Any(requirement => requirement.Count > 0) == true, 401, "it reads a bearer token"),
            (operation.Security?.Any(requirement => requirement.Count > 0) == true, 429, "it is rate limited per user"),
            (operation.Tags?.Any(tag => tag.Name == "admin") == true, 403, "it is for admins only"),
            (hasPathId, 400, "it has a path id that may be malformed"),
            (hasPathId, 404, "it names a resource by id"),
            (parameters.Any(p => p.In == ParameterLocation.Query), 400, "it reads query parameters"),
            (parameters.Any(p => p.In == ParameterLocation.Header && p.Name == "Idempotency-Key"), 422, "it takes an Idempotency-Key"),
            (operation.OperationId is not ApiDescription.DocumentFunction and not ApiDescription.LivenessFunction, 503, "it depends on the database or the broker"),
            (hasBody, 400, "it reads a JSON body"),
            (hasBody, 413, "it reads a body"),
            (hasBody, 415, "it reads a JSON body"),
        ];
        foreach (var (_, status, because) in implied.Where(i => i.When && !responses.ContainsKey(i.Status.ToString(CultureInfo.InvariantCulture))))
        {
            Problem($"{because}, so it must list {status}");
        }

        if (string.IsNullOrWhiteSpace(operation.Summary))
        {
            Problem("no summary");
        }

        if (operation.Security is null)
        {
            Problem("declares no security (an anonymous operation declares an empty list)");
        }

        if (operation.RequestBody is { } body && body.Content?.ContainsKey(JsonType) != true)
        {
            Problem("the request body is not application/json");
        }

        // The library's rules resolve schema references only; its walker skips the others.
        var references = parameters.Select((p, i) => ($"parameter {i}", (object?)p))
            .Concat(responses.Select(r => ($"response {r.Key}", (object?)r.Value)))
            .Append(("request body", operation.RequestBody));
        foreach (var (what, _) in references.Where(r => r.Item2 is IOpenApiReferenceHolder { UnresolvedReference: true }))
        {
            Problem($"{what}: its $ref does not resolve");
        }

        if (responses.TryGetValue("429", out var tooMany) && tooMany.Headers?.ContainsKey("Retry-After") != true)
        {
            Problem("429: it must document the Retry-After header");
        }

        if (!responses.Keys.Any(status => status.StartsWith('2')))
        {
            Problem("no success (2xx) response");
        }

        var contents = responses.Select(r => (Where: r.Key, r.Value.Content)).Append(("request body", operation.RequestBody?.Content));
        foreach (var (where, content) in contents)
        {
            foreach (var mediaType in content?.Where(m => m.Value.Schema is null).Select(m => m.Key) ?? [])
            {
                Problem($"{where}: {mediaType} has no schema");
            }

            var isError = where[0] is '4' or '5';
            if (isError && operation.OperationId != ApiDescription.HealthFunction && content?.ContainsKey(ProblemType) != true)
            {
                Problem($"{where}: errors are application/problem+json");
            }
        }
    });

    /// <summary>"METHOD /path" of every operation, e.g. "GET /donations/{id}".</summary>
    public static IReadOnlyList<string> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => $"{o.Key.Method.ToUpperInvariant()} {p.Key}")).Order(StringComparer.Ordinal).ToList();

    /// <summary>The library's default rules and the platform's conventions.</summary>
    public static ValidationRuleSet Rules()
    {
        var rules = ValidationRuleSet.GetDefaultRuleSet();
        rules.Add(typeof(OpenApiPaths), UniqueOperationIds);
        rules.Add(typeof(OpenApiOperation), OperationConventions);
        return rules;
    }

    /// <summary>Reads a document with Microsoft.OpenApi's reader; throws when it reports an error or a warning.</summary>
    public static OpenApiDocument Read(string json)
    {
        var (document, problems) = Parse(json);
        return problems.Count == 0 && document is not null
            ? document
            : throw new InvalidOperationException("The OpenAPI document does not read: " + string.Join("; ", problems));
    }

    /// <summary>Every problem the reader and the validator find; empty when the document is sound.</summary>
    public static IReadOnlyList<string> Check(string json)
    {
        var (document, problems) = Parse(json);
        problems.AddRange(document?.Validate(Rules()).Select(error => error.ToString()) ?? []);
        return problems;
    }

    private static (OpenApiDocument? Document, List<string> Problems) Parse(string json)
    {
        var (document, diagnostic) = OpenApiDocument.Parse(json, OpenApiConstants.Json);
        var problems = diagnostic?.Errors.Concat(diagnostic.Warnings).Select(error => $"reader: {error}").ToList() ?? [];
        if (diagnostic?.SpecificationVersion != OpenApiSpecVersion.OpenApi3_1)
        {
            problems.Add("openapi must be 3.1.x");
        }

        return (document, problems);
    }
}

namespace Platform.Hosting.OpenApi;

/// <summary>Who may call an operation, as the function checks it.</summary>
public enum Access
{
    /// <summary>No token is read (health, this document).</summary>
    Anonymous,

    /// <summary>Anyone; a token, when sent, must be valid (401 otherwise) and may widen what is seen.</summary>
    OptionalUser,

    /// <summary>A signed-in user (401 without a valid token).</summary>
    User,

    /// <summary>A signed-in admin (401 without a valid token, 403 for other users).</summary>
    Admin,
}

/// <summary>
/// A service's API as its OpenAPI document tells it: one <see cref="Operation"/> per HTTP function
/// (keyed by function name; routes and methods come from the functions themselves). The rules of
/// bodies, queries and views are declared on their records' properties (<see cref="Http.Fields"/>).
/// Each app keeps one next to its OpenApiFunction and registers it, since <see cref="Http.HttpCalls"/>
/// reads from it who may call each function and what it takes. Health and the document itself are
/// described here, since every app has them.
/// </summary>
public sealed class ApiDescription
{
    public const string HealthFunction = "Health";
    public const string LivenessFunction = "HealthLive";
    public const string DocumentFunction = "OpenApiDocument";

    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal)
    {
        ["platform"] = "Health, liveness and this document, the same in every service; no token is read.",
        ["admin"] = "Moderation by admins: a signed-in admin only (403 for other users).",
    };

    public ApiDescription(string title, string description)
    {
        Title = title;
        Description = description;
        Operation(HealthFunction, op => op
            .Tag("platform")
            .Summary("Health of the service")
            .Describe("200 when the database and the broker answer, else 503 (with Retry-After); reports the outbox backlog.")
            .Anonymous()
            .RateLimit(Http.RateClass.Unlimited)
            .ReturnsHealth());
        Operation(LivenessFunction, op => op
            .Tag("platform")
            .Summary("Liveness of the process")
            .Describe("200 whenever the process answers; checks no dependency. The platform's health check uses it (a database or broker outage must not recycle instances); GET /api/health tells the dependencies.")
            .Anonymous()
            .RateLimit(Http.RateClass.Unlimited)
            .ReturnsLiveness());
        Operation(DocumentFunction, op => op
            .Tag("platform")
            .Summary("This OpenAPI document")
            .Anonymous()
            .RateLimit(Http.RateClass.Unlimited)
            .ReturnsDocument());
    }

    public string Title { get; }

    public string Description { get; }

    public string Version { get; init; } = "1.0.0";

    public IReadOnlyDictionary<string, Operation> Operations => _operations;

    /// <summary>What each tag groups, for the document's tag list.</summary>
    public IReadOnlyDictionary<string, string> Tags => _tags;

    /// <summary>Says what the operations tagged <paramref name="tag"/> are about.</summary>
    public ApiDescription Tag(string tag, string description)
    {
        _tags[tag] = description;
        return this;
    }

    /// <summary>Describes the function named <paramref name="functionName"/>.</summary>
    public ApiDescription Operation(string functionName, Action<Operation> describe)
    {
        var operation = new Operation(functionName);
        describe(operation);
        _operations[functionName] = operation;
        return this;
    }
}

/// <summary>A query parameter: name, what it does, its JSON schema (as text is parsed), whether it must be given.</summary>
public sealed record QueryParameter(string Name, string Description, System.Text.Json.Nodes.JsonObject Schema, bool Required = false);

/// <summary>How one function is documented; a fluent builder used by the description tables.</summary>
public sealed class Operation
{
    private readonly List<QueryParameter> _query = [];
    private readonly SortedDictionary<int, string?> _errors = [];

    internal Operation(string functionName) => FunctionName = functionName;

    internal enum SpecialResponse
    {
        None,
        Health,
        Liveness,
        Document,
    }

    public string FunctionName { get; }

    public string SummaryText { get; private set; } = string.Empty;

    public string? Details { get; private set; }

    public string TagName { get; private set; } = "default";

    public Access Access { get; private set; } = Access.User;

    public Type? BodyType { get; private set; }

    public bool BodyOptional { get; private set; }

    public IReadOnlyList<QueryParameter> QueryParameters => _query;

    /// <summary>The record the query string is read into, when the operation takes query parameters.</summary>
    public Type? QueryType { get; private set; }

    public bool IsPaged { get; private set; }

    public int SuccessStatus { get; private set; } = 200;

    public Type? ResponseType { get; private set; }

    /// <summary>Another model the success response may be instead (e.g. a fuller view for the owner).</summary>
    public Type? AlternativeResponseType { get; private set; }

    /// <summary>The property whose one fixed word says which of the two models a response is (OpenAPI's discriminator).</summary>
    public string? Discriminator { get; private set; }

    public string? SuccessDescription { get; private set; }

    public bool SetsLocation { get; private set; }

    public bool IsIdempotent { get; private set; }

    /// <summary>An erased user's token is still accepted here (issue 18: the routes that start and show the erasure); everywhere else it is 401.</summary>
    public bool AllowsErasedUser { get; private set; }

    /// <summary>The allowance the route spends (<see cref="Http.RateLimits"/>); null: by method (GET reads, others writes).</summary>
    public Http.RateClass? RateClass { get; private set; }

    /// <summary>Error statuses this operation answers besides those its shape implies; a null text uses the standard one.</summary>
    public IReadOnlyDictionary<int, string?> ExplicitErrors => _errors;

    internal SpecialResponse Special { get; private set; }

    public Operation Summary(string text)
    {
        SummaryText = text;
        return this;
    }

    public Operation Describe(string text)
    {
        Details = text;
        return this;
    }

    public Operation Tag(string tag)
    {
        TagName = tag;
        return this;
    }

    public Operation Anonymous() => WithAccess(Access.Anonymous);

    public Operation OptionalUser() => WithAccess(Access.OptionalUser);

    public Operation User() => WithAccess(Access.User);

    public Operation Admin() => WithAccess(Access.Admin);

    /// <summary>A JSON body of this model (400, 413 and 415 follow); optional bodies may be left out.</summary>
    public Operation Body<T>(bool optional = false)
    {
        BodyType = typeof(T);
        BodyOptional = optional;
        return this;
    }

    /// <summary>
    /// Query parameters: one per property of <typeparamref name="T"/>, a record whose properties declare
    /// their rules and descriptions (<see cref="Http.Fields.Bind{T}"/> reads the query into it).
    /// </summary>
    public Operation Query<T>()
        where T : class
    {
        QueryType = typeof(T);
        var fields = Http.Fields.Of(typeof(T));
        if (fields.FirstOrDefault(f => !f.Property.CanWrite) is { } computed)
        {
            // A query record is built from its parameters; a computed field would be documented and checked but never bound.
            throw new InvalidOperationException($"{typeof(T).Name}.{computed.Property.Name} is computed: a query's fields are its constructor's parameters.");
        }

        _query.Clear();
        _query.AddRange(fields.Select(f =>
            new QueryParameter(f.Name, f.Description ?? string.Empty, Http.Fields.QuerySchema(f), f.Required is not null)));
        return this;
    }

    /// <summary>A keyset-paginated list: <c>?limit=</c> and <c>?cursor=</c>, answered with <c>{ items, next_cursor }</c>.</summary>
    public Operation Paged()
    {
        IsPaged = true;
        return this;
    }

    /// <summary>The success response: its status and JSON model (a page of them when <see cref="Paged"/>).</summary>
    public Operation Returns<T>(int status = 200, string? description = null, bool location = false)
    {
        SuccessStatus = status;
        ResponseType = typeof(T);
        SuccessDescription = description;
        SetsLocation = location;
        return this;
    }

    /// <summary>
    /// The success response may be this model instead of the one of <see cref="Returns{T}"/>. Both models
    /// carry <paramref name="discriminator"/> (a JSON property name), each with one fixed word (a
    /// <c>OneOf</c> rule that leaves one word), so that a client tells them apart without guessing:
    /// generated clients (Kiota) cannot deserialize a choice of objects without it.
    /// </summary>
    public Operation OrReturns<T>(string discriminator)
    {
        AlternativeResponseType = typeof(T);
        Discriminator = discriminator;
        return this;
    }

    /// <summary>A success response without a body (e.g. 204).</summary>
    public Operation ReturnsNothing(int status = 204, string? description = null)
    {
        SuccessStatus = status;
        ResponseType = null;
        SuccessDescription = description;
        return this;
    }

    /// <summary>Honours <c>Idempotency-Key</c>: a retry replays the first response; another body with the key is 422.</summary>
    public Operation Idempotent()
    {
        IsIdempotent = true;
        return this;
    }

    /// <summary>An erased user may still call this route (to repeat or follow their erasure); see <see cref="Auth.ErasedAccounts"/>.</summary>
    public Operation EvenWhenErased()
    {
        AllowsErasedUser = true;
        return this;
    }

    /// <summary>The rate-limit class the route spends, when not the one its method implies (GET: reads; others: writes).</summary>
    public Operation RateLimit(Http.RateClass rateClass)
    {
        RateClass = rateClass;
        return this;
    }

    /// <summary>The class the route spends: declared, else by its method.</summary>
    public Http.RateClass RateClassFor(string method) => Http.RateLimits.ClassOf(RateClass, method);

    /// <summary>An error this operation answers, with what it means here (null: the standard text).</summary>
    public Operation Error(int status, string? description = null)
    {
        _errors[status] = description;
        return this;
    }

    public Operation Errors(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _errors.TryAdd(status, null);
        }

        return this;
    }

    internal Operation ReturnsHealth()
    {
        Special = SpecialResponse.Health;
        SuccessStatus = 200;
        return this;
    }

    internal Operation ReturnsLiveness()
    {
        Special = SpecialResponse.Liveness;
        SuccessStatus = 200;
        return this;
    }

    internal Operation ReturnsDocument()
    {
        Special = SpecialResponse.Document;
        SuccessStatus = 200;
        return this;
    }

    private Operation WithAccess(Access access)
    {
        Access = access;
        return this;
    }
}

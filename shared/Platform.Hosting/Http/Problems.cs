using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Http;

/// <summary>An RFC 9457 problem document; <c>errors</c> only on validation problems.</summary>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null,
    string? TraceId = null)
{
    public ProblemBody WithTraceId(string traceId) => this with { TraceId = traceId };
}

/// <summary>The one place that turns an outcome into a problem+json response.</summary>
public static class Problems
{
    private const string TypeBase = "https://httpstatuses.io/";

    public static ApiResponse Create(int status, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(status, new ProblemBody(TypeBase + status, title, status, detail, errors), ApiResponse.ProblemContentType);

    public static ApiResponse Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status400BadRequest, "One or more fields are invalid.", "See 'errors' for each field.", errors);

    public static ApiResponse Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ApiResponse BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ApiResponse Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail)
            .WithHeader("WWW-Authenticate", "Bearer");

    public static ApiResponse Forbidden(string detail) => Create(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ApiResponse NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static ApiResponse MethodNotAllowed(string detail) => Create(StatusCodes.Status405MethodNotAllowed, "Method not allowed", detail);

    public static ApiResponse Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ApiResponse PayloadTooLarge() =>
        Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body is larger than {JsonBody.MaxBytes / 1024} KiB.");

    public static ApiResponse UnsupportedMediaType() =>
        Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.");

    public static ApiResponse Unprocessable(string detail) => Create(StatusCodes.Status422UnprocessableEntity, "Unprocessable request", detail);

    public static ApiResponse Unavailable(string detail, int retryAfterSeconds = 5) =>
        Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail)
            .WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>429: the caller spent its allowance (<see cref="RateLimits"/>); <c>Retry-After</c> in whole seconds.</summary>
    public static ApiResponse TooManyRequests(string detail, int retryAfterSeconds) =>
        Create(StatusCodes.Status429TooManyRequests, "Too many requests", detail)
            .WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static ApiResponse Unexpected() =>
        Create(StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred. Quote the trace_id when reporting it.");

    /// <summary>A problem for a bare status code that a component produced without a body.</summary>
    public static ApiResponse ForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => NotFound("No route matches this path."),
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed("This route does not accept that method."),
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge(),
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(),
        _ => Create(status, ReasonPhrase(status), null),
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}

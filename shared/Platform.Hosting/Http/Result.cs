using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Http;

public enum ResultKind
{
    Ok,
    Created,
    Accepted,
    NoContent,
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
}

/// <summary>
/// What a feature's rule or store decided, free of HTTP. <see cref="ResultMapping"/> is the one
/// place that turns it into a response.
/// </summary>
public readonly record struct Result<T>(ResultKind Kind, T? Value, string? Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public bool IsSuccess => Kind is ResultKind.Ok or ResultKind.Created or ResultKind.Accepted or ResultKind.NoContent;

    public static implicit operator Result<T>(T value) => new(ResultKind.Ok, value, null);

    public static implicit operator Result<T>(Failure failure) => new(failure.Kind, default, failure.Detail, failure.Errors);
}

/// <summary>A failed outcome that converts to any <see cref="Result{T}"/>.</summary>
public readonly record struct Failure(ResultKind Kind, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null);

public static class Result
{
    public static Result<T> Created<T>(T value) => new(ResultKind.Created, value, null);

    public static Result<T> Accepted<T>(T value) => new(ResultKind.Accepted, value, null);

    public static Failure NotFound(string detail) => new(ResultKind.NotFound, detail);

    public static Failure Forbidden(string detail) => new(ResultKind.Forbidden, detail);

    public static Failure Conflict(string detail) => new(ResultKind.Conflict, detail);

    public static Failure Invalid(string field, string message) =>
        new(ResultKind.Invalid, "One or more fields are invalid.", new Dictionary<string, string[]> { [field] = [message] });
}

public static class ResultMapping
{
    public static ApiResponse ToResponse(this Failure failure) => ((Result<object>)failure).ToResponse();

    public static ApiResponse ToResponse<T>(this Result<T> result, Func<T, string>? location = null) => result.Kind switch
    {
        ResultKind.Ok => new ApiResponse(StatusCodes.Status200OK, result.Value),
        ResultKind.Created => location is null || result.Value is null
            ? new ApiResponse(StatusCodes.Status201Created, result.Value)
            : new ApiResponse(StatusCodes.Status201Created, result.Value).WithHeader("Location", location(result.Value)),
        ResultKind.Accepted => new ApiResponse(StatusCodes.Status202Accepted, result.Value),
        ResultKind.NoContent => new ApiResponse(StatusCodes.Status204NoContent, null),
        ResultKind.Invalid => Problems.Validation(result.Errors ?? new Dictionary<string, string[]>()),
        ResultKind.Forbidden => Problems.Forbidden(result.Detail ?? "You may not do this."),
        ResultKind.NotFound => Problems.NotFound(result.Detail ?? "Not found."),
        ResultKind.Conflict => Problems.Conflict(result.Detail ?? "The resource is not in a state that allows this."),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Kind, null),
    };
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Hosting.Http;

/// <summary>
/// A JSON response written with the platform's serializer options, identically under the Functions
/// host and in standalone mode (it needs no MVC formatters).
/// </summary>
public sealed class ApiResponse : IActionResult
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    public ApiResponse(int statusCode, object? body, string contentType = JsonContentType)
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
    }

    public int StatusCode { get; }

    public object? Body { get; }

    public string ContentType { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public ApiResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Body is null && StatusCode == StatusCodes.Status204NoContent)
        {
            return;
        }

        response.ContentType = ContentType;
        if (Body is RawJson raw)
        {
            await response.Body.WriteAsync(raw.Utf8, context.RequestAborted);
            return;
        }

        var body = Body is ProblemBody problem ? problem.WithTraceId(TraceIdOf(context)) : Body;
        await JsonSerializer.SerializeAsync(response.BodyWriter, body, body?.GetType() ?? typeof(object), PlatformJson.Options, context.RequestAborted);
    }

    /// <summary>Serialises a body the way <see cref="ExecuteAsync"/> would write it.</summary>
    public byte[] SerializeBody() => Body switch
    {
        null => [],
        RawJson raw => raw.Utf8.ToArray(),
        _ => JsonSerializer.SerializeToUtf8Bytes(Body, Body.GetType(), PlatformJson.Options),
    };

    /// <summary>The W3C trace id of the request when tracing is on, else the server's request id.</summary>
    public static string TraceIdOf(HttpContext context) =>
        Activity.Current is { } activity && activity.TraceId != default
            ? activity.TraceId.ToHexString()
            : context.TraceIdentifier;
}

/// <summary>A body that is already JSON (e.g. a stored response replayed for an idempotent retry).</summary>
public sealed record RawJson(ReadOnlyMemory<byte> Utf8);

using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Platform.Hosting.Tests.Support;

/// <summary>What a response looked like on the wire after it was executed into a DefaultHttpContext.</summary>
public sealed record WrittenResponse(int Status, IHeaderDictionary Headers, string? ContentType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value.ToString() : null;
}

public static class Responses
{
    public static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>Executes an action result the way both hosts do and captures the response.</summary>
    public static async Task<WrittenResponse> RunAsync(this IActionResult result, HttpContext? context = null)
    {
        context ??= NewContext();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return Read(context);
    }

    public static WrittenResponse Read(HttpContext context)
    {
        var body = (MemoryStream)context.Response.Body;
        return new WrittenResponse(
            context.Response.StatusCode, context.Response.Headers, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>A request with a body, as a client would send it.</summary>
    public static HttpRequest Request(string? body, string? contentType = "application/json", bool withLength = true, string method = "POST")
    {
        var context = new DefaultHttpContext();
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        context.Request.Method = method;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = contentType;
        if (withLength)
        {
            context.Request.ContentLength = bytes.Length;
        }

        return context.Request;
    }
}

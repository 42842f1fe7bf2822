using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using MessagingService.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Moq;
using Npgsql;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;

namespace MessagingService.Tests.Unit;

/// <summary>
/// What the unit tests share: users, callers, a mocked <see cref="IAuthenticator"/>, a database that
/// is never reachable (a test that touches it fails loudly), a unit of work that only collects
/// events, requests and the executed response.
/// </summary>
public static class Harness
{
    public static readonly Guid SenderId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    public static readonly Guid ReceiverId = Guid.Parse("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    public static readonly Guid OtherId = Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da");
    public static readonly Guid AdminId = Guid.Parse("a3bb189e-8bf9-4888-9912-ace4e6543002");
    public static readonly Guid MessageId = Guid.Parse("0197a2c4-3333-7000-8000-000000000003");
    public static readonly Guid DonationId = Guid.Parse("0197a2c4-2222-7000-8000-000000000002");
    public static readonly Guid CampaignId = Guid.Parse("0197a2c4-4444-7000-8000-000000000004");
    public static readonly DateTime Noon = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    public static Caller Sender => new(SenderId, "sender@example.test", IsAdmin: false);

    public static Caller Receiver => new(ReceiverId, "receiver@example.test", IsAdmin: false);

    public static Caller Other => new(OtherId, "other@example.test", IsAdmin: false);

    public static Caller Admin => new(AdminId, "admin@example.test", IsAdmin: true);

    public static Message Message(DateTime? readAt = null, Guid? id = null, DateTime? at = null) => new()
    {
        Id = id ?? MessageId,
        SenderId = SenderId,
        ReceiverId = ReceiverId,
        Content = "Is the chair still available?",
        DonationId = DonationId,
        ReadAt = readAt,
        CreatedAt = at ?? Noon,
    };

    public static ServiceDatabase UnreachableDatabase() => FunctionTestKit.UnreachableDatabase("messaging");

    public static UnitOfWork EventCollector() => FunctionTestKit.EventCollector("messaging");

    public static Mock<IAuthenticator> Auth(AuthResult result) => FunctionTestKit.Authenticator(result);

    public static Mock<IAuthenticator> Auth(Caller caller) => Auth(new AuthResult(caller, null));

    public static Mock<IAuthenticator> SignedOut() => Auth(new AuthResult(null, Problems.Unauthorized("The token has expired.")));

    public static HttpRequest Get(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }

    public static HttpRequest Post(string? json = null, string contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = contentType;
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        return context.Request;
    }

    /// <summary>Executes the result into a fresh context and returns status and JSON body.</summary>
    public static async Task<(int Status, JsonElement Json)> RunAsync(this IActionResult result)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var text = Encoding.UTF8.GetString(body.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<(int Status, JsonElement Json)> RunAsync(this Task<IActionResult> pending) => await (await pending).RunAsync();

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    public static string[] ErrorFields<T>(this Result<T> result) =>
        (result.Errors ?? new Dictionary<string, string[]>()).Keys.Order(StringComparer.Ordinal).ToArray();
}

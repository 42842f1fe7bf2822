using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
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
using RequestService.Requests;

namespace RequestService.Tests.Unit;

/// <summary>
/// What the unit tests share: the parties of a request, callers, a mocked <see cref="IAuthenticator"/>,
/// a database that is never reachable (a test that touches it fails loudly), a unit of work that
/// only collects events, requests and the executed response.
/// </summary>
public static class Harness
{
    public static readonly Guid RequestId = Guid.Parse("0197a2c4-1111-7000-8000-000000000001");
    public static readonly Guid DonationId = Guid.Parse("0197a2c4-2222-7000-8000-000000000002");
    public static readonly Guid DonorId = Guid.Parse("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    public static readonly Guid RecipientId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    public static readonly Guid OtherId = Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da");
    public static readonly Guid AdminId = Guid.Parse("a3bb189e-8bf9-4888-9912-ace4e6543002");

    public const string Token = "header.payload.signature";

    public static Caller Donor => new(DonorId, "donor@example.test", IsAdmin: false);

    public static Caller Recipient => new(RecipientId, "recipient@example.test", IsAdmin: false);

    public static Caller Other => new(OtherId, "other@example.test", IsAdmin: false);

    public static Caller Admin => new(AdminId, "admin@example.test", IsAdmin: true);

    public static Caller CallerNamed(string name) => name switch
    {
        "donor" => Donor,
        "recipient" => Recipient,
        "other" => Other,
        "admin" => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static readonly string[] States = ["pending", "approving", "approved", "rejected", "cancelled", "completed"];

    public static DonationRequest Request(string status = "pending", Guid? id = null, string? reason = null) => new()
    {
        Id = id ?? RequestId,
        DonationId = DonationId,
        DonorId = DonorId,
        RecipientId = RecipientId,
        Message = "I would love this",
        Status = status,
        Reason = reason,
        Version = 1,
        CreatedAt = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc),
    };

    public static ServiceDatabase UnreachableDatabase() => FunctionTestKit.UnreachableDatabase("request");

    public static UnitOfWork EventCollector() => FunctionTestKit.EventCollector("request");

    public static Mock<IAuthenticator> Auth(AuthResult result) => FunctionTestKit.Authenticator(result);

    public static Mock<IAuthenticator> Auth(Caller caller) => Auth(new AuthResult(caller, null));

    public static ApiResponse Unauthorized => Problems.Unauthorized("The token has expired.");

    public static HttpRequest Get(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers.Authorization = "Bearer " + Token;
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }

    public static HttpRequest Post(string? json = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Headers.Authorization = "Bearer " + Token;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        return context.Request;
    }

    /// <summary>Executes the result into a fresh context and returns status, JSON body and headers.</summary>
    public static async Task<(int Status, JsonElement Json, IHeaderDictionary Headers)> RunAsync(this IActionResult result)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var text = Encoding.UTF8.GetString(body.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), context.Response.Headers);
    }

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
}

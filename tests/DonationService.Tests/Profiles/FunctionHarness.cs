using System.Text;
using System.Text.Json;
using DonationService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Moq;
using Npgsql;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;

namespace DonationService.Tests.Profiles;

/// <summary>
/// What the function-class tests share: callers, a mocked <see cref="IAuthenticator"/>, a database that
/// is never opened on the tested paths, requests, and the executed response. Used by Donations/ too.
/// </summary>
public static class FunctionHarness
{
    public static readonly Guid UserId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    public static readonly Guid OtherId = Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da");
    public static readonly Guid AdminId = Guid.Parse("a3bb189e-8bf9-3888-9912-ace4e6543002");

    public static Caller User => new(UserId, "user@example.test", IsAdmin: false);

    public static Caller Other => new(OtherId, "other@example.test", IsAdmin: false);

    public static Caller Admin => new(AdminId, "admin@example.test", IsAdmin: true);

    public static ServiceDatabase UnreachableDatabase() => FunctionTestKit.UnreachableDatabase("donation");

    /// <summary>Storage that is not configured: any call to it would be a 503, so the tested paths must not reach it.</summary>
    public static BlobStorage UnconfiguredStorage() => new(new BlobStorageOptions(), [DonationFiles.DonationImage, DonationFiles.VerificationDocument], TimeProvider.System);

    /// <summary>A verification document store in which nobody has documents.</summary>
    public static Mock<IVerificationDocumentStore> NoDocuments()
    {
        var documents = new Mock<IVerificationDocumentStore>(MockBehavior.Strict);
        documents.Setup(d => d.ForProfilesAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        return documents;
    }

    /// <summary>Profile views of profiles without verification documents.</summary>
    public static ProfileViews ViewsWithoutDocuments() => new(NoDocuments().Object, UnconfiguredStorage());

    public static ApiResponse Unauthorized => Problems.Unauthorized("The token has expired.");

    public static Mock<IAuthenticator> Auth(AuthResult result) => FunctionTestKit.Authenticator(result);

    public static Mock<IAuthenticator> Auth(Caller caller) => Auth(new AuthResult(caller, null));

    public static HttpRequest Get(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }

    public static HttpRequest Send(string method, string json)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        return context.Request;
    }

    /// <summary>Executes the result into a fresh context and returns the status and the JSON body.</summary>
    public static async Task<(int Status, JsonElement Json)> RunAsync(this IActionResult result)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        var text = Encoding.UTF8.GetString(body.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
}

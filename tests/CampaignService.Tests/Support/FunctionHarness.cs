using System.Text;
using System.Text.Json;
using CampaignService.Campaigns;
using CampaignService.Files;
using CampaignService.Profiles;
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

namespace CampaignService.Tests.Support;

/// <summary>
/// What the unit tests share: callers, a mocked <see cref="IAuthenticator"/>, a database that is never
/// opened on the tested paths, requests, rows, a unit of work that only collects events, and the
/// executed response.
/// </summary>
public static class FunctionHarness
{
    public static readonly Guid OwnerId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    public static readonly Guid OtherId = Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da");
    public static readonly Guid AdminId = Guid.Parse("a3bb189e-8bf9-4888-9912-ace4e6543002");
    public static readonly Guid CampaignId = Guid.Parse("0190f3a2-5c4e-7b1a-9d2e-00000000001e");

    /// <summary>Campaign views of campaigns without images (storage is never asked).</summary>
    public static CampaignViews ViewsWithoutImages()
    {
        var images = new Mock<ICampaignImageStore>(MockBehavior.Strict);
        images.Setup(i => i.ForParentsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        return new CampaignViews(images.Object, new BlobStorage(new BlobStorageOptions(), [CampaignFiles.CampaignImage], TimeProvider.System));
    }

    public static Caller Owner => new(OwnerId, "owner@example.test", IsAdmin: false);

    public static Caller Other => new(OtherId, "other@example.test", IsAdmin: false);

    public static Caller Admin => new(AdminId, "admin@example.test", IsAdmin: true);

    public static ServiceDatabase UnreachableDatabase() => FunctionTestKit.UnreachableDatabase("campaign");

    /// <summary>A unit of work without a connection: stores are mocked, <see cref="UnitOfWork.PendingEvents"/> records what was published.</summary>
    public static UnitOfWork DetachedWork() => new(null!, null!, UnreachableDatabase());

    public static Campaign Campaign(string status = "active", decimal goal = 100m, decimal collected = 0m, int contributors = 0, Guid? owner = null, bool deleted = false, string currency = "usd") =>
        new()
        {
            Id = CampaignId,
            RecipientId = owner ?? OwnerId,
            Title = "School books",
            Category = "education",
            GoalAmount = goal,
            CollectedAmount = collected,
            ContributorCount = contributors,
            Currency = currency,
            Status = status,
            Version = 3,
            CreatedAt = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            UpdatedAt = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            DeletedAt = deleted ? DateTime.UtcNow : null,
            CompletedAt = status == "completed" ? DateTime.UtcNow : null,
        };

    public static ProfileCopy Profile(string role = "recipient", string status = "approved", bool blocked = false, Guid? user = null) =>
        new() { UserId = user ?? OwnerId, Role = role, RecipientStatus = status, Blocked = blocked, Version = 1 };

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

    public static HttpRequest Send(string method, string json = "")
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

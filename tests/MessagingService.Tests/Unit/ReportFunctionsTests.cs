using MessagingService.Messages;
using MessagingService.OpenApi;
using MessagingService.Reports;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

/// <summary>Report functions refuse bad input and non-admins before any database work; lists follow the caller.</summary>
public sealed class ReportFunctionsTests
{
    private readonly Mock<IReportStore> _reports = new(MockBehavior.Strict);
    private readonly Mock<ITargetOwners> _owners = new(MockBehavior.Strict);

    [Theory]
    [InlineData("""{ "target_type": "planet", "target_id": "16fd2706-8baf-433b-82eb-8c7fada847da", "reason": "x" }""", "target_type")]
    [InlineData("""{ "target_type": "user", "target_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "reason": "x" }""", "target_id")]
    [InlineData("""{ "target_type": "user", "target_id": "16fd2706-8baf-433b-82eb-8c7fada847da" }""", "reason")]
    public async Task Create_returns_400_naming_the_field(string json, string field)
    {
        var (status, problem) = await Reports(Sender).CreateReport(Post(json), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal([field], problem.ErrorFields());
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "?status=resolved")]
    public async Task List_passes_the_caller_and_status_to_the_store(bool admin, string query)
    {
        var caller = admin ? Admin : Sender;
        ReportStatus? status = query.Length == 0 ? null : ReportStatus.Resolved;
        _reports.Setup(r => r.ListAsync(caller, status, new PageRequest(20, null), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var (code, page) = await Reports(caller).ListReports(Get(query), CancellationToken.None).RunAsync();

        Assert.Equal(200, code);
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        _reports.VerifyAll();
    }

    [Fact]
    public async Task List_returns_400_for_an_unknown_status()
    {
        var (status, problem) = await Reports(Admin).ListReports(Get("?status=closed"), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal(["status"], problem.ErrorFields());
    }

    [Fact]
    public async Task Resolve_returns_403_to_a_user_who_is_not_an_admin()
    {
        var (status, _) = await AdminFunctions(Sender).ResolveReport(Post("""{ "status": "resolved" }"""), Guid.CreateVersion7().ToString(), CancellationToken.None).RunAsync();

        Assert.Equal(403, status);
    }

    [Theory]
    [InlineData("nope", """{ "status": "resolved" }""", "id")]
    [InlineData("0197a2c4-9999-7000-8000-000000000009", """{ "status": "closed" }""", "status")]
    [InlineData("0197a2c4-9999-7000-8000-000000000009", """{ "status": "resolved", "action": "ban" }""", "action")]
    public async Task Resolve_returns_400_naming_the_field(string id, string json, string field)
    {
        var (status, problem) = await AdminFunctions(Admin).ResolveReport(Post(json), id, CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal([field], problem.ErrorFields());
    }

    private ReportFunctions Reports(Caller caller)
    {
        var database = UnreachableDatabase();
        return new ReportFunctions(
            new HttpCalls(Auth(caller).Object, MessagingApi.Description), new IdempotentWrites(database), _reports.Object, new Mock<IMessageStore>(MockBehavior.Strict).Object, _owners.Object, new BlockedUsers());
    }

    private AdminReportFunctions AdminFunctions(Caller caller) =>
        new(new HttpCalls(Auth(caller).Object, MessagingApi.Description), UnreachableDatabase(), _reports.Object, _owners.Object, new Mock<IMessageStore>(MockBehavior.Strict).Object, NullLogger<AdminReportFunctions>.Instance);
}

using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.OpenApi;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Campaigns;

/// <summary>The function classes decide auth, input and visibility before they touch the database.</summary>
public sealed class CampaignFunctionsTests
{
    private readonly Mock<ICampaignStore> _campaigns = new(MockBehavior.Strict);
    private readonly Mock<IProfileCopyStore> _profiles = new(MockBehavior.Strict);

    [Fact]
    public async Task ListCampaigns_passes_an_anonymous_caller_and_the_filters_to_the_store()
    {
        _campaigns.Setup(c => c.ListAsync(
                new CampaignFilter(CampaignStatus.Paused, CampaignCategory.Medical, OwnerId, null, null), null, It.Is<PageRequest>(p => p.Limit == 5), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Campaign("paused")]);

        var result = await Functions(Auth(AuthResult.Anonymous)).ListCampaigns(Get($"?status=paused&category=medical&recipient_id={OwnerId}&limit=5"), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(CampaignId, json.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("?status=deleted", "status")]
    [InlineData("?category=toys", "category")]
    [InlineData("?recipient_id=42", "recipient_id")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?cursor=nope", "cursor")]
    public async Task ListCampaigns_is_400_naming_a_bad_query_parameter_before_any_store_call(string query, string field)
    {
        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).ListCampaigns(Get(query), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _campaigns.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetCampaign_answers_404_for_a_pending_campaign_of_someone_else()
    {
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("pending"));

        var result = await Functions(Auth(Other)).GetCampaign(Get(), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status404NotFound, (await result.RunAsync()).Status);
    }

    [Fact]
    public async Task GetCampaign_shows_amounts_with_two_decimals_and_the_contributor_count()
    {
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active", goal: 1500.00m, collected: 12.50m, contributors: 2));

        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).GetCampaign(Get(), CampaignId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("1500.00", json.GetProperty("goal_amount").GetRawText());
        Assert.Equal("12.50", json.GetProperty("collected_amount").GetRawText());
        Assert.Equal(2, json.GetProperty("contributor_count").GetInt32());
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task GetCampaign_is_400_for_a_bad_id(string id)
    {
        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).GetCampaign(Get(), id, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
    }

    [Fact]
    public async Task CreateCampaign_is_401_for_an_anonymous_caller()
    {
        var result = await Functions(Auth(AuthResult.Anonymous)).CreateCampaign(Send("POST", "{}"), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, (await result.RunAsync()).Status);
    }

    [Theory]
    [InlineData("""{"title":"Books","category":"education","goal_amount":"100"}""", "goal_amount")]
    [InlineData("""{"title":"Books","category":"education","goal_amount":100.001}""", "goal_amount")]
    [InlineData("""{"title":"Books","category":"education","goal_amount":0}""", "goal_amount")]
    [InlineData("""{"title":"Books","category":"education"}""", "goal_amount")]
    [InlineData("""{"title":"Books","category":"cars","goal_amount":100}""", "category")]
    [InlineData("""{"category":"education","goal_amount":100}""", "title")]
    public async Task CreateCampaign_is_400_naming_the_bad_field_before_any_store_call(string body, string field)
    {
        var (status, json) = await (await Functions(Auth(Owner)).CreateCampaign(Send("POST", body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _campaigns.VerifyNoOtherCalls();
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task UpdateCampaign_checks_the_token_before_the_body()
    {
        var change = new CampaignChangeFunctions(Calls(Auth(AuthResult.Anonymous)), UnreachableDatabase(), _campaigns.Object, _profiles.Object, Workflow(), ViewsWithoutImages());

        var result = await change.UpdateCampaign(Send("PUT", "not json"), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, (await result.RunAsync()).Status);
    }

    [Fact]
    public async Task UpdateCampaign_is_400_for_a_bad_goal_before_any_store_call()
    {
        var change = new CampaignChangeFunctions(Calls(Auth(Owner)), UnreachableDatabase(), _campaigns.Object, _profiles.Object, Workflow(), ViewsWithoutImages());

        var result = await change.UpdateCampaign(
            Send("PUT", """{"title":"Books","category":"education","goal_amount":10000000.01}"""), CampaignId.ToString(), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["goal_amount"], json.ErrorFields());
    }

    [Fact]
    public async Task PauseCampaign_is_400_for_a_bad_id()
    {
        var change = new CampaignChangeFunctions(Calls(Auth(Owner)), UnreachableDatabase(), _campaigns.Object, _profiles.Object, Workflow(), ViewsWithoutImages());

        var (status, json) = await (await change.PauseCampaign(Send("POST"), "x", CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
    }

    [Fact]
    public async Task ReviewCampaign_is_403_for_a_user_who_is_not_an_admin()
    {
        var admin = new AdminCampaignFunctions(Calls(Auth(Owner)), UnreachableDatabase(), _campaigns.Object, Workflow(), ViewsWithoutImages());

        var result = await admin.ReviewCampaign(Send("POST", """{"decision":"approve"}"""), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status403Forbidden, (await result.RunAsync()).Status);
    }

    [Fact]
    public async Task ReviewCampaign_is_400_for_an_unknown_decision()
    {
        var admin = new AdminCampaignFunctions(Calls(Auth(Admin)), UnreachableDatabase(), _campaigns.Object, Workflow(), ViewsWithoutImages());

        var (status, json) = await (await admin.ReviewCampaign(Send("POST", """{"decision":"maybe"}"""), CampaignId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["decision"], json.ErrorFields());
    }

    private static HttpCalls Calls(Mock<IAuthenticator> auth) => new(auth.Object, CampaignApi.Description);

    private CampaignWorkflow Workflow() =>
        new(_campaigns.Object, new Mock<IContributionStore>(MockBehavior.Strict).Object, NullLogger<CampaignWorkflow>.Instance);

    private CampaignFunctions Functions(Mock<IAuthenticator> auth) =>
        new(Calls(auth), new IdempotentWrites(UnreachableDatabase()), _campaigns.Object, _profiles.Object, Workflow(), ViewsWithoutImages());
}

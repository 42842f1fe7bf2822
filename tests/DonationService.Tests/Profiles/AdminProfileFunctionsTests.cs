using DonationService.OpenApi;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Moq;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static DonationService.Tests.Profiles.FunctionHarness;

namespace DonationService.Tests.Profiles;

public sealed class AdminProfileFunctionsTests
{
    private readonly Mock<IProfileStore> _profiles = new(MockBehavior.Strict);

    public static TheoryData<string> Actions => ["list", "decide", "block", "unblock"];

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Admin_functions_are_403_for_a_signed_in_non_admin(string action)
    {
        var (status, _) = await (await CallAsync(action, Auth(User), UserId.ToString())).RunAsync();

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        _profiles.VerifyNoOtherCalls();
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Admin_functions_are_401_when_signed_out(string action)
    {
        var (status, _) = await (await CallAsync(action, Auth(AuthResult.Anonymous), UserId.ToString())).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
    }

    [Theory]
    [InlineData("decide")]
    [InlineData("block")]
    [InlineData("unblock")]
    public async Task Admin_functions_are_400_for_a_bad_id_before_any_store_call(string action)
    {
        var (status, json) = await (await CallAsync(action, Auth(Admin), "123")).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"decision":"maybe"}""")]
    [InlineData("""{}""")]
    public async Task DecideVerification_is_400_for_a_missing_or_unknown_decision(string body)
    {
        var result = await Functions(Auth(Admin)).DecideVerification(Send("POST", body), UserId.ToString(), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["decision"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListProfiles_is_400_listing_every_bad_parameter_before_any_store_call()
    {
        var result = await Functions(Auth(Admin)).ListProfiles(Get("?role=superuser&blocked=maybe&recipient_status=x&limit=0"), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["blocked", "limit", "recipient_status", "role"], json.ErrorFields().Order(StringComparer.Ordinal));
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListProfiles_passes_the_filter_to_the_store_and_pages_the_rows()
    {
        var rows = Enumerable.Range(0, 3)
            .Select(i => new Profile { Id = Guid.NewGuid(), Role = "recipient", RecipientStatus = "requested", CreatedAt = new DateTime(2025, 1, 3 - i, 0, 0, 0, DateTimeKind.Utc) })
            .ToList();
        _profiles.Setup(p => p.ListAsync(
                new ProfileFilter(RecipientStatus.Requested, false, ProfileRole.Recipient), new PageRequest(2, null), It.IsAny<CancellationToken>()))
            .ReturnsAsync(rows);

        var result = await Functions(Auth(Admin)).ListProfiles(Get("?recipient_status=requested&blocked=false&role=recipient&limit=2"), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(2, json.GetProperty("items").GetArrayLength());
        Assert.True(Cursor.TryDecode(json.GetProperty("next_cursor").GetString(), out var next));
        Assert.Equal(new Cursor(rows[1].CreatedAt, rows[1].Id), next);
    }

    private AdminProfileFunctions Functions(Mock<IAuthenticator> auth) => new(
        new HttpCalls(auth.Object, DonationApi.Description), UnreachableDatabase(), _profiles.Object, ViewsWithoutDocuments());

    private async Task<Microsoft.AspNetCore.Mvc.IActionResult> CallAsync(string action, Mock<IAuthenticator> auth, string id)
    {
        var functions = Functions(auth);
        return action switch
        {
            "list" => await functions.ListProfiles(Get(), CancellationToken.None),
            "decide" => await functions.DecideVerification(Send("POST", """{"decision":"approve"}"""), id, CancellationToken.None),
            "block" => await functions.BlockProfile(Send("POST", "{}"), id, CancellationToken.None),
            _ => await functions.UnblockProfile(Send("POST", "{}"), id, CancellationToken.None),
        };
    }
}

using DonationService.OpenApi;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static DonationService.Tests.Profiles.FunctionHarness;

namespace DonationService.Tests.Profiles;

public sealed class ProfileFunctionsTests
{
    private readonly Mock<IProfileStore> _profiles = new(MockBehavior.Strict);

    [Fact]
    public async Task GetMyProfile_passes_the_authenticator_401_through_without_touching_the_store()
    {
        var problem = Unauthorized;

        var result = await Functions(Auth(new AuthResult(null, problem))).GetMyProfile(Get(), CancellationToken.None);

        Assert.Same(problem, result);
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetMyProfile_is_401_for_an_anonymous_caller()
    {
        var result = await Functions(Auth(AuthResult.Anonymous)).GetMyProfile(Get(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, (await result.RunAsync()).Status);
    }

    [Fact]
    public async Task UpdateMyProfile_is_400_for_the_admin_role_before_any_store_call()
    {
        var result = await Functions(Auth(User)).UpdateMyProfile(Send("PUT", """{"role":"admin"}"""), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["role"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task UpdateMyProfile_is_400_naming_a_field_of_the_wrong_type()
    {
        var result = await Functions(Auth(User)).UpdateMyProfile(Send("PUT", """{"full_name":["Ann"]}"""), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["full_name"], json.ErrorFields());
    }

    [Fact]
    public async Task UpdateMyProfile_passes_a_401_through()
    {
        var problem = Unauthorized;

        Assert.Same(problem, await Functions(Auth(new AuthResult(null, problem))).UpdateMyProfile(Send("PUT", "{}"), CancellationToken.None));
    }

    [Fact]
    public async Task RequestVerification_is_400_for_a_document_url_instead_of_uploaded_documents_before_any_store_call()
    {
        var result = await Functions(Auth(User)).RequestVerification(
            Send("POST", """{"verification_image_url":"https://cdn.test/id.png"}"""), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["document_ids", "verification_image_url"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task RequestVerification_is_400_for_a_url_even_with_documents()
    {
        var result = await Functions(Auth(User)).RequestVerification(
            Send("POST", $$"""{"document_ids":["{{Guid.NewGuid()}}"],"verification_image_url":"https://cdn.test/id.png"}"""), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["verification_image_url"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("7C9E6679742540DE944BE07FC1F90AE7")]
    public async Task GetProfile_is_400_for_a_bad_id_before_any_store_call(string id)
    {
        var result = await Functions(Auth(AuthResult.Anonymous)).GetProfile(Get(), id, CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetProfile_passes_a_401_for_a_bad_token_through()
    {
        var problem = Unauthorized;

        var result = await Functions(Auth(new AuthResult(null, problem))).GetProfile(Get(), UserId.ToString(), CancellationToken.None);

        Assert.Same(problem, result);
    }

    [Fact]
    public async Task GetProfile_is_404_for_an_unknown_profile()
    {
        _profiles.Setup(p => p.FindAsync(UserId, It.IsAny<CancellationToken>())).ReturnsAsync((Profile?)null);

        var result = await Functions(Auth(AuthResult.Anonymous)).GetProfile(Get(), UserId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status404NotFound, (await result.RunAsync()).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetProfile_shows_the_public_view_to_anonymous_and_other_users(bool signedIn)
    {
        _profiles.Setup(p => p.FindAsync(UserId, It.IsAny<CancellationToken>())).ReturnsAsync(StoredProfile());
        var auth = signedIn ? Auth(Other) : Auth(AuthResult.Anonymous);

        var (status, json) = await (await Functions(auth).GetProfile(Get(), UserId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(
            ["avatar_url", "full_name", "id", "location", "rating_avg", "rating_count", "role", "view"],
            json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Ann Lee", json.GetProperty("full_name").GetString());
        Assert.Equal("public", json.GetProperty("view").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetProfile_shows_the_full_view_to_the_owner_and_admins(bool asAdmin)
    {
        _profiles.Setup(p => p.FindAsync(UserId, It.IsAny<CancellationToken>())).ReturnsAsync(StoredProfile());

        var (status, json) = await (await Functions(Auth(asAdmin ? Admin : User)).GetProfile(Get(), UserId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("ann@example.test", json.GetProperty("email").GetString());
        Assert.Equal("+49 30 1234", json.GetProperty("phone").GetString());
        Assert.Equal("requested", json.GetProperty("recipient_status").GetString());
        Assert.Equal("full", json.GetProperty("view").GetString());
    }

    private ProfileFunctions Functions(Mock<IAuthenticator> auth) => new(
        new HttpCalls(auth.Object, DonationApi.Description), UnreachableDatabase(), _profiles.Object, ViewsWithoutDocuments(), NoDocuments().Object,
        UnconfiguredStorage(), NullLogger<ProfileFunctions>.Instance);

    private static Profile StoredProfile() => new()
    {
        Id = UserId,
        Email = "ann@example.test",
        FullName = "Ann Lee",
        Phone = "+49 30 1234",
        Location = "Berlin",
        Role = "recipient",
        RecipientStatus = "requested",
        VerificationImageUrl = "https://cdn.example.test/id.png",
        RatingAvg = 4.5m,
        RatingCount = 2,
    };
}

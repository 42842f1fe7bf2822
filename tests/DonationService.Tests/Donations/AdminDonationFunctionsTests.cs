using DonationService.Donations;
using DonationService.Files;
using DonationService.OpenApi;
using Microsoft.AspNetCore.Http;
using Moq;
using Platform.Blobs;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static DonationService.Tests.Profiles.FunctionHarness;

namespace DonationService.Tests.Donations;

public sealed class AdminDonationFunctionsTests
{
    private const string Approve = """{"decision":"approve"}""";
    private static readonly string DonationId = "4f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190";

    private readonly Mock<IDonationStore> _donations = new(MockBehavior.Strict);

    [Fact]
    public async Task ReviewDonation_is_403_for_a_signed_in_non_admin()
    {
        var (status, _) = await (await Functions(Auth(User)).ReviewDonation(Send("POST", Approve), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ReviewDonation_is_401_when_signed_out()
    {
        var (status, _) = await (await Functions(Auth(AuthResult.Anonymous)).ReviewDonation(Send("POST", Approve), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
    }

    [Fact]
    public async Task ReviewDonation_passes_a_401_for_a_bad_token_through()
    {
        var problem = Unauthorized;

        Assert.Same(problem, await Functions(Auth(new AuthResult(null, problem))).ReviewDonation(Send("POST", Approve), DonationId, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4f3c2b1a0e9d4c8ba7f6e5d4c3b2a190")]
    public async Task ReviewDonation_is_400_for_a_bad_id_before_any_store_call(string id)
    {
        var (status, json) = await (await Functions(Auth(Admin)).ReviewDonation(Send("POST", Approve), id, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"decision":"Approve"}""", "decision")]
    [InlineData("""{"reason":"spam"}""", "decision")]
    [InlineData("""{"decision":"reject","reason":""}""", "reason")]
    public async Task ReviewDonation_is_400_for_a_bad_decision_or_reason_before_any_store_call(string body, string field)
    {
        var (status, json) = await (await Functions(Auth(Admin)).ReviewDonation(Send("POST", body), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ReviewDonation_is_400_for_a_reason_longer_than_500_characters()
    {
        var body = $$"""{"decision":"reject","reason":"{{new string('r', 501)}}"}""";

        var (status, json) = await (await Functions(Auth(Admin)).ReviewDonation(Send("POST", body), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["reason"], json.ErrorFields());
    }

    [Fact]
    public async Task ReviewDonation_is_415_for_a_form_body()
    {
        var request = Send("POST", "decision=approve");
        request.ContentType = "application/x-www-form-urlencoded";

        var (status, _) = await (await Functions(Auth(Admin)).ReviewDonation(request, DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, status);
    }

    private AdminDonationFunctions Functions(Mock<IAuthenticator> auth) =>
        new(new HttpCalls(auth.Object, DonationApi.Description), UnreachableDatabase(), _donations.Object,
            new DonationViews(Mock.Of<IDonationImageStore>(MockBehavior.Strict), new BlobStorage(new BlobStorageOptions(), [DonationFiles.DonationImage], TimeProvider.System)));
}

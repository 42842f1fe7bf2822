using DonationService.Donations;
using DonationService.Files;
using DonationService.OpenApi;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Blobs;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static DonationService.Tests.Profiles.FunctionHarness;

namespace DonationService.Tests.Files;

/// <summary>The upload and image functions answer bad input before any store or storage call (strict mocks; storage not configured).</summary>
public sealed class DonationImageFunctionsTests
{
    private const string DonationId = "4f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190";

    private readonly Mock<IDonationStore> _donations = new(MockBehavior.Strict);
    private readonly Mock<IProfileStore> _profiles = new(MockBehavior.Strict);
    private readonly Mock<IDonationImageStore> _images = new(MockBehavior.Strict);

    [Theory]
    [InlineData("""{"kind":"campaign_image"}""")]
    [InlineData("""{"kind":"message_attachment"}""")]
    [InlineData("""{"kind":"../donation_image"}""")]
    [InlineData("""{"kind":"Donation_Image"}""")]
    [InlineData("{}")]
    public async Task CreateUpload_is_400_for_a_kind_it_does_not_own(string body)
    {
        var (status, json) = await (await Uploads(Auth(User)).CreateUpload(Send("POST", body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["kind"], json.ErrorFields());
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task CreateUpload_is_401_when_signed_out()
    {
        var (status, _) = await (await Uploads(Auth(AuthResult.Anonymous)).CreateUpload(Send("POST", """{"kind":"donation_image"}"""), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
    }

    [Fact]
    public async Task CreateUpload_is_403_for_a_recipient_without_asking_storage()
    {
        _profiles.Setup(p => p.FindAsync(UserId, It.IsAny<CancellationToken>())).ReturnsAsync(new Profile { Id = UserId, Role = "recipient" });

        var (status, _) = await (await Uploads(Auth(User)).CreateUpload(Send("POST", """{"kind":"donation_image"}"""), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status403Forbidden, status);
    }

    [Theory]
    [InlineData("""{"blob_id":"../../etc/passwd"}""")]
    [InlineData("""{"blob_id":"00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""{"blob_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7/16fd2706-8baf-433b-82eb-8c7fada847da"}""")]
    [InlineData("""{"blob_id":42}""")]
    [InlineData("{}")]
    public async Task AttachDonationImage_is_400_for_an_odd_blob_id_before_any_call(string body)
    {
        var (status, json) = await (await Images(Auth(User)).AttachDonationImage(Send("POST", body), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains("blob_id", json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"image_ids":["7c9e6679-7425-40de-944b-e07fc1f90ae7","7c9e6679-7425-40de-944b-e07fc1f90ae7"]}""")]
    [InlineData("""{"image_ids":["a","b"]}""")]
    [InlineData("""{"image_ids":[null]}""")]
    [InlineData("""{"image_ids":["1","2","3","4","5","6"]}""")]
    [InlineData("""{"image_ids":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}""")]
    [InlineData("{}")]
    public async Task ArrangeDonationImages_is_400_for_a_bad_list_before_any_call(string body)
    {
        var (status, json) = await (await Images(Auth(User)).ArrangeDonationImages(Send("PUT", body), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains("image_ids", json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AttachDonationImage_is_404_for_a_missing_donation_without_asking_storage()
    {
        _donations.Setup(d => d.FindAsync(Guid.Parse(DonationId), It.IsAny<CancellationToken>())).ReturnsAsync((Donation?)null);

        var (status, _) = await (await Images(Auth(User)).AttachDonationImage(Send("POST", $$"""{"blob_id":"{{OtherId}}"}"""), DonationId, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    private static BlobStorage Unconfigured() => new(new BlobStorageOptions(), [DonationFiles.DonationImage], TimeProvider.System);

    private UploadFunctions Uploads(Mock<IAuthenticator> auth) => new(new HttpCalls(auth.Object, DonationApi.Description), Unconfigured(), _profiles.Object);

    private DonationImageFunctions Images(Mock<IAuthenticator> auth)
    {
        var storage = Unconfigured();
        return new DonationImageFunctions(
            new HttpCalls(auth.Object, DonationApi.Description), UnreachableDatabase(), storage, _donations.Object, _profiles.Object, _images.Object,
            new DonationViews(_images.Object, storage), NullLogger<DonationImageFunctions>.Instance);
    }
}

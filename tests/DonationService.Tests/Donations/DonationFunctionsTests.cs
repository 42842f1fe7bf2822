using DonationService.Donations;
using DonationService.Files;
using DonationService.OpenApi;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Moq;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static DonationService.Tests.Profiles.FunctionHarness;

namespace DonationService.Tests.Donations;

public sealed class DonationFunctionsTests
{
    private static readonly Guid DonationId = Guid.Parse("4f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190");

    private readonly Mock<IDonationStore> _donations = new(MockBehavior.Strict);
    private readonly Mock<IProfileStore> _profiles = new(MockBehavior.Strict);

    [Fact]
    public async Task ListDonations_is_400_listing_every_bad_parameter_before_any_store_call()
    {
        var query = "?status=lost&category=cars&donor_id=42&limit=101&cursor=bm9wZQ";

        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).ListDonations(Get(query), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["category", "cursor", "donor_id", "limit", "status"], json.ErrorFields().Order(StringComparer.Ordinal));
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListDonations_is_400_for_a_repeated_filter()
    {
        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).ListDonations(Get("?status=available&status=claimed"), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["status"], json.ErrorFields());
    }

    [Fact]
    public async Task ListDonations_passes_a_401_for_a_bad_token_through()
    {
        var problem = Unauthorized;

        Assert.Same(problem, await Functions(Auth(new AuthResult(null, problem))).ListDonations(Get(), CancellationToken.None));
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListDonations_passes_filter_caller_and_page_to_the_store()
    {
        var filter = new DonationFilter(DonationStatus.Available, DonationCategory.Books, OtherId, "lamp", null, null, null);
        _donations.Setup(d => d.ListAsync(filter, User, new PageRequest(20, null), It.IsAny<CancellationToken>()))
            .ReturnsAsync([Stored("available")]);

        var result = await Functions(Auth(User)).ListDonations(Get($"?status=available&category=books&donor_id={OtherId}&q=%20lamp%20"), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(DonationId.ToString(), json.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("{4f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190}")]
    public async Task GetDonation_is_400_for_a_bad_id_before_any_store_call(string id)
    {
        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).GetDonation(Get(), id, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetDonation_is_404_for_a_pending_donation_seen_anonymously()
    {
        _donations.Setup(d => d.FindAsync(DonationId, It.IsAny<CancellationToken>())).ReturnsAsync(Stored("pending"));

        var (status, json) = await (await Functions(Auth(AuthResult.Anonymous)).GetDonation(Get(), DonationId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.False(json.TryGetProperty("title", out var title) && title.GetString() == "Lamp");
    }

    [Fact]
    public async Task GetDonation_is_404_for_a_pending_donation_seen_by_another_user()
    {
        _donations.Setup(d => d.FindAsync(DonationId, It.IsAny<CancellationToken>())).ReturnsAsync(Stored("pending"));

        var (status, _) = await (await Functions(Auth(Other)).GetDonation(Get(), DonationId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task GetDonation_is_200_for_a_pending_donation_seen_by_its_owner()
    {
        _donations.Setup(d => d.FindAsync(DonationId, It.IsAny<CancellationToken>())).ReturnsAsync(Stored("pending"));

        var (status, json) = await (await Functions(Auth(User)).GetDonation(Get(), DonationId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("pending", json.GetProperty("status").GetString());
        Assert.Equal(UserId.ToString(), json.GetProperty("donor_id").GetString());
    }

    [Fact]
    public async Task GetDonation_is_404_when_the_store_has_no_such_donation()
    {
        _donations.Setup(d => d.FindAsync(DonationId, It.IsAny<CancellationToken>())).ReturnsAsync((Donation?)null);

        var (status, _) = await (await Functions(Auth(Admin)).GetDonation(Get(), DonationId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task CreateDonation_is_401_for_an_anonymous_caller()
    {
        var (status, _) = await (await Functions(Auth(AuthResult.Anonymous)).CreateDonation(Send("POST", ValidBody), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
    }

    [Theory]
    [InlineData("""{"title":"","category":"books"}""", "title")]
    [InlineData("""{"title":"Lamp","category":"lamps"}""", "category")]
    [InlineData("""{"title":"Lamp","category":"books","image_url":"ftp://x.test/a"}""", "image_url")]
    [InlineData("""{"title":7,"category":"books"}""", "title")]
    public async Task CreateDonation_is_400_for_invalid_fields_before_any_store_call(string body, string field)
    {
        var (status, json) = await (await Functions(Auth(User)).CreateDonation(Send("POST", body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
        _profiles.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Update_and_delete_are_400_for_a_bad_id_before_any_store_call(string method)
    {
        var functions = Functions(Auth(User));

        var result = method == "PUT"
            ? await functions.UpdateDonation(Send("PUT", ValidBody), "123", CancellationToken.None)
            : await functions.DeleteDonation(Get(), "123", CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
        _profiles.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task UpdateDonation_is_400_for_invalid_fields_before_any_store_call()
    {
        var result = await Functions(Auth(User)).UpdateDonation(Send("PUT", """{"category":"books"}"""), DonationId.ToString(), CancellationToken.None);

        var (status, json) = await result.RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["title"], json.ErrorFields());
    }

    [Fact]
    public async Task Update_and_delete_pass_a_401_through()
    {
        var problem = Unauthorized;
        var functions = Functions(Auth(new AuthResult(null, problem)));

        Assert.Same(problem, await functions.UpdateDonation(Send("PUT", ValidBody), DonationId.ToString(), CancellationToken.None));
        Assert.Same(problem, await functions.DeleteDonation(Get(), DonationId.ToString(), CancellationToken.None));
    }

    private const string ValidBody = """{"title":"Lamp","category":"household"}""";

    private DonationFunctions Functions(Mock<IAuthenticator> auth)
    {
        var database = UnreachableDatabase();
        var images = new Mock<IDonationImageStore>();
        images.Setup(i => i.ForParentsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        var views = new DonationViews(images.Object, new BlobStorage(new BlobStorageOptions(), [DonationFiles.DonationImage], TimeProvider.System));
        return new DonationFunctions(new HttpCalls(auth.Object, DonationApi.Description), database, new IdempotentWrites(database), _donations.Object, _profiles.Object, views);
    }

    private static Donation Stored(string status) => new()
    {
        Id = DonationId,
        DonorId = UserId,
        Title = "Lamp",
        Category = "household",
        Status = status,
        CreatedAt = new DateTime(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc),
    };
}

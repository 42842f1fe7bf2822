using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.OpenApi;
using CampaignService.Payments;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Contributions;

public sealed class ContributionFunctionsTests
{
    private readonly Mock<ICampaignStore> _campaigns = new(MockBehavior.Strict);
    private readonly Mock<IContributionStore> _contributions = new(MockBehavior.Strict);
    private readonly Mock<IProfileCopyStore> _profiles = new(MockBehavior.Strict);

    [Fact]
    public async Task Contribute_is_401_for_an_anonymous_caller()
    {
        var result = await Functions(Auth(AuthResult.Anonymous)).Contribute(Send("POST", """{"amount":5}"""), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, (await result.RunAsync()).Status);
    }

    [Theory]
    [InlineData("""{"amount":1.001}""")]
    [InlineData("""{"amount":0}""")]
    [InlineData("""{"amount":0.99}""")]
    [InlineData("""{"amount":1000000.01}""")]
    [InlineData("""{"amount":"5"}""")]
    [InlineData("""{"amount":null}""")]
    [InlineData("""{"amount":1e400}""")]
    [InlineData("{}")]
    public async Task Contribute_is_400_naming_amount_before_any_store_call(string body)
    {
        var (status, json) = await (await Functions(Auth(Other)).Contribute(Send("POST", body), CampaignId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["amount"], json.ErrorFields());
        _campaigns.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListContributions_is_401_for_an_anonymous_caller()
    {
        var result = await Functions(Auth(AuthResult.Anonymous)).ListContributions(Get(), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, (await result.RunAsync()).Status);
    }

    [Fact]
    public async Task ListContributions_is_404_for_a_campaign_the_caller_cannot_see()
    {
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("pending"));

        var result = await Functions(Auth(Other)).ListContributions(Get(), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status404NotFound, (await result.RunAsync()).Status);
        _contributions.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListContributions_shows_everything_to_the_owner_and_admins(bool admin)
    {
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active"));
        _contributions.Setup(c => c.ListAsync(CampaignId, null, It.IsAny<PageRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var result = await Functions(Auth(admin ? Admin : Owner)).ListContributions(Get(), CampaignId.ToString(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, (await result.RunAsync()).Status);
        _contributions.Verify(c => c.ListAsync(CampaignId, null, It.IsAny<PageRequest>(), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ListContributions_shows_anyone_else_only_their_own()
    {
        var mine = new Contribution { Id = Guid.NewGuid(), CampaignId = CampaignId, ContributorId = OtherId, Amount = 5.50m, CreatedAt = DateTime.UtcNow };
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("completed", collected: 100m));
        _contributions.Setup(c => c.ListAsync(CampaignId, OtherId, It.IsAny<PageRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([mine]);

        var (status, json) = await (await Functions(Auth(Other)).ListContributions(Get(), CampaignId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("5.50", json.GetProperty("items")[0].GetProperty("amount").GetRawText());
    }

    [Fact]
    public async Task Contribute_is_400_for_an_idempotency_key_of_invisible_characters_before_any_store_call()
    {
        var request = Send("POST", """{"amount":5}""");
        request.Headers["Idempotency-Key"] = "has space";

        var (status, json) = await (await Functions(Auth(Other)).Contribute(request, CampaignId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["Idempotency-Key"], json.ErrorFields());
        _campaigns.VerifyNoOtherCalls();
        _contributions.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GetContribution_is_404_for_someone_elses_contribution()
    {
        var theirs = new Contribution { Id = Guid.NewGuid(), CampaignId = CampaignId, ContributorId = Guid.NewGuid(), Amount = 5m, AmountMinor = 500, CreatedAt = DateTime.UtcNow };
        _contributions.Setup(c => c.FindAsync(theirs.Id, It.IsAny<CancellationToken>())).ReturnsAsync(theirs);
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active"));

        var (status, _) = await (await Functions(Auth(Other)).GetContribution(Get(), theirs.Id.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetContribution_shows_the_receipt_to_the_campaign_owner_and_admins(bool admin)
    {
        var theirs = new Contribution
        {
            Id = Guid.NewGuid(), CampaignId = CampaignId, ContributorId = OtherId, Amount = 5m, AmountMinor = 500, Status = "confirmed",
            Provider = "stripe", CheckoutSessionId = "cs_1", PaymentReference = "pi_1", CreatedAt = DateTime.UtcNow,
        };
        _contributions.Setup(c => c.FindAsync(theirs.Id, It.IsAny<CancellationToken>())).ReturnsAsync(theirs);
        _campaigns.Setup(c => c.FindAsync(CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active"));

        var (status, json) = await (await Functions(Auth(admin ? Admin : Owner)).GetContribution(Get(), theirs.Id.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(("pi_1", 500), (json.GetProperty("provider_reference").GetString(), json.GetProperty("amount_minor").GetInt32()));
    }

    private ContributionFunctions Functions(Mock<IAuthenticator> auth)
    {
        var campaigns = _campaigns.Object;
        var contributions = _contributions.Object;
        var workflow = new CampaignWorkflow(campaigns, contributions, NullLogger<CampaignWorkflow>.Instance);
        var payments = new ContributionPayments(
            UnreachableDatabase(), campaigns, contributions, _profiles.Object, workflow, new DevelopmentPaymentProvider(), NullLogger<ContributionPayments>.Instance);
        return new(new HttpCalls(auth.Object, CampaignApi.Description), campaigns, contributions, payments, new ContributionGate());
    }
}

using System.Globalization;
using CampaignService.Contributions;
using Platform.Hosting.Http;
using Platform.Testing;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Contributions;

public sealed class ContributionRulesTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("12.5")]
    [InlineData("12.50")]
    [InlineData("99999.99")]
    [InlineData("100000")]
    [InlineData("1000000")]
    public void ValidateAmount_accepts_one_to_a_million_with_two_decimals_the_bounds_over_all_currencies(string amount)
    {
        var result = ValidateAmount(new ContributionBody(decimal.Parse(amount, CultureInfo.InvariantCulture)));

        Assert.True(result.IsSuccess);
        Assert.Equal(decimal.Parse(amount, CultureInfo.InvariantCulture), result.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("0.001")]
    [InlineData("0.009")]
    [InlineData("0.99")]
    [InlineData("-1")]
    [InlineData("1.005")]
    [InlineData("1000000.01")]
    [InlineData("79228162514264337593543950335")]
    public void ValidateAmount_refuses_missing_out_of_range_and_sub_cent_amounts(string? amount)
    {
        var body = new ContributionBody(amount is null ? null : decimal.Parse(amount, CultureInfo.InvariantCulture));

        var result = ValidateAmount(body);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["amount"], result.Errors!.Keys);
    }

    [Theory]
    [InlineData("pending", ResultKind.Conflict)]
    [InlineData("paused", ResultKind.Conflict)]
    [InlineData("completed", ResultKind.Conflict)]
    [InlineData("rejected", ResultKind.Conflict)]
    [InlineData("active", null)]
    public void CanContribute_takes_money_only_for_active_campaigns(string status, ResultKind? expected)
    {
        var campaign = Campaign(status, collected: status == "completed" ? 100m : 0m);

        Assert.Equal(expected, ContributionRules.CanContribute(campaign, Admin, null, 10m)?.Kind);
    }

    [Fact]
    public void CanContribute_is_404_for_a_campaign_the_caller_cannot_see()
    {
        Assert.Equal(ResultKind.NotFound, ContributionRules.CanContribute(Campaign("pending"), Other, null, 10m)!.Value.Kind);
    }

    [Fact]
    public void CanContribute_is_403_for_a_blocked_user_and_allows_users_without_a_profile_copy()
    {
        Assert.Equal(ResultKind.Forbidden, ContributionRules.CanContribute(Campaign("active"), Other, Profile(blocked: true, user: OtherId), 10m)!.Value.Kind);
        Assert.Null(ContributionRules.CanContribute(Campaign("active"), Other, null, 10m));
    }

    [Fact]
    public void CanContribute_names_the_current_state_on_409()
    {
        Assert.Contains("(status: paused)", ContributionRules.CanContribute(Campaign("paused"), Admin, null, 10m)!.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CanContribute_is_403_for_the_campaigns_owner()
    {
        Assert.Equal(ResultKind.Forbidden, ContributionRules.CanContribute(Campaign("active"), Owner, null, 10m)!.Value.Kind);
    }

    [Theory]
    [InlineData("usd", "0.99", "must be between 1 and 100000 USD")]
    [InlineData("usd", "100000.01", "must be between 1 and 100000 USD")]
    [InlineData("jpy", "99", "must be between 100 and 1000000 JPY")]
    [InlineData("jpy", "100.5", "must be a whole number: JPY has no minor unit")]
    [InlineData("etb", "49.99", "must be between 50 and 999999 ETB")]
    public void CanContribute_is_400_on_amount_outside_the_campaigns_currency(string currency, string amount, string message)
    {
        var campaign = Campaign("active", currency: currency);

        var failure = ContributionRules.CanContribute(campaign, Other, null, decimal.Parse(amount, CultureInfo.InvariantCulture))!.Value;

        Assert.Equal(ResultKind.Invalid, failure.Kind);
        Assert.Equal([message], failure.Errors!["amount"]);
    }

    [Theory]
    [InlineData("usd", "100000")]
    [InlineData("jpy", "100")]
    [InlineData("jpy", "1000000")]
    [InlineData("etb", "50.25")]
    public void CanContribute_takes_amounts_within_the_campaigns_currency(string currency, string amount)
    {
        Assert.Null(ContributionRules.CanContribute(Campaign("active", currency: currency), Other, null, decimal.Parse(amount, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Owner_and_admins_read_every_contribution_others_only_their_own()
    {
        var campaign = Campaign("active");

        Assert.Null(ContributionRules.ReadableContributor(campaign, Owner).Value);
        Assert.Null(ContributionRules.ReadableContributor(campaign, Admin).Value);
        Assert.Equal(OtherId, ContributionRules.ReadableContributor(campaign, Other).Value);
        Assert.Equal(ResultKind.NotFound, ContributionRules.ReadableContributor(Campaign("pending"), Other).Kind);
    }

    private static Result<decimal> ValidateAmount(ContributionBody body) => BodyRules.Check(body, b => b.Amount!.Value);
}

using CampaignService.Import;

namespace CampaignService.Tests.Import;

public sealed class LegacyCampaignValuesTests
{
    [Theory]
    [InlineData("active", "approved", 10, 100, "active", null, 0)]
    [InlineData("Active", "verified", 10, 100, "active", null, 0)]
    [InlineData("paused", "approved", 0, 100, "paused", null, 0)]
    [InlineData("pending", "unrequested", 0, 100, "pending", null, 0)]
    [InlineData("active", "pending", 0, 100, "pending", null, 1)]
    [InlineData("active", "rejected", 0, 100, "rejected", null, 0)]
    [InlineData("rejected", "approved", 0, 100, "rejected", null, 0)]
    [InlineData("completed", "approved", 100, 100, "completed", null, 0)]
    [InlineData("completed", "approved", 99.99, 100, "paused", LegacyCampaignValues.EndedBeforeGoal, 1)]
    [InlineData("closed", "approved", 10, 100, "paused", LegacyCampaignValues.EndedBeforeGoal, 1)]
    [InlineData("closed", "approved", 100, 100, "completed", null, 1)]
    [InlineData("active", "approved", 150, 100, "completed", null, 1)]
    [InlineData("pending", "pending", 150, 100, "completed", null, 1)]
    [InlineData("on hold", "approved", 0, 100, "pending", null, 1)]
    [InlineData(null, null, 0, 100, "pending", null, 1)]
    [InlineData("active", "maybe", 0, 100, "pending", null, 2)]
    public void Status_follows_the_original_and_the_platform_rule_that_completed_means_the_goal_is_reached(
        string? status, string? verification, double collected, double goal, string expected, string? pauseReason, int repairs)
    {
        var (mapped, reason, said) = LegacyCampaignValues.Status(status, verification, (decimal)collected, (decimal)goal);

        Assert.Equal(expected, mapped);
        Assert.Equal(pauseReason, reason);
        Assert.Equal(repairs, said.Count);
    }

    [Theory]
    [InlineData("Medical", "medical", false)]
    [InlineData(" ANIMALS ", "animals", false)]
    [InlineData("Disaster Relief", "other", true)]
    [InlineData(null, "other", true)]
    public void Categories_are_lower_case_and_unknown_ones_are_other(string? original, string expected, bool repaired)
    {
        var (category, repair) = LegacyCampaignValues.Category(original);
        Assert.Equal(expected, category);
        Assert.Equal(repaired, repair is not null);
    }

    [Fact]
    public void Amounts_are_rounded_to_the_cent_and_say_so_only_when_they_change()
    {
        Assert.Equal((12.35m, "amount 12.345 has more than two decimals: 12.35"), LegacyCampaignValues.Cents("amount", 12.345m));
        Assert.Equal((12.30m, (string?)null), LegacyCampaignValues.Cents("amount", 12.30m));
    }

    [Theory]
    [InlineData("ETB", "etb")]
    [InlineData(" usd ", "usd")]
    [InlineData("birr", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_currency_setting_is_three_letters(string? setting, string? expected)
    {
        Assert.Equal(expected, LegacyCampaignValues.Currency(setting));
    }
}

using System.Globalization;
using CampaignService.Payments;
using Platform.Hosting.Http;

namespace CampaignService.Tests.Payments;

public sealed class CurrenciesTests
{
    [Fact]
    public void Every_currency_the_body_admits_has_its_rules()
    {
        Assert.Equal(
            Enum.GetValues<CampaignCurrency>().Select(c => c.ToText()).Order(StringComparer.Ordinal),
            Currencies.All.Select(c => c.Code));
    }

    [Fact]
    public void The_schemas_bounds_cover_every_currencys_bounds()
    {
        Assert.All(Currencies.All, c =>
        {
            Assert.InRange(c.MinContribution, (decimal)Currencies.MinContribution, c.MaxContribution);
            Assert.InRange(c.MaxContribution, c.MinContribution, (decimal)Currencies.MaxContribution);
        });
        Assert.Contains(Currencies.All, c => c.MinContribution == (decimal)Currencies.MinContribution);
        Assert.Contains(Currencies.All, c => c.MaxContribution == (decimal)Currencies.MaxContribution);
    }

    [Theory]
    [InlineData("usd", "1", 100)]
    [InlineData("usd", "12.5", 1250)]
    [InlineData("usd", "99999.99", 9999999)]
    [InlineData("eur", "0.07", 7)]
    [InlineData("jpy", "500", 500)]
    [InlineData("jpy", "1000000", 1000000)]
    [InlineData("etb", "50.25", 5025)]
    public void Minor_units_are_exact_both_ways(string currency, string amount, long minor)
    {
        var value = decimal.Parse(amount, CultureInfo.InvariantCulture);

        Assert.Equal(minor, Currencies.Of(currency).ToMinorUnits(value));
        Assert.Equal(value, Currencies.Of(currency).FromMinorUnits(minor));
    }

    [Theory]
    [InlineData("usd", "1.005")]
    [InlineData("jpy", "500.5")]
    public void Minor_units_refuse_finer_digits_than_the_currency_has(string currency, string amount)
    {
        Assert.Throws<ArgumentException>(() => Currencies.Of(currency).ToMinorUnits(decimal.Parse(amount, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_unknown_stored_currency_is_a_fault_not_a_guess()
    {
        Assert.Throws<InvalidOperationException>(() => Currencies.Of("xyz"));
    }

    [Fact]
    public void The_description_lists_each_currencys_bounds()
    {
        Assert.Equal(
            "etb 50–999999; eur 1–100000; gbp 1–100000; jpy 100–1000000 (whole units); kes 100–999999; usd 1–100000",
            Currencies.Describe());
    }
}

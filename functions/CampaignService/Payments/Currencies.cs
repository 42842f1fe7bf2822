using System.Collections.Frozen;
using System.Globalization;
using Platform.Hosting.Http;

namespace CampaignService.Payments;

/// <summary>The currencies a campaign can be run in (the wire value is the lower-case ISO 4217 code).</summary>
public enum CampaignCurrency
{
    Usd,
    Eur,
    Gbp,
    Etb,
    Kes,
    Jpy,
}

/// <summary>
/// A supported currency: how many decimal places its minor unit has (the exponent the payment
/// provider uses: Stripe takes JPY in yen, USD in cents) and the bounds of one contribution in it.
/// </summary>
public sealed record CurrencyRules(CampaignCurrency Currency, int Decimals, decimal MinContribution, decimal MaxContribution)
{
    /// <summary>The lower-case ISO 4217 code: the wire and database value.</summary>
    public string Code => Currency.ToText();

    private decimal Factor => Decimals == 0 ? 1m : 100m;

    /// <summary>The amount in minor units; throws when the amount has finer digits than the currency has (checked before).</summary>
    public long ToMinorUnits(decimal amount) =>
        decimal.Round(amount, Decimals) == amount
            ? (long)(amount * Factor)
            : throw new ArgumentException($"{amount} has more than {Decimals} decimal places for {Code}.", nameof(amount));

    /// <summary>The amount of <paramref name="minor"/> minor units, exactly.</summary>
    public decimal FromMinorUnits(long minor) => minor / Factor;

    /// <summary>Why <paramref name="amount"/> is not a valid amount in this currency, or null.</summary>
    public string? Refuse(decimal amount) =>
        decimal.Round(amount, Decimals) != amount
            ? Decimals == 0 ? $"must be a whole number: {Label} has no minor unit" : $"must have at most {Decimals} decimal places in {Label}"
            : null;

    /// <summary>Why <paramref name="amount"/> is not a valid contribution in this currency, or null.</summary>
    public string? RefuseContribution(decimal amount) =>
        Refuse(amount) ?? (amount < MinContribution || amount > MaxContribution
            ? string.Create(CultureInfo.InvariantCulture, $"must be between {MinContribution} and {MaxContribution} {Label}")
            : null);

    private string Label => Code.ToUpperInvariant();
}

/// <summary>
/// The table of supported currencies, said once: the body's <c>currency</c> field takes exactly these
/// (<see cref="CampaignCurrency"/>), contributions are checked against their bounds and converted to
/// minor units with their exponent, and the API table describes them from here.
/// </summary>
public static class Currencies
{
    /// <summary>A campaign created without a currency.</summary>
    public const string Default = "usd";

    /// <summary>The loosest bounds over all currencies: the schema's bounds of a contribution's amount ([Money] takes doubles).</summary>
    public const double MinContribution = 1;
    public const double MaxContribution = 1_000_000;

    /// <summary>
    /// Minimums above the providers' minimum charge (Stripe: 0.50 USD, 50 JPY) and maximums within
    /// Stripe's eight digits of minor units and the database's bound of 1,000,000 per contribution.
    /// </summary>
    private static readonly FrozenDictionary<string, CurrencyRules> Table = new CurrencyRules[]
    {
        new(CampaignCurrency.Usd, 2, 1m, 100_000m),
        new(CampaignCurrency.Eur, 2, 1m, 100_000m),
        new(CampaignCurrency.Gbp, 2, 1m, 100_000m),
        new(CampaignCurrency.Etb, 2, 50m, 999_999m),
        new(CampaignCurrency.Kes, 2, 100m, 999_999m),
        new(CampaignCurrency.Jpy, 0, 100m, 1_000_000m),
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    public static IEnumerable<CurrencyRules> All => Table.Values.OrderBy(c => c.Code, StringComparer.Ordinal);

    /// <summary>The rules of a currency stored on a campaign (always one of the table's: the body admits no other).</summary>
    public static CurrencyRules Of(string code) =>
        Table.TryGetValue(code, out var rules) ? rules : throw new InvalidOperationException($"Currency '{code}' is not supported.");

    /// <summary>The bounds per currency, for the API description.</summary>
    public static string Describe() => string.Join(
        "; ",
        All.Select(c => string.Create(
            CultureInfo.InvariantCulture,
            $"{c.Code} {c.MinContribution}–{c.MaxContribution}{(c.Decimals == 0 ? " (whole units)" : string.Empty)}")));

    /// <summary>A 400 on <paramref name="field"/> when <paramref name="amount"/> has finer digits than the currency.</summary>
    public static Failure? CheckAmount(string currency, string field, decimal amount) =>
        Of(currency).Refuse(amount) is { } message ? Result.Invalid(field, message) : null;
}

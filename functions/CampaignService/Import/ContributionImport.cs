using Dapper;
using Platform.Data;
using Platform.Data.Import;

namespace CampaignService.Import;

/// <summary>A row of the original campaign database's <c>public.contributions</c>.</summary>
public sealed class LegacyContribution : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? CampaignId { get; init; }

    public Guid? ContributorId { get; init; }

    public decimal? Amount { get; init; }

    public DateTime? CreatedAt { get; init; }
}

/// <summary>
/// <c>public.contributions</c> of the original campaign database → <c>campaign.contributions</c>
/// (after the campaigns). They are history: money the original app already took, with no payment
/// behind them that the platform could refund, so each is <c>confirmed</c> (at its creation time)
/// with provider <see cref="LegacyCampaignValues.Provider"/>, in its campaign's currency. The refund
/// saga never takes them (see docs/MOVING-IN.md). The contributor is kept as the original named them
/// (no profile check: money given by a user the original has since deleted still counts in the
/// campaign's total). Publishes nothing.
/// </summary>
public sealed class ContributionImport : LegacyTableImport<LegacyContribution>
{
    public override string Source => "public.contributions";

    protected override string Columns => "id, campaign_id, user_id as contributor_id, amount, created_at";

    /// <summary>
    /// Which original contributions are imported, as SQL over the alias <paramref name="k"/>: the
    /// campaign import sums the same ones, so a campaign's collected amount is the sum of its imported
    /// contributions. (A contribution of a campaign that was skipped is skipped as well.)
    /// </summary>
    public static string Valid(string k) =>
        $"{k}.user_id is not null and round({k}.amount, 2) between {LegacyCampaignValues.MinAmount} and {LegacyCampaignValues.MaxAmount}";

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyContribution> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var campaignIds = rows.Where(r => r.CampaignId is not null).Select(r => r.CampaignId!.Value).Distinct().ToArray();
        var campaigns = (await uow.Connection.QueryAsync<(Guid Id, string Currency)>(new CommandDefinition(
            "select id, currency from campaign.campaigns where id = any(@campaignIds)", new { campaignIds }, uow.Transaction, cancellationToken: cancellationToken)))
            .ToDictionary(c => c.Id, c => c.Currency);
        var mapped = new List<MappedContribution>(rows.Count);
        foreach (var row in rows)
        {
            var rounded = row.Amount is { } a ? decimal.Round(a, 2, MidpointRounding.AwayFromZero) : (decimal?)null;
            if (row.CampaignId is not { } campaignId)
            {
                batch.Skip(row.Id, "campaign_id is empty");
            }
            else if (!campaigns.TryGetValue(campaignId, out var currency))
            {
                batch.Skip(row.Id, $"campaign {campaignId} was not imported (missing from public.campaigns, or skipped)");
            }
            else if (row.ContributorId is not { } contributorId)
            {
                batch.Skip(row.Id, "user_id is empty (no contributor)");
            }
            else if (rounded is not { } amount || amount is < LegacyCampaignValues.MinAmount or > LegacyCampaignValues.MaxAmount)
            {
                batch.Skip(row.Id, $"amount {(row.Amount is { } x ? LegacyCampaignValues.Money(x) : "(empty)")} is outside {LegacyCampaignValues.MinAmount}..{LegacyCampaignValues.MaxAmount:0}");
            }
            else
            {
                var created = batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, null));
                mapped.Add(new MappedContribution(
                    row.Id, campaignId, contributorId, batch.Use(row.Id, LegacyCampaignValues.Cents("amount", row.Amount!.Value)), currency, created));
            }
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = await uow.Connection.QueryAsync<bool>(new CommandDefinition(
            """
            insert into campaign.contributions as k (id, campaign_id, contributor_id, amount, amount_minor, currency, status, provider,
                confirmed_at, created_at, updated_at)
            select u.id, u.campaign_id, u.contributor_id, u.amount, (u.amount * 100)::bigint, u.currency, 'confirmed', @provider,
                   u.created_at, u.created_at, u.created_at
              from unnest(@Id, @CampaignId, @ContributorId, @Amount, @Currency, @CreatedAt) as u(id, campaign_id, contributor_id, amount, currency, created_at)
            on conflict (id) do update set campaign_id = excluded.campaign_id, contributor_id = excluded.contributor_id, amount = excluded.amount,
                amount_minor = excluded.amount_minor, currency = excluded.currency, confirmed_at = excluded.confirmed_at,
                created_at = excluded.created_at, updated_at = now()
             where k.provider = @provider
               and (k.campaign_id, k.contributor_id, k.amount, k.currency, k.created_at)
                is distinct from (excluded.campaign_id, excluded.contributor_id, excluded.amount, excluded.currency, excluded.created_at)
            returning (k.xmax = 0)
            """,
            new
            {
                provider = LegacyCampaignValues.Provider,
                Id = mapped.Select(m => m.Id).ToArray(),
                CampaignId = mapped.Select(m => m.CampaignId).ToArray(),
                ContributorId = mapped.Select(m => m.ContributorId).ToArray(),
                Amount = mapped.Select(m => m.Amount).ToArray(),
                Currency = mapped.Select(m => m.Currency).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
        var inserted = written.Count(i => i);
        batch.Wrote(inserted, written.Count() - inserted);
    }
}

/// <summary>A contribution as the platform stores it (confirmed, provider <c>legacy</c>).</summary>
public sealed record MappedContribution(Guid Id, Guid CampaignId, Guid ContributorId, decimal Amount, string Currency, DateTime CreatedAt);

/// <summary>The settings of campaign-service's import: the currency of the original's amounts.</summary>
public sealed class LegacyCampaignSettings(Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    /// <summary>The setting with the original campaign database's connection string.</summary>
    public const string ConnectionSetting = "LegacyCampaignDbConnection";

    /// <summary>The setting with the currency the original's amounts are in (ISO 4217, e.g. <c>ETB</c>).</summary>
    public const string CurrencySetting = "LegacyCurrency";

    /// <summary>The currency in lower case; valid once <see cref="LegacyCampaignImportCheck"/> passed.</summary>
    public string Currency => LegacyCampaignValues.Currency(configuration[CurrencySetting]) ?? "usd";

    public string? Problem() =>
        LegacyCampaignValues.Currency(configuration[CurrencySetting]) is null
            ? $"Set {CurrencySetting} to the three-letter currency of the original's amounts (e.g. ETB); got '{configuration[CurrencySetting]}'."
            : null;
}

/// <summary>
/// Before campaign-service's import: the currency is set, and the profile copy holds profiles (the
/// owners are checked against it; an empty copy means donation-service's import has not run or its
/// events have not reached campaign-service yet, and every campaign would be skipped).
/// </summary>
public sealed class LegacyCampaignImportCheck(LegacyCampaignSettings settings, ServiceDatabase database) : ILegacyImportCheck
{
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (settings.Problem() is { } problem)
        {
            return problem;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var any = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from campaign.profile_copies)", cancellationToken: cancellationToken));
        return any
            ? null
            : "campaign-service's profile copy is empty: run donation-service's import-legacy first and let campaign-service consume its profile events (check-copies tells when they match).";
    }
}

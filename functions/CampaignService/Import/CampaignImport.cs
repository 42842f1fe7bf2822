using Dapper;
using Platform.Data;
using Platform.Data.Import;

namespace CampaignService.Import;

/// <summary>A row of the original campaign database's <c>public.campaigns</c>, with the sums of its valid contributions.</summary>
public sealed class LegacyCampaign : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? OwnerId { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Category { get; init; }

    public string? Location { get; init; }

    public string? ImageUrl { get; init; }

    public decimal? GoalAmount { get; init; }

    public decimal? CurrentAmount { get; init; }

    public string? Status { get; init; }

    public string? VerificationStatus { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }

    /// <summary>The sum of the contributions the contribution import takes (<see cref="ContributionImport.Valid"/>), rounded to the cent each.</summary>
    public decimal Collected { get; init; }

    public int Contributors { get; init; }
}

/// <summary>
/// <c>public.campaigns</c> of the original campaign database → <c>campaign.campaigns</c>, keeping the
/// original ids, in the currency of the <c>LegacyCurrency</c> setting. The owner must be in
/// campaign-service's profile copy (profiles live in the original's other database; donation-service
/// imports them and its events build the copy, so its import comes first). The collected amount and
/// the contributor count are those of the contributions <see cref="ContributionImport"/> takes, summed
/// in the original database, so the campaign equals the sum of its imported contributions. Publishes
/// nothing: an imported campaign must not notify its owner.
/// </summary>
public sealed class CampaignImport(LegacyCampaignSettings settings) : LegacyTableImport<LegacyCampaign>
{
    public const string UntitledTitle = "Untitled campaign";

    public override string Source => "public.campaigns";

    protected override string Columns =>
        """
        c.id, c.user_id as owner_id, c.title, c.description, c.category, c.location, c.image_url, c.goal_amount, c.current_amount,
        c.status, c.verification_status, c.created_at, c.updated_at, coalesce(t.collected, 0) as collected, coalesce(t.contributors, 0)::int as contributors
        """;

    protected override string From =>
        $"""
        public.campaigns c left join lateral (
            select sum(round(k.amount, 2)) as collected, count(distinct k.user_id) as contributors
              from public.contributions k where k.campaign_id = c.id and {ContributionImport.Valid("k")}) t on true
        """;

    protected override string Key => "c.id";

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyCampaign> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var ownerIds = rows.Where(r => r.OwnerId is not null).Select(r => r.OwnerId!.Value).Distinct().ToArray();
        var owners = (await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
            "select user_id from campaign.profile_copies where user_id = any(@ownerIds)", new { ownerIds }, uow.Transaction, cancellationToken: cancellationToken))).ToHashSet();
        var mapped = new List<MappedCampaign>(rows.Count);
        foreach (var row in rows)
        {
            if (row.OwnerId is not { } ownerId)
            {
                batch.Skip(row.Id, "user_id is empty (a campaign with no owner)");
            }
            else if (!owners.Contains(ownerId))
            {
                batch.Skip(row.Id, $"owner {ownerId} has no profile (not in campaign-service's profile copy: missing from the original's profiles, or donation-service's import not yet copied)");
            }
            else if (row.GoalAmount is not { } goal || decimal.Round(goal, 2, MidpointRounding.AwayFromZero) is < LegacyCampaignValues.MinGoal or > LegacyCampaignValues.MaxGoal)
            {
                batch.Skip(row.Id, $"goal_amount {(row.GoalAmount is { } g ? LegacyCampaignValues.Money(g) : "(empty)")} is outside {LegacyCampaignValues.MinGoal}..{LegacyCampaignValues.MaxGoal:0}");
            }
            else
            {
                mapped.Add(Map(row, ownerId, goal, settings.Currency, batch));
            }
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = await uow.Connection.QueryAsync<bool>(new CommandDefinition(
            """
            insert into campaign.campaigns as c (id, recipient_id, title, description, category, location, image_url, goal_amount, collected_amount,
                contributor_count, status, pause_reason, completed_at, currency, created_at, updated_at)
            select * from unnest(@Id, @OwnerId, @Title, @Description, @Category, @Location, @ImageUrl, @Goal, @Collected,
                @Contributors, @Status, @PauseReason, @CompletedAt, @Currency, @CreatedAt, @UpdatedAt)
            on conflict (id) do update set recipient_id = excluded.recipient_id, title = excluded.title, description = excluded.description,
                category = excluded.category, location = excluded.location, image_url = excluded.image_url, goal_amount = excluded.goal_amount,
                collected_amount = excluded.collected_amount, contributor_count = excluded.contributor_count, status = excluded.status,
                pause_reason = excluded.pause_reason, completed_at = excluded.completed_at, currency = excluded.currency,
                created_at = excluded.created_at, updated_at = excluded.updated_at, deleted_at = null, deleted_by = null, version = c.version + 1
             where (c.recipient_id, c.title, c.description, c.category, c.location, c.image_url, c.goal_amount, c.collected_amount,
                    c.contributor_count, c.status, c.pause_reason, c.completed_at, c.currency, c.created_at, c.deleted_at)
                is distinct from (excluded.recipient_id, excluded.title, excluded.description, excluded.category, excluded.location,
                    excluded.image_url, excluded.goal_amount, excluded.collected_amount, excluded.contributor_count, excluded.status,
                    excluded.pause_reason, excluded.completed_at, excluded.currency, excluded.created_at, null::timestamptz)
            returning (c.xmax = 0)
            """,
            new
            {
                Id = mapped.Select(m => m.Id).ToArray(),
                OwnerId = mapped.Select(m => m.OwnerId).ToArray(),
                Title = mapped.Select(m => m.Title).ToArray(),
                Description = mapped.Select(m => m.Description).ToArray(),
                Category = mapped.Select(m => m.Category).ToArray(),
                Location = mapped.Select(m => m.Location).ToArray(),
                ImageUrl = mapped.Select(m => m.ImageUrl).ToArray(),
                Goal = mapped.Select(m => m.Goal).ToArray(),
                Collected = mapped.Select(m => m.Collected).ToArray(),
                Contributors = mapped.Select(m => m.Contributors).ToArray(),
                Status = mapped.Select(m => m.Status).ToArray(),
                PauseReason = mapped.Select(m => m.PauseReason).ToArray(),
                CompletedAt = mapped.Select(m => m.CompletedAt).ToArray(),
                Currency = mapped.Select(m => m.Currency).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
                UpdatedAt = mapped.Select(m => m.UpdatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
        var inserted = written.Count(i => i);
        batch.Wrote(inserted, written.Count() - inserted);
    }

    /// <summary>The platform's campaign for an original one with an owner and a goal; every changed value is reported as a repair.</summary>
    public static MappedCampaign Map(LegacyCampaign row, Guid ownerId, decimal goal, string currency, ImportBatch batch)
    {
        var created = batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, row.UpdatedAt));
        var updated = row.UpdatedAt ?? created;
        var title = batch.Use(row.Id, LegacyFields.Cut("title", row.Title?.Trim(), LegacyCampaignValues.Title));
        if (string.IsNullOrEmpty(title))
        {
            batch.Repair(row.Id, $"title is empty: '{UntitledTitle}'");
            title = UntitledTitle;
        }

        var roundedGoal = batch.Use(row.Id, LegacyCampaignValues.Cents("goal_amount", goal));
        if (row.CurrentAmount is { } current && current != row.Collected)
        {
            batch.Repair(row.Id, $"current_amount {LegacyCampaignValues.Money(current)} is not the sum of its contributions ({LegacyCampaignValues.Money(row.Collected)}): the sum used");
        }

        var (status, pauseReason, repairs) = LegacyCampaignValues.Status(row.Status, row.VerificationStatus, row.Collected, roundedGoal);
        foreach (var repair in repairs)
        {
            batch.Repair(row.Id, repair);
        }

        return new MappedCampaign(
            row.Id,
            ownerId,
            title,
            batch.Use(row.Id, LegacyFields.Cut("description", row.Description, LegacyCampaignValues.Description)),
            batch.Use(row.Id, LegacyCampaignValues.Category(row.Category)),
            batch.Use(row.Id, LegacyFields.Cut("location", row.Location, LegacyCampaignValues.Location)),
            batch.Use(row.Id, LegacyFields.DropIfLonger("image_url", row.ImageUrl, LegacyCampaignValues.Url)),
            roundedGoal,
            row.Collected,
            row.Contributors,
            status,
            pauseReason,
            status == "completed" ? updated : null,
            currency,
            created,
            updated);
    }
}

/// <summary>A campaign as the platform stores it.</summary>
public sealed record MappedCampaign(
    Guid Id,
    Guid OwnerId,
    string Title,
    string? Description,
    string Category,
    string? Location,
    string? ImageUrl,
    decimal Goal,
    decimal Collected,
    int Contributors,
    string Status,
    string? PauseReason,
    DateTime? CompletedAt,
    string Currency,
    DateTime CreatedAt,
    DateTime UpdatedAt);

using System.Text;
using CampaignService.Payments;
using Dapper;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>The SQL of campaigns. Writes run inside the caller's unit of work.</summary>
public sealed class CampaignStore(ServiceDatabase database) : ICampaignStore
{
    private const string Columns =
        "id, recipient_id, title, description, category, location, image_url, goal_amount, collected_amount, contributor_count, currency, "
        + "status, pause_reason, review_reason, completed_at, version, created_at, updated_at, deleted_at, resubmitted_at";

    private static readonly string[] PublicStates = CampaignRules.PublicStates.Select(s => s.ToText()).ToArray();

    public async Task<Campaign?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Campaign>(new CommandDefinition(
            $"select {Columns} from campaign.campaigns where id = @id and deleted_at is null", new { id }, cancellationToken: cancellationToken));
    }

    public Task<Campaign?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Campaign>(new CommandDefinition(
            $"select {Columns} from campaign.campaigns where id = @id and deleted_at is null for update",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<Campaign>> LockOfRecipientAsync(UnitOfWork uow, Guid recipientId, CampaignStatus status, CancellationToken cancellationToken)
    {
        var rows = await uow.Connection.QueryAsync<Campaign>(new CommandDefinition(
            $"""
            select {Columns} from campaign.campaigns
             where recipient_id = @recipientId and status = @status and deleted_at is null
             order by created_at, id
               for update
            """,
            new { recipientId, status = status.ToText() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task<Campaign> InsertAsync(UnitOfWork uow, Guid recipientId, CampaignFields fields, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            insert into campaign.campaigns (id, recipient_id, title, description, category, location, image_url, goal_amount, currency, status)
            values (@id, @recipientId, @Title, @Description, @category, @Location, @ImageUrl, @GoalAmount, @currency, 'pending')
            returning {Columns}
            """,
            new
            {
                id = Guid.CreateVersion7(), recipientId, fields.Title, fields.Description, category = fields.Category.ToText(),
                fields.Location, fields.ImageUrl, fields.GoalAmount, currency = fields.Currency ?? Currencies.Default,
            },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> UpdateAsync(UnitOfWork uow, Guid id, CampaignFields fields, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns
               set title = @Title, description = @Description, category = @category, location = @Location, image_url = @ImageUrl,
                   goal_amount = @GoalAmount, currency = coalesce(@Currency, currency), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, fields.Title, fields.Description, category = fields.Category.ToText(), fields.Location, fields.ImageUrl, fields.GoalAmount, fields.Currency },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> ResubmitAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns
               set status = 'pending', pause_reason = null, resubmitted_at = now(), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> SetStatusAsync(UnitOfWork uow, Guid id, CampaignStatus status, string? pauseReason, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns set status = @status, pause_reason = @pauseReason, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText(), pauseReason },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> ReviewAsync(UnitOfWork uow, Guid id, CampaignStatus status, string? reason, Guid reviewer, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns
               set status = @status, review_reason = @reason, reviewed_by = @reviewer, reviewed_at = now(), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText(), reason, reviewer },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> SoftDeleteAsync(UnitOfWork uow, Guid id, Guid deletedBy, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns set deleted_at = now(), deleted_by = @deletedBy, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, deletedBy },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> AddContributionAsync(UnitOfWork uow, Guid id, decimal amount, bool newContributor, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns
               set collected_amount = collected_amount + @amount,
                   contributor_count = contributor_count + case when @newContributor then 1 else 0 end,
                   status = case when collected_amount + @amount >= goal_amount then 'completed' else status end,
                   completed_at = case when collected_amount + @amount >= goal_amount then now() else completed_at end,
                   version = version + 1, updated_at = now()
             where id = @id and status = 'active'
            returning {Columns}
            """,
            new { id, amount, newContributor },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// A page of campaigns the caller may see, newest first. Each filter adds a fixed, parameterised
    /// condition, so PostgreSQL plans every combination with its own index.
    /// </summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(CampaignFilter filter, Caller? caller, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"select {Columns} from campaign.campaigns where deleted_at is null");
        sql.Append(VisibleRows.Condition(caller is not null, caller?.IsAdmin == true, filter.Status?.ToText(), PublicStates, "recipient_id"));

        if (filter.Status is not null)
        {
            sql.Append(" and status = @status");
        }

        if (filter.Category is not null)
        {
            sql.Append(" and category = @category");
        }

        if (filter.RecipientId is not null)
        {
            sql.Append(" and recipient_id = @RecipientId");
        }

        if (page.After is not null)
        {
            sql.Append(" and (created_at, id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by created_at desc, id desc limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Campaign>(new CommandDefinition(
            sql.ToString(),
            new
            {
                publicStates = PublicStates,
                callerId = caller?.UserId,
                status = filter.Status?.ToText(),
                category = filter.Category?.ToText(),
                filter.RecipientId,
                afterAt = page.After?.AtOffset,
                afterId = page.After?.Id,
                take = page.Limit + 1,
            },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

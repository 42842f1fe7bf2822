using System.Text;
using CampaignService.Files;
using CampaignService.Payments;
using Dapper;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>The SQL of campaigns. Writes run inside the caller's unit of work.</summary>
public sealed class CampaignStore(ServiceDatabase database, TextSearchOptions search) : ICampaignStore
{
    private const string Columns =
        "id, recipient_id, title, description, category, location, image_url, goal_amount, collected_amount, contributor_count, currency, "
        + "status, pause_reason, review_reason, completed_at, ends_at, ended_at, version, created_at, updated_at, deleted_at, resubmitted_at";

    private static readonly string[] PublicStates = CampaignRules.PublicStates.Select(s => s.ToText()).ToArray();

    public async Task<Campaign?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Campaign>(new CommandDefinition(
            WithImages($"select {Columns} from campaign.campaigns where id = @id and deleted_at is null", "id"), new { id }, cancellationToken: cancellationToken));
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
            insert into campaign.campaigns (id, recipient_id, title, description, category, location, image_url, goal_amount, currency, ends_at, status)
            values (@id, @recipientId, @Title, @Description, @category, @Location, @ImageUrl, @GoalAmount, @currency, @EndsAt, 'pending')
            returning {Columns}
            """,
            new
            {
                id = Guid.CreateVersion7(), recipientId, fields.Title, fields.Description, category = fields.Category.ToText(),
                fields.Location, fields.ImageUrl, fields.GoalAmount, currency = fields.Currency ?? Currencies.Default, fields.EndsAt,
            },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Campaign> UpdateAsync(UnitOfWork uow, Guid id, CampaignFields fields, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Campaign>(new CommandDefinition(
            $"""
            update campaign.campaigns
               set title = @Title, description = @Description, category = @category, location = @Location, image_url = @ImageUrl,
                   goal_amount = @GoalAmount, currency = coalesce(@Currency, currency), ends_at = @EndsAt, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, fields.Title, fields.Description, category = fields.Category.ToText(), fields.Location, fields.ImageUrl, fields.GoalAmount, fields.Currency, fields.EndsAt },
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
    /// A page of campaigns the caller may see, in the order asked for (issue 17): newest, relevance to
    /// q (GIN index on the generated <c>search</c>), ending_soon (deadline first, none last), most or
    /// least funded (share of the goal). relevance ranks the 1,000 newest matches only. Other sorts than newest select their value as <c>sort_key</c>
    /// and page on (sort_key, id); ending_soon's is the deadline in microseconds since 1970 (exact in a
    /// double), +infinity without one.
    /// </summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(CampaignFilter filter, Caller? caller, PageRequest page, CancellationToken cancellationToken)
    {
        var sort = filter.SortBy();
        const int RelevanceCandidates = 1000;
        var query = "websearch_to_tsquery(@config::regconfig, @q)";
        const string EndsKey = "coalesce(ends_at, 'infinity'::timestamptz)";
        const string Funded = "(collected_amount / goal_amount)::float8";
        var (sortKey, selected, descending) = sort switch
        {
            CampaignSort.Relevance => ($"ts_rank(search, {query})::float8", $"ts_rank(search, {query})::float8", true),
            CampaignSort.EndingSoon => (EndsKey, "case when ends_at is null then 'Infinity'::float8 else (extract(epoch from ends_at) * 1000000)::float8 end", false),
            CampaignSort.MostFunded => (Funded, Funded, true),
            CampaignSort.LeastFunded => (Funded, Funded, false),
            _ => (null, null, true),
        };
        var sql = new StringBuilder();
        if (sort == CampaignSort.Relevance)
        {
            // Ranking reads each candidate's tsvector: only the newest matches are ranked (as in donation-service).
            sql.Append("select * from (");
        }

        sql.Append($"select {Columns}");
        if (selected is not null)
        {
            sql.Append($", {selected} as sort_key");
        }

        sql.Append(" from campaign.campaigns where deleted_at is null");
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

        if (filter.Query is not null)
        {
            sql.Append($" and search @@ {query}");
        }

        var afterEnds = page.After is { Sort: not null, Key: var key } && sort == CampaignSort.EndingSoon ? EndsAfter(key) : null;
        if (sort == CampaignSort.Relevance)
        {
            sql.Append($" order by created_at desc, id desc limit {RelevanceCandidates}) c where true");
            sortKey = "sort_key";
        }

        if (page.After is not null)
        {
            var after = sort == CampaignSort.EndingSoon ? "coalesce(@afterEnds, 'infinity'::timestamptz)" : "@afterKey";
            sql.Append(sortKey is null
                ? " and (created_at, id) < (@afterAt, @afterId)"
                : $" and ({sortKey}, id) {(descending ? "<" : ">")} ({after}, @afterId)");
        }

        sql.Append(sortKey is null
            ? " order by created_at desc, id desc limit @take"
            : descending ? $" order by {sortKey} desc, id desc limit @take" : $" order by {sortKey}, id limit @take");

        // The page's own order again, over its selected columns (sort_key orders as the sort's key does).
        var order = selected is null ? "created_at desc, id desc" : descending ? "sort_key desc, id desc" : "sort_key, id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Campaign>(new CommandDefinition(
            WithImages(sql.ToString(), order),
            new
            {
                publicStates = PublicStates,
                callerId = caller?.UserId,
                status = filter.Status?.ToText(),
                category = filter.Category?.ToText(),
                filter.RecipientId,
                config = search.Configuration,
                q = filter.Query,
                afterAt = page.After?.AtOffset,
                afterKey = page.After?.Key,
                afterEnds = afterEnds is { } ends ? new DateTimeOffset(ends) : (DateTimeOffset?)null,
                afterId = page.After?.Id,
                take = page.Limit + 1,
            },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>A read of campaigns with their images, in one statement: a page costs one round trip.</summary>
    private static string WithImages(string sql, string orderBy) => CampaignImageStore.Table.WithFilesSql(sql, orderBy);

    /// <summary>
    /// The deadline of an ending_soon cursor (microseconds since 1970); null for +infinity (no deadline).
    /// A forged value beyond DateTime's range is clamped rather than failing.
    /// </summary>
    private static DateTime? EndsAfter(double micros)
    {
        var min = -(double)(DateTime.UnixEpoch.Ticks / 10);
        var max = (double)((DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        return micros > max ? null : DateTime.UnixEpoch.AddTicks((long)Math.Max(micros, min) * 10);
    }

    /// <summary>The cursor after <paramref name="campaign"/> in a list sorted by <paramref name="sort"/>.</summary>
    public static Cursor CursorOf(Campaign campaign, CampaignSort sort) => sort == CampaignSort.Newest
        ? new Cursor(campaign.CreatedAt, campaign.Id)
        : Cursor.Sorted(sort.ToText(), campaign.SortKey ?? 0, campaign.Id);

    public async Task<IReadOnlyList<Campaign>> EndDueAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken) =>
        (await uow.Connection.QueryAsync<Campaign>(new CommandDefinition(
            $"""
            with due as (
                select id from campaign.campaigns
                 where deleted_at is null and ends_at is not null and ends_at <= now() and status in ('active', 'paused')
                 order by ends_at
                 limit @batch
                   for update skip locked)
            update campaign.campaigns c
               set status = 'ended', ended_at = now(), pause_reason = null, version = c.version + 1, updated_at = now()
              from due
             where c.id = due.id
            returning {string.Join(", ", Columns.Split(", ").Select(column => "c." + column.Trim()))}
            """,
            new { batch },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
}

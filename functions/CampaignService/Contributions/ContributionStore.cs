using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>Reads and writes of contributions; writes join the caller's unit of work.</summary>
public interface IContributionStore
{
    Task<Contribution> InsertAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, decimal amount, CancellationToken cancellationToken);

    /// <summary>
    /// True when the contributor has no other contribution to the campaign. Call it after inserting
    /// while holding the campaign's row lock, so earlier contributions are committed and visible.
    /// </summary>
    Task<bool> IsFirstOfContributorAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Guid>> ContributorIdsAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Contribution>> ListAsync(Guid campaignId, Guid? contributorId, PageRequest page, CancellationToken cancellationToken);
}

/// <summary>The SQL of contributions.</summary>
public sealed class ContributionStore(ServiceDatabase database) : IContributionStore
{
    private const string Columns = "id, campaign_id, contributor_id, amount, created_at";

    public Task<Contribution> InsertAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, decimal amount, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Contribution>(new CommandDefinition(
            $"""
            insert into campaign.contributions (id, campaign_id, contributor_id, amount)
            values (@id, @campaignId, @contributorId, @amount)
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), campaignId, contributorId, amount },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<bool> IsFirstOfContributorAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from (select 1 from campaign.contributions where campaign_id = @campaignId and contributor_id = @contributorId limit 2) c",
            new { campaignId, contributorId },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task<IReadOnlyList<Guid>> ContributorIdsAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken)
    {
        var ids = await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
            "select distinct contributor_id from campaign.contributions where campaign_id = @campaignId order by contributor_id",
            new { campaignId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        return ids.AsList();
    }

    public async Task<IReadOnlyList<Contribution>> ListAsync(Guid campaignId, Guid? contributorId, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from campaign.contributions where campaign_id = @campaignId"
            + (contributorId is null ? string.Empty : " and contributor_id = @contributorId")
            + (page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)")
            + " order by created_at desc, id desc limit @take";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Contribution>(new CommandDefinition(
            sql,
            new { campaignId, contributorId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

using System.ComponentModel;
using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Updates;

/// <summary>A campaign_updates row (migration 0012).</summary>
public sealed class CampaignUpdate
{
    public Guid Id { get; init; }

    public Guid CampaignId { get; init; }

    public string Body { get; init; } = string.Empty;

    public DateTime CreatedAt { get; init; }
}

/// <summary>A progress update as anyone who can see its campaign reads it.</summary>
public sealed record CampaignUpdateView(Guid Id, Guid CampaignId, string Body, DateTime CreatedAt)
{
    public static CampaignUpdateView From(CampaignUpdate u) => new(u.Id, u.CampaignId, u.Body, u.CreatedAt);
}

/// <summary>The owner's progress update: plain text.</summary>
public sealed record CampaignUpdateBody(
    [property: Required, Text(1, CampaignUpdates.MaxBody), Description("What happened: plain text, up to 2,000 characters (trimmed).")] string? Body)
{
    /// <summary>The first 140 characters, for notifications.</summary>
    public string ToExcerpt() => Body!.Length <= CampaignUpdates.ExcerptLength ? Body : string.Concat(Body.AsSpan(0, CampaignUpdates.ExcerptLength - 1), "…");
}

/// <summary>The SQL of campaign updates.</summary>
public sealed class CampaignUpdates(ServiceDatabase database)
{
    public const int MaxBody = 2000;
    public const int ExcerptLength = 140;

    /// <summary>At most this many updates per campaign in any 24 hours: each one notifies every contributor.</summary>
    public const int MaxPerDay = 5;

    private const string Columns = "id, campaign_id, body, created_at";

    public Task<CampaignUpdate> InsertAsync(UnitOfWork uow, Guid campaignId, Guid authorId, string body, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<CampaignUpdate>(new CommandDefinition(
            $"insert into campaign.campaign_updates (id, campaign_id, author_id, body) values (@id, @campaignId, @authorId, @body) returning {Columns}",
            new { id = Guid.CreateVersion7(), campaignId, authorId, body },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Updates of the campaign in the last 24 hours (a range of campaign_updates_keyset); the caller holds the campaign's lock.</summary>
    public Task<int> PostedLastDayAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*)::int from campaign.campaign_updates where campaign_id = @campaignId and created_at > now() - interval '24 hours'",
            new { campaignId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>A page of the campaign's updates, newest first.</summary>
    public async Task<IReadOnlyList<CampaignUpdate>> ListAsync(Guid campaignId, PageRequest page, CancellationToken cancellationToken)
    {
        var after = page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CampaignUpdate>(new CommandDefinition(
            $"select {Columns} from campaign.campaign_updates where campaign_id = @campaignId{after} order by created_at desc, id desc limit @take",
            new { campaignId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

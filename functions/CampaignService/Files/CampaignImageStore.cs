using Dapper;
using Platform.Blobs;
using Platform.Data;

namespace CampaignService.Files;

/// <summary>The attached images of campaigns.</summary>
public interface ICampaignImageStore
{
    /// <summary>The images of these campaigns, in order.</summary>
    Task<IReadOnlyList<CampaignImage>> ForCampaignsAsync(IReadOnlyCollection<Guid> campaignIds, CancellationToken cancellationToken);

    /// <summary>The images of one campaign inside a unit of work (the campaign is locked by the caller).</summary>
    Task<IReadOnlyList<CampaignImage>> ForCampaignAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken);

    /// <summary>Appends an image; false if the blob is attached already (to this or another campaign).</summary>
    Task<bool> AppendAsync(UnitOfWork uow, Guid campaignId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="keep"/> in that order and removes the campaign's other images.</summary>
    Task ArrangeAsync(UnitOfWork uow, Guid campaignId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken);
}

public sealed class CampaignImageStore(ServiceDatabase database) : ICampaignImageStore, IBlobAttachments
{
    private const string Columns = "blob_id, campaign_id, owner_id, position, content_type, size_bytes";

    public async Task<IReadOnlyList<CampaignImage>> ForCampaignsAsync(IReadOnlyCollection<Guid> campaignIds, CancellationToken cancellationToken)
    {
        if (campaignIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CampaignImage>(new CommandDefinition(
            $"select {Columns} from campaign.campaign_images where campaign_id = any(@ids) order by campaign_id, position",
            new { ids = campaignIds.ToArray() },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<CampaignImage>> ForCampaignAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken) =>
        [.. await uow.Connection.QueryAsync<CampaignImage>(new CommandDefinition(
            $"select {Columns} from campaign.campaign_images where campaign_id = @campaignId order by position",
            new { campaignId },
            uow.Transaction,
            cancellationToken: cancellationToken))];

    public async Task<bool> AppendAsync(UnitOfWork uow, Guid campaignId, Guid ownerId, UploadedBlob blob, int position, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into campaign.campaign_images (blob_id, campaign_id, owner_id, position, content_type, size_bytes)
            values (@Id, @campaignId, @ownerId, @position, @contentType, @Size)
            on conflict (blob_id) do nothing
            """,
            new { blob.Id, campaignId, ownerId, position, contentType = blob.Type.MediaType, blob.Size },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task ArrangeAsync(UnitOfWork uow, Guid campaignId, IReadOnlyList<Guid> keep, CancellationToken cancellationToken)
    {
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            "delete from campaign.campaign_images where campaign_id = @campaignId and blob_id <> all(@keep)",
            new { campaignId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update campaign.campaign_images i set position = k.ord - 1
              from unnest(@keep) with ordinality as k(blob_id, ord)
             where i.blob_id = k.blob_id and i.campaign_id = @campaignId
            """,
            new { campaignId, keep = keep.ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>For the sweeper: which of these blobs are attached to a campaign (deleted or not).</summary>
    public async Task<IReadOnlySet<Guid>> FindAttachedAsync(BlobKind kind, IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            "select blob_id from campaign.campaign_images where blob_id = any(@ids)",
            new { ids = blobIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.ToHashSet();
    }
}

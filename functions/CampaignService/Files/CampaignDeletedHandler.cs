using Platform.Blobs;
using Platform.Contracts.Events;

namespace CampaignService.Files;

/// <summary>A deleted campaign (by its owner, an admin, or a report resolved with removal) loses its images through its own <c>campaign.deleted</c>.</summary>
public sealed class CampaignDeletedHandler(ICampaignImageStore images, BlobStorage storage)
    : AttachedFilesDeletedHandler<CampaignDeleted>(images, storage, CampaignFiles.CampaignImage)
{
    protected override Guid ParentOf(CampaignDeleted message) => message.CampaignId;
}

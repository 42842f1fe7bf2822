using Platform.Blobs;
using Platform.Data;

namespace CampaignService.Files;

/// <summary>The attached images of campaigns (<c>campaign.campaign_images</c>), in order.</summary>
public interface ICampaignImageStore : IOrderedAttachments;

public sealed class CampaignImageStore(ServiceDatabase database) : OrderedAttachmentStore(database, Table), ICampaignImageStore
{
    public static readonly AttachmentTable Table = new("campaign.campaign_images", "campaign_id");
}

using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace CampaignService.Files;

/// <summary>
/// A deleted campaign (by its owner, an admin, or a report resolved with removal) loses its images:
/// campaign-service consumes its own <c>campaign.deleted</c> and deletes the blobs. Deleting a blob
/// that is gone already is no error, so redelivery is harmless; a storage outage retries the event.
/// </summary>
public sealed class CampaignDeletedHandler(ICampaignImageStore images, BlobStorage storage) : IEventHandler<CampaignDeleted>
{
    public async Task HandleAsync(CampaignDeleted message, EventContext context, CancellationToken cancellationToken)
    {
        foreach (var image in await images.ForCampaignAsync(context.Work, message.CampaignId, cancellationToken))
        {
            await storage.DeleteAsync(CampaignFiles.CampaignImage, image.OwnerId, image.BlobId, cancellationToken);
        }
    }
}

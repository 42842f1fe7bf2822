using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Eventing;

namespace DonationService.Files;

/// <summary>
/// A deleted donation (by its donor, an admin, or a report resolved with removal) loses its photos:
/// donation-service consumes its own <c>donation.deleted</c> and deletes the blobs. Deleting a blob
/// that is gone already is no error, so redelivery is harmless; a storage outage retries the event.
/// </summary>
public sealed class DonationDeletedHandler(IDonationImageStore images, BlobStorage storage) : IEventHandler<DonationDeleted>
{
    public async Task HandleAsync(DonationDeleted message, EventContext context, CancellationToken cancellationToken)
    {
        foreach (var image in await images.ForDonationAsync(context.Work, message.DonationId, cancellationToken))
        {
            await storage.DeleteAsync(DonationFiles.DonationImage, image.OwnerId, image.BlobId, cancellationToken);
        }
    }
}

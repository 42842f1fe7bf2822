using Platform.Blobs;
using Platform.Contracts.Events;

namespace DonationService.Files;

/// <summary>A deleted donation (by its donor, an admin, or a report resolved with removal) loses its photos through its own <c>donation.deleted</c>.</summary>
public sealed class DonationDeletedHandler(IDonationImageStore images, BlobStorage storage)
    : AttachedFilesDeletedHandler<DonationDeleted>(images, storage, DonationFiles.DonationImage)
{
    protected override Guid ParentOf(DonationDeleted message) => message.DonationId;
}

using Platform.Blobs;
using Platform.Data;

namespace DonationService.Files;

/// <summary>The attached images of donations (<c>donation.donation_images</c>), in order.</summary>
public interface IDonationImageStore : IOrderedAttachments;

public sealed class DonationImageStore(ServiceDatabase database) : OrderedAttachmentStore(database, Table), IDonationImageStore
{
    public static readonly AttachmentTable Table = new("donation.donation_images", "donation_id");
}

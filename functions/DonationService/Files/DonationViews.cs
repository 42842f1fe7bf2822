using DonationService.Donations;
using Platform.Blobs;
using Platform.Hosting.Auth;

namespace DonationService.Files;

/// <summary>Donation views with their images (public URLs, so building them needs no call to storage).</summary>
public sealed class DonationViews(IDonationImageStore images, BlobStorage storage)
{
    public async Task<DonationView> OneAsync(Donation donation, CancellationToken cancellationToken, Caller? caller = null) =>
        (await ManyAsync([donation], cancellationToken, caller))[0];

    /// <summary>The views for <paramref name="caller"/> (private fields only for the donor and admins; none without a caller).</summary>
    public async Task<IReadOnlyList<DonationView>> ManyAsync(IReadOnlyList<Donation> donations, CancellationToken cancellationToken, Caller? caller = null)
    {
        // Reads select the images with the rows; rows a write returned are completed with one query.
        IEnumerable<AttachedFile> attached = donations.All(d => d.ImagesJson is not null)
            ? donations.SelectMany(d => AttachedFile.FromJson(d.Id, d.ImagesJson!))
            : await images.ForParentsAsync([.. donations.Select(d => d.Id)], cancellationToken);
        var files = await storage.ByParentAsync(DonationFiles.DonationImage, attached, cancellationToken);
        return [.. donations.Select(d => DonationView.From(d, [.. files[d.Id]], caller))];
    }
}

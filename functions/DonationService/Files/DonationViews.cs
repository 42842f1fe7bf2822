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
        var rows = await images.ForDonationsAsync([.. donations.Select(d => d.Id)], cancellationToken);
        var byDonation = rows.ToLookup(r => r.DonationId);
        var views = new List<DonationView>(donations.Count);
        foreach (var donation in donations)
        {
            var files = new List<FileView>();
            foreach (var row in byDonation[donation.Id])
            {
                files.Add(await storage.ViewAsync(DonationFiles.DonationImage, row.OwnerId, row.BlobId, row.ContentType, cancellationToken));
            }

            views.Add(DonationView.From(donation, files, caller));
        }

        return views;
    }
}

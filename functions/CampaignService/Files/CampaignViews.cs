using CampaignService.Campaigns;
using Platform.Blobs;
using Platform.Hosting.Auth;

namespace CampaignService.Files;

/// <summary>Campaign views with their images (public URLs, so building them needs no call to storage).</summary>
public sealed class CampaignViews(ICampaignImageStore images, BlobStorage storage)
{
    /// <summary>The view as <paramref name="viewer"/> sees it (see <see cref="CampaignView.From"/>).</summary>
    public async Task<CampaignView> OneAsync(Campaign campaign, CancellationToken cancellationToken, Caller? viewer = null) =>
        (await ManyAsync([campaign], cancellationToken, viewer))[0];

    public async Task<IReadOnlyList<CampaignView>> ManyAsync(IReadOnlyList<Campaign> campaigns, CancellationToken cancellationToken, Caller? viewer = null)
    {
        // Reads select the images with the rows; rows a write returned are completed with one query.
        IEnumerable<AttachedFile> attached = campaigns.All(c => c.ImagesJson is not null)
            ? campaigns.SelectMany(c => AttachedFile.FromJson(c.Id, c.ImagesJson!))
            : await images.ForParentsAsync([.. campaigns.Select(c => c.Id)], cancellationToken);
        var files = await storage.ByParentAsync(CampaignFiles.CampaignImage, attached, cancellationToken);
        return [.. campaigns.Select(c => CampaignView.From(c, [.. files[c.Id]], viewer))];
    }
}

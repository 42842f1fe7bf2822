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
        var files = await storage.ByParentAsync(
            CampaignFiles.CampaignImage, await images.ForParentsAsync([.. campaigns.Select(c => c.Id)], cancellationToken), cancellationToken);
        return [.. campaigns.Select(c => CampaignView.From(c, [.. files[c.Id]], viewer))];
    }
}

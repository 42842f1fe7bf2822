using CampaignService.Campaigns;
using Platform.Blobs;

namespace CampaignService.Files;

/// <summary>Campaign views with their images (public URLs, so building them needs no call to storage).</summary>
public sealed class CampaignViews(ICampaignImageStore images, BlobStorage storage)
{
    public async Task<CampaignView> OneAsync(Campaign campaign, CancellationToken cancellationToken) =>
        (await ManyAsync([campaign], cancellationToken))[0];

    public async Task<IReadOnlyList<CampaignView>> ManyAsync(IReadOnlyList<Campaign> campaigns, CancellationToken cancellationToken)
    {
        var files = await storage.ByParentAsync(
            CampaignFiles.CampaignImage, await images.ForParentsAsync([.. campaigns.Select(c => c.Id)], cancellationToken), cancellationToken);
        return [.. campaigns.Select(c => CampaignView.From(c, [.. files[c.Id]]))];
    }
}

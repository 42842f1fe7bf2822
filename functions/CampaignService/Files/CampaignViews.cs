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
        var rows = await images.ForCampaignsAsync([.. campaigns.Select(c => c.Id)], cancellationToken);
        var byCampaign = rows.ToLookup(r => r.CampaignId);
        var views = new List<CampaignView>(campaigns.Count);
        foreach (var campaign in campaigns)
        {
            var files = new List<FileView>();
            foreach (var row in byCampaign[campaign.Id])
            {
                files.Add(await storage.ViewAsync(CampaignFiles.CampaignImage, row.OwnerId, row.BlobId, row.ContentType, cancellationToken));
            }

            views.Add(CampaignView.From(campaign, files));
        }

        return views;
    }
}

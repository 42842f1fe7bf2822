using Platform.Blobs;

namespace CampaignService.Files;

/// <summary>The kinds of file campaign-service owns (issue 16).</summary>
public enum CampaignUploadKind
{
    CampaignImage,
}

public static class CampaignFiles
{
    /// <summary>At most this many images per campaign.</summary>
    public const int MaxImagesPerCampaign = 5;

    /// <summary>Images of campaigns: public (anyone may read them), JPEG, PNG or WebP, at most 5 MiB.</summary>
    public static readonly BlobKind CampaignImage = new("campaign_image", "campaign-images", IsPublic: true, FileType.Images);

    public static BlobKind KindOf(CampaignUploadKind kind) => kind switch
    {
        CampaignUploadKind.CampaignImage => CampaignImage,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
